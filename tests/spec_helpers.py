"""Writing a spec into a test's directory and running a CLI command on it (shared by the error tests).

``run`` returns the exit code and the located diagnostics, with the spec's path written ``SPEC``:

    code, lines = run(tmp_path, text)
    assert lines == ["SPEC:12:5: components.api.port: ..."]
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main


def write(tmp_path: Path, text: str | bytes, *, code_dir: bool = False) -> Path:
    """``tmp_path/spec.yaml`` holding ``text``; with ``code_dir`` also an empty ``code/`` beside it."""
    spec = tmp_path / "spec.yaml"
    if isinstance(text, bytes):
        spec.write_bytes(text)
    else:
        spec.write_text(text, encoding="utf-8")
    if code_dir:
        (tmp_path / "code").mkdir(exist_ok=True)
    return spec


def run(
    tmp_path: Path, text: str | bytes, *args: str, command: str = "validate", code_dir: bool = False
) -> tuple[int, list[str]]:
    """Run ``specc <command>`` on the spec ``text``: its exit code and its ``SPEC:line:col: ...`` lines.

    Never a traceback, whatever the input.
    """
    spec = write(tmp_path, text, code_dir=code_dir)
    extra = ["--out", str(tmp_path / "out")] if command == "compile" else []
    result = CliRunner().invoke(main, [command, str(spec), *extra, *args])
    assert "Traceback" not in result.output
    lines = [line.replace(str(spec), "SPEC") for line in result.output.splitlines()]
    return result.exit_code, [line for line in lines if line.startswith("SPEC:")]
