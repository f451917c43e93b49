"""Writing a spec into a test's directory and running a CLI command on it, shared by the tests.

``run`` returns the exit code and the located diagnostics, with the spec's path written ``SPEC``:

    code, lines = run(tmp_path, text)
    assert lines == ["SPEC:12:5: components.api.port: ..."]
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from compiler.cli import main

#: A one-stage system; a test appends its components (``spec_text``).
HEAD = """\
specc: 1
system: demo
stages:
  dev: {removal_policy: delete}
components:
"""


def spec_text(components: str, head: str = HEAD) -> str:
    """``head`` followed by ``components`` (YAML, any indentation) indented under ``components:``."""
    return head + textwrap.indent(textwrap.dedent(components).strip("\n") + "\n", "  ")


def head_accepting(checks: list[str] | set[str], reason: str) -> str:
    """``HEAD`` with a system-level ``security.accept`` of each of ``checks``, with ``reason``."""
    accept = ", ".join(f'{check}: "{reason}"' for check in sorted(checks))
    return HEAD.replace("components:\n", f"security: {{accept: {{{accept}}}}}\ncomponents:\n")


def write_components(tmp_path: Path, components: str, head: str = HEAD) -> Path:
    """``tmp_path/spec.yaml`` made of ``components``, with an empty ``code/`` beside it for functions."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = write(tmp_path, spec_text(components, head), code_dir=True)
    return spec


def compile_components(tmp_path: Path, components: str, head: str = HEAD) -> dict[str, Any]:
    """The first stage's template of a spec made of ``components``."""
    from compiler import api

    spec = write_components(tmp_path, components, head)
    return api.compile_spec(str(spec), out=tmp_path / "out")[0].template


def errors(tmp_path: Path, components: str, head: str = HEAD) -> list[str]:
    """``specc validate``'s ``SPEC:line:col: ...`` lines for a spec made of ``components`` (it must fail)."""
    spec = write_components(tmp_path, components, head)
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    return [line.replace(str(spec), "SPEC") for line in result.output.splitlines() if line.startswith(str(spec))]


def checkov_by_name(templates: dict[str, dict[str, Any]], directory: Path) -> dict[str, list[Any]]:
    """checkov's findings (``CheckovFinding``) for each named template, from one run over all of them
    (each written as ``directory/<name>.json``); fails the test when checkov is missing."""
    import json

    from compiler.security import run_checkov

    executable = require_checkov()
    names: dict[str, str] = {}
    for name, template in templates.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(template), encoding="utf-8")
        names[str(path.resolve())] = name
    found: dict[str, list[Any]] = {name: [] for name in templates}
    for finding in run_checkov(sorted(names), executable):
        found[names[str(Path(finding.template).resolve())]].append(finding)
    return found


def require_checkov() -> str:
    """checkov's executable; the test fails without it (skips only with SPECC_ALLOW_NO_CHECKOV=1, never in CI)."""
    from compiler._checkov_checks import CHECKOV_VERSION
    from compiler.security import checkov_executable

    executable = checkov_executable()
    if executable is None:
        message = (
            "checkov is not installed; run: python3 -m venv .venv-checkov && "
            f'.venv-checkov/bin/pip install "checkov=={CHECKOV_VERSION}" (or set SPECC_CHECKOV)'
        )
        if os.environ.get("SPECC_ALLOW_NO_CHECKOV") == "1" and not os.environ.get("CI"):
            pytest.skip(message)
        pytest.fail(message)
    return executable


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
