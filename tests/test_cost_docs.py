"""docs/cost.md shows, for each seed system, specc's current estimate beside the seed's own."""

from __future__ import annotations

from pathlib import Path

from .cost_docs import SEEDS, stale


def test_every_seed_spec_has_a_table() -> None:
    assert {seed.spec for seed in SEEDS} == {p.stem for p in Path("specs").glob("*.yaml")}


def test_seed_tables_in_docs_are_fresh() -> None:
    problems = stale()
    assert not problems, "\n".join(problems) + "\nrun: python -m tests.cost_docs --update"
