"""JSON Schemas of the files authors write, generated from the field tables the loader validates with, so an
editor (the YAML language server, say) and `statusgen check` cannot disagree on keys, required keys or values.

`check` stays the authority: it also knows what JSON Schema cannot say (ids that must exist in the catalog,
times that go backwards, the comment after a plain text).
"""
from __future__ import annotations

import json
from datetime import timezone

from .fields import CATALOG, Schema, incident_tables
from .source import Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def document(title: str, table: dict[str, Field], **extra) -> dict:
    return {"$schema": DIALECT, "title": title, **Schema.mapping(table), **extra}


def incident() -> dict:
    """The front matter of an incident or maintenance file."""
    table = incident_tables(timezone.utc, None)
    # A maintenance needs its window: the one rule between keys a schema can state.
    return document("statusgen incident or maintenance (front matter)", table,
                    **{"if": {"properties": {"kind": {"const": "maintenance"}}, "required": ["kind"]},
                       "then": {"required": ["window"]}})


def catalog() -> dict:
    """content/components.yml."""
    return document("statusgen catalog (components.yml)", CATALOG)


SCHEMAS = {"incident.schema.json": incident, "components.schema.json": catalog}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m statusgen.schema: write the shipped schemas anew after a table changed
    from pathlib import Path

    for schema_name in SCHEMAS:
        (Path(__file__).parent / "schemas" / schema_name).write_text(render(schema_name), encoding="utf-8")
