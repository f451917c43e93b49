"""Start-up stays lean: kinds load lazily, and commands import only what they need."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import compiler.components as components_package
from compiler.components import component_kinds, kind_classes, kind_modules, kinds_where

ROOT = Path(__file__).resolve().parent.parent


def _imported_kinds() -> dict[str, str]:
    """Kind -> module, the slow way: import every module and look at its classes."""
    found: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(components_package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"compiler.components.{info.name}")
        for kind, _ in kind_classes(module):
            found.setdefault(kind, info.name)
    return dict(sorted(found.items()))


def test_the_kind_index_read_from_source_matches_the_classes() -> None:
    assert kind_modules() == _imported_kinds()
    kinds = component_kinds()
    assert list(kinds) == sorted(kinds)
    for name, cls in kinds.items():
        assert cls.model_fields["kind"].default == name


def test_kinds_where_answers_like_the_classes() -> None:
    usable = kinds_where(lambda cls: bool(cls.access_levels))
    expected = [k for k, cls in component_kinds().items() if cls.access_levels]
    assert list(usable) == expected
    assert "table" in usable and "function" in usable
    assert "no-such-kind" not in usable


# Run in a fresh process: which modules did a command import?
PROBE = """
import json, sys
from compiler import api
api.compile_spec(sys.argv[1], None, sys.argv[2])
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str, *args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_compiling_imports_only_the_kinds_a_spec_uses(tmp_path: Path) -> None:
    modules = _modules_after(PROBE, "examples/api-with-table.yaml", str(tmp_path))
    kinds = {m.rsplit(".", 1)[1] for m in modules if m.startswith("compiler.components.") and "._" not in m}
    # table and function, and the few modules their own code imports (function's checks use layer's)
    assert {"table", "function"} <= kinds and len(kinds) <= 4, sorted(kinds)
    for unrelated in ("cdn", "load_balancer", "pipeline", "rds", "service", "static_site", "waf", "http_api"):
        assert unrelated not in kinds
    for heavy in ("cfnlint", "boto3", "botocore", "moto", "checkov"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in modules), f"compile imported {heavy}"
