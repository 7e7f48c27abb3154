"""Statuspage v2 JSON: rendered from tmp sites and the example, parsed back, validated with jsonschema against the
schemas in tests/data/statuspage-v2 (with the formats checked), and compared with real captured responses.

The site fixture's catalog: areas north and south; group voice with phone (both areas); tv, ungrouped, only south.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from statusgen.api import ApiSettings, documents, stamp
from statusgen.load import load_site
from statusgen.status import as_posted, snapshot
from statusgen.times import zone
from statusgen.urls import Urls
from tests.conftest import ROOT, utc

STATUSPAGE = ROOT / "tests" / "data" / "statuspage-v2"  # copied from the project's shared folder; see SOURCES.md
SAMPLES = STATUSPAGE / "samples"
SUMMARY_SAMPLE = SAMPLES / "atc0005-check-statuspage__testdata_summary_instructure-summary.json"
COMPONENTS_SAMPLE = SAMPLES / "atc0005-check-statuspage__testdata_components_github-components-with-problem.json"
SETTINGS = ApiSettings(page_id="status.example.org", name="Example Status", url="https://status.example.org",
                       time_zone="Etc/UTC")
BUILD = datetime(2026, 11, 22, 21, 0, tzinfo=timezone.utc)
FILES = ("summary", "status", "components", "incidents", "incidents/unresolved", "scheduled-maintenances",
         "scheduled-maintenances/upcoming", "scheduled-maintenances/active")
url = Urls().url  # the default URL table, as the plugin passes it


def link(path: str) -> str:
    return f"https://status.example.org/{path}"


def incident(updates=(("2026-11-21 09:00", "investigating", "Calls fail."),), *, title="Calls fail",
             components="phone: major_outage", extra="") -> str:
    """An incident file; each update is (at, state, body) or (at, state, body, components)."""
    return _file(["---", f"title: {title}", f"components: {{{components}}}"], updates, extra)


def maintenance(updates=(("2026-11-20 10:30", "scheduled", "We will replace the phone switch."),), *,
                title="Phone switch replacement", window=("2026-12-03 01:00", "2026-12-03 05:00"),
                components="phone: under_maintenance", extra="") -> str:
    head = ["---", f"title: {title}", "kind: maintenance", f"components: {{{components}}}",
            f"window: {{start: {window[0]}, end: {window[1]}}}"]
    return _file(head, updates, extra)


def _file(head: list[str], updates, extra: str) -> str:
    lines = head + ([extra] if extra else []) + ["updates:"]
    for when, state, body, *changes in updates:
        lines += [f"  - at: {when}", f"    state: {state}", f"    body: {json.dumps(body)}"]
        lines += [f"    components: {{{changes[0]}}}"] if changes else []
    return "\n".join(lines + ["---", ""])


def render(model, at: datetime = BUILD, settings: ApiSettings = SETTINGS, link=link) -> dict[str, bytes]:
    """What the plugin does: the site as posted at `at`, then every API file."""
    shown = replace(model, incidents=as_posted(model.incidents, at))
    return documents(shown, at, settings, url, link)


def api(model, at: datetime = BUILD, **kwargs) -> dict[str, Any]:
    """Every API file parsed, keyed by its name without api/v2/ and .json."""
    return {path.removeprefix("api/v2/").removesuffix(".json"): json.loads(data)
            for path, data in render(model, at, **kwargs).items()}


def ids(items) -> list[str]:
    return [item["id"] for item in items]


def by_id(items, ident: str) -> dict[str, Any]:
    (found,) = [item for item in items if item["id"] == ident]
    return found


# --- schema validation ---------------------------------------------------------------------------------------

# jsonschema checks "date-time" and "uri" only with optional packages that are not installed here; these two do.
FORMATS = FormatChecker()
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.ASCII)


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    return not isinstance(value, str) or (bool(_RFC3339.fullmatch(value)) and bool(datetime.fromisoformat(value)))


@FORMATS.checks("uri")
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    """A validator for each API file: the two schemas as they are, and for the other files the shapes the
    summary schema defines for their parts."""
    summary = json.loads((STATUSPAGE / "schema" / "summary.schema.json").read_text())
    incidents = json.loads((STATUSPAGE / "schema" / "incidents.schema.json").read_text())

    def shaped(**properties) -> dict:
        return {"$schema": summary["$schema"], "$defs": summary["$defs"], "type": "object",
                "required": ["page", *properties],
                "properties": {"page": {"$ref": "#/$defs/page"}, **properties}}

    def array_of(definition: str) -> dict:
        return {"type": "array", "maxItems": 50, "items": {"$ref": f"#/$defs/{definition}"}}

    schemas = {
        "summary": summary,
        "status": shaped(status={"$ref": "#/$defs/status"}),
        "components": shaped(components={"type": "array", "items": {"$ref": "#/$defs/component"}}),
        "incidents": incidents,
        "incidents/unresolved": incidents,
        **{name: shaped(scheduled_maintenances=array_of("scheduledMaintenance"))
           for name in ("scheduled-maintenances", "scheduled-maintenances/upcoming",
                        "scheduled-maintenances/active")},
    }
    for schema in {id(schema): schema for schema in schemas.values()}.values():  # each once: two files share one
        # a shape's $defs are the summary schema's own, checked with it (0.07 CPU-s each time): the rest alone here
        shape = schema is not summary and schema is not incidents
        Draft202012Validator.check_schema({k: v for k, v in schema.items() if k != "$defs"} if shape else schema)
    return {name: Draft202012Validator(schema, format_checker=FORMATS) for name, schema in schemas.items()}


def assert_valid(validator: Draft202012Validator, doc: Any) -> None:
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not problems, "\n".join(problems)


def assert_all_valid(validators, docs: dict[str, Any]) -> None:
    assert sorted(docs) == sorted(FILES)
    for name, doc in docs.items():
        assert_valid(validators[name], doc)


def test_the_schemas_and_format_checks_accept_the_real_responses(validators):
    summary = json.loads(SUMMARY_SAMPLE.read_text())
    assert_valid(validators["summary"], summary)
    assert_valid(validators["components"], json.loads(COMPONENTS_SAMPLE.read_text()))
    summary["page"]["updated_at"] = "2021-12-07 11:07"  # and the format checks do check
    summary["incidents"][0]["shortlink"] = "stspg.io/0vf16sb2j8xn"
    with pytest.raises(Exception, match="is not a 'date-time'"):
        validators["summary"].validate(summary)
    summary["page"]["updated_at"] = "2021-12-07T11:07:15.773-07:00"
    with pytest.raises(Exception, match="is not a 'uri'"):
        validators["summary"].validate(summary)


# --- a small site with one of everything ---------------------------------------------------------------------

@pytest.fixture
def busy(site):
    """Open and resolved incidents; upcoming, active, completed and cancelled maintenance (at BUILD)."""
    site.incident("2026-11-22-calls-fail.md", incident((
        ("2026-11-22 18:00", "investigating", "Calls fail."),
        ("2026-11-22 19:00", "identified", "A card failed.", "phone: partial_outage"))))
    site.incident("2026-11-10-tv-outage.md", incident((
        ("2026-11-10 08:00", "investigating", "No TV."),
        ("2026-11-10 09:00", "resolved", "TV is back.")), title="No TV", components="tv: major_outage"))
    site.incident("2026-11-20-switch.md", maintenance())
    site.incident("2026-11-21-tv-headend.md", maintenance(
        (("2026-11-21 10:00", "scheduled", "Headend work."),), title="TV headend work",
        window=("2026-11-22 20:00", "2026-11-22 23:00"), components="tv: under_maintenance"))
    site.incident("2026-11-01-router.md", maintenance(
        (("2026-11-01 10:00", "scheduled", "Router work."), ("2026-11-05 01:00", "in_progress", "Started."),
         ("2026-11-05 02:00", "completed", "Done.")), title="Router work",
        window=("2026-11-05 01:00", "2026-11-05 03:00")))
    site.incident("2026-11-02-dropped.md", maintenance(
        (("2026-11-02 10:00", "scheduled", "Voicemail work."), ("2026-11-03 10:00", "cancelled", "Called off.")),
        title="Voicemail work", window=("2026-11-09 01:00", "2026-11-09 03:00")))
    return load_site(site.content)


def test_every_file_is_written_and_valid(busy, validators):
    data = render(busy)
    assert list(data) == [f"api/v2/{name}.json" for name in FILES]
    assert_all_valid(validators, api(busy))


def test_key_order_follows_real_responses(busy):
    """Keys in the order Statuspage sends them, as in the captured samples."""
    sample = json.loads(SUMMARY_SAMPLE.read_text())
    docs = api(busy)
    summary = docs["summary"]
    assert list(summary) == list(sample)
    assert list(summary["page"]) == list(sample["page"])
    [sample_group] = [c for c in sample["components"] if c["group"]][:1]
    [sample_child] = [c for c in sample["components"] if not c["group"]][:1]
    assert list(by_id(summary["components"], "group--voice")) == list(sample_group)
    assert list(by_id(summary["components"], "phone")) == list(sample_child)
    sample_incident = sample["incidents"][0]
    sample_update = sample_incident["incident_updates"][0]
    for item in docs["incidents"]["incidents"]:
        assert list(item) == list(sample_incident)
        assert all(list(u) == list(sample_update) for u in item["incident_updates"])
        assert all(list(a) == list(sample_update["affected_components"][0])
                   for u in item["incident_updates"] for a in u["affected_components"] or [])
        assert all(list(c) == list(sample_child) for c in item["components"])
    for item in docs["scheduled-maintenances"]["scheduled_maintenances"]:
        assert list(item) == list(sample_incident) + ["scheduled_for", "scheduled_until"]
    for name in FILES:
        assert next(iter(docs[name])) == "page"
    assert list(docs["status"]) == ["page", "status"]
    assert list(docs["components"]) == list(json.loads(COMPONENTS_SAMPLE.read_text()))


def test_same_input_same_bytes(site, busy):
    assert render(busy) == render(busy) == render(load_site(site.content))


def test_files_are_indented_utf8_ending_in_a_newline(site):
    site.incident("2026-11-21-calls.md", incident(title="Störung — Anrufe ☎ scheitern"))
    data = render(load_site(site.content))["api/v2/incidents.json"]
    assert "Störung — Anrufe ☎ scheitern".encode() in data
    assert data.endswith(b"}\n") and data.startswith(b'{\n  "page": {\n    "id": ')


# --- page and overall status ---------------------------------------------------------------------------------

def test_page_is_the_settings_and_the_newest_change(busy):
    page = api(busy)["summary"]["page"]
    # The newest real update, at 19:00: the TV headend window that started at 20:00 per schedule is no update.
    assert page == {"id": "status.example.org", "name": "Example Status", "url": "https://status.example.org",
                    "time_zone": "Etc/UTC", "updated_at": "2026-11-22T19:00:00.000Z"}
    assert api(busy, utc("2026-11-22 19:30"))["status"]["page"]["updated_at"] == "2026-11-22T19:00:00.000Z"


def test_a_site_with_nothing_posted_is_updated_at_the_build_time(site):
    model = load_site(site.content)
    docs = api(model)
    assert docs["status"]["page"]["updated_at"] == "2026-11-22T21:00:00.000Z"
    assert {c["created_at"] for c in docs["components"]["components"]} == {"2026-11-22T21:00:00.000Z"}


def test_nothing_new_means_the_same_bytes_at_a_later_build(busy):
    """No build time in the files: a scheduled rebuild with nothing new changes nothing."""
    assert render(busy, utc("2026-11-22 21:00")) == render(busy, utc("2026-11-22 22:59"))
    assert render(busy, utc("2026-11-22 22:59")) != render(busy, utc("2026-11-22 23:00"))  # the window ended


@pytest.fixture
def changing(site):
    site.incident("2026-11-21-calls.md", incident((
        ("2026-11-21 09:00", "investigating", "Calls fail."),
        ("2026-11-21 10:00", "identified", "Some calls work.", "phone: partial_outage"),
        ("2026-11-21 10:30", "identified", "Degraded now.", "phone: degraded_performance"),
        ("2026-11-21 11:00", "resolved", "Fixed."))))
    return load_site(site.content)


@pytest.mark.parametrize("when, indicator, description", [
    ("2026-11-21 08:00", "none", "All Systems Operational"),
    ("2026-11-21 09:30", "critical", "Major System Outage"),
    ("2026-11-21 10:15", "major", "Partial System Outage"),
    ("2026-11-21 10:45", "minor", "Minor Service Outage"),
    ("2026-11-21 11:30", "none", "All Systems Operational"),
])
def test_overall_status_before_during_and_after_an_incident(changing, validators, when, indicator, description):
    docs = api(changing, utc(when))
    expected = {"indicator": indicator, "description": description}
    assert docs["summary"]["status"] == docs["status"]["status"] == expected
    assert_all_valid(validators, docs)


def test_maintenance_in_progress_is_service_under_maintenance(site):
    site.incident("2026-11-20-switch.md", maintenance())
    docs = api(load_site(site.content), utc("2026-12-03 02:00"))
    assert docs["status"]["status"] == {"indicator": "maintenance", "description": "Service Under Maintenance"}


def test_a_declared_impact_sets_the_indicator(site):
    site.incident("2026-11-21-calls.md", incident(components="phone: major_outage", extra="impact: minor"))
    docs = api(load_site(site.content))
    assert docs["status"]["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    assert docs["incidents"]["incidents"][0]["impact"] == "minor"


# --- components ----------------------------------------------------------------------------------------------

def test_component_status_is_the_worst_over_its_areas(site):
    site.incident("2026-11-21-north.md", incident(
        components="phone: degraded_performance, tv: major_outage", extra="areas: [north]"))
    site.incident("2026-11-21-south.md", incident(components="phone: partial_outage", extra="areas: [south]"))
    model = load_site(site.content)
    components = api(model)["components"]["components"]
    status = {c["id"]: c["status"] for c in components}
    # tv is offered only in the south: the northern incident leaves it alone.
    assert status == {"group--voice": "partial_outage", "phone": "partial_outage", "tv": "operational"}
    now = snapshot(model.catalog, model.incidents, BUILD)
    assert {c: status[c] for c in now.components} == now.components


def test_groups_and_components_in_one_flat_list(site):
    docs = api(load_site(site.content))
    components = docs["components"]["components"]
    assert docs["summary"]["components"] == components
    assert [(c["id"], c["group"], c["group_id"], c["position"]) for c in components] == [
        ("group--voice", True, None, 1), ("phone", False, "group--voice", 1), ("tv", False, None, 2)]
    group, phone, tv = components
    assert group["components"] == ["phone"] and group["name"] == "Voice"
    assert "components" not in phone and "components" not in tv
    assert {c["page_id"] for c in components} == {"status.example.org"}
    assert not any(c["showcase"] or c["only_show_if_degraded"] for c in components)


def test_a_group_and_a_component_may_share_an_id(site, validators):
    site.catalog("""\
        areas: [{id: north, name: North}]
        groups: [{id: email, name: Email, description: Mail for everyone}]
        components:
          - {id: email, name: Webmail, group: email}
          - {id: smtp, name: Outgoing mail, group: email, description: Sending}
        """)
    components = api(load_site(site.content))["components"]["components"]
    assert [(c["id"], c["group_id"], c["description"]) for c in components] == [
        ("group--email", None, "Mail for everyone"), ("email", "group--email", None),
        ("smtp", "group--email", "Sending")]
    assert components[0]["components"] == ["email", "smtp"]
    assert len(set(ids(components))) == len(components)


def test_component_times_come_from_since_and_from_what_touched_them(site):
    site.catalog("""\
        areas: [{id: north, name: North}]
        groups: [{id: voice, name: Voice}]
        components:
          - {id: phone, name: Phone, group: voice, since: 2026-01-01}
          - {id: tv, name: TV}
          - {id: radio, name: Radio}
          - {id: fax, name: Fax, since: 2027-01-01}
        """)
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "America/Chicago"\n')
    site.incident("2026-03-01-tv.md", incident((
        ("2026-03-01 10:00", "investigating", "No TV."), ("2026-03-01 12:00", "resolved", "Back.")),
        components="tv: major_outage"))
    site.incident("2026-02-01-phone.md", incident((
        ("2026-02-01 10:00", "investigating", "No calls."), ("2026-07-01 12:00", "resolved", "Back.")),
        components="phone: major_outage"))
    components = {c["id"]: c for c in api(load_site(site.content, "America/Chicago"))["components"]["components"]}
    times = {k: (c["created_at"], c["updated_at"], c["start_date"]) for k, c in components.items()}
    assert times == {
        "group--voice": ("2026-01-01T00:00:00.000-06:00", "2026-07-01T12:00:00.000-05:00", None),
        "phone": ("2026-01-01T00:00:00.000-06:00", "2026-07-01T12:00:00.000-05:00", "2026-01-01"),
        "tv": ("2026-03-01T10:00:00.000-06:00", "2026-03-01T12:00:00.000-06:00", None),
        # Never touched: the site's first update; `since` still ahead does not make a future created_at.
        "radio": ("2026-02-01T10:00:00.000-06:00", "2026-02-01T10:00:00.000-06:00", None),
        "fax": ("2026-02-01T10:00:00.000-06:00", "2026-02-01T10:00:00.000-06:00", "2027-01-01"),
    }


# --- incidents -----------------------------------------------------------------------------------------------

@pytest.fixture
def timeline(site):
    site.incident("2026-11-21-calls.md", incident((
        ("2026-11-21 09:00", "investigating", "Calls and TV fail.\n\n- **North**: no dial tone"),
        ("2026-11-21 09:30", "identified", "A card failed.", "phone: partial_outage"),
        ("2026-11-21 10:00", "identified", "Still working on it."),
        ("2026-11-21 10:30", "monitoring", "TV is back.", "tv: operational"),
        ("2026-11-21 11:00", "resolved", "All fixed.")),
        components="phone: major_outage, tv: major_outage", extra="started: 2026-11-21 08:45"))
    return load_site(site.content)


def test_an_incident_with_its_updates_newest_first(timeline):
    (item,) = api(timeline)["incidents"]["incidents"]
    assert {k: v for k, v in item.items() if k not in ("incident_updates", "components")} == {
        "id": "2026-11-21-calls", "name": "Calls fail", "status": "resolved",
        "created_at": "2026-11-21T09:00:00.000Z", "updated_at": "2026-11-21T11:00:00.000Z",
        "monitoring_at": "2026-11-21T10:30:00.000Z", "resolved_at": "2026-11-21T11:00:00.000Z",
        "impact": "critical", "shortlink": "https://status.example.org/incidents/2026-11-21-calls/",
        "started_at": "2026-11-21T08:45:00.000Z", "page_id": "status.example.org"}
    updates = item["incident_updates"]
    assert [(u["id"], u["status"], u["created_at"]) for u in updates] == [
        ("2026-11-21-calls-update-5", "resolved", "2026-11-21T11:00:00.000Z"),
        ("2026-11-21-calls-update-4", "monitoring", "2026-11-21T10:30:00.000Z"),
        ("2026-11-21-calls-update-3", "identified", "2026-11-21T10:00:00.000Z"),
        ("2026-11-21-calls-update-2", "identified", "2026-11-21T09:30:00.000Z"),
        ("2026-11-21-calls-update-1", "investigating", "2026-11-21T09:00:00.000Z")]
    assert updates[-1]["body"] == "Calls and TV fail.\n\n- **North**: no dial tone"  # the Markdown as written
    assert all(u["created_at"] == u["updated_at"] == u["display_at"] and u["incident_id"] == item["id"]
               and u["deliver_notifications"] is True and u["custom_tweet"] is None and u["tweet_id"] is None
               for u in updates)
    assert [(c["id"], c["status"]) for c in item["components"]] == [("phone", "operational"), ("tv", "operational")]


def test_affected_components_say_what_each_update_changed(timeline):
    (item,) = api(timeline)["incidents"]["incidents"]
    changed = {u["id"].rsplit("-", 1)[1]: u["affected_components"] for u in item["incident_updates"]}

    def change(code, name, old, new):
        return {"code": code, "name": name, "old_status": old, "new_status": new}

    assert changed == {
        "1": [change("phone", "Voice - Phone", "operational", "major_outage"),
              change("tv", "TV", "operational", "major_outage")],
        "2": [change("phone", "Voice - Phone", "major_outage", "partial_outage")],
        "3": None,  # as Statuspage sends for an update that touches no component
        "4": [change("tv", "TV", "major_outage", "operational")],
        "5": [change("phone", "Voice - Phone", "partial_outage", "operational")],  # resolving ends what was left
    }


def test_open_incident_components_show_their_status_now(timeline):
    docs = api(timeline, utc("2026-11-21 09:45"))
    (item,) = docs["incidents/unresolved"]["incidents"]
    assert [(c["id"], c["status"], c["group_id"]) for c in item["components"]] == [
        ("phone", "partial_outage", "group--voice"), ("tv", "major_outage", None)]
    assert item["status"] == "identified" and item["resolved_at"] is None and item["monitoring_at"] is None
    assert item["updated_at"] == "2026-11-21T09:30:00.000Z"
    assert len(item["incident_updates"]) == 2  # only what was posted by then


def test_unresolved_and_resolved_incidents(site, validators):
    site.incident("2026-11-10-old.md", incident((
        ("2026-11-10 09:00", "investigating", "Slow."), ("2026-11-10 10:00", "resolved", "Fine.")),
        components="phone: degraded_performance"))
    site.incident("2026-11-20-watch.md", incident((
        ("2026-11-20 09:00", "investigating", "No TV."),
        ("2026-11-20 10:00", "monitoring", "Back.", "tv: operational")), components="tv: major_outage"))
    site.incident("2026-11-21-calls.md", incident())
    docs = api(load_site(site.content))
    assert [(i["id"], i["status"]) for i in docs["incidents"]["incidents"]] == [
        ("2026-11-21-calls", "investigating"), ("2026-11-20-watch", "monitoring"), ("2026-11-10-old", "resolved")]
    assert ids(docs["incidents/unresolved"]["incidents"]) == ["2026-11-21-calls", "2026-11-20-watch"]
    assert docs["summary"]["incidents"] == docs["incidents/unresolved"]["incidents"]
    assert all(i["resolved_at"] is None for i in docs["summary"]["incidents"])
    assert docs["incidents"]["incidents"][2]["resolved_at"] == "2026-11-10T10:00:00.000Z"
    assert not docs["scheduled-maintenances"]["scheduled_maintenances"]  # incidents only, as Statuspage
    assert_all_valid(validators, docs)


def test_fifty_most_recent_incidents_and_maintenance(site, validators):
    for day in range(1, 56):
        when = f"2026-{(day - 1) // 28 + 1:02d}-{(day - 1) % 28 + 1:02d}"
        site.incident(f"{when}-outage.md", incident(((f"{when} 09:00", "investigating", "Down."),
                                                     (f"{when} 10:00", "resolved", "Up."))))
        site.incident(f"{when}-work.md", maintenance(((f"{when} 09:00", "scheduled", "Work."),),
                                                     window=(f"{when} 12:00", f"{when} 13:00")))
    docs = api(load_site(site.content))
    listed = ids(docs["incidents"]["incidents"])
    assert len(listed) == 50 and listed[0] == "2026-02-27-outage" and listed[-1] == "2026-01-06-outage"
    work = ids(docs["scheduled-maintenances"]["scheduled_maintenances"])
    assert len(work) == 50 and work[0] == "2026-02-27-work" and work[-1] == "2026-01-06-work"
    assert_all_valid(validators, docs)


# --- maintenance ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("when, status, lists, phone, updated_at", [
    ("2026-11-22 21:00", "scheduled", {"upcoming"}, "operational", "2026-11-20T10:30:00.000Z"),
    # Its window started with no update: in progress per schedule, as the pages show it; updated_at stays the time
    # of the last real update.
    ("2026-12-03 02:00", "in_progress", {"active"}, "under_maintenance", "2026-11-20T10:30:00.000Z"),
    # Its window ended with no update: over per schedule, but nobody confirmed it: never "completed", no resolved_at.
    ("2026-12-03 06:00", "verifying", set(), "operational", "2026-11-20T10:30:00.000Z"),
])
def test_maintenance_follows_its_schedule(site, validators, when, status, lists, phone, updated_at):
    site.incident("2026-11-20-switch.md", maintenance())
    docs = api(load_site(site.content), utc(when))
    (item,) = docs["scheduled-maintenances"]["scheduled_maintenances"]
    assert (item["status"], item["impact"], item["resolved_at"], item["updated_at"]) == (
        status, "maintenance", None, updated_at)
    assert (item["scheduled_for"], item["scheduled_until"]) == ("2026-12-03T01:00:00.000Z",
                                                                "2026-12-03T05:00:00.000Z")
    assert item["started_at"] == item["created_at"] == "2026-11-20T10:30:00.000Z"  # as Statuspage: when posted
    listed = {name for name in ("upcoming", "active")
              if docs[f"scheduled-maintenances/{name}"]["scheduled_maintenances"]}
    assert listed == lists
    assert docs["summary"]["scheduled_maintenances"] == ([item] if lists else [])
    assert by_id(docs["components"]["components"], "phone")["status"] == phone
    assert docs["summary"]["page"]["updated_at"] == updated_at
    assert_all_valid(validators, docs)


@pytest.fixture
def worked(site):
    site.incident("2026-11-20-switch.md", maintenance((
        ("2026-11-20 10:30", "scheduled", "We will replace the switch."),
        ("2026-12-03 01:00", "in_progress", "Started."),
        ("2026-12-03 03:00", "verifying", "Checking."),
        ("2026-12-03 03:30", "completed", "Done."))))
    return load_site(site.content)


@pytest.mark.parametrize("when, status, active", [
    ("2026-12-03 01:30", "in_progress", True),
    ("2026-12-03 03:10", "verifying", True),
    ("2026-12-03 04:00", "completed", False),
])
def test_maintenance_follows_its_updates(worked, validators, when, status, active):
    docs = api(worked, utc(when))
    (item,) = docs["scheduled-maintenances"]["scheduled_maintenances"]
    assert item["status"] == status
    assert ids(docs["scheduled-maintenances/active"]["scheduled_maintenances"]) == ([item["id"]] if active else [])
    assert not docs["scheduled-maintenances/upcoming"]["scheduled_maintenances"]
    assert item["resolved_at"] == (None if active else "2026-12-03T03:30:00.000Z")
    assert_all_valid(validators, docs)


def test_maintenance_updates_say_when_components_went_under_maintenance_and_back(worked):
    (item,) = api(worked, utc("2026-12-04 00:00"))["scheduled-maintenances"]["scheduled_maintenances"]
    changed = [(u["status"], [(a["code"], a["old_status"], a["new_status"]) for a in u["affected_components"] or []])
               for u in item["incident_updates"]]
    assert changed == [
        ("completed", [("phone", "under_maintenance", "operational")]),
        ("verifying", []),
        # At 01:00 sharp the window starts and the update says so: the change is the update's.
        ("in_progress", [("phone", "operational", "under_maintenance")]),
        ("scheduled", [("phone", "operational", "operational")]),  # named, not yet changed, as Statuspage lists it
    ]
    assert item["monitoring_at"] == "2026-12-03T03:00:00.000Z"


def test_an_update_after_the_window_started_per_schedule_changes_nothing(site):
    site.incident("2026-11-20-switch.md", maintenance((
        ("2026-11-20 10:30", "scheduled", "We will replace the switch."),
        ("2026-12-03 01:20", "in_progress", "Started a little late."))))
    (item,) = api(load_site(site.content), utc("2026-12-03 02:00"))["scheduled-maintenances/active"][
        "scheduled_maintenances"]
    assert item["incident_updates"][0]["affected_components"] is None  # under maintenance since 01:00 already


@pytest.mark.parametrize("updates", [
    (("2026-11-20 10:30", "scheduled", "Switch work."), ("2026-11-21 09:00", "cancelled", "Called off.")),
    (("2026-11-20 10:30", "scheduled", "Switch work."), ("2026-11-21 01:00", "in_progress", "Started."),
     ("2026-11-21 01:30", "cancelled", "Rolled back; we will try again.")),
], ids=["before it started", "after it started"])
def test_cancelled_maintenance_is_left_out(site, validators, updates):
    """Statuspage has no "cancelled" and "completed" would say the work was done: the API says nothing of it
    (as when a Statuspage maintenance is deleted), while pages, feeds and calendars say it was cancelled."""
    site.incident("2026-11-20-switch.md", maintenance(updates, window=("2026-11-21 01:00", "2026-11-21 05:00")))
    model = load_site(site.content)
    before = api(model, utc("2026-11-20 12:00"))
    assert ids(before["scheduled-maintenances/upcoming"]["scheduled_maintenances"]) == ["2026-11-20-switch"]
    data = render(model, utc("2026-11-22 21:00"))
    assert not any(b"2026-11-20-switch" in doc for doc in data.values())
    docs = api(model)
    assert all(not docs[name]["scheduled_maintenances"] for name in FILES if name.startswith("scheduled"))
    assert docs["summary"]["scheduled_maintenances"] == []
    assert_all_valid(validators, docs)


def test_summary_lists_active_then_upcoming_maintenance(busy):
    docs = api(busy)
    assert ids(docs["scheduled-maintenances/active"]["scheduled_maintenances"]) == ["2026-11-21-tv-headend"]
    assert ids(docs["scheduled-maintenances/upcoming"]["scheduled_maintenances"]) == ["2026-11-20-switch"]
    assert ids(docs["summary"]["scheduled_maintenances"]) == ["2026-11-21-tv-headend", "2026-11-20-switch"]
    assert ids(docs["scheduled-maintenances"]["scheduled_maintenances"]) == [
        "2026-11-20-switch", "2026-11-21-tv-headend", "2026-11-01-router"]  # newest window first; no cancelled


# --- times and links -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment, zone_name, expected", [
    ("2026-11-22 14:32", "America/Chicago", "2026-11-22T08:32:00.000-06:00"),
    ("2026-07-08 14:32:05", "America/Chicago", "2026-07-08T09:32:05.000-05:00"),
    ("2026-07-08 14:32", "UTC", "2026-07-08T14:32:00.000Z"),
    ("2026-07-08 14:32", "Europe/London", "2026-07-08T15:32:00.000+01:00"),
    ("2026-01-08 14:32", "Europe/London", "2026-01-08T14:32:00.000+00:00"),  # a zone at UTC is not UTC
])
def test_times_as_statuspage_writes_them(moment, zone_name, expected):
    assert stamp(utc(moment), zone(zone_name)) == expected


def test_times_are_in_the_sites_zone(site):
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "America/Chicago"\n')
    site.incident("2026-11-21-calls.md", incident())
    (item,) = api(load_site(site.content, "America/Chicago"),
                  settings=replace(SETTINGS, time_zone="America/Chicago"))["incidents"]["incidents"]
    assert item["created_at"] == "2026-11-21T09:00:00.000-06:00"


def test_without_a_site_url_links_are_what_the_plugin_gives(site):
    site.incident("2026-11-21-calls.md", incident())
    settings = replace(SETTINGS, url="")
    docs = api(load_site(site.content), settings=settings, link=lambda path: f"../../{path}")
    assert docs["summary"]["page"]["url"] == ""
    assert docs["summary"]["incidents"][0]["shortlink"] == "../../incidents/2026-11-21-calls/"


def test_a_page_id_is_required():
    with pytest.raises(ValueError, match="page_id: empty"):
        ApiSettings(page_id="", name="Status", url="", time_zone="UTC")


# --- the example site and a real client ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    return load_site(ROOT / "content", "America/Chicago")


EXAMPLE = ApiSettings(page_id="status.lakeshore.example", name="Lakeshore Communications Status",
                      url="https://status.lakeshore.example", time_zone="America/Chicago")


def example_link(path: str) -> str:
    return f"https://status.lakeshore.example/{path}"


def test_the_example_site_is_valid(example, validators):
    docs = api(example, settings=EXAMPLE, link=example_link)
    assert_all_valid(validators, docs)
    assert docs["status"]["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert docs["summary"]["page"]["updated_at"] == "2026-11-22T14:00:00.000-06:00"
    fixed = by_id(docs["components"]["components"], "fixed-wireless")
    assert fixed["status"] == "partial_outage"  # partial in Cedar Falls, operational in Pine Ridge
    assert fixed["group_id"] == "group--internet"
    assert ids(docs["incidents/unresolved"]["incidents"]) == ["2026-11-22-cedar-falls-fixed-wireless-outage"]
    assert ids(docs["scheduled-maintenances/upcoming"]["scheduled_maintenances"]) == [
        "2026-11-20-lake-city-hub-switch-replacement"]
    assert ids(docs["scheduled-maintenances/active"]["scheduled_maintenances"]) == []
    assert "2026-04-14-phone-switch-software-update" not in json.dumps(docs)  # cancelled
    router = by_id(docs["scheduled-maintenances"]["scheduled_maintenances"], "2026-09-08-core-router-upgrade")
    assert (router["status"], router["resolved_at"]) == ("completed", "2026-09-16T03:20:00.000-05:00")
    assert len(docs["incidents"]["incidents"]) == sum(not i.is_maintenance for i in example.incidents)


def test_the_summary_has_what_the_prometheus_exporter_reads(example, site):
    """statuspage-prometheus-exporter 2.6.0 (../shared/TOOLCHAIN.md section 5) reads summary.json: the status
    indicator and description; each component's name and status; each incident's id, name, status,
    resolved_at, impact, shortlink, started_at or created_at, updated_at and its components' names; each
    maintenance's id, name, status, resolved_at, scheduled_for, scheduled_until, shortlink and components."""
    site.incident("2026-11-20-switch.md", maintenance())
    for summary in (api(example, settings=EXAMPLE, link=example_link)["summary"],
                    api(load_site(site.content), utc("2026-12-03 02:00"))["summary"]):
        assert summary["status"]["indicator"] in ("none", "minor", "major", "critical", "maintenance")
        assert isinstance(summary["status"]["description"], str)
        assert all(isinstance(c["name"], str) and c["status"] for c in summary["components"])
        for item in summary["incidents"] + summary["scheduled_maintenances"]:
            assert isinstance(item["id"], str) and isinstance(item["name"], str) and item["resolved_at"] is None
            assert item["status"] not in ("resolved", "completed", "postmortem")
            assert item["impact"] in ("none", "minor", "major", "critical", "maintenance")
            assert urlsplit(item["shortlink"]).scheme == "https"
            assert item["started_at"] and item["created_at"] and item["updated_at"]
            assert item["components"] and all(isinstance(c["name"], str) for c in item["components"])
        for item in summary["scheduled_maintenances"]:
            assert datetime.fromisoformat(item["scheduled_for"]) < datetime.fromisoformat(item["scheduled_until"])
    (incident_item,) = api(example, settings=EXAMPLE, link=example_link)["summary"]["incidents"]
    # What the exporter builds its alert text from: "<name> (affects: <component names>) - <shortlink>".
    assert [c["name"] for c in incident_item["components"]] == ["Fixed wireless internet"]
    assert incident_item["shortlink"] == ("https://status.lakeshore.example/incidents/"
                                          "2026-11-22-cedar-falls-fixed-wireless-outage/")


# --- /api/history.json: our own full history, with every promise and its figures --------------------------------

HISTORY_SCHEMA = ROOT / "statusgen" / "schemas" / "history.schema.json"


@pytest.fixture(scope="module")
def history_validator() -> Draft202012Validator:
    schema = json.loads(HISTORY_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def history_of(model, at: datetime = BUILD) -> dict[str, Any]:
    from statusgen.api import history
    return json.loads(history(model, at, SETTINGS, url, link))


def test_the_example_history_validates_and_lists_everything(history_validator):
    model = load_site(ROOT / "content", "America/Chicago")
    doc = history_of(model)
    assert_valid(history_validator, doc)
    assert ids(doc["incidents"]) == [i.id for i in model.incidents]  # every one: no limit of 50
    fiber = by_id(doc["incidents"], "2026-08-29-fiber-cut-phone-outage")
    assert fiber["figures"]["acknowledged_minutes"] == 15
    assert [p["outcome"] for p in fiber["figures"]["next_updates"]] == ["kept", "kept", "late", "late", "kept"]
    # Phone back at 15:10 (monitoring), ETA 18:00: met by 2 hours 50 minutes.
    assert fiber["figures"]["eta"]["outcome"] == "met" and fiber["figures"]["eta"]["margin_minutes"] == 170
    assert fiber["updates"][0]["eta_standing"] == "2026-08-29T18:00:00.000-05:00"


def test_history_dates_each_promise_by_its_update(site, history_validator):
    site.incident("2026-11-21-calls.md", incident((
        ("2026-11-21 02:00", "investigating", "Calls fail."),
        ("2026-11-21 04:10", "identified", "Found it.", "phone: operational"),
    )).replace("    body: \"Calls fail.\"", "    eta: 2026-11-21 06:00\n    next_update: 2026-11-21 03:00\n"
                                            "    body: \"Calls fail.\"")
      .replace("    body: \"Found it.\"", "    eta: 2026-11-21 08:00\n    body: \"Found it.\""))
    doc = history_of(load_site(site.content, "UTC"))
    assert_valid(history_validator, doc)
    (item,) = doc["incidents"]
    assert [(u["eta"], u["eta_standing"], u["statuses"]) for u in item["updates"]] == [
        ("2026-11-21T06:00:00.000Z", "2026-11-21T06:00:00.000Z", {"phone": "major_outage"}),
        ("2026-11-21T08:00:00.000Z", "2026-11-21T08:00:00.000Z", {"phone": "operational"})]
    assert item["figures"]["next_updates"][0]["outcome"] == "late"
    assert item["figures"]["sentences"][1] == "Update promised by 03:00, posted 04:10: 1 hour 10 minutes late."
    assert item["figures"]["eta"]["moves"] == 1
    # No `started`: the start is not given, so no time to acknowledge (never 0 minutes).
    assert doc["last_90_days"] == {"incidents": 1, "median_acknowledged_minutes": None, "promised_updates_due": 1,
                                   "promised_updates_kept": 0, "etas_judged": 1, "etas_met": 1,
                                   "maintenance_median_announced_ahead_minutes": None,
                                   "maintenance_windows_confirmed": 0, "maintenance_windows_kept": 0,
                                   "incidents_start_not_given": 1}
