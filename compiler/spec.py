"""The spec: top-level model, stages, and validation into diagnostics.

A spec is validated once per stage: the stage's ``components`` overlay and the system's
``defaults`` are merged into each component (keeping the line marks of whatever the user wrote),
then pydantic validates the result, then references between components and cross-field rules are
checked. Every problem becomes a ``Diagnostic``; nothing stops at the first error.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, PrivateAttr, ValidationError, create_model, field_validator

from .base import NAME_PATTERN, SpecModel
from .components import component_kinds
from .errors import Diagnostic, SpecError, dotted
from .limits import Limits
from .loader import Document, MarkedMap, MarkedSeq, locate
from .model import Component
from .security import Security
from .usage import Usage

FORMAT_VERSION = 1

REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
    "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-south-1",
    "sa-east-1",
)  # fmt: skip
Region = Literal[REGIONS]  # type: ignore[valid-type]

#: The values CloudWatch Logs accepts for RetentionInDays.
LogRetention = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]  # fmt: skip

Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=48)]

#: Every kind by name. Lazy: a kind's module is imported when its class is needed (components/__init__.py).
_KINDS = component_kinds()


class Stage(SpecModel):
    """One deployment of the system (``dev``, ``prod``): one template, one stack."""

    region: Region | None = Field(None, description="Region of this stage; defaults to the system's region.")
    log_retention_days: LogRetention = Field(30, description="Retention of every log group of this stage, in days.")
    alarms: bool = Field(True, description="Create the alarms declared by monitoring components on this stage.")
    removal_policy: Literal["retain", "delete"] = Field(
        "retain",
        description=(
            "What happens to tables, buckets, user pools, keys, secrets and databases when the stack deletes or "
            "replaces them. 'retain' (databases: snapshot) is the safe default; 'delete' must be chosen explicitly, "
            "for throwaway stages."
        ),
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Extra tags on every resource of this stage.", examples=[{"env": "dev"}]
    )
    usage: Usage | None = Field(None, description="Usage assumptions for cost estimates on this stage.")
    components: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-component settings that differ on this stage, merged over the component's own settings.",
        examples=[{"data": {"point_in_time_recovery": False}}],
    )


class _SpecFields(SpecModel):
    """A specc system spec: one YAML file describing a whole system on AWS."""

    specc: Literal[1] = Field(description="Spec format version. Always 1 for now.")
    system: Name = Field(description="System name; prefixes stack and resource names.", examples=["kefir"])
    description: str | None = Field(
        None, description="What the system is, for people and stack descriptions.", examples=["A to-do API"]
    )
    region: Region = Field("us-east-1", description="Default AWS region of every stage.")
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tags on every resource of every stage.", examples=[{"team": "platform"}]
    )
    usage: Usage | None = Field(None, description="Usage assumptions for cost estimates, for every stage.")
    security: Security | None = Field(None, description="Checkov checks every component knowingly does not meet, with the reason.")
    limits: Limits | None = Field(
        None,
        description="When a stage is split into nested stacks (CloudFormation's limits; docs/scale.md).",
        examples=[{"max_resources_per_stack": 400}],
    )
    defaults: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Settings applied to every component of a kind unless the component sets them itself.",
        examples=[{"function": {"runtime": "nodejs22.x", "memory": 256}}],
    )
    stages: dict[Name, Stage] = Field(
        description="Deployments of the system. Each compiles to its own template.",
        min_length=1,
        examples=[{"dev": {"removal_policy": "delete"}, "prod": {}}],
    )

    @field_validator("defaults")
    @classmethod
    def _known_kinds(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        unknown = [k for k in value if k not in _KINDS]
        if unknown:
            raise ValueError(f"unknown component kind {unknown[0]!r}; kinds are: {', '.join(_KINDS)}")
        return value

    _document: Document | None = PrivateAttr(default=None)

    components: dict[str, Component]  # declared with the kinds' union by spec_model()

    def of_kind(self, kind: type[Component]) -> list[Component]:
        return [c for c in self.components.values() if isinstance(c, kind)]


if TYPE_CHECKING:
    Spec = _SpecFields  # at run time ``Spec`` is spec_model(None), built on first use (__getattr__)


@cache
def spec_model(kinds: frozenset[str] | None = None) -> type[_SpecFields]:
    """The ``Spec`` model whose components may be of ``kinds`` (None: every kind).

    Validation uses the kinds a document names, so only those modules are imported and only their
    models are built; the schema and the reference use every kind. A document gets the same answers
    from both: the ``kind`` discriminator never picks a kind the document does not name.
    """
    chosen = sorted(kinds) if kinds else list(_KINDS)
    union = Annotated[Union[tuple(_KINDS[k] for k in chosen)], Field(discriminator="kind")]  # noqa: UP007
    return create_model(  # type: ignore[no-any-return, call-overload]
        "Spec",
        __base__=_SpecFields,
        __module__=__name__,
        __doc__=_SpecFields.__doc__,
        components=(
            dict[Name, union],  # type: ignore[valid-type]
            Field(
                description="The parts of the system, by name. Names become logical IDs.",
                min_length=1,
                examples=[{"items": {"kind": "table", "partition_key": "PK"}}],
            ),
        ),
    )


def __getattr__(name: str) -> Any:
    # ``Spec`` (every kind) is built only when asked for: by the schema, the reference, the docs.
    if name == "Spec":
        return spec_model(None)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _kinds_named(data: Any) -> frozenset[str] | None:
    """The known kinds a (merged) document's components name; None when it names none."""
    components = data.get("components") if isinstance(data, dict) else None
    if not isinstance(components, dict):
        return None
    named = {c.get("kind") for c in components.values() if isinstance(c, dict)}
    return frozenset(k for k in named if isinstance(k, str) and k in _KINDS) or None


# ----------------------------------------------------------------------------------------------
# Validation


def validate_document(document: Document, stages: list[str] | None = None) -> dict[str, Spec]:
    """Validate every (or the given) stage of a loaded spec; raise SpecError with all problems."""
    data = document.data
    diagnostics: list[Diagnostic] = []
    stage_names = _stage_names(document, diagnostics)
    if stages:
        for wanted in stages:
            if wanted not in stage_names and stage_names:
                diagnostics.append(
                    document.diagnostic(("stages",), f"no stage named {wanted!r}; stages are: {', '.join(stage_names)}")
                )
        stage_names = [s for s in stage_names if s in stages]
    if not stage_names:
        stage_names = [""]  # validate the base spec anyway so its errors are all reported
    results: dict[str, Spec] = {}
    per_stage: dict[str, list[Diagnostic]] = {}
    for stage in stage_names:
        merged = merged_for_stage(data, stage, diagnostics, document) if stage else data
        # Errors are located in the merged data, so a bad value from a stage overlay points there.
        stage_document = Document(document.path, merged)
        spec, errors = _validate_merged(stage_document, merged)
        if spec is not None:
            spec._document = stage_document
        if spec is not None and stage:
            errors += check_semantics(stage_document, spec, stage)
        per_stage[stage] = errors
        if spec is not None and not errors:
            results[stage] = spec
    diagnostics += _combine_stage_errors(per_stage)
    if diagnostics:
        raise SpecError(sorted(set(diagnostics), key=lambda d: (d.line, d.col, d.path, d.message)))
    return results


def _stage_names(document: Document, diagnostics: list[Diagnostic]) -> list[str]:
    stages = document.data.get("stages")
    if isinstance(stages, dict):
        return [str(s) for s in stages]
    return []


def _combine_stage_errors(per_stage: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """An error every stage shares is shown once; one that only some stages have names them."""
    seen: dict[Diagnostic, list[str]] = {}
    for stage, errors in per_stage.items():
        for error in errors:
            seen.setdefault(error, []).append(stage)
    out = []
    for error, stages in seen.items():
        if len(stages) == len(per_stage) or not stages[0]:
            out.append(error)
        else:
            which = ", ".join(stages)
            out.append(Diagnostic(error.file, error.line, error.col, error.path, f"{error.message} (stage {which})"))
    return out


def merged_for_stage(data: MarkedMap, stage: str, diagnostics: list[Diagnostic], document: Document) -> MarkedMap:
    """The spec as a given stage sees it: defaults and the stage's overlay merged into components."""
    merged = _copy_map(data)
    components = data.get("components")
    if not isinstance(components, MarkedMap):
        return merged
    defaults = data.get("defaults") if isinstance(data.get("defaults"), MarkedMap) else MarkedMap()
    stage_data = (data.get("stages") or {}).get(stage) if isinstance(data.get("stages"), dict) else None
    overlay = stage_data.get("components") if isinstance(stage_data, MarkedMap) else None
    if isinstance(overlay, MarkedMap):
        for name in overlay:
            if name not in components:
                path = ("stages", stage, "components", name)
                diagnostics.append(
                    document.diagnostic(
                        path,
                        f"stage overrides unknown component {name!r}{_suggest(name, list(components))}",
                        key=True,
                    )
                )
    new_components = _copy_map(components)
    for name, component in components.items():
        if not isinstance(component, MarkedMap):
            continue
        result = component
        kind_defaults = defaults.get(component.get("kind")) if isinstance(component.get("kind"), str) else None
        if isinstance(kind_defaults, MarkedMap):
            result = deep_merge(kind_defaults, result)
        if isinstance(overlay, MarkedMap) and isinstance(overlay.get(name), MarkedMap):
            result = deep_merge(result, overlay[name])
        new_components[name] = result
    merged["components"] = new_components
    return merged


def _copy_map(source: MarkedMap) -> MarkedMap:
    copy = MarkedMap(source, mark=source.mark)
    copy.key_marks = dict(source.key_marks)
    copy.value_marks = dict(source.value_marks)
    return copy


def deep_merge(base: MarkedMap, over: MarkedMap) -> MarkedMap:
    """``over`` wins; mappings merge key by key; marks follow the value that won."""
    result = _copy_map(base)
    for key, value in over.items():
        if isinstance(value, MarkedMap) and isinstance(result.get(key), MarkedMap):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
            result.key_marks[key] = over.key_marks.get(key, over.mark)
        result.value_marks[key] = over.value_marks.get(key, over.mark)
    return result


def _validate_merged(document: Document, merged: MarkedMap) -> tuple[Spec | None, list[Diagnostic]]:
    context: dict[str, Any] = {}
    try:
        spec = spec_model(_kinds_named(merged)).model_validate(merged, context=context)
    except ValidationError as exc:
        return None, explain(document, merged, exc, context)
    for name, component in spec.components.items():
        component._name = name
    return spec, []


def explain(document: Document, data: Any, exc: ValidationError, context: dict[str, Any]) -> list[Diagnostic]:
    """Turn pydantic's errors into located, actionable diagnostics."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if "[key]" in loc:  # a dict key failed validation (e.g. a component name): point at the key
            loc = tuple(p for p in loc if p != "[key]")
            error = {**error, "on_key": True}
        path = _data_path(data, loc)
        grouped.setdefault(path, []).append(error)
    out = []
    for path, errors in grouped.items():
        messages: list[str] = []
        on_key = False
        for error in errors:
            message, key = _message(path, error, data, context)
            on_key = on_key or key or bool(error.get("on_key"))
            if message not in messages:
                messages.append(message)
        if len(messages) == 1:
            message = messages[0]
        else:
            got = errors[0].get("input")
            message = "must be " + " or ".join(_as_expectation(m) for m in messages)
            if not isinstance(got, (dict, list)):
                message += f", got {got!r}"
        out.append(document.diagnostic(path, message, key=on_key))
    return out


def _as_expectation(message: str) -> str:
    return message.removeprefix("must be ").split(", got ")[0]


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic's loc without the parts that are not in the data (union tags, type names)."""
    path: list[Any] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif last and isinstance(node, dict):
            path.append(part)
    return tuple(path)


def _message(path: tuple[Any, ...], error: dict[str, Any], data: Any, context: dict[str, Any]) -> tuple[str, bool]:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = path[-1]
        parent = _node_at(data, path[:-1])
        allowed = context.get("allowed_keys", {}).get(id(parent), [])
        hint = _suggest(str(key), allowed)
        valid = f" (valid keys: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {key!r}{hint}{valid}", True
    if kind == "missing":
        return f"missing required key {path[-1]!r}", False
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        kinds = list(_KINDS)
        return (
            f"unknown component kind {tag!r}{_suggest(str(tag), kinds)} (kinds: {', '.join(kinds)})",
            False,
        )
    if kind == "union_tag_not_found":
        return f"missing 'kind'; kinds are: {', '.join(_KINDS)}", False
    if kind == "string_pattern_mismatch" and error["ctx"].get("pattern") == NAME_PATTERN:
        return (
            f"invalid name {error['input']!r}: use lower-case letters, digits, '-' or '_', starting with a letter",
            False,
        )
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif message.startswith("Input should be "):
        # "Input should be a valid integer" -> "must be a valid integer, got 'big'"
        message = "must be " + message.removeprefix("Input should be ").split(", unable to")[0]
        if not isinstance(error.get("input"), (dict, list)):
            message += f", got {error.get('input')!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"expected a mapping, got {_type_name(error.get('input'))}"
    elif kind == "list_type":
        message = f"expected a list, got {_type_name(error.get('input'))}"
    return message, False


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {value!r}"


def _node_at(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path:
        node = node[part]
    return node


def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# ----------------------------------------------------------------------------------------------
# References and cross-field rules


def check_semantics(document: Document, spec: Spec, stage: str) -> list[Diagnostic]:
    errors: list[Diagnostic] = _id_collisions(document, spec)
    for name, component in spec.components.items():
        base = ("components", name)
        for reference in component.references():
            path = (*base, *reference.path)
            target = spec.components.get(reference.target)
            if target is None:
                candidates = [n for n, c in spec.components.items() if c.kind_name in reference.kinds]
                hint = _suggest(reference.target, candidates)
                choices = f" ({reference.what}s: {', '.join(candidates)})" if candidates else ""
                errors.append(
                    document.diagnostic(path, f"unknown {reference.what} {reference.target!r}{hint}{choices}")
                )
            elif target.kind_name not in reference.kinds:
                expected = " or ".join(reference.kinds)
                errors.append(
                    document.diagnostic(
                        path,
                        f"{reference.target!r} is a {target.kind_name}, but a {expected} is needed here",
                    )
                )
        for rel_path, message in component.validate_semantics(SemanticContext(spec, stage)):
            errors.append(document.diagnostic((*base, *rel_path), message))
    return errors


def _id_collisions(document: Document, spec: Spec) -> list[Diagnostic]:
    """Names that differ only in '-' vs '_' would give the same logical IDs."""
    from .context import pascal

    first: dict[str, str] = {}
    errors = []
    for name in spec.components:
        key = pascal(name)
        if key in first:
            there = document.mark_for(("components", first[key]), key=True)
            errors.append(
                document.diagnostic(
                    ("components", name),
                    f"component names {first[key]!r} (line {there.line}, column {there.col}) and {name!r} "
                    f"both give the logical ID prefix {key!r}; rename one of them",
                    key=True,
                )
            )
        else:
            first[key] = name
    return errors


class SemanticContext:
    """What ``Component.validate_semantics`` may look at."""

    def __init__(self, spec: Spec, stage: str) -> None:
        self.spec = spec
        self.stage_name = stage

    @property
    def stage(self) -> Stage:
        return self.spec.stages[self.stage_name]

    @property
    def region(self) -> str:
        return self.stage.region or self.spec.region


def raw_path_exists(data: Any, path: tuple[Any, ...]) -> bool:
    node = data
    for part in path:
        if (isinstance(node, (MarkedMap, dict)) and part in node) or (
            isinstance(node, (MarkedSeq, list)) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
        else:
            return False
    return True


__all__ = [
    "FORMAT_VERSION",
    "Spec",
    "SpecError",
    "Stage",
    "dotted",
    "locate",
    "validate_document",
]
