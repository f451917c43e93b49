"""Lambda function with its own least-privilege role and log group.

```yaml
handle-batches:
  kind: function
  code: ../handlers/kefir/batches
  uses:
    data: read_write     # TABLE_NAME + DynamoDB item actions on that table only
    photos: read_write   # BUCKET_NAME + object actions on that bucket only
  dead_letter: failed-batches   # a queue component: failed asynchronous invocations land there
  kms_key: data-key    # a key component: encrypts the environment and the log group
```

The role's policy is derived from ``uses``: each used component says which actions an access
level needs (``Component.grant``) and which environment variables carry its name
(``Component.environment``). Nothing else is granted: a ``dead_letter`` queue adds
``sqs:SendMessage`` on that queue only, a ``kms_key`` adds ``kms:Decrypt`` on that key (Lambda decrypts
the environment with the function's role), and the key's policy lets CloudWatch Logs in this region
use the key for the log groups of the functions it encrypts, and for nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import logs, xray
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Ref, awslambda

from ..context import BuildContext, Raw, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _network
from ._service_roles import environment_problems, log_group, log_group_name, service_role

Runtime = Literal[
    "nodejs20.x", "nodejs22.x", "python3.11", "python3.12", "python3.13", "java21", "dotnet8", "ruby3.3",
    "provided.al2023",
]  # fmt: skip


class Function(Component):
    """An AWS Lambda function; code is a local directory that ``aws cloudformation package`` uploads."""

    kind: Literal["function"] = "function"
    code: str = Field(
        description="Directory of the function's code, relative to the spec file.", examples=["handlers/todo"]
    )
    handler: str = Field("index.handler", description="Entry point, as the runtime expects it.")
    runtime: Runtime = Field("nodejs22.x", description="Lambda runtime.")
    architecture: Literal["arm64", "x86_64"] = Field("arm64", description="Instruction set; arm64 costs less.")
    memory: int = Field(256, ge=128, le=10240, description="Memory in MB (CPU scales with it).")
    timeout: int = Field(10, ge=1, le=900, description="Timeout in seconds.")
    environment: dict[str, str] = Field(
        default_factory=dict,
        description="Plain environment variables. Secrets belong in a secret component, not here.",
        examples=[{"LOG_LEVEL": "info"}],
    )
    uses: dict[str, Literal["read", "write", "read_write", "invoke", "publish", "send"]] = Field(
        default_factory=dict,
        description=(
            "Components this function uses, with the access it needs. Grants exactly that access and passes "
            "the component's name or id in an environment variable."
        ),
        examples=[{"data": "read_write", "photos": "read"}],
    )
    reserved_concurrency: int | None = Field(
        None,
        ge=0,
        description="Reserved concurrent executions; caps cost and protects downstream systems.",
        examples=[10],
    )
    tracing: bool = Field(True, description="AWS X-Ray active tracing.")
    network: str | None = Field(
        None,
        description="A network component: the function runs in its private subnets with its own security group.",
        examples=["main"],
    )
    layers: list[str] = Field(
        default_factory=list, description="Layer components (shared dependencies), in order.", examples=[["deps"]]
    )
    dead_letter: str | None = Field(
        None,
        description=(
            "A queue component that receives the events of asynchronous invocations (schedules, S3, SNS, "
            "EventBridge) that failed every retry; the role may send to that queue only. Synchronous callers "
            "(APIs) get their errors back and never use it."
        ),
        examples=["failed-jobs"],
    )
    kms_key: str | None = Field(
        None,
        description=(
            "A key component that encrypts the function's environment variables and its log group "
            "(default: Lambda's and CloudWatch Logs' own keys)."
        ),
        examples=["data-key"],
    )

    summary = "Lambda function with its own role and log group"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Function"

    @property
    def role_id(self) -> str:
        return pascal(self.id_name) + "Role"

    @property
    def log_group_id(self) -> str:
        return pascal(self.id_name) + "LogGroup"

    def references(self) -> Iterator[Reference]:
        for target in self.uses:
            yield Reference(("uses", target), target, _usable_kinds(), "component")
        if self.network:
            yield Reference(("network",), self.network, ("network",), "network")
        for index, layer in enumerate(self.layers):
            yield Reference(("layers", index), layer, ("layer",), "layer")
        if self.dead_letter:
            yield Reference(("dead_letter",), self.dead_letter, ("queue",), "queue")
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def log_group_name(self, ctx: Any) -> str:
        return log_group_name(ctx, self.id_name)

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for target, access in self.uses.items():
            used = ctx.spec.components.get(target)
            if used is not None and access not in used.access_levels:
                levels = ", ".join(used.access_levels) or "none"
                yield ("uses", target), f"a {used.kind_name} cannot be used with {access!r}; valid: {levels}"
        # names, secret-looking names with a value, credential-shaped values (as service and build_project)
        yield from environment_problems(self.environment, secrets_field="uses")

        yield from _network.check_network_member(ctx, self)
        yield from _network.check_uses(ctx, self)
        from .layer import check_layers

        yield from check_layers(ctx, self)

    def build(self, ctx: BuildContext) -> None:
        group = log_group(ctx, self.log_group_id, self.log_group_name(ctx), self.kms_key)
        ctx.add(self, group)
        statements = [
            Statement(
                Effect=Allow,
                Action=[logs.CreateLogStream, logs.PutLogEvents],
                Resource=[GetAtt(self.log_group_id, "Arn")],
            )
        ]
        if self.tracing:
            # X-Ray's write actions have no resource-level permissions; "*" is the only valid scope.
            statements.append(
                Statement(Effect=Allow, Action=[xray.PutTraceSegments, xray.PutTelemetryRecords], Resource=["*"])
            )
        if self.network:
            statements += _network.lambda_vpc_statements()
        environment: dict[str, Any] = {}
        for target, access in sorted(self.uses.items()):
            used = ctx.component(target)
            statements += used.grant(ctx, access)
            for var, value in used.provided_env(ctx).items():
                environment[self._env_name(ctx, target, var)] = value
        environment.update(self.environment)
        if self.dead_letter:
            statements += ctx.component(self.dead_letter).dead_letter_statements(ctx)  # type: ignore[attr-defined]
        if self.kms_key and environment:
            from .key import key_arn

            # Lambda decrypts the environment with the function's role when an execution environment starts.
            statements.append(Statement(Effect=Allow, Action=[kms_decrypt()], Resource=[key_arn(ctx, self.kms_key)]))
        # No aws:SourceAccount condition: Lambda documents no confused-deputy keys for assuming a function's
        # own execution role (aws:SourceArn/SourceAccount are for services invoking the function, checked by
        # its resource policy), and a condition the service does not meet keeps the function from starting.
        # Another account cannot make Lambda assume it: attaching a role to a function needs iam:PassRole on
        # the role, which only principals of this account can be granted.
        role = service_role(self.role_id, "lambda.amazonaws.com", statements, same_account=False)
        ctx.add(self, role)
        function = awslambda.Function(
            self.logical_id,
            Code=Raw(ctx.code_path(self.code)),
            Handler=self.handler,
            Runtime=self.runtime,
            Architectures=[self.architecture],
            MemorySize=self.memory,
            Timeout=self.timeout,
            Role=GetAtt(role, "Arn"),
            LoggingConfig=Raw({"LogFormat": "JSON", "LogGroup": Ref(group)}),
            TracingConfig=awslambda.TracingConfig(Mode="Active" if self.tracing else "PassThrough"),
        )
        if self.description:
            function.Description = self.description
        if environment:
            function.Environment = awslambda.Environment(Variables=dict(sorted(environment.items())))
        if self.reserved_concurrency is not None:
            function.ReservedConcurrentExecutions = self.reserved_concurrency
        if self.network:
            function.VpcConfig = _network.lambda_vpc_config(ctx, self)
        if self.layers:
            function.Layers = [Ref(ctx.component(name).logical_id) for name in self.layers]
        if self.dead_letter:
            function.DeadLetterConfig = awslambda.DeadLetterConfig(
                TargetArn=ctx.component(self.dead_letter).arn  # type: ignore[attr-defined]
            )
        if self.kms_key:
            from .key import key_arn

            function.KmsKeyArn = key_arn(ctx, self.kms_key)
        ctx.add(self, function)

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        """CloudWatch Logs in this region may use the key for the log groups of the functions it encrypts, and
        only for those: one statement for all of them (written by the first such function, by name), so a key
        policy (32 KB at most) does not grow by a statement per function."""
        if key != self.kms_key:
            return []
        users = sorted(
            name
            for name, c in ctx.spec.components.items()
            if c.kind_name == "function" and getattr(c, "kms_key", None) == key
        )
        if users[0] != self.name:
            return []
        from .key import logs_statement

        groups = [ctx.component(name).log_group_name(ctx) for name in users]  # type: ignore[attr-defined]
        return [logs_statement(ctx, "FunctionLogGroups", groups)]

    def _env_name(self, ctx: BuildContext, target: str, var: str) -> str:
        """``TABLE_NAME`` when one used component provides it, ``DATA_TABLE_NAME`` when several do."""
        providers = [t for t in self.uses if var in ctx.component(t).provided_env(ctx)]
        if len(providers) > 1:
            return f"{target.upper().replace('-', '_')}_{var}"
        return var

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"FunctionName": Ref(self.logical_id)}
        return {
            "errors": Metric("AWS/Lambda", "Errors", dims, "Sum", "errors"),
            "throttles": Metric("AWS/Lambda", "Throttles", dims, "Sum", "throttles"),
            "duration": Metric("AWS/Lambda", "Duration", dims, "Average", "average duration (ms)"),
            "invocations": Metric("AWS/Lambda", "Invocations", dims, "Sum", "invocations"),
        }

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        return [
            Statement(
                Effect=Allow,
                Action=[awslambda_invoke()],
                Resource=[GetAtt(self.logical_id, "Arn")],
            )
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {f"{self.name.upper().replace('-', '_')}_FUNCTION_NAME": Ref(self.logical_id)}

    access_levels = ("invoke",)

    def cost(self, ctx: CostContext) -> list[LineItem]:
        # Requests are priced per million; compute per GB-second, at the architecture's rate.
        invocations = ctx.usage(self, "requests_per_month")
        duration_s = ctx.usage(self, "avg_duration_ms") / 1000
        gb_seconds = invocations * duration_s * self.memory / 1024
        arch = "arm" if self.architecture == "arm64" else "x86"
        items = [
            ctx.item(self, self.logical_id, "requests", "lambda.requests", invocations / 1e6),
            ctx.item(
                self,
                self.logical_id,
                f"compute ({self.memory} MB, {arch})",
                f"lambda.gb_second_{arch}",
                gb_seconds,
            ),
            *ctx.log_items(self, self.log_group_id, events=invocations),
        ]
        if self.tracing:
            traces = invocations * ctx.usage(self, "trace_sample_rate")
            items.append(ctx.item(self, self.logical_id, "X-Ray traces recorded", "xray.traces_recorded", traces / 1e6))
        return items


def kms_decrypt() -> Any:
    from awacs.kms import Decrypt

    return Decrypt


def awslambda_invoke() -> Any:
    from awacs.awslambda import InvokeFunction

    return InvokeFunction


def _usable_kinds() -> tuple[str, ...]:
    from . import kinds_where

    # Lazy: ``in`` loads only the kind asked about (listing them all, for an error message, loads all).
    return kinds_where(lambda cls: bool(cls.access_levels))  # type: ignore[return-value]
