from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Spec paths are recorded relative to the repository root (in Metadata and error messages), so
# every test runs from there, whatever directory pytest was started in.
os.chdir(ROOT)


@pytest.fixture(scope="session")
def linter():
    from compiler.lint import Linter

    return Linter()


def pytest_terminal_summary(terminalreporter) -> None:
    """The deploy test's created/skipped table per spec and stage, in every run's output (also in CI)."""
    import sys

    deploy = sys.modules.get("tests.test_deploy")
    if deploy is not None and getattr(deploy, "REPORT", None):
        terminalreporter.section("deploy into the emulator: created / skipped by emulator / not deployed")
        for line in deploy.REPORT:
            terminalreporter.write_line(line)
