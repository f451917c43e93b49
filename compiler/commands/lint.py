"""specc lint: cfn-lint over compiled templates, findings mapped to the spec."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..console import Console, quiet_option, summary_table, use_color
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse results for templates linted before with the same text (kept in .specc-cache/lint/).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes linting in parallel. Default: one per CPU core.",
)
@click.option(
    "--checkov/--no-checkov",
    "checkov",
    default=None,
    help="Also run checkov (default: when installed; see docs/security.md). --checkov fails if it is missing.",
)
@quiet_option
@_guard
def lint(
    paths: tuple[str, ...], fmt: str, cache: bool, jobs: int | None, quiet: bool = False, checkov: bool | None = None
) -> None:
    """Run cfn-lint over compiled templates; findings point into the spec.

    PATHS are templates or directories (default: output/). Spec files (*.yaml with 'specc:')
    are compiled first, in memory.

    \b
    Example:
      specc lint                      # every template under output/
      specc lint specs/kefir.yaml     # compile in memory, then lint
    """
    import os

    from ..lint import DEFAULT_CACHE_DIR, Linter

    linter = Linter(cache_dir=DEFAULT_CACHE_DIR if cache else None, jobs=jobs or os.cpu_count() or 1)
    targets = list(paths) or [str(api.DEFAULT_OUTPUT)]
    errors: list[Diagnostic] = []
    batch: list[tuple[str, str, str | None]] = []  # (text, template path, region): linted together
    items = [item for target in targets for item in _templates_or_specs(target)]
    # Specs are compiled in memory, several at once on every core (api.compile_specs).
    compiled_specs = iter(api.compile_specs([item for item in items if isinstance(item, str)]))
    for item in items:
        if isinstance(item, Path):
            batch.append((item.read_text(encoding="utf-8"), str(item), None))
            continue
        outcome = next(compiled_specs)
        if isinstance(outcome, SpecError):
            errors += outcome.diagnostics
            continue
        for compiled in outcome:
            batch.append((compiled.text, str(compiled.path), compiled.region))
            for path in compiled.nested:  # nested stacks of a split stage
                batch.append((compiled.extra_files[path], str(path), compiled.region))
    console = Console(quiet=quiet or fmt == "json")
    with console.step(f"linting {len(batch)} template(s)"):
        findings = [f for found in linter.lint_many(batch) for f in found]
    count = len(batch)
    diagnostics = errors + [f.as_diagnostic() for f in findings]
    diagnostics += _checkov(batch, checkov, console, DEFAULT_CACHE_DIR.parent if cache else None)
    _print_diagnostics(diagnostics, fmt, {"templates": count, "from_cache": linter.cached})
    if findings and fmt == "text" and not quiet:  # the overview, after the one-per-line list
        console.error("\n" + summary_table([f.as_diagnostic() for f in findings], use_color(console.stderr)))
    if not diagnostics and fmt == "text" and not quiet:
        cached = f" ({linter.cached} from cache)" if linter.cached else ""
        click.echo(f"ok: {count} template(s), no findings{cached}")
    sys.exit(1 if diagnostics else 0)


def _checkov(
    batch: list[tuple[str, str, str | None]], wanted: bool | None, console: Console, cache_dir: Path | None = None
) -> list[Diagnostic]:
    """checkov's failed checks, located in the spec (compiler/security.py runs it as a separate program).

    Cached like cfn-lint's results (.specc-cache/checkov/): the same templates, paths and checkov give
    the same findings, so an unchanged re-run does not start checkov (~15 s) at all.
    """
    from ..lint import cached_batch
    from ..security import checkov_diagnostics, checkov_executable

    if wanted is False or not batch:
        return []
    if checkov_executable() is None:
        if wanted:
            raise click.UsageError("checkov is not installed (see docs/security.md), or set SPECC_CHECKOV")
        console.error("note: checkov is not installed; only cfn-lint ran (see docs/security.md)")
        return []
    executable = str(checkov_executable())
    stamp = str(Path(executable).stat().st_mtime_ns) if Path(executable).exists() else ""
    parts = [executable, stamp, *(f"{path}\0{text}" for text, path, _ in batch)]

    def run() -> list[dict[str, object]]:
        with console.step(f"checkov over {len(batch)} template(s)"):
            return [d.to_json() for d in checkov_diagnostics([(text, path) for text, path, _ in batch])]

    return [Diagnostic(**found) for found in cached_batch(cache_dir, "checkov", parts, run)]


def _templates_or_specs(target: str) -> list[Path | str]:
    path = Path(target)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.yaml") if not p.name.endswith(".packaged.yaml"))
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    if any(line.startswith("specc:") for line in head.splitlines()):
        return [target]
    return [path]
