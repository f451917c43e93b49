"""Output a person enjoys: colour only for terminals (NO_COLOR wins), tables, timing, --quiet, JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import COMMANDS, main
from compiler.console import Console, summary_table, table, use_color
from compiler.errors import Diagnostic

EXAMPLE = "examples/api-with-table.yaml"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_at_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color(_Tty()) is True
    assert use_color(io.StringIO()) is False  # a file or a pipe
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Tty()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(_Tty()) is False  # NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    assert use_color(io.StringIO()) is True  # FORCE_COLOR: CI logs that render ANSI
    out = _Tty()
    monkeypatch.delenv("FORCE_COLOR")
    console = Console(out=out, err=out)
    assert console.style("x", "bold") == "\x1b[1mx\x1b[0m"
    assert Console(out=io.StringIO()).style("x", "bold") == "x"


def test_table_aligns_columns_multi_line_cells_and_ignores_colour_codes() -> None:
    text = table(["name", "n"], [["a", 1], ["long name", 100], ["two\nlines", 2]], "lr")
    assert text.splitlines() == [
        "name         n",
        "---------  ---",
        "a            1",
        "long name  100",
        "two          2",
        "lines",
    ]
    coloured = table(["k"], [["\x1b[31mred\x1b[0m"], ["plain"]], color=True)
    assert coloured.splitlines()[1] == "-----"  # "red" is three wide, not twelve


def test_summary_table_counts_findings_by_rule_errors_first() -> None:
    found = [
        Diagnostic("specs/a.yaml", 20, 5, "components.fn", "a warning", "warning", "W1001"),
        Diagnostic("specs/a.yaml", 12, 5, "components.api", "wrong type", "error", "E3012"),
        Diagnostic("specs/a.yaml", 14, 5, "components.api", "wrong type", "error", "E3012"),
    ]
    lines = summary_table(found).splitlines()
    assert lines[0].split() == ["rule", "severity", "count", "first", "at", "message"]
    assert lines[2].split() == ["E3012", "error", "2", "specs/a.yaml:12", "wrong", "type"]
    assert lines[3].split()[:3] == ["W1001", "warning", "1"]


def test_step_reports_time_on_stderr_and_quiet_hides_it() -> None:
    err = io.StringIO()
    with Console(err=err).step("building") as info:
        info["detail"] = "4 resources"
    assert err.getvalue().startswith("building (4 resources) ") and err.getvalue().endswith(" s\n")
    quiet = io.StringIO()
    with Console(quiet=True, err=quiet).step("building"):
        pass
    assert quiet.getvalue() == ""


def test_compile_shows_timing_per_stage_and_quiet_keeps_only_results(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["compile", EXAMPLE, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{EXAMPLE} [dev] built in " in result.stderr and f"{EXAMPLE} [prod] built in " in result.stderr
    assert f"{EXAMPLE}: loaded, validated and built in " in result.stderr
    assert "To deploy" in result.stdout and "\x1b[" not in result.output
    result = runner.invoke(main, ["compile", EXAMPLE, "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0
    assert result.stderr == "" and "To deploy" not in result.stdout
    assert result.stdout.count("wrote ") == 2
    result = runner.invoke(main, ["compile", EXAMPLE, "--out", str(tmp_path), "--format", "json"])
    assert json.loads(result.stdout)["ok"] is True and result.stderr == ""


def test_lint_prints_findings_then_a_table_and_quiet_drops_the_table(tmp_path: Path) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      VisibilityTimeout: forever\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["lint", str(template), "--no-cache", "--no-checkov"])
    assert result.exit_code == 1
    assert f"{template}:6:" in result.stderr  # the one-per-line list editors annotate
    assert "rule " in result.stderr and "severity" in result.stderr and "first at" in result.stderr
    quiet = runner.invoke(main, ["lint", str(template), "--no-cache", "--no-checkov", "-q"])
    assert quiet.exit_code == 1 and "first at" not in quiet.stderr and f"{template}:6:" in quiet.stderr


def test_validate_quiet() -> None:
    result = CliRunner().invoke(main, ["validate", EXAMPLE, "-q"])
    assert (result.exit_code, result.stdout) == (0, "")


def test_every_command_speaks_json_for_ci() -> None:
    """Each command has --format with json (schema is JSON itself)."""
    for name in COMMANDS:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, name
        if name == "schema":
            continue
        formats = [p for p in command.params if p.name == "fmt"]
        assert formats, f"specc {name} has no --format"
        assert "json" in formats[0].type.choices, f"specc {name} --format has no json"  # type: ignore[attr-defined]


def test_broken_pipe_is_not_reported_as_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    from compiler.commands._common import _guard

    @_guard
    def writes_to_a_closed_pipe() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("os.dup2", lambda *a: None)
    with pytest.raises(SystemExit) as exit_info:
        writes_to_a_closed_pipe()
    assert exit_info.value.code == 1
