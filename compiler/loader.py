"""YAML loader that remembers where every value came from.

Specs are parsed into plain dicts and lists (``MarkedMap`` / ``MarkedSeq``) that also carry the
line and column of every key and value, so any later error -- schema, reference, lint -- can point
back into the file. The loader builds values itself from PyYAML's node graph instead of using a
constructor: no tag can construct an object, duplicate keys are caught, and alias expansion is
bounded before anything walks the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, SpecError, dotted

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_EXPANDED_NODES = 100_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalar_constructor = yaml.SafeLoader("")  # only its scalar converters are used
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based

    @classmethod
    def of(cls, node: yaml.Node) -> Mark:
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)


class MarkedMap(dict):
    """A dict that knows the position of itself, of each key and of each value."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]

    def __init__(self, *args: Any, mark: Mark | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark = mark or Mark(1, 1)
        self.key_marks = {}
        self.value_marks = {}


class MarkedSeq(list):
    """A list that knows the position of itself and of each item."""

    mark: Mark
    item_marks: list[Mark]

    def __init__(self, *args: Any, mark: Mark | None = None) -> None:
        super().__init__(*args)
        self.mark = mark or Mark(1, 1)
        self.item_marks = []


@dataclass
class Document:
    """A loaded spec file: its data and the means to locate any path in it."""

    path: str
    data: MarkedMap

    def mark_for(self, path: tuple[Any, ...], *, key: bool = False) -> Mark:
        """The mark of the deepest existing node along ``path``.

        Path parts that do not exist in the data (pydantic's union tags, a missing field) are
        skipped, so the mark lands on the closest thing the user actually wrote. With ``key``,
        a mapping entry is located by its key rather than its value (for unknown-key errors).
        """
        return locate(self.data, path, key=key)

    def diagnostic(self, path: tuple[Any, ...], message: str, *, key: bool = False, **kw: Any) -> Diagnostic:
        mark = self.mark_for(path, key=key)
        return Diagnostic(self.path, mark.line, mark.col, dotted(path), message, **kw)


def locate(data: Any, path: tuple[Any, ...], *, key: bool = False) -> Mark:
    node = data
    mark = getattr(data, "mark", Mark(1, 1))
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, MarkedMap) and part in node:
            marks = node.key_marks if (key and last) else node.value_marks
            mark = marks.get(part, mark)
            node = node[part]
        elif isinstance(node, MarkedSeq) and isinstance(part, int) and 0 <= part < len(node):
            mark = node.item_marks[part] if part < len(node.item_marks) else mark
            node = node[part]
        else:
            continue
    return mark


def load_file(path: str | Path) -> Document:
    """Read and parse a spec file; raise SpecError with every problem found."""
    display = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SpecError([Diagnostic(display, 1, 1, "", f"cannot read file: {exc.strerror}")]) from None
    return load_bytes(raw, display)


def load_bytes(raw: bytes, display: str) -> Document:
    def fail(line: int, col: int, message: str) -> SpecError:
        return SpecError([Diagnostic(display, line, col, "", message)])

    if len(raw) > MAX_FILE_BYTES:
        raise fail(1, 1, f"file is {len(raw):,} bytes; specs are limited to {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8") from None
    text = text.removeprefix("\ufeff")
    tab_errors = _tab_indentation(text, display)
    if tab_errors:
        raise SpecError(tab_errors)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise fail(1, 1, "file is empty; a spec starts with 'specc: 1', 'system:' and 'components:'")
    deep = _too_deep(text)  # before composing: libyaml's composer recurses in C and can crash the process
    if deep is not None:
        raise fail(deep.line, deep.col, f"document is nested too deeply (the limit is {MAX_DEPTH} levels)")
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise fail(line, col, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise fail(1, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise fail(1, 1, f"document is nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise fail(1, 1, "file is empty; a spec starts with 'specc: 1', 'system:' and 'components:'")
    if len(nodes) > 1:
        m = Mark.of(nodes[1])
        raise fail(m.line, m.col, "file holds several YAML documents ('---'); a spec is one document")
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        m = Mark.of(root)
        raise fail(m.line, m.col, f"a spec must be a mapping of keys to values, not a {_kind(root)}")
    builder = _Builder(display)
    builder.check_size(root)
    if builder.errors:
        raise SpecError(builder.errors)
    data = builder.build(root, (), 0)
    if builder.errors:
        raise SpecError(sorted(set(builder.errors), key=lambda d: (d.line, d.col, d.message)))
    return Document(display, data)


_OPENS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken)
_CLOSES = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _too_deep(text: str) -> Mark | None:
    """Where nesting first exceeds MAX_DEPTH, from the token stream (no recursion); None if it never does."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, _OPENS):
                depth += 1
                if depth > MAX_DEPTH:
                    return Mark(token.start_mark.line + 1, token.start_mark.column + 1)
            elif isinstance(token, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports the syntax error with its location
    return None


def _tab_indentation(text: str, display: str) -> list[Diagnostic]:
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            col = indent.index("\t") + 1
            errors.append(
                Diagnostic(display, number, col, "", "tab character in indentation; YAML indents with spaces only")
            )
    return errors


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.ScalarNode):
        return "single value"
    return "mapping"


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.errors: list[Diagnostic] = []

    def error(self, node: yaml.Node, path: tuple[Any, ...], message: str) -> None:
        m = Mark.of(node)
        self.errors.append(Diagnostic(self.display, m.line, m.col, dotted(path), message))

    def check_size(self, root: yaml.Node) -> None:
        """Refuse alias bombs and deep nesting before building anything.

        The size of a node is counted as if every alias were expanded, memoised per node, so a
        "billion laughs" document is measured in microseconds without being expanded.
        """
        sizes: dict[int, int] = {}
        depths: dict[int, int] = {}

        def walk(node: yaml.Node, depth: int) -> tuple[int, int]:
            key = id(node)
            if key in sizes:
                return sizes[key], depths[key]
            if depth > MAX_DEPTH:
                raise RecursionError
            size, deepest = 1, 0
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    children += [k, v]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            for child in children:
                s, d = walk(child, depth + 1)
                size += s
                deepest = max(deepest, d + 1)
            sizes[key], depths[key] = size, deepest
            return size, deepest

        try:
            size, _ = walk(root, 0)
        except RecursionError:
            self.error(root, (), f"document is nested too deeply (the limit is {MAX_DEPTH} levels)")
            return
        if size > MAX_EXPANDED_NODES:
            self.error(
                root,
                (),
                f"document expands to {size:,} nodes through anchors and aliases "
                f"(the limit is {MAX_EXPANDED_NODES:,}); this looks like an alias bomb",
            )

    def build(self, node: yaml.Node, path: tuple[Any, ...], depth: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.error(node, path, f"YAML tag '{node.tag}' is not allowed in a spec; write a plain list")
            seq = MarkedSeq(mark=Mark.of(node))
            for index, item in enumerate(node.value):
                seq.append(self.build(item, (*path, index), depth + 1))
                seq.item_marks.append(Mark.of(item))
            return seq
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: tuple[Any, ...]) -> Any:
        if node.tag not in _SAFE_SCALAR_TAGS:
            self.error(node, path, f"YAML tag '{node.tag}' is not allowed in a spec; write a plain value")
            return None
        try:
            return _scalar_constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            self.error(node, path, f"cannot read value {node.value!r}: {exc}")
            return None

    def _mapping(self, node: yaml.MappingNode, path: tuple[Any, ...], depth: int) -> MarkedMap:
        result = MarkedMap(mark=Mark.of(node))
        if node.tag not in ("tag:yaml.org,2002:map",):
            self.error(node, path, f"YAML tag '{node.tag}' is not allowed in a spec; write a plain mapping")
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._merge(result, value_node, path, depth)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, path, "mapping keys must be plain strings, not lists or mappings")
                continue
            key = key_node.value
            if key in first_seen and key in result:
                seen = first_seen[key]
                self.error(
                    key_node,
                    (*path, key),
                    f"duplicate key '{key}' (first defined at line {seen.line}, column {seen.col})",
                )
                continue
            first_seen[key] = Mark.of(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
            result.key_marks[key] = Mark.of(key_node)
            result.value_marks[key] = Mark.of(value_node)
        return result

    def _merge(self, target: MarkedMap, value_node: yaml.Node, path: tuple[Any, ...], depth: int) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys in the mapping win."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.error(source, path, "'<<' merges mappings only")
                continue
            merged = self._mapping(source, path, depth + 1)
            for key, value in merged.items():
                if key not in target:
                    target[key] = value
                    target.key_marks[key] = merged.key_marks[key]
                    target.value_marks[key] = merged.value_marks[key]
