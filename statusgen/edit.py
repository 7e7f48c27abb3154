"""Posting from the command line: new incidents and maintenance, updates, resolutions, moved or cancelled windows.

Edits are surgical: a new update is inserted as text after the last one, in the style of the list it joins (block
or flow, its indentation, the file's line ends), and no other byte of the file changes: comments, key order,
quoting, the BOM and the Markdown summary stay as the author left them. A result that would not pass `statusgen
check` is refused with the check's messages and the file is left untouched; a write is atomic.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Callable

import yaml

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; posts there do not wait for each other
    fcntl = None

from .errors import Problems, Refusal
from .load import CATALOG_FILE, FRONT_MATTER_END, INCIDENTS_DIR, incident_files, load_catalog, load_incident
from .model import FINAL_STATES, Site, chronological
from .report import shown
from .scaffold import SCHEMA_FOLDER, slugify
from .source import LOADER
from .times import TIME_FORMAT, parse_time

RELATIVE_HELP = f"{TIME_FORMAT}, or relative: now, +30m, +2h, in 2h, +1d, tomorrow 06:00"
_OFFSET = re.compile(r"(?:\+|in\s+)(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)", re.IGNORECASE)
_CLOCK = re.compile(r"(today|tomorrow)\s+(\d{1,2}):(\d{2})", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}


# --- times as authors type them ------------------------------------------------------------------------------

def when(text: str, now: datetime, tz: tzinfo) -> datetime:
    """A time from the command line, in the site's zone: ISO 8601 as in the files, or relative to `now`."""
    text = text.strip()
    if text.lower() == "now":
        return now.astimezone(tz)
    offset = _OFFSET.fullmatch(text)
    if offset:  # elapsed time: across a change of clocks, +2h is two hours later, whatever the wall clock says
        amount, unit = int(offset[1]), _UNIT[offset[2][0].lower()]
        return (now + timedelta(**{unit: amount})).astimezone(tz)
    clock = _CLOCK.fullmatch(text)
    if clock:  # a wall-clock time in the site's zone
        day = now.astimezone(tz).date() + timedelta(days=clock[1].lower() == "tomorrow")
        return parse_time(f"{day.isoformat()} {int(clock[2]):02d}:{clock[3]}", tz)
    try:
        return parse_time(text, tz)
    except ValueError as err:
        raise Refusal(f"{err} (or relative: now, +30m, +2h, in 2h, tomorrow 06:00)") from None


def written(moment: datetime) -> str:
    """A time as the files hold it: ISO 8601 with its offset, to the second when it has seconds."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


# --- what a post says ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Post:
    """One update: what `new`, `update`, `resolve` and `maintenance` append."""

    at: datetime
    state: str
    body: str
    statuses: dict[str, str] = field(default_factory=dict)
    next_update: datetime | None = None
    eta: datetime | None = None

    def fields(self) -> list[tuple[str, str]]:
        """(key, YAML value) in the order the README writes them."""
        pairs = [("at", written(self.at)), ("state", self.state)]
        if self.statuses:
            pairs.append(("components", "{" + ", ".join(f"{k}: {v}" for k, v in self.statuses.items()) + "}"))
        if self.next_update:
            pairs.append(("next_update", written(self.next_update)))
        if self.eta:
            pairs.append(("eta", written(self.eta)))
        pairs.append(("body", json.dumps(self.body.strip(), ensure_ascii=False)))
        return pairs


def statuses(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--status phone=major_outage` options as a mapping; Refusal for one without `=`."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise Refusal(f"--status: not component=status (expected e.g. phone=major_outage, got {pair!r})")
        result[key.strip()] = value.strip()
    return result


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

    def closing_state(self) -> str:
        """The state that ends it: `completed` for a file that declares `kind: maintenance`, else `resolved`."""
        kind = _value(self.root()[1], "kind")
        return "completed" if getattr(kind, "value", None) == "maintenance" else "resolved"

    def root(self) -> tuple[int, yaml.MappingNode]:
        offset, front = self.front_matter()
        root = yaml.compose(front, Loader=LOADER)
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
    pairs = post.fields()
    if updates.flow_style:
        close = offset + updates.end_mark.index - 1  # the "]"
        item = "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        return source.text[:close] + ", " + item + source.text[close:]
    last = updates.value[-1]
    if not isinstance(last, yaml.MappingNode) or last.flow_style:
        dash, key = updates.start_mark.column, updates.start_mark.column + 2
    else:
        dash, key = updates.start_mark.column, last.start_mark.column
    end = offset + _end_of(last)
    if source.text[end - 1:end] != "\n":  # a plain or quoted last value: the new item starts on the next line
        end = _line_end(source.text, end)
    lines = [" " * dash + "-" + " " * (key - dash - 1) + f"{pairs[0][0]}: {pairs[0][1]}"]
    lines += [" " * key + f"{k}: {v}" for k, v in pairs[1:]]
    block = source.newline.join(lines) + source.newline
    if end > 0 and source.text[end - 1] != "\n":
        block = source.newline + block
    return source.text[:end] + block + source.text[end:]


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


def new_file(title: str, post: Post, *, kind: str = "incident", areas: tuple[str, ...] = (), impact: str | None = None,
             ticket: str | None = None, window: tuple[datetime, datetime] | None = None,
             schema: str | None = None) -> str:
    """A new incident or maintenance file with its first update; `schema`: the relative path of the JSON Schema
    an editor checks its front matter with."""
    lines = ["---"] + ([f"# yaml-language-server: $schema={schema}"] if schema else [])
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
    first = Post(at=post.at, state=post.state, body=post.body, next_update=post.next_update, eta=post.eta)
    pairs = first.fields()
    lines.append("updates:")
    lines.append(f"  - {pairs[0][0]}: {pairs[0][1]}")
    lines += [f"    {k}: {v}" for k, v in pairs[1:]]
    lines.append("---")
    return "\n".join(lines) + "\n"


def schema_link(content: Path, path: Path) -> str | None:
    """The incident schema `statusgen init` put in the site, relative to a file at `path`, if it is there."""
    found = content.parent / SCHEMA_FOLDER / "incident.schema.json"
    return os.path.relpath(found, path.parent) if found.is_file() else None


def new_path(content: Path, title: str, day: date) -> Path:
    """content/incidents/YYYY-MM-DD-slug.md from the title, never an existing file."""
    folder = content / INCIDENTS_DIR
    base = f"{day.isoformat()}-{slugify(title)[:60].strip('-') or 'incident'}"
    taken = {p.name[:-3] for p in incident_files(content)}
    name, n = base, 2
    while name in taken or (folder / f"{name}.md").exists():
        name, n = f"{base}-{n}", n + 1
    return folder / f"{name}.md"


def find(content: Path, ident: str) -> Path:
    """The file of incident `ident` (its id, or a path to it)."""
    as_path = Path(ident)
    if as_path.suffix == ".md" and as_path.is_file():
        return as_path
    for path in incident_files(content):
        if path.name[:-3] == ident:
            return path
    raise Refusal(f"no incident {ident!r} (expected the id of a file in {shown(content / INCIDENTS_DIR, Path.cwd())}, "
                  f"as `statusgen list` shows)")


def validate(path: Path, text: str, content: Path, tz: tzinfo) -> None:
    """ContentError (with the check's messages, at the file's own path) when `text` would not pass check."""
    problems = Problems()
    catalog = load_catalog(content / CATALOG_FILE, problems)
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch, path.name)
        trial.write_bytes(text.encode("utf-8"))
        load_incident(trial, catalog, tz, problems)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(text.encode("utf-8"))
        if path.exists():
            os.chmod(scratch, path.stat().st_mode & 0o7777)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


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
            line += (f"; next update OVERDUE by {int(late.total_seconds() // 60)} min, promised by "
                     f"{local(last.next_update)}" if late.total_seconds() > 0 else
                     f"; next update due by {local(last.next_update)}")
        lines.append(line + ")")
    return lines
