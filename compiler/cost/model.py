"""Cost model types: usage assumptions a spec declares, and the line items a component prices.

The usage model is part of the spec (system, stage and component level). A component's ``cost``
turns the usage in force into ``LineItem``s through ``CostContext.item``, which looks the price up
in the region's catalogue (``prices/<region>.json``). A missing price is never zero: the line is
kept with ``unit_price=None`` and the report counts it as "not priced".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..usage import DEFAULT_USAGE, HOURS_PER_MONTH, Usage

__all__ = ["DAYS_PER_MONTH", "DEFAULT_USAGE", "HOURS_PER_MONTH", "KB_PER_GB", "Usage"]

#: 730 hours / 24: the month AWS pricing pages use.
DAYS_PER_MONTH = HOURS_PER_MONTH / 24

#: AWS bills logs by the binary GB.
KB_PER_GB = 1024 * 1024

if TYPE_CHECKING:
    from ..model import Component
    from ..spec import Spec


@dataclass(frozen=True)
class Price:
    key: str
    price: float
    unit: str
    source: str
    seen: str


@dataclass(frozen=True)
class LineItem:
    component: str
    logical_id: str
    description: str
    quantity: float
    unit: str
    unit_price: float | None  # None: no known price ("not priced")
    price_key: str | None = None
    source: str | None = None
    seen: str | None = None

    @property
    def monthly(self) -> float | None:
        return None if self.unit_price is None else self.quantity * self.unit_price


@dataclass(frozen=True)
class Assumption:
    component: str  # "" for system/stage-wide
    name: str
    value: float
    declared: bool
    scope: str = "default"  # where the value came from: component, stage, system or default


@dataclass
class CostContext:
    """What a component's ``cost`` sees: the region's prices and the usage in force."""

    spec: Spec
    stage: str
    region: str
    prices: dict[str, dict[str, Any]]
    assumptions: list[Assumption] = field(default_factory=list)

    def usage(self, component: Component, name: str) -> float:
        """Component usage > stage usage > system usage > default; each use is recorded."""
        value = self.declared(component, name)
        if value is not None:
            return value
        value = DEFAULT_USAGE[name]
        self._assume("", name, value, False, "default")
        return float(value)

    def declared(self, component: Component, name: str) -> float | None:
        """The usage value the spec declares (component > stage > system), or None; a found value is recorded."""
        layers = (
            ("component", getattr(component, "usage", None)),
            ("stage", self.spec.stages[self.stage].usage),
            ("system", self.spec.usage),
        )
        for scope, layer in layers:
            value = getattr(layer, name, None) if layer is not None else None
            if value is not None:
                self._assume(component.name if scope == "component" else "", name, value, True, scope)
                return float(value)
        return None

    def log_items(
        self, component: Component, logical_id: str, what: str = "logs", events: float | None = None
    ) -> list[LineItem]:
        """CloudWatch Logs ingestion and the storage it settles at under the stage's retention.

        Ingestion is the declared ``log_gb``; failing that, ``events`` (requests or invocations a month)
        x ``log_kb_per_request``; failing that, the default ``log_gb``. Stored GB at steady state =
        daily ingestion x retention days = ``ingested / 30.42 x retention`` (AWS bills archived logs
        compressed, so this is an upper bound).
        """
        ingested = self.declared(component, "log_gb")
        if ingested is None and events is not None:
            ingested = events * self.usage(component, "log_kb_per_request") / KB_PER_GB
        if ingested is None:
            ingested = self.usage(component, "log_gb")
        retention = self.spec.stages[self.stage].log_retention_days
        stored = ingested / DAYS_PER_MONTH * retention
        return [
            self.item(component, logical_id, f"{what} ingestion", "cloudwatch.logs_ingestion_gb", ingested),
            self.item(
                component,
                logical_id,
                f"{what} storage ({retention}-day retention)",
                "cloudwatch.logs_storage_gb",
                stored,
            ),
        ]

    def hours(self, component: Component) -> float:
        """Hours an always-on resource of ``component`` runs this month (usage ``hours_per_month``)."""
        return self.usage(component, "hours_per_month")

    def _assume(self, component: str, name: str, value: float, declared: bool, scope: str) -> None:
        assumption = Assumption(component, name, float(value), declared, scope)
        if assumption not in self.assumptions:
            self.assumptions.append(assumption)

    def price(self, key: str) -> Price | None:
        entry = self.prices.get(key)
        if entry is None:
            return None
        return Price(key, float(entry["price"]), entry["unit"], entry["source"], entry["seen"])

    def item(self, component: Component, logical_id: str, description: str, key: str, quantity: float) -> LineItem:
        """A line item priced from the catalogue; an unknown key gives an unpriced line, never zero."""
        price = self.price(key)
        if price is None:
            return LineItem(component.name, logical_id, description, quantity, key, None, key)
        return LineItem(
            component.name,
            logical_id,
            description,
            quantity,
            price.unit,
            price.price,
            key,
            price.source,
            price.seen,
        )
