"""What each page shows, as facts: the page builders of statusgen.pages on small sites, without Pelican.

The site fixture's catalog: areas north and south; phone (group voice) offered in both, tv (no group) only in south.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from statusgen import pages
from statusgen.api import LINKED
from statusgen.load import load_site
from statusgen.pages import PAGE_KINDS, RECENT_LIMIT, page_jobs, page_keys, view
from statusgen.urls import DEFAULT, Urls
from tests.conftest import ROOT
from tests.test_status import at, incident_file, maintenance_file

NOW = "2026-03-20 12:00"


def outage(day: str, *, resolved: str | None = None, components: str = "phone: major_outage", extra: str = "") -> str:
    """An incident that began at 10:00 on `day`, resolved at `resolved` if given."""
    updates = [(f"{day} 10:00", "investigating", "")] + ([(resolved, "resolved", "")] if resolved else [])
    return incident_file(components, updates, extra=extra)


def shown(site, when: str = NOW, **kwargs) -> pages.SiteView:
    return view(load_site(site.content, "UTC"), at(when), **kwargs)


def ids(items) -> list[str]:
    return [i.id for i in items]


# --- what every page shares ------------------------------------------------------------------------------------

def test_the_view_holds_only_what_was_posted_by_its_time(site):
    site.incident("2026-03-01-old.md", outage("2026-03-01", resolved="2026-03-01 12:00"))
    site.incident("2026-03-25-later.md", outage("2026-03-25"))
    site.incident("2026-03-19-half.md", outage("2026-03-19", resolved="2026-03-21 09:00"))
    v = shown(site)
    assert ids(v.site.incidents) == ["2026-03-01-old", "2026-03-19-half"]
    half = v.site.incidents[1]
    assert [u.state for u in half.updates] == ["investigating"]  # the resolution is not posted yet
    assert v.is_open(half) and not v.is_open(v.site.incidents[0])
    assert ids(v.now.open) == ["2026-03-19-half"]


def test_every_feed_and_calendar_is_kept_by_the_page_it_belongs_to(site):
    v = shown(site)
    assert list(v.feeds) == [("home", None), ("component", "phone"), ("component", "tv"), ("area", "north"),
                             ("area", "south")]
    assert list(v.calendars) == list(v.feeds)
    assert [(f.key, f.title, f.atom, f.rss, f.page) for f in v.feeds.values()][:2] == [
        ("all", "All updates", "feeds/all.atom.xml", "feeds/all.rss.xml", ""),
        ("components/phone", "Phone", "feeds/components/phone.atom.xml", "feeds/components/phone.rss.xml",
         "components/phone/")]
    assert [(c.title, c.path) for c in v.calendars.values()] == [
        ("All maintenance", "calendar/maintenance.ics"), ("Phone maintenance", "calendar/components/phone.ics"),
        ("TV maintenance", "calendar/components/tv.ics"), ("Maintenance in North", "calendar/areas/north.ics"),
        ("Maintenance in South", "calendar/areas/south.ics")]


def test_the_url_table_moves_feeds_and_calendars_with_their_links(site):
    urls = Urls.configured({"atom": "news/{id}.xml", "calendar": "ics/{id}.ics", "component": ("c/{id}.html",
                                                                                               "c/{id}.html")})
    v = shown(site, urls=urls)
    phone = v.feeds["component", "phone"]
    assert (phone.atom, phone.rss, phone.page) == ("news/components/phone.xml", "feeds/components/phone.rss.xml",
                                                   "c/phone.html")
    assert v.calendars["component", "phone"].path == "ics/components/phone.ics"


def test_every_page_kind_has_an_address_a_template_and_a_builder(site):
    site.incident("2026-03-01-cut.md", outage("2026-03-01", resolved="2026-03-01 12:00"))
    v = shown(site)
    keys = page_keys(v)
    assert keys == [("home", None), ("history", None), ("uptime", None), ("incident", "2026-03-01-cut"),
                    ("component", "phone"), ("component", "tv"), ("area", "north"), ("area", "south")]
    assert {kind for kind, _ in keys} == set(PAGE_KINDS)
    assert all(isinstance(DEFAULT[kind], tuple) for kind in PAGE_KINDS)  # a URL and a file each
    assert all(Path(ROOT, "theme", "templates", f"{kind}.html").is_file() for kind in PAGE_KINDS)
    assert [(page.kind, page.key) for page in (job() for job in page_jobs(v))] == keys


# --- the home page ---------------------------------------------------------------------------------------------

def test_home_lists_groups_in_catalog_order_then_the_ungrouped(site):
    page = pages.home(shown(site))
    assert [(group.id if group else None, [c.id for c in members]) for group, members in page.context["groups"]] == [
        ("voice", ["phone"]), (None, ["tv"])]
    assert set(page.context["bars"]) == {"phone", "tv"} and page.context["bar_days"] == 90
    assert 'aria-label="Phone, last 90 days: ' in page.context["bars"]["phone"]


def test_home_lists_incidents_resolved_in_the_recent_days_newest_first(site):
    site.incident("2026-03-01-old.md", outage("2026-03-01", resolved="2026-03-01 12:00"))  # 19 days ago
    site.incident("2026-03-10-mid.md", outage("2026-03-10", resolved="2026-03-10 12:00"))
    site.incident("2026-03-15-new.md", outage("2026-03-15", resolved="2026-03-15 12:00"))
    site.incident("2026-03-20-open.md", outage("2026-03-20"))
    site.incident("2026-03-12-work.md", maintenance_file([("2026-03-05 10:00", "scheduled"),
                                                          ("2026-03-12 03:00", "completed")],
                                                         window=("2026-03-12 01:00", "2026-03-12 03:00")))
    context = pages.home(shown(site)).context
    assert ids(context["recent"]) == ["2026-03-15-new", "2026-03-10-mid"]
    assert context["recent_total"] == 2
    assert ids(pages.home(shown(site, recent_days=30)).context["recent"]) == [
        "2026-03-15-new", "2026-03-10-mid", "2026-03-01-old"]


def test_home_lists_at_most_the_recent_limit_and_counts_the_rest(site):
    for n in range(RECENT_LIMIT + 3):
        site.incident(f"2026-03-19-x{n:02d}.md", outage("2026-03-19", resolved="2026-03-19 11:00"))
    context = pages.home(shown(site)).context
    assert len(context["recent"]) == RECENT_LIMIT and context["recent_total"] == RECENT_LIMIT + 3
    assert ids(context["recent"])[:2] == ["2026-03-19-x22", "2026-03-19-x21"]  # equal times: by id, newest first


def test_home_links_the_site_feed_and_calendar_objects_and_the_api_files(site):
    v = shown(site)
    context = pages.home(v).context
    assert context["feeds"] == [v.feeds["home", None]] and context["feeds"][0] is v.feeds["home", None]
    assert context["calendars"][0] is v.calendars["home", None]
    assert context["api_files"] == LINKED
    assert [Urls().url("api", name) for name, _ in LINKED] == [
        "api/v2/summary.json", "api/v2/status.json", "api/v2/components.json", "api/v2/incidents.json",
        "api/v2/scheduled-maintenances.json"]


# --- an incident's page ----------------------------------------------------------------------------------------

def test_incident_timeline_is_newest_first_with_the_statuses_each_update_set(site):
    site.incident("2026-03-19-cut.md", incident_file("phone: major_outage", [
        ("2026-03-19 10:00", "investigating", ""),
        ("2026-03-19 11:00", "identified", "phone: partial_outage, tv: degraded_performance"),
        ("2026-03-19 12:00", "monitoring", ""),
    ]))
    v = shown(site)
    page = pages.incident(v, v.site.incidents[0])
    assert (page.kind, page.key) == ("incident", "2026-03-19-cut")
    assert [(step.update.number, step.changes) for step in page.context["timeline"]] == [
        (3, {}), (2, {"phone": "partial_outage", "tv": "degraded_performance"}), (1, {"phone": "major_outage"})]


def test_each_timeline_step_says_what_recovered_and_the_eta_it_gave(site):
    site.incident("2026-03-19-cut.md", incident_file("phone: major_outage, tv: major_outage", [
        ("2026-03-19 10:00", "investigating", ""),
        ("2026-03-19 11:00", "identified", "tv: operational"),
        ("2026-03-19 12:00", "identified", ""),
        ("2026-03-19 13:00", "resolved", ""),
    ]).replace("  - at: 2026-03-19 12:00\n", "  - at: 2026-03-19 12:00\n    eta: 2026-03-19 20:00\n")
      .replace("  - at: 2026-03-19 10:00\n", "  - at: 2026-03-19 10:00\n    eta: 2026-03-19 18:00\n"))
    v = shown(site)
    page = pages.incident(v, v.site.incidents[0])
    assert [(s.update.number, s.changes, s.recovered, s.eta and s.eta.hour) for s in page.context["timeline"]] == [
        (4, {}, ("phone",), None), (3, {}, (), 20), (2, {}, ("tv",), None),
        (1, {"phone": "major_outage", "tv": "major_outage"}, (), 18)]
    assert [(s.update.number, s.eta_was and s.eta_was.hour) for s in page.context["timeline"]] == [
        (4, None), (3, 18), (2, None), (1, None)]
    (move,) = page.context["eta_moves"]
    assert (move.at.number, move.before.hour, move.after.hour) == (3, 18, 20)


def test_incident_links_the_site_feed_then_each_component_and_area_it_touches(site):
    site.incident("2026-03-19-cut.md", outage("2026-03-19", components="tv: major_outage, phone: partial_outage",
                                              extra="areas: [south]"))
    v = shown(site)
    feeds = pages.incident(v, v.site.incidents[0]).context["feeds"]
    assert [f.key for f in feeds] == ["all", "components/phone", "components/tv", "areas/south"]
    assert all(f is v.feeds[f.about] for f in feeds)


# --- component and area pages ----------------------------------------------------------------------------------

def test_component_page_shows_each_area_and_its_items_by_kind(site):
    site.incident("2026-03-01-old.md", outage("2026-03-01", resolved="2026-03-01 12:00"))
    site.incident("2026-03-19-now.md", outage("2026-03-19", extra="areas: [north]"))
    site.incident("2026-03-25-work.md", maintenance_file([("2026-03-18 10:00", "scheduled")],
                                                         window=("2026-03-25 01:00", "2026-03-25 03:00")))
    site.incident("2026-03-02-tv.md", outage("2026-03-02", components="tv: major_outage",
                                             resolved="2026-03-02 11:00"))
    v = shown(site)
    context = pages.component(v, "phone").context
    assert [(a.id, status) for a, status in context["per_area"]] == [("north", "major_outage"),
                                                                      ("south", "operational")]
    assert (ids(context["open"]), ids(context["upcoming"]), ids(context["past"]), context["past_total"]) == (
        ["2026-03-19-now"], ["2026-03-25-work"], ["2026-03-01-old"], 1)
    assert [f.key for f in context["feeds"]] == ["components/phone", "all"]
    assert [(c.title, c.path) for c in context["calendars"]] == [("Phone maintenance", "calendar/components/phone.ics")]


def test_component_page_lists_at_most_past_limit_and_counts_the_rest(site):
    for day in range(1, 6):
        site.incident(f"2026-03-0{day}-x.md", outage(f"2026-03-0{day}", resolved=f"2026-03-0{day} 11:00"))
    context = pages.component(shown(site, past_limit=2), "phone").context
    assert (ids(context["past"]), context["past_total"]) == (["2026-03-05-x", "2026-03-04-x"], 5)


def test_area_page_shows_the_services_offered_there(site):
    site.incident("2026-03-19-tv.md", outage("2026-03-19", components="tv: partial_outage"))
    v = shown(site)
    north, south = pages.area(v, "north").context, pages.area(v, "south").context
    assert [(c.id, s) for c, s in north["offered"]] == [("phone", "operational")]
    assert [(c.id, s) for c, s in south["offered"]] == [("phone", "operational"), ("tv", "partial_outage")]
    assert (ids(north["open"]), ids(south["open"])) == ([], ["2026-03-19-tv"])
    assert [f.key for f in south["feeds"]] == ["areas/south", "all"]
    assert [c.title for c in south["calendars"]] == ["Maintenance in South"]


# --- history and uptime ----------------------------------------------------------------------------------------

def test_history_has_every_month_to_now_quiet_ones_included_newest_first(site):
    site.incident("2025-11-03-a.md", outage("2025-11-03", resolved="2025-11-03 11:00"))
    site.incident("2026-02-07-b.md", outage("2026-02-07", resolved="2026-02-07 11:00"))
    site.incident("2026-02-09-c.md", outage("2026-02-09", resolved="2026-02-09 11:00"))
    months = pages.history(shown(site)).context["months"]
    assert [(month, ids(items)) for month, items in months] == [
        ((2026, 3), []), ((2026, 2), ["2026-02-09-c", "2026-02-07-b"]), ((2026, 1), []), ((2025, 12), []),
        ((2025, 11), ["2025-11-03-a"])]


def test_history_of_a_site_with_nothing_on_record_is_empty(site):
    assert pages.history(shown(site)).context["months"] == []


def test_uptime_page_has_each_service_with_twelve_months_and_its_last_90_days(site):
    site.incident("2026-03-19-cut.md", outage("2026-03-19", resolved="2026-03-19 11:00", extra="areas: [north]"))
    context = pages.uptime(shown(site)).context
    (phone, months, last90), (tv, _, tv90) = context["services"]
    assert (phone.id, tv.id, len(months)) == ("phone", "tv", 12)
    assert [(m.year, m.month) for m in months[:2]] == [(2026, 3), (2026, 2)]
    # No `since`: records begin the day of the site's first incident, March 19 (before it: no data, not 100%).
    assert months[0].uptime == pytest.approx(1 - 0.5 / 36)  # an hour in one of two areas, of 36 hours on record
    assert months[1].uptime is None
    assert last90 == pytest.approx(1 - 0.5 / 36) and tv90 == 1.0
    assert context["weights"]["partial_outage"] == 0.3


# --- facts the templates only format ---------------------------------------------------------------------------

PROMISED = """\
---
title: Calls fail
components: {phone: major_outage}
eta: 2026-03-20 18:00
updates:
  - at: 2026-03-20 10:00
    state: investigating
    next_update: 2026-03-20 11:00
    body: Words.
---
"""


@pytest.mark.parametrize("when, late", [("2026-03-20 10:30", False), ("2026-03-20 11:00", False),
                                        ("2026-03-20 11:01", True)])
def test_a_next_update_is_late_once_its_time_has_passed(site, when, late):
    site.incident("2026-03-20-calls.md", PROMISED)
    v = shown(site, when)
    promised = v.promises(v.site.incidents[0])
    assert (promised.eta, promised.next_update, promised.late) == (at("2026-03-20 18:00"), at("2026-03-20 11:00"),
                                                                   late)


def test_nothing_promised_is_no_promises(site):
    site.incident("2026-03-19-cut.md", outage("2026-03-19"))
    v = shown(site)
    assert v.promises(v.site.incidents[0]) is None


@pytest.mark.parametrize("when, heading", [("2026-03-09 12:00", "Will affect"), ("2026-03-10 02:00", "Affected"),
                                           ("2026-03-10 04:00", "Affected")])
def test_maintenance_still_ahead_will_affect_and_then_affected(site, when, heading):
    site.incident("2026-03-01-work.md", maintenance_file([("2026-03-01 10:00", "scheduled")]))
    v = shown(site, when)
    assert v.affected_heading(v.site.incidents[0]) == heading


def test_an_incident_has_affected(site):
    site.incident("2026-03-19-cut.md", outage("2026-03-19"))
    v = shown(site)
    assert v.affected_heading(v.site.incidents[0]) == "Affected"


# --- the uptime page's promises ---------------------------------------------------------------------------------

def test_promises_per_month_and_last_90_days_with_the_worst_case(site):
    # March: acknowledged after 20 and 40 minutes (median 30); promises 11:00 kept (10:50) and 12:00 posted 12:45
    # (45 minutes late); ETA 18:00 missed, resolved 19:00. February: nothing. January: acknowledged at once.
    site.incident("2026-03-19-a.md", """\
---
title: A
components: {phone: major_outage}
started: 2026-03-19 10:00
updates:
  - at: 2026-03-19 10:20
    state: investigating
    next_update: 2026-03-19 11:00
    eta: 2026-03-19 18:00
    body: Words.
  - at: 2026-03-19 10:50
    state: identified
    next_update: 2026-03-19 12:00
    body: Words.
  - at: 2026-03-19 12:45
    state: monitoring
    body: Words.
  - at: 2026-03-19 19:00
    state: resolved
    body: Words.
---
""")
    site.incident("2026-03-25-b.md", incident_file("tv: major_outage", [("2026-03-25 08:40", "resolved", "")],
                                                   extra="started: 2026-03-25 08:00"))
    site.incident("2026-01-10-c.md", outage("2026-01-10", resolved="2026-01-10 11:00",
                                             extra="started: 2026-01-10 10:00"))
    v = shown(site, "2026-04-02 12:00")
    periods = pages.uptime(v).context["promise_periods"]
    table = [(p.label, p.median_acknowledged, p.kept, p.met) for p in periods]
    assert table[:5] == [("Last 90 days", "20 minutes", "1 of 2 (50%)", "0 of 1 (0%)"),  # Jan 10 is 82 days before
                         ("April 2026", "—", "—", "—"),
                         ("March 2026", "30 minutes", "1 of 2 (50%)", "0 of 1 (0%)"),
                         ("February 2026", "—", "—", "—"),  # no incidents: no figure, not 100%
                         ("January 2026", "less than a minute", "—", "—")]
    assert [(what, item.id, how) for what, item, how in periods[2].worst] == [
        ("Slowest acknowledgement", "2026-03-25-b", "40 minutes"),
        ("Latest update", "2026-03-19-a", "45 minutes late"),
        ("ETA missed by most", "2026-03-19-a", "missed by 1 hour")]


def test_the_day_a_service_first_appeared_reaches_the_uptime_page(site):
    from datetime import date

    site.incident("2026-03-19-cut.md", outage("2026-03-19", resolved="2026-03-19 11:00", extra="areas: [north]"))
    v = view(load_site(site.content, "UTC"), at(NOW), first_seen={"phone": date(2026, 3, 1), "tv": date(2026, 3, 1)})
    (phone, months, _), _ = pages.uptime(v).context["services"]
    hours = 19 * 24 + 12  # March 1 to March 20, 12:00
    assert months[0].uptime == pytest.approx(1 - 0.5 / hours) and months[1].uptime is None


def test_an_incident_header_shows_each_service_as_the_incident_last_set_it(site):
    changes = [("2026-03-20 10:00", "investigating", ""), ("2026-03-20 11:00", "identified", "tv: operational")]
    site.incident("2026-03-20-cut.md", incident_file("phone: major_outage, tv: partial_outage", changes))
    open_now = pages.incident(shown(site), shown(site).site.incidents[0]).context["services"]
    assert open_now == [("phone", "major_outage"), ("tv", "operational")]
    site.incident("2026-03-20-cut.md", incident_file("phone: major_outage, tv: partial_outage",
                                                     changes + [("2026-03-20 11:30", "resolved", "")]))
    # once it has ended: every service back, the same at any later time, whatever other incidents do then
    site.incident("2026-03-20-later.md", outage("2026-03-20"))
    for when in ("2026-03-20 12:00", "2026-04-20 12:00"):
        v = shown(site, when)
        cut = next(i for i in v.site.incidents if i.id == "2026-03-20-cut")
        assert pages.incident(v, cut).context["services"] == [("phone", "operational"), ("tv", "operational")]


@pytest.mark.parametrize("when, passed", [("2026-03-20 18:00", False), ("2026-03-20 18:01", True)])
def test_an_eta_that_has_passed_while_it_is_open_says_so(site, when, passed):
    site.incident("2026-03-20-calls.md", PROMISED)
    v = shown(site, when)
    assert v.promises(v.site.incidents[0]).eta_passed is passed
