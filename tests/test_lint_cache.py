"""Lint results cached by template content, and batches linted in parallel, give cfn-lint's own answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.lint import Linter
from compiler.render import to_yaml


def _template(name: str, bogus: bool = False) -> str:
    properties: dict[str, Any] = {"TopicName": name}
    if bogus:
        properties["Bogus"] = 1  # E3002: not a property of AWS::SNS::Topic
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {f"{name.title()}Topic": {"Type": "AWS::SNS::Topic", "Properties": properties}},
    }
    return to_yaml(body)


def _no_cfnlint(*_: Any) -> Any:
    raise AssertionError("cfn-lint ran although the result was cached")


def test_a_cached_result_is_the_linted_one_without_running_cfnlint(tmp_path: Path) -> None:
    text = _template("alerts", bogus=True)
    first = Linter(cache_dir=tmp_path).lint_many([(text, "a.yaml", "us-east-1")])[0]
    assert [f.rule for f in first] == ["E3002"]
    again = Linter(cache_dir=tmp_path)
    again._runner = _no_cfnlint  # type: ignore[method-assign]
    second = again.lint_many([(text, "elsewhere/b.yaml", "us-east-1")])[0]
    assert again.cached == 1 and again.linted == 0
    assert [f.rule for f in second] == ["E3002"]
    assert [f.message for f in second] == [f.message for f in first]
    assert {f.template for f in second} == {"elsewhere/b.yaml"}  # findings name the template asked about


def test_changed_text_or_region_is_linted_again(tmp_path: Path) -> None:
    linter = Linter(cache_dir=tmp_path)
    linter.lint_many([(_template("alerts"), "a.yaml", "us-east-1")])
    linter.lint_many([(_template("alarms"), "a.yaml", "us-east-1"), (_template("alerts"), "a.yaml", "eu-west-1")])
    assert (linter.linted, linter.cached) == (3, 0)
    linter.lint_many([(_template("alerts"), "a.yaml", "eu-west-1")])
    assert (linter.linted, linter.cached) == (3, 1)


def test_an_unreadable_cache_entry_is_linted_again(tmp_path: Path) -> None:
    text = _template("alerts", bogus=True)
    Linter(cache_dir=tmp_path).lint_many([(text, "a.yaml", "us-east-1")])
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    linter = Linter(cache_dir=tmp_path)
    assert [f.rule for f in linter.lint_many([(text, "a.yaml", "us-east-1")])[0]] == ["E3002"]
    assert linter.linted == 1


def test_parallel_linting_gives_the_serial_answers_in_order() -> None:
    batch = [(_template(f"t{i}", bogus=i % 2 == 0), f"t{i}.yaml", "us-east-1") for i in range(6)]
    serial = Linter(jobs=1).lint_many(batch)
    parallel = Linter(jobs=2).lint_many(batch)
    assert parallel == serial
    assert [bool(found) for found in parallel] == [True, False, True, False, True, False]


def test_specc_lint_rerun_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for i in range(3):
        (tmp_path / f"t{i}.yaml").write_text(_template(f"t{i}"), encoding="utf-8")
    runner = CliRunner()
    first = json.loads(runner.invoke(main, ["lint", str(tmp_path), "--format", "json", "--no-checkov"]).output)
    second = json.loads(runner.invoke(main, ["lint", str(tmp_path), "--format", "json", "--no-checkov"]).output)
    assert (first["ok"], first["templates"], first["from_cache"]) == (True, 3, 0)
    assert (second["ok"], second["templates"], second["from_cache"]) == (True, 3, 3)
    assert (tmp_path / ".specc-cache" / "lint").is_dir()
    third = json.loads(
        runner.invoke(main, ["lint", str(tmp_path), "--format", "json", "--no-cache", "--no-checkov"]).output
    )
    assert third["from_cache"] == 0


def test_a_batch_tool_runs_once_for_the_same_inputs(tmp_path: Path) -> None:
    from compiler.lint import cached_batch

    calls: list[int] = []

    def compute() -> list[dict[str, Any]]:
        calls.append(1)
        return [{"file": "a.yaml", "line": 3}]

    first = cached_batch(tmp_path, "checkov", ["checkov-3.2", "a.yaml\0text"], compute)
    again = cached_batch(tmp_path, "checkov", ["checkov-3.2", "a.yaml\0text"], compute)
    assert first == again == [{"file": "a.yaml", "line": 3}] and len(calls) == 1
    cached_batch(tmp_path, "checkov", ["checkov-3.2", "a.yaml\0changed"], compute)
    cached_batch(tmp_path, "checkov", ["checkov-3.3", "a.yaml\0text"], compute)
    cached_batch(None, "checkov", ["checkov-3.2", "a.yaml\0text"], compute)
    assert len(calls) == 4


def test_specs_compiled_in_parallel_give_the_serial_results_in_order(tmp_path: Path) -> None:
    from compiler import api
    from compiler.errors import SpecError
    from compiler.parallel import compile_specs_parallel

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path("examples/api-with-table.yaml").read_text(encoding="utf-8").replace("components:", "componants:", 1),
        encoding="utf-8",
    )
    paths = ["examples/scheduled-job.yaml", str(bad), "examples/api-with-table.yaml"]
    parallel = compile_specs_parallel(paths, tmp_path / "out", jobs=2)  # forks, whatever the test runner
    assert [kind for kind, _ in parallel] == ["stages", "errors", "stages"]
    for path, (kind, value) in zip(paths, parallel, strict=True):
        if kind == "errors":
            with pytest.raises(SpecError) as raised:
                api.compile_spec(path, None, tmp_path / "out")
            assert value == raised.value.diagnostics
            continue
        serial = api.compile_spec(path, None, tmp_path / "out")
        assert [(c.stage, c.path, c.text, c.extra_files) for c in value] == [
            (c.stage, c.path, c.text, c.extra_files) for c in serial
        ]
    # api.compile_specs gives the same, with the errors as a SpecError in their place
    results = api.compile_specs(paths, tmp_path / "out")
    assert isinstance(results[1], SpecError) and results[1].diagnostics == parallel[1][1]
    assert [c.text for c in results[2]] == [c.text for c in parallel[2][1]]  # type: ignore[union-attr]
