"""A fast YAML writer for compiled templates, byte-identical to ``render.to_yaml``'s PyYAML output.

PyYAML spends most of a large compile building representation nodes in Python (about half of the
time of a 6,000-resource stage). Templates are plain data -- mappings, lists, strings, numbers,
booleans, null -- so this module writes them directly, following PyYAML's emitter (block style,
indent 2, width 120, indentless sequences in mappings, plain scalars unless they would read back as
something else or contain an indicator, single quotes otherwise, long scalars folded at a space past
column 120). Anything outside what it handles -- a string with a character other than printable
ASCII, a very long key, a non-string key, an object seen twice (PyYAML would write an anchor), any
other type -- makes ``dump`` return None, and the caller uses PyYAML. tests/test_fastyaml.py checks
the two agree on every template the test suite produces and on generated data.
"""

from __future__ import annotations

import re
from typing import Any

WIDTH = 120
INDENT = 2

#: Strings of printable ASCII only; anything else goes to PyYAML.
_SIMPLE = re.compile(r"^[\x20-\x7e]*$")


class _Unsupported(Exception):
    pass


_styles: dict[str, bool] = {}  # string -> may be written plain (a cache: strings repeat a lot)


def _plain_allowed(text: str) -> bool:
    found = _styles.get(text)
    if found is None:
        found = _styles[text] = _analyze(text)
    return found


def _analyze(text: str) -> bool:
    """PyYAML's analyze_scalar + choose_scalar_style for a printable-ASCII string in block context."""
    if not text:
        return False  # '' reads back as null: quoted
    if not _SIMPLE.match(text):
        raise _Unsupported
    if text.startswith(("---", "...")):
        return False
    if text[0] == " " or text[-1] == " ":
        return False
    length = len(text)
    for index, ch in enumerate(text):
        followed_by_space = index + 1 >= length or text[index + 1] == " "
        if index == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                return False
            if ch in "?:" and followed_by_space:
                return False
            if ch == "-" and followed_by_space:
                return False
        else:
            if ch == ":" and followed_by_space:
                return False
            if ch == "#" and text[index - 1] == " ":
                return False
    return _resolves_to_str(text)


_resolver: Any = None


def _resolves_to_str(text: str) -> bool:
    global _resolver
    if _resolver is None:
        import yaml

        _resolver = yaml.SafeDumper("")  # only its resolver is used
    from yaml.nodes import ScalarNode

    return bool(_resolver.resolve(ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def dump(data: Any) -> str | None:
    """The YAML of ``data`` exactly as ``render.to_yaml`` would write it, or None if unsupported."""
    writer = _Writer()
    try:
        writer.document(data)
    except _Unsupported:
        return None
    return "".join(writer.out)


class _Writer:
    """A transcription of the parts of ``yaml.emitter.Emitter`` that block-style templates use."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.indent: int | None = None
        self.seen: set[int] = set()

    # -- low level ------------------------------------------------------------------------------
    def write_indicator(
        self, indicator: str, need_whitespace: bool, whitespace: bool = False, indention: bool = False
    ) -> None:
        data = indicator if (self.whitespace or not need_whitespace) else " " + indicator
        self.whitespace = whitespace
        self.indention = self.indention and indention
        self.column += len(data)
        self.out.append(data)

    def write_indent(self) -> None:
        indent = self.indent or 0
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.whitespace = True
            self.indention = True
            self.column = 0
            self.out.append("\n")
        if self.column < indent:
            self.whitespace = True
            self.out.append(" " * (indent - self.column))
            self.column = indent

    # -- nodes ----------------------------------------------------------------------------------
    def document(self, data: Any) -> None:
        if not isinstance(data, (dict, list)) or not data:
            raise _Unsupported  # a scalar or empty root: PyYAML adds document markers
        self.node(data, mapping=False, simple_key=False)
        self.indent = None
        self.write_indent()

    def node(self, data: Any, *, mapping: bool, simple_key: bool) -> None:
        kind = type(data)
        if kind is str:
            self.scalar(data, simple_key=simple_key, plain=None)
        elif kind is dict:
            self._remember(data)
            if not data:
                self.write_indicator("{", True, whitespace=True)
                self.write_indicator("}", False)
            else:
                self.block_mapping(data)
        elif kind is list:
            self._remember(data)
            if not data:
                self.write_indicator("[", True, whitespace=True)
                self.write_indicator("]", False)
            else:
                self.block_sequence(data, mapping=mapping)
        elif kind is bool:
            self.scalar("true" if data else "false", simple_key=simple_key, plain=True)
        elif kind is int:
            self.scalar(str(data), simple_key=simple_key, plain=True)
        elif kind is float:
            self.scalar(_float(data), simple_key=simple_key, plain=True)
        elif data is None:
            self.scalar("null", simple_key=simple_key, plain=True)
        else:
            raise _Unsupported

    def _remember(self, data: Any) -> None:
        if id(data) in self.seen:
            raise _Unsupported  # PyYAML would write an anchor and an alias
        self.seen.add(id(data))

    def block_mapping(self, data: dict[Any, Any]) -> None:
        saved = self.indent
        self.indent = 0 if self.indent is None else self.indent + INDENT
        for key, value in data.items():
            if type(key) is not str or len(key) >= 120:
                raise _Unsupported  # not a simple key: PyYAML writes "? key"
            self.write_indent()
            self.scalar(key, simple_key=True, plain=None)
            self.write_indicator(":", False)
            self.node(value, mapping=True, simple_key=False)
        self.indent = saved

    def block_sequence(self, data: list[Any], *, mapping: bool) -> None:
        saved = self.indent
        indentless = mapping and not self.indention
        if self.indent is None:
            self.indent = 0
        elif not indentless:
            self.indent += INDENT
        for item in data:
            self.write_indent()
            self.write_indicator("-", True, indention=True)
            self.node(item, mapping=False, simple_key=False)
        self.indent = saved

    def scalar(self, text: str, *, simple_key: bool, plain: bool | None) -> None:
        saved = self.indent
        self.indent = INDENT if self.indent is None else self.indent + INDENT
        if plain is None:
            plain = _plain_allowed(text)
        elif not _SIMPLE.match(text):
            raise _Unsupported
        if plain:
            self.write_plain(text, split=not simple_key)
        else:
            self.write_single_quoted(text, split=not simple_key)
        self.indent = saved

    def write_plain(self, text: str, split: bool) -> None:
        if not self.whitespace:
            self.out.append(" ")
            self.column += 1
        self.whitespace = False
        self.indention = False
        if not split or " " not in text or self.column + len(text) <= WIDTH:
            self.out.append(text)  # cannot fold: nothing passes column 120 at a space
            self.column += len(text)
            return
        spaces = False
        start = end = 0
        length = len(text)
        while end <= length:
            ch = text[end] if end < length else None
            if spaces:
                if ch != " ":
                    if start + 1 == end and self.column > WIDTH:
                        self.write_indent()
                        self.whitespace = False
                        self.indention = False
                    else:
                        data = text[start:end]
                        self.column += len(data)
                        self.out.append(data)
                    start = end
            elif ch is None or ch == " ":
                data = text[start:end]
                self.column += len(data)
                self.out.append(data)
                start = end
            if ch is not None:
                spaces = ch == " "
            end += 1

    def write_single_quoted(self, text: str, split: bool) -> None:
        self.write_indicator("'", True)
        if not split or " " not in text or self.column + len(text) + text.count("'") <= WIDTH:
            data = text.replace("'", "''")
            self.out.append(data)
            self.column += len(data)
        else:
            spaces = False
            start = end = 0
            length = len(text)
            while end <= length:
                ch = text[end] if end < length else None
                if spaces:
                    if ch is None or ch != " ":
                        if start + 1 == end and self.column > WIDTH and start != 0 and end != length:
                            self.write_indent()
                        else:
                            data = text[start:end]
                            self.column += len(data)
                            self.out.append(data)
                        start = end
                elif (ch is None or ch == " " or ch == "'") and start < end:
                    data = text[start:end]
                    self.column += len(data)
                    self.out.append(data)
                    start = end
                if ch == "'":
                    self.column += 2
                    self.out.append("''")
                    start = end + 1
                if ch is not None:
                    spaces = ch == " "
                end += 1
        self.write_indicator("'", False)


def _float(value: float) -> str:
    """SafeRepresenter.represent_float."""
    if value != value:
        return ".nan"
    if value == float("inf"):
        return ".inf"
    if value == -float("inf"):
        return "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text
