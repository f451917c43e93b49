"""Every compiled template is checkov-clean, least-privilege, closed to the internet and keeps its data.

checkov runs once over every template of every spec and stage (it lives in its own virtualenv, see
.ci/run). Without it these tests FAIL; set SPECC_ALLOW_NO_CHECKOV=1 to turn that into a skip on a
machine where it cannot be installed (never in CI).
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from compiler import api
from compiler._checkov_checks import CHECKOV_VERSION
from compiler.errors import SpecError
from compiler.security import (
    CheckovFinding,
    iam_problems,
    network_problems,
    retention_problems,
    run_checkov,
)

from .compiled import all_specs, compiled, write_all
from .spec_helpers import require_checkov

SPECS = all_specs()
IDS = [str(s) for s in SPECS]


@pytest.fixture(scope="session")
def checkov() -> str:
    return require_checkov()


@pytest.fixture(scope="session")
def checkov_report(checkov: str, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[CheckovFinding]]:
    """checkov's failed and skipped checks per spec, from one run over every template."""
    out = tmp_path_factory.mktemp("checkov")
    written = write_all(SPECS, out)
    findings = run_checkov(sorted(written), checkov)
    by_spec: dict[Path, list[CheckovFinding]] = {spec: [] for spec in SPECS}
    resolved = {path.resolve(): spec for path, (spec, _) in written.items()}
    for finding in findings:
        spec = resolved.get(Path(finding.template).resolve())
        assert spec is not None, f"checkov reported on a file it was not given: {finding.template}"
        by_spec[spec].append(finding)
    return by_spec


def _where(spec: Path, finding: CheckovFinding) -> str:
    """The spec line a finding belongs to, from the resource's Metadata."""
    for stage in compiled(spec).stages:
        resource = stage.template.get("Resources", {}).get(finding.logical_id)
        if resource:
            specc = (resource.get("Metadata") or {}).get("specc") or {}
            return f"{specc.get('source', spec)}: components.{specc.get('component', '?')}"
    return str(spec)


def test_checkov_version_matches_the_check_table(checkov: str) -> None:
    done = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == CHECKOV_VERSION, (
        "compiler/_checkov_checks.py was generated from another checkov; regenerate it "
        "(see tests/gen_checkov_checks.py) and update the pin in .ci/run"
    )


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_checkov_finds_nothing(spec: Path, checkov_report: dict[Path, list[CheckovFinding]]) -> None:
    result = compiled(spec)
    assert result.error is None, result.error
    failed = [f for f in checkov_report[spec] if f.status == "failed"]
    lines = [f"{_where(spec, f)}: {f.check_name} [{f.check_id}] ({f.logical_id})" for f in failed]
    assert not failed, (
        f"{len(failed)} failed checkov check(s); satisfy them or accept each in the spec with the reason "
        "(docs/security.md):\n" + "\n".join(lines)
    )
    for skipped in (f for f in checkov_report[spec] if f.status == "skipped"):
        assert len(skipped.comment) >= 10, f"{skipped.check_id} on {skipped.logical_id} skipped without a reason"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_iam_least_privilege_and_nothing_public(spec: Path) -> None:
    result = compiled(spec)
    assert result.error is None, result.error
    problems = [f"{label}: {p.format()}" for label, t, _ in result.templates() for p in iam_problems(t)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_no_ingress_from_the_internet_except_a_public_load_balancer(spec: Path) -> None:
    result = compiled(spec)
    assert result.error is None, result.error
    problems = [f"{label}: {p.format()}" for label, t, _ in result.templates() for p in network_problems(t)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_stateful_resources_keep_their_data(spec: Path) -> None:
    result = compiled(spec)
    assert result.error is None, result.error
    problems = [
        f"{label}: {p.format()}" for label, t, policy in result.templates() for p in retention_problems(t, policy)
    ]
    assert not problems, "\n".join(problems)


# -- the checks themselves can fail -----------------------------------------------------------


def _role(*statements: dict) -> dict:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": document}]},
            }
        }
    }


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ({"Effect": "Allow", "Action": "*", "Resource": "*"}, "iam-wildcard-action"),
        ({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::b/*"]}, "iam-wildcard-action"),
        ({"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "*"}, "iam-wildcard-resource"),
        ({"Effect": "Allow", "Action": ["kms:Decrypt*"], "Resource": ["*"]}, "iam-wildcard-resource"),
        ({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["*"]}, "iam-not"),
        ({"Effect": "Allow", "Action": ["madeup:DoIt"], "Resource": ["*"]}, "iam-unknown"),
    ],
)
def test_iam_check_catches(statement: dict, rule: str) -> None:
    assert rule in {p.rule for p in iam_problems(_role(statement))}


def test_iam_check_allows_scoped_and_resourceless_actions() -> None:
    ok = _role(
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [{"Fn::GetAtt": ["T", "Arn"]}]},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    )
    assert iam_problems(ok) == []


def test_public_resource_policies_are_caught() -> None:
    template = {
        "Resources": {
            "P": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]
                    }
                },
            },
            "I": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": "*"}},
        }
    }
    assert sorted(p.logical_id for p in iam_problems(template) if p.rule == "public") == ["I", "P"]


def _group(port: int, cidr: str = "0.0.0.0/0") -> dict:
    rule = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": cidr}
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [rule]}}


def test_open_ingress_only_on_a_public_load_balancers_web_ports() -> None:
    lb = {
        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {"Scheme": "internet-facing", "SecurityGroups": [{"Ref": "LbGroup"}]},
    }
    template = {"Resources": {"Lb": lb, "LbGroup": _group(443), "Other": _group(443), "Ssh": _group(22)}}
    assert sorted(p.logical_id for p in network_problems(template)) == ["Other", "Ssh"]
    internal = {
        "Resources": {"Lb": {**lb, "Properties": {**lb["Properties"], "Scheme": "internal"}}, "LbGroup": _group(80)}
    }
    assert [p.logical_id for p in network_problems(internal)] == ["LbGroup"]
    private = {"Resources": {"G": _group(5432, "10.0.0.0/16")}}
    assert network_problems(private) == []


def test_retention_check_catches_missing_policies_and_protection() -> None:
    template = {
        "Resources": {
            "T": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": {}},
            "D": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
        }
    }
    rules = sorted((p.logical_id, p.rule) for p in retention_problems(template))
    assert rules == [
        ("D", "deletion-protection"),
        ("D", "retain"),
        ("D", "retain"),
        ("T", "deletion-protection"),
        ("T", "retain"),
    ]


# -- reasoned skips ---------------------------------------------------------------------------

ACCEPTING = """\
specc: 1
system: skips
stages:
  dev: {{}}
components:
  worker:
    kind: function
    code: handlers/worker
{security}
"""


def _spec(tmp_path: Path, security: str) -> Path:
    (tmp_path / "handlers" / "worker").mkdir(parents=True, exist_ok=True)
    (tmp_path / "handlers" / "worker" / "index.mjs").write_text("export const handler = async () => ({});\n")
    path = tmp_path / "skips.yaml"
    path.write_text(ACCEPTING.format(security=textwrap.indent(textwrap.dedent(security), "    ")))
    return path


def test_accepted_check_lands_in_metadata_and_checkov_honours_it(tmp_path: Path, checkov: str) -> None:
    reason = "an internal batch worker that reaches only public AWS endpoints"
    spec = _spec(tmp_path, f"security:\n  accept:\n    CKV_AWS_117: {reason}\n")
    (stage,) = api.compile_spec(spec, out=tmp_path / "out")
    resources = stage.template["Resources"]
    function = resources["WorkerFunction"]
    assert function["Metadata"]["checkov"] == {"skip": [{"id": "CKV_AWS_117", "comment": reason}]}
    assert all("checkov" not in r.get("Metadata", {}) for k, r in resources.items() if k != "WorkerFunction")
    api.write([stage])
    findings = [f for f in run_checkov([stage.path], checkov) if f.check_id == "CKV_AWS_117"]
    assert [(f.status, f.comment) for f in findings] == [("skipped", reason)]
    plain = _spec(tmp_path / "plain", "")
    (stage,) = api.compile_spec(plain, out=tmp_path / "plain-out")
    api.write([stage])
    findings = [f for f in run_checkov([stage.path], checkov) if f.check_id == "CKV_AWS_117"]
    assert [f.status for f in findings] == ["failed"], "without the accept, checkov must report the check"


@pytest.mark.parametrize(
    ("security", "message"),
    [
        ("security:\n  accept:\n    CKV_AWS_117:\n", "may be accepted only with a reason"),
        ("security:\n  accept:\n    CKV_AWS_117: ok\n", "may be accepted only with a reason"),
        (
            "security:\n  accept:\n    CKV_AWS_9999: a reason that is long enough\n",
            "checkov has no CloudFormation check",
        ),
        ("security:\n  accept: [CKV_AWS_117]\n", "expected a mapping"),
        ("security:\n  skip: {}\n", "unknown key 'skip'"),
    ],
)
def test_bad_accepts_are_located_spec_errors(tmp_path: Path, security: str, message: str) -> None:
    spec = _spec(tmp_path, security)
    with pytest.raises(SpecError) as caught:
        api.compile_spec(spec, out=tmp_path / "out")
    (diagnostic,) = caught.value.diagnostics
    assert message in diagnostic.message
    assert diagnostic.line >= 8 and diagnostic.path.startswith("components.worker.security")
