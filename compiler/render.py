"""Deterministic YAML for templates: same dict, same bytes, on every machine."""

from __future__ import annotations

from typing import Any

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def to_yaml(template: dict[str, Any]) -> str:
    # compiler/fastyaml.py writes the same bytes ~5x faster for plain templates; PyYAML does the rest.
    from .fastyaml import dump

    text = dump(template)
    if text is not None:
        return text
    return yaml.dump(
        template,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=120,
        indent=2,
    )


def from_yaml(text: str) -> dict[str, Any]:
    """Read a compiled template back (long-form intrinsics only, which is all specc writes)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
