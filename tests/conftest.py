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
