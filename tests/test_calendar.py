"""Maintenance calendars: rendered from tmp sites, parsed back with icalendar, raw bytes checked where RFC 5545
decides (folding, escaping, UTC), and the structure an importer insists on checked for every calendar.

The site fixture's catalog: areas north and south; phone offered in both, tv only in south.
"""
from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from statusgen.ics import CalendarSettings, calendars, plain_text, render
from statusgen.load import load_site
from statusgen.urls import Urls
from tests.conftest import ROOT, SiteFactory, utc

SETTINGS = CalendarSettings(site_name="Example Status", organization="Example Net", authority="status.example.org")
BUILD = datetime(2026, 11, 22, 21, 0, tzinfo=timezone.utc)
url = Urls().url  # the default URL table, as the plugin passes it


def link(path: str) -> str:
    return f"https://status.example.org/{path}"


def maintenance(updates=(("2026-11-20 10:30", "scheduled", "We will replace the phone switch."),), *,
                title="Phone switch replacement", window=("2026-12-03 01:00", "2026-12-03 05:00"),
                components="phone: under_maintenance", extra="") -> str:
    """A maintenance file; each update is (at, state, body), the body written as a YAML block."""
    lines = ["---", f"title: {title}", "kind: maintenance", f"components: {{{components}}}",
             f"window: {{start: {window[0]}, end: {window[1]}}}"] + ([extra] if extra else []) + ["updates:"]
    for when, state, body in updates:
        lines += [f"  - at: {when}", f"    state: {state}", "    body: |"]
        lines += [f"      {line}" if line else "" for line in body.split("\n")]
    return "\n".join(lines + ["---", ""])


def incident(title="Calls fail", when="2026-11-21 09:00") -> str:
    return (f"---\ntitle: {title}\ncomponents: {{phone: major_outage, tv: major_outage}}\nupdates:\n"
            f"  - at: {when}\n    state: investigating\n    body: Calls fail.\n---\n")


def load(site, tz="UTC"):
    return load_site(site.content, tz)


def rendered(model, key="maintenance", build_time=BUILD, settings=SETTINGS, link=link) -> bytes:
    calendar = next(c for c in calendars(model, url) if c.key == key)
    return render(model, calendar, build_time, url, link, settings)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(data: bytes) -> list[icalendar.Event]:
    return parse(data).walk("VEVENT")


def only_event(data: bytes) -> icalendar.Event:
    (event,) = events(data)
    return event


def raw_property(data: bytes, name: str) -> list[str]:
    """Unfolded content lines of a property, as written (escapes and all)."""
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    return [line for line in unfolded.split("\r\n") if line.split(":")[0].split(";")[0] == name]


def assert_importable(data: bytes) -> None:
    """What calendar importers reject a file for: the header once, an event without its identity or times."""
    cal = parse(data)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert len(raw_property(data, "PRODID")) == 1 and len(raw_property(data, "VERSION")) == 1
    assert str(cal["VERSION"]) == "2.0"
    uids = []
    for event in cal.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert name in event, (name, event.get("UID"))
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        for name in ("DTSTAMP", "DTSTART", "DTEND", "CREATED", "LAST-MODIFIED"):
            assert event.decoded(name).utcoffset() == timedelta(0), name
        uids.append(str(event["UID"]))
    assert len(uids) == len(set(uids))
    cal.validate()  # icalendar's own check; it rightly wants at least one component


def test_one_calendar_for_all_maintenance_then_per_component_then_per_area(site):
    found = calendars(load(site), url)
    assert [(c.key, c.title, c.page, c.path) for c in found] == [
        ("maintenance", "All maintenance", "", "calendar/maintenance.ics"),
        ("components/phone", "Phone maintenance", "components/phone/", "calendar/components/phone.ics"),
        ("components/tv", "TV maintenance", "components/tv/", "calendar/components/tv.ics"),
        ("areas/north", "Maintenance in North", "areas/north/", "calendar/areas/north.ics"),
        ("areas/south", "Maintenance in South", "areas/south/", "calendar/areas/south.ics"),
    ]


def test_calendar_header(site):
    site.incident("2026-11-20-switch.md", maintenance())
    data = rendered(load(site), "areas/north")
    assert data.split(b"BEGIN:VEVENT")[0].decode().split("\r\n") == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example Net//statusgen//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Example Status: Maintenance in North",
        "X-WR-CALNAME:Example Status: Maintenance in North",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "URL:https://status.example.org/areas/north/",
        "X-PUBLISHED-TTL:PT1H",
        "",
    ]
    cal = parse(data)
    assert cal.refresh_interval == timedelta(hours=1)
    assert "X-WR-TIMEZONE" not in cal and not cal.walk("VTIMEZONE")  # every time is UTC
    assert "METHOD" not in cal  # not an iTIP message: METHOD:PUBLISH would want an ORGANIZER a site may not have


def test_a_maintenance_window_is_one_event_with_every_property(site):
    site.incident("2026-11-20-switch.md", maintenance(
        [("2026-11-20 10:30", "scheduled", "We will replace the **phone switch**.\n\nSee [it](https://example.org/)."),
         ("2026-11-21 09:00:30", "scheduled", "Still on. Calls drop for *ten minutes*.")],
        extra="areas: [north]"))
    data = rendered(load(site, "America/Chicago"))  # times without an offset are Chicago's: CST is UTC-6
    event = only_event(data)
    assert str(event["UID"]) == "2026-11-20-switch@status.example.org"
    assert event.decoded("DTSTART") == utc("2026-12-03 07:00") and event.decoded("DTEND") == utc("2026-12-03 11:00")
    assert raw_property(data, "DTSTART") == ["DTSTART:20261203T070000Z"]  # UTC, no TZID, never floating
    assert raw_property(data, "DTEND") == ["DTEND:20261203T110000Z"]
    assert event.decoded("DTSTAMP") == utc("2026-11-21 15:00:30")  # the latest update, not the build time
    assert event.decoded("LAST-MODIFIED") == utc("2026-11-21 15:00:30")
    assert event.decoded("CREATED") == utc("2026-11-20 16:30")
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Maintenance: Phone switch replacement"
    assert str(event["DESCRIPTION"]) == ("Scheduled (Nov 20, 2026, 10:30 CST):\nWe will replace the phone switch.\n\n"
                                         "See it (https://example.org/).\n\n"
                                         "Scheduled (Nov 21, 2026, 09:00 CST):\n"
                                         "Still on. Calls drop for ten minutes.\n\n"
                                         "Affected: Phone. Where: North.\n\n"
                                         "https://status.example.org/incidents/2026-11-20-switch/")
    assert str(event["LOCATION"]) == "North"
    assert str(event["URL"]) == "https://status.example.org/incidents/2026-11-20-switch/"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert event.categories == ["Maintenance"]
    assert_importable(data)


def test_a_site_relative_link_is_left_out(site):
    """A site built without SITEURL has only relative links, which mean nothing in a calendar app."""
    site.incident("2026-11-20-switch.md", maintenance())
    data = rendered(load(site), link=lambda path: f"../{path}")
    event = only_event(data)
    assert "URL" not in event and b"URL:" not in data
    assert str(event["DESCRIPTION"]).endswith("Where: North, South.")


def test_a_moved_window_keeps_its_uid_and_raises_its_sequence(site):
    path = site.incident("2026-11-20-switch.md", maintenance())
    before = only_event(rendered(load(site)))
    path.write_text(maintenance([("2026-11-20 10:30", "scheduled", "We will replace the phone switch."),
                                 ("2026-11-22 08:00", "scheduled", "Moved to December 10: the part is late.")],
                                window=("2026-12-10 01:00", "2026-12-10 05:00")))
    after = only_event(rendered(load(site)))
    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == utc("2026-12-10 01:00") and after.decoded("DTEND") == utc("2026-12-10 05:00")
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert after.decoded("CREATED") == before.decoded("CREATED")
    assert str(after["DESCRIPTION"]).startswith("Scheduled (Nov 20, 2026, 10:30 UTC):\n"
                                                "We will replace the phone switch.\n\n"
                                                "Scheduled (Nov 22, 2026, 08:00 UTC):\n"
                                                "Moved to December 10: the part is late.\n\n")


ANNOUNCED = "Scheduled (Nov 20, 2026, 10:30 UTC):\nNow scheduled.\n\n"


@pytest.mark.parametrize("states, status, summary, said", [
    (["scheduled"], "CONFIRMED", "Maintenance: Phone switch replacement", ANNOUNCED),
    (["scheduled", "in_progress"], "CONFIRMED", "Maintenance: Phone switch replacement",
     ANNOUNCED + "In progress (Dec 3, 2026, 01:00 UTC):\nNow in_progress.\n\n"),
    (["scheduled", "in_progress", "verifying"], "CONFIRMED", "Maintenance: Phone switch replacement",
     ANNOUNCED + "Verifying (Dec 3, 2026, 04:00 UTC):\nNow verifying.\n\n"),
    # once completed, the announcement ("what to expect") is still there, the last word below it
    (["scheduled", "in_progress", "verifying", "completed"], "CONFIRMED", "Maintenance: Phone switch replacement",
     ANNOUNCED + "Completed (Dec 3, 2026, 04:30 UTC):\nNow completed.\n\n"),
    (["scheduled", "cancelled"], "CANCELLED", "Cancelled: Phone switch replacement",
     ANNOUNCED + "Cancelled (Dec 3, 2026, 01:00 UTC):\nNow cancelled.\n\n"),
])
def test_status_summary_and_sequence_follow_the_updates(site, states, status, summary, said):
    times = ["2026-11-20 10:30", "2026-12-03 01:00", "2026-12-03 04:00", "2026-12-03 04:30"]
    site.incident("2026-11-20-switch.md", maintenance([(t, s, f"Now {s}.") for t, s in zip(times, states)]))
    data = rendered(load(site), build_time=utc("2026-12-04 00:00"))
    event = only_event(data)
    assert (str(event["STATUS"]), str(event["SUMMARY"]), event["SEQUENCE"]) == (status, summary, len(states) - 1)
    assert str(event["DESCRIPTION"]) == (said + "Affected: Phone. Where: North, South.\n\n"
                                         "https://status.example.org/incidents/2026-11-20-switch/")
    assert_importable(data)


def test_updates_after_the_build_time_are_not_posted_yet(site):
    site.incident("2026-11-20-switch.md", maintenance([("2026-11-20 10:30", "scheduled", "Planned."),
                                                       ("2026-11-23 10:00", "cancelled", "Called off.")]))
    site.incident("2026-11-23-later.md", maintenance([("2026-11-23 10:00", "scheduled", "Announced tomorrow.")]))
    event = only_event(rendered(load(site)))  # built 2026-11-22 21:00
    assert str(event["UID"]) == "2026-11-20-switch@status.example.org"
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CONFIRMED", 0)
    assert event.decoded("DTSTAMP") == utc("2026-11-20 10:30")


MEMBERS = {
    "maintenance": ["a-phone-north", "b-tv", "c-phone-then-tv"],
    "components/phone": ["a-phone-north", "c-phone-then-tv"],
    "components/tv": ["b-tv", "c-phone-then-tv"],  # tv joined c in a later update: it still belongs
    "areas/north": ["a-phone-north", "c-phone-then-tv"],
    "areas/south": ["b-tv", "c-phone-then-tv"],
}


@pytest.mark.parametrize("key", MEMBERS)
def test_each_calendar_holds_the_maintenance_touching_it_and_never_an_incident(site, key):
    site.incident("2026-11-01-a-phone-north.md", maintenance(window=("2026-12-01 01:00", "2026-12-01 02:00"),
                                                             extra="areas: [north]"))
    site.incident("2026-11-01-b-tv.md", maintenance(window=("2026-12-02 01:00", "2026-12-02 02:00"),
                                                    components="tv: under_maintenance"))
    site.incident("2026-11-01-c-phone-then-tv.md", maintenance(
        [("2026-11-20 10:30", "scheduled", "Phone only."), ("2026-11-21 10:30", "scheduled", "TV too.")],
        window=("2026-12-03 01:00", "2026-12-03 02:00")).replace(
        "    body: |\n      TV too.", "    components: {tv: under_maintenance}\n    body: |\n      TV too."))
    site.incident("2026-11-21-calls-fail.md", incident())
    data = rendered(load(site), key)
    assert [str(e["UID"]) for e in events(data)] == [f"2026-11-01-{m}@status.example.org" for m in MEMBERS[key]]
    assert_importable(data)


def test_events_are_sorted_by_start_then_uid(site):
    for name, start in [("d", "2026-12-05 01:00"), ("b", "2026-12-01 01:00"), ("c", "2026-12-05 01:00"),
                        ("a", "2026-12-09 01:00")]:
        site.incident(f"2026-11-20-{name}.md", maintenance(window=(start, "2026-12-10 00:00")))
    assert [str(e["UID"]).split("@")[0] for e in events(rendered(load(site)))] == [
        "2026-11-20-b", "2026-11-20-c", "2026-11-20-d", "2026-11-20-a"]


LONG_TITLE = "Zürich – café ☕ " * 12


def test_long_non_ascii_lines_fold_at_75_octets_with_crlf(site):
    site.incident("2026-11-20-long.md", maintenance(title=f"'{LONG_TITLE.strip()}'",
                                                    updates=[("2026-11-20 10:30", "scheduled", "€ä☕ " * 80)]))
    data = rendered(load(site))
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert lines[-1] == b""  # the last line ends with CRLF too
    assert max(len(line) for line in lines) <= 75
    assert sum(line.startswith(b" ") for line in lines) >= 10  # folding really happened
    for line in lines:
        line.decode("utf-8")  # no fold splits a character
    summary = raw_property(data, "SUMMARY")[0]
    assert summary == f"SUMMARY:Maintenance: {LONG_TITLE.strip()}"
    event = only_event(data)
    assert str(event["SUMMARY"]) == f"Maintenance: {LONG_TITLE.strip()}"
    assert str(event["DESCRIPTION"]).startswith(
        "Scheduled (Nov 20, 2026, 10:30 UTC):\n" + ("€ä☕ " * 80).strip() + "\n\n")


def test_commas_semicolons_and_newlines_are_escaped_and_come_back(site):
    body = "Calls drop, then return; twice.\nSame paragraph.\n\nA backslash \\\\ too."
    site.incident("2026-11-20-tricky.md", maintenance(title="'DB, API; and \"voice\" work'",
                                                      updates=[("2026-11-20 10:30", "scheduled", body)]))
    data = rendered(load(site))
    assert raw_property(data, "SUMMARY") == ['SUMMARY:Maintenance: DB\\, API\\; and "voice" work']
    description = raw_property(data, "DESCRIPTION")[0]
    assert description.startswith("DESCRIPTION:Scheduled (Nov 20\\, 2026\\, 10:30 UTC):\\n"
                                  "Calls drop\\, then return\\; twice. Same paragraph.\\n\\n"
                                  "A backslash \\\\ too.\\n\\nAffected: Phone. Where: North\\, South.\\n\\n")
    event = only_event(data)
    assert str(event["SUMMARY"]) == 'Maintenance: DB, API; and "voice" work'
    assert str(event["DESCRIPTION"]) == ("Scheduled (Nov 20, 2026, 10:30 UTC):\n"
                                         "Calls drop, then return; twice. Same paragraph.\n\nA backslash \\ too.\n\n"
                                         "Affected: Phone. Where: North, South.\n\n"
                                         "https://status.example.org/incidents/2026-11-20-tricky/")
    assert parse(data).to_ical() == data  # the parser reads back exactly what was written


def test_location_names_the_areas_in_catalog_order_escaped(site):
    site.catalog("""\
        areas:
          - id: lake
            name: Lake City, East; Docks
          - id: north
            name: North
          - id: south
            name: South
        components:
          - id: phone
            name: Phone
            areas: [lake, north, south]
        """)
    site.incident("2026-11-20-switch.md", maintenance(extra="areas: [south, lake]"))
    data = rendered(load(site))
    assert raw_property(data, "LOCATION") == ["LOCATION:Lake City\\, East\\; Docks\\, South"]
    assert str(only_event(data)["LOCATION"]) == "Lake City, East; Docks, South"
    assert_importable(data)


def test_calendar_names_are_escaped_text(site):
    settings = CalendarSettings(site_name="Acme, Inc; status", organization="Acme, Inc", authority="status.acme.test")
    data = rendered(load(site), settings=settings)
    assert raw_property(data, "NAME") == ["NAME:Acme\\, Inc\\; status: All maintenance"]
    assert raw_property(data, "X-WR-CALNAME") == ["X-WR-CALNAME:Acme\\, Inc\\; status: All maintenance"]
    assert str(parse(data)["PRODID"]) == "-//Acme, Inc//statusgen//EN"


@pytest.mark.parametrize("keep_days, kept", [
    (None, ["ended-364-days-ago", "ends-in-future"]),  # default: a year
    (400, ["ended-399-days-ago", "ended-364-days-ago", "ends-in-future"]),
    (0, ["ends-in-future"]),
])
def test_windows_that_ended_longer_ago_than_keep_days_are_left_out(site, keep_days, kept):
    for name, end in [("ended-399-days-ago", BUILD - timedelta(days=399)),
                      ("ended-364-days-ago", BUILD - timedelta(days=364)),
                      ("ends-in-future", BUILD + timedelta(days=3))]:
        start = end - timedelta(hours=2)
        site.incident(f"2025-01-01-{name}.md", maintenance(
            [("2025-01-01 00:00", "scheduled", "Planned.")],
            window=(f"{start:%Y-%m-%d %H:%M}Z", f"{end:%Y-%m-%d %H:%M}Z")))
    settings = SETTINGS if keep_days is None else CalendarSettings(**{**vars(SETTINGS), "keep_days": keep_days})
    assert [str(e["UID"]).split("@")[0] for e in events(rendered(load(site), settings=settings))] == \
        [f"2025-01-01-{k}" for k in kept]


def test_a_window_ending_exactly_keep_days_ago_is_kept(site):
    end = BUILD - timedelta(days=365)
    site.incident("2025-01-01-edge.md", maintenance([("2025-01-01 00:00", "scheduled", "Planned.")],
                                                    window=("2025-11-22 19:00Z", f"{end:%Y-%m-%d %H:%M}Z")))
    assert len(events(rendered(load(site)))) == 1
    assert events(rendered(load(site), build_time=BUILD + timedelta(seconds=1))) == []


def test_same_input_same_bytes_and_no_build_time_inside(site):
    site.incident("2026-11-20-switch.md", maintenance())
    site.incident("2026-11-01-other.md", maintenance(window=("2026-12-01 01:00", "2026-12-01 02:00")))
    model = load(site)
    first = {c.key: render(model, c, BUILD, url, link, SETTINGS) for c in calendars(model, url)}
    again = {c.key: render(load(site), c, BUILD, url, link, SETTINGS) for c in calendars(model, url)}
    later = {c.key: render(model, c, BUILD + timedelta(days=2, seconds=7), url, link, SETTINGS)
             for c in calendars(model, url)}
    assert first == again == later  # nothing new was posted in between: nothing changes
    for data in first.values():
        assert b"20261122T21" not in data and b"20261124T21" not in data


def test_a_calendar_with_no_maintenance_has_a_header_and_no_events(site):
    site.incident("2026-11-21-calls-fail.md", incident())
    data = rendered(load(site), "components/tv")
    assert events(data) == []
    assert [str(z["TZID"]) for z in parse(data).walk("VTIMEZONE")] == ["UTC"]  # RFC 5545: one component at least
    assert str(parse(data)["X-WR-CALNAME"]) == "Example Status: TV maintenance"
    assert_importable(data)


def test_markdown_becomes_plain_text():
    text = ("Hello **bold** and [the plan](https://example.org/plan?a=1&b=2), <https://example.org/>.\n"
            "Wrapped\nlines join.\n\n- one\n- two\n    - nested\n\n1. first\n2. second\n\n"
            "Line with a break  \nnext\n\n```\ncode  kept\n  as is\n```\n\n<script>alert(1)</script>Tags & <b>go</b>")
    assert plain_text(text) == (
        "Hello bold and the plan (https://example.org/plan?a=1&b=2), https://example.org/. Wrapped lines join.\n\n"
        "- one\n- two\n  - nested\n\n1. first\n2. second\n\nLine with a break\nnext\n\ncode  kept\n  as is\n\n"
        "Tags & go")


def test_every_calendar_of_the_example_site_is_importable():
    model = load_site(ROOT / "content", "America/Chicago")
    for calendar in calendars(model, url):
        assert_importable(render(model, calendar, BUILD, url, link, SETTINGS))
    by_uid = {str(e["UID"]).split("@")[0]: e for e in events(rendered(model))}
    assert sorted(by_uid) == ["2026-04-14-phone-switch-software-update", "2026-09-08-core-router-upgrade",
                              "2026-11-20-lake-city-hub-switch-replacement"]
    cancelled = by_uid["2026-04-14-phone-switch-software-update"]
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(cancelled["SUMMARY"]) == "Cancelled: Phone switch software update"
    hub = by_uid["2026-11-20-lake-city-hub-switch-replacement"]
    assert str(hub["LOCATION"]) == "Lake City"
    assert hub.decoded("DTSTART") == utc("2026-12-03 07:00")  # 01:00 CST
    assert str(hub["DESCRIPTION"]).endswith("Affected: Fiber internet, DSL internet, Home phone. Where: Lake City.\n\n"
                                            "https://status.example.org/incidents/"
                                            "2026-11-20-lake-city-hub-switch-replacement/")
    assert [str(e["UID"]).split("@")[0] for e in events(rendered(model, "areas/pine-ridge"))] == [
        "2026-04-14-phone-switch-software-update", "2026-09-08-core-router-upgrade"]


def test_a_shared_event_cache_changes_no_byte():
    model = load_site(ROOT / "content", "America/Chicago")
    cache: dict = {}
    for calendar in calendars(model, url):
        alone = render(model, calendar, BUILD, url, link, SETTINGS)
        assert render(model, calendar, BUILD, url, link, SETTINGS, cache) == alone
    assert cache  # the maintenance events were made once and reused


# --- libical (what Evolution and many calendar servers use), with its iTIP and RFC 5546 restriction checks -------

SYSTEM_PYTHON = "/usr/bin/python3"  # python3-gi is a Debian package for the system python, not for our venv
# Reads calendars named on the command line; prints, as JSON, [file, component, error] for each X-LIC-ERROR libical
# added while parsing or while checking restrictions, and for each calendar whose check_restrictions() said no.
LIBICAL_CHECK = """
import json, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib
def errors(comp):
    prop = comp.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop:
        yield ICalGLib.Component.kind_to_string(comp.isa()), prop.get_xlicerror()
        prop = comp.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = comp.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child:
        yield from errors(child)
        child = comp.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
found = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        comp = ICalGLib.Component.new_from_string(f.read())
    if comp is None:
        found.append([path, "", "not parsed"])
        continue
    passed = comp.check_restrictions()
    found += [[path, kind, text] for kind, text in errors(comp)]
    if not passed and not any(p == path for p, _, _ in found):
        found.append([path, "", "check_restrictions() failed with no X-LIC-ERROR"])
print(json.dumps(found))
"""


def libical_errors(files) -> list[list[str]]:
    """What libical says is wrong with these .ics files: [file, component, message] each; [] when nothing."""
    files = [str(f) for f in files]
    assert files
    result = subprocess.run([SYSTEM_PYTHON, "-c", LIBICAL_CHECK, *files], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _libical_missing() -> str | None:
    try:
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                               capture_output=True, text=True, timeout=60)
    except OSError as error:
        return f"{SYSTEM_PYTHON}: {error}"
    return probe.stderr.strip().splitlines()[-1] if probe.returncode else None


LIBICAL_MISSING = _libical_missing()
needs_libical = pytest.mark.skipif(
    LIBICAL_MISSING is not None,
    reason=f"libical's GObject bindings missing ({LIBICAL_MISSING}): run scripts/install-system-deps.sh as root "
           "(apt-get install gir1.2-ical-3.0 python3-gi)")


def write_calendars(model, folder, build_time=BUILD, settings=SETTINGS, link=link) -> list:
    """Every calendar of a site, rendered and saved under `folder`, as the build lays them out."""
    saved = []
    for calendar in calendars(model, url):
        path = folder / calendar.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(model, calendar, build_time, url, link, settings))
        saved.append(path)
    return saved


@needs_libical
def test_libical_finds_what_it_is_for(tmp_path):
    """The control: the very check the tests below rely on rejects an iTIP PUBLISH without ORGANIZER (what we
    wrote before), a property given twice that may appear once, and a time it cannot read; so its silence about
    ours means something. (Without METHOD libical checks RFC 5545's at-most-once rules and values, not what is
    required: assert_importable checks that.)"""
    good = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//EN", "BEGIN:VEVENT", "UID:a@x",
            "DTSTAMP:20261120T103000Z", "DTSTART:20261203T010000Z", "DTEND:20261203T050000Z", "SUMMARY:Work",
            "END:VEVENT", "END:VCALENDAR", ""]
    publish = good[:3] + ["METHOD:PUBLISH"] + good[3:]
    twice = good[:9] + ["LOCATION:North", "LOCATION:South"] + good[9:]
    unreadable = [line.replace("T010000Z", "T01") for line in good]
    files = {}
    for name, lines in {"good": good, "publish": publish, "twice": twice, "unreadable": unreadable}.items():
        files[name] = tmp_path / f"{name}.ics"
        files[name].write_bytes("\r\n".join(lines).encode())
    found = libical_errors(files.values())
    assert [(p.split("/")[-1], kind) for p, kind, _ in found] == [
        ("publish.ics", "VEVENT"), ("twice.ics", "VEVENT"), ("unreadable.ics", "VEVENT")]
    assert [message.split(". ")[0] for _, _, message in found] == [
        "Failed iTIP restrictions for ORGANIZER property", "Failed iTIP restrictions for LOCATION property",
        "Can't parse as DATE-TIME value in DTSTART property"]


@needs_libical
def test_libical_finds_nothing_wrong_with_the_example_sites_calendars(example_output):
    files = sorted((example_output / "calendar").rglob("*.ics"))
    assert len(files) >= 10 and any(b"BEGIN:VEVENT" in f.read_bytes() for f in files)
    assert libical_errors(files) == []


@needs_libical
@pytest.mark.parametrize("settings, link", [
    (SETTINGS, link),
    (CalendarSettings(site_name="Acme, Inc; status", organization="Acme, Inc", authority="status.acme.test"),
     lambda path: f"../{path}"),  # no SITEURL: no URL properties at all
], ids=["absolute", "relative-and-odd-names"])
def test_libical_finds_nothing_wrong_with_maintenance_in_every_state(site: SiteFactory, tmp_path, settings, link):
    build = "2026-12-03 03:00"
    site.catalog(CATALOG_WITH_ODD_AREAS)
    for name, window, updates, extra in [
        ("upcoming", ("2026-12-10 01:00", "2026-12-10 05:00"), [("2026-11-20 10:30", "scheduled", "Planned.")], ""),
        ("in-progress", ("2026-12-03 01:00", "2026-12-03 05:00"),
         [("2026-11-20 10:30", "scheduled", "Planned, with a [link](https://example.org/)."),
          ("2026-12-03 01:05", "in_progress", "Started; calls drop, briefly.")], "areas: [lake]"),
        ("verifying", ("2026-12-03 00:00", "2026-12-03 02:00"),
         [("2026-11-20 10:30", "scheduled", "Planned."), ("2026-12-03 00:05", "in_progress", "Started."),
          ("2026-12-03 01:50", "verifying", "Checking.")], ""),
        ("completed", ("2026-12-01 01:00", "2026-12-01 05:00"),
         [("2026-11-20 10:30", "scheduled", "- one\n- two"), ("2026-12-01 01:00", "in_progress", "Started."),
          ("2026-12-01 04:00", "completed", "Done.")], "areas: [north, lake]"),
        ("cancelled", ("2026-12-05 01:00", "2026-12-05 05:00"),
         [("2026-11-20 10:30", "scheduled", "Planned."), ("2026-11-25 10:30", "cancelled", "Called off.")], ""),
        ("ended-unconfirmed", ("2026-12-02 01:00", "2026-12-02 02:00"),
         [("2026-11-20 10:30", "scheduled", "Planned.")], ""),
        ("not-posted-yet", ("2026-12-20 01:00", "2026-12-20 02:00"),
         [("2026-12-04 10:30", "scheduled", "Later.")], ""),
    ]:
        site.incident(f"2026-11-20-{name}.md", maintenance(updates, window=window, extra=extra))
    site.incident("2026-11-21-calls-fail.md", incident())
    model = load(site)
    files = write_calendars(model, tmp_path / "out", build_time=utc(build), settings=settings, link=link)
    everything = events((tmp_path / "out/calendar/maintenance.ics").read_bytes())
    assert {str(e["STATUS"]) for e in everything} == {"CONFIRMED", "CANCELLED"} and len(everything) == 6
    assert libical_errors(files) == []


CATALOG_WITH_ODD_AREAS = """\
areas:
  - id: north
    name: North
  - id: lake
    name: Lake City, East; Docks
groups:
  - id: voice
    name: Voice
components:
  - id: phone
    name: Phone
    group: voice
  - id: tv
    name: TV
    areas: [lake]
"""
