"""specc lint: cfn-lint over compiled templates, findings mapped to the spec."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@_guard
def lint(paths: tuple[str, ...], fmt: str) -> None:
    """Run cfn-lint over compiled templates; findings point into the spec.

    PATHS are templates or directories (default: output/). Spec files (*.yaml with 'specc:')
    are compiled first, in memory.

    \b
    Example:
      specc lint                      # every template under output/
      specc lint specs/kefir.yaml     # compile in memory, then lint
    """
    from ..lint import Linter

    linter = Linter()
    findings = []
    targets = list(paths) or [str(api.DEFAULT_OUTPUT)]
    errors: list[Diagnostic] = []
    count = 0
    for target in targets:
        for item in _templates_or_specs(target):
            if isinstance(item, Path):
                findings += linter.lint_file(item)
                count += 1
                continue
            try:
                for compiled in api.compile_spec(item):
                    findings += linter.lint_text(compiled.text, str(compiled.path), compiled.region)
                    count += 1
            except SpecError as exc:
                errors += exc.diagnostics
    diagnostics = errors + [f.as_diagnostic() for f in findings]
    _print_diagnostics(diagnostics, fmt, {"templates": count})
    if not diagnostics and fmt == "text":
        click.echo(f"ok: {count} template(s), no findings")
    sys.exit(1 if diagnostics else 0)


def _templates_or_specs(target: str) -> list[Path | str]:
    path = Path(target)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.yaml") if not p.name.endswith(".packaged.yaml"))
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    if any(line.startswith("specc:") for line in head.splitlines()):
        return [target]
    return [path]
