"""Kefir (seed 002) as a spec: the foundation issue's acceptance.

``specc compile specs/kefir.yaml`` writes dev.yaml and prod.yaml (through the CLI and through the
API); cfn-lint reports nothing on either; prod has point-in-time recovery, alarms and the custom
domain and dev has none of them; every function's role grants exactly what its ``uses`` says;
all 13 routes of the seed exist with the right authorization; the handlers use only what they
are given.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from compiler import api
from compiler.cli import main
from compiler.components import auth as auth_kind
from compiler.components import bucket as bucket_kind
from compiler.components import table as table_kind

SPEC = Path("specs/kefir.yaml")
HANDLERS = Path("handlers/kefir")

#: The seed's 13 routes (section 2.3), with ":id" written "{id}", and who may call them.
ROUTES = {
    "POST /auth/login": ("handle-auth", "public"),
    "POST /auth/verify": ("handle-auth", "public"),
    "POST /batches": ("handle-batches", "jwt"),
    "GET /batches": ("handle-batches", "jwt"),
    "GET /batches/{id}": ("handle-batches", "jwt"),
    "POST /batches/{id}/events": ("handle-events", "jwt"),
    "GET /batches/{id}/events": ("handle-events", "jwt"),
    "GET /batches/{id}/reminders/suggestions": ("handle-reminders", "jwt"),
    "POST /batches/{id}/reminders/confirm": ("handle-reminders", "jwt"),
    "GET /me/reminders": ("handle-reminders", "jwt"),
    "POST /me/devices": ("handle-devices", "jwt"),
    "GET /export.csv": ("handle-export", "jwt"),
    "GET /public/b/{batchId}": ("handle-public", "public"),
}

FUNCTIONS = {
    "handle-auth": "HandleAuth",
    "handle-batches": "HandleBatches",
    "handle-events": "HandleEvents",
    "handle-reminders": "HandleReminders",
    "handle-devices": "HandleDevices",
    "handle-export": "HandleExport",
    "handle-public": "HandlePublic",
    "process-reminders": "ProcessReminders",
}


@pytest.fixture(scope="module")
def stages() -> dict[str, dict[str, Any]]:
    return {c.stage: c.template for c in api.compile_spec(SPEC)}


@pytest.fixture(scope="module")
def spec() -> Any:
    return api.validate(api.load(SPEC))["prod"]


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


# -- compile through the CLI and the API -------------------------------------------------------


def test_cli_compile_writes_dev_and_prod(tmp_path: Path, linter) -> None:
    result = CliRunner().invoke(main, ["compile", str(SPEC), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "kefir").glob("*.yaml"))
    assert written == ["dev.yaml", "prod.yaml"]
    for stage in ("dev", "prod"):
        findings = linter.lint_file(tmp_path / "kefir" / f"{stage}.yaml")
        assert not findings, "\n".join(f"{f.rule} {f.message} ({f.resource})" for f in findings)
    assert "aws cloudformation deploy" in result.output


def test_api_compile_writes_the_same_bytes(tmp_path: Path) -> None:
    via_cli = tmp_path / "cli"
    CliRunner().invoke(main, ["compile", str(SPEC), "--out", str(via_cli)], catch_exceptions=False)
    compiled = api.compile_spec(SPEC, out=tmp_path / "api")
    paths = api.write(compiled)
    assert sorted(p.name for p in paths if p.suffix == ".yaml") == ["dev.yaml", "prod.yaml"]
    for stage in ("dev", "prod"):
        assert (tmp_path / "api" / "kefir" / f"{stage}.yaml").read_bytes() == (
            via_cli / "kefir" / f"{stage}.yaml"
        ).read_bytes()


# -- the seed's stage differences -------------------------------------------------------------


def test_prod_has_pitr_versioning_alarms_domain_and_30_day_logs(stages: dict[str, dict[str, Any]]) -> None:
    prod = stages["prod"]
    table = prod["Resources"]["DataTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert prod["Resources"]["PhotosBucket"]["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    alarms = of_type(prod, "AWS::CloudWatch::Alarm")
    # Lambda errors > 10/min on all eight functions, API 5xx, DynamoDB throttling, the reminders' two DLQs.
    assert sorted(alarms) == sorted(
        [f"{p}ErrorsAlarm" for p in FUNCTIONS.values()]
        + ["Api5xxAlarm", "DataThrottlesAlarm", "RemindersDeadLettersAlarm", "FailedRemindersVisibleAlarm"]
    )
    errors = alarms["HandleAuthErrorsAlarm"]["Properties"]
    assert (errors["MetricName"], errors["Threshold"], errors["Period"]) == ("Errors", 10, 60)
    assert errors["ComparisonOperator"] == "GreaterThanThreshold"
    assert errors["AlarmActions"] == [{"Ref": "AlertsTopic"}]
    domain = of_type(prod, "AWS::ApiGatewayV2::DomainName")
    assert [d["Properties"]["DomainName"] for d in domain.values()] == ["api.bubblebatch.com"]
    assert of_type(prod, "AWS::ApiGatewayV2::ApiMapping")
    assert of_type(prod, "AWS::CertificateManager::Certificate")
    record = next(iter(of_type(prod, "AWS::Route53::RecordSet").values()))["Properties"]
    assert (record["Name"], record["Type"]) == ("api.bubblebatch.com", "A")
    assert prod["Outputs"]["ApiDomainUrl"]["Value"] == "https://api.bubblebatch.com"
    retention = {r["Properties"]["RetentionInDays"] for r in of_type(prod, "AWS::Logs::LogGroup").values()}
    assert retention == {30}
    assert {r.get("DeletionPolicy") for r in prod["Resources"].values() if "DeletionPolicy" in r} == {"Retain"}


def test_dev_has_none_of_them(stages: dict[str, dict[str, Any]]) -> None:
    dev = stages["dev"]
    table = dev["Resources"]["DataTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": False}
    assert dev["Resources"]["PhotosBucket"]["Properties"]["VersioningConfiguration"] == {"Status": "Suspended"}
    assert not of_type(dev, "AWS::CloudWatch::Alarm")
    for kind in ("DomainName", "ApiMapping"):
        assert not of_type(dev, f"AWS::ApiGatewayV2::{kind}")
    assert not of_type(dev, "AWS::CertificateManager::Certificate")
    assert not of_type(dev, "AWS::Route53::RecordSet")
    assert "ApiDomainUrl" not in dev["Outputs"]
    retention = {r["Properties"]["RetentionInDays"] for r in of_type(dev, "AWS::Logs::LogGroup").values()}
    assert retention == {14}
    # dev chose removal_policy: delete; the pool's deletion protection follows it.
    assert {r.get("DeletionPolicy") for r in dev["Resources"].values() if "DeletionPolicy" in r} == {"Delete"}
    assert dev["Resources"]["AuthUserPool"]["Properties"]["DeletionProtection"] == "INACTIVE"
    assert stages["prod"]["Resources"]["AuthUserPool"]["Properties"]["DeletionProtection"] == "ACTIVE"


def test_everything_is_tagged(stages: dict[str, dict[str, Any]]) -> None:
    for stage, template in stages.items():
        for logical_id, resource in template["Resources"].items():
            props = resource.get("Properties", {})
            tags = props.get("Tags", props.get("UserPoolTags"))
            if tags is None:
                continue  # types without tags (routes, permissions, policies, schedules)
            pairs = tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}
            assert pairs.get("specc:system") == "kefir", logical_id
            assert pairs.get("specc:stage") == stage, logical_id
            assert pairs.get("project") == "bubblebatch", logical_id


def test_seed_components_are_all_there(stages: dict[str, dict[str, Any]]) -> None:
    prod = stages["prod"]["Resources"]
    pool = prod["AuthUserPool"]["Properties"]
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["VerificationMessageTemplate"]["EmailSubject"] == "Your BubbleBatch code"
    client = prod["AuthWebClient"]["Properties"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert (client["AccessTokenValidity"], client["RefreshTokenValidity"]) == (60, 30)
    table = prod["DataTable"]["Properties"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["PK", "SK"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["GSI1"]
    bucket = prod["PhotosBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert {r["Id"]: r.get("ExpirationInDays") for r in bucket["LifecycleConfiguration"]["Rules"]}[
        "expire-objects"
    ] == 365
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"] == ["GET", "PUT"]
    stage = prod["ApiStage"]["Properties"]["DefaultRouteSettings"]
    assert (stage["ThrottlingRateLimit"], stage["ThrottlingBurstLimit"]) == (1000, 2000)
    schedule = prod["RemindersSchedule"]["Properties"]
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::GetAtt": ["ProcessRemindersFunction", "Arn"]}
    topic = prod["AlertsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlertsTopicKey", "Arn"]}
    subscription = next(iter(of_type(stages["prod"], "AWS::SNS::Subscription").values()))["Properties"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@bubblebatch.com")
    outputs = stages["prod"]["Outputs"]
    for name in ("ApiUrl", "AuthUserPoolId", "AuthWebClientId", "DataTableName", "PhotosBucketName"):
        assert name in outputs


# -- routes --------------------------------------------------------------------------------------


def test_all_13_routes_with_the_right_authorization(stages: dict[str, dict[str, Any]]) -> None:
    for template in stages.values():
        routes = {
            r["Properties"]["RouteKey"]: r["Properties"] for r in of_type(template, "AWS::ApiGatewayV2::Route").values()
        }
        assert set(routes) == set(ROUTES)
        integrations = of_type(template, "AWS::ApiGatewayV2::Integration")
        for key, (function, access) in ROUTES.items():
            route = routes[key]
            integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
            uri = integrations[integration_id]["Properties"]["IntegrationUri"]
            assert uri == {"Fn::GetAtt": [FUNCTIONS[function] + "Function", "Arn"]}, key
            if access == "public":
                assert route["AuthorizationType"] == "NONE", key
                assert "AuthorizerId" not in route, key
            else:
                assert route["AuthorizationType"] == "JWT", key
                assert route["AuthorizerId"] == {"Ref": "ApiAuthorizer"}, key
        authorizer = template["Resources"]["ApiAuthorizer"]["Properties"]
        assert authorizer["JwtConfiguration"]["Audience"] == [{"Ref": "AuthWebClient"}]
        assert "${AuthUserPool}" in authorizer["JwtConfiguration"]["Issuer"]["Fn::Sub"]
        # one integration and one invoke permission per function behind the API (7: not the processor)
        assert len(integrations) == 7
        permissions = of_type(template, "AWS::Lambda::Permission")
        assert len(permissions) == 7
        for permission in permissions.values():
            assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
            assert "${ApiHttpApi}/*" in permission["Properties"]["SourceArn"]["Fn::Sub"]


# -- least privilege: what each role may do ----------------------------------------------------


def _grants(template: dict[str, Any], function: str) -> dict[str, set[str]]:
    """{resource: actions} of a function's role, resources written as the logical ID they point at."""
    role = template["Resources"][FUNCTIONS[function] + "Role"]["Properties"]
    out: dict[str, set[str]] = {}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            for resource in statement["Resource"]:
                out.setdefault(_resource_name(resource), set()).update(statement["Action"])
    return out


def _resource_name(resource: Any) -> str:
    if resource == "*":
        return "*"
    if "Fn::GetAtt" in resource:
        return resource["Fn::GetAtt"][0]
    if "Ref" in resource:
        return resource["Ref"]
    if "Fn::Join" in resource:
        parts = resource["Fn::Join"][1]
        return _resource_name(parts[0]) + "".join(p for p in parts[1:] if isinstance(p, str))
    raise AssertionError(f"unexpected resource {resource}")


def _names(actions: list[Any]) -> set[str]:
    return {a.JSONrepr() for a in actions}


def _expected(function: str, uses: dict[str, str], spec: Any) -> dict[str, set[str]]:
    base = FUNCTIONS[function]
    expected: dict[str, set[str]] = {
        f"{base}LogGroup": {"logs:CreateLogStream", "logs:PutLogEvents"},
        "*": {"xray:PutTraceSegments", "xray:PutTelemetryRecords"},
    }
    for target, access in uses.items():
        if target == "data":
            read, write = _names(table_kind.READ_ACTIONS), _names(table_kind.WRITE_ACTIONS)
            actions = {"read": read, "write": write, "read_write": read | write}[access]
            expected["DataTable"] = actions
            expected["DataTable/index/*"] = actions
        elif target == "photos":
            read, write = _names(bucket_kind.READ_ACTIONS), _names(bucket_kind.WRITE_ACTIONS)
            if access in ("read", "read_write"):
                expected["PhotosBucket"] = {"s3:ListBucket"}
            expected["PhotosBucket/*"] = {"read": read, "write": write, "read_write": read | write}[access]
        elif target == "auth":
            read, write = _names(auth_kind.READ_ACTIONS), _names(auth_kind.WRITE_ACTIONS)
            expected["AuthUserPool"] = {"read": read, "write": write, "read_write": read | write}[access]
        elif target == "alerts":
            expected["AlertsTopic"] = {"sns:Publish"}
            expected["AlertsTopicKey"] = {"kms:Decrypt", "kms:GenerateDataKey*"}
        else:
            raise AssertionError(f"{function} uses {target}; teach this test what that grants")
    dead_letter = spec.components[function].dead_letter
    if dead_letter:  # Lambda sends failed asynchronous invocations there with the function's role
        expected[spec.components[dead_letter].logical_id] = {"sqs:SendMessage"}
    return expected


def test_each_role_grants_exactly_what_uses_says(stages: dict[str, dict[str, Any]], spec: Any) -> None:
    for template in stages.values():
        for function in FUNCTIONS:
            uses = spec.components[function].uses
            assert _grants(template, function) == _expected(function, uses, spec), function


def test_grants_follow_the_access_level(stages: dict[str, dict[str, Any]]) -> None:
    prod = stages["prod"]
    export = _grants(prod, "handle-export")
    assert "dynamodb:Query" in export["DataTable"] and "dynamodb:PutItem" not in export["DataTable"]
    devices = _grants(prod, "handle-devices")
    assert "dynamodb:PutItem" in devices["DataTable"] and "dynamodb:GetItem" not in devices["DataTable"]
    public = _grants(prod, "handle-public")
    assert "s3:GetObject" in public["PhotosBucket/*"] and "s3:PutObject" not in public["PhotosBucket/*"]
    events = _grants(prod, "handle-events")
    assert "s3:PutObject" in events["PhotosBucket/*"] and "s3:GetObject" not in events["PhotosBucket/*"]
    assert "PhotosBucket" not in events  # no listing with write-only access
    handle_auth = _grants(prod, "handle-auth")
    assert "cognito-idp:AdminGetUser" in handle_auth["AuthUserPool"]
    assert "cognito-idp:AdminDeleteUser" not in handle_auth["AuthUserPool"]
    for function in FUNCTIONS:
        grants = _grants(prod, function)
        assert "AuthUserPool" not in grants or function == "handle-auth"
        assert "AlertsTopic" not in grants or function == "process-reminders"


def test_functions_get_the_seed_environment(stages: dict[str, dict[str, Any]]) -> None:
    resources = stages["prod"]["Resources"]
    env = {f: resources[p + "Function"]["Properties"]["Environment"]["Variables"] for f, p in FUNCTIONS.items()}
    assert env["handle-auth"] == {
        "TABLE_NAME": {"Ref": "DataTable"},
        "USER_POOL_CLIENT_ID": {"Ref": "AuthWebClient"},
        "USER_POOL_ID": {"Ref": "AuthUserPool"},
    }
    assert env["handle-batches"] == {"BUCKET_NAME": {"Ref": "PhotosBucket"}, "TABLE_NAME": {"Ref": "DataTable"}}
    assert env["process-reminders"] == {"TABLE_NAME": {"Ref": "DataTable"}, "TOPIC_ARN": {"Ref": "AlertsTopic"}}
    assert all("TABLE_NAME" in e for e in env.values())


def test_schedule_role_may_only_invoke_the_processor(stages: dict[str, dict[str, Any]]) -> None:
    role = stages["prod"]["Resources"]["RemindersSchedulerRole"]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    assert {(s["Action"][0], _resource_name(s["Resource"][0])) for s in statements} == {
        ("lambda:InvokeFunction", "ProcessRemindersFunction"),
        ("sqs:SendMessage", "RemindersDeadLetterQueue"),
    }


def test_the_processor_has_a_dead_letter_queue_instead_of_an_accept(stages: dict[str, dict[str, Any]]) -> None:
    for template in stages.values():
        resources = template["Resources"]
        processor = resources["ProcessRemindersFunction"]
        assert processor["Properties"]["DeadLetterConfig"] == {
            "TargetArn": {"Fn::GetAtt": ["FailedRemindersQueue", "Arn"]}
        }
        assert resources["FailedRemindersQueue"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sqs"
        accepted = {s["id"] for s in processor["Metadata"]["checkov"]["skip"]}
        assert "CKV_AWS_116" not in accepted, "process-reminders is invoked asynchronously: it has a DLQ, no accept"
        for function, prefix in FUNCTIONS.items():  # the API handlers are invoked synchronously and say so
            if function != "process-reminders":
                skips = {s["id"] for s in resources[prefix + "Function"]["Metadata"]["checkov"]["skip"]}
                assert "CKV_AWS_116" in skips, function


# -- the handlers --------------------------------------------------------------------------------

#: SDK v3 commands the handlers call, and the IAM action each needs ("" for Cognito's public
#: sign-up and sign-in calls, which need no IAM permission).
COMMAND_ACTIONS = {
    "GetItemCommand": "dynamodb:GetItem",
    "PutItemCommand": "dynamodb:PutItem",
    "QueryCommand": "dynamodb:Query",
    "UpdateItemCommand": "dynamodb:UpdateItem",
    "BatchWriteItemCommand": "dynamodb:BatchWriteItem",
    "ScanCommand": "dynamodb:Scan",
    "AdminGetUserCommand": "cognito-idp:AdminGetUser",
    "SignUpCommand": "",
    "ConfirmSignUpCommand": "",
    "ResendConfirmationCodeCommand": "",
    "InitiateAuthCommand": "",
    "RespondToAuthChallengeCommand": "",
    "PublishCommand": "sns:Publish",
}
#: Variables the Lambda runtime sets itself.
RUNTIME_ENV = {"AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


def _code_dir(spec: Any, function: str) -> Path:
    return (SPEC.parent / spec.components[function].code).resolve()


def test_every_function_has_real_handler_code(spec: Any) -> None:
    for function in FUNCTIONS:
        directory = _code_dir(spec, function)
        source = (directory / "index.mjs").read_text(encoding="utf-8")
        assert "export const handler" in source, function
        for line in source.splitlines():
            if line.startswith("import ") or line.startswith("} from"):
                module = re.search(r"from \"([^\"]+)\"", line)
                if module:
                    name = module.group(1)
                    assert name.startswith(("@aws-sdk/client-", "node:", "./")), f"{function} imports {name}"


def test_handlers_use_only_what_they_are_granted(stages: dict[str, dict[str, Any]], spec: Any) -> None:
    resources = stages["prod"]["Resources"]
    for function, prefix in FUNCTIONS.items():
        directory = _code_dir(spec, function)
        source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.mjs")))
        granted = set().union(*_grants(stages["prod"], function).values())
        for command in sorted(set(re.findall(r"new (\w+Command)\(", source))):
            assert command in COMMAND_ACTIONS, f"{function} calls {command}; teach this test its IAM action"
            action = COMMAND_ACTIONS[command]
            assert not action or action in granted, f"{function} calls {command} without {action}"
        env = set(resources[prefix + "Function"]["Properties"]["Environment"]["Variables"]) | RUNTIME_ENV
        used = set(re.findall(r"process\.env\.(\w+)", source))
        used |= {
            v.strip() for group in re.findall(r"const \{([^}]+)\} = process\.env", source) for v in group.split(",")
        }
        assert used <= env, f"{function} reads {sorted(used - env)} which it is not given"


def test_presign_copies_are_identical() -> None:
    copies = sorted(HANDLERS.glob("*/presign.mjs"))
    assert len(copies) == 3
    assert len({c.read_bytes() for c in copies}) == 1, "the presign.mjs copies differ; keep them identical"


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed; the handlers' syntax is checked where it is")
def test_handlers_parse() -> None:
    for path in sorted(HANDLERS.glob("*/*.mjs")):
        done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, f"{path}: {done.stderr}"


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_presigned_urls_match_botocore() -> None:
    """The handlers' SigV4 presigner produces the signature botocore does for the same request."""
    import datetime
    from unittest import mock
    from urllib.parse import parse_qs, urlsplit

    import botocore.session
    from botocore.config import Config

    key = "photos/user 1/batch(2)/ev*3.jpg"
    client = botocore.session.get_session().create_client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token="session/token+value=",
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )
    script = f"""
    import {{ presign }} from {str((HANDLERS / "events" / "presign.mjs").resolve().as_uri())!r};
    const credentials = {{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      sessionToken: "session/token+value=" }};
    const now = new Date("2026-01-02T03:04:05Z");
    for (const method of ["GET", "PUT"])
      console.log(presign({{ method, bucket: "kefir-photos", key: {key!r}, region: "eu-west-1", expiresIn: 600,
        credentials, now }}));
    """
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    ours = done.stdout.split()
    fixed = datetime.datetime(2026, 1, 2, 3, 4, 5)
    with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
        theirs = [
            client.generate_presigned_url(op, Params={"Bucket": "kefir-photos", "Key": key}, ExpiresIn=600)
            for op in ("get_object", "put_object")
        ]
    for mine, reference in zip(ours, theirs, strict=True):
        a, b = urlsplit(mine), urlsplit(reference)
        assert (a.netloc, a.path) == (b.netloc, b.path)
        assert parse_qs(a.query) == parse_qs(b.query)


# -- the spec reads like the seed --------------------------------------------------------------


def test_spec_is_about_150_lines_and_names_the_schema() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/specc.schema.json\n")
    assert 120 <= len(text.splitlines()) <= 190
    data = yaml.safe_load(text)
    assert data["system"] == "kefir" and data["region"] == "us-east-1"
    assert set(data["stages"]) == {"dev", "prod"}
    assert data["stages"]["dev"]["removal_policy"] == "delete"


def test_cost_estimate_prices_every_line(spec: Any) -> None:
    for estimate in api.estimate_spec(SPEC):
        unpriced = [line.item.description for line in estimate.lines if line.item.unit_price is None]
        assert not unpriced, f"{estimate.stage}: not priced: {unpriced}"
        assert estimate.total > 0
