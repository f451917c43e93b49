"""specc reference: documentation of every component kind and option, generated from the models."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ._common import FORMATS, _guard


@click.command()
@click.argument("kinds", nargs=-1)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="text is Markdown.")
@_guard
def reference(kinds: tuple[str, ...], out: str | None, fmt: str) -> None:
    """Print the reference of component kinds and their options (Markdown or JSON).

    KINDS limits it to those kinds; without them it is the whole reference, as in docs/reference.md.

    \b
    Example:
      specc reference function table          # two kinds, in the terminal
      specc reference --out docs/reference.md # the whole reference
      specc reference --format json           # for tools
    """
    from ..components import component_kinds
    from ..reference import Reference

    known = component_kinds()
    unknown = [k for k in kinds if k not in known]
    if unknown:
        click.echo(f"specc: unknown component kind {unknown[0]!r}; kinds are: {', '.join(known)}", err=True)
        sys.exit(2)
    ref = Reference()
    chosen = list(kinds) or None
    text = json.dumps(ref.as_json(chosen), indent=2) + "\n" if fmt == "json" else ref.markdown(chosen)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
