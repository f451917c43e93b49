"""Customer-managed KMS key with automatic rotation and a key policy derived from the spec.

```yaml
data-key:
  kind: key
  description: Encrypts the sessions table and the exports bucket
  rotation_days: 365
```

Tables, buckets, secrets, topics and log groups that say ``kms_key: data-key`` are encrypted with
it. The key policy lets the account administer and use the key through IAM (with explicit actions,
never ``kms:*``), and lets exactly the AWS services the spec's components need use it: CloudWatch
Logs for the log groups it encrypts, SES and CloudWatch for the topics they publish to, CloudFront
for the distributions that read objects it encrypts. Functions get ``kms:Decrypt`` and
``kms:GenerateDataKey`` on it through the data they use, and only via that data's service.
"""

from __future__ import annotations

from typing import Any, Literal

from awacs import kms
from awacs.aws import Allow, ArnEquals, Condition, PolicyDocument, Principal, Statement, StringEquals
from pydantic import Field
from troposphere import GetAtt, Ref, Sub
from troposphere import kms as tkms

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component

#: What the account (through IAM policies) may do with the key: administer it and use it.
#: Written out action by action: a key policy granting ``kms:*`` is what this replaces.
ACCOUNT_ACTIONS = [
    kms.Action("CancelKeyDeletion"),
    kms.Action("Create*"),
    kms.Action("Decrypt"),
    kms.Action("Delete*"),
    kms.Action("Describe*"),
    kms.Action("Disable*"),
    kms.Action("Enable*"),
    kms.Action("Encrypt"),
    kms.Action("GenerateDataKey*"),
    kms.Action("Get*"),
    kms.Action("List*"),
    kms.Action("Put*"),
    kms.Action("ReEncrypt*"),
    kms.Action("Revoke*"),
    kms.Action("RotateKeyOnDemand"),
    kms.Action("ScheduleKeyDeletion"),
    kms.Action("TagResource"),
    kms.Action("UntagResource"),
    kms.Action("Update*"),
]

DECRYPT = [kms.Decrypt, kms.DescribeKey]
ENCRYPT = [kms.DescribeKey, kms.Encrypt, kms.GenerateDataKey]


class Key(Component):
    """A customer-managed symmetric KMS key, rotated automatically."""

    kind: Literal["key"] = "key"
    rotation_days: int = Field(
        365,
        ge=90,
        le=2560,
        description="Days between automatic rotations of the key material. Rotation is always on.",
        examples=[365],
    )
    pending_window_days: int = Field(
        30, ge=7, le=30, description="Days a key scheduled for deletion can still be recovered.", examples=[30]
    )

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "customer-managed KMS key with rotation"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Key"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    def build(self, ctx: BuildContext) -> None:
        statements = [
            Statement(
                Sid="AccountAdministersAndUsesThroughIam",
                Effect=Allow,
                Principal=Principal("AWS", Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")),
                Action=ACCOUNT_ACTIONS,
                Resource=["*"],  # in a key policy, "*" is this key
            )
        ]
        for component in ctx.spec.components.values():
            statements += component.key_statements(ctx, self.name)
        key = tkms.Key(
            self.logical_id,
            Description=self.description or f"{ctx.system} {ctx.stage_name}: {self.name}",
            Enabled=True,
            EnableKeyRotation=True,
            RotationPeriodInDays=self.rotation_days,
            KeySpec="SYMMETRIC_DEFAULT",
            KeyUsage="ENCRYPT_DECRYPT",
            PendingWindowInDays=self.pending_window_days,
            KeyPolicy=PolicyDocument(Version="2012-10-17", Statement=statements),
        )
        ctx.add(self, key)
        ctx.add(
            self,
            tkms.Alias(
                pascal(self.id_name) + "KeyAlias",
                AliasName=f"alias/{ctx.physical_name(self.id_name)}",
                TargetKeyId=Ref(key),
            ),
        )
        ctx.output(self, pascal(self.id_name) + "KeyArn", self.arn, f"ARN of the {self.name} KMS key")

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        actions = {"read": DECRYPT, "write": ENCRYPT, "read_write": DECRYPT + ENCRYPT}[access]
        return [Statement(Effect=Allow, Action=_sorted(actions), Resource=[self.arn])]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"KEY_ARN": self.arn}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(self, self.logical_id, "customer-managed key", "kms.keys", 1),
            ctx.item(
                self,
                self.logical_id,
                "API requests",
                "kms.requests",
                ctx.usage(self, "api_calls_per_month") / 10_000,
            ),
        ]


def _sorted(actions: list[Any]) -> list[Any]:
    return sorted(set(actions), key=lambda a: a.JSONrepr())


def key_arn(ctx: BuildContext, name: str) -> GetAtt:
    """ARN of the key component ``name`` (whatever its logical ID, e.g. after a rename)."""
    key = ctx.component(name)
    assert isinstance(key, Key)
    return key.arn


def via_service_statement(
    ctx: BuildContext, key: str, service: str, access: Literal["read", "write", "read_write"]
) -> Statement:
    """IAM statement for a function using data encrypted with ``key``: decrypt and/or generate data keys,
    only when the request comes through ``service`` (e.g. ``dynamodb``, ``s3``, ``secretsmanager``)."""
    actions = {
        "read": [kms.Decrypt],
        "write": [kms.GenerateDataKey, kms.Decrypt],  # multipart uploads and conditional writes decrypt too
        "read_write": [kms.Decrypt, kms.GenerateDataKey],
    }[access]
    return Statement(
        Effect=Allow,
        Action=_sorted(actions),
        Resource=[key_arn(ctx, key)],
        Condition=Condition(StringEquals("kms:ViaService", Sub(f"{service}.${{AWS::Region}}.amazonaws.com"))),
    )


def service_statement(sid: str, service: str, actions: list[Any], condition: Condition | None = None) -> Statement:
    """Key-policy statement letting an AWS service principal use the key (for ``key_statements``)."""
    statement = Statement(
        Sid=sid,
        Effect=Allow,
        Principal=Principal("Service", service),
        Action=_sorted(actions),
        Resource=["*"],
    )
    if condition is not None:
        statement.Condition = condition
    return statement


def logs_statement(ctx: BuildContext, sid: str, log_group_name: str | list[str]) -> Statement:
    """Key-policy statement letting CloudWatch Logs encrypt and decrypt one log group's data with the key
    (or, given a list of names, any of those log groups' data: one statement, however many groups)."""
    names = [log_group_name] if isinstance(log_group_name, str) else log_group_name
    arns = [
        Sub(f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}") for name in names
    ]
    return Statement(
        Sid=sid,
        Effect=Allow,
        Principal=Principal("Service", Sub("logs.${AWS::Region}.amazonaws.com")),
        Action=_sorted(
            [
                kms.Action("Decrypt*"),
                kms.Action("Describe*"),
                kms.Action("Encrypt*"),
                kms.Action("GenerateDataKey*"),
                kms.Action("ReEncrypt*"),
            ]
        ),
        Resource=["*"],
        Condition=Condition(ArnEquals("kms:EncryptionContext:aws:logs:arn", arns[0] if len(arns) == 1 else arns)),
    )
