"""The pricing engine: one stage of a spec in, an itemised monthly ``Estimate`` out.

Every component's ``cost(ctx)`` is called with a ``CostContext`` holding the region's catalogue
and the usage layering (component > stage > system > default). The lines it returns are kept in
spec order. A line whose price key the catalogue lacks stays in the estimate with no unit price
and is counted as "not priced"; a kind without a cost model gives one such line too. Nothing
unknown is ever counted as zero.

With ``free_tier=True`` the always-free allowances of the catalogue (``free_tier``, shared by
entries with the same ``free_tier_pool``) become separate credit lines, applied to the dearest
line of a pool first and attributed to the component whose line they offset. Free tiers belong to
an account, not a stage: the credits assume this stage has its account's allowance to itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import __version__
from .catalogue import catalogue, regions, service_of
from .model import Assumption, CostContext, LineItem

if TYPE_CHECKING:
    from ..spec import Spec

#: Format version of the JSON estimate (``specc cost --format json`` and ``<stage>.cost.json``).
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Line:
    """A line of an estimate: a charge from a component's ``cost``, or a free-tier credit."""

    item: LineItem
    kind: str  # component kind
    credit: bool = False

    @property
    def monthly(self) -> float | None:
        return self.item.monthly

    @property
    def priced(self) -> bool:
        return self.item.unit_price is not None


@dataclass
class Estimate:
    system: str
    stage: str
    region: str
    free_tier: bool
    lines: list[Line] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    currency: str = "USD"

    @property
    def charges(self) -> list[Line]:
        return [line for line in self.lines if not line.credit]

    @property
    def credits(self) -> list[Line]:
        return [line for line in self.lines if line.credit]

    @property
    def unpriced(self) -> list[Line]:
        return [line for line in self.lines if not line.priced]

    @property
    def total(self) -> float:
        return _money(sum(line.monthly or 0.0 for line in self.lines))

    @property
    def charges_total(self) -> float:
        return _money(sum(line.monthly or 0.0 for line in self.charges))

    @property
    def credits_total(self) -> float:
        return _money(sum(line.monthly or 0.0 for line in self.credits))

    def components(self) -> list[tuple[str, str, list[Line]]]:
        """(name, kind, lines) per component, in spec order, credits after the charges they offset."""
        grouped: dict[str, list[Line]] = {}
        kinds: dict[str, str] = {}
        for line in self.lines:
            grouped.setdefault(line.item.component, []).append(line)
            kinds[line.item.component] = line.kind
        return [(name, kinds[name], lines) for name, lines in grouped.items()]

    def services(self) -> list[tuple[str, float, int]]:
        """(AWS service, monthly, lines not priced) by service, dearest first, then by name."""
        totals: dict[str, float] = {}
        unpriced: dict[str, int] = {}
        for line in self.lines:
            service = service_of(line.item.price_key)
            totals[service] = totals.get(service, 0.0) + (line.monthly or 0.0)
            unpriced[service] = unpriced.get(service, 0) + (0 if line.priced else 1)
        rows = [(service, _money(total), unpriced[service]) for service, total in totals.items()]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def subtotal(self, component: str) -> float:
        return _money(sum(line.monthly or 0.0 for line in self.lines if line.item.component == component))

    def to_dict(self) -> dict[str, Any]:
        return {
            "specc_cost": FORMAT_VERSION,
            "specc": __version__,
            "system": self.system,
            "stage": self.stage,
            "region": self.region,
            "currency": self.currency,
            "free_tier": self.free_tier,
            "total": self.total,
            "charges": self.charges_total,
            "credits": self.credits_total,
            "unpriced": len(self.unpriced),
            "components": [
                {
                    "name": name,
                    "kind": kind,
                    "monthly": self.subtotal(name),
                    "unpriced": sum(1 for line in lines if not line.priced),
                }
                for name, kind, lines in self.components()
            ],
            "services": [
                {"service": service, "monthly": monthly, "unpriced": unpriced}
                for service, monthly, unpriced in self.services()
            ],
            "items": [_line_dict(line) for line in self.lines],
            "assumptions": [
                {
                    "component": a.component or None,
                    "name": a.name,
                    "value": a.value,
                    "declared": a.declared,
                    "scope": a.scope,
                }
                for a in self.assumptions
            ],
            "notes": list(self.notes),
        }


def _line_dict(line: Line) -> dict[str, Any]:
    item = line.item
    return {
        "component": item.component,
        "kind": line.kind,
        "logical_id": item.logical_id,
        "description": item.description,
        "quantity": _quantity(item.quantity),
        "unit": item.unit,
        "unit_price": item.unit_price,
        "monthly": None if item.monthly is None else _money(item.monthly),
        "price_key": item.price_key,
        "source": item.source,
        "seen": item.seen,
        "credit": line.credit,
    }


def _money(value: float) -> float:
    """Dollars to a millionth of a cent: deterministic text, no float noise (0.30000000000000004)."""
    return round(value, 8) + 0.0


def _quantity(value: float) -> float:
    return round(value, 9) + 0.0


def estimate(spec: Spec, stage: str, region: str | None = None, free_tier: bool = False) -> Estimate:
    """Price one stage of a validated spec."""
    stage_model = spec.stages[stage]
    region = region or stage_model.region or spec.region
    document = catalogue(region)
    prices = document["prices"]
    ctx = CostContext(spec=spec, stage=stage, region=region, prices=prices)
    result = Estimate(system=spec.system, stage=stage, region=region, free_tier=free_tier)
    if not prices:
        result.notes.append(
            f"specc has no price catalogue for {region}; every line is not priced "
            f"(catalogues: {', '.join(regions())}); try --region"
        )
    for name, component in spec.components.items():
        kind = component.kind_name
        try:
            items = component.cost(ctx)
        except NotImplementedError:
            items = [LineItem(name, "", f"no cost model for kind {kind!r}", 1, "component", None, None)]
        result.lines += [Line(item, kind) for item in items]
    result.assumptions = list(ctx.assumptions)
    result.notes += _unused_usage(spec, ctx.assumptions)
    if free_tier:
        result.lines = _with_credits(result.lines, prices)
        result.notes.append(
            "free-tier credits apply the always-free monthly allowances, assuming this stage has its "
            "account's allowance to itself; 12-month offers are not applied"
        )
    return result


def _unused_usage(spec: Spec, assumptions: list[Assumption]) -> list[str]:
    """A component's declared usage that none of its lines used: a typo'd intent, said rather than ignored."""
    used = {(a.component, a.name) for a in assumptions}
    notes = []
    for name, component in spec.components.items():
        usage = getattr(component, "usage", None)
        if usage is None:
            continue
        for field_name in sorted(usage.model_fields_set):
            if getattr(usage, field_name) is not None and (name, field_name) not in used:
                notes.append(
                    f"components.{name}.usage.{field_name} is declared but no cost line of this "
                    f"{component.kind_name} uses it"
                )
    return notes


def _with_credits(lines: list[Line], prices: dict[str, dict[str, Any]]) -> list[Line]:
    """Insert a credit after each line an always-free allowance offsets."""
    pools: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        key = line.item.price_key
        entry = prices.get(key or "")
        if entry is None or not entry.get("free_tier") or line.item.quantity <= 0:
            continue
        pools[entry.get("free_tier_pool", key)].append(index)
    credits: dict[int, Line] = {}
    for pool in sorted(pools):
        members = pools[pool]
        allowance = max(float(prices[lines[i].item.price_key or ""]["free_tier"]) for i in members)
        # Dearest first, then spec order: deterministic, and the allowance is worth the most there.
        for index in sorted(members, key=lambda i: (-(lines[i].item.unit_price or 0.0), i)):
            if allowance <= 0:
                break
            item = lines[index].item
            used = min(item.quantity, allowance)
            allowance -= used
            credit = LineItem(
                item.component,
                item.logical_id,
                f"free tier ({pool})",
                -used,
                item.unit,
                item.unit_price,
                item.price_key,
                item.source,
                item.seen,
            )
            credits[index] = Line(credit, lines[index].kind, credit=True)
    out: list[Line] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in credits:
            out.append(credits[index])
    return out
