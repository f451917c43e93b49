"""Bad input: every error is `file:line:col: dotted.path: message`, all errors at once, no traceback.

Each case writes a small spec, runs `specc validate` (or compile) through the CLI and asserts the
exact lines printed. The base spec is valid; each case changes one thing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from .spec_helpers import run

BASE = """\
specc: 1
system: demo
stages:
  dev: {}
components:
  data:
    kind: table
    partition_key: PK
  worker:
    kind: function
    code: code
    uses:
      data: read_write
"""


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


CASES = {
    "yaml syntax error": (
        edit("  dev: {}", "  dev: {"),
        ["SPEC:6:7: YAML syntax error: while parsing a flow mapping did not find expected ',' or '}'"],
    ),
    "duplicate key": (
        edit("    partition_key: PK\n", "    partition_key: PK\n    partition_key: SK\n"),
        ["SPEC:9:5: components.data.partition_key: duplicate key 'partition_key' (first defined at line 8, column 5)"],
    ),
    "empty file": ("# nothing here\n\n", ["SPEC:1:1: file is empty; a spec starts with 'specc: 1', 'system:' and 'components:'"]),
    "not a mapping": ("- a\n- b\n", ["SPEC:1:1: a spec must be a mapping of keys to values, not a list"]),
    "not utf-8": (
        BASE.encode().replace(b"system: demo", b"system: d\xe9mo"),
        ["SPEC:2:10: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    "tab indentation": (
        edit("    partition_key: PK", "\tpartition_key: PK"),
        ["SPEC:8:1: tab character in indentation; YAML indents with spaces only"],
    ),
    "several documents": (BASE + "---\nspecc: 1\n", ["SPEC:15:1: file holds several YAML documents ('---'); a spec is one document"]),
    "object-constructing tag": (
        edit("code: code", "code: !!python/object/apply:os.system ['echo hacked']"),
        ["SPEC:11:11: components.worker.code: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in a spec; write a plain list"],
    ),
    "unknown top-level key": (
        edit("system: demo\n", "system: demo\nsytem: demo\n"),
        [
            "SPEC:3:1: sytem: unknown key 'sytem'; did you mean 'system'? "
            "(valid keys: components, defaults, description, limits, region, security, specc, stages, system, tags, "
            "usage)"
        ],
    ),
    "unknown component key": (
        edit("    partition_key: PK\n", "    partition_key: PK\n    sortkey: SK\n"),
        ["SPEC:9:5: components.data.sortkey: unknown key 'sortkey'; did you mean 'sort_key'?"],
    ),
    "missing required key": (
        edit("    partition_key: PK\n", ""),
        ["SPEC:7:5: components.data.partition_key: missing required key 'partition_key'"],
    ),
    "unknown kind": (edit("kind: table", "kind: tabel"), ["SPEC:7:5: components.data: unknown component kind 'tabel'; did you mean 'table'?"]),
    "missing kind": (edit("    kind: table\n", ""), ["SPEC:7:5: components.data: missing 'kind'"]),
    "wrong type": (
        edit("code: code\n", "code: code\n    memory: big\n"),
        ["SPEC:12:13: components.worker.memory: must be a valid integer, got 'big'"],
    ),
    "out of range": (
        edit("code: code\n", "code: code\n    memory: 64\n"),
        ["SPEC:12:13: components.worker.memory: must be greater than or equal to 128, got 64"],
    ),
    "wrong format version": (edit("specc: 1", "specc: 2"), ["SPEC:1:8: specc: must be 1, got 2"]),
    "dangling reference": (
        edit("      data: read_write", "      dta: read_write"),
        ["SPEC:13:12: components.worker.uses.dta: unknown component 'dta'; did you mean 'data'? (components: data, worker)"],
    ),
    "access a kind does not offer": (
        edit("      data: read_write", "      data: invoke"),
        ["SPEC:13:13: components.worker.uses.data: a table cannot be used with 'invoke'; valid: read, write, read_write"],
    ),
    "invalid component name": (
        edit("  worker:", "  Worker:"),
        ["SPEC:9:3: components.Worker: invalid name 'Worker': use lower-case letters, digits, '-' or '_', starting with a letter"],
    ),
    "stage overrides unknown component": (
        edit("  dev: {}", "  dev:\n    components:\n      wroker: {memory: 512}"),
        ["SPEC:6:7: stages.dev.components.wroker: stage overrides unknown component 'wroker'; did you mean 'worker'?"],
    ),
    "stage override with a wrong value points at the override": (
        edit("  dev: {}", "  dev:\n    components:\n      worker: {memory: lots}"),
        ["SPEC:6:24: components.worker.memory: must be a valid integer, got 'lots'"],
    ),
    "logical id collision": (
        edit("  worker:", "  data_x:\n    kind: table\n    partition_key: A\n  data-x:\n    kind: table\n    partition_key: B\n  worker:"),
        [
            "SPEC:12:3: components.data-x: component names 'data_x' (line 9, column 3) and 'data-x' both give "
            "the logical ID prefix 'DataX'; rename one of them"
        ],
    ),
    "plain-text secret": (
        edit("code: code\n", "code: code\n    environment:\n      STRIPE_SECRET_KEY: sk_live_123\n"),
        [
            "SPEC:13:26: components.worker.environment.STRIPE_SECRET_KEY: STRIPE_SECRET_KEY looks like a secret; "
            "never put a secret in plain text -- declare a secret component and list it under 'uses'"
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_located(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    code, lines = run(tmp_path, text)
    assert code == 1
    assert len(lines) == len(expected), lines
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(want), f"\n got: {line}\nwant: {want}"


def test_all_errors_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    text = BASE.replace("memory", "x").replace("code: code\n", "code: code\n    memory: 1\n    timeout: 0\n")
    text = text.replace("      data: read_write", "      nothing: read")
    text = text.replace("    partition_key: PK\n", "    partition_key: PK\n    color: blue\n")
    code, lines = run(tmp_path, text)
    assert code == 1
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "SPEC:9:5: components.data.color",
        "SPEC:13:13: components.worker.memory",
        "SPEC:14:14: components.worker.timeout",
    ], lines
    # References are checked once the structure is valid, so the dangling name shows after fixing those.


def test_unknown_stage_on_the_command_line(tmp_path: Path) -> None:
    code, lines = run(tmp_path, BASE, "--stage", "prod")
    assert code == 1
    assert lines == ["SPEC:4:3: stages: no stage named 'prod'; stages are: dev"]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = ["specc: 1", 'a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 8):
        prev = chr(ord("a") + level - 1)
        cur = chr(ord("a") + level)
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    code, lines = run(tmp_path, "\n".join(bomb) + "\n")
    assert code == 1
    assert len(lines) == 1 and "looks like an alias bomb" in lines[0] and lines[0].startswith("SPEC:1:1: ")


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "cannot read file" in result.output


def test_usage_errors_exit_2() -> None:
    assert CliRunner().invoke(main, ["compile"]).exit_code == 2
    assert CliRunner().invoke(main, ["validate", "x.yaml", "--format", "xml"]).exit_code == 2


def test_json_format_carries_locations(tmp_path: Path) -> None:
    import json

    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE.replace("kind: table", "kind: tabel"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec), "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False
    assert payload["errors"][0]["line"] == 7 and payload["errors"][0]["col"] == 5
    assert payload["errors"][0]["path"] == "components.data"
