"""specc cost: itemised monthly cost estimates, offline, from the usage a spec declares."""

from __future__ import annotations

import sys

import click

from .. import api
from ..errors import SpecError
from ._common import _guard, _print_diagnostics


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--stage", "stages", multiple=True, help="Estimate only this stage (repeatable). Default: every stage.")
@click.option("--region", help="Price in this region instead of the stage's own (catalogues: us-east-1, eu-west-1).")
@click.option("--free-tier", is_flag=True, help="Credit the always-free monthly allowances as separate lines.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--compare", is_flag=True, help="Show the stages side by side, one column each.")
@click.option("--by-service", is_flag=True, help="Also total by AWS service (with --compare: rows are services).")
@click.option("--fail-on-unpriced", is_flag=True, help="Exit with status 1 if any line has no known price.")
@_guard
def cost(
    file: str,
    stages: tuple[str, ...],
    region: str | None,
    free_tier: bool,
    fmt: str,
    compare: bool,
    by_service: bool,
    fail_on_unpriced: bool,
) -> None:
    """Estimate the monthly AWS cost of every stage of a spec, per component.

    Prices come from the catalogue shipped with specc (on-demand list prices, each with its source
    and the date it was seen); usage comes from the spec's `usage:` blocks (component > stage >
    system) or documented defaults. Every assumption used is printed, marked declared or default.
    A resource with no known price is shown as "not priced" and counted, never as zero.

    \b
    Example:
      specc cost specs/kefir.yaml
      specc cost specs/kefir.yaml --stage prod --free-tier --format markdown
      specc cost specs/kefir.yaml --compare
      specc cost specs/kefir.yaml --compare --by-service
    """
    from ..cost.report import render, render_compare

    try:
        estimates = api.estimate_spec(file, list(stages) or None, region=region, free_tier=free_tier)
    except SpecError as exc:
        _print_diagnostics(exc.diagnostics, "json" if fmt == "json" else "text")
        sys.exit(1)
    text = render_compare(estimates, fmt, by_service) if compare else render(estimates, fmt, by_service)
    click.echo(text, nl=False)
    unpriced = sum(len(e.unpriced) for e in estimates)
    if unpriced and fmt in ("table", "markdown"):
        click.echo(f"specc: {unpriced} line(s) not priced", err=True)
    if fail_on_unpriced and unpriced:
        sys.exit(1)
