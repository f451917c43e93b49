"""Helpers for the cost tests: write a small spec, estimate it, find its lines."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from compiler import api

HEADER = """\
specc: 1
system: costs
region: {region}
stages:
  prod: {{}}
components:
"""


def spec_file(tmp_path: Path, components: str, region: str = "us-east-1", head: str | None = None) -> Path:
    """A spec with one stage ``prod`` (or the given head) and the given components block."""
    text = (head if head is not None else HEADER.format(region=region)) + textwrap.indent(
        textwrap.dedent(components), "  "
    )
    path = tmp_path / "costs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def estimate(tmp_path: Path, components: str, region: str = "us-east-1", **kwargs: Any) -> Any:
    (result,) = api.estimate_spec(spec_file(tmp_path, components, region), **kwargs)
    return result


def lines(result: Any, component: str | None = None, credit: bool = False) -> dict[str, Any]:
    """{price key: line} of a component's charges (or credits)."""
    found: dict[str, Any] = {}
    for line in result.lines:
        if line.credit != credit or (component is not None and line.item.component != component):
            continue
        key = line.item.price_key or line.item.description
        assert key not in found, f"two lines with {key} in {component}; test by description instead"
        found[key] = line
    return found


def monthly(result: Any, component: str | None = None) -> dict[str, float]:
    return {key: line.monthly for key, line in lines(result, component).items()}
