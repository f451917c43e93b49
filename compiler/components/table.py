"""DynamoDB table: keys, secondary indexes, TTL, point-in-time recovery, encryption.

```yaml
data:
  kind: table
  partition_key: PK
  sort_key: SK
  indexes:
    GSI1: {partition_key: GSI1PK, sort_key: GSI1SK}
  ttl_attribute: expiresAt
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import dynamodb
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import dynamodb as ddb

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component

AttributeType = Literal["string", "number", "binary"]
_TYPE_CODE = {"string": "S", "number": "N", "binary": "B"}

READ_ACTIONS = [
    dynamodb.BatchGetItem,
    dynamodb.ConditionCheckItem,
    dynamodb.DescribeTable,
    dynamodb.GetItem,
    dynamodb.Query,
    dynamodb.Scan,
]
WRITE_ACTIONS = [dynamodb.BatchWriteItem, dynamodb.DeleteItem, dynamodb.PutItem, dynamodb.UpdateItem]


class Index(SpecModel):
    """A global secondary index."""

    partition_key: str = Field(description="Partition key attribute of the index.", examples=["GSI1PK"])
    sort_key: str | None = Field(None, description="Sort key attribute of the index.", examples=["GSI1SK"])
    projection: Literal["all", "keys_only"] = Field("all", description="Which attributes the index copies.")


class Table(Component):
    """A DynamoDB table, on-demand by default, encrypted, with point-in-time recovery."""

    kind: Literal["table"] = "table"
    partition_key: str = Field(description="Partition key attribute.", examples=["PK"])
    sort_key: str | None = Field(None, description="Sort key attribute.", examples=["SK"])
    attribute_types: dict[str, AttributeType] = Field(
        default_factory=dict,
        description="Types of key attributes that are not strings.",
        examples=[{"createdAt": "number"}],
    )
    indexes: dict[str, Index] = Field(
        default_factory=dict,
        description="Global secondary indexes by name.",
        examples=[{"GSI1": {"partition_key": "GSI1PK", "sort_key": "GSI1SK"}}],
    )
    ttl_attribute: str | None = Field(
        None, description="Attribute holding an expiry epoch time (TTL).", examples=["expiresAt"]
    )
    point_in_time_recovery: bool = Field(True, description="Continuous backups for 35 days.")
    billing: Literal["on_demand"] = Field("on_demand", description="Capacity mode.")

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "DynamoDB table"

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for name, index in self.indexes.items():
            if not (1 <= len(name) <= 255) or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
                yield (
                    ("indexes", name),
                    f"index name {name!r} may hold only letters, digits, '_', '-' and '.'",
                )
            if index.partition_key == self.partition_key and index.sort_key == self.sort_key:
                yield ("indexes", name), "index has the same keys as the table; it would add nothing"
        if len(self.indexes) > 20:
            yield ("indexes",), f"a table has at most 20 global secondary indexes, not {len(self.indexes)}"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Table"

    def _key_attributes(self) -> list[str]:
        names = [self.partition_key, self.sort_key]
        for index in self.indexes.values():
            names += [index.partition_key, index.sort_key]
        return sorted({n for n in names if n})

    def build(self, ctx: BuildContext) -> None:
        definitions = [
            ddb.AttributeDefinition(AttributeName=n, AttributeType=_TYPE_CODE[self.attribute_types.get(n, "string")])
            for n in self._key_attributes()
        ]
        indexes = [
            ddb.GlobalSecondaryIndex(
                IndexName=name,
                KeySchema=_key_schema(index.partition_key, index.sort_key),
                Projection=ddb.Projection(ProjectionType=index.projection.upper()),
            )
            for name, index in sorted(self.indexes.items())
        ]
        table = ddb.Table(
            self.logical_id,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=definitions,
            KeySchema=_key_schema(self.partition_key, self.sort_key),
            SSESpecification=ddb.SSESpecification(SSEEnabled=True),
            PointInTimeRecoverySpecification=ddb.PointInTimeRecoverySpecification(
                PointInTimeRecoveryEnabled=self.point_in_time_recovery
            ),
            DeletionProtectionEnabled=ctx.protected,
        )
        if indexes:
            table.GlobalSecondaryIndexes = indexes
        if self.ttl_attribute:
            table.TimeToLiveSpecification = ddb.TimeToLiveSpecification(AttributeName=self.ttl_attribute, Enabled=True)
        ctx.add(self, table)
        ctx.output(self, pascal(self.id_name) + "TableName", Ref(table), f"Name of the {self.name} table")

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        actions = {"read": READ_ACTIONS, "write": WRITE_ACTIONS, "read_write": READ_ACTIONS + WRITE_ACTIONS}[access]
        table_arn = GetAtt(self.logical_id, "Arn")
        resources: list[Any] = [table_arn]
        if self.indexes:
            resources.append(Join("", [table_arn, "/index/*"]))
        return [Statement(Effect=Allow, Action=sorted(actions, key=lambda a: a.JSONrepr()), Resource=resources)]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"TABLE_NAME": Ref(self.logical_id)}

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"TableName": Ref(self.logical_id)}
        return {
            "throttles": Metric("AWS/DynamoDB", "ThrottledRequests", dims, "Sum", "throttled requests"),
            "read_throttles": Metric("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum", "read throttle events"),
            "write_throttles": Metric("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum", "write throttle events"),
            "system_errors": Metric("AWS/DynamoDB", "SystemErrors", dims, "Sum", "system errors"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        # On-demand: priced per million request units (1 RU per 4 KB read, 1 WRU per 1 KB write).
        reads = ctx.usage(self, "reads_per_month")
        writes = ctx.usage(self, "writes_per_month")
        stored = ctx.usage(self, "stored_gb")
        items = [
            ctx.item(self, self.logical_id, "on-demand reads", "dynamodb.read_request_units", reads / 1e6),
            ctx.item(self, self.logical_id, "on-demand writes", "dynamodb.write_request_units", writes / 1e6),
            ctx.item(self, self.logical_id, "storage", "dynamodb.storage_gb", stored),
        ]
        if self.point_in_time_recovery:
            items.append(ctx.item(self, self.logical_id, "point-in-time recovery", "dynamodb.pitr_gb", stored))
        return items


def _key_schema(partition: str, sort: str | None) -> list[ddb.KeySchema]:
    schema = [ddb.KeySchema(AttributeName=partition, KeyType="HASH")]
    if sort:
        schema.append(ddb.KeySchema(AttributeName=sort, KeyType="RANGE"))
    return schema
