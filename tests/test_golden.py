"""Every spec compiles to exactly its golden template, and every golden template lints clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import api

from .golden import GOLDEN_DIR, compare, golden_path, golden_specs, load

SPECS = golden_specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_spec_matches_golden(spec: Path) -> None:
    compiled = api.compile_spec(str(spec))
    assert compiled, f"{spec} compiled to nothing"
    for stage in compiled:
        expected_path = golden_path(spec, stage.stage)
        assert expected_path.exists(), f"no golden for {spec} stage {stage.stage}; run: python -m tests.golden --update"
        problems = compare(load(expected_path), stage.template)
        assert not problems, f"{spec} stage {stage.stage} differs from {expected_path}:\n" + "\n".join(problems)
        # Byte-identical, not only equal as data.
        assert stage.text == expected_path.read_text(encoding="utf-8")


def test_compiling_twice_gives_identical_bytes() -> None:
    for spec in SPECS:
        first = [c.text for c in api.compile_spec(str(spec))]
        second = [c.text for c in api.compile_spec(str(spec))]
        assert first == second, spec


GOLDENS = sorted(GOLDEN_DIR.rglob("*.yaml"))


@pytest.mark.parametrize("template", GOLDENS, ids=[str(g.relative_to(GOLDEN_DIR)) for g in GOLDENS])
def test_golden_template_lints_clean(template: Path, linter) -> None:
    findings = linter.lint_file(template)
    assert not findings, "\n".join(f"{f.rule} {f.message} ({f.resource})" for f in findings)


def test_every_golden_has_a_spec() -> None:
    stems = {s.stem for s in SPECS}
    orphans = [d.name for d in GOLDEN_DIR.iterdir() if d.is_dir() and d.name not in stems]
    assert not orphans, f"golden directories without a spec: {orphans}; run python -m tests.golden --update"
