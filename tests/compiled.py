"""Every spec in specs/, examples/ and tests/cases/, compiled for every stage (shared by the safety tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from compiler import api
from compiler.errors import SpecError

from .golden import golden_specs


@dataclass
class Compiled:
    spec: Path
    stages: list[api.CompiledStage] = field(default_factory=list)
    removal_policy: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def templates(self) -> list[tuple[str, dict[str, Any], str]]:
        """(label, template, removal policy) for every stage and every nested child template."""
        from compiler.render import from_yaml

        out = []
        for stage in self.stages:
            policy = self.removal_policy[stage.stage]
            out.append((f"{stage.system}/{stage.stage}", stage.template, policy))
            for path, text in sorted(stage.extra_files.items()):
                if path.suffix == ".yaml":
                    out.append((f"{stage.system}/{stage.stage}/{path.stem}", from_yaml(text), policy))
        return out


def all_specs() -> list[Path]:
    return golden_specs()


@cache
def compiled(spec: Path) -> Compiled:
    result = Compiled(spec)
    try:
        document = api.load(spec)
        specs = api.validate(document)
        result.stages = api.compile_document(document)
        result.removal_policy = {name: s.stages[name].removal_policy for name, s in specs.items()}
    except SpecError as exc:
        result.error = str(exc)
    return result


def write_all(specs: list[Path], out: Path) -> dict[Path, tuple[Path, str]]:
    """Write every compiled template under ``out``; returns {written file: (spec, label)}."""
    written: dict[Path, tuple[Path, str]] = {}
    for spec in specs:
        result = compiled(spec)
        for stage in result.stages:
            target = out / spec.stem / f"{stage.stage}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(stage.text, encoding="utf-8")
            written[target] = (spec, f"{stage.system}/{stage.stage}")
            for path, text in sorted(stage.extra_files.items()):
                if path.suffix == ".yaml":
                    child = out / spec.stem / stage.stage / path.name
                    child.parent.mkdir(parents=True, exist_ok=True)
                    child.write_text(text, encoding="utf-8")
                    written[child] = (spec, f"{stage.system}/{stage.stage}/{path.stem}")
    return written
