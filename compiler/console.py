"""Terminal output a person enjoys and CI can read: colour, tables, timing, ``--quiet``.

Colour is used only when the stream is a terminal and ``NO_COLOR`` is unset (https://no-color.org);
``FORCE_COLOR`` turns it on for a non-terminal (CI logs that render ANSI). Results go to stdout;
progress, timing and notes go to stderr, so ``specc ... > file`` and pipes get only the result.
``quiet`` hides progress and notes, never errors or results.

    console = Console(quiet=quiet)
    with console.step("compiling kefir/prod"):
        ...                                  # "compiling kefir/prod ... 0.42 s" on stderr
    console.out(console.table(["component", "kind"], rows))
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

import click

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: ``-q/--quiet`` for any command: progress and notes are hidden; results and errors are not.
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")


def use_color(stream: TextIO) -> bool:
    """Colour for a person at a terminal; never when NO_COLOR is set or the stream is a file or pipe."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def paint(text: str, *styles: str, color: bool = True) -> str:
    if not color or not styles:
        return text
    codes = ";".join(_CODES[s] for s in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


class Console:
    def __init__(self, quiet: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.quiet = quiet
        self._out = out
        self._err = err

    @property
    def stdout(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def stderr(self) -> TextIO:
        return self._err or sys.stderr

    # -- styling --------------------------------------------------------------------------------
    def style(self, text: str, *styles: str, err: bool = False) -> str:
        return paint(text, *styles, color=use_color(self.stderr if err else self.stdout))

    # -- printing -------------------------------------------------------------------------------
    def out(self, text: str = "", nl: bool = True) -> None:
        """A result: always printed, on stdout."""
        click.echo(text, file=self.stdout, nl=nl, color=True)  # codes are only there if use_color said so

    def note(self, text: str = "") -> None:
        """Progress or a hint: stderr, hidden by --quiet."""
        if not self.quiet:
            click.echo(text, file=self.stderr, color=True)

    def error(self, text: str) -> None:
        click.echo(text, file=self.stderr, color=True)

    @contextmanager
    def step(self, label: str) -> Iterator[dict[str, Any]]:
        """Time one stage of work; prints ``label ... 0.42 s`` (stderr, hidden by --quiet).

        The yielded dict may receive a ``detail`` to print after the time (``12 resources``).
        """
        info: dict[str, Any] = {}
        started = time.perf_counter()
        interactive = not self.quiet and use_color(self.stderr)
        if interactive:  # show what is running now; the line is completed below
            click.echo(f"{label} ...", file=self.stderr, nl=False)
        try:
            yield info
        except BaseException:
            if interactive:
                click.echo("", file=self.stderr)
            raise
        elapsed = time.perf_counter() - started
        info["seconds"] = elapsed
        if self.quiet:
            return
        detail = f" ({info['detail']})" if info.get("detail") else ""
        timing = self.style(f"{elapsed:.2f} s", "dim", err=True)
        if interactive:
            click.echo(f"\r{label}{detail} {timing}   ", file=self.stderr, color=True)
        else:
            click.echo(f"{label}{detail} {timing}", file=self.stderr, color=True)

    # -- tables ---------------------------------------------------------------------------------
    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        align: str = "",
        err: bool = False,
    ) -> str:
        return table(headers, rows, align, color=use_color(self.stderr if err else self.stdout))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "", color: bool = False) -> str:
    """A plain-text table; ``align`` holds one ``l`` or ``r`` per column (default ``l``).

    Columns are as wide as their widest cell; a cell's lines after a newline continue under it.
    """
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    columns = len(headers)

    def width(text: str) -> int:
        return len(_ANSI.sub("", text))

    widths = [max(width(line) for row in cells for line in (row[i].splitlines() or [""])) for i in range(columns)]
    aligns = (align + "l" * columns)[:columns]

    def render(row: list[str]) -> list[str]:
        split = [cell.splitlines() or [""] for cell in row]
        height = max(len(s) for s in split)
        lines = []
        for k in range(height):
            parts = []
            for i, parts_of_cell in enumerate(split):
                text = parts_of_cell[k] if k < len(parts_of_cell) else ""
                pad = " " * (widths[i] - width(text))
                parts.append(pad + text if aligns[i] == "r" else text + pad)
            lines.append("  ".join(parts).rstrip())
        return lines

    header = render(cells[0])
    out = [paint(line, "bold", color=color) for line in header]
    out.append("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        out += render(row)
    return "\n".join(out)


def summary_table(diagnostics: Sequence[Any], color: bool = False) -> str:
    """Findings counted by rule: rule, severity, count, where the first one is, its message.

    The one-per-line ``file:line:col: ...`` diagnostics stay the primary output (editors and CI
    annotate them); this table is the overview a person reads after a long list.
    """
    groups: dict[tuple[str, str], list[Any]] = {}
    for d in diagnostics:
        groups.setdefault((d.rule or "-", d.severity), []).append(d)
    order = {"error": 0, "warning": 1, "informational": 2}
    rows = []
    for (rule, severity), items in sorted(groups.items(), key=lambda kv: (order.get(kv[0][1], 3), kv[0][0])):
        first = items[0]
        message = first.message if len(first.message) <= 70 else first.message[:69] + "…"
        shown = paint(severity, "red" if severity == "error" else "yellow", color=color)
        rows.append([rule, shown, len(items), f"{first.file}:{first.line}", message])
    return table(["rule", "severity", "count", "first at", "message"], rows, "llr", color=color)
