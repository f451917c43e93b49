"""Helpers shared by the kinds: service roles, log groups (and their key-policy statements), sorted actions.

Private to the kinds that import it; not a kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement, StringEquals
from awacs.sts import AssumeRole
from troposphere import AccountId, iam
from troposphere import logs as cwlogs

from ..context import BuildContext


def sorted_actions(actions: list[Any]) -> list[Any]:
    """Actions deduplicated and sorted by their JSON name, so policies are deterministic."""
    unique = {a.JSONrepr(): a for a in actions}
    return [unique[k] for k in sorted(unique)]


def service_role(
    logical_id: str,
    service: str,
    statements: list[Any],
    *,
    same_account: bool = True,
    policy_name: str = "access",
    managed_policy_arns: list[Any] | None = None,
) -> iam.Role:
    """A role only ``service`` (e.g. ``ecs-tasks.amazonaws.com``) may assume, with one inline policy
    ``policy_name`` holding ``statements`` (none when empty) and the given AWS managed policies.

    With ``same_account`` the trust policy also requires ``aws:SourceAccount`` to be this account, so
    the service cannot be made to assume the role on behalf of another account (confused deputy).
    """
    trust = Statement(Effect=Allow, Principal=Principal("Service", service), Action=[AssumeRole])
    if same_account:
        trust.Condition = Condition(StringEquals("aws:SourceAccount", AccountId))
    role = iam.Role(
        logical_id,
        AssumeRolePolicyDocument=PolicyDocument(Version="2012-10-17", Statement=[trust]),
    )
    if statements:
        role.Policies = [
            iam.Policy(
                PolicyName=policy_name, PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=statements)
            )
        ]
    if managed_policy_arns:
        role.ManagedPolicyArns = list(managed_policy_arns)
    return role


def log_group_name(ctx: Any, name: str) -> str:
    return f"/specc/{ctx.system}/{ctx.stage_name}/{name}"


def log_group(
    ctx: BuildContext, logical_id: str, name: str, kms_key: str | None, *, retention_days: int | None = None
) -> cwlogs.LogGroup:
    """A log group with ``retention_days`` (default: the stage's), encrypted with key component ``kms_key`` if given.

    ``name`` is the full log group name (see ``log_group_name``); the key's policy lets CloudWatch
    Logs use it for this group through ``log_key_statements``. Without a key CloudWatch Logs
    encrypts the group with its own keys, and checkov's CKV_AWS_158 fails unless the spec accepts
    it with its reason (``security: {accept: {CKV_AWS_158: "..."}}``, docs/security.md): no kind
    decides that by itself.
    """
    retention = retention_days or ctx.stage.log_retention_days
    group = cwlogs.LogGroup(logical_id, LogGroupName=name, RetentionInDays=retention)
    if kms_key:
        from .key import key_arn

        group.KmsKeyId = key_arn(ctx, kms_key)
    return group


def log_key_statements(ctx: BuildContext, kms_key: str | None, key: str, sid: str, names: list[str]) -> list[Any]:
    """For ``Component.key_statements``: CloudWatch Logs may use key ``key`` for these log groups
    (one statement each, ``sid`` numbered when there are several)."""
    if key != kms_key:
        return []
    from .key import logs_statement

    return [
        logs_statement(ctx, f"{sid}{index + 1}" if len(names) > 1 else sid, name) for index, name in enumerate(names)
    ]


LOG_KMS_KEY_DESCRIPTION = (
    "A key component to encrypt the log group with. Default: CloudWatch Logs' own keys, which the spec accepts "
    "with its reason (security.accept.CKV_AWS_158)."
)


#: A valid environment variable name, and names that say their value is a secret.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")  # \Z: "$" would also take a name ending in a newline
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)", re.IGNORECASE)


def environment_problems(
    environment: dict[str, str], secrets_field: str = "secrets"
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """For ``validate_semantics`` of a kind with plain ``environment`` variables: invalid names,
    secret-looking names with a value, and values that look like credentials. ``secrets_field`` is
    where that kind takes secrets instead (``secrets``; a function's ``uses``)."""
    from ..credentials import credential_kind, literal_secret_message

    for key, value in environment.items():
        if not ENV_NAME.match(key):
            yield ("environment", key), f"invalid environment variable name {key!r}"
        elif SECRET_NAME.search(key) and value:
            yield (
                ("environment", key),
                f"{key} looks like a secret; never put a secret in plain text -- declare a secret component "
                f"and list it under '{secrets_field}'",
            )
        elif credential_kind(value):
            yield ("environment", key), literal_secret_message(credential_kind(value) or "")


def env_var_name(name: str) -> str:
    """``backend-images`` -> ``BACKEND_IMAGES``."""
    return name.upper().replace("-", "_")
