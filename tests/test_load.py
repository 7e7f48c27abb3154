"""Loading content: every kind of bad input gives its exact `path:line: message`, good input gives the model."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from statusgen.errors import ContentError
from statusgen.load import load_site
from statusgen.times import parse_time
from tests.conftest import ROOT

NAME = "2026-01-01-test.md"
F = f"incidents/{NAME}"  # how problems in that file read, relative to content/
C = "components.yml"

GOOD = """\
---
title: Calls fail in the north
components:
  phone: major_outage
updates:
  - at: 2026-01-01 10:00
    state: investigating
    body: We are looking into it.
---
"""

TIME_EXPECTED = "expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM]"
INCIDENT_STATES = "investigating, identified, monitoring, resolved"
MAINTENANCE_STATES = "scheduled, in_progress, verifying, completed, cancelled"
FRONT_KEYS = "title, kind, impact, started, components, areas, ticket, eta, window, updates, reviewed"
UPDATE_KEYS = "at, state, body, next_update, since, eta, components"


def problems(site, tz: str = "UTC") -> list[str]:
    """Every problem load_site reports, as the CLI prints it, with paths relative to content/."""
    with pytest.raises(ContentError) as info:
        load_site(site.content, tz)
    prefix = f"{site.content}/"
    assert all(str(p).startswith(prefix) for p in info.value.problems)
    return [str(p)[len(prefix):] for p in info.value.problems]


def loaded(site, tz: str = "UTC"):
    return load_site(site.content, tz)


def incident(site, text: str = GOOD, tz: str = "UTC"):
    site.incident(NAME, text)
    (only,) = loaded(site, tz).incidents
    return only


# --- bad incident files ----------------------------------------------------------------------------------------

BAD_INCIDENTS = {
    "unparseable YAML: unclosed flow mapping": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage
        updates: []
        ---
        """, [f"{F}:4: unparseable YAML: did not find expected ',' or '}}' (while parsing a flow mapping, line 3)"]),
    "unparseable YAML: colon in a plain value": ("""\
        ---
        title: Calls fail: north
        ---
        """, [f"{F}:2: unparseable YAML: mapping values are not allowed in this context"]),
    "unparseable YAML: tab indentation": ("""\
        ---
        title: Calls fail
        \tcomponents: {}
        ---
        """, [f"{F}:3: unparseable YAML: found a tab character that violates indentation "
              "(while scanning a plain scalar, line 2)"]),
    "missing front matter": ("""\
        title: Calls fail
        """, [f'{F}:1: missing front matter (expected a first line "---", got "title: Calls fail")']),
    "empty file": ("", [f'{F}:1: missing front matter (expected a first line "---", got an empty file)']),
    "front matter not closed": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        """, [f'{F}:1: front matter not closed (expected a line "---" after it, got the end of the file)']),
    "empty front matter": ("""\
        ---
        ---
        """, [f"{F}:1: empty front matter (expected title, components and updates, got nothing)"]),
    "front matter is a list": ("""\
        ---
        - title: Calls fail
        ---
        """, [f"{F}:2: front matter: wrong type (expected a mapping, got a list)"]),
    "unknown key at the top": ("""\
        ---
        title: Calls fail
        severity: high
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:3: front matter: unknown key (expected one of {FRONT_KEYS}, got "severity")']),
    "unknown key in an update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            text: Looking.
            body: Looking.
        ---
        """, [f'{F}:7: updates[0]: unknown key (expected one of {UPDATE_KEYS}, got "text")']),
    "missing title": ("""\
        ---
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:2: front matter: missing key (expected title: text, got no title)"]),
    "missing components": ("""\
        ---
        title: Calls fail
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:2: front matter: missing key (expected components: a mapping of component: status, "
              "got no components)"]),
    "missing updates": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        ---
        """, [f"{F}:2: front matter: missing key (expected updates: a list of updates, got no updates)"]),
    "missing keys of an update, at the update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
          - next_update: 2026-01-01 12:00
        ---
        """, [f"{F}:8: updates[1]: missing key (expected at: a date and time, got no at)",
              f"{F}:8: updates[1]: missing key (expected body: text, got no body)",
              f"{F}:8: updates[1]: missing key (expected state: one of {INCIDENT_STATES}, got no state)"]),
    "unknown component in the front matter": ("""\
        ---
        title: Calls fail
        components:
          phone: major_outage
          fax: degraded_performance
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: components: unknown component (expected one of phone, tv, got "fax")']),
    "unknown component in an update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
          - at: 2026-01-01 11:00
            state: identified
            components:
              phone: partial_outage
              fax: major_outage
            body: Found it.
        ---
        """, [f'{F}:12: updates[1].components: unknown component (expected one of phone, tv, got "fax")']),
    "component id not a slug": ("""\
        ---
        title: Calls fail
        components:
          Phone: major_outage
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:4: components: not a valid id (expected lowercase letters, digits and single hyphens, "
              'got "Phone")']),
    "unknown area": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        areas:
          - north
          - east
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:6: areas: unknown area (expected one of north, south, got "east")']),
    "area where none of its components is offered": ("""\
        ---
        title: No TV pictures
        components: {tv: major_outage}
        areas: [south, north]
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:4: areas: not served by any of its components (expected one of south, where tv is offered, '
              'got "north")']),
    "an unknown component does not also make its areas unserved": ("""\
        ---
        title: Calls fail
        components: {fax: major_outage}
        areas: [north]
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:3: components: unknown component (expected one of phone, tv, got "fax")']),
    "area listed twice": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        areas:
          - north
          - north
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:6: areas: duplicate id (expected each id once, got "north" again; first at line 5)']),
    "areas empty": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        areas: []
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:4: areas: empty (expected at least one id, got an empty list)"]),
    "invalid status": ("""\
        ---
        title: Calls fail
        components:
          phone: down
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:4: components.phone: invalid status (expected one of under_maintenance, degraded_performance, "
              'partial_outage, major_outage, got "down")']),
    "operational is for updates, not the front matter": ("""\
        ---
        title: Calls fail
        components:
          phone: operational
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:4: components.phone: invalid status (expected one of under_maintenance, degraded_performance, "
              'partial_outage, major_outage, got "operational")']),
    "invalid status in an update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            components: {phone: fixed}
            body: Looking.
        ---
        """, [f"{F}:7: updates[0].components.phone: invalid status (expected one of operational, under_maintenance, "
              'degraded_performance, partial_outage, major_outage, got "fixed")']),
    "maintenance state in an incident": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: Looking.
        ---
        """, [f'{F}:6: updates[0].state: invalid incident state (expected one of {INCIDENT_STATES}, '
              'got "scheduled")']),
    "incident state in a maintenance": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window: {start: 2026-01-05 01:00, end: 2026-01-05 03:00}
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
          - at: 2026-01-05 03:00
            state: resolved
            body: Done.
        ---
        """, [f'{F}:11: updates[1].state: invalid maintenance state (expected one of {MAINTENANCE_STATES}, '
              'got "resolved")']),
    "invalid impact": ("""\
        ---
        title: Calls fail
        impact: high
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:3: impact: invalid impact (expected one of none, minor, major, critical, got "high")']),
    "invalid kind is one problem, not one per update": ("""\
        ---
        title: Switch upgrade
        kind: maintainance
        components: {phone: under_maintenance}
        window: {start: 2026-01-05 01:00, end: 2026-01-05 03:00}
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """, [f'{F}:3: kind: invalid kind (did you mean maintenance? expected one of maintenance, incident, '
               f'got "maintainance")']),
    "time not ISO 8601": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: Jan 1 2026 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: not an ISO 8601 time ({TIME_EXPECTED}, got "Jan 1 2026 10:00")']),
    "time with slashes": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026/01/01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: not an ISO 8601 time ({TIME_EXPECTED}, got "2026/01/01 10:00")']),
    "a date alone where a time is needed": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: a date alone where a time is needed ({TIME_EXPECTED}, got "2026-01-01")']),
    "a date that does not exist": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-02-30 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: not a real date and time ({TIME_EXPECTED}, got "2026-02-30 10:00")']),
    "an hour that does not exist": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 24:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: not a real date and time ({TIME_EXPECTED}, got "2026-01-01 24:00")']),
    "offset out of range": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00+25:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:5: updates[0].at: not a valid UTC offset ({TIME_EXPECTED} with an offset up to +23:59, "
              'got "2026-01-01 10:00+25:00")']),
    "YAML reads 10:30 as the number 630": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 10:30
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: updates[0].at: not an ISO 8601 time ({TIME_EXPECTED}, got "10:30", '
              "which YAML reads as a number: 630 (base 60))"]),
    "YAML reads no as false": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        eta: no
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:4: eta: not an ISO 8601 time ({TIME_EXPECTED}, got "no", which YAML reads as a boolean: false)']),
    "empty time": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at:
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:5: updates[0].at: wrong type (expected a date and time (YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM]), "
              "got nothing)"]),
    "update times out of order": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
          - at: 2026-01-01 09:30
            state: identified
            body: Found it.
        ---
        """, [f"{F}:8: updates[1].at: update time goes backwards (expected 2026-01-01T10:00:00+00:00 or later, "
              "as at line 5, got 2026-01-01T09:30:00+00:00)"]),
    "next_update not after its update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            next_update: 2026-01-01 10:00
            body: Looking.
        ---
        """, [f"{F}:7: updates[0].next_update: not after the update (expected later than 2026-01-01T10:00:00+00:00, "
              "got 2026-01-01T10:00:00+00:00)"]),
    "update after resolved": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: resolved
            body: Fixed.
          - at: 2026-01-01 11:00
            state: investigating
            body: It is back.
        ---
        """, [f'{F}:8: updates[1]: update after the incident was resolved (expected no update after "resolved" '
              "at line 5, got one; a recurrence is a new incident)"]),
    "update after completed": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window: {start: 2026-01-05 01:00, end: 2026-01-05 03:00}
        updates:
          - at: 2026-01-01 10:00
            state: completed
            body: Done early.
          - at: 2026-01-05 01:00
            state: in_progress
            body: Started.
        ---
        """, [f'{F}:10: updates[1]: update after the maintenance was completed (expected no update after "completed" '
              "at line 7, got one)"]),
    "window ends before it starts": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window:
          start: 2026-01-05 03:00
          end: 2026-01-05 01:00
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """, [f"{F}:7: window.end: not after the start (expected later than 2026-01-05T03:00:00+00:00, "
              "got 2026-01-05T01:00:00+00:00)"]),
    "window of no length": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window:
          start: 2026-01-05 03:00
          end: 2026-01-05T03:00Z
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """, [f"{F}:7: window.end: not after the start (expected later than 2026-01-05T03:00:00+00:00, "
              "got 2026-01-05T03:00:00+00:00)"]),
    "maintenance without window": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """, [f"{F}:2: front matter: missing key (expected window: a mapping with start and end, got no window)"]),
    "window without end": ("""\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window:
          start: 2026-01-05 01:00
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """, [f"{F}:6: window: missing key (expected end: a date and time, got no end)"]),
    "window on an incident": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        window: {start: 2026-01-01 10:00, end: 2026-01-01 12:00}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:4: window: only maintenance has a window (expected kind: maintenance, got an incident)"]),
    "started after the first update": ("""\
        ---
        title: Calls fail
        started: 2026-01-01 10:30
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:3: started: after the first update (expected 2026-01-01T10:00:00+00:00 or earlier, "
              "got 2026-01-01T10:30:00+00:00)"]),
    "duplicate key at the top": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        title: Calls fail again
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:4: title: duplicate key (expected each key once, got "title" again; first at line 2)']),
    "duplicate key in an update": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
            at: 2026-01-01 11:00
        ---
        """, [f'{F}:8: updates[0].at: duplicate key (expected each key once, got "at" again; first at line 5)']),
    "duplicate component": ("""\
        ---
        title: Calls fail
        components:
          phone: major_outage
          phone: partial_outage
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f'{F}:5: components: duplicate key (expected each component once, got "phone" again; first at line 4)']),
    "empty updates list": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates: []
        ---
        """, [f"{F}:4: updates: empty (expected at least one update, got an empty list)"]),
    "updates not a list": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates: soon
        ---
        """, [f'{F}:4: updates: wrong type (expected a list, got "soon")']),
    "an update not a mapping": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - We are looking into it.
        ---
        """, [f'{F}:5: updates[0]: wrong type (expected a mapping, got "We are looking into it.")']),
    "empty components mapping": ("""\
        ---
        title: Calls fail
        components: {}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:3: components: empty (expected at least one component: status, got an empty mapping)"]),
    "components as a list": ("""\
        ---
        title: Calls fail
        components: [phone]
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:3: components: wrong type (expected a mapping, got a list)"]),
    "empty title": ("""\
        ---
        title:
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:2: title: wrong type (expected text, got nothing)"]),
    "blank body": ("""\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: "  "
        ---
        """, [f"{F}:7: updates[0].body: empty (expected text, got nothing)"]),
    "title as a list": ("""\
        ---
        title: [Calls, fail]
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
        ---
        """, [f"{F}:2: title: wrong type (expected text, got a list)"]),
}


@pytest.mark.parametrize("text, expected", BAD_INCIDENTS.values(), ids=BAD_INCIDENTS.keys())
def test_bad_incident(site, text, expected):
    site.incident(NAME, text)
    assert problems(site) == expected


def test_not_utf8_is_reported_at_the_line_of_the_bad_byte(site):
    site.incident(NAME, b"---\ntitle: Caf\xe9 closed\ncomponents: {phone: major_outage}\n---\n")
    assert problems(site) == [f"{F}:2: not valid UTF-8 (expected UTF-8 text, got the byte 0xe9)"]


def test_a_time_skipped_by_daylight_saving_does_not_exist(site):
    site.incident(NAME, GOOD.replace("2026-01-01 10:00", "2026-03-08 02:30"))
    assert problems(site, "America/Chicago") == [
        f"{F}:6: updates[0].at: not a time that exists in America/Chicago (expected a time outside the hour "
        'skipped when clocks go forward, got "2026-03-08 02:30")']


@pytest.mark.parametrize("name, expected", [
    ("2026-02-30-x.md", 'file name: not a real date (expected YYYY-MM-DD-slug.md with a real date, got "2026-02-30")'),
    ("2026-13-01-x.md", 'file name: not a real date (expected YYYY-MM-DD-slug.md with a real date, got "2026-13-01")'),
    ("2026-01-01-Bad_Name.md", "file name: not a valid id (expected lowercase letters, digits and single hyphens "
                               'after the date, got "Bad_Name")'),
    ("2026-01-01-double--hyphen.md", "file name: not a valid id (expected lowercase letters, digits and single "
                                     'hyphens after the date, got "double--hyphen")'),
])
def test_bad_file_name(site, name, expected):
    site.incident(name, GOOD)
    assert problems(site) == [f"incidents/{name}:1: {expected}"]


# --- bad catalogs ----------------------------------------------------------------------------------------------

CATALOG_HEAD = """\
    areas:
      - id: north
        name: North
      - id: south
        name: South
    groups:
      - id: voice
        name: Voice
    components:
"""
BAD_CATALOGS = {
    "unknown key at the top": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
    regions: []
    """, [f'{C}:12: catalog: unknown key (expected one of areas, groups, components, got "regions")']),
    "unknown key in a component": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        target: 99.9
    """, [f'{C}:12: components[0]: unknown key (expected one of id, name, description, group, areas, sla, since, '
          'got "target")']),
    "unknown key in an area": ("""\
    areas:
      - id: north
        name: North
        town: yes
    components:
      - id: phone
        name: Phone
    """, [f'{C}:4: areas[0]: unknown key (expected one of id, name, description, got "town")']),
    "duplicate area id": ("""\
    areas:
      - id: north
        name: North
      - id: north
        name: North again
    components:
      - id: phone
        name: Phone
    """, [f'{C}:4: areas[1].id: duplicate id (expected each area id once, got "north" again; first at line 2)']),
    "duplicate group id": ("""\
    areas:
      - id: north
        name: North
    groups:
      - id: voice
        name: Voice
      - id: data
        name: Data
      - id: voice
        name: Calling
    components:
      - id: phone
        name: Phone
    """, [f'{C}:9: groups[2].id: duplicate id (expected each group id once, got "voice" again; first at line 5)']),
    "duplicate component id": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
      - id: phone
        name: Landline
    """, [f'{C}:12: components[1].id: duplicate id (expected each component id once, got "phone" again; '
          "first at line 10)"]),
    "duplicate YAML key": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        name: Landline
    """, [f'{C}:12: components[0].name: duplicate key (expected each key once, got "name" again; first at line 11)']),
    "unknown group": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        group: calling
    """, [f'{C}:12: components[0].group: unknown group (expected one of voice, got "calling")']),
    "group with no groups defined": ("""\
    areas:
      - id: north
        name: North
    components:
      - id: phone
        name: Phone
        group: voice
    """, [f'{C}:7: components[0].group: unknown group (expected the id of a group listed under groups, '
          'got "voice")']),
    "unknown area in a component": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        areas:
          - north
          - east
    """, [f'{C}:14: components[0].areas: unknown area (expected one of north, south, got "east")']),
    "SLA above 100": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: 100.5
    """, [f"{C}:12: components[0].sla: out of range (expected a number from 0 to 100, got 100.5)"]),
    "SLA below 0": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: -1
    """, [f"{C}:12: components[0].sla: out of range (expected a number from 0 to 100, got -1)"]),
    "SLA not a number": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: three nines
    """, [f'{C}:12: components[0].sla: not a number (expected a number from 0 to 100, got "three nines")']),
    "SLA with a decimal comma": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: 99,9
    """, [f'{C}:12: components[0].sla: not a number (expected a number from 0 to 100, got "99,9")']),
    "SLA that YAML reads as a boolean": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: yes
    """, [f'{C}:12: components[0].sla: not a number (expected a number from 0 to 100, got "yes", '
          "which YAML reads as a boolean: true)"]),
    "SLA not a number for Python either": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: nan
    """, [f'{C}:12: components[0].sla: not a number (expected a number from 0 to 100, got "nan")']),
    "since not a date": (CATALOG_HEAD + """\
      - id: phone
        name: Phone
        since: 2024-02-30
    """, [f'{C}:12: components[0].since: not a real date (expected YYYY-MM-DD, got "2024-02-30")']),
    "id not a slug": (CATALOG_HEAD + """\
      - id: Phone Service
        name: Phone
    """, [f"{C}:10: components[0].id: not a valid id (expected lowercase letters, digits and single hyphens, "
          'got "Phone Service")']),
    "missing name": (CATALOG_HEAD + """\
      - id: phone
        description: Calling
    """, [f"{C}:10: components[0]: missing key (expected name: text, got no name)"]),
    "missing areas": ("""\
    components:
      - id: phone
        name: Phone
    """, [f"{C}:1: catalog: missing key (expected areas: a list of areas, got no areas)"]),
    "empty components list": (CATALOG_HEAD + """\
      []
    """, [f"{C}:10: components: empty (expected at least one component, got an empty list)"]),
    "unparseable YAML": ("""\
    areas:
      - id: north
        name: [North
    components: []
    """, [f"{C}:4: unparseable YAML: did not find expected ',' or ']' (while parsing a flow sequence, line 3)"]),
    "empty file": ("", [f"{C}:1: empty catalog (expected areas and components, got an empty file)"]),
    "a list instead of a mapping": ("""\
    - north
    - south
    """, [f"{C}:1: catalog: wrong type (expected a mapping, got a list)"]),
}


@pytest.mark.parametrize("text, expected", BAD_CATALOGS.values(), ids=BAD_CATALOGS.keys())
def test_bad_catalog(site, text, expected):
    site.catalog(text)
    assert problems(site) == expected


def test_catalog_not_utf8(site):
    (site.content / C).write_bytes(b"areas:\n  - id: north\n    name: Nord\xff\n")
    assert problems(site) == [f"{C}:3: not valid UTF-8 (expected UTF-8 text, got the byte 0xff)"]


def test_missing_catalog(site):
    (site.content / C).unlink()
    assert problems(site) == [f"{C}:1: missing catalog (expected the file components.yml, got none)"]


def test_unknown_time_zone(site):
    for name in ("Mars/Olympus_Mons", "America"):  # "America" is a folder of zones, not one
        with pytest.raises(ContentError) as info:
            load_site(site.content, name)
        assert [str(p) for p in info.value.problems] == [
            f"TIMEZONE:1: unknown time zone (expected an IANA name like Europe/Berlin, got {name!r})"]


# --- all problems at once --------------------------------------------------------------------------------------

def test_every_problem_in_every_file_is_reported_sorted_by_path_and_line(site):
    site.catalog(CATALOG_HEAD + """\
      - id: phone
        name: Phone
        sla: 120
    """)
    site.incident("2026-01-02-second.md", """\
        ---
        title: Second
        components: {phone: major_outage}
        updates:
          - at: 2026-01-02 10:00
            state: investigating
            body: Looking.
          - at: 2026-01-02 09:00
            state: resolvd
            body: Fixed.
        ---
        """)
    site.incident("2026-01-01-first.md", """\
        ---
        title: First
        colour: red
        components: {fax: major_outage}
        updates:
          - at: 10:30
            state: investigating
            body: Looking.
        ---
        """)
    assert problems(site) == [
        f"{C}:12: components[0].sla: out of range (expected a number from 0 to 100, got 120)",
        f'incidents/2026-01-01-first.md:3: front matter: unknown key (expected one of {FRONT_KEYS}, got "colour")',
        'incidents/2026-01-01-first.md:4: components: unknown component (expected one of phone, got "fax")',
        f'incidents/2026-01-01-first.md:6: updates[0].at: not an ISO 8601 time ({TIME_EXPECTED}, got "10:30", '
        "which YAML reads as a number: 630 (base 60))",
        "incidents/2026-01-02-second.md:8: updates[1].at: update time goes backwards (expected "
        "2026-01-02T10:00:00+00:00 or later, as at line 5, got 2026-01-02T09:00:00+00:00)",
        'incidents/2026-01-02-second.md:9: updates[1].state: invalid incident state (did you mean resolved? expected '
        'one of resolved, investigating, identified, monitoring, got "resolvd")',
    ]


def test_problems_sort_by_line_as_a_number(site):
    lines = ["---", "title: Calls fail", "components: {phone: major_outage}", "updates:"]
    for hour in range(10, 22):
        lines += [f"  - at: 2026-01-01 {hour}:00", "    state: investigating", "    body: Still looking."]
    lines[8] = "    state: nope"  # line 9
    lines[-1] = "    bogus: 1"  # line 40
    site.incident(NAME, "\n".join(lines + ["---", ""]))
    assert problems(site) == [
        f'{F}:9: updates[1].state: invalid incident state (expected one of {INCIDENT_STATES}, got "nope")',
        f"{F}:38: updates[11]: missing key (expected body: text, got no body)",
        f'{F}:40: updates[11]: unknown key (expected one of {UPDATE_KEYS}, got "bogus")',
    ]


# --- encodings and line endings --------------------------------------------------------------------------------

def test_bom_and_crlf_load_fine(site):
    text = "\r\n".join(GOOD.splitlines()) + "\r\nThe summary.\r\n"
    site.incident(NAME, b"\xef\xbb\xbf" + text.encode())
    (site.content / C).write_bytes(b"\xef\xbb\xbf" + (site.content / C).read_bytes().replace(b"\n", b"\r\n"))
    (item,) = loaded(site).incidents
    assert item.title == "Calls fail in the north"
    assert item.updates[0].body == "We are looking into it."
    assert item.summary == "The summary."
    assert [c.id for c in loaded(site).catalog.components] == ["phone", "tv"]


def test_crlf_file_with_an_error_reports_the_right_line(site):
    text = "---\r\ntitle: Calls fail\r\ncomponents: {phone: major_outage}\r\nupdates:\r\n" \
           "  - at: 2026-01-01 10:00\r\n    state: broken\r\n    body: Looking.\r\n---\r\n"
    site.incident(NAME, b"\xef\xbb\xbf" + text.encode())
    assert problems(site) == [
        f'{F}:6: updates[0].state: invalid incident state (expected one of {INCIDENT_STATES}, got "broken")']


def test_crlf_catalog_with_an_error_reports_the_right_line(site):
    (site.content / C).write_bytes(b"areas:\r\n  - id: north\r\n    name: North\r\ncomponents:\r\n"
                                   b"  - id: phone\r\n    name: Phone\r\n    sla: lots\r\n")
    assert problems(site) == [f'{C}:7: components[0].sla: not a number (expected a number from 0 to 100, got "lots")']


# --- what is ignored -------------------------------------------------------------------------------------------

def test_other_files_are_ignored_and_sub_folders_read(site):
    site.incident(NAME, GOOD)
    for name in ("README.md", "notes.txt", "2026-01-01-draft.md.bak", "2026-01-01-test.md~", ".2026-01-01-x.md.swp",
                 "logo.png"):
        site.incident(name, "this is not an incident\n")
    (site.content / "incidents" / "archive").mkdir()
    site.incident("archive/2025-01-01-old.md", GOOD)
    assert [i.id for i in loaded(site).incidents] == ["2025-01-01-old", "2026-01-01-test"]


def test_no_incidents_folder_is_an_empty_site(site):
    (site.content / "incidents").rmdir()
    assert loaded(site).incidents == ()


# --- times -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, tz, expected", [
    ("2026-01-01 10:00", "UTC", datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc)),
    ("2026-01-01 10:00", "America/Chicago", datetime(2026, 1, 1, 10, 0, tzinfo=timezone(timedelta(hours=-6)))),
    ("2026-07-01 10:00", "America/Chicago", datetime(2026, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=-5)))),
    ("2026-07-01T10:00:30", "America/Chicago", datetime(2026, 7, 1, 10, 0, 30, tzinfo=timezone(timedelta(hours=-5)))),
    ("2026-07-01 10:00Z", "America/Chicago", datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)),
    ("2026-07-01T10:00+02:00", "America/Chicago", datetime(2026, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))),
    ("2026-07-01 10:00-03:30", "UTC", datetime(2026, 7, 1, 10, 0, tzinfo=timezone(-timedelta(hours=3, minutes=30)))),
    ('"2026-07-01 10:00"', "UTC", datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)),
])
def test_times(site, written, tz, expected):
    at = incident(site, GOOD.replace("2026-01-01 10:00", written), tz).updates[0].at
    assert at == expected
    assert at.utcoffset() == expected.utcoffset()  # the offset it was written with, or the zone's then


def test_ambiguous_local_time_is_the_first_of_the_two(site):
    # 01:30 happens twice on 2026-11-01 in Chicago; the first (still daylight time) is meant
    at = incident(site, GOOD.replace("2026-01-01 10:00", "2026-11-01 01:30"), "America/Chicago").updates[0].at
    assert at.utcoffset() == timedelta(hours=-5)


# --- values as written -----------------------------------------------------------------------------------------

def test_values_are_taken_as_written_not_as_yaml_guesses(site):
    item = incident(site, GOOD.replace("title: Calls fail in the north", "title: no\nticket: 0042"))
    assert item.title == "no"
    assert item.ticket == "0042"


@pytest.mark.parametrize("ticket", ["NOC-4471", "4471", "1e3", "true", "'0042'"])
def test_tickets_are_text(site, ticket):
    assert incident(site, GOOD.replace("updates:", f"ticket: {ticket}\nupdates:")).ticket == ticket.strip("'")


def test_a_full_incident(site):
    item = incident(site, """\
        ---
        title: Calls fail after a fiber cut
        impact: major
        started: 2026-08-29 09:05
        components:
          phone: major_outage
        areas: [north]
        ticket: NOC-4471
        eta: 2026-08-29 18:00
        updates:
          - at: 2026-08-29 09:20
            state: investigating
            next_update: 2026-08-29 10:00
            body: |
              Calls fail.

              Internet is fine.
          - at: 2026-08-29 10:05
            state: identified
            components: {phone: partial_outage, tv: degraded_performance}
            body: A crew cut a fiber.
          - at: 2026-08-29 17:40
            state: resolved
            components: {phone: operational}
            body: All calls complete.
        ---
        ## What happened

        A backhoe.
        """)
    utc = timezone.utc
    assert item.id == "2026-01-01-test"
    assert item.path == str(site.content / F)
    assert item.opened == date(2026, 1, 1)
    assert item.kind == "incident" and not item.is_maintenance
    assert item.impact == "major" and item.impact_declared
    assert item.started == datetime(2026, 8, 29, 9, 5, tzinfo=utc)
    assert item.began == item.started
    assert item.components == {"phone": "major_outage"}
    assert item.areas == ("north",)
    assert item.ticket == "NOC-4471"
    assert item.eta == datetime(2026, 8, 29, 18, 0, tzinfo=utc)
    assert item.window is None
    assert [(u.number, u.at, u.state, u.components, u.next_update) for u in item.updates] == [
        (1, datetime(2026, 8, 29, 9, 20, tzinfo=utc), "investigating", {}, datetime(2026, 8, 29, 10, 0, tzinfo=utc)),
        (2, datetime(2026, 8, 29, 10, 5, tzinfo=utc), "identified",
         {"phone": "partial_outage", "tv": "degraded_performance"}, None),
        (3, datetime(2026, 8, 29, 17, 40, tzinfo=utc), "resolved", {"phone": "operational"}, None),
    ]
    assert item.updates[0].body == "Calls fail.\n\nInternet is fine."
    assert item.ended == datetime(2026, 8, 29, 17, 40, tzinfo=utc)
    assert item.all_components() == ("phone", "tv")
    assert item.summary == "## What happened\n\nA backhoe."


def test_a_maintenance(site):
    item = incident(site, """\
        ---
        title: Switch upgrade
        kind: maintenance
        components: {phone: under_maintenance}
        window: {start: 2026-01-05 01:00, end: 2026-01-05 03:00}
        updates:
          - at: 2026-01-01 10:00
            state: scheduled
            body: We will upgrade the switch.
        ---
        """)
    assert item.is_maintenance
    assert item.window.start == datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
    assert item.window.end == datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)
    assert item.began == item.window.start
    assert item.impact == "none" and not item.impact_declared
    assert item.ended is None
    assert item.summary == ""


def test_equal_update_times_are_fine(site):
    item = incident(site, """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Looking.
          - at: 2026-01-01T10:00Z
            state: identified
            body: Found it.
        ---
        """)
    assert [u.state for u in item.updates] == ["investigating", "identified"]


# --- defaults --------------------------------------------------------------------------------------------------

def statuses_file(front: str, update: str = "") -> str:
    return f"---\ntitle: Something\ncomponents: {{{front}}}\nupdates:\n  - at: 2026-01-01 10:00\n" \
           f"    state: investigating\n    body: Looking.\n{update}---\n"


@pytest.mark.parametrize("front, update, areas", [
    ("phone: major_outage", "", ("north", "south")),
    ("tv: major_outage", "", ("south",)),
    ("phone: major_outage, tv: major_outage", "", ("north", "south")),
    ("tv: major_outage", "  - at: 2026-01-01 11:00\n    state: identified\n    components: {phone: partial_outage}\n"
                         "    body: Phones too.\n", ("north", "south")),
])
def test_default_areas_are_every_area_of_its_components_in_catalog_order(site, front, update, areas):
    site.catalog("""\
        areas:
          - id: south
            name: South
          - id: north
            name: North
        components:
          - id: phone
            name: Phone
          - id: tv
            name: TV
            areas: [south]
        """)
    expected = tuple(a for a in ("south", "north") if a in areas)  # the catalog lists south first here
    assert incident(site, statuses_file(front, update)).areas == expected


@pytest.mark.parametrize("front, update, impact", [
    ("phone: degraded_performance", "", "minor"),
    ("phone: partial_outage", "", "major"),
    ("phone: major_outage", "", "critical"),
    ("phone: under_maintenance", "", "none"),
    ("phone: degraded_performance, tv: partial_outage", "", "major"),
    # the worst status it ever set, also by an update
    ("phone: degraded_performance", "  - at: 2026-01-01 11:00\n    state: identified\n"
                                    "    components: {phone: major_outage}\n    body: Worse.\n", "critical"),
])
def test_impact_is_derived_from_the_worst_status_when_not_declared(site, front, update, impact):
    item = incident(site, statuses_file(front, update))
    assert (item.impact, item.impact_declared) == (impact, False)


def test_declared_impact_wins(site):
    item = incident(site, GOOD.replace("updates:", "impact: minor\nupdates:"))
    assert (item.impact, item.impact_declared) == ("minor", True)


def test_kind_defaults_to_incident(site):
    assert incident(site).kind == "incident"


def test_summary_below_the_front_matter_is_kept(site):
    item = incident(site, GOOD + "\n\nWe replaced the **card**.\n\n- one\n- two\n\n")
    assert item.summary == "We replaced the **card**.\n\n- one\n- two"


def test_a_catalog(site):
    site.catalog("""\
        areas:
          - id: north
            name: North
            description: Up the valley
          - id: south
            name: South
        groups:
          - id: voice
            name: Voice
            description: Calling
        components:
          - id: phone
            name: Phone
            group: voice
            description: Landline
            sla: 99.95
            since: 2024-01-01
          - id: tv
            name: TV
            areas: [south]
            sla: 100
        """)
    catalog = loaded(site).catalog
    assert [(a.id, a.name, a.description) for a in catalog.areas] == [("north", "North", "Up the valley"),
                                                                       ("south", "South", None)]
    assert [(g.id, g.name, g.description) for g in catalog.groups] == [("voice", "Voice", "Calling")]
    phone, tv = catalog.components
    assert (phone.id, phone.name, phone.group, phone.description, phone.areas, phone.sla, phone.since) == (
        "phone", "Phone", "voice", "Landline", ("north", "south"), 99.95, date(2024, 1, 1))
    assert (tv.group, tv.areas, tv.sla, tv.since) == (None, ("south",), 100.0, None)
    assert catalog.component["tv"] is tv and catalog.area["north"].name == "North"
    assert catalog.components_in("voice") == (phone,) and catalog.components_in(None) == (tv,)
    assert catalog.components_of_area("north") == (phone,)


def test_incidents_are_sorted_by_when_they_began(site):
    site.incident("2026-01-05-later.md", GOOD.replace("2026-01-01 10:00", "2026-01-05 10:00"))
    site.incident("2026-01-06-started-earlier.md", GOOD.replace("2026-01-01 10:00", "2026-01-06 10:00")
                  .replace("updates:", "started: 2026-01-02 08:00\nupdates:"))
    site.incident("2026-01-01-b.md", GOOD)
    site.incident("2026-01-01-a.md", GOOD)
    assert [i.id for i in loaded(site).incidents] == [
        "2026-01-01-a", "2026-01-01-b", "2026-01-06-started-earlier", "2026-01-05-later"]


def test_the_example_content_loads():
    site = load_site(ROOT / "content", "America/Chicago")
    assert len(site.incidents) == len(list((ROOT / "content" / "incidents").glob("*.md")))


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("components:\n  phone", "components:\n\tphone"),
     [f"{F}:4: unparseable YAML: a tab (expected spaces to indent, got a tab character)"]),
    (GOOD.replace("body: We are looking into it.", "body: *nope"),
     [f"{F}:8: unparseable YAML: undefined alias (expected an anchor &nope above, got *nope)"]),
    (GOOD.replace("title: Calls", "title: !foo Calls"),
     [f"{F}:2: unsupported YAML tag (expected a plain value, got !foo)"]),
    (GOOD.replace("phone: major_outage", "phone: !!python/object:os.system major_outage"),
     [f"{F}:4: unsupported YAML tag (expected a plain value, got !!python/object:os.system)"]),
    (GOOD.replace("title: Calls fail in the north", "title: Calls\nticket: !!binary aGk="),
     [f"{F}:3: unsupported YAML tag (expected a plain value, got !!binary)"]),
])
def test_yaml_mistakes_in_the_authors_terms(site, text, expected):
    site.incident(NAME, text)
    assert problems(site) == expected


def test_an_explicit_plain_tag_is_fine(site):
    site.incident(NAME, GOOD.replace("title: Calls", "title: !!str Calls"))
    assert incident(site).title == "Calls fail in the north"


def test_a_catalog_without_components_does_not_make_every_incident_wrong(site):
    site.catalog("areas:\n  - id: north\n    name: North\ncomponents: []\n")
    site.incident(NAME, GOOD)
    assert problems(site) == [f"{C}:4: components: empty (expected at least one component, got an empty list)"]


def test_an_update_may_give_a_new_eta_and_the_latest_stands(site):
    text = GOOD.replace("    body: We are looking into it.", "    eta: 2026-01-01 12:00\n    body: We are looking into it.")
    first = incident(site, text)
    assert first.updates[0].eta == first.eta
    assert first.eta.hour == 12


@pytest.mark.parametrize("written, micro", [("2026-09-14T10:40:30.5", 500000), ("2026-09-14 10:40:30,25", 250000),
                                            ("2026-09-14T10:40:30.123456789Z", 123456)])
def test_fractional_seconds_are_iso_8601_too(written, micro):
    assert parse_time(written, timezone.utc).microsecond == micro


def test_many_files_are_read_by_two_processes_with_the_same_result(site, monkeypatch):
    """From PARALLEL_FROM files on, a forked process reads a share of the files (HELPER_SHARE, spread among them):
    the incidents, the problems (each at its line, the cap per file included) and their order are those of one
    process."""
    import statusgen.load as load

    for n in range(24):
        text = GOOD.replace("title: Calls fail", f"title: Calls fail {n}")
        if n % 5 == 0:
            text = text.replace("state: investigating", "state: looking")  # a problem in every fifth file
        site.incident(f"2026-08-{n % 28 + 1:02d}-calls-{n}.md", text)
    site.incident("2026-08-02-many.md", "---\n" + "".join(f"bad{k}: 1\n" for k in range(300)) + "---\n")

    def run(parallel_from: int):
        monkeypatch.setattr(load, "PARALLEL_FROM", parallel_from)
        with pytest.raises(ContentError) as failed:
            load_site(site.content, "UTC")
        return [str(p) for p in failed.value.problems]

    serial, parallel = run(10**9), run(2)
    assert parallel == serial
    assert sum("state: " in line for line in serial) == 5 and any("more problems" in line for line in serial)
    for path in site.content.glob("incidents/*-many.md"):
        path.unlink()
    for path in site.content.glob("incidents/*.md"):
        path.write_text(path.read_text().replace("state: looking", "state: investigating"))
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    parallel = load_site(site.content, "UTC")
    monkeypatch.setattr(load, "PARALLEL_FROM", 10**9)
    assert parallel == load_site(site.content, "UTC") and len(parallel.incidents) == 24


def test_the_loaders_remembered_tags_are_the_tags_yaml_gives():
    """statusgen.source.LOADER looks up a plain value's tag by its text: the same tags as PyYAML's own loader,
    asked twice (the second time from what it remembered)."""
    import yaml

    from statusgen.source import LOADER

    text = """\
a: 1
b: 1.5
c: true
d: yes
e: ~
f: null
g: 2026-08-29
h: 2026-08-29 09:20
i: 0x1F
j: .inf
k: "1"
l: '2026-08-29'
m: [1, two, 3.0, false, 2026-01-01, -7, +3, 1_000, 0o17, .NaN]
n: {x: NULL, y: Off, z: text with spaces}
o: |
  1
p: plain text that is long enough not to be remembered because it has more than sixty-four characters in it
q: &base {x: 1, y: [a, b]}
r:
  <<: *base
  z: !!str 5
s: !custom 7
t: [*base, {? [complex, key] : value}]
u: >
  folded 12
v: ''
w:
"""

    def tags(node):
        found = [node.tag]
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found += tags(key) + tags(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                found += tags(item)
        return found

    base = LOADER.__mro__[1]
    expected = tags(yaml.compose(text, Loader=base))
    assert tags(yaml.compose(text, Loader=LOADER)) == expected == tags(yaml.compose(text, Loader=LOADER))
    assert "tag:yaml.org,2002:int" in expected and "tag:yaml.org,2002:timestamp" in expected
    assert "tag:yaml.org,2002:merge" in expected and "!custom" in expected
    plain = "".join(line for line in text.splitlines(True) if not line.startswith(("s:", "t:")))  # loadable
    loaded = yaml.load(plain, Loader=LOADER)  # the values too, the merge key's among them
    assert loaded == yaml.load(plain, Loader=base) and loaded["r"] == {"x": 1, "y": ["a", "b"], "z": "5"}


def _exists_by_round_trip(naive: datetime, tz) -> bool:
    """The meaning of "exists": a local time survives the trip to UTC and back (the gap's times come back an hour on)."""
    return naive.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == naive


@pytest.mark.slow  # about a second a zone: left to `make test`
@pytest.mark.parametrize("name", ["America/Chicago", "Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca",
                                  "America/Sao_Paulo", "Pacific/Apia"])
def test_parse_time_refuses_exactly_the_local_times_a_change_of_clocks_skips(name):
    """parse_time tells a skipped time by its offsets (PEP 495: less at fold 0 than at fold 1): the same verdict as
    the round trip through UTC, minute by minute around every change of offset from 1970 to 2030, in zones with
    half-hour changes (Lord Howe), a negative summer time (Dublin), several changes a year (Casablanca) and a skipped
    day (Apia, 2011), read as the times authors write: `HH:MM`, with seconds, and with a T."""
    from statusgen.times import zone

    tz = zone(name)
    hour, changes = timedelta(hours=1), []
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc)
    while moment.year < 2030:
        if moment.astimezone(tz).utcoffset() != (moment + 12 * hour).astimezone(tz).utcoffset():
            changes.append(moment)
        moment += 12 * hour
    assert len(changes) > 20
    checked = skipped = 0
    for change in changes:
        before, low, high = change.astimezone(tz).utcoffset(), 0, 12 * 60  # to the minute of the change
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if (change + timedelta(minutes=middle)).astimezone(tz).utcoffset() == before \
                else (low, middle)
        local = (change + timedelta(minutes=high)).astimezone(tz).replace(tzinfo=None) - hour / 2
        for minutes in range(0, 2 * 60):  # from half an hour before the change to the end of a gap of up to an hour
            naive = local + timedelta(minutes=minutes)
            forms = [(naive.strftime("%Y-%m-%d %H:%M"), 0), (naive.strftime("%Y-%m-%dT%H:%M:59"), 59)]
            for text, seconds in forms[: 1 + (minutes % 3 == 0)]:
                naive_here = naive.replace(second=seconds)
                checked += 1
                if _exists_by_round_trip(naive_here, tz):
                    assert parse_time(text, tz) == naive_here.replace(tzinfo=tz), text
                else:
                    skipped += 1
                    with pytest.raises(ValueError, match="not a time that exists"):
                        parse_time(text, tz)
    assert checked > 20 * 2 * 60 and skipped >= 10 * 30


@pytest.mark.parametrize("text", ["2026-02-29 10:00", "2026-04-31 10:00", "2026-11-22 24:00", "2026-11-22 23:60",
                                  "2026-11-22 23:59:60", "2026-13-01 00:00", "2026-00-10 00:00", "2026-01-00 00:00"])
def test_parse_time_refuses_a_date_or_time_that_is_not_real(text):
    with pytest.raises(ValueError, match=r"not a real date and time \(expected"):
        parse_time(text, timezone.utc)
    with pytest.raises(ValueError, match=r"not a real date and time \(expected"):
        parse_time(text + "+02:00", timezone.utc)


def test_parse_time_reads_every_form_authors_write_the_same_way():
    """Offsets, Z, T or a space, seconds and fractions (cut to microseconds): what each says, exactly."""
    from statusgen.times import zone

    chicago = zone("America/Chicago")
    cases = {
        "2026-11-22 10:30": datetime(2026, 11, 22, 10, 30, tzinfo=chicago),
        "2026-11-22T10:30:05": datetime(2026, 11, 22, 10, 30, 5, tzinfo=chicago),
        "2026-11-22 10:30:05.5": datetime(2026, 11, 22, 10, 30, 5, 500000, tzinfo=chicago),
        "2026-11-22 10:30:05,123456789": datetime(2026, 11, 22, 10, 30, 5, 123456, tzinfo=chicago),
        "2026-11-22 10:30Z": datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc),
        "2026-11-22T10:30:00+05:30": datetime(2026, 11, 22, 10, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        "2026-11-22 10:30-00:00": datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc),
        "2026-11-22 10:30-23:59": datetime(2026, 11, 22, 10, 30, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
        "2026-11-01 01:30": datetime(2026, 11, 1, 1, 30, tzinfo=chicago),  # the repeated hour: its first time
    }
    for text, expected in cases.items():
        got = parse_time(text, chicago)
        assert got == expected and got.utcoffset() == expected.utcoffset() and got.fold == 0, text
    assert parse_time("2026-11-22 10:30Z", chicago).tzinfo is timezone.utc
    assert parse_time("2026-03-08 02:30", timezone.utc) == datetime(2026, 3, 8, 2, 30, tzinfo=timezone.utc)
    for text in ("2026-11-22 10:30+24:00", "2026-11-22 10:30+05:60"):
        with pytest.raises(ValueError, match="not a valid UTC offset"):
            parse_time(text, chicago)
    for text in ("1969-12-31 23:59", "3000-01-01 00:00", "0000-01-01 00:00"):
        with pytest.raises(ValueError, match="out of range|not a real date"):
            parse_time(text, chicago)
