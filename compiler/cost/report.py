"""Cost reports: one estimate (or all stages side by side) as a table, markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .engine import Estimate, Line

FORMATS = ("table", "json", "markdown", "csv")

_HEADER = ("component", "resource", "item", "quantity", "unit", "unit price", "monthly USD")


def render(estimates: Sequence[Estimate], fmt: str, by_service: bool = False) -> str:
    """Every line of each stage grouped by component (``by_service``: a summary by AWS service after it)."""
    if fmt == "json":
        data = [e.to_dict() for e in estimates]
        return json.dumps(data[0] if len(data) == 1 else data, indent=2) + "\n"
    if fmt == "csv":
        return _csv(estimates)
    return "\n".join(_text(e, markdown=fmt == "markdown", by_service=by_service) for e in estimates)


def to_json(estimate: Estimate) -> str:
    """The ``<stage>.cost.json`` written beside each compiled template."""
    return json.dumps(estimate.to_dict(), indent=2) + "\n"


# -- one stage --------------------------------------------------------------------------------


def _title(e: Estimate) -> str:
    prices = "list prices, always-free allowances credited" if e.free_tier else "list prices, no free tier"
    return f"{e.system} / {e.stage} / {e.region}: estimated monthly cost in {e.currency} ({prices})"


def _row(line: Line) -> tuple[str, ...]:
    item = line.item
    price = "not priced" if item.unit_price is None else _price(item.unit_price)
    monthly = "not priced" if item.monthly is None else _usd(item.monthly)
    return (
        item.component,
        item.logical_id or "-",
        item.description,
        _number(item.quantity),
        item.unit,
        price,
        monthly,
    )


def _text(e: Estimate, markdown: bool, by_service: bool = False) -> str:
    rows: list[tuple[str, ...]] = []
    subtotal_rows: set[int] = set()
    for name, kind, lines in e.components():
        for line in lines:
            rows.append(_row(line))
        subtotal_rows.add(len(rows))
        unpriced = sum(1 for line in lines if not line.priced)
        note = f" + {unpriced} not priced" if unpriced else ""
        rows.append((f"{name} ({kind})", "", "subtotal", "", "", "", _usd(e.subtotal(name)) + note))
    out = [("## " if markdown else "") + _title(e), ""]
    out += _markdown_table(_HEADER, rows) if markdown else _plain_table(_HEADER, rows, subtotal_rows, {3, 5, 6})
    out.append("")
    out.append(("**" if markdown else "") + f"Stage total: {_usd(e.total)} USD/month" + ("**" if markdown else ""))
    if e.credits:
        out.append(f"  charges {_usd(e.charges_total)}, always-free credits {_usd(e.credits_total)}")
    if e.unpriced:
        out.append(
            f"{len(e.unpriced)} line(s) not priced (not included in the total): "
            + ", ".join(sorted({f"{line.item.component}: {line.item.unit}" for line in e.unpriced}))
        )
    for note in e.notes:
        out.append(f"Note: {note}")
    if by_service:
        out += ["", ("### " if markdown else "") + "By AWS service", ""]
        rows = [(service, _usd(monthly) + (f" + {n} not priced" if n else "")) for service, monthly, n in e.services()]
        header = ("service", "monthly USD")
        out += _markdown_table(header, rows) if markdown else _plain_table(header, rows, set(), {1})
    out.append("")
    out.append(("### " if markdown else "") + "Assumptions")
    out += _assumption_lines(e, markdown)
    return "\n".join(out) + "\n"


def _assumption_lines(e: Estimate, markdown: bool) -> list[str]:
    if not e.assumptions:
        return ["(none: nothing in this stage is priced by usage)"]
    lines = []
    for a in sorted(e.assumptions, key=lambda a: (a.component, a.name)):
        where = f"{a.component}." if a.component else ""
        how = f"declared ({a.scope})" if a.declared else "default"
        lines.append(f"{'- ' if markdown else '  '}{where}{a.name} = {_number(a.value)} [{how}]")
    return lines


# -- all stages side by side ------------------------------------------------------------------


def render_compare(estimates: Sequence[Estimate], fmt: str, by_service: bool = False) -> str:
    """The stages side by side: one row per component (or per AWS service), one column per stage."""
    stages = [e.stage for e in estimates]
    table: list[tuple[str, ...]] = []
    if by_service:
        per_stage = [{service: (monthly, n) for service, monthly, n in e.services()} for e in estimates]
        services = sorted(
            {s for p in per_stage for s in p}, key=lambda s: (-max(p.get(s, (0, 0))[0] for p in per_stage), s)
        )
        for service in services:
            cells = [(_usd(p[service][0]) + ("*" if p[service][1] else "")) if service in p else "-" for p in per_stage]
            table.append((service, *cells))
    else:
        names: list[tuple[str, str]] = []
        for e in estimates:
            for name, kind, _ in e.components():
                if (name, kind) not in names:
                    names.append((name, kind))
        for name, kind in names:
            cells = []
            for e in estimates:
                present = any(line.item.component == name for line in e.lines)
                unpriced = sum(1 for line in e.unpriced if line.item.component == name)
                cell = _usd(e.subtotal(name)) if present else "-"
                cells.append(cell + ("*" if unpriced else ""))
            table.append((f"{name} ({kind})", *cells))
    totals = ("TOTAL", *[_usd(e.total) for e in estimates])
    unpriced_row = ("not priced (lines)", *[str(len(e.unpriced)) for e in estimates])
    regions_row = ("region", *[e.region for e in estimates])
    header = ("service" if by_service else "component", *stages)
    if fmt == "json":
        data = {
            "system": estimates[0].system if estimates else "",
            "stages": {
                e.stage: {
                    "region": e.region,
                    "total": e.total,
                    "unpriced": len(e.unpriced),
                    "components": {name: e.subtotal(name) for name, _, _ in e.components()},
                    "services": {service: monthly for service, monthly, _ in e.services()},
                }
                for e in estimates
            },
        }
        return json.dumps(data, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([regions_row, *table, totals, unpriced_row])
        return buffer.getvalue()
    system = estimates[0].system if estimates else ""
    title = f"{system}: estimated monthly cost per stage in USD"
    rows = [regions_row, *table, totals, unpriced_row]
    if fmt == "markdown":
        body = _markdown_table(header, rows)
        title = "## " + title
    else:
        body = _plain_table(header, rows, {0, len(rows) - 3}, set(range(1, len(header))))
    foot = [""]
    if any(e.unpriced for e in estimates):
        foot.append("* some lines of this component are not priced (not included)")
    if any(e.free_tier for e in estimates):
        foot.append("Always-free allowances credited on every stage (each as if it had its account's allowance).")
    return "\n".join([title, "", *body, *foot]) + "\n"


# -- formatting -------------------------------------------------------------------------------


def _csv(estimates: Sequence[Estimate]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "system",
            "stage",
            "region",
            "component",
            "kind",
            "logical_id",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "monthly",
            "price_key",
            "source",
            "seen",
            "credit",
        ]
    )
    for e in estimates:
        for line in e.lines:
            item = line.item
            writer.writerow(
                [
                    e.system,
                    e.stage,
                    e.region,
                    item.component,
                    line.kind,
                    item.logical_id,
                    item.description,
                    _number(item.quantity),
                    item.unit,
                    "" if item.unit_price is None else repr(item.unit_price),
                    "" if item.monthly is None else f"{item.monthly:.6f}",
                    item.price_key or "",
                    item.source or "",
                    item.seen or "",
                    "yes" if line.credit else "",
                ]
            )
    return buffer.getvalue()


def _plain_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], gaps_after: set[int], numeric: set[int]
) -> list[str]:
    """Aligned columns (``numeric`` ones right-aligned), a blank line after each row in ``gaps_after``."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        cells = [
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    out = [fmt(header), "  ".join("-" * w for w in widths)]
    for index, row in enumerate(rows):
        out.append(fmt(row))
        if index in gaps_after and index + 1 < len(rows):
            out.append("")
    return out


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def esc(value: str) -> str:
        return str(value).replace("|", "\\|")

    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


def _usd(value: float) -> str:
    """Cents, rounded half up (0.125 -> 0.13); amounts under half a cent show as <0.01."""
    if value != 0 and abs(value) < 0.005:
        return "<0.01" if value > 0 else "-<0.01"
    cents = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{cents:,.2f}"


def _price(value: float) -> str:
    """A unit price in plain decimals (0.0000133334, not 1.33334e-05)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1 else f"{value:.6g}"
