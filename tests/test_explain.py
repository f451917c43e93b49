"""specc explain: every resource of a stage is listed under the component it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import api
from compiler.cli import main
from compiler.commands.explain import explain_stage

from .golden import golden_specs

EXAMPLE = "examples/api-with-table.yaml"


def test_example_components_and_their_resources() -> None:
    info = explain_stage(api.compile_spec(EXAMPLE, ["dev"])[0])
    assert (info["system"], info["stage"], info["resource_count"]) == ("todo", "dev", 4)
    by_name = {c["name"]: c for c in info["components"]}
    assert [r["logical_id"] for r in by_name["items"]["resources"]] == ["ItemsTable"]
    assert [(r["logical_id"], r["type"]) for r in by_name["todo"]["resources"]] == [
        ("TodoLogGroup", "AWS::Logs::LogGroup"),
        ("TodoRole", "AWS::IAM::Role"),
        ("TodoFunction", "AWS::Lambda::Function"),
    ]
    assert by_name["todo"]["source"] == f"{EXAMPLE}:19:5"
    assert by_name["todo"]["kind"] == "function" and by_name["todo"]["summary"]


@pytest.mark.parametrize("spec", golden_specs(), ids=[s.stem for s in golden_specs()])
def test_every_resource_is_listed_once_under_a_component_of_the_spec(spec: Path) -> None:
    for compiled in api.compile_spec(str(spec)):
        info = explain_stage(compiled)
        listed = [r["logical_id"] for c in info["components"] for r in c["resources"]]
        expected = [k for k, v in compiled.template["Resources"].items() if v["Type"] != "AWS::CloudFormation::Stack"]
        for body in compiled.nested.values():
            expected += list(body["Resources"])
        assert sorted(listed) == sorted(expected)
        assert [c["name"] for c in info["components"]] == list(compiled.spec.components)


def test_nested_stacks_list_the_resources_inside_them() -> None:
    compiled = api.compile_spec(EXAMPLE, ["dev"], max_resources=3)[0]
    assert compiled.nested, "the example should split at 3 resources"
    info = explain_stage(compiled)
    listed = {r["logical_id"]: r["template"] for c in info["components"] for r in c["resources"]}
    assert set(listed) == {"ItemsTable", "TodoLogGroup", "TodoRole", "TodoFunction"}
    assert any(t != str(compiled.path) for t in listed.values())
    assert len(info["templates"]) == 1 + len(compiled.nested)


def test_explain_command_text_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["explain", EXAMPLE])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("component"))
    assert header.split() == ["component", "kind", "line", "logical", "ID", "resource", "type"]
    assert any(line.split()[:5] == ["todo", "function", "19", "TodoLogGroup", "AWS::Logs::LogGroup"] for line in lines)
    assert any(line.split() == ["TodoRole", "AWS::IAM::Role"] for line in lines)
    assert "\x1b[" not in result.output  # not a terminal: no colour
    result = runner.invoke(main, ["explain", EXAMPLE, "--stage", "prod", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["stage"] == "prod" and data["outputs"] == ["ItemsTableName"]


def test_explain_bad_spec_and_bad_stage_are_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("specc: 1\nsystem: x\nstages: {dev: {}}\ncomponents:\n  t: {kind: table}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5:6: components.t.partition_key: missing required key 'partition_key'" in result.output
    result = CliRunner().invoke(main, ["explain", EXAMPLE, "--stage", "qa"])
    assert result.exit_code == 1 and "no stage named 'qa'" in result.output
    assert "Traceback" not in result.output
