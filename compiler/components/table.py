"""DynamoDB table: keys, secondary indexes, TTL, point-in-time recovery, encryption.

```yaml
data:
  kind: table
  partition_key: PK
  sort_key: SK
  indexes:
    GSI1: {partition_key: GSI1PK, sort_key: GSI1SK}
  ttl_attribute: expiresAt
  kms_key: data-key            # a key component (default: an AWS-owned key)
  stream:                      # change data capture, optionally consumed by a function
    view: new_and_old_images
    consumer: on-change
  billing: provisioned         # instead of on-demand, with auto-scaling
  capacity: {read: {min: 5, max: 100}, write: {min: 5, max: 50}, target_utilization: 70}
```

Without ``kms_key`` the table is encrypted with DynamoDB's AWS-owned key: checkov's CKV_AWS_119 then fails
unless the spec accepts it with its reason (``security: {accept: {CKV_AWS_119: "..."}}``, docs/security.md).

Provisioned capacity applies to the table and to each index, each with its own target-tracking
auto-scaling policies (through Application Auto Scaling's service-linked role). A stream consumer
gets an event source mapping and, in a policy attached to its role, read access to this stream only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Literal

from awacs import dynamodb
from awacs.aws import Allow, PolicyDocument, Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref, awslambda, iam
from troposphere import applicationautoscaling as autoscaling
from troposphere import dynamodb as ddb

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ..usage import HOURS_PER_MONTH

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


class Scaling(SpecModel):
    """Provisioned capacity units with auto-scaling between ``min`` and ``max``."""

    min: int = Field(1, ge=1, le=40000, description="Least capacity units (also the initial capacity).", examples=[5])
    max: int = Field(10, ge=1, le=40000, description="Most capacity units auto-scaling may set.", examples=[100])


class Capacity(SpecModel):
    """Provisioned read and write capacity, auto-scaled to keep utilisation near the target."""

    read: Scaling = Field(default_factory=Scaling, description="Read capacity units.")
    write: Scaling = Field(default_factory=Scaling, description="Write capacity units.")
    target_utilization: int = Field(
        70, ge=20, le=90, description="Consumed/provisioned percentage auto-scaling aims for.", examples=[70]
    )


StreamView = Literal["keys_only", "new_image", "old_image", "new_and_old_images"]


class Stream(SpecModel):
    """A DynamoDB stream of item changes (kept 24 hours), optionally read by a function."""

    view: StreamView = Field("new_and_old_images", description="What each change record holds.")
    consumer: str | None = Field(
        None, description="A function invoked with batches of changes.", examples=["on-change"]
    )
    batch_size: int = Field(100, ge=1, le=10000, description="Most records per invocation.")
    starting_position: Literal["latest", "trim_horizon"] = Field(
        "latest", description="Where a new consumer starts: new changes only, or the oldest kept."
    )
    retry_attempts: int = Field(
        3, ge=0, le=10000, description="Retries of a failing batch before it is skipped (halved on each error)."
    )


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
    billing: Literal["on_demand", "provisioned"] = Field(
        "on_demand", description="Capacity mode: pay per request, or provisioned capacity with auto-scaling."
    )
    capacity: Capacity | None = Field(
        None,
        description="Provisioned capacity and its auto-scaling (billing: provisioned only).",
        examples=[{"read": {"min": 5, "max": 100}, "write": {"min": 5, "max": 50}}],
    )
    kms_key: str | None = Field(
        None,
        description=(
            "A key component to encrypt the table with; functions that use the table get kms:Decrypt (and "
            "kms:GenerateDataKey to write) on it, through DynamoDB only. Default: DynamoDB's AWS-owned key, which "
            "the spec accepts with its reason (security.accept.CKV_AWS_119)."
        ),
        examples=["data-key"],
    )
    stream: Stream | StreamView | None = Field(
        None,
        description="A stream of item changes; a view name alone, or with a consumer function.",
        examples=["new_and_old_images", {"view": "new_and_old_images", "consumer": "on-change"}],
    )

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "DynamoDB table"

    @property
    def stream_settings(self) -> Stream | None:
        if isinstance(self.stream, str):
            return Stream(view=self.stream)
        return self.stream

    def references(self) -> Iterator[Reference]:
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")
        stream = self.stream_settings
        if stream is not None and stream.consumer:
            yield Reference(("stream", "consumer"), stream.consumer, ("function",), "function")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.billing == "provisioned" and self.capacity is None:
            yield ("billing",), "provisioned billing needs 'capacity' (read and write min/max for auto-scaling)"
        if self.billing == "on_demand" and self.capacity is not None:
            yield ("capacity",), "capacity applies to billing: provisioned only"
        if self.capacity is not None:
            for which in ("read", "write"):
                scaling = getattr(self.capacity, which)
                if scaling.min > scaling.max:
                    yield ("capacity", which), f"min ({scaling.min}) is more than max ({scaling.max})"
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
        provisioned = self.billing == "provisioned" and self.capacity is not None
        if provisioned:
            assert self.capacity is not None
            throughput = ddb.ProvisionedThroughput(
                ReadCapacityUnits=self.capacity.read.min, WriteCapacityUnits=self.capacity.write.min
            )
            for index in indexes:
                index.ProvisionedThroughput = throughput
        table = ddb.Table(
            self.logical_id,
            BillingMode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
            AttributeDefinitions=definitions,
            KeySchema=_key_schema(self.partition_key, self.sort_key),
            SSESpecification=self._sse(ctx),
            PointInTimeRecoverySpecification=ddb.PointInTimeRecoverySpecification(
                PointInTimeRecoveryEnabled=self.point_in_time_recovery
            ),
            DeletionProtectionEnabled=ctx.protected,
        )
        if indexes:
            table.GlobalSecondaryIndexes = indexes
        if self.ttl_attribute:
            table.TimeToLiveSpecification = ddb.TimeToLiveSpecification(AttributeName=self.ttl_attribute, Enabled=True)
        if provisioned:
            table.ProvisionedThroughput = throughput
        stream = self.stream_settings
        if stream is not None:
            table.StreamSpecification = ddb.StreamSpecification(StreamViewType=stream.view.upper())
        ctx.add(self, table)
        if provisioned:
            self._build_scaling(ctx)
        if stream is not None and stream.consumer:
            self._build_consumer(ctx, stream)
        ctx.output(self, pascal(self.id_name) + "TableName", Ref(table), f"Name of the {self.name} table")

    def _sse(self, ctx: BuildContext) -> ddb.SSESpecification:
        if not self.kms_key:
            return ddb.SSESpecification(SSEEnabled=True)
        from .key import key_arn

        return ddb.SSESpecification(SSEEnabled=True, SSEType="KMS", KMSMasterKeyId=key_arn(ctx, self.kms_key))

    def _scaling_targets(self) -> list[tuple[str, str, Any]]:
        """(logical ID part, scalable dimension prefix, resource ID) for the table and each index."""
        targets: list[tuple[str, str, Any]] = [("", "dynamodb:table", Join("", ["table/", Ref(self.logical_id)]))]
        for name in sorted(self.indexes):
            targets.append(
                (pascal(name), "dynamodb:index", Join("", ["table/", Ref(self.logical_id), f"/index/{name}"]))
            )
        return targets

    def _build_scaling(self, ctx: BuildContext) -> None:
        assert self.capacity is not None
        for part, dimension, resource_id in self._scaling_targets():
            for which, unit, metric in (
                ("read", "ReadCapacityUnits", "DynamoDBReadCapacityUtilization"),
                ("write", "WriteCapacityUnits", "DynamoDBWriteCapacityUtilization"),
            ):
                scaling = getattr(self.capacity, which)
                base = f"{pascal(self.id_name)}{part}{pascal(which)}Scaling"
                # No RoleARN: Application Auto Scaling uses its service-linked role for DynamoDB.
                target = autoscaling.ScalableTarget(
                    base + "Target",
                    ServiceNamespace="dynamodb",
                    ScalableDimension=f"{dimension}:{unit}",
                    ResourceId=resource_id,
                    MinCapacity=scaling.min,
                    MaxCapacity=scaling.max,
                )
                ctx.add(self, target, ("capacity", which))
                ctx.add(
                    self,
                    autoscaling.ScalingPolicy(
                        base + "Policy",
                        PolicyName=f"{ctx.physical_name(self.id_name)}{('-' + part) if part else ''}-{which}",
                        PolicyType="TargetTrackingScaling",
                        ScalingTargetId=Ref(target),
                        TargetTrackingScalingPolicyConfiguration=autoscaling.TargetTrackingScalingPolicyConfiguration(
                            TargetValue=float(self.capacity.target_utilization),
                            PredefinedMetricSpecification=autoscaling.PredefinedMetricSpecification(
                                PredefinedMetricType=metric
                            ),
                        ),
                    ),
                    ("capacity", which),
                )

    def _build_consumer(self, ctx: BuildContext, stream: Stream) -> None:
        assert stream.consumer is not None
        consumer = ctx.component(stream.consumer)
        stream_arn = GetAtt(self.logical_id, "StreamArn")
        statements = [
            Statement(
                Effect=Allow,
                Action=[
                    dynamodb.DescribeStream,
                    dynamodb.GetRecords,
                    dynamodb.GetShardIterator,
                    dynamodb.ListStreams,
                ],
                Resource=[Join("", [GetAtt(self.logical_id, "Arn"), "/stream/*"])],
            )
        ]
        if self.kms_key:
            from .key import via_service_statement

            statements.append(via_service_statement(ctx, self.kms_key, "dynamodb", "read"))
        policy = iam.PolicyType(
            pascal(self.id_name) + "StreamReadPolicy",
            PolicyName=f"read-{self.id_name}-stream",
            Roles=[Ref(consumer.role_id)],  # type: ignore[attr-defined]
            PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=statements),
        )
        ctx.add(self, policy, ("stream", "consumer"))
        ctx.add(
            self,
            awslambda.EventSourceMapping(
                pascal(self.id_name) + "StreamMapping",
                EventSourceArn=stream_arn,
                FunctionName=Ref(consumer.logical_id),  # type: ignore[attr-defined]
                BatchSize=stream.batch_size,
                StartingPosition=stream.starting_position.upper(),
                MaximumRetryAttempts=stream.retry_attempts,
                BisectBatchOnFunctionError=True,
                FunctionResponseTypes=["ReportBatchItemFailures"],
                DependsOn=[policy.title],
            ),
            ("stream", "consumer"),
        )

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        actions = {"read": READ_ACTIONS, "write": WRITE_ACTIONS, "read_write": READ_ACTIONS + WRITE_ACTIONS}[access]
        table_arn = GetAtt(self.logical_id, "Arn")
        resources: list[Any] = [table_arn]
        if self.indexes:
            resources.append(Join("", [table_arn, "/index/*"]))
        statements = [Statement(Effect=Allow, Action=sorted(actions, key=lambda a: a.JSONrepr()), Resource=resources)]
        if self.kms_key:
            from .key import via_service_statement

            statements.append(via_service_statement(ctx, self.kms_key, "dynamodb", access))  # type: ignore[arg-type]
        return statements

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"TABLE_NAME": Ref(self.logical_id)}

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"TableName": Ref(self.logical_id)}
        return {
            "throttles": Metric("AWS/DynamoDB", "ThrottledRequests", dims, "Sum", "throttled requests"),
            "read_throttles": Metric("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum", "read throttle events"),
            "write_throttles": Metric("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum", "write throttle events"),
            "system_errors": Metric("AWS/DynamoDB", "SystemErrors", dims, "Sum", "system errors"),
            "consumed_reads": Metric("AWS/DynamoDB", "ConsumedReadCapacityUnits", dims, "Sum", "read units used"),
            "consumed_writes": Metric("AWS/DynamoDB", "ConsumedWriteCapacityUnits", dims, "Sum", "write units used"),
            "get_latency": Metric(
                "AWS/DynamoDB",
                "SuccessfulRequestLatency",
                {**dims, "Operation": "GetItem"},
                "Average",
                "GetItem latency (ms)",
            ),
            "query_latency": Metric(
                "AWS/DynamoDB",
                "SuccessfulRequestLatency",
                {**dims, "Operation": "Query"},
                "Average",
                "Query latency (ms)",
            ),
            "put_latency": Metric(
                "AWS/DynamoDB",
                "SuccessfulRequestLatency",
                {**dims, "Operation": "PutItem"},
                "Average",
                "PutItem latency (ms)",
            ),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        # On-demand: priced per million request units (1 RU per 4 KB read, 1 WRU per 1 KB write).
        reads = ctx.usage(self, "reads_per_month")
        writes = ctx.usage(self, "writes_per_month")
        stored = ctx.usage(self, "stored_gb")
        if self.billing == "provisioned" and self.capacity is not None:
            items = self._provisioned_cost(ctx, reads, writes)
        else:
            items = [
                ctx.item(self, self.logical_id, "on-demand reads", "dynamodb.read_request_units", reads / 1e6),
                ctx.item(self, self.logical_id, "on-demand writes", "dynamodb.write_request_units", writes / 1e6),
            ]
        items.append(ctx.item(self, self.logical_id, "storage", "dynamodb.storage_gb", stored))
        if self.point_in_time_recovery:
            items.append(ctx.item(self, self.logical_id, "point-in-time recovery", "dynamodb.pitr_gb", stored))
        return items

    def _provisioned_cost(self, ctx: CostContext, reads: float, writes: float) -> list[LineItem]:
        """Capacity-hours auto-scaling would hold: the monthly average rate at the target utilisation,
        clamped to min..max, for the table and each index (indexes assumed to see the same traffic)."""
        assert self.capacity is not None
        hours = HOURS_PER_MONTH
        seconds = hours * 3600
        utilisation = self.capacity.target_utilization / 100
        copies = 1 + len(self.indexes)
        items = []
        for which, count, key in (
            ("read", reads, "dynamodb.provisioned_rcu_hours"),
            ("write", writes, "dynamodb.provisioned_wcu_hours"),
        ):
            scaling = getattr(self.capacity, which)
            units = min(max(math.ceil(count / seconds / utilisation), scaling.min), scaling.max)
            what = f"provisioned {which} capacity ({units} units x {copies} (table + indexes))"
            items.append(ctx.item(self, self.logical_id, what, key, units * hours * copies))
        return items


def _key_schema(partition: str, sort: str | None) -> list[ddb.KeySchema]:
    schema = [ddb.KeySchema(AttributeName=partition, KeyType="HASH")]
    if sort:
        schema.append(ddb.KeySchema(AttributeName=sort, KeyType="RANGE"))
    return schema
