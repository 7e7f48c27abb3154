"""Reading authors' YAML with its line numbers, and checking each value against a small field table.

Values are taken from the raw scalar text, not from YAML's guesses, so `ticket: 0042` stays "0042" and a
title of `no` stays "no". Where YAML 1.1 would have surprised an author (`10:30` is the number 630, `no` is
false), the error message says so.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import Problems

try:  # libyaml is about eight times faster and keeps the marks we need for line numbers
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _Loader = yaml.SafeLoader

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_STR = "tag:yaml.org,2002:str"
_SURPRISES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "nothing (null)",
}


class Invalid(ValueError):
    """A value is wrong; `node` or `line` (when given) is where to point the author."""

    def __init__(self, message: str, node: yaml.Node | None = None, line: int | None = None):
        super().__init__(message)
        self.node = node
        self.line = line


def read_text(path: Path) -> str:
    """The file's text: UTF-8 with or without BOM, CRLF folded to LF. Raises Invalid with the line of a bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise Invalid(f"not valid UTF-8 (expected UTF-8 text, got the byte 0x{data[err.start]:02x})",
                      line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_STD = "tag:yaml.org,2002:"
# Tags YAML gives plain values by itself; any other (`!foo`, `!!python/object`, `!!binary`) was asked for by hand,
# and nothing an author writes here needs one.
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")}


_TAG_MARK = re.compile(r"(?:^|[\s\[{,:-])!")


def _tagged(root: yaml.Node):
    """Nodes with a tag no plain value has, each once (aliases share nodes)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            yield node
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _explain(err: yaml.MarkedYAMLError, text: str) -> str | None:
    """libyaml's terse messages in the author's terms, for the mistakes people make most."""
    mark = err.problem_mark
    if mark is None:
        return None
    lines = text.split("\n")
    here = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
    if err.problem == "found character that cannot start any token" and here.startswith("\t"):
        return "a tab (expected spaces to indent, got a tab character)"
    if err.problem == "found undefined alias":
        name = re.match(r"\*?([^\s,\[\]{}]+)", here)
        return f"undefined alias (expected an anchor &{name[1]} above, got *{name[1]})" if name else None
    return None


def got(node: yaml.Node) -> str:
    """How to show the author what they wrote."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~"):
        return "nothing"
    shown = json.dumps(node.value, ensure_ascii=False)
    # Say what YAML made of it: another YAML reader (or a later edit) would see that, not the text.
    if not node.style and node.tag in _SURPRISES and node.tag != "tag:yaml.org,2002:null":
        value = yaml.load(node.value, Loader=_Loader)
        shown += f", which YAML reads as {_SURPRISES[node.tag]}: {json.dumps(value)}"
        if ":" in node.value and node.tag == "tag:yaml.org,2002:int":
            shown += " (base 60)"
    return shown


@dataclass
class Document:
    """One YAML document of one file: where it came from and how to turn node marks into file lines."""

    path: str
    problems: Problems
    first_line: int = 1  # file line of the document's first line
    name: str = "front matter"  # what the top-level mapping is called in messages

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.add(self.path, self.line(node), message)

    def compose(self, text: str) -> yaml.Node | None:
        """The node tree, or None with a problem reported at the line YAML names."""
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = mark.line + self.first_line if mark else self.first_line
            what = _explain(err, text) or err.problem or err.context or "invalid YAML"
            if err.problem and err.context and err.context_mark and not _explain(err, text):
                # libyaml names where the thing it was reading began: often the real mistake (an unclosed bracket)
                what += f" ({err.context}, line {err.context_mark.line + self.first_line})"
            self.problems.add(self.path, line, f"unparseable YAML: {what}")
            return None
        except yaml.YAMLError as err:
            self.problems.add(self.path, self.first_line, f"unparseable YAML: {err}")
            return None
        if root is not None and _TAG_MARK.search(text):  # walking every node is slow; no "!" token, no tag
            for node in _tagged(root):
                self.report(node, f"unsupported YAML tag (expected a plain value, got {node.tag.replace(_STD, '!!')})")
        return root

    def fields(self, node: yaml.Node, where: str, table: dict[str, "Field"]) -> dict[str, Any] | None:
        """Check a mapping against its field table: unknown, duplicate and missing keys, then each value.

        Returns the parsed values of the fields that were present and valid (absent optional ones are left out),
        or None when the node is not a mapping at all.
        """
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{where or self.name}: wrong type (expected a mapping, got {got(node)})")
            return None
        values: dict[str, Any] = {}
        seen: dict[str, int] = {}  # key -> line of its first occurrence
        prefix = f"{where}." if where else ""
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                self.report(key_node, f"{prefix}{key}: duplicate key (expected each key once, got {got(key_node)} "
                                      f"again; first at line {seen[key]})")
                continue
            if key not in table:
                known = ", ".join(table)
                self.report(key_node, f"{where or self.name}: unknown key "
                                      f"(expected one of {known}, got {got(key_node)})")
                continue
            seen[key] = self.line(key_node)
            try:
                values[key] = table[key].parse(self, value_node, prefix + key)
            except Invalid as err:
                self.report(err.node or value_node, f"{prefix}{key}: {err}")
        for key, spec in table.items():
            if spec.required and key not in seen:
                self.report(node, f"{where or self.name}: missing key (expected {key}: {spec.expected}, got no {key})")
        return values

    def items(self, node: yaml.Node, where: str) -> list[tuple[int, yaml.Node]]:
        """The elements of a list node with their index; Invalid when it is not a list."""
        if not isinstance(node, yaml.SequenceNode):
            raise Invalid(f"wrong type (expected a list, got {got(node)})")
        return list(enumerate(node.value))

    def pairs(self, node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
        """The key/value pairs of a mapping node; Invalid when it is not a mapping."""
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(f"wrong type (expected a mapping, got {got(node)})")
        return list(node.value)


@dataclass(frozen=True)
class Field:
    """One key of a mapping: whether it is required, what it expects, and how to parse it."""

    parse_value: Callable[[Document, yaml.Node, str], Any]
    expected: str
    required: bool = False

    def parse(self, doc: Document, node: yaml.Node, where: str) -> Any:
        return self.parse_value(doc, node, where)


def scalar(node: yaml.Node, expected: str) -> str:
    """The raw text of a scalar node; Invalid for lists, mappings and empty values."""
    if not isinstance(node, yaml.ScalarNode) or (node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~")):
        raise Invalid(f"wrong type (expected {expected}, got {got(node)})")
    return node.value


def text(doc: Document, node: yaml.Node, where: str) -> str:
    value = scalar(node, "text").strip()
    if not value:
        raise Invalid("empty (expected text, got nothing)")
    return value


def slug(doc: Document, node: yaml.Node, where: str) -> str:
    value = scalar(node, "an id")
    if not SLUG.fullmatch(value):
        raise Invalid(f"not a valid id (expected lowercase letters, digits and single hyphens, got {got(node)})")
    return value


def slug_list(doc: Document, node: yaml.Node, where: str) -> tuple[tuple[str, int], ...]:
    """A list of ids, each with its line (so later checks can point at the right one)."""
    result = []
    for _, item in doc.items(node, where):
        try:
            value = slug(doc, item, where)
            first = next((line for seen, line in result if seen == value), None)
            if first is not None:
                raise Invalid(f"duplicate id (expected each id once, got {got(item)} again; first at line {first})")
            result.append((value, doc.line(item)))
        except Invalid as err:
            doc.report(item, f"{where}: {err}")
    if not result and not node.value:
        raise Invalid("empty (expected at least one id, got an empty list)")
    return tuple(result)


def choice(values: tuple[str, ...], what: str) -> Callable[[Document, yaml.Node, str], str]:
    def parse(doc: Document, node: yaml.Node, where: str) -> str:
        value = scalar(node, f"one of {', '.join(values)}")
        if value not in values:
            raise Invalid(f"invalid {what} (expected one of {', '.join(values)}, got {got(node)})")
        return value

    return parse
