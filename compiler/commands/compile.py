"""specc compile: specs to CloudFormation templates, one per stage."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from .. import api
from ..console import Console, quiet_option
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command(name="compile")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--stage", "stages", multiple=True, help="Compile only this stage (repeatable). Default: every stage.")
@click.option("--out", default=str(api.DEFAULT_OUTPUT), show_default=True, help="Directory for <system>/<stage>.yaml.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option(
    "--max-resources",
    type=click.IntRange(5, 500),
    help="Split into nested stacks above this many resources per stack (overrides limits.max_resources_per_stack).",
)
@click.option(
    "--split/--no-split",
    "split",
    default=None,
    help="Allow (default) or forbid nested stacks; with --no-split a stage over a limit is an error.",
)
@quiet_option
@_guard
def compile_command(
    files: tuple[str, ...],
    stages: tuple[str, ...],
    out: str,
    fmt: str,
    max_resources: int | None,
    split: bool | None,
    quiet: bool = False,
) -> None:
    """Compile specs into CloudFormation templates, one per stage.

    \b
    Example:
      specc compile specs/kefir.yaml                 # every stage, into output/kefir/
      specc compile specs/kefir.yaml --stage prod --out build
    """
    errors: list[Diagnostic] = []
    compiled: list[api.CompiledStage] = []
    console = Console(quiet=quiet or fmt == "json")  # progress and timing on stderr
    for file in files:
        started = time.perf_counter()

        def progress(stage: str, seconds: float, file: str = file) -> None:
            console.note(f"{file} [{stage}] built in " + console.style(f"{seconds:.2f} s", "dim", err=True))

        try:
            compiled += api.compile_spec(
                file, list(stages) or None, out, max_resources=max_resources, split=split, progress=progress
            )
        except SpecError as exc:
            errors += exc.diagnostics
        total = console.style(f"{time.perf_counter() - started:.2f} s", "dim", err=True)
        console.note(f"{file}: loaded, validated and built in {total}")
    if errors:
        _print_diagnostics(errors, fmt)
        sys.exit(1)
    from ..cost.engine import estimate
    from ..cost.report import to_json

    for c in compiled:  # the stage's cost estimate beside its template
        c.extra_files[c.path.with_name(f"{c.stage}.cost.json")] = to_json(estimate(c.spec, c.stage))
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
                            "nested_stacks": len(c.nested),
                            "limits": [u.to_json() for u in _usages(c)],
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
        usages = _usages(c)
        click.echo(f"wrote {c.path}: {usages[0].summary()}")
        if c.nested:
            where = c.path.with_suffix("")
            click.echo(f"  + {len(c.nested)} nested stacks in {where}/, the largest: {_largest(usages[1:])}")
    if quiet:
        return
    click.echo("\nTo deploy (replace <artifact-bucket> with an S3 bucket you own):")
    for c in compiled:
        for command in c.deploy_commands():
            click.echo(f"  {command}")


def _usages(compiled: api.CompiledStage) -> list[Any]:
    """What the stage's template and each nested template use of CloudFormation's limits."""
    from ..limits import measure

    out = [measure(compiled.template, compiled.text, str(compiled.path))]
    for path, template in compiled.nested.items():
        out.append(measure(template, compiled.extra_files[path], str(path)))
    return out


def _largest(usages: list[Any]) -> str:
    """``312/500 resources, 180,223 B, 45/200 outputs, 62/200 parameters``: each the maximum over the children."""
    return (
        f"{max(u.resources for u in usages)}/500 resources, {max(u.bytes for u in usages):,} B, "
        f"{max(u.outputs for u in usages)}/200 outputs, {max(u.parameters for u in usages)}/200 parameters"
    )
