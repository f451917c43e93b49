"""Documentation in the JSON Schema: what an editor shows while a person types a spec.

The YAML language server (VS Code, Neovim, JetBrains) shows a property's ``title``,
``description``, ``default`` and ``examples`` on hover and completion. pydantic writes most of
them from the models; this module fills what it leaves out, only where the value is honest:

- ``default`` of fields whose default comes from a factory (``{}``, ``[]``) -- the real default;
- ``title`` of fields pydantic leaves untitled (those pointing at a model) -- from the field name;
- ``description`` and ``examples`` of each kind's ``kind`` property -- from the kind's ``summary``;
- each kind's ``examples`` -- the kind's own YAML example from its module docstring;
- a field's ``examples`` when its author gave none: its non-empty default, its allowed values
  (an enum), ``true``/``false`` for a flag, or for a nested model one built from that model's
  own field examples. Anything else is left missing and ``missing_docs`` lists it (a test fails).

It also makes the schema as strict as the models on structure: maps keyed by names
(``patternProperties``) reject keys that are not names, as pydantic does.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, NoDefault

_YAML_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.DOTALL)


class DocumentedSchema(GenerateJsonSchema):
    """pydantic's generator, showing defaults that come from a ``default_factory``."""

    def get_default_value(self, schema: Any) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            value = factory()
            if isinstance(value, BaseModel):  # a nested settings model: its defaults, as the spec would say them
                return value.model_dump(mode="json", exclude_none=True)
            if isinstance(value, dict | list | str | int | float | bool) or value is None:
                return value
        return schema.get("default", NoDefault)


def kind_example(cls: type) -> dict[str, Any] | None:
    """A kind's example: the first component of its kind in its module docstring's YAML block."""
    import sys

    import yaml

    module = sys.modules.get(cls.__module__)
    text = (module.__doc__ if module else None) or ""
    kind = cls.model_fields["kind"].default  # type: ignore[attr-defined]
    for block in _YAML_BLOCK.findall(text):
        try:
            data = yaml.safe_load(block)
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue
        for value in data.values():
            if isinstance(value, dict) and value.get("kind") == kind:
                return value
    return None


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with titles, kind docs and honest examples filled in (a new dict)."""
    from .components import component_kinds

    schema = copy.deepcopy(schema)
    defs: dict[str, Any] = schema.get("$defs", {})
    kinds = component_kinds()
    for kind, cls in kinds.items():
        definition = defs.get(cls.__name__)
        if definition is None or definition.get("properties", {}).get("kind", {}).get("const") != kind:
            continue
        prop = definition["properties"]["kind"]
        summary = cls.summary or (cls.__doc__ or "").strip().splitlines()[0]
        prop.setdefault("description", f"The kind of this component: {kind} ({summary}).")
        prop.setdefault("examples", [kind])
        example = kind_example(cls)
        if example is not None:
            definition.setdefault("examples", [example])
        # The discriminator: pydantic needs ``kind`` even though each kind has it as a default.
        if "kind" not in definition.setdefault("required", []):
            definition["required"].insert(0, "kind")
    _defaults_may_provide(schema, [d for k, d in defs.items() if _is_kind(d)])
    for node in _objects(schema):
        for name, prop in (node.get("properties") or {}).items():
            prop.setdefault("title", name.replace("_", " ").title())
    for node in _all_nodes(schema):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
    # Examples last: a nested model's example is built from its fields' examples.
    for _ in range(3):  # nested models: each pass can build the next level's examples
        for node in _objects(schema):
            for prop in (node.get("properties") or {}).values():
                if "examples" not in prop:
                    example = _derived_example(prop, defs)
                    if example is not None:
                        prop["examples"] = example
    return schema


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every schema object that has properties: the root and each definition."""
    return [schema, *schema.get("$defs", {}).values()]


#: Where the models' required fields are kept once the schema no longer requires them (see below).
REQUIRED_KEY = "x-specc-required"


def _is_kind(definition: dict[str, Any]) -> bool:
    return "const" in (definition.get("properties") or {}).get("kind", {})


def _defaults_may_provide(schema: dict[str, Any], kinds: list[dict[str, Any]]) -> None:
    """A component's required options may come from ``defaults.<kind>`` or a stage's overlay.

    specc merges both into each component before validating it, so a spec that leaves ``cluster``
    to ``defaults: {service: {cluster: app}}`` is valid. JSON Schema cannot look across the document,
    so within components nothing but ``kind`` is required; the models' list moves to
    ``x-specc-required`` (the reference and the docs check read it) and each such option's
    description says it is required.
    """
    defs = schema.get("$defs", {})
    seen: set[int] = set()
    stack = list(kinds)
    while stack:
        definition = stack.pop()
        if id(definition) in seen:
            continue
        seen.add(id(definition))
        required = [r for r in definition.get("required", []) if r != "kind"]
        if required:
            definition[REQUIRED_KEY] = required
            definition["required"] = [r for r in definition["required"] if r == "kind"]
            if not definition["required"]:
                del definition["required"]
            for name in required:
                prop = definition.get("properties", {}).get(name)
                if prop is not None and not str(prop.get("description", "")).startswith("Required"):
                    where = (
                        " (here, in `defaults` of the kind, or in a stage's overlay)" if _is_kind(definition) else ""
                    )
                    prop["description"] = f"Required{where}. " + prop.get("description", "")
        for node in _all_nodes(definition.get("properties", {})):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = defs.get(ref.rsplit("/", 1)[-1])
                if target is not None and not _is_kind(target):
                    stack.append(target)


def required_of(definition: dict[str, Any]) -> set[str]:
    """The fields the models require (whether or not the schema itself requires them)."""
    return set(definition.get("required") or []) | set(definition.get(REQUIRED_KEY) or [])


def _all_nodes(value: Any) -> list[dict[str, Any]]:
    """Every dict anywhere in the schema."""
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _derived_example(prop: dict[str, Any], defs: dict[str, Any]) -> list[Any] | None:
    default = prop.get("default")
    if default not in (None, {}, [], ""):
        return [default]
    return _type_example(prop, defs)


def _type_example(prop: dict[str, Any], defs: dict[str, Any]) -> list[Any] | None:
    if "const" in prop:
        return [prop["const"]]
    if "enum" in prop:
        return list(prop["enum"][:3])
    if prop.get("type") == "boolean":
        return [True, False]
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        item = _type_example(prop["items"], defs)  # a list of one item built from the item's own examples
        return [[item[0]]] if item and isinstance(item[0], dict) else None
    if "$ref" in prop:
        target = defs.get(prop["$ref"].rsplit("/", 1)[-1], {})
        return _model_example(target)
    for option in prop.get("anyOf", []):
        if option.get("type") == "null":
            continue
        found = _type_example(option, defs)
        if found is not None:
            return found
    return None


def _model_example(definition: dict[str, Any]) -> list[Any] | None:
    if "examples" in definition:
        return [definition["examples"][0]]
    props = definition.get("properties") or {}
    required = sorted(required_of(definition), key=list(props).index) if props else []
    chosen = list(required) or [n for n, p in props.items() if "examples" in p][:2]
    example = {}
    for name in chosen:
        examples = props.get(name, {}).get("examples")
        if not examples:
            return None
        example[name] = examples[0]
    return [example] if example else None


def missing_docs(schema: dict[str, Any]) -> list[str]:
    """Every place the schema lacks what an editor should show, as ``Definition.field: what``."""
    problems: list[str] = []
    for def_name, node in [("Spec", schema), *schema.get("$defs", {}).items()]:
        if not node.get("title"):
            problems.append(f"{def_name}: no title")
        if not node.get("description"):
            problems.append(f"{def_name}: no description (the class docstring)")
        required = required_of(node)
        for name, prop in (node.get("properties") or {}).items():
            where = f"{def_name}.{name}"
            if not prop.get("title"):
                problems.append(f"{where}: no title")
            if not prop.get("description"):
                problems.append(f"{where}: no description")
            if name not in required and "default" not in prop:
                problems.append(f"{where}: optional but no default")
            if not prop.get("examples"):
                problems.append(f"{where}: no example (add examples=[...] to its Field)")
    return problems
