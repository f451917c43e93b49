"""specc validate: schema, references and rules, without compiling."""

from __future__ import annotations

import sys

import click

from .. import api
from ..console import quiet_option
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--stage", "stages", multiple=True, help="Validate only this stage (repeatable).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@quiet_option
@_guard
def validate(files: tuple[str, ...], stages: tuple[str, ...], fmt: str, quiet: bool = False) -> None:
    """Check specs against the schema, references and rules, without compiling.

    \b
    Example:
      specc validate specs/*.yaml
    """
    errors: list[Diagnostic] = []
    for file in files:
        try:
            api.validate(api.load(file), list(stages) or None)
        except SpecError as exc:
            errors += exc.diagnostics
    _print_diagnostics(errors, fmt, {"files": list(files)})
    if not errors and fmt == "text" and not quiet:
        click.echo(f"ok: {len(files)} spec(s) valid")
    sys.exit(1 if errors else 0)
