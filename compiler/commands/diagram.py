"""specc diagram: the system at the component level, as Mermaid, Graphviz DOT or SVG."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import Diagnostic, SpecError
from ._common import _guard, _print_diagnostics


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "svg", "dot", "markdown", "json"]),
    default="mermaid",
    show_default=True,
    help="mermaid embeds in a README; svg needs Graphviz; markdown is one page with every file's diagram.",
)
@click.option("--stage", help="Stage to draw (default: the first).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@_guard
def diagram(files: tuple[str, ...], fmt: str, stage: str | None, out: str | None) -> None:
    """Draw the system of each spec: users, edge, frontend, APIs, compute, data, networks, alarms.

    \b
    Example:
      specc diagram specs/kefir.yaml                       # Mermaid, paste into a README
      specc diagram specs/kefir.yaml --format svg --out kefir.svg
      specc diagram specs/*.yaml --format markdown --out docs/diagrams.md
    """
    from ..diagram import DOCS_COMMAND, GraphvizMissing, as_json, dot, draw_file, markdown, mermaid, svg

    if fmt == "svg" and len(files) > 1:
        raise click.UsageError("--format svg draws one spec at a time; use --format markdown for several")
    drawn = []
    errors: list[Diagnostic] = []
    for file in files:
        try:
            drawn.append((file, draw_file(file, stage)))
        except SpecError as exc:
            errors += exc.diagnostics
    if errors:
        _print_diagnostics(errors, "text")
        sys.exit(1)
    if fmt == "svg":
        try:
            text = svg(drawn[0][1])
        except GraphvizMissing as exc:
            click.echo(f"specc: {exc}", err=True)
            sys.exit(1)
    elif fmt == "dot":
        text = "".join(dot(d) for _, d in drawn)
    elif fmt == "markdown":
        text = markdown(drawn, DOCS_COMMAND)
    elif fmt == "json":
        text = as_json(drawn)
    else:
        text = "".join(mermaid(d) for _, d in drawn)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
