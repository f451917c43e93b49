"""Helpers shared by the container and CI/CD kinds: service roles, log groups, sorted actions.

Private to the kinds that import it (service, load_balancer, build_project, pipeline, waf); not a kind.
"""

from __future__ import annotations

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


def log_group(ctx: BuildContext, logical_id: str, name: str, kms_key: str | None = None) -> cwlogs.LogGroup:
    """A log group with the stage's retention, encrypted with key component ``kms_key`` if given.

    ``name`` is the full log group name (see ``log_group_name``); the key's policy lets CloudWatch
    Logs use it for this group through ``logs_key_statements``.
    """
    group = cwlogs.LogGroup(logical_id, LogGroupName=name, RetentionInDays=ctx.stage.log_retention_days)
    if kms_key:
        from .key import key_arn

        group.KmsKeyId = key_arn(ctx, kms_key)
    else:
        from ._network import LOG_GROUP_DEFAULT_ENCRYPTION, checkov_skip

        checkov_skip(group, "CKV_AWS_158", LOG_GROUP_DEFAULT_ENCRYPTION.replace("set kms_key", "set log_kms_key"))
    return group


def logs_key_statements(ctx: BuildContext, owner: Any, kms_key: str | None, key: str, group_name: str) -> list[Any]:
    """Key-policy statement for ``Component.key_statements``: CloudWatch Logs may use the key for one group."""
    if key != kms_key:
        return []
    from ..context import pascal
    from .key import logs_statement

    return [logs_statement(ctx, pascal(owner.id_name) + "Logs", group_name)]


LOG_KMS_KEY_DESCRIPTION = "A key component to encrypt the log group with (default: CloudWatch Logs' own encryption)."


def env_var_name(name: str) -> str:
    """``backend-images`` -> ``BACKEND_IMAGES``."""
    return name.upper().replace("-", "_")
