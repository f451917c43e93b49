"""Every kind has a cost model whose price keys exist in every shipped region; every spec is fully priced."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from compiler import api
from compiler.components import component_kinds
from compiler.cost.catalogue import regions
from compiler.cost.engine import estimate

from .golden import golden_specs

KINDS = sorted(component_kinds())
SPECS = sorted(Path().glob("specs/*.yaml"))


@cache
def _validated() -> list[tuple[Path, str, object]]:
    """(spec path, stage, Spec) for every spec the project compiles (specs/, examples/, tests/cases/)."""
    found = []
    for path in golden_specs():
        for stage, spec in api.validate(api.load(str(path))).items():
            found.append((path, stage, spec))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_kind_has_a_cost_model_priced_in_every_region(kind: str) -> None:
    uses = [(path, stage, spec) for path, stage, spec in _validated() if kind in _kinds(spec)]
    assert uses, f"no spec under specs/, examples/ or tests/cases/ uses kind {kind!r}; add tests/cases/{kind}.yaml"
    problems = []
    for region in regions():
        for path, stage, spec in uses:
            result = estimate(spec, stage, region=region)
            for line in result.lines:
                if line.kind == kind and not line.priced:
                    problems.append(
                        f"{path} {stage} {region}: {line.item.component}: {line.item.description} "
                        f"(key {line.item.price_key!r})"
                    )
    assert not problems, "lines without a price:\n" + "\n".join(sorted(set(problems)))


def _kinds(spec: object) -> set[str]:
    return {c.kind_name for c in spec.components.values()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_spec_is_fully_priced_on_every_stage(spec: Path) -> None:
    estimates = api.estimate_spec(str(spec))
    assert estimates
    unpriced = [
        f"{e.stage}: {line.item.component} ({line.kind}): {line.item.description} [{line.item.price_key}]"
        for e in estimates
        for line in e.unpriced
    ]
    assert not unpriced, f"{spec}: not priced:\n" + "\n".join(unpriced)
    for e in estimates:
        assert e.total > 0, f"{spec} {e.stage}: a system that costs nothing is a missing price, not a saving"
