"""CloudWatch Logs log group with its own retention, for logs an application writes on purpose.

```yaml
error-log:
  kind: log_group
  retention_days: 90          # application logs keep the stage's 30 days; errors are kept longer
  kms_key: logs-key
```

Every function already has its own log group (with the stage's ``log_retention_days``); this kind is
for a log an application writes to explicitly, such as an error or audit log kept longer than the
rest. A function with ``uses: {error-log: write}`` may create streams in and put events to this log
group only, and gets its name in ``LOG_GROUP_NAME``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import logs
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Ref

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference

#: The values CloudWatch Logs accepts for RetentionInDays (as compiler.spec.LogRetention, which this module
#: cannot import: the spec imports every component kind).
LogRetention = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]  # fmt: skip


class LogGroup(Component):
    """A CloudWatch Logs log group with its own retention and optional KMS encryption."""

    kind: Literal["log_group"] = "log_group"
    retention_days: LogRetention | None = Field(  # type: ignore[valid-type]
        None,
        description="Days to keep events; default: the stage's log_retention_days.",
        examples=[90],
    )
    kms_key: str | None = Field(
        None, description="A key component to encrypt the log data with.", examples=["logs-key"]
    )

    access_levels = ("read", "write", "read_write")
    summary = "CloudWatch Logs log group with its own retention"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "LogGroup"

    def log_group_name(self, ctx: Any) -> str:
        from ._service_roles import log_group_name

        return log_group_name(ctx, self.id_name)

    def references(self) -> Iterator[Reference]:
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def build(self, ctx: BuildContext) -> None:
        from ._service_roles import log_group

        group = log_group(
            ctx, self.logical_id, self.log_group_name(ctx), self.kms_key, retention_days=self.retention_days
        )
        ctx.add(self, group)

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        from ._service_roles import log_key_statements

        return log_key_statements(ctx, self.kms_key, key, pascal(self.id_name) + "Logs", [self.log_group_name(ctx)])

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        read = [logs.DescribeLogStreams, logs.FilterLogEvents, logs.GetLogEvents]
        write = [logs.CreateLogStream, logs.PutLogEvents]
        actions = {"read": read, "write": write, "read_write": read + write}[access]
        return [
            Statement(
                Effect=Allow,
                Action=sorted(actions, key=lambda a: a.JSONrepr()),
                Resource=[GetAtt(self.logical_id, "Arn")],
            )
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"LOG_GROUP_NAME": Ref(self.logical_id)}

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"LogGroupName": Ref(self.logical_id)}
        return {
            "events": Metric("AWS/Logs", "IncomingLogEvents", dims, "Sum", "log events written"),
            "bytes": Metric("AWS/Logs", "IncomingBytes", dims, "Sum", "bytes written"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        ingested = ctx.usage(self, "log_gb")
        retention = self.retention_days or ctx.spec.stages[ctx.stage].log_retention_days
        # Stored volume in steady state: a month's ingestion kept for the retention period.
        stored = ingested * min(retention, 3653) / 30
        return [
            ctx.item(self, self.logical_id, "ingestion", "cloudwatch.logs_ingestion_gb", ingested),
            ctx.item(self, self.logical_id, f"storage ({retention} days kept)", "cloudwatch.logs_storage_gb", stored),
        ]
