"""Promises kept and broken: figures per incident and over a period, each checked against a hand computation."""
from __future__ import annotations

import textwrap
from datetime import timedelta
from zoneinfo import ZoneInfo

from statusgen import promises
from statusgen.load import load_site
from statusgen.promises import KEPT, LATE, MET, MISSED, OVERDUE, PENDING, figures, sentences, summary
from tests.test_status import at

UTC = ZoneInfo("UTC")
CHICAGO = ZoneInfo("America/Chicago")


def one(site, text: str, tz: str = "UTC"):
    site.incident("2026-08-29-x.md", text)
    return load_site(site.content, tz).incidents[0]


ACROSS_MIDNIGHT = """\
---
title: Calls fail overnight
components: {phone: major_outage}
started: 2026-08-29 23:40
updates:
  - at: 2026-08-30 00:05
    state: investigating
    next_update: 2026-08-30 00:30
    eta: 2026-08-30 06:00
    body: Calls fail.
  - at: 2026-08-30 00:55
    state: identified
    next_update: 2026-08-30 02:00
    eta: 2026-08-30 08:00
    body: A card failed.
  - at: 2026-08-30 02:00
    state: monitoring
    next_update: 2026-08-30 09:00
    body: Replaced.
  - at: 2026-08-30 07:50
    state: resolved
    body: Fixed.
---
"""


def test_across_midnight_late_kept_to_the_minute_early_and_an_eta_moved_then_met(site):
    item = one(site, ACROSS_MIDNIGHT)
    f = figures(item, at("2026-08-31 12:00Z"))
    assert f.acknowledged == timedelta(minutes=25)  # 23:40 to 00:05, across midnight
    assert [(p.outcome, p.margin) for p in f.next_updates] == [
        (LATE, timedelta(minutes=25)),  # promised 00:30, posted 00:55
        (KEPT, timedelta(0)),  # promised 02:00, posted 02:00
        (KEPT, timedelta(hours=1, minutes=10))]  # promised 09:00, posted (resolved) 07:50
    assert (f.eta.first, f.eta.last, f.eta.moves) == (at("2026-08-30 06:00Z"), at("2026-08-30 08:00Z"), 1)
    assert (f.eta.outcome, f.eta.margin) == (MET, timedelta(minutes=10))
    assert sentences(f, UTC) == [
        "Began Aug 29, 23:40, first update Aug 30, 00:05: 25 minutes to acknowledge.",
        "Update promised by 00:30, posted 00:55: 25 minutes late.",
        "Update promised by 02:00, posted 02:00: on time.",
        "Update promised by 09:00, posted 07:50: kept, 1 hour 10 minutes early.",
        "Expected resolution Aug 30, 08:00, service back Aug 30, 07:50: met, 10 minutes early. "
        "The ETA moved once (first Aug 30, 06:00).",
    ]


def test_an_overdue_promise_and_a_passed_eta_at_build_time(site):
    item = one(site, textwrap.dedent("""\
        ---
        title: TV down
        components: {tv: major_outage}
        eta: 2026-08-29 18:00
        updates:
          - at: 2026-08-29 11:05
            state: identified
            next_update: 2026-08-29 13:00
            body: Down.
        ---
        """))
    f = figures(item, at("2026-08-29 21:00Z"))
    assert f.acknowledged is None  # no `started`: the start is not given, never "0 minutes"
    assert [(p.outcome, p.margin, p.posted) for p in f.next_updates] == [(OVERDUE, timedelta(hours=8), None)]
    assert (f.eta.outcome, f.eta.margin, f.eta.moves, f.eta.back) == (MISSED, timedelta(hours=3), 0, None)
    assert sentences(f, UTC) == [
        "Start not given: first update 11:05; no time to acknowledge is counted.",
        "Update promised by 13:00, none posted by 21:00: 8 hours overdue.",
        "Expected resolution 18:00, still not back at 21:00: missed by 3 hours so far. The ETA never moved.",
    ]
    early = figures(item, at("2026-08-29 12:00Z"))  # the same incident seen before anything came due
    assert [(p.outcome, p.margin) for p in early.next_updates] == [(PENDING, timedelta(0))]
    assert early.eta.outcome == PENDING
    assert sentences(early, UTC)[1:] == ["Update promised by 13:00: not due yet.",
                                         "Expected resolution 18:00: not reached yet. The ETA never moved."]


def test_an_update_dated_after_the_build_time_does_not_count(site):
    item = one(site, ACROSS_MIDNIGHT)
    f = figures(item, at("2026-08-30 00:40Z"))  # before the 00:55 update
    assert [(p.outcome, p.margin) for p in f.next_updates] == [(OVERDUE, timedelta(minutes=10))]
    assert (f.eta.last, f.eta.moves, f.eta.outcome) == (at("2026-08-30 06:00Z"), 0, PENDING)


def test_daylight_saving_time_ending_is_counted_in_real_minutes_and_named(site):
    # Nov 1, 2026: Chicago goes from 02:00 CDT back to 01:00 CST. 00:50 CDT is 05:50Z; 01:10 CST is 07:10Z.
    item = one(site, textwrap.dedent("""\
        ---
        title: Slow internet
        components: {phone: degraded_performance}
        started: 2026-11-01 00:50-05:00
        updates:
          - at: 2026-11-01 01:10-06:00
            state: investigating
            body: Slow.
        ---
        """), "America/Chicago")
    f = figures(item, at("2026-11-02 00:00Z"))
    assert f.acknowledged == timedelta(hours=1, minutes=20)
    assert sentences(f, CHICAGO)[0] == "Began 00:50 CDT, first update 01:10 CST: 1 hour 20 minutes to acknowledge."


def test_a_promise_across_the_change_of_offset_names_the_zones(site):
    # Promised at 00:30 CDT (05:30Z) for 01:30 CST (07:30Z); posted 01:40 CDT (06:40Z): 50 minutes early.
    item = one(site, textwrap.dedent("""\
        ---
        title: Slow internet
        components: {phone: degraded_performance}
        updates:
          - at: 2026-11-01 00:30-05:00
            state: investigating
            next_update: 2026-11-01 01:30-06:00
            body: Slow.
          - at: 2026-11-01 01:40-05:00
            state: identified
            body: Found it.
        ---
        """), "America/Chicago")
    f = figures(item, at("2026-11-02 00:00Z"))
    assert [(p.outcome, p.margin) for p in f.next_updates] == [(KEPT, timedelta(minutes=50))]
    assert sentences(f, CHICAGO)[1] == "Update promised by 01:30 CST, posted 01:40 CDT: kept, 50 minutes early."


def test_maintenance_announced_ahead_started_late_ended_early(site):
    item = one(site, textwrap.dedent("""\
        ---
        title: Switch replacement
        kind: maintenance
        components: {phone: under_maintenance}
        window: {start: 2026-09-08 01:00, end: 2026-09-08 04:00}
        updates:
          - at: 2026-09-01 10:00
            state: scheduled
            body: Planned.
          - at: 2026-09-08 01:20
            state: in_progress
            body: Started.
          - at: 2026-09-08 03:30
            state: completed
            body: Done.
        ---
        """))
    f = figures(item, at("2026-09-09 00:00Z"))
    assert f.acknowledged is None and f.eta is None
    assert (f.schedule.announced_ahead, f.schedule.started_late, f.schedule.ended_late) == (
        timedelta(days=6, hours=15), timedelta(minutes=20), timedelta(minutes=-30))
    assert sentences(f, UTC) == ["Announced 6 days 15 hours ahead of its window.",
                                 "Started 01:20, planned 01:00: 20 minutes late.",
                                 "Ended 03:30, planned 04:00: 30 minutes early."]


def test_summary_over_incidents_and_nothing_to_measure_is_no_figure(site):
    item = one(site, ACROSS_MIDNIGHT)
    s = summary([figures(item, at("2026-08-31 12:00Z"))])
    assert (s.incidents, s.median_acknowledged) == (1, timedelta(minutes=25))
    assert (s.promises, s.promises_kept, s.kept_share) == (3, 2, 2 / 3)
    assert s.worst_promise[1].margin == timedelta(minutes=25)
    assert (s.etas, s.etas_met, s.met_share, s.worst_eta) == (1, 1, 1.0, None)
    empty = summary([])
    assert (empty.median_acknowledged, empty.kept_share, empty.met_share) == (None, None, None)


def test_figures_as_json(site):
    item = one(site, ACROSS_MIDNIGHT)
    doc = promises.as_json(figures(item, at("2026-08-31 12:00Z")), UTC)
    assert doc["acknowledged_minutes"] == 25
    assert doc["next_updates"][0] == {"promised_by_update": 1, "due": "2026-08-30T00:30:00+00:00",
                                      "posted": "2026-08-30T00:55:00+00:00", "outcome": "late",
                                      "margin_minutes": 25}
    assert doc["eta"] == {"first": "2026-08-30T06:00:00+00:00", "last": "2026-08-30T08:00:00+00:00", "moves": 1,
                          "service_back": "2026-08-30T07:50:00+00:00", "outcome": "met", "margin_minutes": 10}
    assert doc["schedule"] is None


def test_the_eta_is_judged_by_when_service_came_back_not_by_the_word_resolved(site):
    # Back at 15:10 (every status operational, monitored overnight), resolved the next morning: ETA 18:00 met.
    item = one(site, textwrap.dedent("""\
        ---
        title: Calls fail
        components: {phone: major_outage, tv: partial_outage}
        updates:
          - at: 2026-08-29 09:20
            state: investigating
            eta: 2026-08-29 18:00
            body: Down.
          - at: 2026-08-29 12:00
            state: identified
            components: {tv: operational}
            body: TV back.
          - at: 2026-08-29 15:10
            state: monitoring
            components: {phone: operational}
            body: Phone back.
          - at: 2026-08-30 09:00
            state: resolved
            body: Stable overnight.
        ---
        """))
    f = figures(item, at("2026-08-31 00:00Z"))
    assert (f.eta.back, f.eta.outcome, f.eta.margin) == (at("2026-08-29 15:10Z"), MET, timedelta(hours=2, minutes=50))
    assert sentences(f, UTC)[-1] == ("Expected resolution 18:00, service back 15:10: met, 2 hours 50 minutes early. "
                                     "The ETA never moved.")
    monitored = figures(item, at("2026-08-29 16:00Z"))  # monitoring, not resolved: service is back all the same
    assert monitored.eta.outcome == MET


def test_maintenance_over_a_period_announced_ahead_and_kept_inside_its_window(site):
    def work(name, announced, start, end, updates=""):
        site.incident(name, textwrap.dedent(f"""\
            ---
            title: Work
            kind: maintenance
            components: {{phone: under_maintenance}}
            window: {{start: {start}, end: {end}}}
            updates:
              - at: {announced}
                state: scheduled
                body: Planned.
            """) + textwrap.indent(textwrap.dedent(updates), "  ") + "---\n")

    work("2026-09-01-a.md", "2026-09-01 10:00", "2026-09-08 01:00", "2026-09-08 04:00", """\
          - at: 2026-09-08 01:20
            state: in_progress
            body: Started.
          - at: 2026-09-08 03:30
            state: completed
            body: Done.
        """)  # 6 days 15 hours ahead; inside its window
    work("2026-09-05-b.md", "2026-09-05 09:00", "2026-09-09 01:00", "2026-09-09 03:00", """\
          - at: 2026-09-09 03:40
            state: completed
            body: Done, late.
        """)  # 3 days 16 hours ahead; ended 40 minutes after its window
    work("2026-09-06-c.md", "2026-09-06 12:00", "2026-09-20 01:00", "2026-09-20 03:00")  # 13 days 13 hours; not yet
    s = summary(figures(i, at("2026-09-10 00:00Z")) for i in load_site(site.content, "UTC").incidents)
    assert s.median_announced_ahead == timedelta(days=6, hours=15)
    assert (s.windows, s.windows_kept) == (2, 1)
    assert s.incidents == 0 and s.median_acknowledged is None  # maintenance is not acknowledged: no figure
