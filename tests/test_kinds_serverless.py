"""The serverless kinds (key, secret, parameter, websocket_api, dns_zone, cdn, static_site, log_bucket,
email, log_group, dashboard) and the table's options: bad input is located, and what they compile to
keeps the promises their docs make (grants scoped to one resource, secrets never in a template,
CloudFront only with TLS 1.2 on a custom domain, keys usable by exactly the services that need them).

The golden templates (tests/cases/<kind>.yaml) pin every resource; these tests name the properties
that matter and every error a spec author can make with these kinds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.credentials import credential_kind, secret_like_name

from .spec_helpers import HEAD, compile_components, errors


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


# ----------------------------------------------------------------------------------------------
# Bad input: every error is file:line:col: dotted.path: message

CASES: dict[str, tuple[str, list[str]] | tuple[str, list[str], str]] = {
    "secret with a literal value": (
        """
        stripe-key:
          kind: secret
          value: sk_live_4eC39HqLyjWDarjtT1zdp7dc
        """,
        [
            "SPEC:8:12: components.stripe-key.value: a secret's value never goes in the spec (it would be in git and "
            "in the template); leave it out -- the secret is created empty, put the value with "
            "`aws secretsmanager put-secret-value` -- or use 'generate'"
        ],
    ),
    "generated secret template without a key": (
        """
        login:
          kind: secret
          generate: {template: {username: app}}
        """,
        [
            "SPEC:8:26: components.login.generate.template: a template needs 'key': the field the generated string goes in"
        ],
    ),
    "credential in a generated secret's template": (
        """
        login:
          kind: secret
          generate:
            key: password
            template: {username: app, token: AKIAIOSFODNN7EXAMPLE}
        """,
        [
            "SPEC:10:40: components.login.generate.template.token: this looks like an AWS access key ID; never put "
            "a credential in a spec -- declare a 'secret' component (created empty or generated) and give the "
            "functions that need it 'uses: {<secret>: read}'"
        ],
    ),
    "credential in a function's environment": (
        """
        fn:
          kind: function
          code: code
          environment: {KEY_ID: AKIAIOSFODNN7EXAMPLE, "1BAD": x}
        """,
        [
            "SPEC:9:27: components.fn.environment.KEY_ID: this looks like an AWS access key ID; never put a "
            "credential in a spec -- declare a 'secret' component (created empty or generated) and give the "
            "functions that need it 'uses: {<secret>: read}'",
            "SPEC:9:57: components.fn.environment.1BAD: invalid environment variable name '1BAD'",
        ],
    ),
    "secret encrypted with something that is not a key": (
        """
        login:
          kind: secret
          kms_key: login
        """,
        ["SPEC:8:14: components.login.kms_key: 'login' is a secret, but a key is needed here"],
    ),
    "parameter named like a secret": (
        """
        db-password:
          kind: parameter
          value: hunter2hunter2
        """,
        [
            "SPEC:7:5: components.db-password: 'db-password' sounds like a secret; parameters are plain text to "
            "anyone who can read them -- use a 'secret' component"
        ],
    ),
    "parameter holding a credential": (
        """
        settings:
          kind: parameter
          value: '{"anthropic": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz"}'
        """,
        [
            "SPEC:8:12: components.settings.value: this looks like an Anthropic API key; never put a credential "
            "in a spec -- declare a 'secret' component (created empty or generated) and give the functions that "
            "need it 'uses: {<secret>: read}'"
        ],
    ),
    "parameter with both value and values": (
        """
        settings:
          kind: parameter
          value: a
          values: [b]
        """,
        ["SPEC:7:5: components.settings: give exactly one of 'value' (a String parameter) or 'values' (a StringList)"],
    ),
    "string list value with a comma": (
        """
        origins:
          kind: parameter
          values: [https://a.example.com, "https://b.example.com,https://c.example.com"]
        """,
        ["SPEC:8:37: components.origins.values[1]: a StringList value may not contain a comma"],
    ),
    "websocket api that does not say who may connect": (
        """
        chat:
          kind: websocket_api
          routes: {$connect: fn}
        fn: {kind: function, code: code}
        """,
        [
            "SPEC:7:5: components.chat: say who may connect: an 'authorizer' (a function checking a token), "
            "'auth: iam', or 'auth: none' to let anyone connect"
        ],
    ),
    "websocket route keys": (
        """
        chat:
          kind: websocket_api
          auth: none
          routes: {$connected: fn, send message: fn, sendMessage: fn, send-message: fn}
        fn: {kind: function, code: code}
        """,
        [
            "SPEC:9:26: components.chat.routes.$connected: unknown special route '$connected'; special routes are "
            "$connect, $disconnect, $default",
            "SPEC:9:44: components.chat.routes.send message: invalid route key 'send message': use $connect, "
            "$disconnect, $default or letters, digits, '_', '-', '.' and ':'",
            "SPEC:9:79: components.chat.routes.send-message: routes 'sendMessage' and 'send-message' would get the "
            "same logical ID; rename one",
        ],
    ),
    "websocket route to a table": (
        """
        chat:
          kind: websocket_api
          auth: none
          routes: {$default: data}
        data: {kind: table, partition_key: PK}
        """,
        ["SPEC:9:24: components.chat.routes.$default: 'data' is a table, but a function is needed here"],
    ),
    "websocket authorizer without a $connect route": (
        """
        chat:
          kind: websocket_api
          authorizer: {function: fn}
          routes: {sendMessage: fn}
        fn: {kind: function, code: code}
        """,
        ["SPEC:8:17: components.chat.authorizer: an authorizer runs on $connect; add a '$connect' route"],
    ),
    "websocket auth and authorizer both": (
        """
        chat:
          kind: websocket_api
          auth: none
          authorizer: {function: fn}
          routes: {$connect: fn}
        fn: {kind: function, code: code}
        """,
        ["SPEC:8:11: components.chat.auth: give either 'auth' or 'authorizer', not both"],
    ),
    "websocket route selection expression": (
        """
        chat:
          kind: websocket_api
          auth: none
          route_selection: action
          routes: {$default: fn}
        fn: {kind: function, code: code}
        """,
        [
            "SPEC:9:22: components.chat.route_selection: a WebSocket route selection expression looks like "
            "'$request.body.<field>'"
        ],
    ),
    "function sends to a websocket api with the wrong access": (
        """
        chat:
          kind: websocket_api
          auth: none
          routes: {$default: fn}
        fn: {kind: function, code: code, uses: {chat: read}}
        """,
        ["SPEC:10:49: components.fn.uses.chat: a websocket_api cannot be used with 'read'; valid: send"],
    ),
    "custom domain outside its zone": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        chat:
          kind: websocket_api
          auth: none
          routes: {$default: fn}
          domain: {name: chat.example.org, zone: zone}
        fn: {kind: function, code: code}
        """,
        ["SPEC:11:20: components.chat.domain.name: 'chat.example.org' is not in the zone 'example.com' of 'zone'"],
    ),
    "cloudfront certificate outside us-east-1": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        site:
          kind: static_site
          domain: {name: www.example.com, zone: zone}
        """,
        [
            "SPEC:10:13: components.site.domain: CloudFront only uses certificates in us-east-1, and this stage "
            "deploys to eu-west-1: give 'certificate_arn' of a certificate for this name in us-east-1, or deploy "
            "the stage to us-east-1"
        ],
        HEAD.replace("system: demo\n", "system: demo\nregion: eu-west-1\n"),
    ),
    "cloudfront given a certificate from another region": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        site:
          kind: static_site
          domain:
            name: www.example.com
            zone: zone
            certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
        """,
        [
            "SPEC:12:24: components.site.domain.certificate_arn: CloudFront only uses certificates in us-east-1; "
            "this one is in eu-west-1"
        ],
    ),
    "regional api given a certificate from another region": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        chat:
          kind: websocket_api
          auth: none
          routes: {$default: fn}
          domain:
            name: ws.example.com
            zone: zone
            certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
        fn: {kind: function, code: code}
        """,
        [
            "SPEC:15:24: components.chat.domain.certificate_arn: a regional API needs a certificate in its own "
            "region (eu-west-1); this one is in us-east-1"
        ],
        HEAD.replace("system: demo\n", "system: demo\nregion: eu-west-1\n"),
    ),
    "malformed hosted zone id": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: example.com}
        """,
        [
            "SPEC:6:63: components.zone.hosted_zone_id: 'example.com' is not a hosted zone ID; IDs look like "
            "'Z0123456789ABCDEFGHIJ' (Route 53 console, or `aws route53 list-hosted-zones`)"
        ],
    ),
    "cdn origin that is not a bucket": (
        """
        data: {kind: table, partition_key: PK}
        pdfs: {kind: cdn, origin: data}
        """,
        ["SPEC:7:29: components.pdfs.origin: 'data' is a table, but a bucket is needed here"],
    ),
    "cdn cache times out of order": (
        """
        logs: {kind: log_bucket}
        site:
          kind: static_site
          cache: {default_ttl: 60, min_ttl: 3600}
        """,
        ["SPEC:9:12: components.site.cache: TTLs must satisfy min_ttl <= default_ttl <= max_ttl"],
    ),
    "access logs to a bucket that is not a log bucket": (
        """
        data: {kind: key}
        site:
          kind: static_site
          access_logs: data
        """,
        ["SPEC:9:18: components.site.access_logs: 'data' is a key, but a log_bucket is needed here"],
    ),
    "email notifications without a key": (
        """
        mail:
          kind: email
          sender: noreply@example.com
        """,
        [
            "SPEC:7:5: components.mail.kms_key: bounce and complaint topics are encrypted, and SES can publish to an "
            "encrypted topic only with a customer-managed key: add a key component and name it here (or set "
            "notifications: [])"
        ],
    ),
    "email templates": (
        """
        mail:
          kind: email
          sender: noreply@example.com
          notifications: []
          templates:
            empty: {subject: Hi}
            braces: {subject: "Hi {{name}", text: "x"}
            missing: {subject: Hi, html_file: nowhere.html}
            Bad_Name: {subject: Hi, text: x}
        """,
        [
            "SPEC:11:14: components.mail.templates.empty: a template needs a body: 'html', 'text', or both",
            "SPEC:12:25: components.mail.templates.braces.subject: unbalanced '{{' and '}}' placeholders",
            "SPEC:13:41: components.mail.templates.missing.html_file: no such file: nowhere.html (relative to the "
            "spec)",
            "SPEC:14:17: components.mail.templates.Bad_Name: invalid template name 'Bad_Name': use lower-case "
            "letters, digits, '-' or '_'",
        ],
    ),
    "email sender outside its zone": (
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        mail:
          kind: email
          sender: noreply@example.org
          zone: zone
          notifications: []
        """,
        ["SPEC:10:11: components.mail.zone: the sender's domain 'example.org' is not in the zone 'example.com'"],
    ),
    "email sender that is not an address": (
        """
        mail: {kind: email, sender: noreply, notifications: []}
        """,
        [
            "SPEC:6:31: components.mail.sender: 'noreply' is not an email address (like 'noreply@example.com', "
            "domain in lower case)"
        ],
    ),
    "dashboard widgets": (
        """
        data: {kind: table, partition_key: PK}
        key: {kind: key}
        ops:
          kind: dashboard
          widgets:
            - {"on": data, metrics: [read_throttle]}
            - {"on": key}
            - {title: nothing}
            - {text: hi, "on": data}
            - {"on": data, period: 90}
        """,
        [
            "SPEC:11:32: components.ops.widgets[0].metrics[0]: 'data' has no metric 'read_throttle'; it has: "
            "consumed_reads, consumed_writes, get_latency, put_latency, query_latency, read_throttles, "
            "system_errors, throttles, write_throttles",
            "SPEC:12:16: components.ops.widgets[1].on: 'key' (key) has no metrics",
            "SPEC:13:9: components.ops.widgets[2]: a widget shows the metrics of a component ('on') or custom "
            "metrics ('custom')",
            "SPEC:14:9: components.ops.widgets[3]: a text widget shows only its text; put metrics in another widget",
            "SPEC:15:30: components.ops.widgets[4].period: a period is 1, 5, 10, 30 or a multiple of 60 seconds",
        ],
    ),
    "credential in a dashboard's text": (
        """
        ops:
          kind: dashboard
          widgets:
            - {text: "deploy key ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"}
        """,
        [
            "SPEC:9:16: components.ops.widgets[0].text: this looks like a GitHub token; never put a credential in a "
            "spec -- declare a 'secret' component (created empty or generated) and give the functions that need it "
            "'uses: {<secret>: read}'"
        ],
    ),
    "provisioned table without capacity": (
        """
        data: {kind: table, partition_key: PK, billing: provisioned}
        """,
        [
            "SPEC:6:51: components.data.billing: provisioned billing needs 'capacity' (read and write min/max for "
            "auto-scaling)"
        ],
    ),
    "capacity of an on-demand table, and min above max": (
        """
        data:
          kind: table
          partition_key: PK
          capacity: {read: {min: 50, max: 10}}
        """,
        [
            "SPEC:9:15: components.data.capacity: capacity applies to billing: provisioned only",
            "SPEC:9:22: components.data.capacity.read: min (50) is more than max (10)",
        ],
    ),
    "stream consumer that is not a function": (
        """
        data:
          kind: table
          partition_key: PK
          stream: {consumer: data}
        """,
        ["SPEC:9:24: components.data.stream.consumer: 'data' is a table, but a function is needed here"],
    ),
    "bucket transitions against S3's waterfall": (
        """
        archive:
          kind: bucket
          transitions:
            - {days: 10, storage_class: standard_ia}
            - {days: 60, storage_class: glacier}
            - {days: 45, storage_class: intelligent_tiering}
          expire_after_days: 30
        """,
        [
            "SPEC:9:16: components.archive.transitions[0].days: S3 moves objects to standard_ia only once they are 30 "
            "days old",
            "SPEC:11:16: components.archive.transitions[2].days: transitions must be in order of age: 45 is not "
            "after 60",
            "SPEC:11:35: components.archive.transitions[2].storage_class: S3 cannot move objects from glacier to "
            "intelligent_tiering; classes go down the list standard_ia > intelligent_tiering > onezone_ia > "
            "glacier_ir > glacier > deep_archive",
            "SPEC:12:24: components.archive.expire_after_days: objects expire after 30 days, before the last "
            "transition (day 45)",
        ],
    ),
    "bucket encryption kms without a key, and aes256 with one": (
        """
        k: {kind: key}
        a: {kind: bucket, encryption: kms}
        b: {kind: bucket, encryption: aes256, kms_key: k}
        """,
        [
            "SPEC:7:33: components.a.encryption: encryption: kms needs kms_key, the key component to encrypt with",
            "SPEC:8:33: components.b.encryption: a bucket with kms_key is encrypted with SSE-KMS; remove "
            "encryption: aes256",
        ],
    ),
    "bucket access logs to a plain bucket": (
        """
        other: {kind: bucket}
        data: {kind: bucket, access_logs: other}
        """,
        ["SPEC:7:37: components.data.access_logs: 'other' is a bucket, but a log_bucket is needed here"],
    ),
    "key rotation more often than KMS allows": (
        """
        data-key: {kind: key, rotation_days: 30}
        """,
        ["SPEC:6:40: components.data-key.rotation_days: must be greater than or equal to 90, got 30"],
    ),
    "log group retention CloudWatch does not offer": (
        """
        errors: {kind: log_group, retention_days: 31}
        """,
        ["SPEC:6:45: components.errors.retention_days: must be "],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_located(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    components, expected = case[0], case[1]
    head = case[2] if len(case) > 2 else HEAD  # type: ignore[misc]
    lines = errors(tmp_path, components, head)
    assert len(lines) == len(expected), "\n".join(lines)
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"


# ----------------------------------------------------------------------------------------------
# Credentials are recognised by shape, ordinary text is not


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"),
        ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "an Anthropic API key"),
        ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "an OpenAI-style secret key"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
        ("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "a GitHub token"),
        ("xoxb-123456789012-abcdefghij", "a Slack token"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a private key"),
        ("postgres://app:s3cret@db.example.com/app", "a URL with a password in it"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "a signed token (JWT)"),
    ],
)
def test_credential_shapes_are_recognised(value: str, what: str) -> None:
    assert credential_kind(value) == what


@pytest.mark.parametrize(
    "value",
    [
        "https://wizard.example.com",
        '{"pdfExport": true, "chatModel": "claude-sonnet-4-5"}',
        "Your specification {{title}} is ready",
        "skip-to-content",
        "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    ],
)
def test_ordinary_text_is_not_a_credential(value: str) -> None:
    assert credential_kind(value) is None


def test_secret_like_names() -> None:
    assert all(secret_like_name(n) for n in ("db-password", "API_KEY", "stripe-secret", "github-token"))
    assert not any(secret_like_name(n) for n in ("feature-flags", "allowed-origins", "prompt"))


# ----------------------------------------------------------------------------------------------
# What the kinds compile to


def test_secret_is_passed_by_arn_and_readable_only_by_its_user(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        openai-key: {kind: secret}
        anthropic-key: {kind: secret}
        chat: {kind: function, code: code, uses: {openai-key: read, anthropic-key: read}}
        other: {kind: function, code: code}
        """,
    )
    secret = template["Resources"]["OpenaiKeySecret"]["Properties"]
    assert "SecretString" not in secret and "GenerateSecretString" not in secret  # created empty
    env = template["Resources"]["ChatFunction"]["Properties"]["Environment"]["Variables"]
    assert env["OPENAI_KEY_SECRET_ARN"] == {"Ref": "OpenaiKeySecret"}
    assert env["ANTHROPIC_KEY_SECRET_ARN"] == {"Ref": "AnthropicKeySecret"}
    reads = [s for s in statements(template, "ChatRole") if "secretsmanager:GetSecretValue" in s["Action"]]
    assert sorted(r["Resource"][0]["Ref"] for r in reads) == ["AnthropicKeySecret", "OpenaiKeySecret"]
    assert all(len(r["Resource"]) == 1 for r in reads)
    assert not any("secretsmanager" in str(s) for s in statements(template, "OtherRole"))


def test_websocket_grants_are_scoped_to_the_stage_and_route(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        chat:
          kind: websocket_api
          authorizer: {function: fn}
          routes: {$connect: fn, sendMessage: fn}
        fn: {kind: function, code: code, uses: {chat: send}}
        """,
    )
    manage = [s for s in statements(template, "FnRole") if s["Action"] == ["execute-api:ManageConnections"]]
    assert manage[0]["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ChatApi}/dev/*/@connections/*"
        }
    ]
    permission = template["Resources"]["ChatSendMessagePermission"]["Properties"]
    assert permission["SourceArn"]["Fn::Sub"].endswith("${ChatApi}/dev/sendMessage")
    connect = template["Resources"]["ChatConnectRoute"]["Properties"]
    assert connect["AuthorizationType"] == "CUSTOM" and connect["AuthorizerId"] == {"Ref": "ChatAuthorizer"}
    stage = template["Resources"]["ChatStage"]["Properties"]
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 500
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ChatAccessLogGroup", "Arn"]}
    env = template["Resources"]["FnFunction"]["Properties"]["Environment"]["Variables"]
    assert "WEBSOCKET_ENDPOINT" in env


def test_cloudfront_is_https_only_with_tls_1_2_and_security_headers(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0EXAMPLE}
        site: {kind: static_site, domain: {name: www.example.com, zone: zone}}
        """,
    )
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultCacheBehavior"]["Compress"] is True
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["HttpVersion"] == "http2and3"
    assert [e["ResponsePagePath"] for e in config["CustomErrorResponses"]] == ["/index.html", "/index.html"]
    headers = template["Resources"]["SiteResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert set(headers["SecurityHeadersConfig"]) == {
        "StrictTransportSecurity",
        "ContentTypeOptions",
        "FrameOptions",
        "XSSProtection",
        "ReferrerPolicy",
    }
    bucket = template["Resources"]["SiteSiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    policy = template["Resources"]["SiteSiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    reads = [s for s in policy if s["Effect"] == "Allow"]
    assert reads[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert reads[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"].endswith("${SiteDistribution}")
    records = resources(template, "AWS::Route53::RecordSet")
    assert sorted(r["Properties"]["Type"] for r in records.values()) == ["A", "AAAA"]
    cert = template["Resources"]["SiteCertificate"]["Properties"]
    assert cert["ValidationMethod"] == "DNS" and cert["DomainValidationOptions"][0]["HostedZoneId"] == "Z0EXAMPLE"


def test_key_policy_lets_exactly_the_services_that_use_it(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        k: {kind: key}
        errors: {kind: log_group, kms_key: k}
        mail: {kind: email, sender: a@example.com, kms_key: k}
        unrelated: {kind: log_group}
        """,
    )
    policy = template["Resources"]["KKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert [s["Sid"] for s in policy] == ["AccountAdministersAndUsesThroughIam", "ErrorsLogs", "MailSesPublishesEvents"]
    assert "kms:*" not in json.dumps(policy)
    logs = policy[1]["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Sub"]
    assert logs.endswith("log-group:/specc/demo/dev/errors")
    assert template["Resources"]["KKey"]["Properties"]["EnableKeyRotation"] is True


def test_email_send_grant_is_limited_to_sender_configuration_set_and_templates(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        mail:
          kind: email
          sender: noreply@example.com
          notifications: []
          templates: {hello: {subject: Hi, text: "Hi {{name}}"}}
        fn: {kind: function, code: code, uses: {mail: send}}
        """,
    )
    (send,) = [s for s in statements(template, "FnRole") if "ses:SendEmail" in s["Action"]]
    assert send["Condition"] == {"StringEquals": {"ses:FromAddress": "noreply@example.com"}}
    assert [r["Fn::Sub"].rsplit(":", 1)[1] for r in send["Resource"]] == [
        "identity/example.com",
        "configuration-set/demo-dev-mail",
        "template/demo-dev-mail-hello",
    ]
    config = template["Resources"]["MailConfigurationSet"]["Properties"]
    assert config["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert config["ReputationOptions"]["ReputationMetricsEnabled"] is True


def test_provisioned_table_scales_table_and_indexes(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        data:
          kind: table
          partition_key: PK
          indexes: {GSI1: {partition_key: G}}
          billing: provisioned
          capacity: {read: {min: 2, max: 20}, write: {min: 1, max: 5}}
        """,
    )
    table = template["Resources"]["DataTable"]["Properties"]
    assert table["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"] == {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1}
    targets = resources(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted(t["Properties"]["ScalableDimension"] for t in targets.values()) == [
        "dynamodb:index:ReadCapacityUnits",
        "dynamodb:index:WriteCapacityUnits",
        "dynamodb:table:ReadCapacityUnits",
        "dynamodb:table:WriteCapacityUnits",
    ]
    assert len(resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")) == 4


def test_stream_consumer_reads_only_its_tables_stream(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        data: {kind: table, partition_key: PK, stream: {consumer: fn}}
        fn: {kind: function, code: code}
        """,
    )
    assert template["Resources"]["DataTable"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "NEW_AND_OLD_IMAGES"
    }
    policy = template["Resources"]["DataStreamReadPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "FnRole"}]
    resource = policy["PolicyDocument"]["Statement"][0]["Resource"]
    assert resource == [{"Fn::Join": ["", [{"Fn::GetAtt": ["DataTable", "Arn"]}, "/stream/*"]]}]
    mapping = template["Resources"]["DataStreamMapping"]
    assert mapping["DependsOn"] == ["DataStreamReadPolicy"]
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
