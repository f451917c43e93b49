"""specc schema: the JSON Schema of specs."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import _guard


@click.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write the schema to this file instead of stdout.")
@_guard
def schema(out: str | None) -> None:
    """Print (or write) the JSON Schema of specs, for editors and pre-commit.

    \b
    Example:
      specc schema --out schemas/specc.schema.json
    """
    from ..schema import schema_text

    text = schema_text()
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text, nl=False)
