"""specc check: specs are valid and output/ is exactly what they compile to (for pre-commit and CI).

FILES may be any YAML files (pre-commit passes every staged one): specs (a top-level ``specc:`` key)
are checked; templates specc wrote (``Metadata.specc.spec``) bring in the spec they came from, so
editing a template by hand is caught too; other YAML files are ignored. Without FILES, every spec
under specs/ and examples/ is checked.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

import click

from ..console import Console, quiet_option
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics

_SPEC_LINE = re.compile(r"^specc\s*:", re.MULTILINE)
_TEMPLATE_SPEC = re.compile(r"^Metadata:\n  specc:\n(?:    .*\n)*?    spec: (?P<spec>.+)$", re.MULTILINE)
DEFAULT_GLOBS = ("specs/*.yaml", "specs/*.yml", "examples/*.yaml", "examples/*.yml")


def classify(path: Path) -> tuple[str, str | None]:
    """("spec", None), ("template", its spec) or ("other", None) for a file pre-commit hands us."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return "other", None
    if _SPEC_LINE.search(head):
        return "spec", None
    match = _TEMPLATE_SPEC.search(head)
    if match and "AWSTemplateFormatVersion" in head[:200]:
        return "template", match.group("spec").strip().strip("'\"")
    return "other", None


def _first_difference(expected: str, actual: str) -> int:
    for number, (a, b) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), start=1):
        if a != b:
            return number
    return min(len(expected.splitlines()), len(actual.splitlines())) + 1


def check_outputs(spec: str, out: str) -> list[Diagnostic]:
    """Compile ``spec`` in memory; one diagnostic per output file that differs, is missing or is left over."""
    from .. import api

    compiled = api.compile_spec(spec, None, out)
    problems: list[Diagnostic] = []
    produced: set[Path] = set()
    fix = f"run: specc compile {spec}" + (f" --out {out}" if Path(out) != api.DEFAULT_OUTPUT else "")
    for stage in compiled:
        for path, text in [(stage.path, stage.text), *stage.extra_files.items()]:
            produced.add(path.resolve())
            if not path.exists():
                problems.append(Diagnostic(str(path), 1, 1, "", f"missing: {spec} compiles to it; {fix}", rule="stale"))
                continue
            on_disk = path.read_text(encoding="utf-8")
            if on_disk != text:
                line = _first_difference(text, on_disk)
                changed = sum(
                    1 for d in difflib.ndiff(text.splitlines(), on_disk.splitlines()) if d[:1] in "+-"
                )  # fmt: skip
                problems.append(
                    Diagnostic(
                        str(path), line, 1, "",
                        f"not what {spec} compiles to ({changed} line(s) differ, first here); {fix}",
                        rule="stale",
                    )
                )  # fmt: skip
    for system_dir in sorted({s.path.parent for s in compiled}):
        for leftover in sorted(system_dir.rglob("*.yaml")):
            if leftover.name.endswith(".packaged.yaml") or leftover.resolve() in produced:
                continue
            kind, source = classify(leftover)
            if kind == "template" and source == spec:
                problems.append(
                    Diagnostic(
                        str(leftover), 1, 1, "",
                        f"left over: no stage of {spec} compiles to it any more; delete it or {fix}",
                        rule="stale",
                    )
                )  # fmt: skip
    return problems


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--no-compile", is_flag=True, help="Only validate the specs (schema, references, rules).")
@click.option("--out", default="output", show_default=True, help="Where the compiled templates live.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@quiet_option
@_guard
def check(files: tuple[str, ...], no_compile: bool, out: str, fmt: str, quiet: bool) -> None:
    """Fail when a spec is invalid or output/ is not what the specs compile to.

    Made for pre-commit and CI: FILES may be any YAML files; specs are checked, compiled templates
    bring in their spec, everything else is ignored. Without FILES: specs/*.yaml and examples/*.yaml.

    \b
    Example:
      specc check                         # every spec under specs/ and examples/
      specc check --no-compile specs/*.yaml
      specc check $(git diff --name-only --cached)
    """
    from .. import api

    console = Console(quiet=quiet)
    candidates = [Path(f) for f in files] or [p for g in DEFAULT_GLOBS for p in sorted(Path().glob(g))]
    specs: list[str] = []
    errors: list[Diagnostic] = []
    for path in candidates:
        kind, source = classify(path)
        if kind == "spec":
            specs.append(str(path))
        elif kind == "template" and source and not no_compile:
            if Path(source).exists():
                specs.append(source)
            else:
                errors.append(
                    Diagnostic(str(path), 1, 1, "", f"compiled from {source}, which does not exist; delete it",
                               rule="stale")
                )  # fmt: skip
    specs = list(dict.fromkeys(specs))
    for spec in specs:
        try:
            if no_compile:
                api.validate(api.load(spec))
            else:
                with console.step(f"checking {spec}"):
                    errors += check_outputs(spec, out)
        except SpecError as exc:
            errors += exc.diagnostics
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors, "specs": specs, "errors": [e.to_json() for e in errors]}, indent=2))
    else:
        _print_diagnostics(errors, fmt)
        if not errors:
            what = "valid" if no_compile else "valid, output up to date"
            console.note(f"ok: {len(specs)} spec(s) {what}")
    sys.exit(1 if errors else 0)
