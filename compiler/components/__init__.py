"""Component kinds: one module per kind, discovered here.

Adding a kind means adding a module with a ``Component`` subclass whose ``kind`` is a ``Literal``;
nothing else needs to change. Modules are imported in sorted order so the schema and the
discriminated union are deterministic.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..model import Component


@cache
def component_kinds() -> dict[str, type[Component]]:
    kinds: dict[str, type[Component]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Component)
                and value is not Component
                and value.__module__ == module.__name__
                and "kind" in value.model_fields
            ):
                kinds[value.model_fields["kind"].default] = value
    return dict(sorted(kinds.items()))
