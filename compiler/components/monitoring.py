"""Monitoring: an encrypted alerts topic, email subscriptions, and alarms on other components' metrics.

```yaml
alerts:
  kind: monitoring
  email: ops@bubblebatch.com
  alarms:
    - {"on": [handle-auth, handle-batches], metric: errors, above: 10, period_seconds: 60}
    - {"on": api, metric: 5xx, above: 5}
    - {"on": data, metric: throttles, above: 0}
```

(``"on"`` is quoted because YAML 1.1 tools, PyYAML among them, read a bare ``on`` key as ``true``;
specc's own loader and YAML 1.2 editors accept it bare as well.)

Each alarm watches one metric of each component in ``on``; the metric names are the ones that
component's kind exposes (functions: errors, throttles, duration, invocations; tables: throttles,
read_throttles, write_throttles, system_errors; HTTP APIs: 5xx, 4xx, latency, integration_latency,
requests; schedules: target_errors, dropped, throttles, attempts, dead_letters; buckets with
``request_metrics: true``: 4xx, 5xx, requests). Alarms notify the topic when they fire and when they
recover, treat missing data as not breaching, and exist only on stages with ``alarms: true``.

The topic is encrypted at rest. CloudWatch alarms cannot publish to a topic encrypted with the
AWS-managed key ``alias/aws/sns`` (its key policy, which nobody can edit, does not let CloudWatch use
it), so by default the component creates a customer-managed key (rotated yearly) whose policy lets
CloudWatch encrypt alarm messages. ``kms_key: <key component>`` uses a key of the spec instead;
``kms_key: alias/aws/sns`` is allowed only where no alarm would publish. Functions may publish to
the topic with ``uses: {alerts: publish}`` (``TOPIC_ARN``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs import kms as kms_actions
from awacs import sns as sns_actions
from awacs.aws import (
    Allow,
    ArnLike,
    Condition,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from pydantic import Field
from troposphere import GetAtt, Ref, Sub, cloudwatch, kms, sns

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component, Reference
from ._policies import deny_insecure_transport

AWS_MANAGED_KEY = "alias/aws/sns"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PERCENTILE = re.compile(r"^p\d{1,2}(\.\d+)?$")

#: What the account may do with the topic key through IAM: administer it and use it. Named action by
#: action rather than ``kms:*``.
KEY_ACCOUNT_ACTIONS = [
    "CancelKeyDeletion",
    "CreateGrant",
    "Decrypt",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "Encrypt",
    "GenerateDataKey*",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "ListGrants",
    "ListKeyPolicies",
    "ListKeyRotations",
    "ListResourceTags",
    "PutKeyPolicy",
    "ReEncrypt*",
    "RetireGrant",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "TagResource",
    "UntagResource",
    "UpdateKeyDescription",
]
#: What CloudWatch needs on the key to publish alarm notifications to the encrypted topic.
CLOUDWATCH_KEY_ACTIONS = [kms_actions.Decrypt, kms_actions.Action("GenerateDataKey*")]


class Alarm(SpecModel):
    """A CloudWatch alarm on one metric of one or more components."""

    on: str | list[str] = Field(
        description="Component(s) to watch; one alarm is created for each.",
        examples=["api", ["handle-auth", "handle-batches"]],
    )
    metric: str = Field(
        description="Metric name, as the watched component's kind exposes it.", examples=["errors", "5xx"]
    )
    above: float | None = Field(None, description="Alarm when the statistic is greater than this.", examples=[10])
    below: float | None = Field(None, description="Alarm when the statistic is less than this.", examples=[1])
    period_seconds: int = Field(
        300, ge=60, le=86400, description="Length of one evaluation period (a multiple of 60).", examples=[60]
    )
    evaluation_periods: int = Field(1, ge=1, le=1440, description="Periods evaluated before the alarm changes state.")
    datapoints_to_alarm: int | None = Field(
        None,
        ge=1,
        description="Breaching periods (of evaluation_periods) that fire the alarm. Default: all.",
        examples=[2],
    )
    statistic: str | None = Field(
        None,
        description="Override the metric's statistic: Sum, Average, Maximum, Minimum, SampleCount or a percentile "
        "like p99.",
        examples=["Maximum", "p95"],
    )
    name: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$",
        description="Distinguishes two alarms on the same metric of the same component (e.g. warning/critical).",
        examples=["critical"],
    )
    description: str | None = Field(
        None, description="Text shown with the alarm and in its notifications.", examples=["API p99 latency over 2 s"]
    )

    def targets(self) -> list[str]:
        return [self.on] if isinstance(self.on, str) else list(self.on)


class Monitoring(Component):
    """An alerts topic and the alarms that notify it."""

    kind: Literal["monitoring"] = "monitoring"
    email: str | list[str] | None = Field(
        None,
        description="Email address(es) subscribed to the topic (each confirms by email once).",
        examples=["ops@example.com"],
    )
    kms_key: str | None = Field(
        None,
        description="Encryption of the topic: unset creates a customer-managed key for it; the name of a key "
        "component uses that key; 'alias/aws/sns' uses the AWS-managed key (only without alarms: CloudWatch cannot "
        "use it).",
        examples=["alerts-key", "alias/aws/sns"],
    )
    alarms: list[Alarm] = Field(
        default_factory=list,
        description="Alarms that notify the topic.",
        examples=[
            [{"on": "api", "metric": "5xx", "above": 5}, {"on": ["handle-auth"], "metric": "errors", "above": 10}]
        ],
    )

    access_levels = ("publish",)
    summary = "alerts topic (encrypted) and CloudWatch alarms"
    diagram_group = "monitoring"

    # -- names --------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return pascal(self.id_name)

    @property
    def topic_id(self) -> str:
        return self.prefix + "Topic"

    @property
    def own_key(self) -> bool:
        return self.kms_key is None

    def key_arn(self, ctx: Any) -> Any:
        """ARN of the topic's customer-managed key, or None with the AWS-managed key."""
        if self.kms_key is None:
            return GetAtt(self.prefix + "TopicKey", "Arn")
        if self.kms_key == AWS_MANAGED_KEY:
            return None
        from .key import key_arn

        return key_arn(ctx, self.kms_key)

    def emails(self) -> list[str]:
        if self.email is None:
            return []
        return [self.email] if isinstance(self.email, str) else list(self.email)

    def alarm_logical_id(self, alarm: Alarm, target: Component | str) -> str:
        """``HandleAuthErrorsAlarm``: the watched component's id name, the metric, the alarm's name."""
        base = target if isinstance(target, str) else target.id_name
        suffix = pascal(alarm.name) if alarm.name else ""
        return pascal(base) + pascal(alarm.metric) + suffix + "Alarm"

    def alarm_targets(self, spec: Any) -> list[tuple[int, Alarm, Component]]:
        """(index, alarm, watched component) for every alarm to create, in spec order."""
        out = []
        for index, alarm in enumerate(self.alarms):
            for target in alarm.targets():
                component = spec.components.get(target)
                if component is not None:
                    out.append((index, alarm, component))
        return out

    # -- references and rules -----------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        from . import component_kinds

        kinds = tuple(component_kinds())
        for index, alarm in enumerate(self.alarms):
            if isinstance(alarm.on, str):
                yield Reference(("alarms", index, "on"), alarm.on, kinds, "component")
            else:
                for position, target in enumerate(alarm.on):
                    yield Reference(("alarms", index, "on", position), target, kinds, "component")
        if self.kms_key is not None and self.kms_key != AWS_MANAGED_KEY:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for index, address in enumerate(self.emails()):
            if not _EMAIL.match(address):
                path = ("email",) if isinstance(self.email, str) else ("email", index)
                yield path, f"{address!r} is not an email address"
        seen: dict[str, int] = {}
        for index, alarm in enumerate(self.alarms):
            where = ("alarms", index)
            if (alarm.above is None) == (alarm.below is None):
                yield where, "give exactly one threshold: above or below"
            if alarm.period_seconds % 60:
                yield (*where, "period_seconds"), "must be a multiple of 60 (AWS metrics have one-minute resolution)"
            if alarm.period_seconds * alarm.evaluation_periods > 86400:
                yield (*where, "evaluation_periods"), "period_seconds x evaluation_periods may not exceed one day"
            if alarm.datapoints_to_alarm is not None and alarm.datapoints_to_alarm > alarm.evaluation_periods:
                yield (*where, "datapoints_to_alarm"), "cannot be more than evaluation_periods"
            if alarm.statistic is not None and not _valid_statistic(alarm.statistic):
                yield (
                    (*where, "statistic"),
                    f"unknown statistic {alarm.statistic!r}; use Sum, Average, Maximum, Minimum, SampleCount or pNN",
                )
            if isinstance(alarm.on, list) and not alarm.on:
                yield (*where, "on"), "name at least one component"
            for position, target in enumerate(alarm.targets()):
                path = (*where, "on") if isinstance(alarm.on, str) else (*where, "on", position)
                component = ctx.spec.components.get(target)
                logical_id = self.alarm_logical_id(alarm, component or target)
                if logical_id in seen:
                    yield (
                        path,
                        f"alarms[{seen[logical_id]}] already watches {alarm.metric!r} of {target!r}; give one of "
                        "them a name to tell them apart",
                    )
                seen.setdefault(logical_id, index)
                if component is None:
                    continue  # reported as an unknown reference
                problem = _metric_problem(component, alarm.metric, ctx)
                if problem:
                    yield (*where, "metric"), problem
        if self.kms_key == AWS_MANAGED_KEY and self.alarms and ctx.stage.alarms:
            yield (
                ("kms_key",),
                "CloudWatch alarms cannot publish to a topic encrypted with alias/aws/sns (its key policy does not let "
                "CloudWatch use it); remove kms_key to get a customer-managed key, or name a key component",
            )

    # -- build --------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        if self.own_key:
            self._build_key(ctx)
        key_arn = self.key_arn(ctx)
        topic = sns.Topic(
            self.topic_id,
            DisplayName=f"{ctx.system} {ctx.stage_name} alerts"[:100],
            KmsMasterKeyId=key_arn if key_arn is not None else AWS_MANAGED_KEY,
        )
        ctx.add(self, topic)
        ctx.add(
            self,
            sns.TopicPolicy(
                self.prefix + "TopicPolicy",
                Topics=[Ref(topic)],
                PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=self._topic_statements()),
            ),
        )
        for index, address in enumerate(self.emails()):
            path = ("email",) if isinstance(self.email, str) else ("email", index)
            ctx.add(
                self,
                sns.SubscriptionResource(
                    self.prefix + _address_id(address) + "Subscription",
                    TopicArn=Ref(topic),
                    Protocol="email",
                    Endpoint=address,
                ),
                path,
            )
        ctx.output(self, self.prefix + "TopicArn", Ref(topic), f"ARN of the {self.name} alerts topic")
        if ctx.stage.alarms:
            for index, alarm, target in self.alarm_targets(ctx.spec):
                self._build_alarm(ctx, index, alarm, target)

    def _build_key(self, ctx: BuildContext) -> None:
        key = kms.Key(
            self.prefix + "TopicKey",
            Description=f"{ctx.system} {ctx.stage_name}: encrypts the {self.name} topic",
            Enabled=True,
            EnableKeyRotation=True,
            KeySpec="SYMMETRIC_DEFAULT",
            KeyUsage="ENCRYPT_DECRYPT",
            PendingWindowInDays=30,
            KeyPolicy=PolicyDocument(
                Version="2012-10-17",
                Statement=[
                    Statement(
                        Sid="AccountAdministersAndUsesThroughIam",
                        Effect=Allow,
                        Principal=Principal("AWS", Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")),
                        Action=[kms_actions.Action(a) for a in KEY_ACCOUNT_ACTIONS],
                        Resource=["*"],  # in a key policy, "*" is this key
                    ),
                    self._cloudwatch_key_statement(),
                ],
            ),
        )
        ctx.add(self, key, ("kms_key",))
        ctx.add(
            self,
            kms.Alias(
                self.prefix + "TopicKeyAlias",
                AliasName=f"alias/{ctx.physical_name(self.id_name)}",
                TargetKeyId=Ref(key),
            ),
            ("kms_key",),
        )

    def _cloudwatch_key_statement(self) -> Statement:
        return Statement(
            Sid="CloudWatchAlarmsEncryptNotifications",
            Effect=Allow,
            Principal=Principal("Service", "cloudwatch.amazonaws.com"),
            Action=CLOUDWATCH_KEY_ACTIONS,
            Resource=["*"],
        )

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        if key == self.kms_key:
            return [self._cloudwatch_key_statement()]
        return []

    def _topic_statements(self) -> list[Statement]:
        topic = Ref(self.topic_id)
        return [
            Statement(
                Sid="CloudWatchAlarmsOfThisAccountPublish",
                Effect=Allow,
                Principal=Principal("Service", "cloudwatch.amazonaws.com"),
                Action=[sns_actions.Publish],
                Resource=[topic],
                Condition=Condition(
                    [
                        ArnLike(
                            "aws:SourceArn",
                            Sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"),
                        ),
                        StringEquals("aws:SourceAccount", Ref("AWS::AccountId")),
                    ]
                ),
            ),
            deny_insecure_transport(sns_actions.Publish, [topic]),
        ]

    def _build_alarm(self, ctx: BuildContext, index: int, alarm: Alarm, component: Component) -> None:
        where = ("alarms", index)
        metric = component.metrics(ctx).get(alarm.metric)
        if metric is None:
            ctx.fail(("components", self.name, *where, "metric"), _metric_problem(component, alarm.metric, ctx) or "")
            return
        statistic = alarm.statistic or metric.statistic
        above = alarm.above is not None
        threshold = alarm.above if above else alarm.below
        words = f"{'above' if above else 'below'} {threshold:g}"
        resource = cloudwatch.Alarm(
            self.alarm_logical_id(alarm, component),
            AlarmName=ctx.physical_name(component.id_name, alarm.metric, *([alarm.name] if alarm.name else [])),
            AlarmDescription=alarm.description
            or f"{component.name}: {metric.description or alarm.metric} {words} over {alarm.period_seconds}s",
            Namespace=metric.namespace,
            MetricName=metric.name,
            Dimensions=[cloudwatch.MetricDimension(Name=k, Value=v) for k, v in metric.dimensions.items()],
            Period=alarm.period_seconds,
            EvaluationPeriods=alarm.evaluation_periods,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold" if above else "LessThanThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[Ref(self.topic_id)],
            OKActions=[Ref(self.topic_id)],
        )
        if _PERCENTILE.match(statistic):
            resource.ExtendedStatistic = statistic
        else:
            resource.Statistic = statistic
        if alarm.datapoints_to_alarm is not None:
            resource.DatapointsToAlarm = alarm.datapoints_to_alarm
        ctx.add(self, resource, where)

    # -- what functions get -------------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        statements = [Statement(Effect=Allow, Action=[sns_actions.Publish], Resource=[Ref(self.topic_id)])]
        key_arn = self.key_arn(ctx)
        if key_arn is not None:
            # Publishing to an encrypted topic encrypts with the topic's key on the publisher's behalf.
            statements.append(
                Statement(
                    Effect=Allow,
                    Action=[kms_actions.Decrypt, kms_actions.Action("GenerateDataKey*")],
                    Resource=[key_arn],
                    Condition=Condition(StringEquals("kms:ViaService", Sub("sns.${AWS::Region}.amazonaws.com"))),
                )
            )
        return statements

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"TOPIC_ARN": Ref(self.topic_id)}

    # -- cost ---------------------------------------------------------------------------------
    def cost(self, ctx: CostContext) -> list[LineItem]:
        messages = ctx.usage(self, "notifications_per_month")
        items = [ctx.item(self, self.topic_id, "notifications published", "sns.publishes", messages / 1e6)]
        emails = self.emails()
        if emails:
            items.append(
                ctx.item(
                    self,
                    self.topic_id,
                    f"email deliveries ({len(emails)} subscriber(s))",
                    "sns.email_deliveries",
                    messages * len(emails) / 100_000,
                )
            )
        if self.own_key:
            items.append(ctx.item(self, self.prefix + "TopicKey", "customer-managed key", "kms.keys", 1))
        if self.kms_key != AWS_MANAGED_KEY:
            # Each publish and each delivery asks KMS for a data key or a decryption.
            requests = messages * (1 + len(emails))
            items.append(
                ctx.item(
                    self, self.prefix + "TopicKey", "KMS requests for the topic", "kms.requests", requests / 10_000
                )
            )
        if ctx.spec.stages[ctx.stage].alarms:
            for _, alarm, target in self.alarm_targets(ctx.spec):
                items.append(
                    ctx.item(
                        self,
                        self.alarm_logical_id(alarm, target),
                        f"alarm on {target.name} {alarm.metric}",
                        "cloudwatch.alarms_standard",
                        1,
                    )
                )
        return items


def _valid_statistic(value: str) -> bool:
    return value in ("Sum", "Average", "Maximum", "Minimum", "SampleCount") or bool(_PERCENTILE.match(value))


def _metric_problem(component: Component, metric: str, ctx: Any) -> str | None:
    try:
        available = component.metrics(ctx)
    except Exception:  # a kind whose metrics need the build context; checked again while building
        return None
    if metric in available:
        return None
    hint = getattr(component, "metrics_hint", "")
    if not available:
        detail = f"; {hint}" if hint else ""
        return f"a {component.kind_name} exposes no metrics to alarm on{detail}"
    import difflib

    close = difflib.get_close_matches(metric, list(available), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else ""
    return (
        f"a {component.kind_name} has no metric {metric!r}{suggestion} (metrics of {component.name}: "
        f"{', '.join(available)})"
    )


def _address_id(address: str) -> str:
    return pascal(re.sub(r"[^A-Za-z0-9]+", "-", address))
