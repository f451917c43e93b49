"""Diagnostics: every problem specc reports points at a place in the user's spec.

A diagnostic is printed as ``file:line:col: dotted.path: message`` so that editors and CI
annotate the exact line. Errors are collected, never raised one at a time, so the user sees
every problem of a file in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

ISSUE_TRACKER = "https://github.com/specc-dev/specc/issues"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"
    rule: str | None = None

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        path = f" {self.path}:" if self.path else ""
        rule = f" [{self.rule}]" if self.rule else ""
        return _printable(f"{where}:{path} {self.message}{rule}")

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class SpecError(Exception):
    """Raised when a spec cannot be used; carries every diagnostic found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


def _printable(text: str) -> str:
    """One line, no control characters: a spec's keys and values must not break or drive the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def dotted(path: Iterable[object]) -> str:
    """Render a path tuple as ``components.api.routes[2].function``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
