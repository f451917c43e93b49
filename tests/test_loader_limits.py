"""The loader refuses oversized, too deep, alias-bomb and object-constructing input with a located error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.errors import SpecError
from compiler.loader import MAX_DEPTH, MAX_EXPANDED_NODES, MAX_FILE_BYTES, load_bytes


def refused(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(SpecError) as caught:
        load_bytes(raw, "x.yaml")
    return "\n".join(d.format() for d in caught.value.diagnostics)


def test_file_too_large() -> None:
    message = refused(b"specc: 1\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    assert message.startswith("x.yaml:1:1:") and f"limited to {MAX_FILE_BYTES:,} bytes" in message


def test_nested_too_deeply_in_flow_and_block_style() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert "nested too deeply" in refused(deep)
    block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "v: 1\n"
    assert "nested too deeply" in refused(block)


def test_extremely_deep_nesting_does_not_crash_the_parser() -> None:
    message = refused("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert message.startswith("x.yaml:")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    message = refused("\n".join(lines) + "\n")
    assert "alias bomb" in message and f"{MAX_EXPANDED_NODES:,}" in message


@pytest.mark.parametrize(
    "tagged",
    [
        "x: !!python/object/apply:os.system ['touch /tmp/specc-pwned']\n",
        "x: !!python/object/new:os.system ['touch /tmp/specc-pwned']\n",
        "x: !!python/name:os.system\n",
        "x: !Ref Foo\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
    ],
)
def test_tags_never_construct_objects(tagged: str) -> None:
    marker = Path("/tmp/specc-pwned")
    marker.unlink(missing_ok=True)
    message = refused(tagged)
    assert "x.yaml:1:" in message and "not allowed" in message
    assert not marker.exists()


def test_not_utf8_and_empty_and_several_documents() -> None:
    assert "not valid UTF-8" in refused(b"specc: 1\nsystem: \xff\xfe\n")
    assert "file is empty" in refused("# nothing\n")
    assert "several YAML documents" in refused("a: 1\n---\nb: 2\n")


def test_cli_reports_limits_as_errors_not_tracebacks(tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_bytes(b"specc: 1\n" + b"#" * (MAX_FILE_BYTES + 1) + b"\n")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1
    assert f"{spec}:1:1:" in result.output and "Traceback" not in result.output
