"""The safety options of the table, function and queue kinds, and renames of keys, secrets and parameters.

* table: no built-in checkov skip; without ``kms_key`` CKV_AWS_119 fails unless the spec accepts it with a
  reason; with ``kms_key`` the table is encrypted with that key and its users may use the key via DynamoDB only.
* function: ``dead_letter`` (DeadLetterConfig, sqs:SendMessage on that queue only) and ``kms_key``
  (KmsArn on the function, KmsKeyId on its log group, the key policy letting CloudWatch Logs use it for
  that log group only, kms:Decrypt for the role on that key only).
* key, secret, parameter: ``renamed_from`` keeps logical IDs and physical names.

checkov runs once (a few seconds) over the small templates here, to prove the checks really fail or pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.security import iam_problems

from .spec_helpers import checkov_by_name, compile_components, errors


def policy(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def skips(resource: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["comment"] for s in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", [])}


KEY_ARN = {"Fn::GetAtt": ["DataKeyKey", "Arn"]}


# -- table ---------------------------------------------------------------------------------------------


def test_table_skips_no_check_by_itself(tmp_path: Path) -> None:
    template = compile_components(tmp_path, "data: {kind: table, partition_key: PK}")
    table = template["Resources"]["DataTable"]
    assert table["Properties"]["SSESpecification"] == {"SSEEnabled": True}  # DynamoDB's AWS-owned key
    assert skips(table) == {}, "the table kind must not accept CKV_AWS_119 on the spec's behalf"


def test_table_default_key_is_accepted_by_the_spec_with_its_reason(tmp_path: Path) -> None:
    reason = "test data; DynamoDB's AWS-owned key is enough"
    template = compile_components(
        tmp_path, f'data: {{kind: table, partition_key: PK, security: {{accept: {{CKV_AWS_119: "{reason}"}}}}}}'
    )
    assert skips(template["Resources"]["DataTable"]) == {"CKV_AWS_119": reason}


def test_table_kms_key_encrypts_and_users_get_the_key_through_dynamodb_only(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path,
        """
        data-key: {kind: key}
        data: {kind: table, partition_key: PK, kms_key: data-key}
        reader: {kind: function, code: code, uses: {data: read}}
        writer: {kind: function, code: code, uses: {data: write}}
        """,
    )
    table = template["Resources"]["DataTable"]
    assert table["Properties"]["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": KEY_ARN,
    }
    assert skips(table) == {}
    via = {"StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}}}
    for role, actions in (("ReaderRole", ["kms:Decrypt"]), ("WriterRole", ["kms:Decrypt", "kms:GenerateDataKey"])):
        kms = [s for s in policy(template, role) if any(str(a).startswith("kms:") for a in s["Action"])]
        assert kms == [{"Effect": "Allow", "Action": actions, "Resource": [KEY_ARN], "Condition": via}], role
    assert iam_problems(template) == []


# -- function: dead letter and key ---------------------------------------------------------------------


FUNCTION_WITH_OPTIONS = """
data-key: {kind: key}
failed: {kind: queue, kms_key: data-key}
job:
  kind: function
  code: code
  environment: {LOG_LEVEL: info}
  dead_letter: failed
  kms_key: data-key
"""


def test_function_dead_letter_sets_the_queue_and_grants_send_to_it_only(tmp_path: Path) -> None:
    template = compile_components(tmp_path, FUNCTION_WITH_OPTIONS)
    resources = template["Resources"]
    queue_arn = {"Fn::GetAtt": ["FailedQueue", "Arn"]}
    assert resources["JobFunction"]["Properties"]["DeadLetterConfig"] == {"TargetArn": queue_arn}
    sqs = [s for s in policy(template, "JobRole") if any(str(a).startswith("sqs:") for a in s["Action"])]
    assert sqs == [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [queue_arn]}]
    # the queue's key, for SQS only (SendMessage to a KMS-encrypted queue generates a data key)
    via_sqs = [s for s in policy(template, "JobRole") if "Condition" in s]
    assert via_sqs == [
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [KEY_ARN],
            "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "sqs.${AWS::Region}.amazonaws.com"}}},
        }
    ]
    queue = resources["FailedQueue"]["Properties"]
    assert queue["KmsMasterKeyId"] == KEY_ARN
    deny = resources["FailedQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny[0]["Effect"] == "Deny" and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert iam_problems(template) == []


def test_function_kms_key_encrypts_environment_and_log_group(tmp_path: Path) -> None:
    template = compile_components(tmp_path, FUNCTION_WITH_OPTIONS)
    resources = template["Resources"]
    assert resources["JobFunction"]["Properties"]["KmsKeyArn"] == KEY_ARN
    assert resources["JobLogGroup"]["Properties"]["KmsKeyId"] == KEY_ARN
    # Lambda decrypts the environment with the function's role: Decrypt on this key, nothing more.
    assert {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KEY_ARN]} in policy(template, "JobRole")
    # The key lets CloudWatch Logs of this region use it for this function's log group only.
    statements = resources["DataKeyKey"]["Properties"]["KeyPolicy"]["Statement"]
    logs = [s for s in statements if s.get("Sid") == "FunctionLogGroups"]
    assert len(logs) == 1
    assert logs[0]["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    assert logs[0]["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/specc/demo/dev/job"
            }
        }
    }


def test_functions_sharing_a_key_share_one_key_policy_statement(tmp_path: Path) -> None:
    names = [f"fn-{i:02d}" for i in range(40)]
    template = compile_components(
        tmp_path,
        "data-key: {kind: key}\n" + "".join(f"{n}: {{kind: function, code: code, kms_key: data-key}}\n" for n in names),
    )
    statements = template["Resources"]["DataKeyKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert [s["Sid"] for s in statements] == ["AccountAdministersAndUsesThroughIam", "FunctionLogGroups"]
    arns = statements[1]["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    assert [a["Fn::Sub"].rsplit("/", 1)[1] for a in arns] == names
    assert len(json.dumps(template["Resources"]["DataKeyKey"]["Properties"]["KeyPolicy"])) < 32 * 1024


def test_function_without_options_has_none_of_them(tmp_path: Path) -> None:
    template = compile_components(tmp_path, "job: {kind: function, code: code, environment: {LOG_LEVEL: info}}")
    function = template["Resources"]["JobFunction"]["Properties"]
    assert "DeadLetterConfig" not in function and "KmsKeyArn" not in function
    assert "KmsKeyId" not in template["Resources"]["JobLogGroup"]["Properties"]
    assert not [s for s in policy(template, "JobRole") if any(str(a).startswith(("kms:", "sqs:")) for a in s["Action"])]


def test_function_key_without_environment_grants_no_decrypt(tmp_path: Path) -> None:
    template = compile_components(
        tmp_path, "data-key: {kind: key}\njob: {kind: function, code: code, kms_key: data-key}"
    )
    assert template["Resources"]["JobLogGroup"]["Properties"]["KmsKeyId"] == KEY_ARN
    assert not [s for s in policy(template, "JobRole") if "kms:Decrypt" in s["Action"]]


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        (
            "data-key: {kind: key}\njob: {kind: function, code: code, dead_letter: data-key}",
            "SPEC:7:50: components.job.dead_letter: 'data-key' is a key, but a queue is needed here",
        ),
        (
            "job: {kind: function, code: code, dead_letter: nowhere}",
            "SPEC:6:50: components.job.dead_letter: unknown queue 'nowhere'",
        ),
        (
            "q: {kind: queue}\njob: {kind: function, code: code, kms_key: q}",
            "SPEC:7:46: components.job.kms_key: 'q' is a queue, but a key is needed here",
        ),
        (
            "q: {kind: queue, retention_days: 15}",
            "SPEC:6:36: components.q.retention_days: must be less than or equal to 14",
        ),
    ],
)
def test_bad_options_are_located(tmp_path: Path, components: str, expected: str) -> None:
    found = errors(tmp_path, components)
    assert any(line.startswith(expected) for line in found), found


# -- key, secret, parameter: renamed_from keeps the logical IDs ---------------------------------------


def test_renamed_key_secret_and_parameter_keep_their_logical_ids_and_names(tmp_path: Path) -> None:
    before = compile_components(
        tmp_path / "before",
        """
        vault-key: {kind: key}
        api-token: {kind: secret, kms_key: vault-key}
        flags: {kind: parameter, value: "on"}
        reader: {kind: function, code: code, uses: {api-token: read, flags: read, vault-key: read}}
        """,
    )
    after = compile_components(
        tmp_path / "after",
        """
        signing-key: {kind: key, renamed_from: vault-key}
        vendor-token: {kind: secret, kms_key: signing-key, renamed_from: api-token}
        settings: {kind: parameter, value: "on", renamed_from: flags}
        reader: {kind: function, code: code, uses: {vendor-token: read, settings: read, signing-key: read}}
        """,
    )
    old, new = before["Resources"], after["Resources"]
    for logical_id in ("VaultKeyKey", "VaultKeyKeyAlias", "ApiTokenSecret", "FlagsParameter"):
        assert logical_id in new, f"{logical_id} lost on rename: {sorted(new)}"
    assert not {"SigningKeyKey", "VendorTokenSecret", "SettingsParameter"} & set(new)
    assert new["VaultKeyKeyAlias"]["Properties"]["AliasName"] == old["VaultKeyKeyAlias"]["Properties"]["AliasName"]
    assert new["ApiTokenSecret"]["Properties"]["Name"] == old["ApiTokenSecret"]["Properties"]["Name"]
    assert new["ApiTokenSecret"]["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["VaultKeyKey", "Arn"]}
    assert new["FlagsParameter"]["Properties"]["Name"] == old["FlagsParameter"]["Properties"]["Name"]
    assert new["VaultKeyKey"]["Properties"]["KeyPolicy"] == old["VaultKeyKey"]["Properties"]["KeyPolicy"]
    assert sorted(map(json.dumps, policy(after, "ReaderRole"))) == sorted(map(json.dumps, policy(before, "ReaderRole")))
    assert set(after["Outputs"]) == set(before["Outputs"])


# -- checkov: the checks really fail without the option and pass with it --------------------------------


@pytest.fixture(scope="module")
def checkov_findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, set[str]]]:
    base = tmp_path_factory.mktemp("checkov-options")
    specs = {
        "bare-table": "data: {kind: table, partition_key: PK}",
        "options": FUNCTION_WITH_OPTIONS + "plain: {kind: queue}\n",
        "no-options": "job: {kind: function, code: code, environment: {LOG_LEVEL: info}}",
    }
    templates = {name: compile_components(base / name, components) for name, components in specs.items()}
    found: dict[str, dict[str, set[str]]] = {name: {} for name in specs}
    for name, findings in checkov_by_name(templates, base).items():
        for finding in findings:
            found[name].setdefault(finding.logical_id, set()).add(f"{finding.check_id}:{finding.status}")
    return found


def test_checkov_fails_a_table_on_the_aws_owned_key_unless_accepted(checkov_findings: dict) -> None:
    assert checkov_findings["bare-table"]["DataTable"] == {"CKV_AWS_119:failed"}


def test_checkov_passes_dead_letter_and_key_checks_of_a_function_with_the_options(checkov_findings: dict) -> None:
    found = checkov_findings["options"]
    # what remains is the spec's architecture decision: a VPC and reserved concurrency
    assert found.get("JobFunction") == {"CKV_AWS_115:failed", "CKV_AWS_117:failed"}, found
    assert "JobLogGroup" not in found and "FailedQueue" not in found and "PlainQueue" not in found, found
    without = checkov_findings["no-options"]
    assert {"CKV_AWS_116:failed", "CKV_AWS_173:failed"} <= without["JobFunction"], without
    assert without["JobLogGroup"] == {"CKV_AWS_158:failed"}, without
