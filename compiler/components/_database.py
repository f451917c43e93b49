"""What the database kinds (``documentdb``, ``postgres``) share: class lists, identifiers, log groups, references."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from ..context import pascal
from ..model import Reference
from ._network import network_of, subnet_ids

#: Instance classes Amazon DocumentDB offers (instance-based clusters), from the AWS pricing data
#: cfn-lint ships. Not every class exists in every region; cfn-lint checks the region.
DOCDB_CLASSES: tuple[str, ...] = (
    "db.t3.medium", "db.t4g.medium",
    *(f"db.r5.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")),
    *(f"db.r6g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
    *(f"db.r6gd.{s}" for s in ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")),
    *(f"db.r8g.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
                              "48xlarge")),
)  # fmt: skip

_GRAVITON_AND_INTEL = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")

#: Instance classes RDS for PostgreSQL offers (current generations), from the same pricing data.
POSTGRES_CLASSES: tuple[str, ...] = (
    *(f"db.t3.{s}" for s in ("micro", "small", "medium", "large", "xlarge", "2xlarge")),
    *(f"db.t4g.{s}" for s in ("micro", "small", "medium", "large", "xlarge", "2xlarge")),
    *(f"db.m5.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge")),
    *(f"db.m6g.{s}" for s in _GRAVITON_AND_INTEL),
    *(f"db.m6i.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "32xlarge")),
    *(f"db.m7g.{s}" for s in _GRAVITON_AND_INTEL),
    *(f"db.m7i.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "48xlarge")),
    *(f"db.m8g.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "48xlarge")),
    *(f"db.r5.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge")),
    *(f"db.r6g.{s}" for s in _GRAVITON_AND_INTEL),
    *(f"db.r6i.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "32xlarge")),
    *(f"db.r7g.{s}" for s in _GRAVITON_AND_INTEL),
    *(f"db.r7i.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "48xlarge")),
    *(f"db.r8g.{s}" for s in (*_GRAVITON_AND_INTEL, "24xlarge", "48xlarge")),
)

#: Names the engines reserve for themselves; a master user cannot take them.
RESERVED_USERNAMES = frozenset({"admin", "root", "rdsadmin", "postgres", "serviceadmin", "system"})


def check_instance_class(value: str, known: tuple[str, ...], engine: str) -> str | None:
    """A message for an unknown instance class, suggesting close ones; None when it is known."""
    if value in known:
        return None
    family = value.rsplit(".", 1)[0]
    close = [c for c in known if c.startswith(family + ".")][:3]  # the same family first
    close += [c for c in difflib.get_close_matches(value, known, n=3, cutoff=0.6) if c not in close]
    close = close[:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    families = sorted({c.rsplit(".", 1)[0] for c in known})
    return f"{value!r} is not a {engine} instance class{hint} (families: {', '.join(families)})"


def identifier(ctx: Any, component: Any) -> str:
    """A deterministic DB identifier (lower-case letters, digits and single hyphens, at most 63 chars)."""
    raw = ctx.physical_name(component.id_name).lower().replace("_", "-")
    return re.sub("-+", "-", raw)[:63].rstrip("-")


def backup_window_field() -> Any:
    """The ``backup_window`` field both database kinds have."""
    return Field(
        None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
        description="Daily UTC backup window (hh:mm-hh:mm); AWS picks one when left out.",
        examples=["03:00-04:00"],
    )


def allow_from_field(what: str) -> Any:
    """The ``allow_from`` field of a database kind (``what``: how the description names one of them)."""
    return Field(
        default_factory=list,
        description=f"Components admitted besides those that list this {what} under 'uses' (same network).",
        examples=[["migrations"]],
    )


def subnet_group(ctx: Any, component: Any, resource_type: Any) -> None:
    """``<Name>SubnetGroup`` of ``resource_type`` (RDS's or DocumentDB's) over the network's database subnets."""
    ctx.add(
        component,
        resource_type(
            f"{pascal(component.id_name)}SubnetGroup",
            DBSubnetGroupDescription=f"{ctx.physical_name(component.id_name)}: database subnets",
            SubnetIds=subnet_ids(ctx, component, "database"),
        ),
        ("network",),
    )


def network_reference_kinds() -> tuple[str, ...]:
    """Kinds that can run in a network (have a ``network`` field): the ones ``allow_from`` may name."""
    from . import component_kinds

    return tuple(k for k, cls in component_kinds().items() if "network" in cls.model_fields and k != "network")


def references(component: Any) -> Iterator[Reference]:
    yield Reference(("network",), component.network, ("network",), "network")
    for index, name in enumerate(getattr(component, "allow_from", None) or []):
        yield Reference(("allow_from", index), name, network_reference_kinds(), "component")
    if getattr(component, "kms_key", None):
        yield Reference(("kms_key",), component.kms_key, ("key",), "key")


def check_network(ctx: Any, component: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """A database's network spans at least two zones (subnet groups need two)."""
    target = ctx.spec.components.get(network_of(component))
    if target is not None and target.kind_name == "network" and target.availability_zones < 2:
        yield (
            ("network",),
            f"a {component.kind_name} subnet group needs subnets in two availability zones; network "
            f"{component.network!r} has {target.availability_zones}",
        )
