"""EventBridge Scheduler schedule that invokes a function on a rate or cron expression.

```yaml
reminders:
  kind: schedule
  expression: rate(5 minutes)     # or cron(0 9 * * ? *), or at(2026-12-24T18:00:00)
  timezone: Europe/Berlin         # cron and at are read in this zone (default UTC)
  target: process-reminders
  retry: {attempts: 3, max_age_seconds: 3600}
```

The schedule lives in its own schedule group (so its CloudWatch metrics are its own), runs exactly
on time (flexible window off), and invokes the target through a role that only
``scheduler.amazonaws.com`` acting for this account may assume and that may only invoke that one
function. Invocations that still fail after the retries land in an encrypted dead-letter queue
instead of being dropped (``dead_letter_queue: false`` turns it off); the queue is encrypted with
the AWS-managed SQS key and refuses requests not made over TLS. ``enabled: false`` (for
example in a stage overlay) creates the schedule switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from awacs import sqs as sqs_actions
from awacs.aws import Allow, PolicyDocument, Statement
from pydantic import Field
from troposphere import GetAtt, Ref, scheduler, sqs

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ._policies import deny_insecure_transport
from ._service_roles import service_role

MINUTES_PER_MONTH = 730 * 60
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}

#: (name, allowed characters, numeric range) of the six fields of an EventBridge cron expression.
_CRON_FIELDS = (
    ("minutes", r"[0-9,\-*/]+", (0, 59)),
    ("hours", r"[0-9,\-*/]+", (0, 23)),
    ("day-of-month", r"[0-9,\-*/?LW]+", (1, 31)),
    ("month", r"[0-9A-Za-z,\-*/]+", (1, 12)),
    ("day-of-week", r"[0-9A-Za-z,\-*?L#/]+", (1, 7)),
    ("year", r"[0-9,\-*/]+", (1970, 2199)),
)


def expression_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid EventBridge Scheduler expression, or None."""
    if expression.startswith("rate("):
        match = _RATE.match(expression)
        if not match:
            return (
                f"{expression!r} is not a rate expression; write rate(<number> <minutes|hours|days>), "
                "e.g. rate(5 minutes)"
            )
        value, unit = int(match.group(1)), match.group(2)
        if value < 1:
            return "a rate must be at least 1"
        singular = unit.rstrip("s")
        expected = singular if value == 1 else singular + "s"
        if unit != expected:
            return f"write rate({value} {expected}) (singular unit for 1, plural otherwise)"
        return None
    if expression.startswith("cron("):
        match = _CRON.match(expression)
        fields = match.group(1).split() if match else []
        if len(fields) == 5:
            return (
                f"{expression!r} has 5 fields; EventBridge cron has 6 (minutes hours day-of-month month "
                "day-of-week year) and one of the day fields must be '?', e.g. cron(0/5 * * * ? *)"
            )
        if len(fields) != 6:
            return (
                f"{expression!r} must have 6 fields: cron(minutes hours day-of-month month day-of-week year), "
                "e.g. cron(0 9 * * ? *)"
            )
        for value, (name, chars, (low, high)) in zip(fields, _CRON_FIELDS, strict=True):
            if not re.fullmatch(chars, value):
                return f"the {name} field {value!r} of {expression!r} has characters it cannot hold"
            for number in re.findall(r"(?<![#/])\b\d+\b", value):
                if not low <= int(number) <= high:
                    return f"the {name} field {value!r} of {expression!r} must stay within {low}-{high}"
        if (fields[2] == "?") == (fields[4] == "?"):
            return f"in {expression!r} exactly one of day-of-month and day-of-week must be '?'"
        return None
    if expression.startswith("at("):
        match = _AT.match(expression)
        if not match:
            return f"{expression!r} must be at(yyyy-mm-ddThh:mm:ss)"
        try:
            datetime.fromisoformat(match.group(1))
        except ValueError:
            return f"{expression!r} is not a real date and time"
        return None
    return (
        f"{expression!r} is not a schedule expression; use rate(5 minutes), cron(0 9 * * ? *) or "
        "at(2026-12-24T18:00:00)"
    )


def timezone_problem(name: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:  # the fast path: listing every zone reads thousands of files (~0.1 s), a lookup reads one
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError):
        pass
    known = available_timezones()
    if not known:  # no time-zone database on this machine: AWS will check it
        return None
    if name in known or name == "UTC":
        return None
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown time zone {name!r}{hint} (IANA names like 'Europe/Berlin' or 'UTC')"


class Retry(SpecModel):
    """How long EventBridge Scheduler keeps retrying a failed invocation."""

    attempts: int = Field(3, ge=0, le=185, description="Retries after the first attempt fails.", examples=[3])
    max_age_seconds: int = Field(
        3600,
        ge=60,
        le=86400,
        description="Give up on an invocation this many seconds after it was due.",
        examples=[3600],
    )


class Schedule(Component):
    """An EventBridge Scheduler schedule that invokes a function."""

    kind: Literal["schedule"] = "schedule"
    expression: str = Field(
        description="When to run: rate(N minutes|hours|days), cron(min hour dom month dow year) or at(datetime).",
        examples=["rate(5 minutes)", "cron(0 9 * * ? *)"],
    )
    timezone: str = Field("UTC", description="IANA time zone for cron and at expressions.", examples=["Europe/Berlin"])
    target: str = Field(description="The function to invoke.", examples=["process-reminders"])
    input: dict[str, Any] | None = Field(
        None, description="JSON event passed to the function on every run.", examples=[{"job": "due-reminders"}]
    )
    enabled: bool = Field(True, description="Whether the schedule runs (a stage overlay can switch it off).")
    retry: Retry = Field(default_factory=Retry, description="Retry policy for failed invocations.")
    dead_letter_queue: bool = Field(
        True, description="Keep invocations that failed every retry in an encrypted SQS queue instead of dropping them."
    )

    summary = "EventBridge Scheduler schedule invoking a function"
    diagram_group = "schedule"

    @property
    def prefix(self) -> str:
        return pascal(self.id_name)

    @property
    def logical_id(self) -> str:
        return self.prefix + "Schedule"

    def references(self) -> Iterator[Reference]:
        yield Reference(("target",), self.target, ("function",), "function")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        problem = expression_problem(self.expression)
        if problem:
            yield ("expression",), problem
        problem = timezone_problem(self.timezone)
        if problem:
            yield ("timezone",), problem
        group = "-".join([ctx.spec.system, ctx.stage_name, self.id_name])
        if len(group) > 64:
            yield (), f"the schedule group name {group!r} would exceed 64 characters; use a shorter component name"

    def build(self, ctx: BuildContext) -> None:
        function = ctx.component(self.target)
        function_arn = GetAtt(function.logical_id, "Arn")  # type: ignore[attr-defined]
        group = scheduler.ScheduleGroup(self.prefix + "ScheduleGroup", Name=ctx.physical_name(self.id_name))
        ctx.add(self, group)
        statements = [Statement(Effect=Allow, Action=[_invoke()], Resource=[function_arn])]
        queue = None
        if self.dead_letter_queue:
            queue = sqs.Queue(
                self.prefix + "DeadLetterQueue",
                KmsMasterKeyId="alias/aws/sqs",  # the AWS-managed key; the scheduler role uses it through SQS
                MessageRetentionPeriod=14 * 24 * 3600,
            )
            ctx.add(self, queue, ("dead_letter_queue",))
            ctx.add(
                self,
                sqs.QueuePolicy(
                    self.prefix + "DeadLetterQueuePolicy",
                    Queues=[Ref(queue)],
                    PolicyDocument=PolicyDocument(
                        Version="2012-10-17",
                        Statement=[deny_insecure_transport(sqs_actions.Action("*"), [GetAtt(queue, "Arn")])],
                    ),
                ),
                ("dead_letter_queue",),
            )
            statements.append(
                Statement(Effect=Allow, Action=[sqs_actions.SendMessage], Resource=[GetAtt(queue, "Arn")])
            )
        role = service_role(
            self.prefix + "SchedulerRole", "scheduler.amazonaws.com", statements, policy_name="invoke-target"
        )
        ctx.add(self, role, ("target",))
        target = scheduler.Target(
            Arn=function_arn,
            RoleArn=GetAtt(role, "Arn"),
            RetryPolicy=scheduler.RetryPolicy(
                MaximumRetryAttempts=self.retry.attempts, MaximumEventAgeInSeconds=self.retry.max_age_seconds
            ),
        )
        if self.input is not None:
            import json

            target.Input = json.dumps(self.input, sort_keys=True, separators=(",", ":"))
        if queue is not None:
            target.DeadLetterConfig = scheduler.DeadLetterConfig(Arn=GetAtt(queue, "Arn"))
        schedule = scheduler.Schedule(
            self.logical_id,
            Name=self.id_name,
            GroupName=Ref(group),
            Description=self.description or f"{ctx.system} {ctx.stage_name}: {self.name}",
            ScheduleExpression=self.expression,
            ScheduleExpressionTimezone=self.timezone,
            FlexibleTimeWindow=scheduler.FlexibleTimeWindow(Mode="OFF"),
            State="ENABLED" if self.enabled else "DISABLED",
            Target=target,
        )
        ctx.add(self, schedule)

    def metrics(self, ctx: Any) -> dict[str, Metric]:
        dims = {"ScheduleGroup": Ref(self.prefix + "ScheduleGroup")}
        metrics = {
            "target_errors": Metric("AWS/Scheduler", "TargetErrorCount", dims, "Sum", "target errors"),
            "dropped": Metric("AWS/Scheduler", "InvocationDroppedCount", dims, "Sum", "dropped invocations"),
            "throttles": Metric("AWS/Scheduler", "InvocationThrottleCount", dims, "Sum", "throttled invocations"),
            "attempts": Metric("AWS/Scheduler", "InvocationAttemptCount", dims, "Sum", "invocation attempts"),
        }
        if self.dead_letter_queue:
            metrics["dead_letters"] = Metric(
                "AWS/Scheduler", "InvocationsSentToDeadLetterCount", dims, "Sum", "invocations sent to the DLQ"
            )
        return metrics

    def runs_per_month(self) -> float | None:
        """Runs a month of a rate (exact) or at (one) expression; None for cron."""
        match = _RATE.match(self.expression)
        if match:
            minutes = int(match.group(1)) * _UNIT_MINUTES[match.group(2).rstrip("s")]
            return MINUTES_PER_MONTH / minutes
        if _AT.match(self.expression):
            return 1.0
        return None

    def cost(self, ctx: CostContext) -> list[LineItem]:
        runs = self.runs_per_month() if self.enabled else 0.0
        description = "scheduled invocations"
        if runs is None:
            runs = ctx.usage(self, "invocations_per_month")
        else:
            description += f" ({runs:,.0f} a month from {self.expression})" if self.enabled else " (disabled)"
        items = [ctx.item(self, self.logical_id, description, "scheduler.invocations", runs / 1e6)]
        if self.dead_letter_queue:
            # An idle queue costs nothing; only failed invocations (unknown, assumed none) are requests.
            items.append(
                ctx.item(
                    self,
                    self.prefix + "DeadLetterQueue",
                    "dead-letter queue requests (failed invocations only; assumed none)",
                    "sqs.standard_requests",
                    0.0,
                )
            )
        return items


def _invoke() -> Any:
    from awacs.awslambda import InvokeFunction

    return InvokeFunction
