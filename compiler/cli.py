"""The ``specc`` command line. Thin: parses options, calls ``compiler.api``, prints results.

Exit status: 0 ok, 1 spec or lint errors, 2 usage errors (click's own), 3 internal error (a bug).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import __version__, api
from .errors import ISSUE_TRACKER, Diagnostic, SpecError

FORMATS = click.Choice(["text", "json"])


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """No Python traceback ever reaches a user: a bug is reported as a bug, with where to report it."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence
            where = traceback.extract_tb(exc.__traceback__)[-1]
            click.echo(
                f"specc: internal error: {type(exc).__name__}: {exc}\n"
                f"  at {Path(where.filename).name}:{where.lineno} in {where.name}\n"
                f"This is a bug in specc {__version__}, not in your spec. Please report it at {ISSUE_TRACKER} "
                "with the spec that caused it.",
                err=True,
            )
            sys.exit(3)

    return wrapper


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str, extra: dict[str, Any] | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps({"ok": not diagnostics, "errors": [d.to_json() for d in diagnostics], **(extra or {})}, indent=2))
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format(), err=True)
        if diagnostics:
            files = len({d.file for d in diagnostics})
            click.echo(f"{len(diagnostics)} error(s) in {files} file(s)", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="specc")
def main() -> None:
    """specc: compile one YAML spec of a whole AWS system into CloudFormation.

    \b
    Example:
      specc validate specs/kefir.yaml
      specc compile specs/kefir.yaml            # output/kefir/dev.yaml, output/kefir/prod.yaml
      specc lint
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--stage", "stages", multiple=True, help="Validate only this stage (repeatable).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@_guard
def validate(files: tuple[str, ...], stages: tuple[str, ...], fmt: str) -> None:
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
    if not errors and fmt == "text":
        click.echo(f"ok: {len(files)} spec(s) valid")
    sys.exit(1 if errors else 0)


@main.command(name="compile")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--stage", "stages", multiple=True, help="Compile only this stage (repeatable). Default: every stage.")
@click.option("--out", default=str(api.DEFAULT_OUTPUT), show_default=True, help="Directory for <system>/<stage>.yaml.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@_guard
def compile_command(files: tuple[str, ...], stages: tuple[str, ...], out: str, fmt: str) -> None:
    """Compile specs into CloudFormation templates, one per stage.

    \b
    Example:
      specc compile specs/kefir.yaml                 # every stage, into output/kefir/
      specc compile specs/kefir.yaml --stage prod --out build
    """
    errors: list[Diagnostic] = []
    compiled: list[api.CompiledStage] = []
    for file in files:
        try:
            compiled += api.compile_spec(file, list(stages) or None, out)
        except SpecError as exc:
            errors += exc.diagnostics
    if errors:
        _print_diagnostics(errors, fmt)
        sys.exit(1)
    api.write(compiled)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": True,
                    "templates": [
                        {
                            "system": c.system,
                            "stage": c.stage,
                            "path": str(c.path),
                            "stack_name": c.stack_name,
                            "resources": len(c.template.get("Resources", {})),
                            "capabilities": c.capabilities,
                            "commands": c.deploy_commands(),
                        }
                        for c in compiled
                    ],
                },
                indent=2,
            )
        )
        return
    for c in compiled:
        click.echo(f"wrote {c.path} ({len(c.template.get('Resources', {}))} resources)")
    click.echo("\nTo deploy (replace <artifact-bucket> with an S3 bucket you own):")
    for c in compiled:
        for command in c.deploy_commands():
            click.echo(f"  {command}")


@main.command()
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
    from .lint import Linter

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


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write the schema to this file instead of stdout.")
@_guard
def schema(out: str | None) -> None:
    """Print (or write) the JSON Schema of specs, for editors and pre-commit.

    \b
    Example:
      specc schema --out schemas/specc.schema.json
    """
    from .schema import schema_text

    text = schema_text()
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":
    main()
