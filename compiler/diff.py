"""What deploying a new template over an old one would do, and whether it loses data.

``diff_templates(old, new)`` compares two compiled templates resource by resource:

* **added** / **removed**: a logical ID only in the new / old template. A changed logical ID is a
  removal plus an addition, which is how CloudFormation sees it.
* **modified**: same logical ID, different properties. Whether CloudFormation updates the resource in
  place or **replaces** it (creates a new one, then deletes the old) is decided from the resource
  provider schema's ``createOnlyProperties`` (shipped with cfn-lint), plus a short list of properties
  the provider schemas leave out but CloudFormation's reference documents as "Update requires:
  Replacement" (``EXTRA_CREATE_ONLY``). A changed ``Type`` is a replacement too.
* **renamed**: same logical ID, but the spec component that produced it has a new name
  (``renamed_from:``); nothing is replaced.

A removal or replacement of a stateful resource (tables, buckets, databases, user pools, keys,
secrets, repositories, file systems) is **data loss**: even where ``DeletionPolicy: Retain`` keeps
the old resource, the stack's resource is a new, empty one (replacement) or gone (removal).
Where a removed and an added stateful resource have the same type, the diff suggests
``renamed_from:``, which keeps the logical ID and so the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from .context import STATEFUL_TYPES

#: Properties that require replacement although the provider schema does not list them as create-only.
#: Source: the AWS CloudFormation template reference ("Update requires: Replacement") for each property.
EXTRA_CREATE_ONLY: dict[str, tuple[str, ...]] = {
    "AWS::DynamoDB::Table": ("/properties/KeySchema", "/properties/LocalSecondaryIndexes"),
}


@dataclass(frozen=True)
class Change:
    """One resource's fate: ``action`` is add, remove, replace, update or rename."""

    logical_id: str
    type: str
    action: str
    component: str | None = None
    old_component: str | None = None
    properties: tuple[str, ...] = ()  # changed top-level properties (and "Type", "Metadata", policies)
    replaced_by: tuple[str, ...] = ()  # the create-only properties that force a replacement
    stateful: bool = False
    data_loss: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v not in (None, "", ())}


@dataclass
class TemplateDiff:
    """The changes between two versions of one template (one stage, or one nested stack)."""

    label: str
    changes: list[Change] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # changed sections other than Resources

    @property
    def data_loss(self) -> list[Change]:
        return [c for c in self.changes if c.data_loss]

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.label,
            "changes": [c.to_json() for c in self.changes],
            "other_sections": self.other,
            "data_loss": len(self.data_loss),
        }


# ----------------------------------------------------------------------------------------------


@cache
def create_only(resource_type: str, region: str = "us-east-1") -> tuple[str, ...]:
    """JSON pointers of the properties whose change replaces a resource of this type."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    except Exception:  # unknown type or region: only the documented extras are known
        schema = {}
    pointers = list(schema.get("createOnlyProperties") or [])
    pointers += [p for p in EXTRA_CREATE_ONLY.get(resource_type, ()) if p not in pointers]
    return tuple(pointers)


_MISSING = object()


def _at(properties: dict[str, Any], pointer: str) -> Any:
    """The value at ``/properties/A/B`` (``*`` or a list stops the walk: the whole list is compared)."""
    node: Any = properties
    for part in pointer.split("/")[2:]:
        if part == "*" or isinstance(node, list):
            return node
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _component(resource: dict[str, Any]) -> str | None:
    specc = (resource.get("Metadata") or {}).get("specc") or {}
    return specc.get("component")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def diff_templates(
    old: dict[str, Any], new: dict[str, Any], label: str = "", region: str | None = None
) -> TemplateDiff:
    region = region or _region(new) or _region(old) or "us-east-1"
    result = TemplateDiff(label)
    for section in sorted((set(old) | set(new)) - {"Resources"}):
        if _canonical(old.get(section)) != _canonical(new.get(section)):
            result.other.append(section)
    before = old.get("Resources") or {}
    after = new.get("Resources") or {}
    for logical_id in sorted(set(before) | set(after)):
        if logical_id not in after:
            result.changes.append(_removed(logical_id, before[logical_id]))
        elif logical_id not in before:
            resource = after[logical_id]
            kind = resource.get("Type", "")
            result.changes.append(
                Change(logical_id, kind, "add", _component(resource), stateful=kind in STATEFUL_TYPES)
            )
        else:
            change = _modified(logical_id, before[logical_id], after[logical_id], region)
            if change is not None:
                result.changes.append(change)
    _suggest_renames(result.changes)
    return result


def _removed(logical_id: str, resource: dict[str, Any]) -> Change:
    kind = resource.get("Type", "")
    stateful = kind in STATEFUL_TYPES
    note = ""
    if stateful:
        policy = resource.get("DeletionPolicy", "Delete")
        note = {
            "Retain": "removed from the stack; DeletionPolicy Retain keeps it, orphaned, outside any stack",
            "Snapshot": "deleted after a final snapshot (DeletionPolicy Snapshot)",
        }.get(policy, "deleted with its data (DeletionPolicy Delete)")
    return Change(logical_id, kind, "remove", _component(resource), stateful=stateful, data_loss=stateful, note=note)


def _modified(logical_id: str, old: dict[str, Any], new: dict[str, Any], region: str) -> Change | None:
    old_type, new_type = old.get("Type", ""), new.get("Type", "")
    old_component, component = _component(old), _component(new)
    renamed = old_component is not None and component is not None and old_component != component
    changed = _changed_parts(old, new)
    if not changed:
        return None
    stateful = new_type in STATEFUL_TYPES or old_type in STATEFUL_TYPES
    replaced_by: list[str] = []
    if old_type != new_type:
        replaced_by.append("Type")
    else:
        old_props, new_props = old.get("Properties") or {}, new.get("Properties") or {}
        for pointer in create_only(new_type, region):
            if _canonical(_at(old_props, pointer)) != _canonical(_at(new_props, pointer)):
                replaced_by.append(pointer.removeprefix("/properties/"))
        replaced_by += _key_type_changes(new_type, old_props, new_props)
    only_metadata = all(part in ("Metadata",) for part in changed)
    if replaced_by:
        action = "replace"
    elif renamed and only_metadata:
        action = "rename"
    else:
        action = "update"
    note = ""
    if action == "replace" and stateful:
        policy = old.get("UpdateReplacePolicy", "Delete")
        note = "replaced by a new, empty resource; " + {
            "Retain": "UpdateReplacePolicy Retain keeps the old one, orphaned",
            "Snapshot": "the old one is deleted after a snapshot (UpdateReplacePolicy Snapshot)",
        }.get(policy, "the old one is deleted with its data (UpdateReplacePolicy Delete)")
    elif action == "update" and only_metadata:
        note = "metadata only; nothing changes in AWS"
    if renamed and action != "rename":
        note = (note + "; " if note else "") + f"component renamed from {old_component!r}"
    return Change(
        logical_id,
        new_type,
        action,
        component,
        old_component if renamed else None,
        tuple(changed),
        tuple(replaced_by),
        stateful,
        action == "replace" and stateful,
        note,
    )


def _without_source(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without ``Metadata.specc.source``: a spec line moving is not a change."""
    metadata = resource.get("Metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("specc"), dict):
        return resource
    specc = {k: v for k, v in metadata["specc"].items() if k != "source"}
    return {**resource, "Metadata": {**metadata, "specc": specc}}


def _changed_parts(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    old, new = _without_source(old), _without_source(new)
    parts: list[str] = []
    for key in sorted((set(old) | set(new)) - {"Properties"}):
        if _canonical(old.get(key)) != _canonical(new.get(key)):
            parts.append(key)
    old_props, new_props = old.get("Properties") or {}, new.get("Properties") or {}
    for key in sorted(set(old_props) | set(new_props)):
        if _canonical(old_props.get(key)) != _canonical(new_props.get(key)):
            parts.append(key)
    return parts


def _key_type_changes(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A DynamoDB key attribute whose type changes replaces the table (the key schema is immutable)."""
    if kind != "AWS::DynamoDB::Table":
        return []
    keys = {k.get("AttributeName") for k in new.get("KeySchema") or [] if isinstance(k, dict)}
    types_old = {d.get("AttributeName"): d.get("AttributeType") for d in old.get("AttributeDefinitions") or []}
    types_new = {d.get("AttributeName"): d.get("AttributeType") for d in new.get("AttributeDefinitions") or []}
    if any(k in types_old and types_old[k] != types_new.get(k) for k in keys):
        return ["AttributeDefinitions (type of a key attribute)"]
    return []


def _suggest_renames(changes: list[Change]) -> None:
    removed = [c for c in changes if c.action == "remove" and c.stateful]
    added = [c for c in changes if c.action == "add" and c.stateful]
    for index, change in enumerate(changes):
        if change not in removed:
            continue
        twins = [a for a in added if a.type == change.type and a.component and a.component != change.component]
        if twins and change.component:
            hint = (
                f"; if components.{twins[0].component} is {change.component!r} renamed, add "
                f"'renamed_from: {change.component}' to it to keep {change.logical_id} and its data"
            )
            changes[index] = Change(**{**asdict(change), "note": change.note + hint})


def _region(template: dict[str, Any]) -> str | None:
    specc = (template.get("Metadata") or {}).get("specc") or {}
    return specc.get("region")


# ----------------------------------------------------------------------------------------------


def diff_sets(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[TemplateDiff]:
    """Diff two sets of templates keyed by label (``system/stage``); a template only on one side is all
    additions or all removals."""
    results = []
    for label in sorted(set(old) | set(new)):
        results.append(diff_templates(old.get(label) or {}, new.get(label) or {}, label))
    return results


def format_text(diffs: Iterable[TemplateDiff], allow_data_loss: bool = False) -> list[str]:
    symbols = {"add": "+", "remove": "-", "replace": "!", "update": "~", "rename": ">"}
    lines: list[str] = []
    for diff in diffs:
        if not diff.changes and not diff.other:
            lines.append(f"{diff.label}: no changes")
            continue
        lines.append(f"{diff.label}:")
        for change in diff.changes:
            what = {
                "add": "added",
                "remove": "removed",
                "replace": "REPLACED",
                "update": "updated in place",
                "rename": f"renamed component {change.old_component} -> {change.component}; logical ID kept",
            }[change.action]
            detail = ""
            if change.action == "replace":
                detail = f" (create-only: {', '.join(change.replaced_by)})"
            elif change.action == "update":
                detail = f" ({', '.join(change.properties)})"
            loss = "  DATA LOSS" if change.data_loss else ""
            lines.append(f"  {symbols[change.action]} {change.logical_id} [{change.type}] {what}{detail}{loss}")
            if change.note:
                lines.append(f"      {change.note}")
        if diff.other:
            lines.append(f"  ~ template sections changed: {', '.join(diff.other)}")
    losses = sum(len(d.data_loss) for d in diffs)
    if losses:
        verdict = "allowed by --allow-data-loss" if allow_data_loss else "refusing; pass --allow-data-loss to accept"
        lines.append(f"{losses} change(s) lose data ({verdict})")
    return lines
