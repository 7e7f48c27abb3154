"""Posting from the command line: new incidents and maintenance, updates, resolutions, moved or cancelled windows.

Edits are surgical: a new update is inserted as text after the last one, in the style of the list it joins (block
or flow, its indentation, the file's line ends), and no other byte of the file changes: comments, key order,
quoting, the BOM and the Markdown summary stay as the author left them. A result that would not pass `statusgen
check` is refused with the check's messages and the file is left untouched; a write is atomic.
"""
from __future__ import annotations

import json
import re
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Callable

import yaml

from . import names
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; posts there do not wait for each other
    fcntl = None

from .errors import Problems, Refusal
from .files import write_whole
from .load import CATALOG_FILE, FRONT_MATTER_END, INCIDENTS_DIR, incident_files, load_catalog, load_incident
from .model import FINAL_STATES, Catalog, Site, chronological
from .report import shown
from .scaffold import SCHEMA_FOLDER, slugify
from .source import LOADER
from .texts import DEFAULT_LANGUAGES, LANGUAGE_CODE
from .times import given_time, humanize_duration

# --- times as authors type them ------------------------------------------------------------------------------

def when(text: str, now: datetime, tz: tzinfo, option: str = "") -> datetime:
    """A time from the command line, in the site's zone: ISO 8601 as in the files, or relative to `now`
    (times.given_time); Refusal naming `option` when it is not one."""
    try:
        return given_time(text, now, tz)
    except ValueError as err:
        raise Refusal(f"{option}: {err}" if option else str(err)) from None


def is_clock_time(text: str | None) -> bool:
    """Whether a typed time is a bare time of day (`15:20`), which promises read as the next one."""
    return bool(text) and bool(re.fullmatch(r"\s*\d{1,2}:\d{2}\s*", text))


def written(moment: datetime) -> str:
    """A time as the files hold it: ISO 8601 with its offset, to the second when it has seconds."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


# --- what a post says ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Post:
    """One update: what `new`, `update`, `resolve` and `maintenance` append."""

    at: datetime
    state: str
    body: str | dict[str, str]  # by language code, the default first, when given in several (Asked.text)
    statuses: dict[str, str] = field(default_factory=dict)
    next_update: datetime | None = None
    eta: datetime | None = None
    since: datetime | None = None  # when what it reports happened, if before `at` (service back at 15:20)

    def fields(self, flow: bool = False) -> list[tuple[str, str | Block]]:
        """(key, YAML value) in the order the README writes them; a body of several lines as a Block, unless the
        update goes into a flow list (`[{...}]`), where no block can stand."""
        pairs: list[tuple[str, str | Block]] = [("at", written(self.at)), ("state", self.state)]
        if self.statuses:
            pairs.append(("components", "{" + ", ".join(f"{k}: {v}" for k, v in self.statuses.items()) + "}"))
        if self.next_update:
            pairs.append(("next_update", written(self.next_update)))
        if self.eta:
            pairs.append(("eta", written(self.eta)))
        if self.since:
            pairs.append(("since", written(self.since)))
        pairs.append(("body", text_value(self.body, flow)))
        return pairs


def text_value(text: str | dict[str, str], flow: bool = False) -> str | Block | list[tuple[str, str | Block]]:
    """How a text is written: one line double-quoted, several as a Block (not in a flow list, where no block can
    stand); in several languages, (language, that) for each, which entry_lines writes as a mapping."""
    if isinstance(text, dict):
        return [(lang, text_value(words, flow)) for lang, words in text.items()]
    text = text.strip()
    return Block(text) if "\n" in text and not flow and Block.holds(text) else _quoted(text)


def default_text(text: str | dict[str, str]) -> str:
    """The default language's words of a text typed in one language or several."""
    return next(iter(text.values())) if isinstance(text, dict) else text


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's, which YAML reads back exactly."""
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class Block:
    """Text of several lines, written as a literal block (`body: |-` and the lines below, indented) so that it
    reads in the file as it will on the page."""

    text: str

    def lines(self, indent: int) -> list[str]:
        """`|-` (keep every line, no final line break), then each line `indent` spaces in (empty lines empty)."""
        return ["|-"] + [" " * indent + line if line else "" for line in self.text.split("\n")]

    @staticmethod
    def holds(text: str) -> bool:
        """Whether a literal block gives back exactly `text` (not a line of spaces alone, nor a character YAML
        would have to escape): tried by reading one back, rather than by a list of YAML's rules."""
        written = "body: " + "\n".join(Block(text).lines(2)) + "\n"
        try:
            return yaml.load(written, Loader=LOADER) == {"body": text}
        except yaml.YAMLError:
            return False


def entry_lines(pairs: list[tuple[str, str | Block]], key_indent: int, first_indented: bool = False) -> list[str]:
    """An update's lines, each key `key_indent` spaces in and a block's lines two more; the first line without its
    indentation, for the list's dash to go before it (with `first_indented`, as it is: a text's languages below its
    key)."""
    lines = []
    for key, value in pairs:
        if isinstance(value, Block):
            first, *rest = value.lines(key_indent + 2)
            lines += [" " * key_indent + f"{key}: {first}", *rest]
        elif isinstance(value, list):  # by language: a mapping below the key
            lines += [" " * key_indent + f"{key}:", *entry_lines(value, key_indent + 2, first_indented=True)]
        else:
            lines.append(" " * key_indent + f"{key}: {value}")
    if not first_indented:
        lines[0] = lines[0][key_indent:]
    return lines


def statuses(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--status phone=major_outage` options as a mapping; Refusal for one without `=`."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise Refusal(f"--status: not component=status (expected e.g. phone=major_outage, got {pair!r})")
        result[key.strip()] = value.strip()
    return result


@dataclass
class Asked:
    """What was typed for services, areas, statuses and states, turned into the ids and values the files hold:
    an id or a name, case and spacing ignored (`--status "Fiber internet=Major outage"`). Each mistake is kept
    as one line naming its option, with the valid ids, the closest first; `done` refuses them all at once."""

    catalog: Catalog | None  # None when the catalog is too broken to match against: the check then says why
    mistakes: list[str] = field(default_factory=list)

    def statuses(self, pairs: dict[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
        """`--status` pairs (statuses(...)) with each service and status as the file writes it."""
        result = {}
        for service, status in pairs.items():
            ident = self.service(service)
            value = self.choice("--status", status, allowed, "status", f"{service}={status}")
            if ident and value:
                result[ident] = value
        return result

    def service(self, text: str) -> str | None:
        if self.catalog is None:
            return text
        return self._one("--status", text, _named(self.catalog.components), "service", text)

    def areas(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        if self.catalog is None:
            return texts
        entries = _named(self.catalog.areas)
        found = [self._one("--area", text, entries, "area", text) for text in texts]
        return tuple(dict.fromkeys(ident for ident in found if ident))  # one area named twice is named once

    def choice(self, option: str, text: str | None, values: tuple[str, ...], what: str,
               shown: str | None = None) -> str | None:
        """One of `values` (a state, a status, an impact), case and spacing ignored; None for nothing given."""
        if not text:
            return None
        return self._one(option, text, [(v, v) for v in values], what, shown or text, invalid=True)

    def _one(self, option: str, text: str, entries: list[tuple[str, str]], what: str, shown: str,
             invalid: bool = False) -> str | None:
        found = names.match(text, entries)
        if len(found) == 1:
            return found[0]
        wrong = f"{what} named by more than one id" if found else f"{'invalid' if invalid else 'unknown'} {what}"
        where = option if shown == text else f"{option} {shown}"  # a status: which --status pair
        among = [entry for entry in entries if entry[0] in found] or entries
        self.mistakes.append(f"{where}: {wrong} ({names.expected(text, among)}, got {_quoted(text)})")
        return None

    def text(self, option: str, values: tuple[str, ...], languages: tuple[str, ...],
             paragraphs: bool = True) -> str | dict[str, str] | None:
        """A text typed with a repeatable option (`-m`, `--title`): `TEXT` in the default language, `LANG=TEXT` in
        another of the site's; with `paragraphs` the same language repeated gives paragraphs (as git commit -m
        does), else it is a mistake. The text itself when only the default language's is given, else a dict by
        language in the site's order; None for none."""
        given: dict[str, list[str]] = {}
        for value in values:
            lang, words = _language_prefix(value, languages)
            if lang is not None and lang not in languages:
                self.mistakes.append(f"{option}: unknown language ({names.expected(lang, languages)}, got "
                                     f"{_quoted(lang)}; a text that starts so is given as {option} "
                                     f"{languages[0]}={value})")
                continue
            given.setdefault(lang or languages[0], []).append(words)
        if not given:
            return None
        if languages[0] not in given:
            self.mistakes.append(f"{option}: no text in the default language (expected {option} TEXT or {option} "
                                 f"{languages[0]}=TEXT, got only {', '.join(given)})")
            return None
        twice = [lang for lang, texts in given.items() if len(texts) > 1]
        if twice and not paragraphs:
            self.mistakes.append(f"{option}: given twice in {twice[0]} (expected one {option} per language, got "
                                 f"{len(given[twice[0]])})")
            return None
        joined = {lang: "\n\n".join(given[lang]) for lang in languages if lang in given}
        return joined[languages[0]] if len(joined) == 1 else joined

    def done(self) -> None:
        """Refusal listing every mistake, when there was one."""
        if self.mistakes:
            raise Refusal("\n".join(self.mistakes))


def _named(entries) -> list[tuple[str, str]]:
    """(id, name) of catalog entries, a name in each of the site's languages: typed in any of them, it is found."""
    return [(entry.id, name) for entry in entries
            for name in dict.fromkeys((entry.name, *getattr(entry.name, "translations", {}).values()))]


_PREFIX = re.compile(r"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)=(.*)", re.S)


def _language_prefix(value: str, languages: tuple[str, ...]) -> tuple[str | None, str]:
    """(language, words) of a typed text on a site of several languages: `fr=Les appels` gives ("fr", "Les
    appels"); a prefix that looks like a language code but is none of the site's (`de=` where the site has en and
    fr) is returned too, for the caller to refuse. (None, value) for text without one, and on a one-language site,
    where a text is read as it always was."""
    found = _PREFIX.fullmatch(value) if len(languages) > 1 else None
    if found is None or (found[1] not in languages and not LANGUAGE_CODE.fullmatch(found[1])):
        return None, value
    return found[1], found[2]


# --- the files -----------------------------------------------------------------------------------------------

@dataclass
class Source:
    """An incident file's bytes as the author left them, and where its front matter is."""

    path: Path
    text: str  # decoded, BOM and line ends kept
    newline: str

    @classmethod
    def read(cls, path: Path) -> "Source":
        text = path.read_bytes().decode("utf-8")
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(path, text, newline)

    def front_matter(self) -> tuple[int, str]:
        """(offset of the front matter in `text`, its text)."""
        start = self.text.index("\n") + 1
        end = FRONT_MATTER_END.search(self.text, start)
        if end is None:
            raise Refusal(f"{self.path}: front matter not closed (expected a line \"---\" after it)")
        return start, self.text[start:end.start()]

    def kind(self) -> str:
        """`maintenance` for a file that declares it, else `incident`."""
        kind = _value(self.root()[1], "kind")
        return "maintenance" if getattr(kind, "value", None) == "maintenance" else "incident"

    def closing_state(self) -> str:
        """The state that ends it: `completed` for maintenance, else `resolved`."""
        return "completed" if self.kind() == "maintenance" else "resolved"

    def current_state(self) -> str | None:
        """The state its last update gave (what `update` without --state keeps), or None when it cannot tell."""
        updates = _value(self.root()[1], "updates")
        last = updates.value[-1] if isinstance(updates, yaml.SequenceNode) and updates.value else None
        state = _value(last, "state") if isinstance(last, yaml.MappingNode) else None
        return state.value if isinstance(state, yaml.ScalarNode) and state.value else None

    def root(self) -> tuple[int, yaml.MappingNode]:
        offset, front = self.front_matter()
        try:
            root = yaml.compose(front, Loader=LOADER)
        except yaml.YAMLError:
            raise Refusal(f"{self.path}: the front matter is not valid YAML (run statusgen check to see where)") from None
        if not isinstance(root, yaml.MappingNode):
            raise Refusal(f"{self.path}: the front matter is not a mapping (run statusgen check)")
        return offset, root


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if getattr(k, "value", None) == key), None)


def _end_of(node: yaml.Node) -> int:
    """Where a node's own text ends: its last value's end (a block collection's end mark lies past any blank
    lines and comments that follow it)."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    """The index just after the line break ending the line that holds `index`."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def append_update(source: Source, post: Post) -> str:
    """The file's text with `post` added after its last update, every other byte as it was."""
    offset, root = source.root()
    updates = _value(root, "updates")
    if not isinstance(updates, yaml.SequenceNode) or not updates.value:
        raise Refusal(f"{source.path}: no list of updates to add to (run statusgen check)")
    if updates.flow_style:
        close = offset + updates.end_mark.index - 1  # the "]"
        item = "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in post.fields(flow=True)) + "}"
        return source.text[:close] + ", " + item + source.text[close:]
    last = updates.value[-1]
    if not isinstance(last, yaml.MappingNode) or last.flow_style:
        dash, key = updates.start_mark.column, updates.start_mark.column + 2
    else:
        dash, key = updates.start_mark.column, last.start_mark.column
    end = offset + _end_of(last)
    if source.text[end - 1:end] != "\n":  # a plain or quoted last value: the new item starts on the next line
        end = _line_end(source.text, end)
    first, *rest = entry_lines(post.fields(), key)
    lines = [" " * dash + "-" + " " * (key - dash - 1) + first, *rest]
    block = source.newline.join(lines) + source.newline
    if end > 0 and source.text[end - 1] != "\n":
        block = source.newline + block
    return source.text[:end] + block + source.text[end:]


def _flow(value: str | list[tuple[str, str]]) -> str:
    """A value in a flow mapping: texts by language as one more (`{en: "...", fr: "..."}`)."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in value) + "}" if isinstance(value, list) else value


def replace_value(source: Source, text: str, keys: tuple[str, ...], value: str) -> str:
    """`text` (the file's) with the scalar at `keys` (e.g. window, start) replaced by `value`."""
    offset, root = Source(source.path, text, source.newline).root()
    node = root
    for key in keys:
        node = _value(node, key) if isinstance(node, yaml.MappingNode) else None
    if not isinstance(node, yaml.ScalarNode):
        raise Refusal(f"{source.path}: no {'.'.join(keys)} to change")
    start, end = offset + node.start_mark.index, offset + node.end_mark.index
    return text[:start] + value + text[end:]


def new_file(title: str | dict[str, str], post: Post, *, kind: str = "incident", areas: tuple[str, ...] = (),
             impact: str | None = None, ticket: str | None = None, window: tuple[datetime, datetime] | None = None,
             schema: str | None = None, started: datetime | None = None) -> str:
    """A new incident or maintenance file with its first update; `schema`: the relative path of the JSON Schema
    an editor checks its front matter with."""
    lines = ["---"] + ([f"# yaml-language-server: $schema={schema}"] if schema else [])
    if isinstance(title, dict):  # by language, the default first
        lines += ["title:", *(f"  {lang}: {_quoted(words.strip())}" for lang, words in title.items())]
    else:
        lines.append(f"title: {json.dumps(title.strip(), ensure_ascii=False)}")
    if kind != "incident":
        lines.append(f"kind: {kind}")
    if impact:
        lines.append(f"impact: {impact}")
    lines.append("components:")
    lines += [f"  {k}: {v}" for k, v in post.statuses.items()]
    if areas:
        lines.append(f"areas: [{', '.join(areas)}]")
    if ticket:
        lines.append(f"ticket: {json.dumps(ticket.strip(), ensure_ascii=False)}")
    if window:
        lines.append(f"window: {{start: {written(window[0])}, end: {written(window[1])}}}")
    if started:
        lines.append(f"started: {written(started)}")
    first = Post(at=post.at, state=post.state, body=post.body, next_update=post.next_update, eta=post.eta)
    head, *rest = entry_lines(first.fields(), 4)
    lines += ["updates:", f"  - {head}", *rest]
    lines.append("---")
    return "\n".join(lines) + "\n"


def schema_link(content: Path, path: Path) -> str | None:
    """The incident schema `statusgen init` put in the site, relative to a file at `path`, if it is there."""
    found = content.parent / SCHEMA_FOLDER / "incident.schema.json"
    return os.path.relpath(found, path.parent) if found.is_file() else None


def new_path(content: Path, title: str | dict[str, str], day: date) -> Path:
    """content/incidents/YYYY-MM-DD-slug.md from the title (the default language's), never an existing file."""
    title = default_text(title)
    folder = content / INCIDENTS_DIR
    base = f"{day.isoformat()}-{short_slug(title) or 'incident'}"
    taken = {p.name[:-3] for p in incident_files(content)}
    name, n = base, 2
    while name in taken or (folder / f"{name}.md").exists():
        name, n = f"{base}-{n}", n + 1
    return folder / f"{name}.md"


SLUG_LENGTH = 60  # characters of a title kept in a new file's name
SUGGESTED = 300  # incidents, newest first, an unknown id is compared with


def short_slug(title: str, most: int = SLUG_LENGTH) -> str:
    """The title as an id, cut at the last word boundary within `most` characters (a single longer word is cut)."""
    slug = slugify(title)
    if len(slug) <= most:
        return slug
    cut = slug[: most + 1].rpartition("-")[0]  # a hyphen just past the limit still ends a whole word
    return cut or slug[:most]


def find(content: Path, ident: str) -> Path:
    """The file of incident `ident` (its id, or a path to it); Refusal with the ids, the closest first."""
    as_path = Path(ident)
    if as_path.suffix == ".md" and as_path.is_file():
        return as_path
    files = incident_files(content)
    for path in files:
        if path.name[:-3] == ident:
            return path
    # The newest are the likely ones (open, or just closed), and comparing with thousands would take seconds.
    newest_first = [path.name[:-3] for path in reversed(files)][:SUGGESTED]
    known = names.expected(ident, newest_first) if files else "expected the id of an incident, but there are none"
    raise Refusal(f"unknown incident in {shown(content / INCIDENTS_DIR, content.parent)} ({known}, got {_quoted(ident)})")


def validate(path: Path, text: str, content: Path, tz: tzinfo,
             languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> None:
    """ContentError (with the check's messages, at the file's own path) when `text` would not pass check."""
    problems = Problems()
    catalog = load_catalog(content / CATALOG_FILE, problems, languages=languages)
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch, path.name)
        trial.write_bytes(text.encode("utf-8"))
        load_incident(trial, catalog, tz, problems, languages=languages)
    problems.items = [p.__class__(str(path) if p.path == str(trial) else p.path, p.line, p.message)
                      for p in problems.items]
    problems.raise_if_any()


# --- two hands at once ---------------------------------------------------------------------------------------

LOCK_WAIT = 60.0  # seconds a post waits for another one to the same site before it gives up


@contextmanager
def posting_lock(content: Path, waiting: Callable[[], None] = lambda: None, wait: float = LOCK_WAIT):
    """Hold the site's posting lock while a post reads, checks and writes: two posts at once (a script and a
    person, two terminals) take turns, so neither writes over what the other just added. The lock is on the
    content folder itself (flock, dropped by the system when the process ends, however it ends): no lock file is
    left to show up in `git status`. `waiting()` is called once if another post holds it; Refusal after `wait`
    seconds."""
    fd = os.open(content, os.O_RDONLY)
    try:
        if fcntl is not None:
            _take(fd, content, waiting, wait)
        yield
    finally:
        os.close(fd)  # closing drops the flock


def _take(fd: int, content: Path, waiting: Callable[[], None], wait: float) -> None:
    deadline = None
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if deadline is None:
                waiting()
                deadline = time.monotonic() + wait
            elif time.monotonic() > deadline:
                raise Refusal(f"{content}: another statusgen command has been posting to this site for "
                              f"{wait:g} s (a push waiting for a password?); try again once it is done") from None
            time.sleep(0.02)


def create(path: Path, text: str, tries: int = 100) -> Path:
    """Write a new file at `path`, or at the first free name after it (`-2`, `-3`... before `.md`) if that one is
    taken by the time it is written: the name is claimed and the whole text appears in one step (a hard link of a
    finished scratch file, which fails if the name exists; O_CREAT|O_EXCL where links are not possible), so a new
    file is never written over another and never seen half written. Returns the path written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(text.encode("utf-8"))
        os.chmod(scratch, 0o666 & ~_umask())
        for n in range(1, tries + 1):
            target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            if _claim(Path(scratch), target, text):
                return target
    finally:
        Path(scratch).unlink(missing_ok=True)
    raise Refusal(f"{path}: this name and the next {tries - 1} are taken (expected a free file name; give another "
                  f"--title)")


def _claim(scratch: Path, target: Path, text: str) -> bool:
    """Give `target` the scratch file's text if no file has that name; False if one has."""
    try:
        os.link(scratch, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: claim the name empty, then put the text in place
        pass
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        return False
    write(target, text)
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write(path: Path, text: str) -> None:
    """Replace the file in one step: a reader (or a crash) sees the old file or the new one, never a part."""
    write_whole(path, text.encode("utf-8"), prefix=f".{path.name}.", keep_mode=True)


def open_and_upcoming(site: Site, now: datetime) -> list[str]:
    """`statusgen list`: what is open, what is upcoming, and which promised updates are due or overdue."""
    tz = site.timezone
    lines = []

    def local(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")

    for incident in sorted(site.incidents, key=chronological):
        shown = incident.updates_until(now)
        if not shown or shown[-1].state in FINAL_STATES:
            continue
        last = shown[-1]
        if incident.is_maintenance and incident.window and incident.window.start > now:
            lines.append(f"upcoming  {incident.id}  {incident.title}  (starts {local(incident.window.start)}, "
                         f"ends {local(incident.window.end)})")
            continue
        what = "maintenance" if incident.is_maintenance else "open"
        line = f"{what:<9} {incident.id}  {incident.title}  ({last.state} since {local(last.at)}"
        if last.next_update:
            late = now - last.next_update
            line += (f"; next update OVERDUE by {humanize_duration(late)}, promised by {local(last.next_update)}"
                     if late > timedelta(0) else f"; next update due by {local(last.next_update)}")
        eta = None if incident.is_maintenance else incident.eta_after(last)
        if eta:
            late = now - eta
            line += (f"; ETA PASSED {humanize_duration(late)} ago, expected by {local(eta)}" if late > timedelta(0)
                     else f"; ETA {local(eta)}")
        lines.append(line + ")")
    return lines
