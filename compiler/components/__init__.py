"""Component kinds: one module per kind, discovered here.

Adding a kind means adding a module with a ``Component`` subclass whose ``kind`` is a ``Literal``;
nothing else needs to change. Modules are imported in sorted order so the schema and the
discriminated union are deterministic.

Importing every kind costs more than compiling a small spec, so kinds load lazily: the names come
from reading each module's source for its ``kind: Literal["..."]`` line, and a kind's module is
imported only when its class is asked for. ``component_kinds()`` is a read-only mapping: iterating
its names imports nothing; ``items()``/``values()`` import every kind.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from types import ModuleType

from ..model import Component

_KIND_LINE = '    kind: Literal["'


@cache
def kind_modules() -> dict[str, str]:
    """Kind name -> module name, from each module's ``    kind: Literal["..."]`` line (nothing is imported).

    tests/test_startup.py checks this index against the classes themselves.
    """
    found: dict[str, str] = {}
    directory = os.path.dirname(__file__)
    for name in sorted(os.listdir(directory)):
        if name.startswith("_") or not name.endswith(".py"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            text = handle.read()
        start = text.find(_KIND_LINE)
        while start >= 0:
            start += len(_KIND_LINE)
            end = text.find('"', start)
            found.setdefault(text[start:end], name[:-3])
            start = text.find(_KIND_LINE, end)
    return dict(sorted(found.items()))


class KindRegistry(Mapping[str, type[Component]]):
    """Kind name -> class, importing a kind's module the first time its class is needed."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Component]] = {}

    def __getitem__(self, kind: str) -> type[Component]:
        if kind not in self._classes:
            module = kind_modules()[kind]  # KeyError for an unknown kind, as a dict would
            self._load(module)
            if kind not in self._classes:
                raise KeyError(kind)
        return self._classes[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(kind_modules())

    def __len__(self) -> int:
        return len(kind_modules())

    def __contains__(self, kind: object) -> bool:
        return kind in kind_modules()

    def _load(self, module_name: str) -> None:
        for kind, cls in kind_classes(importlib.import_module(f"{__name__}.{module_name}")):
            self._classes.setdefault(kind, cls)


def kind_classes(module: ModuleType) -> Iterator[tuple[str, type[Component]]]:
    """(kind, class) for each component kind a module defines (its ``Component`` subclasses with a ``kind``)."""
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Component)
            and value is not Component
            and value.__module__ == module.__name__
            and "kind" in value.model_fields
        ):
            yield value.model_fields["kind"].default, value


@cache
def component_kinds() -> KindRegistry:
    return KindRegistry()


class KindSet:
    """The kinds whose class passes ``test``; ``in`` loads only the kind asked about."""

    def __init__(self, test: Callable[[type[Component]], bool]) -> None:
        self._test = test

    def __contains__(self, kind: object) -> bool:
        kinds = component_kinds()
        return isinstance(kind, str) and kind in kinds and bool(self._test(kinds[kind]))

    def __iter__(self) -> Iterator[str]:
        kinds = component_kinds()
        return iter([k for k in kinds if self._test(kinds[k])])

    def __len__(self) -> int:
        return len(list(iter(self)))


def kinds_where(test: Callable[[type[Component]], bool]) -> KindSet:
    return KindSet(test)
