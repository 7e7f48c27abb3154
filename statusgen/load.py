"""Files -> model: the catalog and every incident, validated strictly, every problem collected in one run."""
from __future__ import annotations

import json
import os
import pickle
import re
import sys
from functools import lru_cache
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, Callable

import yaml

from . import names, processes, source
from .cache import IncidentStore, code_version, digest, no_gc
from .errors import Problems
from .fields import CATALOG, incident_tables
from .model import (FINAL_STATES, IMPACTS, KINDS, STATES, STATUSES, Area, Catalog, Component, Group, Incident, Site,
                    Update, Window, chronological, implied_impact)
from .source import (Document, Field, Invalid, choice, got, scalar, slug, slug_list, ticket_text, translatable_line,
                     translatable_text)
from .texts import DEFAULT_LANGUAGES, Text, language_name
from .times import DATE_FORMAT, TIME_FORMAT, parse_date, parse_time, zone

CATALOG_FILE = "components.yml"
INCIDENTS_DIR = "incidents"
_INCIDENT_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)\.md", re.ASCII)
# A front matter's closing line; `\r?` for callers that keep the author's CRLF line ends (edit.py).
FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.M)


def _quoted(value: str) -> str:
    """An id or name as messages show what authors wrote: in double quotes, like `got`."""
    return json.dumps(value, ensure_ascii=False)


# --- the catalog ---------------------------------------------------------------------------------------------

def load_catalog(path: Path, problems: Problems, site_folder: Path | None = None,
                 languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Catalog | None:
    """The catalog, or None when it is too broken to check incidents against (problems are reported). `languages`:
    the site's, the default first (names and descriptions may be given in each)."""
    doc = Document(str(path), problems, name="catalog", languages=languages)
    if not path.is_file() and not path.is_symlink():
        problems.add(path, 1, f"missing catalog (expected the file {CATALOG_FILE}, got none)")
        return None
    content = _read(path, site_folder, problems)
    if content is None:
        return None
    before = len(problems.items)
    root = doc.compose(content)
    if root is None:
        if len(problems.items) == before:
            problems.add(path, 1, "empty catalog (expected areas and components, got an empty file)")
        return None
    values = doc.fields(root, "", CATALOG)
    if values is None:
        return None
    areas = [Area(id=f["id"], name=f.get("name", f["id"]), description=f.get("description"))
             for _, f, _ in _unique_items(doc, values.get("areas", []), "areas", "area")]
    groups = [Group(id=f["id"], name=f.get("name", f["id"]), description=f.get("description"))
              for _, f, _ in _unique_items(doc, values.get("groups", []), "groups", "group")]
    area_ids = tuple(a.id for a in areas)
    areas_named = [(a.id, a.name) for a in areas]
    group_ids = tuple(g.id for g in groups)
    known_areas = set(area_ids)
    components = []
    for i, fields, node in _unique_items(doc, values.get("components", []), "components", "component"):
        group = fields.get("group")
        if group is not None and group not in group_ids:
            expected = names.expected(group, group_ids) if group_ids else "expected the id of a group listed under groups"
            doc.report(_value_node(node, "group"), f"components[{i}].group: unknown group "
                                                   f"({expected}, got {_quoted(group)})")
        offered = []
        for area, line in fields.get("areas", ()):
            if area in known_areas:
                offered.append(area)
            elif area_ids:  # no areas at all is reported once, where they are missing
                problems.add(path, line, f"components[{i}].areas: unknown area "
                                         f"({names.expected(area, areas_named)}, got {_quoted(area)})")
        components.append(Component(
            id=fields["id"], name=fields.get("name", fields["id"]), group=group, description=fields.get("description"),
            areas=tuple(offered) if "areas" in fields else area_ids, sla=fields.get("sla"), since=fields.get("since")))
    return Catalog(areas=tuple(areas), groups=tuple(groups), components=tuple(components), path=str(path),
                   languages=languages, untranslated=tuple(doc.untranslated))


def _unique_items(doc: Document, items, where: str, what: str):
    """The list items that have a valid id, each id once; a repeated id is reported at the repeat.

    Items with other problems are kept (their problems are already reported), so that references to them do
    not add a second, misleading "unknown" problem.
    """
    first_line: dict[str, int] = {}
    for i, fields, node in items:
        if fields is None or "id" not in fields:
            continue
        ident = fields["id"]
        id_node = _value_node(node, "id")
        if ident in first_line:
            doc.report(id_node, f"{where}[{i}].id: duplicate id (expected each {what} id once, got {got(id_node)} "
                                f"again; first at line {first_line[ident]})")
            continue
        first_line[ident] = doc.line(id_node)
        yield i, fields, node


def _value_node(mapping: yaml.MappingNode, key: str) -> yaml.Node:
    for key_node, value_node in mapping.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return mapping


# --- incidents -----------------------------------------------------------------------------------------------

def split_front_matter(content: str, doc: Document) -> tuple[str, str, int] | None:
    """(front matter, body, first line of the body) or None with a problem reported."""
    first = content.split("\n", 1)[0]
    if first.rstrip() != "---":
        shown = _quoted(first[:40]) if content else "an empty file"
        doc.problems.add(doc.path, 1, f'missing front matter (expected a first line "---", got {shown})')
        return None
    rest = content[len(first) + 1:]
    end = FRONT_MATTER_END.search(rest)
    if end is None:
        doc.problems.add(doc.path, 1, 'front matter not closed (expected a line "---" after it, '
                                      'got the end of the file)')
        return None
    body_start = rest.find("\n", end.end())
    body = rest[body_start + 1:] if body_start >= 0 else ""
    return rest[: end.start()], body, 2 + rest[: end.end()].count("\n") + 1


def _read(path: Path, site_folder: Path | None, problems: Problems) -> str | None:
    """A content file's text, or None with the reason reported: a link to outside the site folder is never
    read (its text could be a secret, echoed in messages and CI logs)."""
    if site_folder is not None and path.is_symlink() and not _inside(path, site_folder):
        problems.add(path, 1, "a link to a file outside the site folder (expected a file inside it; "
                              "it was not read)")
        return None
    try:
        content = source.read_text(path)
    except Invalid as err:
        problems.add(path, err.line or 1, str(err))
        return None
    problems.file_lines(path, content)
    return content


def _inside(path: Path, folder: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real == folder or folder in real.parents


def _file_name(path: Path, problems: Problems) -> date | None:
    """The date a file name starts with; problems with the name reported at line 1."""
    name = _INCIDENT_NAME.fullmatch(path.name)
    if name is None:
        problems.add(path, 1, f"file name: not an incident file name (expected YYYY-MM-DD-slug.md, "
                              f"got {_quoted(path.name)})")
        return None
    opened = None
    try:
        opened = parse_date(name["date"])
    except ValueError:
        problems.add(path, 1, f"file name: not a real date (expected YYYY-MM-DD-slug.md with a real date, "
                              f"got {_quoted(name['date'])})")
    if not source.SLUG.fullmatch(name["slug"]):
        problems.add(path, 1, f"file name: not a valid id (expected lowercase letters, digits and single hyphens "
                              f"after the date, got {_quoted(name['slug'])})")
    return opened


def _kind(root: yaml.Node) -> str | None:
    """The kind the front matter declares: incident by default, None when it names no known kind."""
    if not isinstance(root, yaml.MappingNode):
        return "incident"
    node = _value_node(root, "kind")
    if node is root:
        return "incident"
    value = getattr(node, "value", None)
    return value if value in KINDS else None


def load_incident(path: Path, catalog: Catalog | None, tz: tzinfo, problems: Problems,
                  site_folder: Path | None = None, store: IncidentStore | None = None,
                  languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Incident | None:
    """One incident or maintenance file, or None with its problems reported. `store`: incidents validated by an
    earlier run, found here by their file's text (a file unchanged by its stat is found by _load_all, before it
    comes here). `languages`: the site's, the default first (its texts may be given in each)."""
    before = len(problems.items)
    signature = store.stat(path) if store is not None else None  # kept with what is stored
    opened = _file_name(path, problems)
    doc = Document(str(path), problems, languages=languages)
    content = _read(path, site_folder, problems)
    if content is None:
        return None
    text_hash = digest(content)
    known = store.get(path, text_hash, signature) if store is not None else None
    if known is not None and len(problems.items) == before:
        return known
    parts = split_front_matter(content, doc)
    if parts is None:
        return None
    front, summary, summary_line = parts
    for line, message in source.control_characters(summary, summary_line):
        problems.add(path, line, f"summary: {message}")
    try:
        source.markdown_problem(summary)
    except Invalid as err:
        problems.add(path, summary_line, f"summary: {err}")
    review = _review(doc, summary, summary_line)
    doc.first_line = 2
    root = doc.compose(front)
    if root is None:
        if len(problems.items) == before:
            problems.add(path, 1, "empty front matter (expected title, components and updates, got nothing)")
        return None
    kind = _kind(root)
    values = doc.fields(root, "", incident_tables(tz, kind))
    clean = values is not None and len(problems.items) == before
    _check_references(doc, root, values or {}, catalog, kind)
    if not clean or catalog is None or len(problems.items) > before:
        return None
    lines = [doc.line(_value_node(node, "at")) for _, _, node in _updates(values)]
    item = _build(values, catalog, kind, summary=review, opened=opened, ident=path.name[:-3], path=str(path),
                  digest=text_hash, lines=lines, untranslated=tuple(sorted(doc.untranslated)))
    if store is not None:
        item.settle()
        store.put(path, text_hash, signature, item)
    return item


# The review in another language: below the default language's, after a line `<!-- lang: fr -->` (an HTML comment,
# so any Markdown preview shows the texts alone). A line that starts so but is not one is refused, not ignored.
_LANGUAGE_MARK = re.compile(r"[ \t]*<!--[ \t]*lang:[ \t]*(?P<lang>[^\s>]*)[ \t]*-->[ \t]*")
_LIKE_A_MARK = re.compile(r"^[ \t]*<!--[ \t]*lang\b.*$", re.M | re.I)


def _review(doc: Document, summary: str, first_line: int) -> Text:
    """The Markdown below the front matter as a Text: the default language's review, then each other language's
    after its mark. Problems at the mark's line; the languages it lacks kept for check's notes."""
    languages, default = doc.languages, doc.languages[0]
    (_, _, text), *marked_sections = _review_sections(doc, summary, first_line)
    texts: dict[str, str] = {default: text.strip("\n")}
    marked: dict[str, int] = {}  # language -> line of its mark
    for lang, line, text in marked_sections:
        if lang not in languages:
            doc.problems.add(doc.path, line, f"review: unknown language ({names.expected(lang, languages)}, got "
                                             f"{_quoted(lang)})")
        elif lang in marked or (lang == default and texts[default].strip()):
            doc.problems.add(doc.path, line, f"review: duplicate language (expected each language once, got "
                                             f"{_quoted(lang)} again; first at line {marked.get(lang, first_line)})")
        elif not text.strip():
            doc.problems.add(doc.path, line, f"review: empty (expected the review in {language_name(lang)} below "
                                             f"its mark, got nothing)")
        else:
            texts[lang], marked[lang] = text.strip("\n"), line
    if marked and not texts[default].strip():
        doc.problems.add(doc.path, min(marked.values()), f"review: no review in the default language (expected "
                                                         f"the {default} review first, above the marks, got none)")
    elif texts[default].strip():
        missing = tuple(lang for lang in languages[1:] if lang not in texts)
        if missing:
            blank = len(summary) - len(summary.lstrip("\n"))
            doc.untranslated.append((first_line + blank, "review", missing))
    return Text(texts[default], {lang: texts[lang] for lang in languages[1:] if lang in texts})


def _review_sections(doc: Document, summary: str, first_line: int) -> list[tuple[str, int, str]]:
    """(language, line of its mark, text) for the review's sections: the first in the default language, unmarked;
    a line that starts like a mark but is not one is a problem (and left in the text)."""
    sections = []
    start, lang, line = 0, doc.languages[0], first_line
    for mark in _LIKE_A_MARK.finditer(summary) if "<!--" in summary else ():
        mark_line = first_line + summary.count("\n", 0, mark.start())
        found = _LANGUAGE_MARK.fullmatch(mark[0])
        if found is None:
            doc.problems.add(doc.path, mark_line, f"review: not a language mark (expected a line <!-- lang: fr --> "
                                                  f"before the review in that language, got "
                                                  f"{_quoted(source.clip(mark[0].strip()))})")
            continue
        sections.append((lang, line, summary[start:mark.start()]))
        start, lang, line = mark.end() + 1, found["lang"], mark_line
    return sections + [(lang, line, summary[start:])]


def _updates(values: dict) -> list[tuple[int, dict[str, Any], yaml.Node]]:
    """The updates that are mappings, each with its index in the file's list."""
    return [(i, fields, node) for i, fields, node in values.get("updates", []) if fields is not None]


def _check_references(doc: Document, root, values: dict, catalog: Catalog | None, kind: str | None) -> None:
    """Cross-field rules: catalog references, areas served, update order, windows."""
    if catalog is not None:
        _check_catalog_references(doc, values, catalog)
    _check_timeline(doc, root, values, kind)


def _check_catalog_references(doc: Document, values: dict, catalog: Catalog) -> None:
    mentioned = [("components", key, line) for key, (_, line) in values.get("components", {}).items()]
    for i, fields, _ in _updates(values):
        changes = fields.get("components", {})
        mentioned += [(f"updates[{i}].components", key, line) for key, (_, line) in changes.items()]
    for where, key, line in mentioned:
        if key not in catalog.component:
            known = names.expected(key, [(c.id, c.name) for c in catalog.components])
            doc.problems.add(doc.path, line, f"{where}: unknown component ({known}, got {_quoted(key)})")
    components = sorted({key for _, key, _ in mentioned})
    all_known = all(key in catalog.component for key in components)  # else "not served" would only add noise
    served = catalog.areas_served(components) if "areas" in values else ()
    for area, line in values.get("areas", ()):
        if area not in catalog.area:
            known = names.expected(area, [(a.id, a.name) for a in catalog.areas])
            doc.problems.add(doc.path, line, f"areas: unknown area ({known}, got {_quoted(area)})")
        elif area not in served and all_known and components:
            offered = (f"expected one of {', '.join(served)}, where {' or '.join(components)} is offered"
                       if served else f"an area where {' or '.join(components)} is offered, but none is")
            doc.problems.add(doc.path, line, f"areas: not served by any of its components ({offered}, "
                                             f"got {_quoted(area)})")


def _check_timeline(doc: Document, root, values: dict, kind: str | None) -> None:
    updates = _updates(values)
    # The last update's time, and when what it reported happened, each with the node of its value (its line is
    # worked out only for a message).
    previous: tuple[datetime, yaml.Node] | None = None
    happened: tuple[datetime, yaml.Node] | None = None
    closed: tuple[str, int] | None = None
    for i, fields, node in updates:
        if closed is not None:
            what = "maintenance" if kind == "maintenance" else "incident"
            hint = "; a recurrence is a new incident" if what == "incident" else ""
            doc.report(node, f"updates[{i}]: update after the {what} was {closed[0]} (expected no update after "
                             f"\"{closed[0]}\" at line {closed[1]}, got one{hint})")
            closed = None  # one report is enough
        at = fields.get("at")
        if at is not None:
            if previous is not None and at < previous[0]:
                doc.report(_value_node(node, "at"), f"updates[{i}].at: update time goes backwards (expected "
                           f"{previous[0].isoformat()} or later, as at line {doc.line(previous[1])}, got "
                           f"{at.isoformat()})")
            previous = (at, _value_node(node, "at"))
            since = fields.get("since")
            if since is not None and since > at:
                doc.report(_value_node(node, "since"), f"updates[{i}].since: after the update (expected "
                           f"{at.isoformat()} or earlier: when what it reports happened, got {since.isoformat()})")
            elif since is not None and happened is not None and since < happened[0]:
                doc.report(_value_node(node, "since"), f"updates[{i}].since: before what an earlier update "
                           f"reported (expected {happened[0].isoformat()} or later, as at line "
                           f"{doc.line(happened[1])}, got {since.isoformat()})")
            happened = (since, _value_node(node, "since")) if since else previous
            nxt = fields.get("next_update")
            if nxt is not None and nxt <= at:
                doc.report(_value_node(node, "next_update"), f"updates[{i}].next_update: not after the update "
                           f"(expected later than {at.isoformat()}, got {nxt.isoformat()})")
        if fields.get("state") in FINAL_STATES and closed is None and (i, fields, node) != updates[-1]:
            closed = (fields["state"], doc.line(node))
    window = values.get("window")
    if window and "start" in window and "end" in window and window["end"] <= window["start"]:
        doc.report(_value_node(_value_node(root, "window"), "end"), f"window.end: not after the start "
                   f"(expected later than {window['start'].isoformat()}, got {window['end'].isoformat()})")
    if window is not None and kind == "incident":
        doc.report(_value_node(root, "window"), "window: only maintenance has a window (expected kind: maintenance, "
                                                "got an incident)")
    reviewed = values.get("reviewed")
    if reviewed is not None and updates and updates[0][1].get("at") and reviewed < updates[0][1]["at"]:
        doc.report(_value_node(root, "reviewed"), f"reviewed: before the first update (expected "
                   f"{updates[0][1]['at'].isoformat()} or later, got {reviewed.isoformat()})")
    started = values.get("started")
    if started is not None and updates and updates[0][1].get("at") and started > updates[0][1]["at"]:
        doc.report(_value_node(root, "started"), f"started: after the first update (expected "
                   f"{updates[0][1]['at'].isoformat()} or earlier, got {started.isoformat()})")
    _check_etas(doc, root, values, updates, kind)


def _check_etas(doc: Document, root, values: dict, updates: list, kind: str | None) -> None:
    """An expected resolution before the incident began (its `started`, else its first update) is a slip: a wrong
    day, or a time meant for another zone."""
    first = updates[0][1].get("at") if updates else None
    began, said = (values["started"], "its started") if values.get("started") else (first, "its first update")
    if began is None:
        return
    what = "maintenance" if kind == "maintenance" else "incident"
    etas = [("eta", root, values.get("eta"))]
    etas += [(f"updates[{i}].eta", node, fields.get("eta")) for i, fields, node in updates]
    for where, mapping, eta in etas:
        if eta is not None and eta < began:
            doc.report(_value_node(mapping, "eta"), f"{where}: before the {what} began (expected {began.isoformat()} "
                                                    f"or later, as {said} says, got {eta.isoformat()})")


def _build(values: dict, catalog: Catalog, kind: str, *, summary: Text, opened: date, ident: str, path: str,
           digest: str = "", lines: list[int] | None = None, untranslated: tuple = ()) -> Incident:
    # Ids, statuses, states and kinds recur in every file: one string object each (interned), so that the cache
    # stores and loads each once (pickle keeps one copy of an object), and 10,000 incidents hold one copy.
    word = sys.intern
    statuses = {word(k): word(s) for k, (s, _) in values["components"].items()}
    built_updates = tuple(
        Update(at=f["at"], state=word(f["state"]), body=f["body"], next_update=f.get("next_update"), number=n + 1,
               components={word(k): word(s) for k, (s, _) in f.get("components", {}).items()}, eta=f.get("eta"),
               line=lines[n] if lines else 0, since=f.get("since"))
        for n, (_, f, _) in enumerate(_updates(values)))
    ever = set(statuses.values()) | {s for u in built_updates for s in u.components.values()}
    impact = word(values.get("impact") or implied_impact(ever))
    touched = set(statuses) | {k for u in built_updates for k in u.components}
    if "areas" in values:
        areas = tuple(word(a) for a, _ in values["areas"])
    else:
        areas = tuple(word(a) for a in catalog.areas_served(touched))
    window = values.get("window")
    return Incident(
        id=ident, path=path, kind=word(kind), title=values["title"], opened=opened,
        components=statuses, areas=areas, updates=built_updates, impact=impact,
        impact_declared="impact" in values, started=values.get("started"), ticket=values.get("ticket"),
        eta=next((u.eta for u in reversed(built_updates) if u.eta), values.get("eta")), first_eta=values.get("eta"),
        window=Window(window["start"], window["end"]) if window else None,
        summary=summary, digest=digest, reviewed=values.get("reviewed"), untranslated=untranslated)


# --- the whole site ------------------------------------------------------------------------------------------

# Names an author plausibly meant as an incident: Markdown by any spelling, or starting with a date.
_MEANT = re.compile(r".*\.(md|markdown|mdown|mkdn?|mdwn|mdtxt|mdtext)|\d{2,4}[-_./]\d{1,2}[-_./]\d{1,2}.*",
                    re.IGNORECASE | re.ASCII)
# Never meant as incidents: hidden files, editor backups and swap files, a README and its kin.
_IGNORED = re.compile(r"\..*|.*~|.*\.(bak|orig|rej|swp|swo|tmp)|(readme|license|licence|changelog|contributing)"
                      r"(\..*)?", re.IGNORECASE)


def incident_files(content_dir: Path, problems: Problems | None = None) -> list[Path]:
    """The incident files under incidents/ and its sub-folders (by year, say), by name. With `problems`, what
    looks meant as an incident but cannot be one is reported there: a misnamed file, a folder named like an
    incident, a link to outside the site folder, a file that is not a regular file. Other files (a README,
    images, hidden files) are ignored."""
    return [Path(path) for path in _incident_paths(content_dir, problems)]


def _incident_paths(content_dir: Path, problems: Problems | None = None) -> list[str]:
    """incident_files as strings: a build asks for 10,000 of them, most of which it only looks up in its cache."""
    folder = content_dir / INCIDENTS_DIR
    report = problems.add if problems is not None else (lambda *args: None)
    site_folder = Path(os.path.realpath(content_dir)).parent
    found: list[tuple[str, str]] = []  # (file name, path)
    seen_folders: set[str] = set()
    todo = [folder] if folder.is_dir() else []
    while todo:
        current = todo.pop()
        real = os.path.realpath(current)
        if real in seen_folders:
            continue
        seen_folders.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as err:
            report(current, 1, f"cannot read the folder ({(err.strerror or str(err)).lower()})")
            continue
        for entry in entries:
            path = entry.path
            if _IGNORED.fullmatch(entry.name):
                continue
            named = _INCIDENT_NAME.fullmatch(entry.name) is not None
            meant = named or _MEANT.fullmatch(entry.name) is not None
            if entry.is_dir():
                if entry.is_symlink() and not _inside(path, site_folder):
                    report(path, 1, "a link to a folder outside the site folder (expected a folder inside it; "
                                    "it was not read)")
                    continue
                if meant:
                    report(path, 1, f"a folder named like an incident (expected a file YYYY-MM-DD-slug.md; "
                                    f"got a folder {_quoted(entry.name)}; sub-folders may only group files)")
                todo.append(path)
            elif named and (entry.is_file() or entry.is_symlink()):
                found.append((entry.name, path))  # links to outside the site folder are refused when read
            elif meant and entry.is_symlink() and not entry.is_file():
                report(path, 1, "a broken link (expected an incident file, got a link to nothing)")
            elif meant and not entry.is_file():
                report(path, 1, "not a regular file (expected an incident file YYYY-MM-DD-slug.md)")
            elif meant and problems is not None:
                _file_name(Path(path), problems)  # says what is wrong with the name
    return [path for _, path in sorted(found)]  # by file name, then folder


def incident_id(path: str) -> str:
    """The id of the incident file at `path` (a string, as _incident_paths lists them): its name without `.md`
    (os.path.basename would take several times as long, asked once per file of a site)."""
    return path.rpartition(os.sep)[2][:-3]


# What a build can start on before the stored incidents are read (IncidentStore.load): given the incident files'
# paths, in order, and for those unchanged since stored, by position, (text hash, closed_at: see
# IncidentStore.closed_at).
Early = Callable[[list[str], dict[int, tuple[str, float | None]]], None]


def load_site(content_dir: Path, timezone_name: str = "UTC", cache: Path | None = None,
              early: Early | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Site:
    """Load and validate a site's content folder; raises ContentError with every problem found. `cache`: the
    build cache's folder (statusgen.cache), where incidents validated before are found by their file's text.
    `early`: called once the files are listed and checked against the cache's index, before anything is read.
    `languages`: the site's (config.languages, Config.site_languages), the default first: texts may be given in each."""
    # Loading makes hundreds of thousands of objects that stay, and hardly a cycle among them: the cycle collector
    # would walk all those made so far again and again (at 30,000 files, a third of the time it takes).
    with no_gc():
        return _load_site(content_dir, timezone_name, cache, early, tuple(languages))


def _load_site(content_dir: Path, timezone_name: str, cache: Path | None, early: Early | None = None,
               languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Site:
    problems = Problems()
    try:
        tz = zone(timezone_name)
    except ValueError as err:
        problems.add("TIMEZONE", 1, str(err))
        problems.raise_if_any()
    site_folder = Path(os.path.realpath(content_dir)).parent
    catalog = load_catalog(content_dir / CATALOG_FILE, problems, site_folder, languages)
    # A catalog with no components or areas is reported there; checking incidents against it would only add
    # an "unknown component" for every reference.
    usable = catalog if catalog is not None and catalog.components and catalog.areas else None
    store = IncidentStore(cache, _generation(content_dir, timezone_name, languages)) if cache is not None else None
    incidents = []
    first_of: dict[str, Path] = {}
    try:
        paths = _incident_paths(content_dir, problems)
        known = store.unchanged(paths) if store is not None else {}  # unchanged since stored: not read again
        if early is not None:
            early(paths, {n: store.index[key][::2] for n, key in known.items()} if store is not None else {})
    except BaseException:
        if store is not None:
            store.close()
        raise
    if store is not None:
        store.load()
    for path, incident in zip(paths, _load_all(paths, usable, tz, problems, site_folder, store, known, languages)):
        ident = incident_id(path)
        if ident in first_of:
            problems.add(path, 1, f"duplicate id (expected each incident id once across the sub-folders of "
                                  f"{INCIDENTS_DIR}/, got {_quoted(ident)} again; first in {first_of[ident]})")
        elif incident is not None:
            incidents.append(incident)
        first_of.setdefault(ident, path)
    problems.raise_if_any()
    if store is not None:
        store.save()
    incidents.sort(key=chronological)
    return Site(catalog=catalog, incidents=tuple(incidents), timezone=tz)


PARALLEL_FROM = 2000  # incident files read and checked by two processes from this many on
# The forked helper's share of the files to read: less than half, as it also pickles what it made, which this
# process waits for, then unpickles. `check --no-cache` of 10,000 files: at half, this process waited 0.75-0.83 s for
# the helper (5.56-5.58 s in all); at 0.45, 0.01 s (5.08-5.09 s); at 0.43, it finished last (5.35 s).
HELPER_SHARE = 0.45


def _load_all(paths: list[str], catalog: Catalog | None, tz: tzinfo, problems: Problems, site_folder: Path,
              store: IncidentStore | None, unchanged: dict[int, str],
              languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> list[Incident | None]:
    """Each file's incident (or None), in order: those `unchanged` (by position, their key in the store) from the
    store. Many files not known to the cache are shared with a forked process (where the system can fork and
    nothing else runs in this process): reading YAML is most of a cold build's first seconds, and it does not
    depend on the other files."""
    known = {n: item for n, key in unchanged.items() if (item := store.take(paths[n], key)) is not None}

    def read(n: int, into: Problems = problems, kept: IncidentStore | None = store) -> Incident | None:
        return load_incident(Path(paths[n]), catalog, tz, into, site_folder, kept, languages)

    todo = [n for n in range(len(paths)) if n not in known]
    if len(todo) < PARALLEL_FROM or not processes.can_fork():
        return [known[n] if n in known else read(n) for n in range(len(paths))]
    theirs = {todo[k] for k in range(len(todo)) if int((k + 1) * HELPER_SHARE) > int(k * HELPER_SHARE)}  # spread out

    def their_share() -> bytes:  # in the child: its share, sent back whole
        found, mine = Problems(), IncidentStore(None, "")
        loaded = {n: read(n, found, mine) for n in sorted(theirs)}
        return pickle.dumps((loaded, found.items, found.lines, found._count, mine.used),
                            protocol=pickle.HIGHEST_PROTOCOL)

    helper = processes.Child(their_share)
    ours = [known[n] if n in known else None if n in theirs else read(n) for n in range(len(paths))]
    data = helper.result()
    if not data:  # the helper failed: do its share here
        return [read(n) if n in theirs else item for n, item in enumerate(ours)]
    loaded, items, lines, counts, used = pickle.loads(data)
    problems.items += items
    problems.lines.update(lines)
    for path, count in counts.items():
        problems._count[path] = problems._count.get(path, 0) + count
    if store is not None:
        store.used.update(used)
    return [loaded[n] if n in theirs else item for n, item in enumerate(ours)]


def _generation(content_dir: Path, timezone_name: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str:
    """What every validated incident depends on besides its own file: statusgen's code, the zone, the catalog, the
    site's languages."""
    try:
        catalog = (content_dir / CATALOG_FILE).read_bytes()
    except OSError:
        catalog = b""
    return digest(code_version(), timezone_name, str(content_dir.resolve()), catalog, " ".join(languages))
