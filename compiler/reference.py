"""The reference documentation of every component kind and option, generated from the models.

``specc reference --out docs/reference.md`` writes it; ``tests/test_reference.py`` fails when the
checked-in file is not what the models generate, so the reference cannot drift from the code.
Kinds are discovered with ``component_kinds()``: a new kind is documented without touching this file.

The source of each part:

- a kind's heading and prose: its ``summary`` and its module docstring (which holds its YAML example);
- the option tables: the JSON Schema (``compiler/schema.py``), so types, defaults, allowed values,
  ranges and examples are exactly what the editor shows and what validation enforces.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .schema_docs import required_of

DOC_PATH = "docs/reference.md"
COMMAND = "specc reference --out docs/reference.md"

_RST_LITERAL = re.compile(r"(?<!`)``([^`\n]+)``(?!`)")


def _anchor(name: str) -> str:
    return "def-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _kind_anchor(kind: str) -> str:
    return "kind-" + re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|")
    return f"`{text}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _doc(text: str) -> str:
    """A docstring as Markdown: RST ``literals`` become `code`, indentation is dropped."""
    import inspect

    return _RST_LITERAL.sub(r"`\1`", inspect.cleandoc(text)).strip()


class Reference:
    def __init__(self) -> None:
        from .components import component_kinds
        from .schema import json_schema

        self.schema = json_schema()
        self.defs: dict[str, Any] = self.schema.get("$defs", {})
        self.kinds = component_kinds()
        self.kind_defs: dict[str, str] = {}  # kind -> definition name
        for kind, cls in self.kinds.items():
            if cls.__name__ in self.defs:
                self.kind_defs[kind] = cls.__name__
        self.def_kinds = {v: k for k, v in self.kind_defs.items()}
        self._placed: dict[str, str] = {}  # nested definition -> where it is documented
        from .model import Component

        #: Options every kind has (from the ``Component`` base), documented once.
        self.common = tuple(n for n in Component.model_fields if not n.startswith("_"))

    # -- types ----------------------------------------------------------------------------------
    def type_of(self, node: dict[str, Any]) -> str:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in self.def_kinds:
                return f"[{self.def_kinds[name]}](#{_kind_anchor(self.def_kinds[name])})"
            return f"[{name}](#{_anchor(name)})"
        if "const" in node:
            return _code(node["const"])
        if "enum" in node:
            return "one of " + ", ".join(_code(v) for v in node["enum"])
        if "oneOf" in node and "discriminator" in node:
            return "a component (see [component kinds](#component-kinds))"
        for key in ("anyOf", "oneOf"):
            if key in node:
                options = [o for o in node[key] if o.get("type") != "null"]
                return " or ".join(dict.fromkeys(self.type_of(o) for o in options)) or "null"
        kind = node.get("type")
        if kind == "array":
            return f"list of {self.type_of(node.get('items', {}))}"
        if kind == "object" or "additionalProperties" in node or "patternProperties" in node:
            values = node.get("additionalProperties")
            if "patternProperties" in node:
                values = next(iter(node["patternProperties"].values()))
                return f"map of name → {self.type_of(values)}"
            if isinstance(values, dict):
                return f"map of string → {self.type_of(values)}" if values else "mapping"
            return "mapping"
        if isinstance(kind, list):
            return " or ".join(kind)
        return kind or "any"

    def constraints(self, node: dict[str, Any]) -> list[str]:
        for key in ("anyOf", "oneOf"):
            if key in node:
                out: list[str] = []
                for option in node[key]:
                    out += self.constraints(option)
                return out
        out = []
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum", node.get("exclusiveMaximum"))
        if low is not None and high is not None:
            out.append(f"{low} to {high}")
        elif low is not None:
            out.append(f"≥ {low}" if "minimum" in node else f"> {low}")
        elif high is not None:
            out.append(f"≤ {high}" if "maximum" in node else f"< {high}")
        if "minLength" in node or "maxLength" in node:
            out.append(f"length {node.get('minLength', 0)} to {node.get('maxLength', '…')}")
        if "minItems" in node:
            out.append(f"at least {node['minItems']} item(s)")
        if "maxItems" in node:
            out.append(f"at most {node['maxItems']} item(s)")
        if "minProperties" in node:
            out.append(f"at least {node['minProperties']} entr{'y' if node['minProperties'] == 1 else 'ies'}")
        if "pattern" in node:
            out.append(f"pattern {_code(node['pattern'])}")
        return out

    def refs_in(self, node: Any) -> list[str]:
        found: list[str] = []
        if isinstance(node, dict):
            if "$ref" in node:
                found.append(node["$ref"].rsplit("/", 1)[-1])
            for key, value in node.items():
                if key not in ("examples", "default"):
                    found += self.refs_in(value)
        elif isinstance(node, list):
            for value in node:
                found += self.refs_in(value)
        return list(dict.fromkeys(found))

    # -- tables ---------------------------------------------------------------------------------
    def options_table(self, definition: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
        required = required_of(definition)
        lines = ["| option | type | default | description |", "|---|---|---|---|"]
        for name, prop in (definition.get("properties") or {}).items():
            if name in skip:
                continue
            kind = self.type_of(prop)
            extra = self.constraints(prop)
            if extra:
                kind += " (" + ", ".join(extra) + ")"
            if name in required:
                default = "**required**"
            elif "default" in prop and prop["default"] is not None:
                default = _code(prop["default"])
            else:
                default = "—"
            description = prop.get("description", "")
            examples = prop.get("examples") or []
            if examples and not ("const" in prop or "enum" in prop) and examples[0] != prop.get("default"):
                description += f" Example: {_code(examples[0])}"
            lines.append(f"| `{name}` | {_cell(kind)} | {default} | {_cell(description)} |")
        return lines

    def nested(self, owner: str, definition: dict[str, Any], level: str) -> list[str]:
        """Sub-sections for models used by ``definition`` that are not documented elsewhere."""
        out: list[str] = []
        for name in self.refs_in(definition.get("properties", {})):
            if name in self._placed or name in self.def_kinds or name not in self.defs:
                continue
            self._placed[name] = owner
            sub = self.defs[name]
            out += ["", f'<a id="{_anchor(name)}"></a>', "", f"{level} {name}", ""]
            if sub.get("description"):
                out += [_cell(sub["description"]), ""]
            out += self.options_table(sub)
            out += self.nested(owner, sub, level)
        return out

    # -- sections -------------------------------------------------------------------------------
    def kind_section(self, kind: str) -> list[str]:
        cls = self.kinds[kind]
        definition = self.defs.get(self.kind_defs.get(kind, ""), {})
        module = sys.modules.get(cls.__module__)
        out = [f'<a id="{_kind_anchor(kind)}"></a>', "", f"### `{kind}` — {cls.summary or cls.__name__}", ""]
        doc = (module.__doc__ if module else None) or ""
        if doc:
            out += [_doc(doc), ""]
        if definition.get("description") and _doc(definition["description"]) not in _doc(doc):
            out += [_cell(_doc(definition["description"])), ""]
        if cls.access_levels:
            levels = ", ".join(f"`{a}`" for a in cls.access_levels)
            out += [f"A function can use it (`uses: {{<name>: <access>}}`) with: {levels}.", ""]
        if not any("```" in line for line in out) and definition.get("examples"):
            import yaml

            example = yaml.safe_dump({"my-" + kind.replace("_", "-"): definition["examples"][0]}, sort_keys=False)
            out += ["```yaml", example.rstrip(), "```", ""]
        out += ["Options (besides `kind` and the [common options](#common-options)):", ""]
        out += self.options_table(definition, skip=("kind", *self.common))
        out += self.nested(kind, definition, "####")
        return out

    def markdown(self, kinds: list[str] | None = None) -> str:
        from .spec import Spec, Stage

        chosen = kinds or list(self.kinds)
        out = ["# specc reference", ""]
        if kinds is None:
            out += [
                f"Generated from the models by `{COMMAND}`; do not edit by hand "
                "(`tests/test_reference.py` fails when this file is stale). The same documentation "
                "appears in your editor while you type a spec (see [editor.md](editor.md)).",
                "",
                "- [The spec file](#the-spec-file)",
                "- [Stages](#stages)",
                "- [Component kinds](#component-kinds): " + ", ".join(f"[{k}](#{_kind_anchor(k)})" for k in chosen),
                "",
                "## The spec file",
                "",
                _doc(Spec.__doc__ or ""),
                "",
                "```yaml",
                "# yaml-language-server: $schema=../schemas/specc.schema.json",
                "specc: 1",
                "system: todo",
                "region: eu-west-1",
                "stages:",
                "  dev: {removal_policy: delete}",
                "  prod: {}",
                "components:",
                "  items: {kind: table, partition_key: PK}",
                "```",
                "",
            ]
            out += self.options_table(self.schema)
            stage = self.defs.get(Stage.__name__, {})
            self._placed[Stage.__name__] = "stages"
            out += ["", "## Stages", "", _doc(Stage.__doc__ or ""), ""]
            out += self.options_table(stage)
            out += self.nested("spec", self.schema, "###")
            out += self.nested("stage", stage, "###")
            out += [
                "",
                "## Component kinds",
                "",
                "Every component has `kind`, the options of its kind, and the [common options](#common-options).",
                "",
                "| kind | what it is |",
                "|---|---|",
            ]
            out += [f"| [`{k}`](#{_kind_anchor(k)}) | {_cell(self.kinds[k].summary)} |" for k in chosen]
            out += ["", '<a id="common-options"></a>', "", "### Common options", ""]
            common = self._common_definition()
            out += self.options_table(common)
            out += self.nested("common", common, "####")
            out.append("")
        for kind in chosen:
            out += self.kind_section(kind)
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def _common_definition(self) -> dict[str, Any]:
        """The common options as they appear in the first kind's definition."""
        for name in self.kind_defs.values():
            props = self.defs[name].get("properties", {})
            return {"properties": {k: props[k] for k in self.common if k in props}}
        return {"properties": {}}

    def as_json(self, kinds: list[str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind in kinds or list(self.kinds):
            cls = self.kinds[kind]
            definition = self.defs.get(self.kind_defs.get(kind, ""), {})
            required = required_of(definition)
            out[kind] = {
                "summary": cls.summary,
                "description": definition.get("description", ""),
                "access_levels": list(cls.access_levels),
                "example": (definition.get("examples") or [None])[0],
                "options": {
                    name: {
                        "type": self.type_of(prop),
                        "required": name in required,
                        **({"default": prop["default"]} if "default" in prop else {}),
                        "description": prop.get("description", ""),
                        "examples": prop.get("examples", []),
                    }
                    for name, prop in (definition.get("properties") or {}).items()
                },
            }
        return out


def reference_markdown(kinds: list[str] | None = None) -> str:
    return Reference().markdown(kinds)
