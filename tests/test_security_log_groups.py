"""Log groups: no kind accepts checkov's CKV_AWS_158 (log group without a customer-managed key) by itself.

Every kind that writes a log group (network, documentdb, postgres, http_api, rest_api, waf, service,
build_project, function) leaves it on CloudWatch Logs' own encryption unless the spec names a key
component; then checkov fails CKV_AWS_158 until the spec accepts it with its reason, or the key option
(``kms_key`` / ``log_kms_key``) encrypts the group and checkov passes it. checkov runs once over two
small templates.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .spec_helpers import checkov_by_name, compile_components, head_accepting
from .test_security_options import skips

NGINX = "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine"

#: One component of every kind that writes a log group; ``{k}`` / ``{lk}`` are its key options.
COMPONENTS = """\
net: {{kind: network, nat_gateways: single{k}}}
docs: {{kind: documentdb, network: net{k}}}
db: {{kind: postgres, network: net{k}}}
fn: {{kind: function, code: code{k}}}
http: {{kind: http_api, routes: {{"GET /x": {{function: fn, public: true}}}}{k}}}
rest: {{kind: rest_api, access: public, routes: {{"GET /x": fn}}{k}}}
shield: {{kind: waf, attach_to: [rest], logging: true{lk}}}
cluster: {{kind: container_cluster}}
web: {{kind: service, cluster: cluster, network: net, image: {image}, port: 8080{lk}}}
build: {{kind: build_project, buildspec: buildspec.yml{lk}}}
ship:
  kind: pipeline
  source: {{repository: example-org/demo, branch: main, connection_arn: "{connection}"}}
  access_logs: false
  stages: [{{name: build, build: [build]}}]
"""
CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666"

KINDS_WITH_LOGS = {"net", "docs", "db", "fn", "http", "rest", "shield", "web", "build"}
REASON = "test data; CloudWatch Logs' own encryption at rest is enough here"


def components(keyed: bool) -> str:
    text = COMPONENTS.format(
        k=", kms_key: logs-key" if keyed else "",
        lk=", log_kms_key: logs-key" if keyed else "",
        image=NGINX,
        connection=CONNECTION,
    )
    return text + ("logs-key: {kind: key}\n" if keyed else "")


def log_groups(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }


def owners(groups: dict[str, dict[str, Any]]) -> set[str]:
    return {group["Metadata"]["specc"]["component"] for group in groups.values()}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    base = tmp_path_factory.mktemp("log-groups")
    accepted_head = head_accepting(["CKV_AWS_158"], REASON)
    return {
        "bare": compile_components(base / "bare", components(keyed=False)),
        "keyed": compile_components(base / "keyed", components(keyed=True)),
        "accepted": compile_components(base / "accepted", components(keyed=False), head=accepted_head),
    }


def test_every_log_group_kind_is_covered(templates: dict[str, dict[str, Any]]) -> None:
    assert owners(log_groups(templates["bare"])) == KINDS_WITH_LOGS
    assert owners(log_groups(templates["keyed"])) == KINDS_WITH_LOGS


def test_no_kind_skips_ckv_aws_158_by_itself(templates: dict[str, dict[str, Any]]) -> None:
    groups = log_groups(templates["bare"])
    assert len(groups) >= len(KINDS_WITH_LOGS)
    for logical_id, group in groups.items():
        assert "KmsKeyId" not in group["Properties"], logical_id
        assert "CKV_AWS_158" not in skips(group), f"{logical_id}: the kind accepted CKV_AWS_158 on the spec's behalf"


def test_the_spec_accepts_ckv_aws_158_with_its_reason(templates: dict[str, dict[str, Any]]) -> None:
    for logical_id, group in log_groups(templates["accepted"]).items():
        assert skips(group).get("CKV_AWS_158") == REASON, logical_id


def test_the_key_options_encrypt_every_log_group(templates: dict[str, dict[str, Any]]) -> None:
    key_arn = {"Fn::GetAtt": ["LogsKeyKey", "Arn"]}
    for logical_id, group in log_groups(templates["keyed"]).items():
        assert group["Properties"]["KmsKeyId"] == key_arn, logical_id
        assert "CKV_AWS_158" not in skips(group), logical_id
    # CloudWatch Logs of the region may use the key, only for these log groups
    policy = json.dumps(templates["keyed"]["Resources"]["LogsKeyKey"]["Properties"]["KeyPolicy"])
    for group in log_groups(templates["keyed"]).values():
        name = group["Properties"]["LogGroupName"]
        assert (json.dumps(name) if isinstance(name, dict) else name) in policy, name


@pytest.fixture(scope="module")
def checkov_158(templates: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """CKV_AWS_158 findings (logical id -> status) of the bare and the keyed template, from one checkov run
    (that checkov honours an accepted check's Metadata skip, tests/test_security.py proves on every spec)."""
    linted = {name: templates[name] for name in ("bare", "keyed")}
    return {
        name: {f.logical_id: f.status for f in findings if f.check_id == "CKV_AWS_158"}
        for name, findings in checkov_by_name(linted, tmp_path_factory.mktemp("log-groups-checkov")).items()
    }


def test_checkov_fails_every_log_group_without_a_key_or_an_accept(
    templates: dict[str, dict[str, Any]], checkov_158: dict
) -> None:
    assert checkov_158["bare"] == dict.fromkeys(log_groups(templates["bare"]), "failed")
    assert checkov_158["keyed"] == {}
