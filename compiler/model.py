"""The component base class and references between components.

``Component`` is the base of every component kind; a kind lives in one
module under ``compiler/components`` and holds its model, its build and its cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, PrivateAttr

from .base import NAME_PATTERN, NAME_RE, SpecModel
from .security import Security
from .usage import Usage

if TYPE_CHECKING:
    from .context import BuildContext
    from .cost.model import CostContext, LineItem
    from .metrics import Metric


@dataclass(frozen=True)
class Reference:
    """A name in a spec that must resolve to another component of one of ``kinds``."""

    path: tuple[Any, ...]  # relative to the component
    target: str
    kinds: tuple[str, ...]
    what: str = "component"


class Component(SpecModel):
    """Base of every component kind.

    Subclasses set ``kind: Literal["..."]`` and override what applies:
    ``references`` (names they point at), ``build`` (troposphere resources), ``cost`` (line items),
    ``metrics`` (what alarms and dashboards may watch), and, for things functions can use,
    ``grant`` and ``provided_env``.
    """

    description: str | None = Field(
        None, description="What this component is for.", examples=["Stores the to-do items"]
    )
    usage: Usage | None = Field(None, description="Usage assumptions of this component for cost estimates.")
    renamed_from: str | None = Field(
        None,
        pattern=NAME_PATTERN,
        description=(
            "The name this component had before it was renamed. Its logical IDs (and so the deployed resources, "
            "with their data) stay those of the old name; `specc diff` shows a rename, not a replacement."
        ),
        examples=["photos"],
    )
    security: Security | None = Field(
        None, description="Checkov checks this component knowingly does not meet, each with the reason."
    )

    # Set by the spec after validation; the component's key under ``components``.
    _name: str = PrivateAttr(default="")

    #: Stateful kinds hold data; they get deletion protection and a stable nested stack.
    stateful: ClassVar[bool] = False
    #: Access levels a function may ask for in ``uses:`` (empty: cannot be used).
    access_levels: ClassVar[tuple[str, ...]] = ()
    #: Short description for docs and ``specc explain``.
    summary: ClassVar[str] = ""
    #: Where ``specc diagram`` draws the kind: "edge", "frontend", "cdn", "api", "auth", "compute", "messaging",
    #: "data", "storage", "security", "schedule", "monitoring", "cicd" or "network" (components that
    #: reference a network are drawn inside it). Empty: derived from the kind name (compiler/diagram.py).
    diagram_group: ClassVar[str] = ""
    #: How an AWS WAF web ACL protects this kind: "REGIONAL" (a WebACLAssociation on ``web_acl_target``),
    #: "CLOUDFRONT" (the kind sets WebACLId itself, from ``waf.web_acl_arn_for``), or "" (it cannot).
    web_acl_scope: ClassVar[str] = ""

    @property
    def name(self) -> str:
        return self._name

    @property
    def id_name(self) -> str:
        """The name logical IDs and physical names derive from: ``renamed_from`` if set, else the name."""
        return self.renamed_from or self._name

    @property
    def kind_name(self) -> str:
        return type(self).model_fields["kind"].default

    def references(self) -> Iterator[Reference]:
        return iter(())

    def build(self, ctx: BuildContext) -> None:
        raise NotImplementedError(f"component kind {self.kind_name!r} has no build")

    def cost(self, ctx: CostContext) -> list[LineItem]:
        raise NotImplementedError

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        """Named CloudWatch metrics of this component, for alarms and dashboards."""
        return {}

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        """IAM statements that give a function ``access`` to this component."""
        return []

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        """Environment variables a function using this component receives."""
        return {}

    def secret_arn(self, ctx: BuildContext) -> Any | None:
        """ARN of the Secrets Manager secret this component holds, for services and builds that inject it.

        Default: the single ``*SECRET_ARN`` variable of ``provided_env`` (secrets, database credentials).
        """
        arns = [v for k, v in sorted(self.provided_env(ctx).items()) if k.endswith("SECRET_ARN")]
        return arns[0] if len(arns) == 1 else None

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        """Key-policy statements the AWS services behind this component need on KMS key component ``key``."""
        return []

    def web_acl_target(self, ctx: BuildContext) -> Any:
        """The ARN a REGIONAL web ACL is associated with (see ``web_acl_scope``)."""
        return None

    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        """Bucket-policy statements this component needs on bucket component ``bucket`` (e.g. CloudFront reads)."""
        return []

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Cross-field checks pydantic cannot express; yields (relative path, message)."""
        return iter(())


__all__ = ["NAME_PATTERN", "NAME_RE", "Component", "Reference", "SpecModel"]
