"""Reading authors' YAML with its line numbers, and checking each value against a small field table.

Values are taken from the raw scalar text, not from YAML's guesses, so `ticket: 0042` stays "0042" and a
title of `no` stays "no". Where YAML 1.1 would have surprised an author (`10:30` is the number 630, `no` is
false), the error message says so.
"""
from __future__ import annotations

import json
import operator
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from . import names
from .errors import Problems
from .texts import DEFAULT_LANGUAGES, Text

try:  # libyaml is about eight times faster and keeps the marks we need for line numbers
    _BASE = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _BASE = yaml.SafeLoader

_RESOLVED: dict[str, str] = {}  # a short plain scalar's tag: the same text always gets the same
_RESOLVED_MOST = 100_000


class LOADER(_BASE):
    """The safe loader, with the Python it runs for each node cut down: libyaml's composer calls back into Python
    for every node's tag (a front matter has about fifty values) and twice more to track where the node is, for
    path resolvers (none here). Without them, a plain value's tag is looked up by its text once per process
    (finding it tries the resolvers' patterns one by one), any other node's is the default, and the two position
    calls go to builtins that do nothing. Composing 10,000 front matters: 1.5 CPU-s, not 1.85 (2026-12-08)."""

    def __init__(self, stream):
        super().__init__(stream)
        if not self.yaml_path_resolvers:  # instance attributes: found before the class's methods, no Python frame
            self.descend_resolver = operator.is_  # (node, index) -> ignored
            self.ascend_resolver = tuple  # () -> ignored

    def resolve(self, kind, value, implicit):
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if kind is not yaml.ScalarNode:
            return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG
        if not implicit[0]:  # quoted, or a block: text
            return self.DEFAULT_SCALAR_TAG
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 64 and len(_RESOLVED) < _RESOLVED_MOST:
                _RESOLVED[value] = tag
        return tag

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_FILE_BYTES = 1_000_000  # a whole incident (front matter and summary) or catalog; documented in the README
MAX_DEPTH = 50  # nesting levels of YAML collections; a front matter needs 4. libyaml's composer recurses in C
MAX_VALUES = 100_000  # values after expanding aliases ("billion laughs" stays small on disk)
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


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def read_text(path: Path) -> str:
    """The file's text: UTF-8 with or without BOM, CRLF folded to LF. Raises Invalid (one line for the author)
    when it cannot be read, is too large, or has a bad byte (with that byte's line)."""
    try:  # the system's calls alone (open, fstat, read, close): Python's file objects cost as much again
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            size = os.fstat(fd).st_size
            if size > MAX_FILE_BYTES:
                raise Invalid(f"too large (expected at most {_size(MAX_FILE_BYTES)}, got {_size(size)}; "
                              f"put long logs or reviews elsewhere and link to them)")
            data = os.read(fd, size + 1)  # one more byte shows a file that grew since
            while len(data) < size:  # a short read (a signal came): the rest, up to the end
                more = os.read(fd, size + 1 - len(data))
                if not more:
                    break
                data += more
        finally:
            os.close(fd)
    except OSError as err:
        reason = (err.strerror or str(err)).lower()
        raise Invalid(f"cannot read it ({reason})") from None
    if len(data) > MAX_FILE_BYTES:  # grew while read
        raise Invalid(f"too large (expected at most {_size(MAX_FILE_BYTES)}, got more)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise Invalid(f"not valid UTF-8 (expected UTF-8 text, got the byte 0x{data[err.start]:02x})",
                      line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# What no text here may hold (and libyaml refuses, reporting it at a wrong line): control characters other
# than tab and line feed, including NEL, and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# Invisible characters that make text read differently from what it says: bidirectional embeddings, overrides
# and isolates, marks, and zero-width spaces. Not refused in long text, where right-to-left writing may need them.
_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]")


def char_name(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


# YAML also reads U+2028 and U+2029 as line breaks (NEL is a control character): in YAML they would break
# the text where it does not look broken, and shift every line number after them.
_YAML_CONTROL = re.compile(_CONTROL.pattern[:-1] + "\u2028\u2029]")


def control_characters(text: str, first_line: int = 1, yaml: bool = False) -> list[tuple[int, str]]:
    """(line, message) for each line of `text` holding a control character, with the first such character.
    With `yaml`, also the line and paragraph separators YAML reads as line breaks."""
    found = []
    for match in (_YAML_CONTROL if yaml else _CONTROL).finditer(text):
        line = text.count("\n", 0, match.start()) + first_line
        if found and found[-1][0] == line:
            continue
        if match[0] in "\u2028\u2029":
            found.append((line, f"line separator (expected text, got {char_name(match[0])}, which YAML reads as a "
                                f"line break; remove it, or write \\u{ord(match[0]):04x} in double quotes)"))
        else:
            found.append((line, f"control character (expected text, got {char_name(match[0])}; remove it)"))
    return found


_STD = "tag:yaml.org,2002:"
# Tags YAML gives plain values by itself; any other (`!foo`, `!!python/object`, `!!binary`) was asked for by hand,
# and nothing an author writes here needs one.
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")}


_TAG_MARK = re.compile(r"(?:^|[\s\[{,:-])!")
_ANCHOR_MARK = re.compile(r"(?:^|[\s\[{,:-])&\S")  # no anchor, no alias: nothing to expand


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


def _explain(err: yaml.MarkedYAMLError, lines: list[str]) -> str | None:
    """libyaml's terse messages in the author's terms, for the mistakes people make most."""
    mark = err.problem_mark
    if mark is None:
        return None
    here = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
    if err.problem == "found character that cannot start any token" and here.startswith("\t"):
        return "a tab (expected spaces to indent, got a tab character)"
    if err.problem == "found undefined alias":
        name = re.match(r"\*?([^\s,\[\]{}]+)", here)
        return f"undefined alias (expected an anchor &{name[1]} above, got *{name[1]})" if name else None
    return None


# A value that opens a quote: after the indentation, a list's "- " and a key's ": ".
_OPENING_QUOTE = re.compile(r"[ \t]*(?:-[ \t]+)?(?:[^\"'#\s][^\"'#]*?:[ \t]+)?([\"'])(.*)")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, str] | None:
    """(index, quote) of the first line up to `upto` whose value opens a quote it does not close
    on that line, when YAML failed: a quoted value may go on over lines, so a missing quote shows up lines later,
    where the swallowed text no longer parses."""
    for index, line in enumerate(lines[: upto + 1]):
        opened = _OPENING_QUOTE.fullmatch(line)
        if opened is None:
            continue
        quote, rest = opened[1], opened[2]
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return index, quote
    return None


_COMMENT_AFTER = re.compile(r"[ \t]+#")
_SEQUENCE_ENTRY = re.compile(r"-(?=[ \t\n]|$)")


def _too_deep(text: str):
    """The mark of the first collection nested deeper than MAX_DEPTH, or None.

    libyaml's composer recurses once per level in C, so a few tens of thousands of `[` crash the process, and
    its scanner slows down with depth; its parser does not recurse, so depth is measured on its events first.
    Skipped when the text cannot nest that deep: each level needs a `[`, `{`, `?`, a `- ` or more indentation.
    """
    flow = text.count("[") + text.count("{") + text.count("?") + len(_SEQUENCE_ENTRY.findall(text))
    indent = " " * (MAX_DEPTH - flow)
    if flow < MAX_DEPTH and not text.startswith(indent) and "\n" + indent not in text:  # nor a line that indented
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:  # composing reports it
        return None
    return None


_CYCLE = MAX_VALUES + 1  # a node that holds itself (`&a [*a]`) expands without end


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values the tree holds with every alias expanded, up to a little over MAX_VALUES (depth is
    bounded by MAX_DEPTH; a node met again while it is being counted holds itself)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = _CYCLE
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, sizes)
        if total > MAX_VALUES:
            break
    sizes[id(node)] = total
    return total


def got(node: yaml.Node) -> str:
    """How to show the author what they wrote."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~"):
        return "nothing"
    shown = _shown(node.value)
    # Say what YAML made of it: another YAML reader (or a later edit) would see that, not the text.
    if not node.style and node.tag in _SURPRISES and node.tag != "tag:yaml.org,2002:null":
        shown += f", which YAML reads as {_SURPRISES[node.tag]}"
        value = _yaml_value(node.value)
        if value is not None:
            shown += f": {value}"
        if ":" in node.value and node.tag == "tag:yaml.org,2002:int":
            shown += " (base 60)"
    return shown


_SHOWN = 60  # characters of a value quoted back in a message


def clip(value: str) -> str:
    """A value cut short when long, so a message stays one readable line."""
    return f"{value[:_SHOWN]}... ({len(value):,} characters)" if len(value) > _SHOWN + 20 else value


def _shown(value: str) -> str:
    """A value as messages quote it: JSON-quoted, cut short when long."""
    if len(value) > _SHOWN + 20:
        return json.dumps(value[:_SHOWN], ensure_ascii=False)[:-1] + f'..." ({len(value):,} characters)'
    return json.dumps(value, ensure_ascii=False)


def _yaml_value(raw: str) -> str | None:
    """What YAML 1.1 makes of a plain scalar, as JSON; None where YAML itself cannot make it (`0x_`, a number
    too long to convert)."""
    if len(raw) > _SHOWN:
        return None
    try:
        return json.dumps(yaml.load(raw, Loader=LOADER))
    except (ValueError, TypeError, OverflowError, yaml.YAMLError):
        return None


@dataclass
class Document:
    """One YAML document of one file: where it came from and how to turn node marks into file lines."""

    path: str
    problems: Problems
    first_line: int = 1  # file line of the document's first line
    name: str = "front matter"  # what the top-level mapping is called in messages
    text: str = ""  # the document's text, as composed
    languages: tuple[str, ...] = DEFAULT_LANGUAGES  # the site's, the default first: what a text may be given in
    # (line, where, languages missing) for each text not given in every language of the site: check's notes
    untranslated: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)

    def line(self, node: yaml.Node) -> int:
        return self.mark_line(node.start_mark)

    def mark_line(self, mark) -> int:
        return mark.line + self.first_line

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.add(self.path, self.line(node), message)

    def compose(self, text: str) -> yaml.Node | None:
        """The node tree, or None with a problem reported at the line YAML names."""
        self.text = text
        control = control_characters(text, self.first_line, yaml=True)
        for line, message in control:
            self.problems.add(self.path, line, message)
        if control:
            return None
        deep = _too_deep(text)
        if deep is not None:
            self.problems.add(self.path, self.mark_line(deep), f"nested too deeply (expected at most {MAX_DEPTH} "
                                                              f"levels of lists and mappings, got more)")
            return None
        try:
            root = yaml.compose(text, Loader=LOADER)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = self.mark_line(mark) if mark else self.first_line
            lines = text.split("\n")
            unclosed = _unclosed_quote(lines, mark.line if mark else len(lines))
            if unclosed is not None:  # the quote swallowed the lines after it: YAML names where it noticed
                index, quote = unclosed
                self.problems.add(self.path, self.first_line + index, f"unparseable YAML: quote not closed (expected "
                                  f'a closing {quote} on this line, got none; for text of several lines use a "|" block)')
                return None
            explained = _explain(err, lines)
            what = explained or err.problem or err.context or "invalid YAML"
            if err.problem and err.context and err.context_mark and not explained:
                # libyaml names where the thing it was reading began: often the real mistake (an unclosed bracket)
                what += f" ({err.context}, line {self.mark_line(err.context_mark)})"
            self.problems.add(self.path, line, f"unparseable YAML: {what}")
            return None
        except yaml.YAMLError as err:
            self.problems.add(self.path, self.first_line, f"unparseable YAML: {' '.join(str(err).split())}")
            return None
        if root is not None and "&" in text and _ANCHOR_MARK.search(text) and _expanded_size(root, {}) > MAX_VALUES:
            self.problems.add(self.path, self.first_line, f"too many values once aliases are expanded (expected at "
                                                          f"most {MAX_VALUES:,}, got more, or an alias inside its "
                                                          f"own anchor)")
            return None
        if root is not None and "!" in text and _TAG_MARK.search(text):  # walking every node is slow; no "!", no tag
            for node in _tagged(root):
                self.report(node, f"unsupported YAML tag (expected a plain value, got {node.tag.replace(_STD, '!!')})")
        return root

    def comment_after(self, node: yaml.Node) -> bool:
        """Whether a plain scalar is followed on its line by ` #...`, which YAML drops as a comment."""
        if node.style or not isinstance(node, yaml.ScalarNode):
            return False
        return bool(_COMMENT_AFTER.match(self.text, node.end_mark.index))

    def fields(self, node: yaml.Node, where: str, table: dict[str, "Field"]) -> dict[str, Any] | None:
        """Check a mapping against its field table: unknown, duplicate and missing keys, then each value.

        Returns the parsed values of the fields that were present and valid (absent optional ones are left out),
        or None when the node is not a mapping at all.
        """
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{where or self.name}: wrong type (expected a mapping, got {got(node)})")
            return None
        if not isinstance(table, Table):
            table = Table(table)
        parsers = table.parsers
        values: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}  # key -> its first key node (its line is worked out only if repeated)
        prefix = f"{where}." if where else ""
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                self.report(key_node, f"{prefix}{key}: duplicate key (expected each key once, got {got(key_node)} "
                                      f"again; first at line {self.line(seen[key])})")
                continue
            parse = parsers.get(key)
            if parse is None:
                self.report(key_node, f"{where or self.name}: unknown key "
                                      f"(expected one of {table.known}, got {got(key_node)})")
                continue
            seen[key] = key_node
            try:
                values[key] = parse(self, value_node, prefix + key)
            except Invalid as err:
                self.report(err.node or value_node, f"{prefix}{key}: {err}")
        for key, expected in table.required:
            if key not in seen:
                self.report(node, f"{where or self.name}: missing key (expected {key}: {expected}, got no {key})")
        return values

    def items(self, node: yaml.Node) -> list[tuple[int, yaml.Node]]:
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
    schema: dict | None = None  # the same rule as JSON Schema, for editors (see schema.py)

    def parse(self, doc: Document, node: yaml.Node, where: str) -> Any:
        return self.parse_value(doc, node, where)


def scalar(node: yaml.Node, expected: str) -> str:
    """The raw text of a scalar node; Invalid for lists, mappings and empty values."""
    if not isinstance(node, yaml.ScalarNode) or (node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~")):
        raise Invalid(f"wrong type (expected {expected}, got {got(node)})")
    return node.value


MAX_LINK_SEARCH = 1_000_000  # characters Python-Markdown may scan looking for the ends of links: about a second
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_LINK_MARK = re.compile(r"\[|\]\(?|\(|\)")


def link_search(text: str) -> tuple[int, int]:
    """(characters scanned, unclosed brackets) for Python-Markdown's link patterns on `text`.

    For each "[" it scans to the matching "]", and for each "](" to the matching ")", or to the end of the
    paragraph when there is none: harmless in prose, but thousands of unclosed "[" take it minutes (the cost
    grows with their number times the paragraph's length). Counted without running it, so `check` can refuse
    what the build would choke on.
    """
    if "[" not in text:
        return 0, 0
    scanned = unclosed = 0
    for paragraph in _PARAGRAPH.split(text):
        brackets: list[int] = []
        parens: list[int] = []
        for mark in _LINK_MARK.finditer(paragraph):
            token, at = mark[0], mark.start()
            if token == "[":
                brackets.append(at)
            elif token[0] == "]" and brackets:
                scanned += at - brackets.pop()
            if token == "](" or (token == "(" and parens):
                parens.append(at)
            elif token == ")" and parens:
                scanned += at - parens.pop()
        ends = brackets + parens
        unclosed += len(brackets)
        scanned += sum(len(paragraph) - at for at in ends)
    return scanned, unclosed


def text_value(*, whole: bool = True, visible: bool = False) -> Callable[[Document, yaml.Node, str], str]:
    """A text field's parser. `whole`: a plain scalar followed by ` #...` is refused, since YAML drops that part
    as a comment; `visible`: invisible formatting characters are refused, so a title, name or ticket cannot
    read differently from what it says. Control characters (from YAML escapes such as "\\0") never pass."""

    def parse(doc: Document, node: yaml.Node, where: str) -> str:
        value = scalar(node, "text").strip()
        if not value:
            raise Invalid("empty (expected text, got nothing)")
        if whole and doc.comment_after(node):
            raise Invalid('text after " #" is a YAML comment and is dropped (expected the whole text: quote it or '
                          'use a "|" block)')
        control = _CONTROL.search(value) if node.style == '"' else None  # raw ones are refused before YAML
        if control:
            raise Invalid(f"control character (expected text, got {char_name(control[0])}; remove it)")
        markdown_problem(value)
        hidden = _INVISIBLE.search(value) if visible else None
        if hidden:
            raise Invalid(f"invisible formatting character (expected text that reads as it is written, got "
                          f"{char_name(hidden[0])}; remove it)")
        return value

    return parse


def markdown_problem(value: str) -> None:
    """Invalid when Markdown would take too long to render `value` (see link_search)."""
    scanned, unclosed = link_search(value)
    if scanned > MAX_LINK_SEARCH:
        raise Invalid(f'too many "[" without a matching "]" for Markdown to render in time (expected brackets in '
                      f'pairs, or "\\[" for a bracket of its own; got {unclosed:,} unclosed)')


text = text_value()  # long text: bodies, descriptions
line_text = text_value(visible=True)  # titles and names
ticket_text = text_value(whole=False, visible=True)  # an id-like value, often written `NOC-1  # a comment`


def translatable(parse_text: Callable[[Document, yaml.Node, str], str]) -> Callable[[Document, yaml.Node, str], Text]:
    """A text that may be given per language: plain text (the default language's), or a mapping of language code to
    text holding the default language's (`{en: Calls fail, fr: Les appels échouent}`), each text checked by
    `parse_text`. Gives a Text; the site's languages it lacks are kept in `doc.untranslated` for check's notes."""

    def parse(doc: Document, node: yaml.Node, where: str) -> Text:
        languages = doc.languages
        if not isinstance(node, yaml.MappingNode):
            value = Text(parse_text(doc, node, where))
            if len(languages) > 1:
                doc.untranslated.append((doc.line(node), where, languages[1:]))
            return value
        given = _in_languages(doc, node, where, parse_text)
        missing = tuple(lang for lang in languages[1:] if lang not in given)
        if missing and languages[0] in given:
            doc.untranslated.append((doc.line(node), where, missing))
        return Text(given.get(languages[0], ""), {lang: given[lang] for lang in languages[1:] if lang in given})

    return parse


def _in_languages(doc: Document, node: yaml.MappingNode, where: str, parse_text) -> dict[str, str]:
    """The texts of a mapping by language, each problem reported at its own line: a language the site does not
    have, one given twice, a text that is not one; Invalid (at the mapping) without the default language's."""
    languages, default = doc.languages, doc.languages[0]
    if not node.value:
        raise Invalid(f"empty (expected text, or a mapping of language: text with {default}, got an empty mapping)")
    given: dict[str, str] = {}
    seen: dict[str, int] = {}  # language -> line of its first text
    for key_node, value_node in node.value:
        lang = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if lang in seen:
            doc.report(key_node, f"{where}.{lang}: duplicate language (expected each language once, got "
                                 f"{got(key_node)} again; first at line {seen[lang]})")
            continue
        if lang not in languages:
            doc.report(key_node, f"{where}: unknown language ({names.expected(lang or '', languages)}, got "
                                 f"{got(key_node)})")
            continue
        seen[lang] = doc.line(key_node)
        try:
            given[lang] = parse_text(doc, value_node, f"{where}.{lang}")
        except Invalid as err:
            doc.report(err.node or value_node, f"{where}.{lang}: {err}")
    if default not in seen:
        raise Invalid(f"no text in the default language (expected {default}: and the text shown where there is "
                      f"none in the reader's language, got {' and '.join(seen) or 'no language of the site'})")
    return given


translatable_text = translatable(text)  # in the site's languages: bodies, descriptions
translatable_line = translatable(line_text)  # in the site's languages: titles and names


def slug(doc: Document, node: yaml.Node, where: str) -> str:
    value = scalar(node, "an id")
    if not SLUG.fullmatch(value):
        raise Invalid(f"not a valid id (expected lowercase letters, digits and single hyphens, got {got(node)})")
    return value


def slug_list(doc: Document, node: yaml.Node, where: str) -> tuple[tuple[str, int], ...]:
    """A list of ids, each with its line (so later checks can point at the right one)."""
    first_line: dict[str, int] = {}
    for _, item in doc.items(node):
        try:
            value = slug(doc, item, where)
            if value in first_line:
                raise Invalid(f"duplicate id (expected each id once, got {got(item)} again; "
                              f"first at line {first_line[value]})")
            first_line[value] = doc.line(item)
        except Invalid as err:
            doc.report(item, f"{where}: {err}")
    if not first_line and not node.value:
        raise Invalid("empty (expected at least one id, got an empty list)")
    return tuple(first_line.items())


def choice(values: tuple[str, ...], what: str) -> Callable[[Document, yaml.Node, str], str]:
    def parse(doc: Document, node: yaml.Node, where: str) -> str:
        value = scalar(node, f"one of {', '.join(values)}")
        if value not in values:
            raise Invalid(f"invalid {what} ({names.expected(value, values)}, got {got(node)})")
        return value

    return parse


class Table(dict):
    """A field table (key -> Field) compiled once: each key's parser, the required keys and the list of keys a
    message names, looked up for each mapping checked (a build of 10,000 incidents checks some 50,000) instead of
    worked out again. Document.fields compiles a plain dict on the spot."""

    def __init__(self, fields=(), **more):
        super().__init__(fields, **more)
        self.parsers = {key: field.parse_value for key, field in self.items()}
        self.required = tuple((key, field.expected) for key, field in self.items() if field.required)
        self.known = ", ".join(self)
