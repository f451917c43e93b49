"""specc diff: what deploying NEW over OLD would add, remove, update and replace; data loss is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from ..errors import Diagnostic, SpecError
from ._common import FORMATS, _guard, _print_diagnostics


@click.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", required=False, type=click.Path(exists=True))
@click.option("--rev", help="Compare the spec OLD with its own version at this git revision (e.g. HEAD~1, main).")
@click.option("--stage", "stages", multiple=True, help="Only this stage (repeatable).")
@click.option("--allow-data-loss", is_flag=True, help="Exit 0 even when a stateful resource is removed or replaced.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@_guard
def diff(old: str, new: str | None, rev: str | None, stages: tuple[str, ...], allow_data_loss: bool, fmt: str) -> None:
    """Show what changes between two compiled outputs (or specs), and refuse data loss.

    OLD and NEW are compiled templates, directories of them, or specs (compiled in memory). With
    --rev, OLD is a spec and is compared with its own version at that git revision. For every
    modified resource the diff says whether CloudFormation updates it in place or REPLACES it
    (from the provider schemas' create-only properties). Removing or replacing a table, bucket,
    database, user pool, key, secret or repository is data loss: exit 1 unless --allow-data-loss.

    \b
    Example:
      specc diff build/old output              # two compiled outputs
      specc diff specs/kefir.yaml --rev HEAD~1 # the spec against its last committed version
      specc diff old.yaml new.yaml --stage prod
    """
    from ..diff import diff_sets, format_text

    if (new is None) == (rev is None):
        raise click.UsageError("give either OLD and NEW, or a spec and --rev")
    wanted = list(stages) or None
    try:
        if rev is not None:
            before = _spec_at_revision(old, rev, wanted)
            after = _templates(old, wanted)
        else:
            assert new is not None
            before, after = _templates(old, wanted), _templates(new, wanted)
    except SpecError as exc:
        _print_diagnostics(exc.diagnostics, fmt)
        sys.exit(1)
    if wanted:
        before = {k: v for k, v in before.items() if _in_stages(k, wanted)}
        after = {k: v for k, v in after.items() if _in_stages(k, wanted)}
    diffs = diff_sets(before, after)
    losses = sum(len(d.data_loss) for d in diffs)
    if fmt == "json":
        click.echo(json.dumps({"templates": [d.to_json() for d in diffs], "data_loss": losses}, indent=2))
    else:
        for line in format_text(diffs, allow_data_loss):
            click.echo(line)
    sys.exit(1 if losses and not allow_data_loss else 0)


def _in_stages(label: str, stages: list[str]) -> bool:
    parts = label.split("/")
    return len(parts) < 2 or parts[1].removesuffix(".yaml") in stages


def _is_spec(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return any(line.startswith("specc:") for line in head.splitlines())


def _templates(target: str, stages: list[str] | None) -> dict[str, dict[str, Any]]:
    """Templates by label ``system/stage`` (nested stacks: ``system/stage/child``)."""
    path = Path(target)
    if path.is_file() and _is_spec(path):
        return _compiled(api.compile_spec(path, stages))
    files = (
        [path] if path.is_file() else sorted(p for p in path.rglob("*.yaml") if not p.name.endswith(".packaged.yaml"))
    )
    out: dict[str, dict[str, Any]] = {}
    for file in files:
        template = _read_template(file)
        if template is None:
            continue
        out[_label(file, template, path)] = template
    return out


def _compiled(stages: list[api.CompiledStage]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for compiled in stages:
        out[f"{compiled.system}/{compiled.stage}"] = compiled.template
        for extra, text in compiled.extra_files.items():
            if extra.suffix == ".yaml":
                child = _parse(text, str(extra))
                if child is not None:
                    out[f"{compiled.system}/{compiled.stage}/{extra.stem}"] = child
    return out


def _label(file: Path, template: dict[str, Any], root: Path) -> str:
    specc = (template.get("Metadata") or {}).get("specc") or {}
    system, stage = specc.get("system"), specc.get("stage")
    if system and stage:
        return f"{system}/{stage}" if file.stem == stage else f"{system}/{stage}/{file.stem}"
    return file.name if root.is_file() else file.relative_to(root).as_posix()


def _read_template(file: Path) -> dict[str, Any] | None:
    return _parse(file.read_text(encoding="utf-8"), str(file))


def _parse(text: str, where: str) -> dict[str, Any] | None:
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if errors or not isinstance(template, dict):
        message = errors[0].message if errors else "not a mapping"
        raise SpecError([Diagnostic(where, 1, 1, "", f"cannot read template: {message}")])
    if "Resources" not in template:
        return None  # not a template (e.g. a cost report); skipped
    return _plain(template)


def _plain(value: Any) -> Any:
    """cfn-lint's decoded nodes (str_node, dict_node) as plain Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _spec_at_revision(spec: str, rev: str, stages: list[str] | None) -> dict[str, dict[str, Any]]:
    """Compile the spec as it was at ``rev`` (read with ``git show``), under the same path."""
    path = Path(spec).resolve()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=path.parent, capture_output=True, text=True, check=True
        ).stdout.strip()
        relative = path.relative_to(Path(top).resolve()).as_posix()
        shown = subprocess.run(["git", "show", f"{rev}:{relative}"], cwd=top, capture_output=True, check=False)
    except (OSError, subprocess.CalledProcessError, ValueError):
        raise SpecError([Diagnostic(spec, 1, 1, "", "--rev needs the spec to be inside a git work tree")]) from None
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        message = reason[-1] if reason else "git show failed"
        raise SpecError([Diagnostic(spec, 1, 1, "", f"cannot read the spec at revision {rev!r}: {message}")])
    from ..loader import load_bytes

    try:
        document = load_bytes(shown.stdout, spec)
        return _compiled(api.compile_document(document, stages))
    except SpecError as exc:
        notes = [
            Diagnostic(
                d.file, d.line, d.col, d.path, f"{d.message} (in the spec at revision {rev})", d.severity, d.rule
            )
            for d in exc.diagnostics
        ]
        raise SpecError(notes) from None
