"""The fast template writer gives exactly PyYAML's bytes, or steps aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import fastyaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
GOLDEN = sorted(Path("tests/golden").rglob("*.yaml"))


def pyyaml(data: Any) -> str:
    """What compiler/render.py wrote before the fast writer (its PyYAML settings)."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120, indent=2
    )


@pytest.mark.parametrize("path", GOLDEN, ids=[str(p.relative_to("tests/golden")) for p in GOLDEN])
def test_every_golden_template_is_written_identically(path: Path) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    fast = fastyaml.dump(data)
    assert fast is None or fast == pyyaml(data)


# Strings built from the characters and words that decide a scalar's style, and long enough to fold.
_pieces = st.sampled_from(
    [
        "a", "Z", "0", "9", " ", "  ", "'", '"', ":", ": ", "#", " #", "-", "- ", "?", "? ", ",", "[", "]", "{", "}",
        "&", "*", "!", "|", ">", "%", "@", "`", ".", "---", "...", "~", "=", "<<", "true", "False", "yes", "off",
        "null", "NULL", "1", "-2", "1.5", "1e3", ".inf", "0x1F", "0o17", "2010-09-09", "2001-12-14t21:59:43.10-05:00",
        "arn:aws:s3:::bucket/*", "${AWS::StackName}", "Fn::GetAtt", "word", "lorem ipsum dolor sit amet",
        # multi-line and non-ASCII text (inline code, e-mail templates): single or double quotes, escapes
        "\n", "\n\n", " \n", "\n ", "\t", "\r", "\x00", "\x1b", "\x7f", "\x9f", "\\", "é", "naïve", "\xa0", "中文",
        "\ud7ff", "\ue000", "\ufffd",
    ]
)  # fmt: skip
_strings = st.lists(_pieces, max_size=40).map("".join)
_scalars = st.one_of(
    _strings,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False) | st.just(float("inf")) | st.just(float("-inf")),
    st.booleans(),
    st.none(),
)
_keys = st.lists(_pieces, min_size=0, max_size=8).map("".join)


def _tree(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return _scalars
    inner = _tree(depth - 1)
    return st.one_of(
        _scalars,
        st.dictionaries(_keys, inner, max_size=5),
        st.lists(inner, max_size=4),
    )


_roots = st.one_of(st.dictionaries(_keys, _tree(3), min_size=1, max_size=6), st.lists(_tree(3), min_size=1, max_size=4))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_roots)
def test_generated_data_is_written_identically(data: Any) -> None:
    fast = fastyaml.dump(data)
    if fast is not None:
        assert fast == pyyaml(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(_pieces, min_size=1, max_size=80).map("".join), st.integers(min_value=0, max_value=12))
def test_long_values_fold_where_pyyaml_folds(text: str, depth: int) -> None:
    data: Any = {"Value": text}
    for level in range(depth):
        data = {f"Level{level}": data} if level % 3 else {f"Items{level}": [data, {"Other": text}]}
    fast = fastyaml.dump(data)
    assert fast is not None
    assert fast == pyyaml(data)


@pytest.mark.parametrize(
    "data",
    [
        {"a": "line\u2028separator"},
        {"a": "next\x85line"},
        {"a": "\ufeffbom"},
        {"a": "astral \U0001f600"},
        {"line\nbreak": "multi-line key"},
        {"naïve": "non-ASCII key"},
        {"a": ("tuple",)},
        {1: "int key"},
        {"k" * 130: "long key"},
        "a scalar root",
        {},
    ],
)
def test_what_it_does_not_handle_goes_to_pyyaml(data: Any) -> None:
    assert fastyaml.dump(data) is None


def test_an_object_seen_twice_goes_to_pyyaml() -> None:
    shared = {"Ref": "Thing"}
    assert fastyaml.dump({"a": shared, "b": shared}) is None
    assert fastyaml.dump({"a": {"Ref": "Thing"}, "b": {"Ref": "Thing"}}) == pyyaml({"a": shared, "b": dict(shared)})
