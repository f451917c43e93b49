"""Lambda layer: shared dependencies packaged once, used by several functions.

```yaml
deps:
  kind: layer
  code: ../handlers/malumz/layer     # holds python/ (or nodejs/node_modules/) as Lambda expects
  runtimes: [python3.12]
  architectures: [arm64]

gap-test:
  kind: function
  runtime: python3.12
  layers: [deps]
```

``aws cloudformation package`` zips and uploads the directory, like a function's code. A function
may only use a layer built for its runtime and architecture, and at most five layers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field
from troposphere import awslambda

from ..context import BuildContext, Raw, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component
from .function import Runtime

MAX_LAYERS = 5  # Lambda's limit per function


class Layer(Component):
    """A Lambda layer version built from a local directory."""

    kind: Literal["layer"] = "layer"
    code: str = Field(
        description=(
            "Directory of the layer's content, relative to the spec file (python/... or nodejs/node_modules/...)."
        ),
        examples=["handlers/shared/layer"],
    )
    runtimes: list[Runtime] = Field(
        min_length=1,
        max_length=15,
        description="Runtimes the layer is built for; functions on other runtimes cannot use it.",
        examples=[["python3.12"]],
    )
    architectures: list[Literal["arm64", "x86_64"]] = Field(
        default_factory=lambda: ["arm64"],
        min_length=1,
        description="Instruction sets the layer's native code is built for.",
    )
    license: str | None = Field(None, description="License of the layer's content (SPDX id).", examples=["MIT"])

    summary = "Lambda layer (shared dependencies)"
    diagram_group = "compute"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Layer"

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if len(set(self.runtimes)) != len(self.runtimes):
            yield ("runtimes",), "a runtime is listed twice"
        if len(set(self.architectures)) != len(self.architectures):
            yield ("architectures",), "an architecture is listed twice"

    def build(self, ctx: BuildContext) -> None:
        layer = awslambda.LayerVersion(
            self.logical_id,
            LayerName=ctx.physical_name(self.id_name),
            Content=Raw(ctx.code_path(self.code)),
            CompatibleRuntimes=sorted(self.runtimes),
            CompatibleArchitectures=sorted(self.architectures),
        )
        if self.description:
            layer.Description = self.description
        if self.license:
            layer.LicenseInfo = self.license
        ctx.add(self, layer)

    def cost(self, ctx: CostContext) -> list[LineItem]:
        # Layers have no charge of their own: their size counts toward the account's 75 GB of
        # function and layer storage, which Lambda does not bill.
        return []


def check_layers(ctx: Any, function: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """A function's layers fit its runtime and architecture, and there are at most five."""
    layers = getattr(function, "layers", None) or []
    if len(layers) > MAX_LAYERS:
        yield ("layers",), f"a function can use at most {MAX_LAYERS} layers, not {len(layers)}"
    if len(set(layers)) != len(layers):
        yield ("layers",), "a layer is listed twice"
    for index, name in enumerate(layers):
        layer = ctx.spec.components.get(name)
        if not isinstance(layer, Layer):
            continue  # the reference check reports it
        if function.runtime not in layer.runtimes:
            yield (
                ("layers", index),
                f"layer {name!r} is built for {', '.join(layer.runtimes)}, not this function's {function.runtime}",
            )
        if function.architecture not in layer.architectures:
            yield (
                ("layers", index),
                f"layer {name!r} is built for {', '.join(layer.architectures)}, not this function's "
                f"{function.architecture}",
            )
