"""JSON Schemas of the files authors write, generated from the field tables the loader validates with, so an
editor (the YAML language server, say) and `statusgen check` cannot disagree on keys, required keys or values.

`check` stays the authority: it also knows what JSON Schema cannot say (ids that must exist in the catalog,
times that go backwards, the comment after a plain text).
"""
from __future__ import annotations

import json
from datetime import timezone
from typing import Any

from .source import SLUG, Field
from .texts import LANGUAGE_CODE
from .times import DATE_FORMAT, TIME_FORMAT

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$",
        "description": f"a date and time, {TIME_FORMAT}; without an offset, in the site's TIMEZONE"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": f"a date, {DATE_FORMAT}"}
TEXT = {"type": "string", "minLength": 1}
ID = {"type": "string", "pattern": f"^{SLUG.pattern}$", "description": "lowercase letters, digits, single hyphens"}
IDS = {"type": "array", "items": ID, "minItems": 1, "uniqueItems": True}
# A text in the default language, or by language code (the site's languages are `check`'s to know).
TRANSLATABLE = {"anyOf": [TEXT, {"type": "object", "minProperties": 1, "propertyNames": {
    "pattern": f"^{LANGUAGE_CODE.pattern}$"}, "additionalProperties": TEXT,
    "description": "the text by language code, the site's default language among them"}]}
PERCENT = {"type": "number", "minimum": 0, "maximum": 100}


def one_of(values: tuple[str, ...]) -> dict:
    return {"type": "string", "enum": list(values)}


def statuses(values: tuple[str, ...]) -> dict:
    """A mapping component id -> status."""
    return {"type": "object", "minProperties": 1, "propertyNames": ID, "additionalProperties": one_of(values)}


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


def items(table: dict[str, Field], at_least_one: bool = True) -> dict:
    return {"type": "array", "items": mapping(table), **({"minItems": 1} if at_least_one else {})}


def document(title: str, table: dict[str, Field], **extra) -> dict:
    return {"$schema": DIALECT, "title": title, **mapping(table), **extra}


def incident() -> dict:
    """The front matter of an incident or maintenance file."""
    from .load import _incident_tables

    table = _incident_tables(timezone.utc, None)
    # A maintenance needs its window: the one rule between keys a schema can state.
    return document("statusgen incident or maintenance (front matter)", table,
                    **{"if": {"properties": {"kind": {"const": "maintenance"}}, "required": ["kind"]},
                       "then": {"required": ["window"]}})


def catalog() -> dict:
    """content/components.yml."""
    from .load import _CATALOG

    return document("statusgen catalog (components.yml)", _CATALOG)


SCHEMAS = {"incident.schema.json": incident, "components.schema.json": catalog}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m statusgen.schema: write the shipped schemas anew after a table changed
    from pathlib import Path

    for schema_name in SCHEMAS:
        (Path(__file__).parent / "schemas" / schema_name).write_text(render(schema_name), encoding="utf-8")
