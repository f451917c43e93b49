"""SQS standard queue, encrypted at rest and reachable only over TLS; a function's dead-letter queue.

```yaml
failed-jobs:
  kind: queue
  description: Events the archiver failed to process after Lambda's retries
  retention_days: 14
  kms_key: data-key            # optional customer-managed key (default: the AWS-managed key for SQS)
archive-orders:
  kind: function
  code: handlers/archive-orders
  dead_letter: failed-jobs     # failed asynchronous invocations land here instead of being dropped
```

The queue is encrypted with the AWS-managed key ``alias/aws/sqs`` or with a ``key`` component, and its
policy denies every request that does not use TLS. A function with ``dead_letter: <queue>`` gets
``sqs:SendMessage`` on that queue only (and, with a customer-managed key, ``kms:GenerateDataKey`` and
``kms:Decrypt`` on that key only through SQS). A function may also ``uses: {failed-jobs: read}`` it to
drain or redrive it (receive, delete, change visibility), or ``send`` to it; it gets ``QUEUE_URL``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Literal

from awacs import sqs as sqs_actions
from awacs.aws import Allow, PolicyDocument, Statement
from pydantic import Field
from troposphere import GetAtt, Ref, sqs

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ._policies import deny_insecure_transport

SEND = [sqs_actions.GetQueueAttributes, sqs_actions.SendMessage]
READ = [
    sqs_actions.ChangeMessageVisibility,
    sqs_actions.DeleteMessage,
    sqs_actions.GetQueueAttributes,
    sqs_actions.ReceiveMessage,
]


class Queue(Component):
    """An SQS standard queue, encrypted, TLS only; used as a function's dead-letter queue or by functions."""

    kind: Literal["queue"] = "queue"
    retention_days: int = Field(
        14, ge=1, le=14, description="Days a message is kept before SQS deletes it (at most 14).", examples=[14]
    )
    visibility_timeout: int = Field(
        30,
        ge=0,
        le=43200,
        description="Seconds a received message stays hidden from other consumers.",
        examples=[60],
    )
    kms_key: str | None = Field(
        None,
        description="A key component to encrypt the messages with (default: the AWS-managed key alias/aws/sqs).",
        examples=["data-key"],
    )

    access_levels = ("send", "read", "read_write")
    summary = "SQS queue (encrypted, TLS only), e.g. a function's dead-letter queue"
    diagram_group = "messaging"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Queue"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    def references(self) -> Iterator[Reference]:
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def build(self, ctx: BuildContext) -> None:
        if self.kms_key:
            from .key import key_arn

            key: Any = key_arn(ctx, self.kms_key)
        else:
            key = "alias/aws/sqs"  # the AWS-managed key; principals of this account use it through SQS
        queue = sqs.Queue(
            self.logical_id,
            KmsMasterKeyId=key,
            MessageRetentionPeriod=self.retention_days * 24 * 3600,
            VisibilityTimeout=self.visibility_timeout,
        )
        ctx.add(self, queue)
        ctx.add(
            self,
            sqs.QueuePolicy(
                pascal(self.id_name) + "QueuePolicy",
                Queues=[Ref(queue)],
                PolicyDocument=PolicyDocument(
                    Version="2012-10-17",
                    Statement=[deny_insecure_transport(sqs_actions.Action("*"), [self.arn])],
                ),
            ),
        )
        ctx.output(self, pascal(self.id_name) + "QueueUrl", Ref(queue), f"URL of the {self.name} queue")

    def _statements(self, ctx: BuildContext, actions: list[Any], key_access: str) -> list[Any]:
        statements = [
            Statement(Effect=Allow, Action=sorted(set(actions), key=lambda a: a.JSONrepr()), Resource=[self.arn])
        ]
        if self.kms_key:
            from .key import via_service_statement

            statements.append(via_service_statement(ctx, self.kms_key, "sqs", key_access))  # type: ignore[arg-type]
        return statements

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        actions = {"send": SEND, "read": READ, "read_write": SEND + READ}[access]
        key_access = {"send": "write", "read": "read", "read_write": "read_write"}[access]
        return self._statements(ctx, actions, key_access)

    def dead_letter_statements(self, ctx: BuildContext) -> list[Any]:
        """What a function whose dead-letter queue this is needs: send messages here, nothing else."""
        return self._statements(ctx, [sqs_actions.SendMessage], "write")

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"QUEUE_URL": Ref(self.logical_id)}

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"QueueName": GetAtt(self.logical_id, "QueueName")}
        return {
            "visible": Metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", dims, "Maximum", "messages waiting"),
            "oldest_age": Metric(
                "AWS/SQS", "ApproximateAgeOfOldestMessage", dims, "Maximum", "age of the oldest message (s)"
            ),
            "sent": Metric("AWS/SQS", "NumberOfMessagesSent", dims, "Sum", "messages sent"),
        }

    def dead_letter_of(self, spec: Any) -> list[str]:
        """Names of the functions that use this queue as their dead-letter queue."""
        return sorted(name for name, c in spec.components.items() if getattr(c, "dead_letter", None) == self.name)

    def cost(self, ctx: CostContext) -> list[LineItem]:
        # Priced per million requests (each 64 KB chunk of a payload is one request); an idle queue costs nothing.
        # A dead-letter queue sees only failures: the system's or stage's message volume says nothing about it,
        # so only the component's own usage.messages_per_month counts there.
        functions = self.dead_letter_of(ctx.spec)
        if functions and (self.usage is None or self.usage.messages_per_month is None):
            what = ", ".join(functions)
            return [
                ctx.item(
                    self,
                    self.logical_id,
                    f"requests (dead-letter queue of {what}: failed asynchronous invocations only; assumed none)",
                    "sqs.standard_requests",
                    0.0,
                )
            ]
        messages = ctx.usage(self, "messages_per_month")
        chunks = max(1, math.ceil(ctx.usage(self, "avg_payload_kb") / 64))
        return [
            ctx.item(
                self,
                self.logical_id,
                f"requests (send, receive and delete each message; {chunks} x 64 KB chunk(s))",
                "sqs.standard_requests",
                messages * 3 * chunks / 1e6,
            )
        ]
