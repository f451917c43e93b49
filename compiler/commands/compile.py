"""specc compile: specs to CloudFormation templates, one per stage."""

from __future__ import annotations

import json
import sys

import click

from .. import api
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command(name="compile")
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
