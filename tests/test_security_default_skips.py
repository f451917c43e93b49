"""No kind accepts a checkov check on a default by itself: documentdb, postgres and rest_api.

A `documentdb` without `kms_key` leaves its credentials secret on the AWS-managed key (CKV_AWS_149), a
`postgres` without `monitoring_interval` / `iam_auth` has no Enhanced Monitoring (CKV_AWS_118) and no IAM
authentication (CKV_AWS_161), a `rest_api` stage has no cache cluster (CKV_AWS_120): checkov fails each until
the spec configures the option or accepts the check with its reason. A skip stays only where the spec said so
in the kind's own words (`multi_az: false`, CKV_AWS_157). checkov runs once over two small templates.
"""

from __future__ import annotations

from typing import Any

import pytest

from .spec_helpers import checkov_by_name, compile_components, head_accepting
from .test_security_options import skips

#: ``{docs}`` / ``{db}`` are the options that meet the checks.
COMPONENTS = """\
net: {{kind: network, nat_gateways: single}}
docs: {{kind: documentdb, network: net{docs}}}
db: {{kind: postgres, network: net{db}}}
solo: {{kind: postgres, network: net, multi_az: false{db}}}
fn: {{kind: function, code: code}}
rest: {{kind: rest_api, access: public, routes: {{"GET /x": fn}}}}
"""
CONFIGURED = {"docs": ", kms_key: data-key", "db": ", monitoring_interval: 60, iam_auth: true"}

#: (component, resource type) -> the checks a default used to skip there.
DEFAULT_CHECKS = {
    ("docs", "AWS::SecretsManager::Secret"): {"CKV_AWS_149"},
    ("db", "AWS::RDS::DBInstance"): {"CKV_AWS_118", "CKV_AWS_161"},
    ("solo", "AWS::RDS::DBInstance"): {"CKV_AWS_118", "CKV_AWS_161"},
    ("rest", "AWS::ApiGateway::Stage"): {"CKV_AWS_120"},
}
CHECKS = set().union(*DEFAULT_CHECKS.values())
REASON = "test data: the spec decides this default, with its reason"


def components(configured: bool) -> str:
    options = CONFIGURED if configured else dict.fromkeys(CONFIGURED, "")
    return COMPONENTS.format(**options) + ("data-key: {kind: key}\n" if configured else "")


def resource(template: dict[str, Any], component: str, kind: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (logical_id, r)
        for logical_id, r in template["Resources"].items()
        if r["Type"] == kind and r["Metadata"]["specc"]["component"] == component
    ]
    return found


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    base = tmp_path_factory.mktemp("default-skips")
    accepted_head = head_accepting(CHECKS, REASON)
    return {
        "bare": compile_components(base / "bare", components(configured=False)),
        "configured": compile_components(base / "configured", components(configured=True)),
        "accepted": compile_components(base / "accepted", components(configured=False), head=accepted_head),
    }


def test_no_kind_skips_a_check_on_a_default(templates: dict[str, dict[str, Any]]) -> None:
    for (component, kind), checks in DEFAULT_CHECKS.items():
        logical_id, found = resource(templates["bare"], component, kind)
        assert not checks & set(skips(found)), f"{logical_id}: the kind accepted {checks} on the spec's behalf"


def test_the_spec_accepts_each_check_with_its_reason(templates: dict[str, dict[str, Any]]) -> None:
    for (component, kind), checks in DEFAULT_CHECKS.items():
        logical_id, found = resource(templates["accepted"], component, kind)
        assert {check: skips(found).get(check) for check in checks} == dict.fromkeys(checks, REASON), logical_id


def test_the_options_configure_what_the_checks_ask(templates: dict[str, dict[str, Any]]) -> None:
    _, secret = resource(templates["configured"], "docs", "AWS::SecretsManager::Secret")
    assert secret["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["DataKeyKey", "Arn"]}
    for component in ("db", "solo"):
        _, instance = resource(templates["configured"], component, "AWS::RDS::DBInstance")
        assert instance["Properties"]["MonitoringInterval"] == 60
        assert instance["Properties"]["EnableIAMDatabaseAuthentication"] is True


def test_multi_az_false_is_the_specs_own_words(templates: dict[str, dict[str, Any]]) -> None:
    """CKV_AWS_157 is skipped only on the instance whose spec says `multi_az: false` (the default is true)."""
    _, default = resource(templates["bare"], "db", "AWS::RDS::DBInstance")
    _, solo = resource(templates["bare"], "solo", "AWS::RDS::DBInstance")
    assert default["Properties"]["MultiAZ"] is True and "CKV_AWS_157" not in skips(default)
    assert solo["Properties"]["MultiAZ"] is False and "multi_az: false" in skips(solo)["CKV_AWS_157"]


@pytest.fixture(scope="module")
def checkov_failed(templates: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, set]:
    """Failed (check, logical id) pairs among CHECKS and CKV_AWS_157, per template, from one checkov run."""
    linted = {name: templates[name] for name in ("bare", "configured")}
    return {
        name: {
            (f.check_id, f.logical_id)
            for f in findings
            if f.status == "failed" and f.check_id in CHECKS | {"CKV_AWS_157"}
        }
        for name, findings in checkov_by_name(linted, tmp_path_factory.mktemp("default-skips-checkov")).items()
    }


def test_checkov_fails_each_default_until_configured_or_accepted(
    templates: dict[str, dict[str, Any]], checkov_failed: dict[str, set]
) -> None:
    expected = {
        (check, resource(templates["bare"], component, kind)[0])
        for (component, kind), checks in DEFAULT_CHECKS.items()
        for check in checks
    }
    assert checkov_failed["bare"] == expected
    # the options meet CKV_AWS_149/118/161; a REST API stage has no cache option, so the spec accepts CKV_AWS_120
    rest_stage = resource(templates["configured"], "rest", "AWS::ApiGateway::Stage")[0]
    assert checkov_failed["configured"] == {("CKV_AWS_120", rest_stage)}
