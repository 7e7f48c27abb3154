"""Files -> model: the catalog and every incident, validated strictly, every problem collected in one run."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from . import source
from .errors import Problems
from .model import (FINAL_STATES, IMPACT_OF_STATUS, IMPACT_RANK, IMPACTS, KINDS, STATES, STATUSES, Area,
                    Catalog, Component, Group, Incident, Update, Window)
from .source import Document, Field, Invalid, choice, got, scalar, slug, slug_list, text
from .times import DATE_FORMAT, TIME_FORMAT, parse_date, parse_time, zone

CATALOG_FILE = "components.yml"
INCIDENTS_DIR = "incidents"
_INCIDENT_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)\.md")
_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.M)
OPEN_STATUSES = tuple(s for s in STATUSES if s != "operational")


@dataclass(frozen=True)
class Site:
    """Everything the authors wrote, validated."""

    catalog: Catalog
    incidents: tuple[Incident, ...]  # sorted by when they began, then id
    timezone: tzinfo


# --- values --------------------------------------------------------------------------------------------------

def _time(tz: tzinfo):
    def parse(doc: Document, node: yaml.Node, where: str) -> datetime:
        raw = scalar(node, f"a date and time ({TIME_FORMAT})")
        try:
            return parse_time(raw, tz)
        except ValueError as err:
            raise Invalid(str(err).replace(repr(raw), got(node))) from None

    return parse


def _date(doc: Document, node: yaml.Node, where: str) -> date:
    raw = scalar(node, f"a date ({DATE_FORMAT})")
    try:
        return parse_date(raw)
    except ValueError as err:
        raise Invalid(str(err).replace(repr(raw), got(node))) from None


def _percent(doc: Document, node: yaml.Node, where: str) -> float:
    expected = "a number from 0 to 100"
    raw = scalar(node, expected)
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(f"not a number (expected {expected}, got {got(node)})") from None
    if not 0 <= value <= 100 or node.tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        raise Invalid(f"out of range (expected {expected}, got {got(node)})")
    return value


def _statuses(allowed: tuple[str, ...]):
    """A mapping component id -> status; keys checked against the catalog later (with their lines)."""

    def parse(doc: Document, node: yaml.Node, where: str) -> dict[str, tuple[str, int]]:
        result: dict[str, tuple[str, int]] = {}
        pairs = doc.pairs(node)
        if not pairs:
            raise Invalid("empty (expected at least one component: status, got an empty mapping)")
        for key_node, value_node in pairs:
            try:
                key = slug(doc, key_node, where)
                if key in result:
                    raise Invalid(f"duplicate key (expected each component once, got {got(key_node)} again)", key_node)
                value = choice(allowed, "status")(doc, value_node, where)
                result[key] = (value, doc.line(key_node))
            except Invalid as err:
                doc.report(err.node or value_node, f"{where}: {err}")
        return result

    return parse


def _list_of(table: dict[str, Field]):
    def parse(doc: Document, node: yaml.Node, where: str) -> list[tuple[dict[str, Any], yaml.Node]]:
        return [(doc.fields(item, f"{where}[{i}]", table), item) for i, item in doc.items(node, where)]

    return parse


# --- the catalog ---------------------------------------------------------------------------------------------

_NAMED = {
    "id": Field(slug, "an id", required=True),
    "name": Field(text, "text", required=True),
    "description": Field(text, "text"),
}
_COMPONENT = {
    **_NAMED,
    "group": Field(slug, "a group id"),
    "areas": Field(slug_list, "a list of area ids"),
    "sla": Field(_percent, "a number from 0 to 100"),
    "since": Field(_date, f"a date ({DATE_FORMAT})"),
}
_CATALOG = {
    "areas": Field(_list_of(_NAMED), "a list of areas", required=True),
    "groups": Field(_list_of(_NAMED), "a list of groups"),
    "components": Field(_list_of(_COMPONENT), "a list of components", required=True),
}


def load_catalog(path: Path, problems: Problems) -> Catalog | None:
    """The catalog, or None when it is too broken to check incidents against (problems are reported)."""
    doc = Document(str(path), problems)
    if not path.is_file():
        problems.add(path, 1, f"missing catalog (expected the file {CATALOG_FILE}, got none)")
        return None
    try:
        content = source.read_text(path)
    except Invalid as err:
        problems.add(path, 1, str(err))
        return None
    root = doc.compose(content)
    if root is None:
        if not problems:
            problems.add(path, 1, "empty catalog (expected areas and components, got an empty file)")
        return None
    values = doc.fields(root, "", _CATALOG)
    if values is None:
        return None
    areas = _unique(doc, values.get("areas", []), "area", Area)
    groups = _unique(doc, values.get("groups", []), "group", Group)
    area_ids = tuple(a.id for a in areas)
    components = []
    for fields, node in _unique_items(doc, values.get("components", []), "component"):
        group = fields.get("group")
        if group is not None and group not in {g.id for g in groups}:
            doc.report(_value_node(node, "group"), f"component {fields['id']}: unknown group "
                       f"(expected one of {', '.join(g.id for g in groups) or 'no groups defined'}, got {group!r})")
        offered = []
        for area, line in fields.get("areas", ()):
            if area not in area_ids:
                problems.add(path, line, f"component {fields['id']}: unknown area (expected one of {', '.join(area_ids)}, got {area!r})")
            else:
                offered.append(area)
        components.append(Component(
            id=fields["id"], name=fields["name"], group=group, description=fields.get("description"),
            areas=tuple(offered) if "areas" in fields else area_ids, sla=fields.get("sla"), since=fields.get("since")))
    return Catalog(areas=tuple(areas), groups=tuple(groups), components=tuple(components))


def _unique_items(doc: Document, items, what: str):
    """The valid list items, each id once; a repeated id is reported at the repeat."""
    first_line: dict[str, int] = {}
    for fields, node in items:
        if fields is None or "id" not in fields or "name" not in fields:
            continue
        ident = fields["id"]
        if ident in first_line:
            doc.report(_value_node(node, "id"), f"duplicate {what} id (expected each id once, got {ident!r} again; "
                       f"first at line {first_line[ident]})")
            continue
        first_line[ident] = doc.line(_value_node(node, "id"))
        yield fields, node


def _unique(doc: Document, items, what: str, cls):
    return [cls(id=f["id"], name=f["name"], description=f.get("description"))
            for f, _ in _unique_items(doc, items, what)]


def _value_node(mapping: yaml.MappingNode, key: str) -> yaml.Node:
    for key_node, value_node in mapping.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return mapping


# --- incidents -----------------------------------------------------------------------------------------------

def _incident_tables(tz: tzinfo, kind: str) -> tuple[dict[str, Field], dict[str, Field]]:
    time = _time(tz)
    update = {
        "at": Field(time, "a date and time", required=True),
        "state": Field(choice(STATES[kind], f"{kind} state"), f"one of {', '.join(STATES[kind])}", required=True),
        "body": Field(text, "text", required=True),
        "next_update": Field(time, "a date and time"),
        "components": Field(_statuses(STATUSES), "component: status"),
    }
    window = {"start": Field(time, "a date and time", required=True), "end": Field(time, "a date and time", required=True)}
    incident = {
        "title": Field(text, "text", required=True),
        "kind": Field(choice(KINDS, "kind"), f"one of {', '.join(KINDS)}"),
        "impact": Field(choice(IMPACTS, "impact"), f"one of {', '.join(IMPACTS)}"),
        "started": Field(time, "a date and time"),
        "components": Field(_statuses(OPEN_STATUSES), "component: status", required=True),
        "areas": Field(slug_list, "a list of area ids"),
        "ticket": Field(text, "text"),
        "eta": Field(time, "a date and time"),
        "window": Field(lambda d, n, w: d.fields(n, w, window), "start and end", required=kind == "maintenance"),
        "updates": Field(_list_of(update), "a list of updates", required=True),
    }
    return incident, update


def split_front_matter(content: str, doc: Document) -> tuple[str, str, int] | None:
    """(front matter, body, first line of the body) or None with a problem reported."""
    first = content.split("\n", 1)[0]
    if first.rstrip() != "---":
        doc.problems.add(doc.path, 1, f"missing front matter (expected a first line '---', got {first[:40]!r})")
        return None
    rest = content[len(first) + 1:]
    end = _FRONT_MATTER_END.search(rest)
    if end is None:
        doc.problems.add(doc.path, 1, "front matter not closed (expected a line '---' after it, got end of file)")
        return None
    body_start = rest.find("\n", end.end())
    body = rest[body_start + 1:] if body_start >= 0 else ""
    return rest[: end.start()], body, 2 + rest[: end.end()].count("\n") + 1


def load_incident(path: Path, catalog: Catalog | None, tz: tzinfo, problems: Problems) -> Incident | None:
    """One incident or maintenance file, or None with its problems reported."""
    before = len(problems.items)
    name = _INCIDENT_NAME.fullmatch(path.name)
    opened = None
    try:
        opened = parse_date(name["date"])
    except ValueError as err:
        problems.add(path, 1, f"file name: {err} (file names are YYYY-MM-DD-slug.md)")
    if not source.SLUG.fullmatch(name["slug"]):
        problems.add(path, 1, f"file name: not a valid id (expected lowercase letters, digits and single hyphens "
                              f"after the date, got {name['slug']!r})")
    doc = Document(str(path), problems)
    try:
        content = source.read_text(path)
    except Invalid as err:
        problems.add(path, 1, str(err))
        return None
    parts = split_front_matter(content, doc)
    if parts is None:
        return None
    front, summary, _ = parts
    doc.first_line = 2
    root = doc.compose(front)
    if root is None:
        if len(problems.items) == before:
            problems.add(path, 1, "empty front matter (expected title, components and updates, got nothing)")
        return None
    kind = "incident"
    if isinstance(root, yaml.MappingNode):
        kind_node = _value_node(root, "kind")
        if kind_node is not root and getattr(kind_node, "value", None) in KINDS:
            kind = kind_node.value
    incident_table, _ = _incident_tables(tz, kind)
    values = doc.fields(root, "", incident_table)
    if values is None or len(problems.items) > before:
        _check_references(doc, root, values or {}, catalog, kind)
        return None
    return _check_references(doc, root, values, catalog, kind, summary=summary, opened=opened,
                             ident=path.name[:-3], path=str(path))


def _check_references(doc: Document, root, values: dict, catalog: Catalog | None, kind: str, **built) -> Incident | None:
    """Cross-field rules: catalog references, areas served, update order, windows. Builds the Incident if clean."""
    problems = doc.problems
    before = len(problems.items)
    statuses = values.get("components", {})
    updates = [(fields, node) for fields, node in values.get("updates", []) if fields is not None]
    if "updates" in values and not values["updates"]:
        doc.report(_value_node(root, "updates"), "updates: empty (expected at least one update, got an empty list)")
    mentioned: dict[str, tuple[str, int]] = dict(statuses)
    for fields, _ in updates:
        for key, value in fields.get("components", {}).items():
            mentioned.setdefault(key, value)
    if catalog is not None:
        for key, (_, line) in mentioned.items():
            if key not in catalog.component:
                problems.add(doc.path, line, f"unknown component (expected one of {', '.join(catalog.component)}, got {key!r})")
        served = {a for key in mentioned if key in catalog.component for a in catalog.component[key].areas}
        for area, line in values.get("areas", ()):
            if area not in catalog.area:
                problems.add(doc.path, line, f"unknown area (expected one of {', '.join(catalog.area)}, got {area!r})")
            elif area not in served:
                names = ", ".join(sorted(mentioned))
                problems.add(doc.path, line, f"area not served by this incident's components (expected an area where "
                                             f"{names} is offered, got {area!r})")
    _check_timeline(doc, root, values, updates)
    if len(problems.items) > before or not built or catalog is None or "updates" not in values:
        return None
    return _build(values, updates, catalog, kind, **built)


def _check_timeline(doc: Document, root, values: dict, updates) -> None:
    previous: tuple[datetime, int] | None = None
    closed: tuple[str, int] | None = None
    for i, (fields, node) in enumerate(updates):
        line = doc.line(node)
        if closed is not None:
            doc.report(node, f"updates[{i}]: update after the {'incident' if values.get('kind', 'incident') == 'incident' else 'maintenance'} "
                             f"was {closed[0]} (expected no update after '{closed[0]}' at line {closed[1]}, got one; "
                             "a recurrence is a new incident)")
            closed = None  # one report is enough
        at = fields.get("at")
        if at is not None:
            if previous is not None and at < previous[0]:
                doc.report(_value_node(node, "at"), f"updates[{i}].at: update time goes backwards (expected "
                           f"{previous[0].isoformat()} or later, as at line {previous[1]}, got {at.isoformat()})")
            previous = (at, doc.line(_value_node(node, "at")))
            nxt = fields.get("next_update")
            if nxt is not None and nxt <= at:
                doc.report(_value_node(node, "next_update"), f"updates[{i}].next_update: not after the update "
                           f"(expected later than {at.isoformat()}, got {nxt.isoformat()})")
        if fields.get("state") in FINAL_STATES and closed is None and i < len(updates) - 1:
            closed = (fields["state"], line)
    window = values.get("window")
    if window and "start" in window and "end" in window and window["end"] <= window["start"]:
        doc.report(_value_node(_value_node(root, "window"), "end"), f"window.end: window ends before it starts "
                   f"(expected later than {window['start'].isoformat()}, got {window['end'].isoformat()})")
    if window is not None and values.get("kind", "incident") != "maintenance":
        doc.report(_value_node(root, "window"), "window: only maintenance has a window (expected kind: maintenance, "
                                                "got an incident)")
    started = values.get("started")
    if started is not None and updates and updates[0][0].get("at") and started > updates[0][0]["at"]:
        doc.report(_value_node(root, "started"), f"started: after the first update (expected "
                   f"{updates[0][0]['at'].isoformat()} or earlier, got {started.isoformat()})")


def _build(values: dict, updates, catalog: Catalog, kind: str, *, summary: str, opened: date, ident: str, path: str) -> Incident:
    statuses = {k: s for k, (s, _) in values["components"].items()}
    built_updates = tuple(
        Update(at=f["at"], state=f["state"], body=f["body"], next_update=f.get("next_update"), number=i + 1,
               components={k: s for k, (s, _) in f.get("components", {}).items()})
        for i, (f, _) in enumerate(updates))
    ever = set(statuses.values()) | {s for u in built_updates for s in u.components.values()}
    impact = values.get("impact") or max((IMPACT_OF_STATUS[s] for s in ever), key=IMPACT_RANK.__getitem__)
    touched = {k for k in statuses} | {k for u in built_updates for k in u.components}
    if "areas" in values:
        areas = tuple(a for a, _ in values["areas"])
    else:
        areas = tuple(a.id for a in catalog.areas if any(a.id in catalog.component[c].areas for c in touched))
    window = values.get("window")
    return Incident(
        id=ident, path=path, kind=kind, title=values["title"], opened=opened,
        components=statuses, areas=areas, updates=built_updates, impact=impact,
        impact_declared="impact" in values, started=values.get("started"), ticket=values.get("ticket"),
        eta=values.get("eta"), window=Window(window["start"], window["end"]) if window else None,
        summary=summary.strip("\n"))


# --- the whole site ------------------------------------------------------------------------------------------

def site_timezone(site_dir: Path) -> str:
    """TIMEZONE from pelicanconf.py beside content/, read without running it; UTC when absent."""
    conf = site_dir / "pelicanconf.py"
    if conf.is_file():
        for node in ast.parse(conf.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "TIMEZONE" for t in node.targets)
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                return node.value.value
    return "UTC"


def incident_files(content_dir: Path) -> list[Path]:
    """The incident files: top-level `*.md` in incidents/ named like YYYY-MM-DD-…; other files are ignored."""
    folder = content_dir / INCIDENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _INCIDENT_NAME.fullmatch(p.name))


def load_site(content_dir: Path, timezone_name: str = "UTC") -> Site:
    """Load and validate a site's content folder; raises ContentError with every problem found."""
    problems = Problems()
    try:
        tz = zone(timezone_name)
    except ValueError as err:
        problems.add("TIMEZONE", 1, str(err))
        problems.raise_if_any()
    catalog = load_catalog(content_dir / CATALOG_FILE, problems)
    incidents = []
    for path in incident_files(content_dir):
        incident = load_incident(path, catalog, tz, problems)
        if incident is not None:
            incidents.append(incident)
    problems.raise_if_any()
    incidents.sort(key=lambda i: (i.began, i.id))
    return Site(catalog=catalog, incidents=tuple(incidents), timezone=tz)
