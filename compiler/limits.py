"""CloudFormation's per-template limits, and the spec settings that decide when specc splits.

```yaml
limits:
  max_resources_per_stack: 400   # split earlier than CloudFormation's 500
  split: true                    # false: fail instead of writing nested stacks
```

Every compiled template (a stage's parent and each nested child) is measured against the limits
CloudFormation enforces at deploy time: 500 resources, 200 outputs, 200 parameters, and a template
body of at most 51,200 bytes when passed directly or 1,000,000 bytes from S3 (which is how
``aws cloudformation package`` deploys it). ``specc compile`` prints the figures for each template and
refuses to write a template that would be rejected. This module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from .base import SpecModel

#: CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
MAX_RESOURCES = 500
MAX_OUTPUTS = 200
MAX_PARAMETERS = 200
MAX_BODY_DIRECT = 51_200  # TemplateBody passed inline to the API
MAX_BODY_S3 = 1_000_000  # TemplateURL, what `aws cloudformation package` + `deploy` use (cfn-lint's figure too)


class Limits(SpecModel):
    """When a stage's template is split into nested stacks (docs/scale.md)."""

    max_resources_per_stack: int = Field(
        MAX_RESOURCES,
        ge=5,
        le=MAX_RESOURCES,
        description=(
            "Split a stage into nested stacks once its template would hold more resources than this, and keep "
            "every nested stack at or under it. CloudFormation's own limit is 500."
        ),
        examples=[400],
    )
    split: bool = Field(
        True,
        description=(
            "Split into nested stacks when a limit would be broken. false: fail with an error instead, for "
            "teams that want one flat stack and would rather change the spec."
        ),
        examples=[False],
    )
    stack_slots: int | None = Field(
        None,
        ge=1,
        le=200,
        description=(
            "How many nested-stack slots each layer of a split stage has. A stateless part's slot is chosen by "
            "hashing its name, so it never moves when other parts are added; changing this number moves "
            "nearly everything, so choose it once. Default: max_resources_per_stack / 25 (20 for 500)."
        ),
        examples=[40],
    )


@dataclass(frozen=True)
class TemplateUsage:
    """What one template uses of CloudFormation's limits."""

    path: str
    resources: int
    outputs: int
    parameters: int
    bytes: int

    def problems(self, max_resources: int = MAX_RESOURCES) -> list[str]:
        """Every limit this template breaks, as sentences; empty when it deploys."""
        out = []
        if self.resources > max_resources:
            limit = "CloudFormation allows 500" if max_resources == MAX_RESOURCES else f"the limit is {max_resources}"
            out.append(f"{self.resources} resources; {limit} per stack")
        if self.outputs > MAX_OUTPUTS:
            out.append(f"{self.outputs} outputs; CloudFormation allows {MAX_OUTPUTS} per stack")
        if self.parameters > MAX_PARAMETERS:
            out.append(f"{self.parameters} parameters; CloudFormation allows {MAX_PARAMETERS} per stack")
        if self.bytes > MAX_BODY_S3:
            out.append(f"{self.bytes:,} bytes; CloudFormation accepts at most {MAX_BODY_S3:,} bytes from S3")
        return out

    def summary(self) -> str:
        """``81/500 resources, 61,102 B (119% of 51,200 inline, 6% of 1 MB), 6/200 outputs, 0/200 parameters``."""
        return (
            f"{self.resources}/{MAX_RESOURCES} resources, {self.bytes:,} B "
            f"({_pct(self.bytes, MAX_BODY_DIRECT)} of 51,200 inline, {_pct(self.bytes, MAX_BODY_S3)} of 1 MB), "
            f"{self.outputs}/{MAX_OUTPUTS} outputs, {self.parameters}/{MAX_PARAMETERS} parameters"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "resources": self.resources,
            "outputs": self.outputs,
            "parameters": self.parameters,
            "bytes": self.bytes,
            "limits": {
                "resources": MAX_RESOURCES,
                "outputs": MAX_OUTPUTS,
                "parameters": MAX_PARAMETERS,
                "bytes_inline": MAX_BODY_DIRECT,
                "bytes_s3": MAX_BODY_S3,
            },
        }


def measure(template: dict[str, Any], text: str, path: str = "") -> TemplateUsage:
    """Count a template's resources, outputs, parameters and bytes (UTF-8, as written)."""
    return TemplateUsage(
        path=path,
        resources=len(template.get("Resources") or {}),
        outputs=len(template.get("Outputs") or {}),
        parameters=len(template.get("Parameters") or {}),
        bytes=len(text.encode("utf-8")),
    )


def _pct(value: int, limit: int) -> str:
    return f"{100 * value / limit:.0f}%"
