"""The reference in docs/ is generated from the models, documents every kind and option, and is fresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.components import component_kinds
from compiler.reference import COMMAND, DOC_PATH, Reference, reference_markdown
from compiler.schema_docs import kind_example

KINDS = component_kinds()


def test_checked_in_reference_is_what_the_models_generate() -> None:
    on_disk = Path(DOC_PATH).read_text(encoding="utf-8")
    assert on_disk == reference_markdown(), f"{DOC_PATH} is stale; run: {COMMAND}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_and_option_is_documented(kind: str) -> None:
    text = Reference().markdown([kind])
    assert f"### `{kind}`" in text
    ref = Reference()
    options = ref.defs[KINDS[kind].__name__]["properties"]  # what a spec may say (hidden fields excluded)
    assert "kind" in options
    for name in options:
        if name in ref.common or name == "kind":
            continue
        assert f"| `{name}` |" in text, f"{kind}.{name} is missing from the reference"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_yaml_example_that_its_model_accepts(kind: str) -> None:
    cls = KINDS[kind]
    example = kind_example(cls)
    assert example is not None, (
        f"compiler/components/{cls.__module__.rsplit('.', 1)[-1]}.py: the module docstring needs a ```yaml block "
        f"with a component of kind {kind}"
    )
    cls.model_validate(example)  # raises if the documented example is not a valid component


def test_whole_reference_links_every_kind_and_the_common_options() -> None:
    text = reference_markdown()
    for kind in KINDS:
        assert f"(#kind-{kind.replace('_', '-')})" in text
    assert "### Common options" in text
    assert "## Stages" in text


def test_reference_command_text_json_and_unknown_kind(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["reference", "table"])
    assert result.exit_code == 0, result.output
    assert "### `table`" in result.output and "partition_key" in result.output
    result = runner.invoke(main, ["reference", "table", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["table"]["options"]["partition_key"]["required"] is True
    assert data["table"]["options"]["point_in_time_recovery"]["default"] is True
    out = tmp_path / "ref.md"
    result = runner.invoke(main, ["reference", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == reference_markdown()
    result = runner.invoke(main, ["reference", "tabel"])
    assert result.exit_code == 2
    assert "unknown component kind 'tabel'" in result.output
