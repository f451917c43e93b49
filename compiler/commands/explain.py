"""specc explain: each component of a spec and the CloudFormation resources it became."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..console import Console, quiet_option
from ..errors import SpecError
from ._common import FORMATS, _guard, _print_diagnostics


def explain_stage(compiled: Any) -> dict[str, Any]:
    """Components in spec order, each with its resources (from every template of the stage)."""
    spec = compiled.spec
    templates: list[tuple[str, dict[str, Any]]] = [(str(compiled.path), compiled.template)]
    templates += [(str(path), body) for path, body in sorted(compiled.nested.items())]
    owned: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, str] = {}
    for template_path, body in templates:
        for logical_id, resource in (body.get("Resources") or {}).items():
            kind = resource.get("Type", "")
            if kind == "AWS::CloudFormation::Stack" and template_path == str(compiled.path) and compiled.nested:
                continue  # the nested stacks themselves: their resources are listed instead
            meta = ((resource.get("Metadata") or {}).get("specc")) or {}
            component = meta.get("component") or ""
            owned.setdefault(component, []).append({"logical_id": logical_id, "type": kind, "template": template_path})
            if component and meta.get("source"):
                sources.setdefault(component, meta["source"])
    components = []
    for name, component in spec.components.items():
        cls = type(component)
        components.append(
            {
                "name": name,
                "kind": component.kind_name,
                "summary": cls.summary,
                "source": sources.get(name, ""),
                "resources": owned.pop(name, []),
            }
        )
    for name, resources in owned.items():  # resources no component claims (none, normally)
        components.append({"name": name or "(stack)", "kind": "", "summary": "", "source": "", "resources": resources})
    return {
        "spec": compiled.spec_path,
        "system": compiled.system,
        "stage": compiled.stage,
        "region": compiled.region,
        "templates": [t for t, _ in templates],
        "resource_count": sum(len(c["resources"]) for c in components),
        "outputs": sorted((compiled.template.get("Outputs") or {}).keys()),
        "components": components,
    }


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--stage", help="Stage to explain (default: the first).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@quiet_option
@_guard
def explain(file: str, stage: str | None, fmt: str, quiet: bool) -> None:
    """List each component and the CloudFormation resources it became.

    \b
    Example:
      specc explain specs/kefir.yaml
      specc explain specs/kefir.yaml --stage prod --format json
    """
    from .. import api

    console = Console(quiet=quiet)
    try:
        compiled = api.compile_spec(file, [stage] if stage else None)
    except SpecError as exc:
        _print_diagnostics(exc.diagnostics, fmt)
        sys.exit(1)
    chosen = compiled[0] if stage is None else next(c for c in compiled if c.stage == stage)
    info = explain_stage(chosen)
    if fmt == "json":
        console.out(json.dumps(info, indent=2))
        return
    templates = ", ".join(Path(t).as_posix() for t in info["templates"])
    console.note(
        console.style(f"{info['system']} ({info['stage']}, {info['region']})", "bold", err=True)
        + f": {len(info['components'])} components -> {info['resource_count']} resources in {templates}"
    )
    rows = []
    for component in info["components"]:
        line = component["source"].rsplit(":", 2)[1] if component["source"].count(":") >= 2 else ""
        resources = "\n".join(r["logical_id"] for r in component["resources"]) or "(none)"
        types = "\n".join(r["type"] for r in component["resources"])
        row = [component["name"], component["kind"], line, resources, types]
        if len(info["templates"]) > 1:  # nested stacks: say which template holds each resource
            row.append("\n".join(Path(r["template"]).name for r in component["resources"]))
        rows.append(row)
    headers = ["component", "kind", "line", "logical ID", "resource type"]
    if len(info["templates"]) > 1:
        headers.append("template")
    console.out(console.table(headers, rows, align="llr"))
    if info["outputs"]:
        console.note(f"\noutputs: {', '.join(info['outputs'])}")
