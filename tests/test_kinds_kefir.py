"""The Kefir kinds one by one: bucket, auth, http_api, schedule, monitoring.

Each kind compiles to the real resources with the real properties (read back from the compiled
template), and each bad input is a located error ``file:line:col: path: message``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from compiler import api
from compiler.errors import SpecError
from compiler.loader import load_bytes

HEAD = """\
specc: 1
system: demo
stages:
  dev: {removal_policy: delete, alarms: false}
  prod: {}
components:
"""

FN = """\
  fn:
    kind: function
    code: handlers/fn
"""


def document(components: str, head: str = HEAD) -> Any:
    return load_bytes((head + textwrap.indent(textwrap.dedent(components), "  ")).encode(), "case.yaml")


def build(components: str, tmp_path: Path, head: str = HEAD) -> dict[str, dict[str, Any]]:
    """{stage: template} of a spec made of ``components``."""
    return {c.stage: c.template for c in api.compile_document(document(components, head), out=tmp_path)}


def errors(components: str, head: str = HEAD) -> list[str]:
    """Every diagnostic of a spec, formatted ``file:line:col: path: message``."""
    with pytest.raises(SpecError) as caught:
        api.compile_document(document(components, head), out=Path("/nonexistent"))
    return [d.format() for d in caught.value.diagnostics]


def props(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    return template["Resources"][logical_id]["Properties"]


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


# ==============================================================================================
# bucket


def test_bucket_is_private_encrypted_versioned_and_tls_only(tmp_path: Path) -> None:
    prod = build("photos: {kind: bucket}\n", tmp_path)["prod"]
    bucket = prod["Resources"]["PhotosBucket"]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    p = bucket["Properties"]
    assert p["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert p["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "BucketName" not in p  # CloudFormation names it: no global-name collisions
    assert "MetricsConfigurations" not in p
    policy = props(prod, "PhotosBucketPolicy")["PolicyDocument"]["Statement"]
    assert policy == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*"],
            "Resource": [
                {"Fn::GetAtt": ["PhotosBucket", "Arn"]},
                {"Fn::Join": ["", [{"Fn::GetAtt": ["PhotosBucket", "Arn"]}, "/*"]]},
            ],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    assert prod["Outputs"]["PhotosBucketName"]["Value"] == {"Ref": "PhotosBucket"}


def test_bucket_cors_lifecycle_and_request_metrics(tmp_path: Path) -> None:
    prod = build(
        """\
        photos:
          kind: bucket
          expire_after_days: 365
          noncurrent_versions_expire_after_days: 30
          request_metrics: true
          cors: {origins: ["https://app.example.com"], methods: [PUT], headers: ["*"], max_age_seconds: 60}
        """,
        tmp_path,
    )["prod"]
    p = props(prod, "PhotosBucket")
    assert p["CorsConfiguration"]["CorsRules"] == [
        {
            "Id": "browser",
            "AllowedOrigins": ["https://app.example.com"],
            "AllowedMethods": ["PUT"],
            "AllowedHeaders": ["*"],
            "ExposedHeaders": ["ETag"],
            "MaxAge": 60,
        }
    ]
    rules = {r["Id"]: r for r in p["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-objects"]["ExpirationInDays"] == 365
    assert rules["expire-noncurrent-versions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert p["MetricsConfigurations"] == [{"Id": "EntireBucket"}]


def test_bucket_without_versioning_says_so_to_checkov(tmp_path: Path) -> None:
    bucket = build("photos: {kind: bucket, versioning: false}\n", tmp_path)["prod"]["Resources"]["PhotosBucket"]
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Suspended"}
    skips = bucket["Metadata"]["checkov"]["skip"]
    assert {"id": "CKV_AWS_21", "comment": "versioning: false in the spec"} in skips


def test_bucket_grants_by_access_level(tmp_path: Path) -> None:
    prod = build(
        FN.replace("    code:", "    uses: {a: read, b: write}\n    code:")
        + "  a: {kind: bucket}\n  b: {kind: bucket}\n",
        tmp_path,
    )["prod"]
    statements = props(prod, "FnRole")["Policies"][0]["PolicyDocument"]["Statement"]
    by_resource = {json.dumps(s["Resource"]): s["Action"] for s in statements}
    assert by_resource[json.dumps([{"Fn::GetAtt": ["ABucket", "Arn"]}])] == ["s3:ListBucket"]
    assert by_resource[json.dumps([{"Fn::Join": ["", [{"Fn::GetAtt": ["ABucket", "Arn"]}, "/*"]]}])] == [
        "s3:GetObject",
        "s3:GetObjectAttributes",
        "s3:GetObjectVersion",
    ]
    assert by_resource[json.dumps([{"Fn::Join": ["", [{"Fn::GetAtt": ["BBucket", "Arn"]}, "/*"]]}])] == [
        "s3:AbortMultipartUpload",
        "s3:DeleteObject",
        "s3:ListMultipartUploadParts",
        "s3:PutObject",
    ]
    assert json.dumps([{"Fn::GetAtt": ["BBucket", "Arn"]}]) not in by_resource  # no listing for write-only
    env = props(prod, "FnFunction")["Environment"]["Variables"]
    assert env == {"A_BUCKET_NAME": {"Ref": "ABucket"}, "B_BUCKET_NAME": {"Ref": "BBucket"}}


def test_bucket_errors() -> None:
    assert errors(
        """\
        photos:
          kind: bucket
          versioning: false
          noncurrent_versions_expire_after_days: 3
          cors: {origins: ["http://app.example.com", "https://x.com/path", "example.com"]}
        """
    ) == [
        "case.yaml:10:44: components.photos.noncurrent_versions_expire_after_days: only applies to a versioned "
        "bucket; remove it or set versioning: true",
        "case.yaml:11:22: components.photos.cors.origins[0]: origin 'http://app.example.com' uses plain http; "
        "only http://localhost may, use https",
        "case.yaml:11:48: components.photos.cors.origins[1]: origin 'https://x.com/path' must not have a path; "
        "write only scheme, host and port",
        "case.yaml:11:70: components.photos.cors.origins[2]: origin 'example.com' must look like "
        "'https://app.example.com' (scheme and host) or be '*'",
    ]
    assert errors("photos: {kind: bucket, cors: {origins: []}, request_metrics: sometimes}\n") == [
        "case.yaml:7:42: components.photos.cors.origins: List should have at least 1 item after validation, not 0",
        "case.yaml:7:64: components.photos.request_metrics: must be a valid boolean, got 'sometimes'",
    ]


# ==============================================================================================
# auth


def test_auth_email_otp_pool_and_client(tmp_path: Path) -> None:
    stages = build(
        """\
        auth:
          kind: auth
          sign_in: [email_otp]
          email: {verification_subject: Your code, verification_message: "Code: {####}"}
        """,
        tmp_path,
    )
    prod, dev = stages["prod"], stages["dev"]
    pool = props(prod, "AuthUserPool")
    assert pool["UserPoolName"] == "demo-prod-auth"
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["AccountRecoverySetting"] == {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["MfaConfiguration"] == "OFF" and "EnabledMfas" not in pool
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["VerificationMessageTemplate"] == {
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
        "EmailSubject": "Your code",
        "EmailMessage": "Code: {####}",
    }
    assert pool["DeletionProtection"] == "ACTIVE"
    assert props(dev, "AuthUserPool")["DeletionProtection"] == "INACTIVE"
    assert pool["UserPoolTags"] == {"specc:stage": "prod", "specc:system": "demo"}
    client = props(prod, "AuthWebClient")
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["GenerateSecret"] is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (60, 60, 30)
    assert set(prod["Outputs"]) == {"AuthUserPoolId", "AuthWebClientId"}


def test_auth_password_pool_with_several_clients_and_ses(tmp_path: Path) -> None:
    prod = build(
        """\
        users:
          kind: auth
          sign_in: [password]
          self_sign_up: false
          mfa: required
          password_policy: {min_length: 16, require_symbols: false}
          email:
            ses_identity_arn: arn:aws:ses:us-east-1:123456789012:identity/example.com
            from_address: Example <no-reply@example.com>
          clients:
            web: {refresh_token_days: 7}
            api: {generate_secret: true, access_token_minutes: 5}
        admin:
          kind: function
          code: handlers/admin
          uses: {users: write}
        """,
        tmp_path,
    )["prod"]
    pool = props(prod, "UsersUserPool")
    assert pool["UserPoolTier"] == "LITE"
    assert "SignInPolicy" not in pool["Policies"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 16
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert (pool["MfaConfiguration"], pool["EnabledMfas"]) == ("ON", ["SOFTWARE_TOKEN_MFA"])
    assert pool["EmailConfiguration"] == {
        "EmailSendingAccount": "DEVELOPER",
        "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        "From": "Example <no-reply@example.com>",
    }
    for client in ("UsersWebClient", "UsersApiClient"):
        assert props(prod, client)["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert props(prod, "UsersApiClient")["GenerateSecret"] is True
    assert props(prod, "UsersWebClient")["RefreshTokenValidity"] == 7
    assert {"UsersWebClientId", "UsersApiClientId"} <= set(prod["Outputs"])
    env = props(prod, "AdminFunction")["Environment"]["Variables"]
    assert env == {
        "USER_POOL_ID": {"Ref": "UsersUserPool"},
        "USER_POOL_CLIENT_ID_API": {"Ref": "UsersApiClient"},
        "USER_POOL_CLIENT_ID_WEB": {"Ref": "UsersWebClient"},
    }
    grant = props(prod, "AdminRole")["Policies"][0]["PolicyDocument"]["Statement"][-1]
    assert grant["Resource"] == [{"Fn::GetAtt": ["UsersUserPool", "Arn"]}]
    assert "cognito-idp:AdminSetUserPassword" in grant["Action"]  # password pools may set passwords
    assert "cognito-idp:AdminGetUser" not in grant["Action"]  # write only


def test_auth_otp_email_text_needs_ses(tmp_path: Path) -> None:
    prod = build(
        """\
        auth:
          kind: auth
          sign_in: [email_otp, password]
          email:
            otp_subject: Sign-in code
            otp_message: "Your code is {####}"
            ses_identity_arn: arn:aws:ses:us-east-1:123456789012:identity/example.com
        """,
        tmp_path,
    )["prod"]
    pool = props(prod, "AuthUserPool")
    assert (pool["EmailAuthenticationSubject"], pool["EmailAuthenticationMessage"]) == (
        "Sign-in code",
        "Your code is {####}",
    )
    assert props(prod, "AuthWebClient")["ExplicitAuthFlows"] == [
        "ALLOW_USER_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]


def test_auth_errors() -> None:
    assert errors(
        """\
        auth:
          kind: auth
          sign_in: [email_otp, email_otp]
          tier: lite
          mfa: required
          email:
            verification_message: "no placeholder here"
            otp_message: "Code {####}"
            from_address: me@example.com
        """
    ) == [
        "case.yaml:9:14: components.auth.sign_in: lists a sign-in method twice",
        "case.yaml:10:11: components.auth.tier: email_otp sign-in needs the essentials or plus tier, not lite",
        "case.yaml:11:10: components.auth.mfa: mfa: required cannot be combined with email_otp; Cognito offers no "
        "passwordless sign-in to users with MFA (use optional or off)",
        "case.yaml:13:29: components.auth.email.verification_message: must contain {####} where Cognito puts the code",
        "case.yaml:14:20: components.auth.email.otp_message: Cognito customises the sign-in code email only when it "
        "sends through your own SES identity; set email.ses_identity_arn, or remove this to keep Cognito's default "
        "text",
        "case.yaml:15:21: components.auth.email.from_address: a custom sender needs email.ses_identity_arn (a "
        "verified SES identity)",
    ]
    assert errors(
        """\
        auth:
          kind: auth
          sign_in: [sms]
          clients: {Web: {}}
        """
    ) == [
        "case.yaml:9:15: components.auth.sign_in[0]: must be 'email_otp' or 'password', got 'sms'",
        "case.yaml:10:15: components.auth.clients.Web: invalid name 'Web': use lower-case letters, digits, '-' or "
        "'_', starting with a letter",
    ]
    assert errors(
        """\
        auth:
          kind: auth
          sign_in: [password]
          email: {ses_identity_arn: "arn:aws:ses:us-east-1:1:identity/x", otp_subject: Code}
        """
    ) == [
        "case.yaml:10:31: components.auth.email.ses_identity_arn: must be an SES identity ARN like "
        "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        "case.yaml:10:82: components.auth.email.otp_subject: the pool sends no sign-in codes; add email_otp to "
        "sign_in or remove this",
    ]
    assert errors("auth: {kind: auth, sign_in: [password], clients: {web: {access_token_minutes: 2}}}\n") == [
        "case.yaml:7:81: components.auth.clients.web.access_token_minutes: must be greater than or equal to 5, got 2"
    ]


# ==============================================================================================
# http_api

API = """\
users:
  kind: auth
  sign_in: [password]
  clients: {web: {}, mobile: {}}
items:
  kind: function
  code: handlers/items
  timeout: 5
api:
  kind: http_api
  authorizer: {auth: users}
  cors: {origins: ["https://app.example.com"]}
  throttle: {rate: 10, burst: 20}
  routes:
    "GET /items/{id}": items
    "POST /items": items
    "GET /health": {function: items, public: true}
"""


def test_http_api_resources(tmp_path: Path) -> None:
    stages = build(API, tmp_path)
    prod = stages["prod"]
    api_props = props(prod, "ApiHttpApi")
    assert (api_props["Name"], api_props["ProtocolType"]) == ("demo-prod-api", "HTTP")
    assert api_props["CorsConfiguration"] == {
        "AllowOrigins": ["https://app.example.com"],
        "AllowMethods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "AllowHeaders": ["authorization", "content-type"],
        "MaxAge": 600,
        "AllowCredentials": False,
    }
    authorizer = props(prod, "ApiAuthorizer")
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"] == {
        "Issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UsersUserPool}"},
        "Audience": [{"Ref": "UsersWebClient"}],
    }
    integration = props(prod, "ApiItemsIntegration")
    assert integration == {
        "ApiId": {"Ref": "ApiHttpApi"},
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": {"Fn::GetAtt": ["ItemsFunction", "Arn"]},
        "PayloadFormatVersion": "2.0",
        "TimeoutInMillis": 6000,
    }
    permission = props(prod, "ApiItemsPermission")
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["FunctionName"] == {"Fn::GetAtt": ["ItemsFunction", "Arn"]}
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiHttpApi}/*"
    }
    routes = {
        r["Properties"]["RouteKey"]: (k, r["Properties"]) for k, r in of_type(prod, "AWS::ApiGatewayV2::Route").items()
    }
    assert {key: lid for key, (lid, _) in routes.items()} == {
        "GET /items/{id}": "ApiGetItemsByIdRoute",
        "POST /items": "ApiPostItemsRoute",
        "GET /health": "ApiGetHealthRoute",
    }
    assert routes["GET /items/{id}"][1]["AuthorizationType"] == "JWT"
    assert routes["GET /health"][1]["AuthorizationType"] == "NONE"
    stage = props(prod, "ApiStage")
    assert (stage["StageName"], stage["AutoDeploy"]) == ("$default", True)
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 10
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 20
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    log_format = json.loads(stage["AccessLogSettings"]["Format"])
    assert log_format["requestId"] == "$context.requestId" and log_format["status"] == "$context.status"
    logs = props(prod, "ApiAccessLogGroup")
    assert logs == {
        "LogGroupName": "/specc/demo/prod/api/access",
        "RetentionInDays": 30,
        "Tags": [{"Key": "specc:stage", "Value": "prod"}, {"Key": "specc:system", "Value": "demo"}],
    }
    assert prod["Outputs"]["ApiUrl"]["Value"] == {"Fn::GetAtt": ["ApiHttpApi", "ApiEndpoint"]}
    assert not of_type(prod, "AWS::ApiGatewayV2::DomainName")


def test_http_api_audience_from_named_clients(tmp_path: Path) -> None:
    spec = API.replace("authorizer: {auth: users}", "authorizer: {auth: users, clients: [web, mobile]}")
    authorizer = props(build(spec, tmp_path)["prod"], "ApiAuthorizer")
    assert authorizer["JwtConfiguration"]["Audience"] == [{"Ref": "UsersWebClient"}, {"Ref": "UsersMobileClient"}]


def test_http_api_custom_domain_only_on_the_stage_that_declares_it(tmp_path: Path) -> None:
    head = HEAD.replace(
        "  prod: {}\n",
        "  prod:\n    components:\n      api:\n        domain: {name: api.example.com, hosted_zone_id: Z0123456789ABC}\n",
    )
    stages = build(API, tmp_path, head)
    prod, dev = stages["prod"], stages["dev"]
    assert props(prod, "ApiCertificate") == {
        "DomainName": "api.example.com",
        "ValidationMethod": "DNS",
        "DomainValidationOptions": [{"DomainName": "api.example.com", "HostedZoneId": "Z0123456789ABC"}],
        "Tags": [{"Key": "specc:stage", "Value": "prod"}, {"Key": "specc:system", "Value": "demo"}],
    }
    domain = props(prod, "ApiDomainName")
    assert domain["DomainNameConfigurations"] == [
        {"CertificateArn": {"Ref": "ApiCertificate"}, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
    ]
    assert props(prod, "ApiApiMapping") == {
        "ApiId": {"Ref": "ApiHttpApi"},
        "DomainName": {"Ref": "ApiDomainName"},
        "Stage": {"Ref": "ApiStage"},
    }
    record = props(prod, "ApiDnsRecord")
    assert record["AliasTarget"] == {
        "DNSName": {"Fn::GetAtt": ["ApiDomainName", "RegionalDomainName"]},
        "HostedZoneId": {"Fn::GetAtt": ["ApiDomainName", "RegionalHostedZoneId"]},
        "EvaluateTargetHealth": False,
    }
    assert prod["Outputs"]["ApiDomainUrl"]["Value"] == "https://api.example.com"
    assert not [k for k in dev["Resources"] if k.startswith(("ApiDomain", "ApiCertificate", "ApiDns"))]

    head = HEAD.replace(
        "  prod: {}\n",
        "  prod:\n    components:\n      api:\n        domain:\n          name: api.example.com\n"
        "          certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abc-123\n"
        "          dns_record: false\n",
    )
    prod = build(API, tmp_path, head)["prod"]
    assert props(prod, "ApiDomainName")["DomainNameConfigurations"][0]["CertificateArn"] == (
        "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
    )
    assert "ApiCertificate" not in prod["Resources"] and "ApiDnsRecord" not in prod["Resources"]


def test_http_api_public_api_without_authorizer(tmp_path: Path) -> None:
    prod = build(
        FN
        + """\
        hooks:
          kind: http_api
          routes:
            "$default": {function: fn, public: true}
            "ANY /files/{path+}": {function: fn, public: true}
        """.replace("        ", "  "),
        tmp_path,
    )["prod"]
    assert "HooksAuthorizer" not in prod["Resources"]
    assert props(prod, "HooksDefaultRoute")["AuthorizationType"] == "NONE"
    assert props(prod, "HooksAnyFilesByPathRoute")["RouteKey"] == "ANY /files/{path+}"


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (
            "GET /batches/:id/events",
            "path parameters are written in braces: ':id' is '{id}', so the route is 'GET /batches/{id}/events'",
        ),
        ("get /batches", "write the method in upper case: 'GET /batches'"),
        (
            "FETCH /batches",
            "unknown method 'FETCH' in route 'FETCH /batches'; methods are: GET, POST, PUT, PATCH, "
            "DELETE, HEAD, OPTIONS, ANY",
        ),
        ("/batches", "route '/batches' must be 'METHOD /path', e.g. 'GET /batches/{id}' (or '$default')"),
        ("GET batches", "path of route 'GET batches' must start with '/'"),
        ("GET /batches/", "route 'GET /batches/' has an empty path segment (a '//' or a trailing '/')"),
        ("GET /{path+}/x", "greedy parameter '{path+}' must be the last segment of route 'GET /{path+}/x'"),
        (
            "GET /b/{id}.json",
            "segment '{id}.json' of route 'GET /b/{id}.json' must be either literal text or one "
            "whole parameter like '{id}'",
        ),
    ],
)
def test_http_api_route_key_errors_point_at_the_key(route: str, message: str) -> None:
    spec = FN + f'  api:\n    kind: http_api\n    routes:\n      "{route}": {{function: fn, public: true}}\n'
    assert errors(spec) == [f"case.yaml:13:7: components.api.routes.{route}: {message}"]


def test_http_api_reference_and_rule_errors() -> None:
    assert errors(
        """\
        data: {kind: table, partition_key: PK}
        fn: {kind: function, code: handlers/fn}
        api:
          kind: http_api
          authorizer: {auth: data}
          routes:
            "GET /a/{id}": fn
            "GET /a/{other}": fn
            "GET /b": data
            "GET /c": hndler
        """
    ) == [
        "case.yaml:11:24: components.api.authorizer.auth: 'data' is a table, but a auth is needed here",
        "case.yaml:14:25: components.api.routes.GET /a/{other}: same route as 'GET /a/{id}': API Gateway cannot "
        "tell them apart (parameter names do not count)",
        "case.yaml:15:17: components.api.routes.GET /b: 'data' is a table, but a function is needed here",
        "case.yaml:16:17: components.api.routes.GET /c: unknown function 'hndler' (functions: fn)",
    ]
    assert errors(
        """\
        fn: {kind: function, code: handlers/fn}
        users: {kind: auth, sign_in: [password]}
        open:
          kind: http_api
          routes: {"GET /x": fn}
        api:
          kind: http_api
          authorizer: {auth: users, clients: [mobile]}
          cors: {origins: ["*"], allow_credentials: true}
          routes: {"GET /y": fn}
        """
    ) == [
        "case.yaml:11:24: components.open.routes.GET /x: this route would be open to anyone: add an authorizer to "
        "the API, or mark the route public: true",
        "case.yaml:14:41: components.api.authorizer.clients[0]: auth component 'users' has no client 'mobile' "
        "(clients: web)",
        "case.yaml:15:47: components.api.cors.allow_credentials: cannot be true when origins include '*'; list the "
        "origins",
    ]
    assert errors(
        """\
        fn: {kind: function, code: handlers/fn}
        api:
          kind: http_api
          throttle: {rat: 5}
          routes: {"GET /y": {function: fn, public: true}}
        """
    ) == [
        "case.yaml:10:16: components.api.throttle.rat: unknown key 'rat'; did you mean 'rate'? (valid keys: burst, rate)"
    ]


def test_http_api_domain_errors() -> None:
    assert errors(
        """\
        fn: {kind: function, code: handlers/fn}
        a:
          kind: http_api
          routes: {"GET /x": {function: fn, public: true}}
          domain: {name: API.Example, certificate_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/ab-12"}
        b:
          kind: http_api
          routes: {"GET /x": {function: fn, public: true}}
          domain: {name: b.example.com, dns_record: true}
        c:
          kind: http_api
          routes: {"GET /x": {function: fn, public: true}}
          domain: {name: c.example.com, hosted_zone_id: zone-1}
        """
    ) == [
        "case.yaml:11:20: components.a.domain.name: 'API.Example' is not a domain name (lower-case, like "
        "api.example.com)",
        "case.yaml:11:50: components.a.domain.certificate_arn: the certificate is in eu-west-1, but a regional API "
        "domain needs one in us-east-1",
        "case.yaml:15:13: components.b.domain: give certificate_arn, or hosted_zone_id so specc can create a "
        "DNS-validated certificate",
        "case.yaml:15:47: components.b.domain.dns_record: needs hosted_zone_id (or set dns_record: false and add the "
        "record yourself)",
        "case.yaml:19:51: components.c.domain.hosted_zone_id: must be a Route 53 hosted zone id like "
        "Z0123456789ABCDEFGHIJ",
    ]


# ==============================================================================================
# schedule

SCHEDULE = (
    FN
    + """\
  tick:
    kind: schedule
    expression: rate(5 minutes)
    target: fn
"""
)


def test_schedule_resources(tmp_path: Path) -> None:
    prod = build(SCHEDULE, tmp_path)["prod"]
    group = props(prod, "TickScheduleGroup")
    assert group["Name"] == "demo-prod-tick"
    schedule = props(prod, "TickSchedule")
    assert schedule["Name"] == "tick"
    assert schedule["GroupName"] == {"Ref": "TickScheduleGroup"}
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["FnFunction", "Arn"]}
    assert target["RoleArn"] == {"Fn::GetAtt": ["TickSchedulerRole", "Arn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["TickDeadLetterQueue", "Arn"]}}
    queue = props(prod, "TickDeadLetterQueue")
    assert (queue["KmsMasterKeyId"], queue["MessageRetentionPeriod"]) == ("alias/aws/sqs", 1209600)
    deny = props(prod, "TickDeadLetterQueuePolicy")["PolicyDocument"]["Statement"][0]
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    role = props(prod, "TickSchedulerRole")
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": ["sts:AssumeRole"],
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ]
    assert role["Policies"][0]["PolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": [{"Fn::GetAtt": ["FnFunction", "Arn"]}]},
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": [{"Fn::GetAtt": ["TickDeadLetterQueue", "Arn"]}],
        },
    ]


def test_schedule_cron_timezone_input_and_stage_state(tmp_path: Path) -> None:
    spec = FN + textwrap.indent(
        textwrap.dedent(
            """\
            nightly:
              kind: schedule
              expression: cron(30 2 ? * MON-FRI *)
              timezone: Europe/Berlin
              target: fn
              input: {task: digest, days: 1}
              retry: {attempts: 0, max_age_seconds: 60}
              dead_letter_queue: false
            """
        ),
        "  ",
    )
    head = HEAD.replace(
        "  dev: {removal_policy: delete, alarms: false}\n", "  dev:\n    components:\n      nightly: {enabled: false}\n"
    )
    stages = build(spec, tmp_path, head)
    schedule = props(stages["prod"], "NightlySchedule")
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["Target"]["Input"] == '{"days":1,"task":"digest"}'
    assert "DeadLetterConfig" not in schedule["Target"]
    assert "NightlyDeadLetterQueue" not in stages["prod"]["Resources"]
    assert schedule["State"] == "ENABLED"
    assert props(stages["dev"], "NightlySchedule")["State"] == "DISABLED"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("rate(5 minute)", "write rate(5 minutes) (singular unit for 1, plural otherwise)"),
        ("rate(1 hours)", "write rate(1 hour) (singular unit for 1, plural otherwise)"),
        ("rate(0 minutes)", "a rate must be at least 1"),
        (
            "rate(five minutes)",
            "'rate(five minutes)' is not a rate expression; write rate(<number> "
            "<minutes|hours|days>), e.g. rate(5 minutes)",
        ),
        (
            "cron(*/5 * * * *)",
            "'cron(*/5 * * * *)' has 5 fields; EventBridge cron has 6 (minutes hours day-of-month "
            "month day-of-week year) and one of the day fields must be '?', e.g. cron(0/5 * * * ? *)",
        ),
        ("cron(0 9 * * * *)", "in 'cron(0 9 * * * *)' exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 25 * * ? *)", "the hours field '25' of 'cron(0 25 * * ? *)' must stay within 0-23"),
        (
            "cron(0 9 * * ? * *)",
            "'cron(0 9 * * ? * *)' must have 6 fields: cron(minutes hours day-of-month month "
            "day-of-week year), e.g. cron(0 9 * * ? *)",
        ),
        ("at(2026-02-30T10:00:00)", "'at(2026-02-30T10:00:00)' is not a real date and time"),
        (
            "every 5 minutes",
            "'every 5 minutes' is not a schedule expression; use rate(5 minutes), cron(0 9 * * ? *) "
            "or at(2026-12-24T18:00:00)",
        ),
    ],
)
def test_schedule_expression_errors(expression: str, message: str) -> None:
    spec = SCHEDULE.replace("rate(5 minutes)", f'"{expression}"')
    assert errors(spec) == [f"case.yaml:12:17: components.tick.expression: {message}"]


def test_schedule_timezone_and_target_errors() -> None:
    from compiler.components.schedule import timezone_problem

    spec = SCHEDULE.replace("    target: fn\n", "    target: data\n    timezone: Europe/Berln\n") + (
        "  data: {kind: table, partition_key: PK}\n"
    )
    found = errors(spec)
    assert "case.yaml:13:13: components.tick.target: 'data' is a table, but a function is needed here" in found
    if timezone_problem("Not/AZone") is not None:  # machines without a tz database leave it to AWS
        assert (
            "case.yaml:14:15: components.tick.timezone: unknown time zone 'Europe/Berln'; did you mean "
            "'Europe/Berlin'? (IANA names like 'Europe/Berlin' or 'UTC')"
        ) in found


def test_schedule_runs_per_month() -> None:
    from compiler.components.schedule import Schedule

    def runs(expression: str) -> float | None:
        return Schedule(expression=expression, target="fn").runs_per_month()

    assert runs("rate(5 minutes)") == 8760  # 730 hours x 12
    assert runs("rate(1 hour)") == 730
    assert runs("rate(2 days)") == 730 / 48
    assert runs("at(2030-01-01T00:00:00)") == 1
    assert runs("cron(0 9 * * ? *)") is None  # priced from the declared invocations_per_month


# ==============================================================================================
# monitoring

WATCHED = (
    FN
    + """\
  data: {kind: table, partition_key: PK}
  api:
    kind: http_api
    routes: {"GET /x": {function: fn, public: true}}
"""
)


def test_monitoring_topic_key_and_alarms(tmp_path: Path) -> None:
    stages = build(
        WATCHED
        + """\
  alerts:
    kind: monitoring
    email: ops@example.com
    alarms:
      - {"on": [fn, data], metric: throttles, above: 0, period_seconds: 60}
      - {"on": api, metric: latency, above: 900, statistic: p95, evaluation_periods: 5, datapoints_to_alarm: 3}
      - {"on": api, metric: requests, below: 1, period_seconds: 3600, name: silent}
""",
        tmp_path,
    )
    prod, dev = stages["prod"], stages["dev"]
    topic = props(prod, "AlertsTopic")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlertsTopicKey", "Arn"]}
    key = prod["Resources"]["AlertsTopicKey"]
    assert key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = {s["Sid"]: s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    assert statements["CloudWatchAlarmsEncryptNotifications"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statements["CloudWatchAlarmsEncryptNotifications"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert "kms:*" not in statements["AccountAdministersAndUsesThroughIam"]["Action"]
    policy = {s["Sid"]: s for s in props(prod, "AlertsTopicPolicy")["PolicyDocument"]["Statement"]}
    assert policy["CloudWatchAlarmsOfThisAccountPublish"]["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }
    assert policy["DenyInsecureTransport"]["Effect"] == "Deny"
    subscription = props(prod, "AlertsOpsExampleComSubscription")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")
    alarms = of_type(prod, "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == ["ApiLatencyAlarm", "ApiRequestsSilentAlarm", "DataThrottlesAlarm", "FnThrottlesAlarm"]
    fn = alarms["FnThrottlesAlarm"]["Properties"]
    assert fn["AlarmName"] == "demo-prod-fn-throttles"
    assert (fn["Namespace"], fn["MetricName"], fn["Statistic"]) == ("AWS/Lambda", "Throttles", "Sum")
    assert fn["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "FnFunction"}}]
    assert (fn["Period"], fn["EvaluationPeriods"], fn["Threshold"]) == (60, 1, 0)
    assert fn["TreatMissingData"] == "notBreaching"
    assert fn["AlarmActions"] == fn["OKActions"] == [{"Ref": "AlertsTopic"}]
    table = alarms["DataThrottlesAlarm"]["Properties"]
    assert (table["Namespace"], table["Dimensions"]) == (
        "AWS/DynamoDB",
        [{"Name": "TableName", "Value": {"Ref": "DataTable"}}],
    )
    latency = alarms["ApiLatencyAlarm"]["Properties"]
    assert latency["ExtendedStatistic"] == "p95" and "Statistic" not in latency
    assert latency["Dimensions"] == [
        {"Name": "ApiId", "Value": {"Ref": "ApiHttpApi"}},
        {"Name": "Stage", "Value": "$default"},
    ]
    assert (latency["EvaluationPeriods"], latency["DatapointsToAlarm"]) == (5, 3)
    silent = alarms["ApiRequestsSilentAlarm"]["Properties"]
    assert (silent["ComparisonOperator"], silent["MetricName"]) == ("LessThanThreshold", "Count")
    assert silent["AlarmName"] == "demo-prod-api-requests-silent"
    assert not of_type(dev, "AWS::CloudWatch::Alarm")  # dev: alarms: false
    assert "AlertsTopic" in dev["Resources"]


def test_monitoring_publish_grant_and_aws_managed_key(tmp_path: Path) -> None:
    prod = build(
        FN.replace("    code:", "    uses: {alerts: publish, quiet: publish}\n    code:")
        + "  alerts: {kind: monitoring}\n  quiet: {kind: monitoring, kms_key: alias/aws/sns}\n",
        tmp_path,
    )["prod"]
    assert props(prod, "QuietTopic")["KmsMasterKeyId"] == "alias/aws/sns"
    assert "QuietTopicKey" not in prod["Resources"]
    statements = props(prod, "FnRole")["Policies"][0]["PolicyDocument"]["Statement"]
    publish = [s for s in statements if s["Action"] == ["sns:Publish"]]
    assert [s["Resource"] for s in publish] == [[{"Ref": "AlertsTopic"}], [{"Ref": "QuietTopic"}]]
    kms = [s for s in statements if "kms:Decrypt" in s["Action"]]
    assert kms == [
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": [{"Fn::GetAtt": ["AlertsTopicKey", "Arn"]}],
            "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "sns.${AWS::Region}.amazonaws.com"}}},
        }
    ]
    env = props(prod, "FnFunction")["Environment"]["Variables"]
    assert env == {"ALERTS_TOPIC_ARN": {"Ref": "AlertsTopic"}, "QUIET_TOPIC_ARN": {"Ref": "QuietTopic"}}


def test_monitoring_errors() -> None:
    assert errors(
        WATCHED
        + """\
  photos: {kind: bucket}
  alerts:
    kind: monitoring
    email: [ops@example.com, not-an-address]
    kms_key: alias/aws/sns
    alarms:
      - {"on": fn, metric: error, above: 1}
      - {"on": photos, metric: 5xx, above: 1}
      - {"on": api, metric: 5xx, above: 1, below: 3, period_seconds: 90}
      - {"on": api, metric: 5xx, above: 10}
      - {"on": [fn, nothing], metric: errors, statistic: Median, above: 1}
"""
    ) == [
        "case.yaml:17:30: components.alerts.email[1]: 'not-an-address' is not an email address",
        "case.yaml:18:14: components.alerts.kms_key: CloudWatch alarms cannot publish to a topic encrypted with "
        "alias/aws/sns (its key policy does not let CloudWatch use it); remove kms_key to get a customer-managed "
        "key, or name a key component (stage prod)",
        "case.yaml:20:28: components.alerts.alarms[0].metric: a function has no metric 'error'; did you mean "
        "'errors'? (metrics of fn: errors, throttles, duration, invocations)",
        "case.yaml:21:32: components.alerts.alarms[1].metric: a bucket exposes no metrics to alarm on; set "
        "request_metrics: true on the bucket to alarm on 4xx, 5xx or requests",
        "case.yaml:22:9: components.alerts.alarms[2]: give exactly one threshold: above or below",
        "case.yaml:22:70: components.alerts.alarms[2].period_seconds: must be a multiple of 60 (AWS metrics have "
        "one-minute resolution)",
        "case.yaml:23:16: components.alerts.alarms[3].on: alarms[2] already watches '5xx' of 'api'; give one of "
        "them a name to tell them apart",
        "case.yaml:24:21: components.alerts.alarms[4].on[1]: unknown component 'nothing' (components: fn, data, "
        "api, photos, alerts)",
        "case.yaml:24:58: components.alerts.alarms[4].statistic: unknown statistic 'Median'; use Sum, Average, "
        "Maximum, Minimum, SampleCount or pNN",
    ]


def test_aws_managed_topic_key_is_fine_where_no_alarm_publishes(tmp_path: Path) -> None:
    head = HEAD.replace("  prod: {}\n", "  prod: {alarms: false}\n")
    spec = (
        FN
        + '  alerts:\n    kind: monitoring\n    kms_key: alias/aws/sns\n    alarms: [{"on": fn, metric: errors, above: 1}]\n'
    )
    assert "AlertsTopic" in build(spec, tmp_path, head)["prod"]["Resources"]
    assert any("alias/aws/sns" in e for e in errors(spec))  # with alarms on, the same spec is refused


# ==============================================================================================
# every kind: a cost model whose lines are all priced


def test_costs_of_the_kinds(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(
        HEAD.replace("  dev: {removal_policy: delete, alarms: false}\n", "")
        + textwrap.indent(
            textwrap.dedent(
                """\
                fn: {kind: function, code: handlers/fn}
                photos: {kind: bucket, request_metrics: true, usage: {stored_gb: 10}}
                users: {kind: auth, sign_in: [email_otp], usage: {monthly_active_users: 5000}}
                api:
                  kind: http_api
                  routes: {"GET /x": {function: fn, public: true}}
                  usage: {requests_per_month: 2000000}
                tick: {kind: schedule, expression: rate(5 minutes), target: fn}
                alerts:
                  kind: monitoring
                  email: [a@example.com, b@example.com]
                  usage: {notifications_per_month: 1000}
                  alarms: [{"on": fn, metric: errors, above: 1}]
                """
            ),
            "  ",
        ),
        encoding="utf-8",
    )
    (estimate,) = api.estimate_spec(path)
    assert not estimate.unpriced, [line.item.description for line in estimate.unpriced]
    quantity = {(line.item.component, line.item.price_key): line.item.quantity for line in estimate.charges}
    assert quantity[("photos", "s3.storage_standard_gb")] == 10
    assert quantity[("photos", "cloudwatch.custom_metrics")] == 16
    assert quantity[("users", "cognito.mau_essentials")] == 5000
    assert quantity[("api", "apigateway.http_requests")] == 2  # per million
    assert quantity[("tick", "scheduler.invocations")] == pytest.approx(8760 / 1e6)
    assert quantity[("alerts", "sns.publishes")] == pytest.approx(1000 / 1e6)
    assert quantity[("alerts", "sns.email_deliveries")] == pytest.approx(2000 / 100_000)
    assert quantity[("alerts", "kms.keys")] == 1
    assert quantity[("alerts", "cloudwatch.alarms_standard")] == 1


def test_a_key_component_encrypts_access_logs_and_the_alerts_topic(tmp_path: Path) -> None:
    prod = build(
        FN
        + """\
  logs-key: {kind: key}
  api:
    kind: http_api
    kms_key: logs-key
    routes: {"GET /x": {function: fn, public: true}}
  alerts:
    kind: monitoring
    kms_key: logs-key
    alarms: [{"on": api, metric: 5xx, above: 1}]
""",
        tmp_path,
    )["prod"]
    key_arn = {"Fn::GetAtt": ["LogsKeyKey", "Arn"]}
    access_logs = prod["Resources"]["ApiAccessLogGroup"]
    assert access_logs["Properties"]["KmsKeyId"] == key_arn
    assert "checkov" not in access_logs.get("Metadata", {})  # encrypted with a customer key: nothing to skip
    assert props(prod, "AlertsTopic")["KmsMasterKeyId"] == key_arn
    assert "AlertsTopicKey" not in prod["Resources"]  # no key of its own when the spec names one
    statements = {s["Sid"]: s for s in props(prod, "LogsKeyKey")["KeyPolicy"]["Statement"]}
    assert statements["CloudWatchAlarmsEncryptNotifications"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    logs = statements["ApiAccessLogs"]
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    assert "/specc/demo/prod/api/access" in json.dumps(logs["Condition"])
