"""No tracebacks, ever: generated specs and mutations either compile lint-clean or fail with located errors.

Hypothesis starts from every spec in the repository and from generated table/function systems, and
mutates them: wrong types, missing and unknown keys, dangling references, unicode, huge values, deep
values, text noise. Each result must be either exit 0 with cfn-lint-clean templates, or exit 1 with
nothing but ``file:line:col: ...`` diagnostics (and the closing count). Exit 3 (internal error) or any
other outcome fails. The example count is bounded for CI (``SPECC_FUZZ_EXAMPLES``, default 40 per
test) and derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from compiler.cli import main
from compiler.loader import load_file

from .compiled import all_specs

EXAMPLES = int(os.environ.get("SPECC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: the failing spec is printed whole
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: .+")
SUMMARY = re.compile(r"^\d+ error\(s\) in \d+ file\(s\)$")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


BASES: list[tuple[Path, dict[str, Any]]] = []
for _spec in all_specs():
    try:
        BASES.append((_spec, _plain(load_file(_spec).data)))
    except Exception:  # a spec that does not load is the golden test's business
        continue

WEIRD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "ünïcødé-名前-😀", "a" * 5000, "${AWS::Region}", "!Ref X", "'", "\x00", "-1", "1e309"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.just({"a": {"b": {"c": {"d": {"e": [[[[1]]]]}}}}}),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def mutated_specs(draw: st.DrawFn) -> tuple[Path, str]:
    spec, base = draw(st.sampled_from(BASES))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        how = draw(st.sampled_from(["replace", "delete", "unknown_key", "dangling", "rename_key"]))
        if how == "replace":
            parent[path[-1]] = draw(WEIRD_VALUES)
        elif how == "delete":
            del parent[path[-1]]
        elif how == "unknown_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(WEIRD_VALUES)
        elif how == "dangling" and isinstance(parent, dict) and isinstance(parent[path[-1]], str):
            parent[path[-1]] = parent[path[-1]] + "-missing"
        elif how == "rename_key" and isinstance(parent, dict):
            value = parent.pop(path[-1])
            parent[draw(st.sampled_from(["x", "Name", "ünï", "a-b", str(path[-1]) + "s", "1"]))] = value
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["\t", ":", "- [", "&a *a", "{", "\ufeff", "  x: 1\n"])) + text[cut:]
    return spec, text


NAMES = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
ATTRIBUTES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)


@st.composite
def generated_specs(draw: st.DrawFn) -> str:
    """Valid systems of tables and functions, with random names, keys, indexes and settings."""
    tables = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    functions = draw(st.lists(NAMES.filter(lambda n: n not in tables), min_size=0, max_size=3, unique=True))
    components: dict[str, Any] = {}
    for name in tables:
        table: dict[str, Any] = {"kind": "table", "partition_key": draw(ATTRIBUTES)}
        if draw(st.booleans()):
            table["sort_key"] = draw(ATTRIBUTES.filter(lambda a, t=table: a != t["partition_key"]))
        if draw(st.booleans()):
            table["indexes"] = {
                "GSI1": {"partition_key": draw(ATTRIBUTES.filter(lambda a, t=table: a != t["partition_key"]))}
            }
        if draw(st.booleans()):
            table["ttl_attribute"] = draw(ATTRIBUTES)
        components[name] = table
    for name in functions:
        function: dict[str, Any] = {
            "kind": "function",
            "code": f"handlers/{name}",
            "memory": draw(st.integers(128, 10240)),
            "timeout": draw(st.integers(1, 900)),
            "runtime": draw(st.sampled_from(["nodejs22.x", "python3.12", "provided.al2023"])),
            "uses": {t: draw(st.sampled_from(["read", "write", "read_write"])) for t in tables if draw(st.booleans())},
        }
        if draw(st.booleans()):
            function["environment"] = {"MODE": draw(st.text(max_size=20))}
        components[name] = function
    stages: dict[str, Any] = {"prod": {}}
    if draw(st.booleans()):
        stages["dev"] = {"removal_policy": "delete", "log_retention_days": 7}
    spec = {"specc": 1, "system": draw(NAMES), "region": draw(st.sampled_from(["us-east-1", "eu-west-1"]))}
    spec.update(stages=stages, components=components)
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


def _check(text: str, linter: Any, must_compile: bool = False) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        out = Path(scratch) / "out"
        result = CliRunner().invoke(main, ["compile", str(path), "--out", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1), f"exit {result.exit_code}:\n{result.output}\n--- spec ---\n{text[:3000]}"
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert not must_compile, f"a valid spec was refused:\n{result.stderr}\n--- spec ---\n{text}"
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert lines, "exit 1 without a diagnostic"
            located = [line for line in lines if DIAGNOSTIC.match(line) and not SUMMARY.match(line)]
            assert located, f"exit 1 without a file:line:col diagnostic:\n{result.stderr}"
            for line in located:
                assert line.startswith(str(path) + ":"), line
            assert "internal error" not in result.stderr
            return
        templates = sorted(out.rglob("*.yaml"))
        assert templates, "exit 0 but no template written"
        for template in templates:
            findings = linter.lint_file(template)
            assert not findings, "\n".join(f"{f.rule} {f.message}" for f in findings) + f"\n--- spec ---\n{text}"


@FUZZ
@given(case=mutated_specs())
def test_mutated_specs_compile_clean_or_fail_with_located_errors(case: tuple[Path, str], linter: Any) -> None:
    _, text = case
    _check(text, linter)


@FUZZ
@given(text=generated_specs())
def test_generated_valid_specs_compile_lint_clean(text: str, linter: Any) -> None:
    _check(text, linter, must_compile=True)


@FUZZ
@given(noise=st.text(max_size=200))
def test_arbitrary_text_never_crashes(noise: str, linter: Any) -> None:
    _check("specc: 1\nsystem: x\n" + noise, linter)
