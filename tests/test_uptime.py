"""Uptime per day, per month and over any period: weights, areas, overlaps, `since`, the build time, DST, SLA.

The site fixture's catalog: areas north and south; phone offered in both (sla 99.9), tv only in south (no sla).
"""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from statusgen.load import load_site
from statusgen.times import parse_time
from statusgen.uptime import DEFAULT_WEIGHTS, Day, Month, Segment, Uptime
from tests.conftest import CATALOG

UTC = ZoneInfo("UTC")
CHICAGO = ZoneInfo("America/Chicago")


def at(text: str, tz=UTC):
    return parse_time(text, tz)


def incident_file(components: str, updates: list[tuple[str, str, str]], *, extra: str = "") -> str:
    """An incident file; each update is (at, state, component changes or "")."""
    lines = ["---", "title: Something", f"components: {{{components}}}"] + ([extra] if extra else []) + ["updates:"]
    for when, state, changes in updates:
        lines += [f"  - at: {when}", f"    state: {state}", "    body: Words."]
        if changes:
            lines.append(f"    components: {{{changes}}}")
    return "\n".join(lines + ["---", ""])


def outage(start: str, end: str, components: str = "phone: major_outage", extra: str = "") -> str:
    """An incident from `start` to its resolution at `end`."""
    return incident_file(components, [(start, "investigating", ""), (end, "resolved", "")], extra=extra)


def maintenance_file(start: str, end: str, updates: list[tuple[str, str]],
                     components: str = "phone: under_maintenance") -> str:
    return incident_file(components, [(when, state, "") for when, state in updates],
                         extra=f"kind: maintenance\nwindow: {{start: {start}, end: {end}}}")


def build(site, files: dict[str, str], when: str, timezone: str = "UTC", weights=DEFAULT_WEIGHTS,
          since: str | None = "2025-01-01") -> Uptime:
    """The site's uptime at `when`; its services have records from `since` (None: the catalog gives none)."""
    if since:
        site.catalog(CATALOG.replace("    sla: 99.9\n", f"    sla: 99.9\n    since: {since}\n")
                     .replace("    areas: [south]\n", f"    areas: [south]\n    since: {since}\n"))
    for name, text in files.items():
        site.incident(name, text)
    tz = UTC if timezone == "UTC" else ZoneInfo(timezone)
    return Uptime(load_site(site.content, timezone), at(when, tz), weights)


def day_of(uptime: Uptime, component: str, day: str) -> Day:
    (found,) = [d for d in uptime.daily(component, 90) if d.date == date.fromisoformat(day)]
    return found


# --- weights and areas -----------------------------------------------------------------------------------------

def test_a_major_outage_in_one_of_two_areas_costs_half(site):
    up = build(site, {"2026-01-10-cut.md": outage("2026-01-10 10:00", "2026-01-10 11:00", extra="areas: [north]")},
               "2026-01-20 12:00")
    day = day_of(up, "phone", "2026-01-10")
    assert day.uptime == pytest.approx(1 - 1 / (2 * 24), abs=1e-12)
    assert day.downtime == timedelta(minutes=30)  # averaged over its two areas
    assert (day.worst, day.incidents) == ("major_outage", ("2026-01-10-cut",))
    assert day_of(up, "phone", "2026-01-09") == Day(date(2026, 1, 9), 1.0, timedelta(0), "operational", ())
    assert day_of(up, "phone", "2026-01-11").uptime == 1.0


def test_a_partial_outage_weighs_thirty_percent(site):
    up = build(site, {"2026-01-10-part.md": outage("2026-01-10 10:00", "2026-01-10 12:00",
                                                   "phone: partial_outage")}, "2026-01-20 12:00")
    day = day_of(up, "phone", "2026-01-10")
    assert day.uptime == pytest.approx(1 - 0.3 * 2 / 24, abs=1e-12)
    assert day.downtime == timedelta(minutes=36)
    assert day.worst == "partial_outage"


def test_degraded_performance_and_maintenance_count_nothing_but_show(site):
    up = build(site, {
        "2026-01-10-slow.md": outage("2026-01-10 10:00", "2026-01-10 12:00", "phone: degraded_performance"),
        "2026-01-01-work.md": maintenance_file("2026-01-10 01:00", "2026-01-10 03:00", [
            ("2026-01-01 09:00", "scheduled"), ("2026-01-10 01:00", "in_progress"), ("2026-01-10 03:00", "completed")]),
        "2026-01-01-later.md": maintenance_file("2026-01-11 01:00", "2026-01-11 03:00", [
            ("2026-01-01 09:00", "scheduled")]),  # ended per schedule, never confirmed
    }, "2026-01-20 12:00")
    ten, eleven = day_of(up, "phone", "2026-01-10"), day_of(up, "phone", "2026-01-11")
    assert (ten.uptime, ten.downtime, ten.worst) == (1.0, timedelta(0), "degraded_performance")
    assert ten.incidents == ("2026-01-01-work", "2026-01-10-slow")  # in the order they began
    assert (eleven.uptime, eleven.worst, eleven.incidents) == (1.0, "under_maintenance", ("2026-01-01-later",))


def test_weights_are_a_parameter_and_maintenance_uses_the_same_rules(site):
    weights = {**DEFAULT_WEIGHTS, "degraded_performance": 0.5, "under_maintenance": 1.0}
    up = build(site, {
        "2026-01-10-slow.md": outage("2026-01-10 10:00", "2026-01-10 12:00", "phone: degraded_performance"),
        "2026-01-01-later.md": maintenance_file("2026-01-11 01:00", "2026-01-11 03:00", [
            ("2026-01-01 09:00", "scheduled")]),
        "2026-01-02-called-off.md": maintenance_file("2026-01-12 01:00", "2026-01-12 03:00", [
            ("2026-01-02 09:00", "scheduled"), ("2026-01-05 09:00", "cancelled")]),
        "2026-01-03-coming.md": maintenance_file("2026-01-21 01:00", "2026-01-21 03:00", [
            ("2026-01-03 09:00", "scheduled")]),
    }, "2026-01-20 12:00", weights=weights)
    assert day_of(up, "phone", "2026-01-10").uptime == pytest.approx(1 - 0.5 * 2 / 24, abs=1e-12)
    assert day_of(up, "phone", "2026-01-11").uptime == pytest.approx(1 - 2 / 24, abs=1e-12)  # its window
    assert day_of(up, "phone", "2026-01-12") == Day(date(2026, 1, 12), 1.0, timedelta(0), "operational", ())
    assert up.daily("phone", 1)[0].incidents == ()  # not yet begun


@pytest.mark.parametrize("weights, message", [
    ({"major": 1.0}, ("unknown status in weights (expected one of operational, under_maintenance, "
                      "degraded_performance, partial_outage, major_outage, got 'major')")),
    ({"major_outage": 2.0}, "weight out of range (expected a number from 0 to 1, got 2.0 for major_outage)"),
])
def test_bad_weights_are_refused(site, weights, message):
    with pytest.raises(ValueError) as err:
        build(site, {}, "2026-01-20 12:00", weights=weights)
    assert str(err.value) == message


def test_a_component_is_affected_only_in_the_areas_where_it_is_offered(site):
    up = build(site, {
        "2026-01-10-north.md": outage("2026-01-10 10:00", "2026-01-10 11:00", "phone: major_outage, tv: major_outage",
                                      extra="areas: [north]"),
        "2026-01-11-both.md": outage("2026-01-11 10:00", "2026-01-11 11:00", "phone: major_outage, tv: major_outage"),
    }, "2026-01-20 12:00")
    assert day_of(up, "tv", "2026-01-10") == Day(date(2026, 1, 10), 1.0, timedelta(0), "operational", ())
    assert day_of(up, "phone", "2026-01-10").uptime == pytest.approx(1 - 1 / 48, abs=1e-12)
    tv = day_of(up, "tv", "2026-01-11")  # one area: the whole of tv was down for the hour
    assert (tv.uptime, tv.downtime) == (pytest.approx(1 - 1 / 24, abs=1e-12), timedelta(hours=1))
    assert day_of(up, "phone", "2026-01-11").uptime == pytest.approx(1 - 1 / 24, abs=1e-12)


# --- over time -------------------------------------------------------------------------------------------------

def test_statuses_change_at_each_update_of_an_open_incident(site):
    up = build(site, {"2026-01-10-changing.md": incident_file("phone: major_outage", [
        ("2026-01-10 10:00", "investigating", ""),
        ("2026-01-10 11:00", "identified", "phone: partial_outage, tv: partial_outage"),  # tv joins
        ("2026-01-10 12:00", "monitoring", "phone: operational, tv: operational"),  # still open, but both are back
    ])}, "2026-01-10 18:00")
    today = up.daily("phone", 1)[0]
    # today so far (18 h): 1 h major and 1 h partial in both areas
    assert today.date == date(2026, 1, 10)
    assert today.uptime == pytest.approx(1 - 1.3 / 18, abs=1e-12)
    assert today.downtime == timedelta(hours=1.3)
    assert today.worst == "major_outage"
    assert up.intervals()["phone", "north"] == [
        Segment(at("2026-01-10 10:00"), at("2026-01-10 11:00"), 1.0, "major_outage", ("2026-01-10-changing",)),
        Segment(at("2026-01-10 11:00"), at("2026-01-10 12:00"), 0.3, "partial_outage", ("2026-01-10-changing",)),
    ]
    tv = up.daily("tv", 1)[0]
    assert (tv.uptime, tv.worst) == (pytest.approx(1 - 0.3 / 18, abs=1e-12), "partial_outage")


def test_started_before_the_first_update_counts_from_started(site):
    up = build(site, {"2026-01-10-early.md": outage("2026-01-10 10:00", "2026-01-10 11:00",
                                                    extra="started: 2026-01-10 09:00")}, "2026-01-20 12:00")
    assert day_of(up, "phone", "2026-01-10").uptime == pytest.approx(1 - 2 / 24, abs=1e-12)


def test_an_open_incident_counts_up_to_the_build_time(site):
    up = build(site, {"2026-01-10-open.md": incident_file("phone: major_outage", [
        ("2026-01-10 22:00", "investigating", "")])}, "2026-01-11 03:00")
    yesterday, today = up.daily("phone", 2)
    assert yesterday.uptime == pytest.approx(1 - 2 / 24, abs=1e-12)
    assert (today.uptime, today.downtime, today.incidents) == (0.0, timedelta(hours=3), ("2026-01-10-open",))


def test_updates_posted_after_the_build_time_do_not_count(site):
    files = {"2026-01-10-down.md": outage("2026-01-10 10:00", "2026-01-10 14:00"),
             "2026-01-10-future.md": outage("2026-01-10 13:00", "2026-01-10 15:00", "tv: major_outage")}
    up = build(site, files, "2026-01-10 12:00")
    assert up.daily("phone", 1)[0].uptime == pytest.approx(1 - 2 / 12, abs=1e-12)  # open as of 12:00
    assert up.daily("tv", 1)[0] == Day(date(2026, 1, 10), 1.0, timedelta(0), "operational", ())


def test_overlapping_incidents_take_the_worst_not_the_sum(site):
    up = build(site, {
        "2026-01-10-a.md": outage("2026-01-10 10:00", "2026-01-10 12:00", extra="areas: [north]"),
        "2026-01-10-b.md": outage("2026-01-10 11:00", "2026-01-10 13:00", "phone: partial_outage",
                                  extra="areas: [north]"),
    }, "2026-01-20 12:00")
    day = day_of(up, "phone", "2026-01-10")
    assert day.uptime == pytest.approx(1 - (2 + 0.3) / 48, abs=1e-12)
    assert (day.worst, day.incidents) == ("major_outage", ("2026-01-10-a", "2026-01-10-b"))
    assert up.intervals() == {("phone", "north"): [
        Segment(at("2026-01-10 10:00"), at("2026-01-10 11:00"), 1.0, "major_outage", ("2026-01-10-a",)),
        Segment(at("2026-01-10 11:00"), at("2026-01-10 12:00"), 1.0, "major_outage", ("2026-01-10-a", "2026-01-10-b")),
        Segment(at("2026-01-10 12:00"), at("2026-01-10 13:00"), 0.3, "partial_outage", ("2026-01-10-b",)),
    ]}


def test_the_same_outage_twice_counts_once(site):
    up = build(site, {"2026-01-10-a.md": outage("2026-01-10 10:00", "2026-01-10 11:00"),
                      "2026-01-10-b.md": outage("2026-01-10 10:00", "2026-01-10 11:00")}, "2026-01-20 12:00")
    assert day_of(up, "phone", "2026-01-10").uptime == pytest.approx(1 - 1 / 24, abs=1e-12)


def test_an_incident_over_midnight_touches_both_days_and_one_ending_at_midnight_only_its_own(site):
    up = build(site, {"2026-01-10-late.md": outage("2026-01-10 23:00", "2026-01-11 01:00"),
                      "2026-01-12-eve.md": outage("2026-01-12 23:00", "2026-01-13 00:00")}, "2026-01-20 12:00")
    days = {d.date.day: (d.worst, d.incidents) for d in up.daily("phone", 19)}
    assert days[10] == days[11] == ("major_outage", ("2026-01-10-late",))
    assert days[12] == ("major_outage", ("2026-01-12-eve",))
    assert days[13] == ("operational", ())
    assert day_of(up, "phone", "2026-01-11").uptime == pytest.approx(1 - 1 / 24, abs=1e-12)


# --- periods ---------------------------------------------------------------------------------------------------

def test_ninety_days_oldest_first_ending_today(site):
    days = build(site, {}, "2026-03-31 23:59").daily("phone")
    assert len(days) == 90
    assert (days[0].date, days[-1].date) == (date(2026, 1, 1), date(2026, 3, 31))
    assert {d.uptime for d in days} == {1.0}


SINCE_CATALOG = """\
areas:
  - id: north
    name: North
  - id: south
    name: South
components:
  - id: phone
    name: Phone
    sla: 99.9
    since: 2026-01-10
"""


def test_since_cuts_every_period(site):
    site.catalog(SINCE_CATALOG)
    up = build(site, {"2026-01-10-across.md": outage("2026-01-10 00:00", "2026-01-10 01:00"),
                      "2026-01-15-cut.md": outage("2026-01-15 10:00", "2026-01-15 11:00")},
               "2026-02-01 06:00", since=None)
    days = {d.date: d for d in up.daily("phone", 30)}
    assert days[date(2026, 1, 9)] == Day(date(2026, 1, 9), None, timedelta(0), "operational", ())
    assert days[date(2026, 1, 10)].uptime == pytest.approx(1 - 1 / 24, abs=1e-12)
    assert days[date(2026, 1, 10)].incidents == ("2026-01-10-across",)
    february, january, december = up.monthly("phone", 3)
    assert february == Month(2026, 2, 1.0, 99.9, True, timedelta(0))
    assert (january.year, january.month) == (2026, 1)
    assert january.uptime == pytest.approx(1 - 2 / (22 * 24), abs=1e-12)  # from Jan 10: 22 days, 2 h down
    assert december == Month(2025, 12, None, 99.9, None, timedelta(0))
    assert up.overall("phone", at("2026-01-01 00:00"), at("2026-01-11 00:00")) == pytest.approx(1 - 1 / 24, abs=1e-12)
    assert up.overall("phone", at("2025-06-01 00:00"), at("2026-01-10 00:00")) is None


def test_an_outage_before_since_moves_the_records_back_to_it(site):
    """Every outage counts (issue 24): a service's records begin at the earliest of its `since` and the first
    incident that touched it."""
    site.catalog(SINCE_CATALOG)
    up = build(site, {"2026-01-05-before.md": outage("2026-01-05 10:00", "2026-01-05 11:00"),
                      "2026-01-09-across.md": outage("2026-01-09 23:00", "2026-01-10 01:00")},
               "2026-02-01 06:00", since=None)
    days = {d.date: d for d in up.daily("phone", 30)}
    assert days[date(2026, 1, 4)].uptime is None
    assert days[date(2026, 1, 5)].downtime == timedelta(hours=1)
    assert days[date(2026, 1, 9)].downtime == days[date(2026, 1, 10)].downtime == timedelta(hours=1)
    january = up.monthly("phone", 2)[1]
    assert january.uptime == pytest.approx(1 - 3 / (27 * 24), abs=1e-12)  # from Jan 5: 27 days, 3 h down


def test_since_is_midnight_in_the_site_zone(site):
    site.catalog(SINCE_CATALOG)
    up = build(site, {"2026-01-10-early.md": outage("2026-01-10 00:00", "2026-01-10 00:30")}, "2026-01-20 12:00",
               timezone="America/Chicago", since=None)
    days = {d.date: d for d in up.daily("phone", 15)}
    assert days[date(2026, 1, 9)].uptime is None
    assert days[date(2026, 1, 10)].downtime == timedelta(minutes=30)
    assert up.overall("phone", at("2026-01-10 05:00"), at("2026-01-11 06:00")) == pytest.approx(
        1 - 0.5 / 24, abs=1e-12)  # from 06:00 UTC (midnight in Chicago), not 05:00: 24 h with data


def test_periods_after_the_build_time_have_no_data(site):
    up = build(site, {"2026-01-10-cut.md": outage("2026-01-10 10:00", "2026-01-10 11:00")}, "2026-01-10 12:00")
    assert up.overall("phone", at("2026-01-11 00:00"), at("2026-02-01 00:00")) is None
    # a period reaching past the build time counts only up to it
    assert up.overall("phone", at("2026-01-10 00:00"), at("2026-01-20 00:00")) == pytest.approx(1 - 1 / 12, abs=1e-12)


@pytest.mark.parametrize("day, hours", [("2026-03-08", 23), ("2026-11-01", 25), ("2026-03-09", 24)])
def test_a_day_is_a_calendar_day_in_the_site_zone(site, day, hours):
    up = build(site, {f"{day}-cut.md": outage(f"{day} 10:00", f"{day} 11:00")}, "2026-12-31 12:00",
               timezone="America/Chicago")
    found = next(d for d in up.daily("phone", 365) if d.date == date.fromisoformat(day))
    assert found.uptime == pytest.approx(1 - 1 / hours, abs=1e-12)


def test_a_whole_short_day_down_is_23_hours_of_downtime(site):
    up = build(site, {"2026-03-07-long.md": outage("2026-03-07 22:00", "2026-03-09 01:00")}, "2026-03-20 12:00",
               timezone="America/Chicago")
    sunday = next(d for d in up.daily("phone", 30) if d.date == date(2026, 3, 8))
    assert (sunday.uptime, sunday.downtime) == (0.0, timedelta(hours=23))


def test_months_newest_first_across_a_year(site):
    months = build(site, {}, "2026-01-15 12:00").monthly("phone", 3)
    assert [(m.year, m.month) for m in months] == [(2026, 1), (2025, 12), (2025, 11)]
    assert [m.uptime for m in months] == [1.0, 1.0, 1.0]


# --- SLA -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("end, uptime, met", [
    ("2026-04-15 10:45", 1 - 45 / 43200, False),  # 99.896%
    ("2026-04-15 10:40", 1 - 40 / 43200, True),  # 99.907%
    ("2026-04-15 10:43:12", 0.999, True),  # exactly the target
])
def test_a_month_meets_its_target_or_not(site, end, uptime, met):
    up = build(site, {"2026-04-15-cut.md": outage("2026-04-15 10:00", end)}, "2026-05-15 12:00")
    april = up.monthly("phone", 2)[1]
    assert (april.year, april.month, april.target, april.met) == (2026, 4, 99.9, met)
    assert april.uptime == pytest.approx(uptime, abs=1e-12)
    assert april.downtime == parse_time(f"2026-01-01 {end[11:]}", UTC) - at("2026-01-01 10:00")
    tv = up.monthly("tv", 2)[1]
    assert (tv.uptime, tv.target, tv.met) == (1.0, None, None)


def test_the_build_time_must_say_its_zone(site):
    with pytest.raises(ValueError, match="a build time without a time zone"):
        Uptime(load_site(site.content, "UTC"), at("2026-01-20 12:00").replace(tzinfo=None))


# --- honest at any build time: no data before a service existed --------------------------------------------------

def test_without_since_records_begin_with_the_sites_first_incident_never_100_before(site):
    up = build(site, {"2026-01-10-cut.md": outage("2026-01-10 10:00", "2026-01-10 11:00", extra="areas: [north]")},
               "2026-01-20 12:00", since=None)
    assert day_of(up, "phone", "2026-01-09").uptime is None
    assert day_of(up, "phone", "2026-01-10").uptime == pytest.approx(1 - 0.5 / 24)
    assert day_of(up, "tv", "2026-01-10").uptime == 1.0
    assert [m.uptime for m in up.monthly("tv", 2)] == [1.0, None]  # January on record; December not


def test_without_since_or_any_incident_there_is_no_data_at_all(site):
    up = build(site, {}, "2026-01-20 12:00", since=None)
    assert {d.uptime for d in up.daily("phone", 90)} == {None}
    assert up.monthly("phone", 1)[0].met is None


def test_the_day_a_service_first_appeared_is_where_its_records_begin(site):
    site.incident("2026-01-10-cut.md", outage("2026-01-10 10:00", "2026-01-10 11:00", components="tv: major_outage"))
    up = Uptime(load_site(site.content, "UTC"), at("2026-01-20 12:00"), first_seen={"phone": date(2026, 1, 15)})
    assert day_of(up, "phone", "2026-01-14").uptime is None and day_of(up, "phone", "2026-01-15").uptime == 1.0
    assert day_of(up, "tv", "2026-01-09").uptime is None and day_of(up, "tv", "2026-01-11").uptime == 1.0
