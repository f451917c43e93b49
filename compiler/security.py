"""Security of compiled templates: explicit, reasoned checkov skips; IAM, network and data-protection checks.

A spec may knowingly not satisfy a checkov check, but only by saying why:

```yaml
components:
  handle-auth:
    kind: function
    code: handlers/auth
    security:
      accept:
        CKV_AWS_117: "calls only Cognito and DynamoDB over their public endpoints; nothing private to reach"
```

``security`` may also sit at the top of a spec, for every component. The reason is written into the
``Metadata.checkov.skip`` of each resource of that component the check applies to, so checkov, the
template and a reviewer all see it. A skip without a reason, or of a check checkov does not have, is a
spec error. Everything else here (the IAM, security-group and retention checks, the checkov runner)
is used by ``specc lint`` and the test suite and imports nothing heavy at module level.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field

from ._checkov_checks import CHECKS
from .base import SpecModel

if TYPE_CHECKING:
    from .errors import Diagnostic
    from .model import Component
    from .spec import Spec

CHECK_ID = re.compile(r"^CKV2?_AWS_[0-9]+$")
MIN_REASON = 10


def _check_id(value: str) -> str:
    if value not in CHECKS:
        import difflib

        close = difflib.get_close_matches(value, list(CHECKS), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shape = "" if CHECK_ID.match(value) else " (ids look like CKV_AWS_117)"
        raise ValueError(f"checkov has no CloudFormation check {value!r}{hint}{shape}")
    return value


def _reason(value: str | None) -> str:
    if value is None or len(value.strip()) < MIN_REASON:
        raise ValueError(
            "a check may be accepted only with a reason: say in a sentence why it does not apply here "
            f"(at least {MIN_REASON} characters)"
        )
    return value.strip()


CheckId = Annotated[str, AfterValidator(_check_id)]
Reason = Annotated[str | None, AfterValidator(_reason)]


class Security(SpecModel):
    """Security checks this component (or, at the top of a spec, the whole system) knowingly does not meet."""

    accept: dict[CheckId, Reason] = Field(
        default_factory=dict,
        description=(
            "Checkov checks accepted as not met, each with the reason. The reason lands in the Metadata.checkov.skip "
            "of every resource the check applies to. Use sparingly: specc's defaults pass every check."
        ),
        examples=[{"CKV_AWS_117": "calls only public AWS endpoints; there is nothing private to reach from a VPC"}],
    )


def checkov_skips(spec: Spec, component: Component | None, resource_type: str) -> list[dict[str, str]]:
    """The ``Metadata.checkov.skip`` entries for one resource: system-level, then component-level accepts."""
    accepted: dict[str, str] = {}
    for holder in (spec, component):
        security = getattr(holder, "security", None) if holder is not None else None
        if security is not None:
            accepted.update(security.accept)
    return [
        {"id": check, "comment": reason}
        for check, reason in sorted(accepted.items())
        if resource_type in CHECKS[check]["types"]
    ]


# ----------------------------------------------------------------------------------------------
# Checks over compiled templates (used by the test suite and ``specc lint``)


@dataclass(frozen=True)
class Problem:
    """A security problem in a compiled template, with the resource it is in."""

    logical_id: str
    where: str  # path inside the resource, e.g. Properties.Policies[0].PolicyDocument.Statement[1]
    message: str
    rule: str

    def format(self) -> str:
        return f"{self.logical_id}.{self.where}: {self.message} [{self.rule}]"


#: Identity-policy homes: resource type -> paths of policy documents inside Properties.
IDENTITY_POLICIES = {
    "AWS::IAM::Role": "Policies",
    "AWS::IAM::User": "Policies",
    "AWS::IAM::Group": "Policies",
    "AWS::IAM::Policy": "PolicyDocument",
    "AWS::IAM::ManagedPolicy": "PolicyDocument",
}

#: Resource-policy homes: Resource "*" means "this resource" there, so only actions and principals are checked.
RESOURCE_POLICIES = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
    "AWS::ECR::Repository": "RepositoryPolicyText",
    "AWS::Events::EventBusPolicy": "Statement",
    "AWS::Logs::ResourcePolicy": "PolicyDocument",
}

#: Actions the IAM data marks as resource-scoped although AWS only accepts "*" for them in practice.
#: Each entry says why; keep this list short.
NO_RESOURCE_LEVEL: dict[str, str] = {
    "cloudwatch:putmetricdata": "authorised by the cloudwatch:namespace condition key, not by a resource ARN",
}


@lru_cache(maxsize=1)
def _iam_actions() -> dict[str, dict[str, Any]]:
    """cfn-lint's IAM service-authorization data: service prefix -> {action (lower case): {Resources: [...]}}."""
    import cfnlint.data.AdditionalSpecs as specs

    with open(Path(specs.__file__).parent / "Policies.json", encoding="utf-8") as handle:
        data = json.load(handle)
    return {service: {a.lower(): v for a, v in (entry.get("Actions") or {}).items()} for service, entry in data.items()}


def resource_level(action: str) -> bool | None:
    """Whether an action (``svc:Name``, ``*`` wildcards allowed) can be scoped to a resource ARN.

    None: the action is unknown to the IAM data. With a wildcard, True if any matching action can.
    """
    service, _, name = action.lower().partition(":")
    actions = _iam_actions().get(service)
    if actions is None or not name:
        return None
    pattern = re.compile("^" + re.escape(name).replace(r"\*", ".*").replace(r"\?", ".") + "$")
    matches = [a for a in actions if pattern.match(a)]
    if not matches:
        return None
    return any(bool(actions[a].get("Resources")) and f"{service}:{a}" not in NO_RESOURCE_LEVEL for a in matches)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _statements(document: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(document, dict):
        return []
    return [(i, s) for i, s in enumerate(_as_list(document.get("Statement"))) if isinstance(s, dict)]


def _policy_documents(resource: dict[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    """(path, document, identity?) for every policy document in a resource."""
    kind = resource.get("Type", "")
    props = resource.get("Properties") or {}
    if kind in IDENTITY_POLICIES:
        key = IDENTITY_POLICIES[kind]
        if key == "Policies":
            for index, policy in enumerate(_as_list(props.get("Policies"))):
                if isinstance(policy, dict):
                    yield f"Properties.Policies[{index}].PolicyDocument", policy.get("PolicyDocument"), True
        else:
            yield f"Properties.{key}", props.get(key), True
    elif kind in RESOURCE_POLICIES:
        key = RESOURCE_POLICIES[kind]
        document = props.get(key)
        if kind == "AWS::Events::EventBusPolicy":
            document = {"Statement": [document]} if document else None
        if document is not None:
            yield f"Properties.{key}", document, False


def iam_problems(template: dict[str, Any]) -> list[Problem]:
    """Wildcard actions, unscoped resources and public principals in every policy of a template."""
    problems: list[Problem] = []
    for logical_id, resource in sorted((template.get("Resources") or {}).items()):
        if not isinstance(resource, dict):
            continue
        for path, document, identity in _policy_documents(resource):
            for index, statement in _statements(document):
                where = f"{path}.Statement[{index}]"
                problems += _statement_problems(logical_id, where, statement, identity)
        if resource.get("Type") == "AWS::Lambda::Permission":
            principal = (resource.get("Properties") or {}).get("Principal")
            if principal == "*":
                problems.append(
                    Problem(logical_id, "Properties.Principal", "anyone may invoke this function", "public")
                )
    return problems


def _statement_problems(logical_id: str, where: str, statement: dict[str, Any], identity: bool) -> list[Problem]:
    if statement.get("Effect") != "Allow":
        return []
    out: list[Problem] = []
    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    for key in ("NotAction", "NotResource"):
        if key in statement:
            out.append(Problem(logical_id, where, f"Allow with {key} grants everything not listed", "iam-not"))
    for action in actions:
        if action == "*" or action.endswith(":*"):
            out.append(Problem(logical_id, where, f"action {action!r} grants a whole service", "iam-wildcard-action"))
    if identity and "*" in _as_list(statement.get("Resource")):
        for action in actions:
            if action == "*" or action.endswith(":*"):
                continue
            scoped = resource_level(action)
            if scoped is None:
                out.append(Problem(logical_id, where, f"unknown action {action!r} on Resource '*'", "iam-unknown"))
            elif scoped:
                out.append(
                    Problem(
                        logical_id,
                        where,
                        f"{action} supports resource-level permissions but is granted on Resource '*'",
                        "iam-wildcard-resource",
                    )
                )
    if not identity:
        principal = statement.get("Principal")
        public = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
        if public and not statement.get("Condition"):
            out.append(Problem(logical_id, where, "Principal '*' without a condition makes this public", "public"))
    return out


OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def network_problems(template: dict[str, Any]) -> list[Problem]:
    """Ingress open to the internet, except a public load balancer's 80/443."""
    resources = template.get("Resources") or {}
    public_lb_groups: set[str] = set()
    for resource in resources.values():
        props = (resource or {}).get("Properties") or {}
        if (
            resource.get("Type") == "AWS::ElasticLoadBalancingV2::LoadBalancer"
            and props.get("Scheme", "internet-facing") == "internet-facing"
        ):
            for group in _as_list(props.get("SecurityGroups")):
                target = _referenced(group)
                if target:
                    public_lb_groups.add(target)
    problems: list[Problem] = []
    for logical_id, resource in sorted(resources.items()):
        kind = (resource or {}).get("Type")
        props = (resource or {}).get("Properties") or {}
        rules: list[tuple[str, dict[str, Any], str | None]] = []
        if kind == "AWS::EC2::SecurityGroup":
            rules = [
                (f"Properties.SecurityGroupIngress[{i}]", r, logical_id)
                for i, r in enumerate(_as_list(props.get("SecurityGroupIngress")))
                if isinstance(r, dict)
            ]
        elif kind == "AWS::EC2::SecurityGroupIngress":
            rules = [("Properties", props, _referenced(props.get("GroupId")))]
        for where, rule, group in rules:
            if rule.get("CidrIp") not in OPEN_CIDRS and rule.get("CidrIpv6") not in OPEN_CIDRS:
                continue
            ports = (rule.get("FromPort"), rule.get("ToPort"))
            web = str(rule.get("IpProtocol")) in ("tcp", "6") and ports in ((80, 80), (443, 443))
            if not (web and group in public_lb_groups):
                problems.append(
                    Problem(
                        logical_id,
                        where,
                        f"ingress from the internet on {rule.get('IpProtocol')} {ports[0]}-{ports[1]}; only a public "
                        "load balancer's 80 and 443 may be open to 0.0.0.0/0",
                        "open-ingress",
                    )
                )
    return problems


def _referenced(value: Any) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        attr = value.get("Fn::GetAtt")
        if isinstance(attr, list) and attr:
            return str(attr[0])
        if isinstance(attr, str):
            return attr.split(".")[0]
    return None


#: Where a stateful type's own deletion protection lives, and the value that means "on".
DELETION_PROTECTION: dict[str, tuple[str, Any]] = {
    "AWS::DynamoDB::Table": ("DeletionProtectionEnabled", True),
    "AWS::RDS::DBInstance": ("DeletionProtection", True),
    "AWS::RDS::DBCluster": ("DeletionProtection", True),
    "AWS::DocDB::DBCluster": ("DeletionProtection", True),
    "AWS::Cognito::UserPool": ("DeletionProtection", "ACTIVE"),
}


def retention_problems(template: dict[str, Any], removal_policy: str = "retain") -> list[Problem]:
    """Stateful resources keep their data on delete and replace; deletion protection is on, unless the
    stage chose ``removal_policy: delete`` (then everything is Delete, explicitly)."""
    from .context import SNAPSHOT_TYPES, STATEFUL_TYPES

    problems: list[Problem] = []
    for logical_id, resource in sorted((template.get("Resources") or {}).items()):
        kind = (resource or {}).get("Type")
        if kind not in STATEFUL_TYPES:
            continue
        expected = "Delete" if removal_policy == "delete" else ("Snapshot" if kind in SNAPSHOT_TYPES else "Retain")
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if resource.get(policy) != expected:
                problems.append(
                    Problem(
                        logical_id, policy, f"{kind} needs {policy} {expected}, not {resource.get(policy)}", "retain"
                    )
                )
        if kind in DELETION_PROTECTION and removal_policy != "delete":
            prop, value = DELETION_PROTECTION[kind]
            if (resource.get("Properties") or {}).get(prop) != value:
                problems.append(
                    Problem(logical_id, f"Properties.{prop}", f"{kind} needs {prop}: {value}", "deletion-protection")
                )
    return problems


# ----------------------------------------------------------------------------------------------
# checkov, run as a separate program (it pins dependencies that clash with specc's own)


class CheckovMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class CheckovFinding:
    template: str
    check_id: str
    check_name: str
    logical_id: str
    resource_type: str
    line: int
    status: str  # failed | skipped
    comment: str = ""


def checkov_executable() -> str | None:
    """``$SPECC_CHECKOV``, else ``.venv-checkov/bin/checkov`` beside the repository, else ``checkov`` on PATH."""
    configured = os.environ.get("SPECC_CHECKOV")
    if configured:
        return configured if Path(configured).exists() else None
    for base in (Path.cwd(), Path(__file__).resolve().parent.parent):
        candidate = base / ".venv-checkov" / "bin" / "checkov"
        if candidate.exists():
            return str(candidate)
    import shutil

    return shutil.which("checkov")


def run_checkov(paths: Iterable[str | Path], executable: str | None = None) -> list[CheckovFinding]:
    """Failed and skipped checkov checks (CloudFormation framework) for the given templates, in one run."""
    files = [str(p) for p in paths]
    if not files:
        return []
    executable = executable or checkov_executable()
    if not executable:
        raise CheckovMissing(
            "checkov is not installed: .ci/run installs it into .venv-checkov "
            "(python3 -m venv .venv-checkov && .venv-checkov/bin/pip install checkov), or set SPECC_CHECKOV"
        )
    command = [executable, "--framework", "cloudformation", "-o", "json", "--compact", "--skip-download"]
    for file in files:
        command += ["-f", file]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    import subprocess  # only when checkov runs: a compile never needs it

    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"checkov printed no JSON report: {done.stdout[:500]} {done.stderr[-1000:]}") from exc
    reports = report if isinstance(report, list) else [report]
    findings: list[CheckovFinding] = []
    for entry in reports:
        if not isinstance(entry, dict):
            continue
        if entry.get("summary", {}).get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse: {entry.get('results', {}).get('parsing_errors')}")
        results = entry.get("results") or {}
        for status in ("failed", "skipped"):
            for check in results.get(f"{status}_checks") or []:
                resource_type, _, logical_id = str(check.get("resource", "")).partition(".")
                line_range = check.get("file_line_range") or [1, 1]
                findings.append(
                    CheckovFinding(
                        template=str(check.get("file_abs_path") or check.get("file_path", "")),
                        check_id=str(check.get("check_id")),
                        check_name=str(check.get("check_name")),
                        logical_id=logical_id,
                        resource_type=resource_type,
                        line=int(line_range[0] or 1),
                        status=status,
                        comment=str((check.get("check_result") or {}).get("suppress_comment") or ""),
                    )
                )
    return sorted(findings, key=lambda f: (f.template, f.line, f.check_id, f.status))


def checkov_diagnostics(batch: Iterable[tuple[str, str]], executable: str | None = None) -> list[Diagnostic]:
    """checkov's failed checks for templates given as (text, template path), as diagnostics located in the
    spec through each resource's ``Metadata.specc.source`` (or in the template when it has none)."""
    import tempfile

    from .errors import Diagnostic
    from .render import from_yaml

    items = list(batch)
    with tempfile.TemporaryDirectory(prefix="specc-checkov-") as scratch:
        files: dict[str, tuple[str, dict[str, Any]]] = {}
        for index, (text, template_path) in enumerate(items):
            target = Path(scratch) / f"{index:04d}-{Path(template_path).name}"
            target.write_text(text, encoding="utf-8")
            try:
                body = from_yaml(text) or {}
            except Exception:  # not readable as specc output: findings stay in the template
                body = {}
            files[str(target.resolve())] = (template_path, body if isinstance(body, dict) else {})
        findings = run_checkov(sorted(files), executable)
    out: list[Diagnostic] = []
    for finding in findings:
        if finding.status != "failed":
            continue
        template_path, body = files.get(str(Path(finding.template).resolve()), (finding.template, {}))
        resource = (body.get("Resources") or {}).get(finding.logical_id) or {}
        specc = (resource.get("Metadata") or {}).get("specc") or {}
        message = f"{finding.check_name} (in {template_path}, resource {finding.logical_id})"
        source = str(specc.get("source") or "")
        if source.count(":") >= 2:
            file, line, col = source.rsplit(":", 2)
            path = f"components.{specc['component']}" if specc.get("component") else ""
            out.append(Diagnostic(file, int(line), int(col), path, message, "error", finding.check_id))
        else:
            out.append(Diagnostic(template_path, finding.line, 1, "", message, "error", finding.check_id))
    return sorted(set(out))
