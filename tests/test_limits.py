"""CloudFormation's per-template limits: measured, reported, and enforced before deploy."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import write_system
from compiler import api, limits
from compiler.limits import TemplateUsage, measure


def _template(resources: int = 0, outputs: int = 0, parameters: int = 0) -> dict:
    return {
        "Parameters": {f"P{i}": {"Type": "String"} for i in range(parameters)},
        "Resources": {f"R{i}": {"Type": "AWS::SNS::Topic"} for i in range(resources)},
        "Outputs": {f"O{i}": {"Value": "x"} for i in range(outputs)},
    }


def test_measure_counts_sections_and_utf8_bytes() -> None:
    usage = measure(_template(3, 2, 1), "é" * 10, "t.yaml")
    assert (usage.resources, usage.outputs, usage.parameters, usage.bytes) == (3, 2, 1, 20)


def test_a_template_within_every_limit_has_no_problems() -> None:
    usage = TemplateUsage("t", resources=500, outputs=200, parameters=200, bytes=1_000_000)
    assert usage.problems() == []


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (TemplateUsage("t", 501, 0, 0, 10), "501 resources; CloudFormation allows 500 per stack"),
        (TemplateUsage("t", 1, 201, 0, 10), "201 outputs; CloudFormation allows 200 per stack"),
        (TemplateUsage("t", 1, 0, 201, 10), "201 parameters; CloudFormation allows 200 per stack"),
        (TemplateUsage("t", 1, 0, 0, 1_000_001), "1,000,001 bytes; CloudFormation accepts at most 1,000,000"),
    ],
)
def test_each_broken_limit_is_named(usage: TemplateUsage, expected: str) -> None:
    (problem,) = usage.problems()
    assert problem.startswith(expected)


def test_a_lower_threshold_is_enforced_too() -> None:
    assert TemplateUsage("t", 41, 0, 0, 10).problems(40) == ["41 resources; the limit is 40 per stack"]


def test_summary_shows_each_figure_against_its_limit() -> None:
    summary = TemplateUsage("t", 81, 6, 0, 61_102).summary()
    assert summary == (
        "81/500 resources, 61,102 B (119% of 51,200 inline, 6% of 1 MB), 6/200 outputs, 0/200 parameters"
    )
    data = TemplateUsage("t", 81, 6, 0, 61_102).to_json()
    assert data["limits"] == {
        "resources": 500,
        "outputs": 200,
        "parameters": 200,
        "bytes_inline": 51_200,
        "bytes_s3": 1_000_000,
    }


def test_a_template_too_big_in_bytes_is_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer resources than the limit, but more bytes than CloudFormation accepts: split as well."""
    spec = write_system(tmp_path, routes=20, tables=1, buckets=1)
    (flat,) = api.compile_spec(spec, ["dev"], tmp_path / "out")
    assert not flat.nested
    size = len(flat.text.encode())
    monkeypatch.setattr(limits, "MAX_BODY_S3", size - 1)
    (split,) = api.compile_spec(spec, ["dev"], tmp_path / "out")
    assert split.nested
    assert all(len(text.encode()) < size for text in [split.text, *split.extra_files.values()])
    with pytest.raises(api.SpecError) as error:
        api.compile_spec(spec, ["dev"], tmp_path / "out", split=False)
    assert f"its template would be {size:,} bytes" in error.value.diagnostics[0].message


def test_too_many_outputs_cannot_be_split_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs stay in the parent (export names must not change), so too many of them is an error."""
    spec = write_system(tmp_path, routes=1, tables=3, buckets=0)
    monkeypatch.setattr(limits, "MAX_OUTPUTS", 2)
    with pytest.raises(api.SpecError) as error:
        api.compile_spec(spec, ["dev"], tmp_path / "out")
    (diagnostic,) = error.value.diagnostics
    assert "the template breaks CloudFormation's limits" in diagnostic.message
    assert "outputs; CloudFormation allows 2 per stack" in diagnostic.message
