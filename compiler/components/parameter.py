"""SSM Parameter Store parameter: plain configuration that functions read at run time.

```yaml
feature-flags:
  kind: parameter
  value: '{"pdfExport": true, "chatModel": "gpt-4o-mini"}'
allowed-origins:
  kind: parameter
  values: [https://wizard.flowency.build, https://staging.wizard.flowency.build]
```

The parameter is named ``/<system>/<stage>/<name>``. A function with ``uses: {feature-flags: read}``
gets ``ssm:GetParameter`` on that parameter only and its name in ``PARAMETER_NAME``. Parameters hold
configuration, not secrets: a value that looks like a credential, or a parameter whose name says it
is one, is an error pointing at the ``secret`` kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import ssm
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import Ref, Sub
from troposphere import ssm as tssm

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..credentials import credential_kind, literal_secret_message, secret_like_name
from ..model import Component


class Parameter(Component):
    """An SSM String or StringList parameter holding non-secret configuration."""

    kind: Literal["parameter"] = "parameter"
    value: str | None = Field(
        None,
        description="The value (a String parameter). Non-secret configuration only.",
        examples=['{"pdfExport": true}'],
        min_length=1,
        max_length=8192,
    )
    values: list[str] | None = Field(
        None,
        description="The values (a StringList parameter); none may contain a comma.",
        examples=[["https://example.com", "https://www.example.com"]],
        min_length=1,
    )
    tier: Literal["standard", "advanced"] = Field(
        "standard", description="Standard (free, up to 4 KB) or advanced (paid, up to 8 KB)."
    )
    allowed_pattern: str | None = Field(
        None, description="A regular expression every value must match.", examples=["^[a-z0-9,-]+$"]
    )

    access_levels = ("read", "write", "read_write")
    summary = "SSM parameter (configuration, not secrets)"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Parameter"

    def parameter_name(self, system: str, stage: str) -> str:
        return f"/{system}/{stage}/{self.id_name}"

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if (self.value is None) == (self.values is None):
            yield (), "give exactly one of 'value' (a String parameter) or 'values' (a StringList)"
            return
        if secret_like_name(self.name):
            yield (
                (),
                (
                    f"{self.name!r} sounds like a secret; parameters are plain text to anyone who can read them "
                    "-- use a 'secret' component"
                ),
            )
        items: list[tuple[tuple[Any, ...], str]] = (
            [(("value",), self.value)]
            if self.value is not None
            else [(("values", i), v) for i, v in enumerate(self.values or [])]
        )
        size = 0
        for path, item in items:
            what = credential_kind(item)
            if what:
                yield path, literal_secret_message(what)
            if self.values is not None and "," in item:
                yield path, "a StringList value may not contain a comma"
            size += len(item.encode()) + 1
        limit = 4096 if self.tier == "standard" else 8192
        if size - 1 > limit:
            yield (
                ("value",) if self.value is not None else ("values",),
                (
                    f"{size - 1} bytes is more than a {self.tier} parameter holds ({limit})"
                    + ("; use tier: advanced" if self.tier == "standard" else "")
                ),
            )

    def build(self, ctx: BuildContext) -> None:
        parameter = tssm.Parameter(
            self.logical_id,
            Name=self.parameter_name(ctx.system, ctx.stage_name),
            Type="String" if self.value is not None else "StringList",
            Value=self.value if self.value is not None else ",".join(self.values or []),
            Tier={"standard": "Standard", "advanced": "Advanced"}[self.tier],
            DataType="text",
        )
        if self.description:
            parameter.Description = self.description
        if self.allowed_pattern:
            parameter.AllowedPattern = self.allowed_pattern
        ctx.add(self, parameter)

    def _arn(self, ctx: BuildContext) -> Sub:
        return Sub(
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
            + self.parameter_name(ctx.system, ctx.stage_name)
        )

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        read = [ssm.GetParameter, ssm.GetParameters]
        write = [ssm.PutParameter]
        actions = {"read": read, "write": write, "read_write": read + write}[access]
        return [Statement(Effect=Allow, Action=sorted(actions, key=lambda a: a.JSONrepr()), Resource=[self._arn(ctx)])]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"PARAMETER_NAME": Ref(self.logical_id)}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        key = "ssm.parameters_standard" if self.tier == "standard" else "ssm.parameters_advanced"
        return [ctx.item(self, self.logical_id, f"{self.tier} parameter", key, 1)]
