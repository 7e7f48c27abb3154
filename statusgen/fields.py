"""The field tables the loader validates with (the catalog, a component, an incident's front matter, an update, a
window), and the values they parse. load.py validates by them; schema.py makes the JSON Schemas for editors from
them: neither reaches into the other.

An incident's table is built once per time zone and kind (incident_tables is cached), not once per file.
"""
from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any

import yaml

from . import source
from .model import IMPACTS, KINDS, STATES, STATUSES
from .source import (SLUG, Document, Field, Invalid, Table, choice, got, scalar, slug, slug_list, ticket_text,
                     translatable_line, translatable_text)
from .texts import LANGUAGE_CODE
from .times import DATE_FORMAT, TIME_FORMAT, parse_date, parse_time

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
OPEN_STATUSES = tuple(s for s in STATUSES if s != "operational")
# Every state of any kind, for checking updates when the kind itself is wrong (one problem, not one per update).
ANY_STATE = tuple(dict.fromkeys(s for states in STATES.values() for s in states))


class Schema:
    """What each field is in JSON Schema (draft 2020-12): the tables below carry it, schema.py assembles it."""

    TIME = {"type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$",
            "description": f"a date and time, {TIME_FORMAT}; without an offset, in the site's TIMEZONE"}
    DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": f"a date, {DATE_FORMAT}"}
    TEXT = {"type": "string", "minLength": 1}
    ID = {"type": "string", "pattern": f"^{SLUG.pattern}$",
          "description": "lowercase letters, digits, single hyphens"}
    IDS = {"type": "array", "items": ID, "minItems": 1, "uniqueItems": True}
    PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
    # A text in the default language, or by language code (the site's languages are `check`'s to know).
    TRANSLATABLE = {"anyOf": [TEXT, {"type": "object", "minProperties": 1, "propertyNames": {
        "pattern": f"^{LANGUAGE_CODE.pattern}$"}, "additionalProperties": TEXT,
        "description": "the text by language code, the site's default language among them"}]}

    @staticmethod
    def one_of(values: tuple[str, ...]) -> dict:
        return {"type": "string", "enum": list(values)}

    @staticmethod
    def statuses(values: tuple[str, ...]) -> dict:
        """A mapping component id -> status."""
        return {"type": "object", "minProperties": 1, "propertyNames": Schema.ID,
                "additionalProperties": Schema.one_of(values)}

    @staticmethod
    def mapping(table: dict[str, Field]) -> dict:
        """A mapping checked against a field table: its keys, the required ones, and nothing else."""
        result: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                  "properties": {key: {**(field.schema or {}), "description": field.expected}
                                                 if "description" not in (field.schema or {}) else field.schema
                                                 for key, field in table.items()}}
        required = [key for key, field in table.items() if field.required]
        if required:
            result["required"] = required
        return result

    @staticmethod
    def items(table: dict[str, Field], at_least_one: bool = True) -> dict:
        return {"type": "array", "items": Schema.mapping(table), **({"minItems": 1} if at_least_one else {})}


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
    """A plain decimal number from 0 to 100: not YAML's guesses (`0x10`, `1_0`, `.inf`), not Python's (`nan`)."""
    expected = "a number from 0 to 100"
    raw = scalar(node, expected).strip()
    if not _NUMBER.fullmatch(raw):
        raise Invalid(f"not a number (expected {expected}, got {got(node)})")
    value = float(raw)
    if not 0 <= value <= 100:
        raise Invalid(f"out of range (expected {expected}, got {source.clip(raw)})")
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
            except Invalid as err:
                doc.report(key_node, f"{where}: {err}")
                continue
            if key in result:
                doc.report(key_node, f"{where}: duplicate key (expected each component once, got {got(key_node)} "
                                     f"again; first at line {result[key][1]})")
                continue
            try:
                result[key] = (choice(allowed, "status")(doc, value_node, where), doc.line(key_node))
            except Invalid as err:
                doc.report(value_node, f"{where}.{key}: {err}")
        return result

    return parse


def _list_of(table: dict[str, Field], what: str, at_least_one: bool = True):
    """A list of mappings, each checked against `table`."""

    def parse(doc: Document, node: yaml.Node, where: str) -> list[tuple[int, dict[str, Any] | None, yaml.Node]]:
        items = doc.items(node)
        if at_least_one and not items:
            raise Invalid(f"empty (expected at least one {what}, got an empty list)")
        return [(i, doc.fields(item, f"{where}[{i}]", table), item) for i, item in items]

    return parse


# --- the catalog ---------------------------------------------------------------------------------------------

NAMED = Table({
    "id": Field(slug, "an id", required=True, schema=Schema.ID),
    "name": Field(translatable_line, "text", required=True, schema=Schema.TRANSLATABLE),
    "description": Field(translatable_text, "text", schema=Schema.TRANSLATABLE),
})
COMPONENT = Table({
    **NAMED,
    "group": Field(slug, "a group id", schema=Schema.ID),
    "areas": Field(slug_list, "a list of area ids", schema=Schema.IDS),
    "sla": Field(_percent, "a number from 0 to 100", schema=Schema.PERCENT),
    "since": Field(_date, f"a date ({DATE_FORMAT})", schema=Schema.DATE),
})
CATALOG = Table({
    "areas": Field(_list_of(NAMED, "area"), "a list of areas", required=True, schema=Schema.items(NAMED)),
    "groups": Field(_list_of(NAMED, "group", at_least_one=False), "a list of groups",
                    schema=Schema.items(NAMED, at_least_one=False)),
    "components": Field(_list_of(COMPONENT, "component"), "a list of components", required=True,
                        schema=Schema.items(COMPONENT)),
})


# --- incidents -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def incident_tables(tz: tzinfo, kind: str | None) -> dict[str, Field]:
    """The front matter's field table for one kind (None: the kind is invalid, so accept any kind's states)."""
    time = _time(tz)
    states = STATES[kind] if kind else ANY_STATE
    update = Table({
        "at": Field(time, "a date and time", required=True, schema=Schema.TIME),
        "state": Field(choice(states, f"{kind} state" if kind else "state"), f"one of {', '.join(states)}",
                       required=True, schema=Schema.one_of(states)),
        "body": Field(translatable_text, "text", required=True, schema=Schema.TRANSLATABLE),
        "next_update": Field(time, "a date and time", schema=Schema.TIME),
        "since": Field(time, "a date and time", schema=Schema.TIME),
        "eta": Field(time, "a date and time", schema=Schema.TIME),
        "components": Field(_statuses(STATUSES), "a mapping of component: status", schema=Schema.statuses(STATUSES)),
    })
    window = Table({"start": Field(time, "a date and time", required=True, schema=Schema.TIME),
                    "end": Field(time, "a date and time", required=True, schema=Schema.TIME)})
    return Table({
        "title": Field(translatable_line, "text", required=True, schema=Schema.TRANSLATABLE),
        "kind": Field(choice(KINDS, "kind"), f"one of {', '.join(KINDS)}", schema=Schema.one_of(KINDS)),
        "impact": Field(choice(IMPACTS, "impact"), f"one of {', '.join(IMPACTS)}", schema=Schema.one_of(IMPACTS)),
        "started": Field(time, "a date and time", schema=Schema.TIME),
        "components": Field(_statuses(OPEN_STATUSES), "a mapping of component: status", required=True,
                            schema=Schema.statuses(OPEN_STATUSES)),
        "areas": Field(slug_list, "a list of area ids", schema=Schema.IDS),
        "ticket": Field(ticket_text, "text", schema=Schema.TEXT),
        "eta": Field(time, "a date and time", schema=Schema.TIME),
        "window": Field(lambda d, n, w: d.fields(n, w, window), "a mapping with start and end",
                        required=kind == "maintenance", schema=Schema.mapping(window)),
        "updates": Field(_list_of(update, "update"), "a list of updates", required=True, schema=Schema.items(update)),
        "reviewed": Field(time, "a date and time", schema=Schema.TIME),
    })
