"""Golden templates: every spec in specs/, examples/ and tests/cases/ compiled and compared.

Expected templates live in tests/golden/<spec stem>/<stage>.yaml. After an intended change:

    python -m tests.golden --update
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import yaml

from compiler import api
from compiler.render import to_yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path("tests/golden")
SPEC_GLOBS = ("specs/*.yaml", "examples/*.yaml", "tests/cases/*.yaml")


def golden_specs() -> list[Path]:
    found: list[Path] = []
    for pattern in SPEC_GLOBS:
        found += sorted(Path().glob(pattern))
    return found


def golden_path(spec: Path, stage: str) -> Path:
    return GOLDEN_DIR / spec.stem / f"{stage}.yaml"


def compare(expected: dict, actual: dict) -> list[str]:
    """A readable, resource-by-resource account of how two templates differ."""
    problems: list[str] = []
    for section in sorted(set(expected) | set(actual)):
        if section == "Resources":
            continue
        if expected.get(section) != actual.get(section):
            problems.append(f"section {section} differs:\n{_diff(expected.get(section), actual.get(section))}")
    old, new = expected.get("Resources", {}), actual.get("Resources", {})
    for logical_id in sorted(set(old) - set(new)):
        problems.append(f"resource {logical_id} ({old[logical_id]['Type']}) is no longer produced")
    for logical_id in sorted(set(new) - set(old)):
        problems.append(f"resource {logical_id} ({new[logical_id]['Type']}) is new")
    for logical_id in sorted(set(old) & set(new)):
        if old[logical_id] != new[logical_id]:
            problems.append(f"resource {logical_id} changed:\n{_diff(old[logical_id], new[logical_id])}")
    return problems


def _diff(a: object, b: object) -> str:
    lines = difflib.unified_diff(
        to_yaml(a).splitlines() if a is not None else [],
        to_yaml(b).splitlines() if b is not None else [],
        "expected",
        "actual",
        lineterm="",
    )
    return "\n".join("    " + line for line in lines)


def update() -> int:
    count = 0
    for spec in golden_specs():
        for compiled in api.compile_spec(str(spec)):
            target = golden_path(spec, compiled.stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(compiled.text, encoding="utf-8")
            for extra, text in compiled.extra_files.items():
                if extra.suffix == ".yaml":
                    child = target.parent / extra.name
                    child.write_text(text, encoding="utf-8")
            count += 1
    print(f"updated {count} golden template(s) under {GOLDEN_DIR}")
    return 0


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    if "--update" not in sys.argv:
        print(__doc__)
        sys.exit(2)
    sys.exit(update())
