"""A fast YAML writer for compiled templates, byte-identical to ``render.to_yaml``'s PyYAML output.

PyYAML spends most of a large compile building representation nodes in Python (about half of the
time of a 6,000-resource stage). Templates are plain data -- mappings, lists, strings, numbers,
booleans, null -- so this module writes them directly, following the emitter PyYAML's CSafeDumper
uses (libyaml's emitter.c: block style, indent 2, width 120, indentless sequences in mappings, plain
scalars unless they would read back as something else or contain an indicator, single quotes
otherwise, double quotes with escapes for text with control characters or spaces around line breaks;
long scalars folded at a space past column 120; multi-line text -- inline Lambda code, e-mail
templates, build specs -- quoted the way libyaml quotes it). What it does not handle -- the Unicode
line separators, NEL, the BOM, characters outside the BMP, a key that is long, not a string or not
printable ASCII, an object seen twice (PyYAML would write an anchor), any other type -- makes
``dump`` return None, and the caller uses PyYAML. tests/test_fastyaml.py checks the two agree on
every golden template and on generated data.
"""

from __future__ import annotations

import re
from typing import Any

WIDTH = 120
INDENT = 2

#: Strings of printable ASCII only: the common case, analysed by the short path below.
_SIMPLE = re.compile(r"[\x20-\x7e]*\Z")  # \Z, not $: "$" also matches before a final newline
#: Characters this writer leaves to PyYAML: the Unicode line and paragraph separators, NEL, the BOM,
#: surrogates and characters outside the BMP (libyaml and PyYAML's own emitter differ on these).
_LEFT_TO_PYYAML = re.compile("[\x85\u2028\u2029\ufeff\ud800-\udfff\U00010000-\U0010ffff]")
_BREAKS = "\n"
_WHITESPACE = "\0 \t\r\n"

PLAIN, SINGLE, DOUBLE = "", "'", '"'


class _Unsupported(Exception):
    pass


_styles: dict[str, str] = {}  # string -> its style in block context (a cache: strings repeat a lot)


def _style(text: str) -> str:
    found = _styles.get(text)
    if found is None:
        found = _styles[text] = _simple_style(text) if _SIMPLE.match(text) else _full_style(text)
    return found


def _simple_style(text: str) -> str:
    """PyYAML's analyze_scalar + choose_scalar_style for a one-line printable-ASCII string."""
    if not text:
        return SINGLE  # '' reads back as null: quoted
    if text.startswith(("---", "...")):
        return SINGLE
    if text[0] == " " or text[-1] == " ":
        return SINGLE
    length = len(text)
    for index, ch in enumerate(text):
        followed_by_space = index + 1 >= length or text[index + 1] == " "
        if index == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                return SINGLE
            if ch in "?:" and followed_by_space:
                return SINGLE
            if ch == "-" and followed_by_space:
                return SINGLE
        else:
            if ch == ":" and followed_by_space:
                return SINGLE
            if ch == "#" and text[index - 1] == " ":
                return SINGLE
    return PLAIN if _resolves_to_str(text) else SINGLE


def _full_style(text: str) -> str:
    """PyYAML's analyze_scalar + choose_scalar_style (allow_unicode, block context, not a key)."""
    if _LEFT_TO_PYYAML.search(text):
        raise _Unsupported
    block_indicators = line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = break_space = space_break = False
    if text.startswith(("---", "...")):
        block_indicators = True
    preceded_by_whitespace = True
    length = len(text)
    followed_by_whitespace = length == 1 or text[1] in _WHITESPACE
    previous_space = previous_break = False
    for index, ch in enumerate(text):
        if index == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                block_indicators = True
            if ch in "?:" and followed_by_whitespace:
                block_indicators = True
            if ch == "-" and followed_by_whitespace:
                block_indicators = True
        else:
            if ch == ":" and followed_by_whitespace:
                block_indicators = True
            if ch == "#" and preceded_by_whitespace:
                block_indicators = True
        if ch == "\n":
            line_breaks = True
        elif not ("\x20" <= ch <= "\x7e" or "\xa0" <= ch <= "\ufffd"):
            special = True
        if ch == " ":
            leading_space = leading_space or index == 0
            trailing_space = index == length - 1
            break_space = break_space or previous_break
            previous_space, previous_break = True, False
        elif ch == "\n":
            leading_break = leading_break or index == 0
            trailing_break = index == length - 1
            space_break = space_break or previous_space
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_whitespace = ch in _WHITESPACE
        followed_by_whitespace = index + 2 >= length or text[index + 2] in _WHITESPACE
    if space_break or special:
        return DOUBLE
    plain = not (leading_space or leading_break or trailing_space or trailing_break or line_breaks or block_indicators)
    if plain and _resolves_to_str(text):
        return PLAIN
    return DOUBLE if break_space else SINGLE


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
            self.scalar(data, simple_key=simple_key)
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
            self.scalar("true" if data else "false", simple_key=simple_key, style=PLAIN)
        elif kind is int:
            self.scalar(str(data), simple_key=simple_key, style=PLAIN)
        elif kind is float:
            self.scalar(_float(data), simple_key=simple_key, style=PLAIN)
        elif data is None:
            self.scalar("null", simple_key=simple_key, style=PLAIN)
        else:
            raise _Unsupported

    def _remember(self, data: Any) -> None:
        if id(data) in self.seen:
            raise _Unsupported  # PyYAML would write an anchor and an alias
        self.seen.add(id(data))

    def block_mapping(self, data: dict[Any, Any]) -> None:
        saved = self.indent
        self.indent = 0 if self.indent is None else self.indent + INDENT
        out = self.out
        for key, value in data.items():
            if type(key) is not str or len(key) >= 120:
                raise _Unsupported  # not a simple key: PyYAML writes "? key"
            self.write_indent()
            if _styles.get(key) == PLAIN and key.isascii():
                out.append(key)  # the common key: what scalar() + write_indicator(":") would write
                out.append(":")
                self.column += len(key) + 1
                self.whitespace = self.indention = False
            else:
                self.scalar(key, simple_key=True)
                self.write_indicator(":", False)
            if not self._short_plain(value):
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
            if not self._short_plain(item):
                self.node(item, mapping=False, simple_key=False)
        self.indent = saved

    def _short_plain(self, value: Any) -> bool:
        """Write ``value`` if it is a known plain string that cannot fold (most values); else False."""
        if type(value) is not str or _styles.get(value) != PLAIN:
            return False
        if self.column + 1 + len(value) > WIDTH and " " in value:
            return False
        self.out.append(" " + value)  # after ":" or "-": never at a whitespace, so a space first
        self.column += 1 + len(value)
        self.whitespace = self.indention = False
        return True

    def scalar(self, text: str, *, simple_key: bool, style: str | None = None) -> None:
        if style is None:
            if simple_key and not _SIMPLE.match(text):
                raise _Unsupported  # a key on several lines or with other characters: not a simple key
            style = _style(text)
        saved = self.indent
        self.indent = INDENT if self.indent is None else self.indent + INDENT
        if style == PLAIN:
            self.write_plain(text, split=not simple_key)
        elif style == SINGLE:
            self.write_single_quoted(text, split=not simple_key)
        else:
            self.write_double_quoted(text, split=not simple_key)
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
        """libyaml's yaml_emitter_write_single_quoted_scalar (PyYAML's CSafeDumper writes with it)."""
        self.write_indicator("'", True)
        if "\n" not in text and (not split or " " not in text or self.column + len(text) + text.count("'") <= WIDTH):
            data = text.replace("'", "''")  # the common case: one line that cannot fold
            self.out.append(data)
            self.column += len(data)
            self.write_indicator("'", False)
            return
        out = self.out
        spaces = breaks = False
        last = len(text) - 1
        index = 0
        while index <= last:
            ch = text[index]
            if ch == " ":
                if split and not spaces and self.column > WIDTH and 0 < index < last and text[index + 1] != " ":
                    self.write_indent()  # fold here: the line break reads back as this space
                else:
                    out.append(" ")
                    self.column += 1
                spaces = True
            elif ch == "\n":
                if not breaks:
                    out.append("\n")  # a single break would read back as a space: write it twice
                out.append("\n")
                self.column = 0
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    out.append("'")
                    self.column += 1
                out.append(ch)
                self.column += 1
                self.indention = spaces = breaks = False
            index += 1
        if breaks:
            self.write_indent()
        self.write_indicator("'", False)

    def write_double_quoted(self, text: str, split: bool) -> None:
        """libyaml's yaml_emitter_write_double_quoted_scalar, for the characters this writer takes."""
        self.write_indicator('"', True)
        out = self.out
        spaces = False
        last = len(text) - 1
        index = 0
        while index <= last:
            ch = text[index]
            if ch in '"\\' or not ("\x20" <= ch <= "\x7e" or "\xa0" <= ch <= "\ufffd"):
                data = "\\" + _ESCAPES[ch] if ch in _ESCAPES else f"\\x{ord(ch):02X}"
                out.append(data)
                self.column += len(data)
                spaces = False
            elif ch == " ":
                if split and not spaces and self.column > WIDTH and 0 < index < last:
                    self.write_indent()  # fold here; a following space is escaped so it survives
                    if text[index + 1] == " ":
                        out.append("\\")
                        self.column += 1
                else:
                    out.append(" ")
                    self.column += 1
                spaces = True
            else:
                out.append(ch)
                self.column += 1
                spaces = False
            index += 1
        self.write_indicator('"', False)


#: PyYAML's Emitter.ESCAPE_REPLACEMENTS for the characters this writer escapes itself.
_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v", "\x0c": "f", "\x0d": "r",
    "\x1b": "e", '"': '"', "\\": "\\",
}  # fmt: skip


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
