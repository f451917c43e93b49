"""Editor completion: the JSON Schema documents every field and kind, and agrees with specc on structure."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from compiler import api
from compiler.components import component_kinds
from compiler.errors import SpecError
from compiler.loader import load_bytes
from compiler.schema import SCHEMA_ID, SCHEMA_PATH, json_schema
from compiler.schema_docs import missing_docs

from .golden import golden_specs

SPECS = golden_specs()
SCHEMA = json_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def test_schema_is_a_valid_draft_2020_12_schema_with_a_stable_id() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == SCHEMA_ID == "https://specc.dev/schemas/specc.schema.json"
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_field_and_kind_has_title_description_default_and_example() -> None:
    problems = missing_docs(SCHEMA)
    assert not problems, (
        "The YAML language server shows these to people typing a spec; add Field(description=..., "
        "examples=[...]) (or a class docstring):\n  " + "\n  ".join(problems)
    )


def test_every_kind_is_in_the_schema_with_its_docs() -> None:
    mapping = SCHEMA["properties"]["components"]["patternProperties"]
    (component,) = mapping.values()
    refs = {k: v.rsplit("/", 1)[-1] for k, v in component["discriminator"]["mapping"].items()}
    assert sorted(refs) == sorted(component_kinds())
    for kind, cls in component_kinds().items():
        definition = SCHEMA["$defs"][refs[kind]]
        assert definition["properties"]["kind"]["const"] == kind
        assert kind in definition["properties"]["kind"]["description"]
        assert definition["description"], f"kind {kind}: no class docstring"
        assert cls.summary, f"kind {kind}: set the ClassVar summary (a few words for docs and explain)"


def test_missing_docs_names_what_is_missing() -> None:
    schema = copy.deepcopy(SCHEMA)
    table = schema["$defs"]["Table"]["properties"]["partition_key"]
    del table["examples"], table["description"]
    problems = missing_docs(schema)
    assert "Table.partition_key: no description" in problems
    assert "Table.partition_key: no example (add examples=[...] to its Field)" in problems


def test_derived_examples_are_honest() -> None:
    table = SCHEMA["$defs"]["Table"]["properties"]
    assert table["point_in_time_recovery"]["examples"] == [True]  # its default
    assert table["billing"]["examples"] == ["on_demand"]  # its only allowed value
    assert table["partition_key"]["examples"] == ["PK"]  # the author's own
    assert table["attribute_types"]["default"] == {}  # a default_factory's real default
    region = SCHEMA["properties"]["region"]
    assert region["examples"] == ["us-east-1"]


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_specs_begin_with_the_yaml_language_server_line(spec: Path) -> None:
    first = spec.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), f"{spec}: first line is {first!r}"
    target = first.split("$schema=", 1)[1].strip()
    if "://" not in target:
        assert (spec.parent / target).resolve() == Path(SCHEMA_PATH).resolve(), f"{spec}: {target} is not the schema"


# -- jsonschema and specc validate agree on structure ------------------------------------------


def _specc_accepts(data: Any, name: str = "mutated.yaml") -> bool:
    try:
        api.validate(load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), name))
    except SpecError:
        return False
    return True


def _schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_jsonschema_accepts_every_spec_specc_accepts(spec: Path) -> None:
    api.validate(api.load(spec))  # specc accepts it (the golden tests compile it)
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors)


def _mutations(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Structural mistakes a person makes; both validators must refuse each."""
    first = next(iter(data["components"]))
    out = []

    def mutate(label: str, change: Any) -> None:
        copied = copy.deepcopy(data)
        change(copied)
        out.append((label, copied))

    mutate("unknown top-level key", lambda d: d.__setitem__("sytem", "typo"))
    mutate("unknown component key", lambda d: d["components"][first].__setitem__("no_such_option", 1))
    mutate("unknown kind", lambda d: d["components"][first].__setitem__("kind", "no-such-kind"))
    mutate("missing kind", lambda d: d["components"][first].pop("kind"))
    mutate("component description is a list", lambda d: d["components"][first].__setitem__("description", [1]))
    mutate("component name is not a name", lambda d: d["components"].__setitem__("Bad Name", d["components"][first]))
    mutate("stage name is not a name", lambda d: d["stages"].__setitem__("Prod!", {}))
    mutate("no stages", lambda d: d.pop("stages"))
    mutate("unknown stage key", lambda d: next(iter(d["stages"].values())).__setitem__("regoin", "us-east-1"))
    mutate("bad region", lambda d: d.__setitem__("region", "mars-north-1"))
    mutate("components is a list", lambda d: d.__setitem__("components", [first]))
    mutate("format version 2", lambda d: d.__setitem__("specc", 2))
    return out


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_jsonschema_and_specc_both_refuse_structural_mistakes(spec: Path) -> None:
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    disagreements = []
    for label, mutated in _mutations(data):
        specc, schema = _specc_accepts(mutated), _schema_accepts(mutated)
        if specc or schema:
            disagreements.append(
                f"{label}: specc {'accepts' if specc else 'refuses'}, jsonschema {'accepts' if schema else 'refuses'}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_required_options_may_come_from_defaults_or_a_stage_overlay() -> None:
    """specc merges defaults and overlays before validating; the schema must not refuse such specs."""
    base = yaml.safe_load(Path("examples/api-with-table.yaml").read_text(encoding="utf-8"))
    from_defaults = copy.deepcopy(base)
    from_defaults["defaults"] = {"table": {"partition_key": from_defaults["components"]["items"].pop("partition_key")}}
    from_overlay = copy.deepcopy(base)
    key = from_overlay["components"]["items"].pop("partition_key")
    for stage in from_overlay["stages"].values():
        stage["components"] = {"items": {"partition_key": key}}
    for data in (from_defaults, from_overlay):
        assert _specc_accepts(data) and _schema_accepts(data)
    nowhere = copy.deepcopy(base)
    del nowhere["components"]["items"]["partition_key"]
    assert not _specc_accepts(nowhere)  # only specc can know it is missing everywhere
    table = SCHEMA["$defs"]["Table"]
    assert table["required"] == ["kind"] and table["x-specc-required"] == ["partition_key"]
    assert table["properties"]["partition_key"]["description"].startswith("Required (here, in `defaults`")
