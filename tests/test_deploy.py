"""Deploy proof: the real AWS CLI packages and deploys every spec and stage into an emulator (moto).

One moto server runs on loopback for the whole module (port 0, reset between specs). For every spec
and stage the test runs exactly the commands ``specc compile`` prints (``CompiledStage.deploy_commands``)
with the real ``aws`` CLI:

* ``aws cloudformation package``: every local code directory and nested template must be uploaded and
  rewritten to S3. (``package`` ignores ``--endpoint-url`` for its uploads, so ``AWS_ENDPOINT_URL`` is set.)
* ``aws cloudformation deploy`` with the capabilities the template needs.

moto does not implement every resource type. It skips those it lacks (Cognito, API Gateway v2,
Scheduler, alarms, Secrets Manager, CloudFront, DocumentDB, SES, Amplify, ...) and a reference to one
of them fails the whole stack. So before deploying, the packaged template is adapted: resources that
reference what moto lacks are left out (transitively), and a few moto bugs are worked around
(``WORKAROUNDS``); the stage's report line names every adaptation. The table printed per spec and
stage (at the end of every pytest run, CI's included) lists every resource as ``created``,
``skipped by emulator`` or ``not deployed`` (with the reason): no skip is hidden.

Whatever was created is read back with boto3 and compared with the template: table keys and
indexes, function runtimes and environment, role policies, subnets, security-group rules, services.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from compiler import api
from compiler.render import from_yaml

from .compiled import all_specs, compiled

SPECS = all_specs()
REPORT: list[str] = []


# -- the emulator ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_endpoint() -> Any:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://localhost:{port}"
    server.stop()


def _env(endpoint: str, region: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=region,
        AWS_ENDPOINT_URL=endpoint,
        AWS_CONFIG_FILE=str(home / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_PAGER="",
        AWS_RETRY_MODE="standard",
        AWS_MAX_ATTEMPTS="2",
    )
    return env


def _client(service: str, endpoint: str, region: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _aws_cli() -> str:
    candidate = Path(sys.executable).with_name("aws")
    assert candidate.exists(), "the aws CLI (awscli, a dev dependency) is not installed beside this Python"
    return str(candidate)


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


# -- what moto can create ------------------------------------------------------------------------


def _supported_types() -> set[str]:
    from moto.cloudformation.parsing import NULL_MODELS, get_model_map

    return set(get_model_map()) | set(NULL_MODELS)


def _refs(value: Any) -> set[tuple[str, str]]:
    """(logical id, attribute or "") for every Ref / GetAtt / Sub reference in a value."""
    import re

    found: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add((inner, ""))
            elif key == "Fn::GetAtt":
                parts = inner if isinstance(inner, list) else str(inner).split(".", 1)
                found.add((str(parts[0]), str(parts[1]) if len(parts) > 1 else ""))
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                for name in re.findall(r"\$\{([^!}][^}]*)\}", str(text)):
                    target, _, attribute = name.partition(".")
                    found.add((target, attribute))
                found |= _refs(inner[1] if isinstance(inner, list) and len(inner) > 1 else None)
            else:
                found |= _refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _refs(inner)
    return found


#: Attributes moto's CloudFormation cannot resolve on types it otherwise creates ("*": none of them).
UNSUPPORTED_ATTRIBUTES: dict[str, set[str]] = {
    "AWS::Route53::HostedZone": {"*"},
    "AWS::RDS::DBInstance": {"MasterUserSecret.SecretArn"},
}


def _reduce(template: dict[str, Any], unsupported: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template without what the emulator cannot create: unsupported resources stay (moto skips them),
    but resources that reference one (moto resolves such references to nothing and then fails), or read an
    attribute moto cannot resolve, are left out with the reason, transitively."""
    resources = template["Resources"]
    dropped: dict[str, str] = {}
    missing = set(unsupported)
    changed = True
    while changed:
        changed = False
        for logical_id, resource in resources.items():
            if logical_id in dropped or logical_id in unsupported:
                continue
            depends = resource.get("DependsOn") or []
            depends = [depends] if isinstance(depends, str) else depends
            zone = (resource.get("Properties") or {}).get("HostedZoneId")
            if resource.get("Type", "").startswith("AWS::Route53::RecordSet") and isinstance(zone, str):
                dropped[logical_id] = f"writes to hosted zone {zone} outside the stack, which the emulator lacks"
                missing.add(logical_id)
                changed = True
                continue
            for target, attribute in sorted(_refs(resource)):
                kind = resources.get(target, {}).get("Type", "")
                lacking = UNSUPPORTED_ATTRIBUTES.get(kind, set())
                if target in missing:
                    why = "is not deployed" if target in dropped else "is a type the emulator lacks"
                    dropped[logical_id] = f"references {target} ({kind}), which {why}"
                    break
                if attribute and ("*" in lacking or attribute in lacking):
                    dropped[logical_id] = f"reads {target}.{attribute}, which the emulator cannot resolve"
                    break
            else:
                for target in depends:
                    if target in missing:
                        dropped[logical_id] = f"depends on {target}, not deployed"
                        break
            if logical_id in dropped:
                missing.add(logical_id)
                changed = True
    reduced = {k: v for k, v in template.items() if k != "Outputs"}
    reduced["Resources"] = {k: v for k, v in resources.items() if k not in dropped}
    outputs = {
        k: v
        for k, v in (template.get("Outputs") or {}).items()
        if not any(
            t in missing
            or (
                a
                and (
                    "*" in UNSUPPORTED_ATTRIBUTES.get(resources.get(t, {}).get("Type", ""), set())
                    or a in UNSUPPORTED_ATTRIBUTES.get(resources.get(t, {}).get("Type", ""), set())
                )
            )
            for t, a in _refs(v)
        )
    }
    if outputs:
        reduced["Outputs"] = outputs
    return reduced, dropped


#: Template changes the emulator needs to get past its own bugs (never needed by AWS); each deploy that
#: uses one lists it in its report line.
def _drop_kms_tags(resource: dict[str, Any]) -> str | None:
    if resource["Type"] == "AWS::KMS::Key" and "Tags" in resource.get("Properties", {}):
        del resource["Properties"]["Tags"]
        return "KMS key Tags removed (moto's KMS tagging fails on CloudFormation's Key/Value tags)"
    return None


def _drop_ssm_tags(resource: dict[str, Any]) -> str | None:
    if resource["Type"] == "AWS::SSM::Parameter" and "Tags" in resource.get("Properties", {}):
        del resource["Properties"]["Tags"]
        return "SSM parameter Tags removed (moto expects a list where CloudFormation takes a map)"
    return None


def _mock_integration_method(resource: dict[str, Any]) -> str | None:
    integration = resource.get("Properties", {}).get("Integration")
    if resource["Type"] != "AWS::ApiGateway::Method" or not isinstance(integration, dict):
        return None
    if integration.get("Type") == "MOCK" and not {"IntegrationHttpMethod", "Uri"} <= set(integration):
        integration.setdefault("IntegrationHttpMethod", "POST")
        integration.setdefault("Uri", "")
        return "REST API MOCK integrations given IntegrationHttpMethod and Uri (moto requires them; AWS does not)"
    return None


def _db_parameter_group_ref(resource: dict[str, Any]) -> str | None:
    props = resource.get("Properties", {})
    if resource["Type"] in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        for key in ("DBParameterGroupName", "DBClusterParameterGroupName"):
            if isinstance(props.get(key), dict):
                del props[key]
                return f"{key} Ref removed from databases (moto resolves it to an object, not a name)"
    return None


WORKAROUNDS = [_drop_kms_tags, _drop_ssm_tags, _mock_integration_method, _db_parameter_group_ref]


def emulator_template(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of the template with the emulator workarounds applied, and what was changed."""
    copy = json.loads(json.dumps(template))
    notes: set[str] = set()
    for resource in copy.get("Resources", {}).values():
        for workaround in WORKAROUNDS:
            note = workaround(resource)
            if note:
                notes.add(note)
    return copy, sorted(notes)


# -- package ---------------------------------------------------------------------------------------

#: Properties ``aws cloudformation package`` uploads when they hold a local path.
PACKAGED = {
    ("AWS::Lambda::Function", "Code"),
    ("AWS::Lambda::LayerVersion", "Content"),
    ("AWS::CloudFormation::Stack", "TemplateURL"),
    ("AWS::Serverless::Function", "CodeUri"),
    ("AWS::ApiGateway::RestApi", "BodyS3Location"),
    ("AWS::AppSync::GraphQLSchema", "DefinitionS3Location"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
    ("AWS::ECR::Repository", "__none__"),
}


def _local_paths(template: dict[str, Any]) -> dict[tuple[str, str], str]:
    out = {}
    for logical_id, resource in template.get("Resources", {}).items():
        for prop, value in (resource.get("Properties") or {}).items():
            if (
                (resource["Type"], prop) in PACKAGED
                and isinstance(value, str)
                and not value.startswith(("s3://", "http"))
            ):
                out[(logical_id, prop)] = value
    return out


def _s3_location(value: Any) -> tuple[str, str] | None:
    if isinstance(value, dict) and "S3Bucket" in value:
        return str(value["S3Bucket"]), str(value["S3Key"])
    if isinstance(value, str) and value.startswith("s3://"):
        bucket, _, key = value.removeprefix("s3://").partition("/")
        return bucket, key
    if isinstance(value, str) and value.startswith("http"):
        from urllib.parse import urlparse

        parts = urlparse(value)
        if parts.netloc.startswith(("s3.", "localhost")):
            bucket, _, key = parts.path.lstrip("/").partition("/")
        else:
            bucket, key = parts.netloc.split(".")[0], parts.path.lstrip("/")
        return bucket, key
    return None


# -- the test ------------------------------------------------------------------------------------


def _create_bucket(s3: Any, bucket: str, region: str) -> None:
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


KNOWN_PATH = Path(__file__).with_name("deploy_known_failures.json")


def _known() -> dict[str, dict[str, str]]:
    """Stages the emulator cannot deploy today, by spec, with the reason (a ratchet: fixed ones must go)."""
    return json.loads(KNOWN_PATH.read_text(encoding="utf-8")) if KNOWN_PATH.exists() else {}


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def _stack_failure(cloudformation: Any, stack: str, stderr: str) -> str:
    """Why a deploy failed: the stack's FAILED events, else the CLI's last words (without upload progress)."""
    try:
        events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
        reasons = [e.get("ResourceStatusReason", "") for e in events if "FAILED" in e.get("ResourceStatus", "")]
    except Exception:  # the stack may not exist at all
        reasons = []
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.lstrip().startswith("Uploading to")]
    text = "; ".join(r for r in reasons if r) or " ".join(lines[-2:]) or "no reason given"
    return text[:300]


@pytest.mark.parametrize("spec", SPECS, ids=[str(s) for s in SPECS])
def test_package_and_deploy_every_stage(spec: Path, moto_endpoint: str, tmp_path: Path) -> None:
    result = compiled(spec)
    assert result.error is None, result.error
    supported = _supported_types()
    aws = _aws_cli()
    out = tmp_path / "output"
    stages = api.compile_spec(spec, out=out)
    api.write(stages)
    problems: list[str] = []
    failed: dict[str, str] = {}
    for stage in stages:
        _reset(moto_endpoint)
        region = stage.region
        env = _env(moto_endpoint, region, tmp_path)
        bucket = f"specc-artifacts-{stage.stage}"
        s3 = _client("s3", moto_endpoint, region)
        _create_bucket(s3, bucket, region)
        package_cmd, deploy_cmd = (shlex.split(c) for c in stage.deploy_commands(bucket))
        assert package_cmd[:3] == ["aws", "cloudformation", "package"] and deploy_cmd[:3] == [
            "aws",
            "cloudformation",
            "deploy",
        ]
        assert f"--capabilities {' '.join(stage.capabilities)}" in " ".join(deploy_cmd) or not stage.capabilities
        assert deploy_cmd[deploy_cmd.index("--stack-name") + 1] == stage.stack_name

        # package: every local path uploaded and rewritten
        done = _run([aws, *package_cmd[1:]], env, Path.cwd())
        assert done.returncode == 0, f"{stage.stack_name}: package failed:\n{done.stderr}"
        packaged_path = Path(package_cmd[package_cmd.index("--output-template-file") + 1])
        packaged = from_yaml(packaged_path.read_text(encoding="utf-8"))
        children = {p: from_yaml(t) for p, t in stage.extra_files.items() if p.suffix == ".yaml"}
        for template, where in [(stage.template, stage.path), *((c, p) for p, c in children.items())]:
            for (logical_id, prop), local in _local_paths(template).items():
                target = (where.parent / local).resolve()
                assert target.exists(), f"{where}: {logical_id}.{prop} points at {local}, which does not exist"
        for (logical_id, prop), local in _local_paths(stage.template).items():
            location = _s3_location(packaged["Resources"][logical_id]["Properties"][prop])
            assert location, f"{stage.stack_name}: {logical_id}.{prop} ({local}) was not rewritten to S3 by package"
            assert location[0] == bucket
            s3.head_object(Bucket=location[0], Key=location[1])
            if prop == "TemplateURL":  # nested stacks: the emulator reads them from localhost
                packaged["Resources"][logical_id]["Properties"][prop] = f"{moto_endpoint}/{location[0]}/{location[1]}"

        # deploy: exactly the printed command, on the packaged template adapted to the emulator's limits
        cloudformation = _client("cloudformation", moto_endpoint, region)
        resources = packaged["Resources"]
        unsupported = {k for k, r in resources.items() if r["Type"] not in supported}
        reduced, dropped = _reduce(packaged, unsupported)
        reduced, workarounds = emulator_template(reduced)
        note = "deployed as compiled"
        if dropped or workarounds:
            note = f"deployed without {len(dropped)} resource(s) that need what the emulator lacks" + "".join(
                "; " + w for w in workarounds
            )
        packaged_path.write_text(json.dumps(reduced, indent=1), encoding="utf-8")
        done = _run([aws, *deploy_cmd[1:]], env, Path.cwd())
        stack = stage.stack_name
        if done.returncode != 0:
            reason = _stack_failure(cloudformation, stack, done.stderr)
            failed[stage.stage] = reason
            rows = [(k, r["Type"], "NOT DEPLOYED", "the deploy failed") for k, r in sorted(resources.items())]
            _report(spec, stage, f"DEPLOY FAILED in the emulator: {reason}", rows)
            continue
        created = {
            r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
            if r.get("LogicalResourceId") and r.get("ResourceStatus", "").endswith("_COMPLETE")
        }
        rows = []
        for logical_id, resource in sorted(resources.items()):
            kind = resource["Type"]
            if logical_id in created:
                check = VERIFY.get(kind)
                verified = "properties verified" if check else "created; no read-back for this type"
                if check and kind in NOT_EMULATED:
                    verified += f" (moto does not keep {', '.join(sorted(NOT_EMULATED[kind]))})"
                if check:
                    try:
                        check(moto_endpoint, region, resource, created[logical_id], created, resources)
                    except AssertionError as exc:
                        problems.append(f"{stage.stack_name}: {logical_id} ({kind}) differs from the template: {exc}")
                        verified = "PROPERTIES DIFFER"
                rows.append((logical_id, kind, "created", verified))
            elif logical_id in dropped:
                rows.append((logical_id, kind, "not deployed", dropped[logical_id]))
            elif logical_id in unsupported:
                rows.append((logical_id, kind, "skipped by emulator", "moto does not implement this type"))
            else:
                rows.append((logical_id, kind, "MISSING", "supported by moto but not created"))
                problems.append(f"{stage.stack_name}: {logical_id} ({kind}) was not created")
        _report(spec, stage, note, rows)
    known = _known().get(str(spec), {})
    for stage_name, reason in sorted(failed.items()):
        if stage_name not in known:
            problems.append(f"{spec} stage {stage_name}: deploy failed in the emulator: {reason}")
    for stage_name in sorted(set(known) - set(failed)):
        problems.append(f"{spec} stage {stage_name} deploys now: remove it from {KNOWN_PATH.name}")
    if os.environ.get("SPECC_RECORD_DEPLOY_FAILURES") == "1":
        record = _known()
        record.pop(str(spec), None)
        if failed:
            record[str(spec)] = {k: v[:300] for k, v in sorted(failed.items())}
        KNOWN_PATH.write_text(json.dumps(dict(sorted(record.items())), indent=2) + "\n", encoding="utf-8")
        return
    assert not problems, "\n".join(problems)


def _report(spec: Path, stage: api.CompiledStage, note: str, rows: list[tuple[str, str, str, str]]) -> None:
    counts = {s: sum(1 for r in rows if r[2] == s) for s in ("created", "skipped by emulator", "not deployed")}
    lines = [
        f"== {spec} stage {stage.stage} (stack {stage.stack_name}): {note}",
        "   " + ", ".join(f"{n} {s}" for s, n in counts.items()),
    ]
    width = max((len(r[0]) for r in rows), default=10)
    kind_width = max((len(r[1]) for r in rows), default=10)
    lines += [f"   {r[0]:<{width}}  {r[1]:<{kind_width}}  {r[2]:<20} {r[3]}" for r in rows]
    REPORT.extend(lines)
    print("\n".join(lines))


# -- read-back checks, per resource type ------------------------------------------------------------


def _resolve(value: Any, created: dict[str, str]) -> Any:
    """A template value with Refs to created resources replaced by their physical ids (else None)."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return created.get(value["Ref"])
    return value


def _verify_table(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    table = _client("dynamodb", endpoint, region).describe_table(TableName=physical)["Table"]
    assert table["KeySchema"] == props["KeySchema"], f"keys {table['KeySchema']} != {props['KeySchema']}"
    want_types = {d["AttributeName"]: d["AttributeType"] for d in props["AttributeDefinitions"]}
    got_types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    assert got_types == want_types, f"attributes {got_types} != {want_types}"
    want_indexes = {i["IndexName"]: i["KeySchema"] for i in props.get("GlobalSecondaryIndexes", [])}
    got_indexes = {i["IndexName"]: i["KeySchema"] for i in table.get("GlobalSecondaryIndexes", [])}
    assert got_indexes == want_indexes, f"indexes {got_indexes} != {want_indexes}"
    if props.get("BillingMode"):
        assert table.get("BillingModeSummary", {}).get("BillingMode", props["BillingMode"]) == props["BillingMode"]


def _verify_function(endpoint: str, region: str, resource: dict, physical: str, created: dict, resources: dict) -> None:
    props = resource["Properties"]
    config = _client("lambda", endpoint, region).get_function_configuration(FunctionName=physical)
    for key in ("Runtime", "Handler", "MemorySize", "Timeout"):
        if key in props:
            assert config.get(key) == props[key], f"{key} {config.get(key)!r} != {props[key]!r}"
    want_env = (props.get("Environment") or {}).get("Variables") or {}
    got_env = (config.get("Environment") or {}).get("Variables") or {}
    assert sorted(got_env) == sorted(want_env), f"environment {sorted(got_env)} != {sorted(want_env)}"
    for name, value in want_env.items():
        expected = _resolve(value, created)
        if isinstance(expected, str):
            assert got_env[name] == expected, f"{name}={got_env[name]!r}, expected {expected!r}"
    role = props.get("Role")
    if isinstance(role, dict) and "Fn::GetAtt" in role and role["Fn::GetAtt"][0] in created:
        assert config["Role"].endswith("/" + created[role["Fn::GetAtt"][0]]), f"role {config['Role']}"


def _verify_role(endpoint: str, region: str, resource: dict, physical: str, created: dict, resources: dict) -> None:
    iam = _client("iam", endpoint, region)
    props = resource["Properties"]
    names = sorted(iam.list_role_policies(RoleName=physical)["PolicyNames"])
    logical = next(k for k, v in created.items() if v == physical)
    attached = [
        r["Properties"]["PolicyName"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": logical} in r["Properties"].get("Roles", [])
    ]
    want_names = sorted([p["PolicyName"] for p in props.get("Policies", [])] + attached)
    assert names == want_names, f"inline policies {names} != {want_names}"
    for policy in props.get("Policies", []):
        document = iam.get_role_policy(RoleName=physical, PolicyName=policy["PolicyName"])["PolicyDocument"]
        document = _document(document)
        got = [sorted(_list(s.get("Action"))) for s in _list(document["Statement"])]
        want = [sorted(_list(s.get("Action"))) for s in _list(policy["PolicyDocument"]["Statement"])]
        assert got == want, f"policy {policy['PolicyName']} actions {got} != {want}"
    trust = iam.get_role(RoleName=physical)["Role"]["AssumeRolePolicyDocument"]
    trust = _document(trust)
    want_principals = [s.get("Principal") for s in _list(props["AssumeRolePolicyDocument"]["Statement"])]
    assert [s.get("Principal") for s in _list(trust["Statement"])] == want_principals


def _verify_subnet(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    (subnet,) = _client("ec2", endpoint, region).describe_subnets(SubnetIds=[physical])["Subnets"]
    if isinstance(props.get("CidrBlock"), str):
        assert subnet["CidrBlock"] == props["CidrBlock"]
    vpc = _resolve(props.get("VpcId"), created)
    if isinstance(vpc, str):
        assert subnet["VpcId"] == vpc


def _verify_security_group(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    ec2 = _client("ec2", endpoint, region)
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [physical]}])["SecurityGroups"]
    if not groups:
        groups = ec2.describe_security_groups(GroupNames=[physical])["SecurityGroups"]
    (group,) = groups
    want = sorted(
        (str(r.get("IpProtocol")), r.get("FromPort"), r.get("ToPort"), r.get("CidrIp"))
        for r in props.get("SecurityGroupIngress", [])
        if isinstance(r.get("CidrIp"), str)
    )
    got = sorted(
        (str(p.get("IpProtocol")), p.get("FromPort"), p.get("ToPort"), ip["CidrIp"])
        for p in group.get("IpPermissions", [])
        for ip in p.get("IpRanges", [])
    )
    assert [w for w in want if w not in got] == [], f"ingress {got} lacks {want}"


def _verify_service(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    cluster = _resolve(props.get("Cluster"), created) or "default"
    (service,) = _client("ecs", endpoint, region).describe_services(cluster=cluster, services=[physical])["services"]
    if isinstance(props.get("DesiredCount"), int):
        assert service["desiredCount"] == props["DesiredCount"]


def _verify_bucket(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    s3 = _client("s3", endpoint, region)
    s3.head_bucket(Bucket=physical)
    rules = (props.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration") or []
    if rules:
        got = s3.get_bucket_encryption(Bucket=physical)["ServerSideEncryptionConfiguration"]["Rules"]
        want = [r["ServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules]
        assert [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in got] == want, f"encryption {got}"


def _verify_log_group(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    groups = _client("logs", endpoint, region).describe_log_groups(logGroupNamePrefix=physical)["logGroups"]
    (group,) = [g for g in groups if g["logGroupName"] == physical]
    if "RetentionInDays" in props:
        assert group.get("retentionInDays") == props["RetentionInDays"]


def _verify_queue(endpoint: str, region: str, resource: dict, physical: str, created: dict, _: dict) -> None:
    props = resource["Properties"]
    sqs = _client("sqs", endpoint, region)
    attributes = sqs.get_queue_attributes(QueueUrl=physical, AttributeNames=["All"])["Attributes"]
    if "MessageRetentionPeriod" in props:
        assert int(attributes["MessageRetentionPeriod"]) == int(props["MessageRetentionPeriod"])


def _document(value: Any) -> dict[str, Any]:
    """A policy document as moto returns it: a dict, JSON, or (moto's quirk) a Python repr."""
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        import ast

        return ast.literal_eval(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


#: Properties moto's CloudFormation accepts but does not apply, so they cannot be read back.
NOT_EMULATED: dict[str, set[str]] = {
    "AWS::Lambda::Function": {"Architectures"},
    "AWS::S3::Bucket": {"VersioningConfiguration", "PublicAccessBlockConfiguration"},
    "AWS::EC2::Subnet": {"MapPublicIpOnLaunch"},
    "AWS::ECS::Service": {"LaunchType"},
}

VERIFY = {
    "AWS::DynamoDB::Table": _verify_table,
    "AWS::Lambda::Function": _verify_function,
    "AWS::IAM::Role": _verify_role,
    "AWS::EC2::Subnet": _verify_subnet,
    "AWS::EC2::SecurityGroup": _verify_security_group,
    "AWS::ECS::Service": _verify_service,
    "AWS::S3::Bucket": _verify_bucket,
    "AWS::Logs::LogGroup": _verify_log_group,
    "AWS::SQS::Queue": _verify_queue,
}


def test_compile_prints_the_commands_this_test_runs(tmp_path: Path) -> None:
    """``specc compile`` shows exactly ``deploy_commands()``: bucket placeholder, stack name, capabilities."""
    from click.testing import CliRunner

    from compiler.cli import main

    spec = Path("examples/api-with-table.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compile", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for stage in api.compile_spec(spec, out=out):
        package, deploy = stage.deploy_commands()
        assert package in result.output and deploy in result.output
        assert "--s3-bucket <artifact-bucket>" in package and "--s3-bucket <artifact-bucket>" in deploy
        assert f"--stack-name {stage.stack_name}" in deploy
        assert f"--capabilities {' '.join(stage.capabilities)}" in deploy
