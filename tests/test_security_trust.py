"""Confused-deputy conditions on the trust policies of the roles AWS services assume.

A role a service assumes requires ``aws:SourceAccount`` to be this account wherever the service sends
that key, so the service cannot be made to use the role for another account's resources. Two kinds of
role carry no condition, on purpose (the comments at their ``service_role`` calls say why):

* Lambda execution roles (the function kind's and the network's restrict-default-security-group helper):
  Lambda documents no confused-deputy keys for assuming a function's own execution role.
* API Gateway's account-level CloudWatch role: API Gateway documents none for it, and checks the role when
  the account setting is written.

Read back from the compiled golden specs (tests/cases/*.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .compiled import all_specs, compiled

CASES = Path(__file__).parent / "cases"
SAME_ACCOUNT = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
#: Service principals whose roles carry no aws:SourceAccount condition, and why.
UNCONDITIONED = {
    "lambda.amazonaws.com": "Lambda sends no confused-deputy keys when it assumes an execution role",
    "apigateway.amazonaws.com": "API Gateway documents no confused-deputy keys for its CloudWatch role",
}


def template(case: str, stage: str) -> dict[str, Any]:
    result = compiled(CASES / f"{case}.yaml")
    assert result.error is None, result.error
    return next(s.template for s in result.stages if s.stage == stage)


def trust(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    role = template["Resources"][logical_id]
    assert role["Type"] == "AWS::IAM::Role"
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    return statement


def test_rds_monitoring_role_only_for_this_account() -> None:
    prod = template("postgres", "prod")
    assert prod["Resources"]["DbDatabase"]["Properties"]["MonitoringRoleArn"] == {
        "Fn::GetAtt": ["DbMonitoringRole", "Arn"]
    }
    assert trust(prod, "DbMonitoringRole") == {
        "Effect": "Allow",
        "Principal": {"Service": "monitoring.rds.amazonaws.com"},
        "Action": ["sts:AssumeRole"],
        "Condition": SAME_ACCOUNT,
    }
    # dev has no Enhanced Monitoring, so no role
    assert "DbMonitoringRole" not in template("postgres", "dev")["Resources"]


def test_function_role_is_a_plain_lambda_trust() -> None:
    dev = template("postgres", "dev")
    assert trust(dev, "ApiRole") == {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": ["sts:AssumeRole"],
    }
    (policy,) = dev["Resources"]["ApiRole"]["Properties"]["Policies"]
    assert policy["PolicyName"] == "access"
    assert dev["Resources"]["ApiFunction"]["Properties"]["Role"] == {"Fn::GetAtt": ["ApiRole", "Arn"]}


def test_restrict_default_security_group_role_is_a_plain_lambda_trust() -> None:
    statement = trust(template("postgres", "dev"), "NetRestrictDefaultSgRole")
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert "Condition" not in statement


def test_api_gateway_logging_role_has_no_source_condition() -> None:
    resources = template("rest_api", "dev")["Resources"]
    (logs_role,) = [k for k in resources if k.endswith("ApiGatewayLogsRole")]
    statement = trust({"Resources": resources}, logs_role)
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert "Condition" not in statement


@pytest.mark.parametrize("spec", all_specs(), ids=[s.stem for s in all_specs()])
def test_every_service_role_is_for_this_account_or_a_known_exception(spec: Path) -> None:
    """A new role a service assumes must either require this account or be added to UNCONDITIONED with a reason."""
    result = compiled(spec)
    if result.error:
        pytest.skip(f"{spec.name} does not compile (its own tests report it)")
    for label, tmpl, _ in result.templates():
        for logical_id, resource in tmpl.get("Resources", {}).items():
            if resource["Type"] != "AWS::IAM::Role":
                continue
            for statement in resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                service = statement.get("Principal", {}).get("Service")
                if service is None:
                    continue
                if service in UNCONDITIONED:
                    assert "Condition" not in statement, f"{label} {logical_id}"
                else:
                    assert statement.get("Condition") == SAME_ACCOUNT, f"{label} {logical_id} ({service})"
