"""Status at a given time: per component and area, overall, open and upcoming, maintenance phases, durations.

The site fixture's catalog: areas north and south; phone offered in both, tv only in south.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from statusgen.load import load_site
from statusgen.status import duration, is_active, is_open, is_upcoming, phase, posted, snapshot
from tests.conftest import utc

at = utc  # the time helper of tests/conftest.py, by the name these tests use


def incident_file(components: str, updates: list[tuple[str, str, str]], *, title: str = "Something",
                  extra: str = "") -> str:
    """An incident file; each update is (at, state, components or "")."""
    lines = ["---", f"title: {title}", f"components: {{{components}}}"] + ([extra] if extra else []) + ["updates:"]
    for when, state, changes in updates:
        lines += [f"  - at: {when}", f"    state: {state}", "    body: Words."]
        if changes:
            lines.append(f"    components: {{{changes}}}")
    return "\n".join(lines + ["---", ""])


def maintenance_file(updates: list[tuple[str, str]], *, window=("2026-03-10 01:00", "2026-03-10 03:00"),
                     components: str = "phone: under_maintenance", extra: str = "") -> str:
    return incident_file(components, [(when, state, "") for when, state in updates],
                         extra=f"kind: maintenance\nwindow: {{start: {window[0]}, end: {window[1]}}}"
                               + (f"\n{extra}" if extra else ""))


def load(site):
    loaded = load_site(site.content, "UTC")
    return loaded.catalog, loaded.incidents


def one(site, name: str, text: str):
    site.incident(name, text)
    catalog, (item,) = load(site)
    return catalog, item


# --- per component and area ------------------------------------------------------------------------------------

def test_nothing_open_is_all_operational(site):
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-01-01 10:00"))
    assert now.cells == {}
    assert now.components == {"phone": "operational", "tv": "operational"}
    assert now.areas == {"north": "operational", "south": "operational"}
    assert (now.indicator, now.description) == ("none", "All systems operational")
    assert now.open == () and now.active_maintenance == () and now.upcoming_maintenance == ()
    assert now.status("phone", "north") == "operational"


def test_incident_areas_limit_where_a_component_is_affected(site):
    catalog, item = one(site, "2026-01-01-north.md", incident_file(
        "phone: major_outage", [("2026-01-01 10:00", "investigating", "")], extra="areas: [north]"))
    now = snapshot(catalog, (item,), at("2026-01-01 10:30"))
    assert now.cells == {("phone", "north"): "major_outage"}
    assert now.components == {"phone": "major_outage", "tv": "operational"}
    assert now.areas == {"north": "major_outage", "south": "operational"}
    assert now.affected_areas(catalog.component["phone"]) == ["north"]
    assert (now.indicator, now.description) == ("critical", "Major system outage")


def test_a_component_offered_in_fewer_areas_is_affected_only_where_offered(site):
    catalog, item = one(site, "2026-01-01-both.md", incident_file(
        "phone: partial_outage, tv: degraded_performance", [("2026-01-01 10:00", "investigating", "")]))
    assert item.areas == ("north", "south")
    now = snapshot(catalog, (item,), at("2026-01-01 10:30"))
    assert now.cells == {("phone", "north"): "partial_outage", ("phone", "south"): "partial_outage",
                         ("tv", "south"): "degraded_performance"}
    assert now.status("tv", "north") == "operational"


def test_an_incident_area_where_a_component_is_not_offered_leaves_that_component_alone(site):
    # tv is not offered in north: only phone is affected there, and tv nowhere
    catalog, item = one(site, "2026-01-01-north.md", incident_file(
        "phone: degraded_performance, tv: major_outage", [("2026-01-01 10:00", "investigating", "")],
        extra="areas: [north]"))
    now = snapshot(catalog, (item,), at("2026-01-01 10:30"))
    assert now.cells == {("phone", "north"): "degraded_performance"}
    assert now.components == {"phone": "degraded_performance", "tv": "operational"}


def test_worst_status_per_cell_component_and_area(site):
    site.incident("2026-01-01-slow.md", incident_file(
        "phone: degraded_performance", [("2026-01-01 10:00", "investigating", "")]))
    site.incident("2026-01-01-south.md", incident_file(
        "phone: partial_outage, tv: major_outage", [("2026-01-01 11:00", "identified", "")], extra="areas: [south]"))
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-01-01 12:00"))
    assert now.cells == {("phone", "north"): "degraded_performance", ("phone", "south"): "partial_outage",
                         ("tv", "south"): "major_outage"}
    assert now.components == {"phone": "partial_outage", "tv": "major_outage"}
    assert now.areas == {"north": "degraded_performance", "south": "major_outage"}
    assert now.affected_areas(catalog.component["phone"]) == ["north", "south"]


# --- over time -------------------------------------------------------------------------------------------------

@pytest.fixture
def changing(site):
    """phone down and tv slow; phone partly back at 11:00; tv recovered at 12:00 while phone is still out."""
    return one(site, "2026-01-01-changing.md", incident_file("phone: major_outage, tv: degraded_performance", [
        ("2026-01-01 10:00", "investigating", ""),
        ("2026-01-01 11:00", "identified", "phone: partial_outage"),
        ("2026-01-01 12:00", "monitoring", "tv: operational"),
        ("2026-01-01 13:00", "resolved", "phone: operational"),
    ]))


def test_a_site_is_cut_at_a_time_once_and_a_copy_with_other_incidents_is_cut_again(site, changing):
    from dataclasses import replace

    whole = load_site(site.content, "UTC")
    cut = posted(whole, at("2026-01-01 11:30"))
    assert [len(i.updates) for i in cut.incidents] == [2] and cut.posted_at == at("2026-01-01 11:30")
    assert posted(cut, at("2026-01-01 11:30")) is cut  # the view's site: the API and the uptime take it as it is
    assert [len(i.updates) for i in posted(cut, at("2026-01-01 10:30")).incidents] == [1]  # another time: cut again
    copy = replace(cut, incidents=whole.incidents)  # a copy with other incidents carries no mark: cut again
    assert copy.posted_at is None
    assert [len(i.updates) for i in posted(copy, at("2026-01-01 11:30")).incidents] == [2]


@pytest.mark.parametrize("when, cells, state", [
    ("2026-01-01 09:59", {}, "not_posted"),
    ("2026-01-01 10:00", {("phone", "north"): "major_outage", ("phone", "south"): "major_outage",
                          ("tv", "south"): "degraded_performance"}, "investigating"),
    ("2026-01-01 10:59", {("phone", "north"): "major_outage", ("phone", "south"): "major_outage",
                          ("tv", "south"): "degraded_performance"}, "investigating"),
    ("2026-01-01 11:00", {("phone", "north"): "partial_outage", ("phone", "south"): "partial_outage",
                          ("tv", "south"): "degraded_performance"}, "identified"),
    ("2026-01-01 12:30", {("phone", "north"): "partial_outage", ("phone", "south"): "partial_outage"}, "monitoring"),
    ("2026-01-01 13:00", {}, "resolved"),
    ("2026-02-01 00:00", {}, "resolved"),
])
def test_updates_change_statuses_over_time(changing, when, cells, state):
    catalog, item = changing
    now = snapshot(catalog, (item,), at(when))
    assert now.cells == cells
    assert phase(item, at(when)).state == state


def test_a_component_back_to_operational_mid_incident_is_operational(changing):
    catalog, item = changing
    now = snapshot(catalog, (item,), at("2026-01-01 12:30"))
    assert now.components == {"phone": "partial_outage", "tv": "operational"}
    assert now.affected_areas(catalog.component["tv"]) == []
    assert now.open == (item,)
    assert now.indicator == "major"  # no impact declared: what its statuses imply now (partial outage), not the worst
    assert item.impact == "critical"  # the incident itself is still described by the worst it set


def test_resolved_incidents_are_not_counted(changing):
    catalog, item = changing
    now = snapshot(catalog, (item,), at("2026-01-01 13:00"))
    assert now.open == ()
    assert now.indicator == "none"
    assert not is_open(item, at("2026-01-01 13:00")) and not is_active(item, at("2026-01-01 13:00"))
    assert is_open(item, at("2026-01-01 12:59"))


def test_an_incident_not_yet_posted_is_not_shown(changing):
    catalog, item = changing
    when = at("2026-01-01 09:00")
    assert snapshot(catalog, (item,), when).open == ()
    assert not is_open(item, when) and not is_active(item, when)
    assert phase(item, when).label == "Not yet posted"


# --- overall indicator and lists -------------------------------------------------------------------------------

@pytest.mark.parametrize("files, indicator, description", [
    ({}, "none", "All systems operational"),
    ({"2026-01-01-slow.md": incident_file("phone: degraded_performance", [("2026-01-01 10:00", "investigating", "")])},
     "minor", "Minor service disruption"),
    ({"2026-01-01-part.md": incident_file("phone: partial_outage", [("2026-01-01 10:00", "investigating", "")])},
     "major", "Partial system outage"),
    ({"2026-01-01-slow.md": incident_file("phone: degraded_performance", [("2026-01-01 10:00", "investigating", "")]),
      "2026-01-01-down.md": incident_file("tv: major_outage", [("2026-01-01 11:00", "investigating", "")])},
     "critical", "Major system outage"),
    # the declared impact counts, not the statuses
    ({"2026-01-01-down.md": incident_file("tv: major_outage", [("2026-01-01 11:00", "investigating", "")],
                                          extra="impact: minor")}, "minor", "Minor service disruption"),
    ({"2026-01-01-none.md": incident_file("tv: degraded_performance", [("2026-01-01 11:00", "investigating", "")],
                                          extra="impact: none")}, "none", "All systems operational"),
    # resolved: not counted
    ({"2026-01-01-down.md": incident_file("tv: major_outage", [("2026-01-01 10:00", "investigating", ""),
                                                               ("2026-01-01 11:00", "resolved", "")])},
     "none", "All systems operational"),
    # only maintenance in progress
    ({"2026-01-01-work.md": maintenance_file([("2026-01-01 09:00", "in_progress")],
                                             window=("2026-01-01 09:00", "2026-01-01 18:00"))},
     "maintenance", "Service under maintenance"),
    # an incident outranks maintenance
    ({"2026-01-01-work.md": maintenance_file([("2026-01-01 09:00", "in_progress")],
                                             window=("2026-01-01 09:00", "2026-01-01 18:00")),
      "2026-01-01-slow.md": incident_file("tv: degraded_performance", [("2026-01-01 10:00", "investigating", "")])},
     "minor", "Minor service disruption"),
    # maintenance only scheduled: not in progress
    ({"2026-01-01-work.md": maintenance_file([("2026-01-01 09:00", "scheduled")],
                                             window=("2026-01-02 09:00", "2026-01-02 18:00"))},
     "none", "All systems operational"),
])
def test_overall_indicator(site, files, indicator, description):
    for name, text in files.items():
        site.incident(name, text)
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-01-01 12:00"))
    assert (now.indicator, now.description) == (indicator, description)


def test_open_incidents_newest_first_without_maintenance_or_resolved(site):
    site.incident("2026-01-01-old.md", incident_file("phone: degraded_performance", [
        ("2026-01-01 08:00", "investigating", "")]))
    site.incident("2026-01-01-new.md", incident_file("tv: major_outage", [("2026-01-01 11:00", "investigating", "")]))
    site.incident("2026-01-01-early.md", incident_file("tv: partial_outage", [
        ("2026-01-01 10:00", "investigating", "")], extra="started: 2026-01-01 06:00"))
    site.incident("2026-01-01-done.md", incident_file("phone: major_outage", [
        ("2026-01-01 09:00", "investigating", ""), ("2026-01-01 09:30", "resolved", "")]))
    site.incident("2026-01-01-work.md", maintenance_file([("2026-01-01 07:00", "in_progress")],
                                                         window=("2026-01-01 07:00", "2026-01-01 18:00")))
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-01-01 12:00"))
    assert [i.id for i in now.open] == ["2026-01-01-new", "2026-01-01-old", "2026-01-01-early"]
    assert [i.id for i in now.active_maintenance] == ["2026-01-01-work"]


# --- maintenance -----------------------------------------------------------------------------------------------

SCHEDULED = [("2026-03-01 10:00", "scheduled")]  # window 2026-03-10 01:00 to 03:00


@pytest.mark.parametrize("when, state, per_schedule, label, active, upcoming, is_open_", [
    ("2026-02-28 00:00", "not_posted", False, "Not yet posted", False, False, False),
    ("2026-03-01 10:00", "scheduled", False, "Scheduled", False, True, True),
    ("2026-03-10 00:59", "scheduled", False, "Scheduled", False, True, True),
    ("2026-03-10 01:00", "in_progress", True, "In progress (per schedule)", True, False, True),
    ("2026-03-10 02:59", "in_progress", True, "In progress (per schedule)", True, False, True),
    ("2026-03-10 03:00", "ended_unconfirmed", True, "Ended per schedule, not yet confirmed", False, False, False),
    ("2026-04-01 00:00", "ended_unconfirmed", True, "Ended per schedule, not yet confirmed", False, False, False),
])
def test_maintenance_phase_follows_the_schedule_without_updates(site, when, state, per_schedule, label, active,
                                                                upcoming, is_open_):
    catalog, item = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED))
    p = phase(item, at(when))
    assert (p.state, p.per_schedule, p.label) == (state, per_schedule, label)
    assert p.label != "Completed"
    assert is_active(item, at(when)) == active
    assert is_upcoming(item, at(when)) == upcoming
    assert is_open(item, at(when)) == is_open_
    now = snapshot(catalog, (item,), at(when))
    assert now.cells == ({("phone", "north"): "under_maintenance", ("phone", "south"): "under_maintenance"}
                         if active else {})
    assert now.active_maintenance == ((item,) if active else ())
    assert now.upcoming_maintenance == ((item,) if upcoming else ())
    assert now.indicator == ("maintenance" if active else "none")
    assert now.open == ()  # maintenance is never an open incident


@pytest.mark.parametrize("when, state, label, active", [
    ("2026-03-10 01:02", "in_progress", "In progress (per schedule)", True),  # started, not yet said so
    ("2026-03-10 01:05", "in_progress", "In progress", True),
    ("2026-03-10 02:30", "verifying", "Verifying", True),
    ("2026-03-10 02:50", "completed", "Completed", False),
    ("2026-03-11 00:00", "completed", "Completed", False),
])
def test_maintenance_phase_follows_its_updates(site, when, state, label, active):
    catalog, item = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED + [
        ("2026-03-10 01:05", "in_progress"), ("2026-03-10 02:30", "verifying"), ("2026-03-10 02:50", "completed")]))
    p = phase(item, at(when))
    assert (p.state, p.label, p.is_closed) == (state, label, state == "completed")
    assert is_active(item, at(when)) == active
    assert not is_upcoming(item, at(when))
    assert snapshot(catalog, (item,), at(when)).status("phone", "south") == (
        "under_maintenance" if active else "operational")


def test_explicit_in_progress_outlasts_the_window(site):
    catalog, item = one(site, "2026-03-01-switch.md",
                        maintenance_file(SCHEDULED + [("2026-03-10 01:05", "in_progress")]))
    when = at("2026-03-10 05:00")  # the window ended at 03:00, but the author has not said it is done
    assert (phase(item, when).state, phase(item, when).per_schedule) == ("in_progress", False)
    assert is_active(item, when)
    assert snapshot(catalog, (item,), when).indicator == "maintenance"


def test_in_progress_before_the_window_starts(site):
    catalog, item = one(site, "2026-03-01-switch.md",
                        maintenance_file(SCHEDULED + [("2026-03-10 00:30", "in_progress")]))
    when = at("2026-03-10 00:45")
    assert phase(item, when).label == "In progress"
    assert is_active(item, when) and not is_upcoming(item, when)


@pytest.mark.parametrize("when", ["2026-03-06 00:00", "2026-03-10 02:00", "2026-03-10 04:00", "2026-05-01 00:00"])
def test_cancelled_maintenance_is_never_completed_nor_upcoming(site, when):
    catalog, item = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED + [("2026-03-05 09:00", "cancelled")]))
    p = phase(item, at(when))
    assert (p.state, p.label, p.per_schedule, p.is_closed) == ("cancelled", "Cancelled", False, True)
    assert not is_upcoming(item, at(when)) and not is_active(item, at(when)) and not is_open(item, at(when))
    now = snapshot(catalog, (item,), at(when))
    assert now.upcoming_maintenance == () and now.active_maintenance == () and now.cells == {}
    assert now.indicator == "none"


def test_cancelled_maintenance_is_upcoming_until_cancelled(site):
    catalog, item = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED + [("2026-03-05 09:00", "cancelled")]))
    assert is_upcoming(item, at("2026-03-05 08:59"))
    assert snapshot(catalog, (item,), at("2026-03-05 08:59")).upcoming_maintenance == (item,)


def test_upcoming_maintenance_sorted_by_start(site):
    site.incident("2026-03-01-a-late.md", maintenance_file(SCHEDULED, window=("2026-03-20 01:00", "2026-03-20 03:00")))
    site.incident("2026-03-02-b-soon.md", maintenance_file(SCHEDULED, window=("2026-03-05 01:00", "2026-03-05 03:00")))
    site.incident("2026-03-03-c-middle.md",
                  maintenance_file(SCHEDULED, window=("2026-03-10 01:00", "2026-03-10 02:00")))
    site.incident("2026-03-04-d-cancelled.md", maintenance_file(
        SCHEDULED + [("2026-03-02 10:00", "cancelled")], window=("2026-03-04 01:00", "2026-03-04 03:00")))
    site.incident("2026-03-05-e-started.md", maintenance_file(
        SCHEDULED + [("2026-03-02 10:00", "in_progress")], window=("2026-03-03 01:00", "2026-03-03 03:00")))
    site.incident("2026-03-06-f-past.md", maintenance_file(SCHEDULED, window=("2026-03-02 01:00", "2026-03-02 03:00")))
    site.incident("2026-03-07-g-announced-later.md", maintenance_file(
        [("2026-03-04 10:00", "scheduled")], window=("2026-03-06 01:00", "2026-03-06 03:00")))
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-03-03 12:00"))
    assert [i.id for i in now.upcoming_maintenance] == [
        "2026-03-02-b-soon", "2026-03-03-c-middle", "2026-03-01-a-late"]
    assert [i.id for i in now.active_maintenance] == ["2026-03-05-e-started"]


def test_maintenance_in_some_areas(site):
    catalog, item = one(site, "2026-03-01-switch.md", maintenance_file(
        SCHEDULED, components="phone: under_maintenance, tv: under_maintenance", extra="areas: [south]"))
    now = snapshot(catalog, (item,), at("2026-03-10 02:00"))
    assert now.cells == {("phone", "south"): "under_maintenance", ("tv", "south"): "under_maintenance"}
    assert now.areas == {"north": "operational", "south": "under_maintenance"}


def test_an_incident_during_maintenance_is_worse_than_maintenance(site):
    site.incident("2026-03-01-switch.md", maintenance_file(SCHEDULED))
    site.incident("2026-03-10-down.md", incident_file(
        "phone: major_outage", [("2026-03-10 02:00", "investigating", "")], extra="areas: [north]"))
    catalog, incidents = load(site)
    now = snapshot(catalog, incidents, at("2026-03-10 02:30"))
    assert now.cells == {("phone", "north"): "major_outage", ("phone", "south"): "under_maintenance"}
    assert now.indicator == "critical"


# --- durations -------------------------------------------------------------------------------------------------

@pytest.fixture
def resolved(site):
    return one(site, "2026-01-01-done.md", incident_file("phone: major_outage", [
        ("2026-01-01 10:00", "investigating", ""), ("2026-01-01 13:20", "resolved", "")]))[1]


@pytest.mark.parametrize("when, expected", [
    ("2026-01-01 09:00", timedelta(0)),  # before it began
    ("2026-01-01 10:00", timedelta(0)),
    ("2026-01-01 11:15", timedelta(hours=1, minutes=15)),  # open: up to the time asked about
    ("2026-01-01 13:20", timedelta(hours=3, minutes=20)),
    ("2026-06-01 00:00", timedelta(hours=3, minutes=20)),  # resolved: from first update to resolution
])
def test_duration_of_a_resolved_incident(resolved, when, expected):
    assert duration(resolved, at(when)) == expected


def test_duration_of_an_open_incident_runs_to_the_time_given(site):
    _, item = one(site, "2026-01-01-open.md", incident_file("phone: major_outage", [
        ("2026-01-01 10:00", "investigating", ""), ("2026-01-01 11:00", "identified", "")]))
    assert item.ended is None
    assert duration(item, at("2026-01-01 12:30")) == timedelta(hours=2, minutes=30)
    assert duration(item, at("2026-01-03 10:00")) == timedelta(days=2)


def test_started_before_the_first_update_sets_when_it_began(site):
    _, item = one(site, "2026-01-01-early.md", incident_file("phone: major_outage", [
        ("2026-01-01 10:00", "investigating", ""), ("2026-01-01 13:20", "resolved", "")],
        extra="started: 2026-01-01 09:05"))
    assert item.began == at("2026-01-01 09:05")
    assert duration(item, at("2026-01-02 00:00")) == timedelta(hours=4, minutes=15)
    assert duration(item, at("2026-01-01 09:35")) == timedelta(minutes=30)


def test_without_started_it_began_at_the_first_update(resolved):
    assert resolved.began == at("2026-01-01 10:00")


def test_maintenance_duration(site):
    _, done = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED + [
        ("2026-03-10 01:05", "in_progress"), ("2026-03-10 02:50", "completed")]))
    assert done.began == at("2026-03-10 01:00")  # the window's start
    assert duration(done, at("2026-03-11 00:00")) == timedelta(hours=1, minutes=50)
    assert duration(done, at("2026-03-01 12:00")) == timedelta(0)


def test_duration_of_maintenance_that_ended_per_schedule_is_its_window(site):
    _, item = one(site, "2026-03-01-switch.md", maintenance_file(SCHEDULED))
    assert duration(item, at("2026-03-10 02:00")) == timedelta(hours=1)
    assert duration(item, at("2026-03-12 00:00")) == timedelta(hours=2)


def test_an_open_incident_whose_components_are_all_back_weighs_nothing(site):
    """Monitoring with every component operational: the headline must not say outage above a green list."""
    site.incident("2026-01-01-calls.md", """\
        ---
        title: Calls fail
        impact: major
        components: {phone: major_outage}
        updates:
          - at: 2026-01-01 10:00
            state: investigating
            body: Calls fail.
          - at: 2026-01-01 11:00
            state: monitoring
            components: {phone: operational}
            body: Calls work again; watching.
        ---
        """)
    site_model = load_site(site.content, "UTC")
    (item,) = site_model.incidents
    during = snapshot(site_model.catalog, site_model.incidents, at("2026-01-01 10:30"))
    assert during.indicator == "major"  # declared impact while a component is still down
    after = snapshot(site_model.catalog, site_model.incidents, at("2026-01-01 11:30"))
    assert after.open == (item,) and after.indicator == "none" and set(after.components.values()) == {"operational"}
