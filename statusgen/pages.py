"""Model + one time -> what each page shows. Each page is a template name and a plain context; no Pelican here."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, partial
from datetime import date, datetime, timedelta
from typing import AbstractSet as Set, Any, Callable, Mapping

from .api import LINKED
from .bars import legend, strip, trouble_days
from .dates import add_months, midnight
from .feeds import Feed, site_feeds
from .headline import headline, worst_first
from . import i18n
from .i18n import N_, _
from .ics import Calendar, calendars
from .model import FINAL_STATES, STATUS_RANK, Component, Incident, Site, Update
from .promises import Summary, figures, sentences, share_words, summary, worst_cases
from .status import (Phase, Snapshot, as_of_update, duration, is_active, is_final, is_open, is_upcoming, phase,
                     posted, snapshot, troubled)
from .subscribe import Subscribing
from .uptime import DEFAULT_WEIGHTS, Uptime
from .urls import Urls
from .wording import affected_heading, clocks, month_short, month_title, spoken_duration

PAGE_KINDS = ("home", "incident", "component", "area", "history", "uptime")
BAR_DAYS = 90  # days in each service's strip on the home page
RECENT_LIMIT = 20  # resolved incidents listed on the home page at most; the history has them all
TROUBLE_LIMIT = 10  # days with trouble listed under a service's bars on the home page; its own page lists them all
UPTIME_MONTHS = 12  # calendar months the uptime page shows


@dataclass(frozen=True)
class Page:
    kind: str  # one of PAGE_KINDS: decides the template and the URL
    key: str | None  # the id for incident, component and area pages
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Promises:
    """What readers of an open incident were told to expect, as of the view's time."""

    eta: datetime | None  # the expected resolution
    next_update: datetime | None  # when the latest update said the next one would come
    late: bool  # that time has passed with no update since
    eta_passed: bool = False  # the expected resolution has passed and it is still open


@dataclass(frozen=True)
class SiteView:
    """What every page shares: the model, the time it is shown as of, and the status then."""

    site: Site
    at: datetime
    now: Snapshot
    recent_days: int = 14
    past_limit: int = 50  # past incidents listed on a component or area page; the history has them all
    # Uptime of every service, worked out when a page first asks for it: only the home, service and uptime pages
    # do, which a build makes in one process while the others make the rest (and the API, which needs none of it).
    make_uptime: Callable[[], Uptime] | None = field(default=None, compare=False, repr=False)
    # Every feed and calendar, by the page it belongs to: ("home", None), ("component", id), ("area", id). The
    # same objects are written, so a page shows each with the title it is written with.
    feeds: Mapping[tuple[str, str | None], Feed] = field(default_factory=dict)
    calendars: Mapping[tuple[str, str | None], Calendar] = field(default_factory=dict)
    # The ways to subscribe besides those (mailing lists, chat rooms) the settings give, and the WebSub hub.
    subscribing: Subscribing = field(default_factory=Subscribing)

    def last_days(self, component_id: str, days: int = BAR_DAYS,
                  area: str | None = None) -> tuple[list, float | None]:
        """The component's last `days` days (oldest first) and its uptime over them (worked out once a build); in
        `area` alone if given."""
        key = (component_id, days, area)
        if key not in self._last_days:
            daily = self.uptime.daily(component_id, days, area)
            began = midnight(daily[0].date, self.site.timezone)
            self._last_days[key] = (daily, self.uptime.overall(component_id, began, self.at, area))
        return self._last_days[key]

    @cached_property
    def uptime(self) -> Uptime | None:
        return self.make_uptime() if self.make_uptime is not None else None

    @cached_property
    def _last_days(self) -> dict:
        return {}

    @cached_property
    def by_id(self) -> dict[str, Incident]:
        """Every incident shown, by id (made once per process, whichever pages ask)."""
        return {i.id: i for i in self.site.incidents}

    def phase(self, incident: Incident) -> Phase:
        """Where it stands at the view's time: worked out once per incident and build, however many pages ask."""
        found = self._phases.get(incident.id)
        if found is None or found[0] is not incident:
            found = self._phases[incident.id] = (incident, phase(incident, self.at))
        return found[1]

    @cached_property
    def _phases(self) -> dict[str, tuple[Incident, Phase]]:
        return {}

    def duration(self, incident: Incident) -> timedelta:
        return duration(incident, self.at)

    def is_open(self, incident: Incident) -> bool:
        return not is_final(incident, self.at) and self.phase(incident).is_open

    def affected_heading(self, incident: Incident) -> str:
        return affected_heading(is_upcoming(incident, self.at))

    def statuses_now(self, incident: Incident) -> list[tuple[str, str]]:
        """(component id, status) for each service it names, as they stand at the view's time, the worst first
        (then by id); the services back to operational last but named (an incident being monitored says so). Empty
        for what sets no status now (maintenance not begun, or ended per schedule unconfirmed): its card says what
        it will affect or did. A card shows these beside the title, which the author wrote at the first post."""
        if not is_active(incident, self.at):
            return []
        return sorted(incident.statuses_at(self.at).items(), key=lambda pair: (-STATUS_RANK[pair[1]], pair[0]))

    def promises(self, incident: Incident) -> Promises | None:
        """What its latest word promised, if anything, and whether the next update is late by now."""
        next_update = incident.last.next_update
        if incident.eta is None and next_update is None:
            return None
        return Promises(incident.eta, next_update, next_update is not None and next_update < self.at,
                        incident.eta is not None and incident.eta < self.at)

    @cached_property
    def past_of(self) -> dict[tuple[str, str | None], list[Incident]]:
        """The closed or past items of every feed's subject (the site, each component, each area), newest first:
        sorted once, gathered in one pass."""
        # Closed or past items, newest first: the site's incidents are in chronological order (Site), so that order
        # reversed, without working out 10,000 sort keys.
        every = [i for i in reversed(self.site.incidents) if not self.is_open(i)]
        by_component: dict[str, list[Incident]] = defaultdict(list)
        by_area: dict[str, list[Incident]] = defaultdict(list)
        for item in every:  # 10,000 incidents touch 100,000 lists: by id, not by a key made for each
            for component_id in item.all_components():
                by_component[component_id].append(item)
            for area_id in item.areas:
                by_area[area_id].append(item)
        out: dict[tuple[str, str | None], list[Incident]] = {about: [] for about in self.feeds}
        out[SITE] = every
        out.update({("component", ident): items for ident, items in by_component.items()})
        out.update({("area", ident): items for ident, items in by_area.items()})
        return out


def view(site: Site, at: datetime, recent_days: int = 14, past_limit: int = 50, urls: Urls | None = None,
         first_seen: Mapping[str, date] | None = None, subscribing: Subscribing | None = None) -> SiteView:
    """What pages, feeds and calendars show at `at`: only what was posted by then. `urls` is where outputs are
    (the defaults unless given). `first_seen`: the day each service first appeared in the catalog (its git
    history), where uptime begins for a service without `since`. `subscribing`: the ways to subscribe the
    settings give (subscribe.read)."""
    site = posted(site, at)
    url = (urls or Urls()).url
    local = at.astimezone(site.timezone)
    horizon = min(midnight(date(*add_months(local.year, local.month, -UPTIME_MONTHS), 1), site.timezone),
                  at - timedelta(days=BAR_DAYS + 1))  # the earliest a page asks about: the months of the uptime page
    return SiteView(site=site, at=at, now=snapshot(site.catalog, site.incidents, at), recent_days=recent_days,
                    past_limit=past_limit,
                    make_uptime=partial(Uptime, site, at, first_seen=first_seen, horizon=horizon),
                    feeds={feed.about: feed for feed in site_feeds(site, url)},
                    calendars={calendar.about: calendar for calendar in calendars(site, url)},
                    subscribing=subscribing or Subscribing())


SITE = ("home", None)  # what the site-wide feed and calendar are about


def records_since(v: SiteView) -> date | None:
    """The first day the page has records for: the earliest first day of any service (its `since`, its first
    appearance in the catalog, else the first incident), or the first incident's day if earlier; None for none."""
    site = v.site
    days = [day for c in site.catalog.components if (day := v.uptime.start(c.id))]
    days += [site.incidents[0].began.astimezone(site.timezone).date()] if site.incidents else []
    return min(days, default=None)


def home(v: SiteView) -> Page:
    catalog = v.site.catalog
    since = v.at - timedelta(days=v.recent_days)
    recent = [i for i in v.past_of[SITE]
              if not i.is_maintenance and i.ended is not None and i.ended >= since]
    groups = [(g, catalog.components_in(g.id)) for g in catalog.groups]
    ungrouped = catalog.components_in(None)
    if ungrouped:
        groups.append((None, ungrouped))
    bars, trouble = {}, {}
    for c in catalog.components:
        days, uptime = v.last_days(c.id)
        bars[c.id] = strip(i18n.words(c.name), days, uptime)
        trouble[c.id] = trouble_days(days)
    return Page("home", None, {"headline": headline(catalog, v.now, v.site.timezone),
                                "happening": worst_first(v.now.open, v.at),
                                "groups": groups, "recent": recent[:RECENT_LIMIT], "recent_total": len(recent),
                                "bars": bars, "trouble": trouble, "trouble_limit": TROUBLE_LIMIT, "legend": legend(),
                                "bar_days": BAR_DAYS,
                                "records_since": records_since(v),
                                "feeds": [v.feeds[SITE]], "calendars": [v.calendars[SITE]],
                                "ways": v.subscribing.for_page(SITE), "api_files": LINKED})


@dataclass(frozen=True)
class Step:
    """One update on an incident's timeline, as it stood when posted: nothing a later update says reaches back."""

    update: Update
    changes: dict[str, str]  # the trouble statuses it set (the first also those of the front matter)
    recovered: tuple[str, ...]  # the components it brought back (all that were still down, when it closes it)
    eta: datetime | None  # the expected resolution it gave, when it gave a new one (the first: the front matter's)
    eta_was: datetime | None = None  # the one it replaced, when it moved it


@dataclass(frozen=True)
class EtaMove:
    at: Update  # the update that moved it
    before: datetime
    after: datetime
    words: str  # "ETA moved from 06:00 to 08:00 at 04:10."


def steps(item: Incident) -> list[Step]:
    """Its updates oldest first, each with what it changed."""
    out, recovered_before, eta_before = [], (), None
    for u in item.updates:
        set_here = {**item.components, **u.components} if u.number == 1 else dict(u.components)
        recovered = as_of_update(item, u)[1]
        eta = item.eta_after(u) if u.state not in FINAL_STATES else None
        moved = eta is not None and eta != eta_before
        out.append(Step(u, troubled(set_here), tuple(c for c in recovered if c not in recovered_before),
                        eta if moved else None, eta_before if moved else None))
        recovered_before, eta_before = recovered, eta or eta_before
    return out


def incident(v: SiteView, item: Incident) -> Page:
    feeds = [v.feeds[SITE], *(v.feeds["component", c] for c in item.all_components()),
             *(v.feeds["area", a] for a in item.areas)]
    tz = v.site.timezone
    moves = [EtaMove(u, before, after, _("ETA moved from %(before)s to %(after)s at %(at)s.") % dict(
        zip(("before", "after", "at"), clocks(tz, u.at, before, after, u.at))))
             for u, before, after in item.eta_moves() if before is not None]
    figured = figures(item, v.at)
    return Page("incident", item.id, {"incident": item, "timeline": steps(item)[::-1], "feeds": feeds,
                                      "eta_moves": moves, "figures": sentences(figured, tz),
                                      "began_label": began_label(item, v.at), "final": is_final(item, v.at),
                                      "services": last_statuses(item)})


def began_label(item: Incident, at: datetime) -> str:
    """The word before its start time: a window not yet begun starts; one closed (cancelled, or completed) before
    it began was to start; one begun per schedule, with no update since "scheduled" to say the work started, was
    scheduled to start (the schedule is not a fact)."""
    if not item.is_maintenance:
        return N_("Began")
    if item.ended is not None:  # closed: the same words whenever the page is built
        return N_("Started") if item.began < item.ended else N_("Was to start")
    if item.began > at:
        return N_("Starts")
    confirmed = any(u.state != "scheduled" for u in item.updates_until(at))
    return N_("Started") if confirmed else N_("Scheduled to start")


def last_statuses(item: Incident) -> list[tuple[str, str]]:
    """(component id, status) for each service it touched, as it last set them: once it has ended, every one
    operational (as of its end: never what other incidents did since, so its page does not change with them)."""
    if item.ended is not None:
        return [(c, "operational") for c in item.all_components()]
    statuses = item.current_statuses()
    return [(c, statuses[c]) for c in item.all_components()]


def component(v: SiteView, component_id: str) -> Page:
    c = v.site.catalog.component[component_id]
    per_area = [(v.site.catalog.area[a], v.now.status(c.id, a)) for a in c.areas]
    days, uptime = v.last_days(c.id)
    trouble = [(t, [v.by_id[i] for i in t.incidents]) for t in trouble_days(days)]
    return Page("component", c.id, {"component": c, "per_area": per_area, "bars": strip(i18n.words(c.name), days, uptime),
                                    "trouble": trouble, "legend": legend(), "bar_days": BAR_DAYS,
                                    **_gathered(v, ("component", c.id))})


def area(v: SiteView, area_id: str) -> Page:
    """Each service offered in the area with its status and its last 90 days there alone (an outage elsewhere
    leaves its bars alone), the area's uptime grid, then its incidents."""
    a = v.site.catalog.area[area_id]
    offered = [(c, v.now.status(c.id, a.id)) for c in v.site.catalog.components_of_area(a.id)]
    bars = {c.id: strip(_("%(service)s in %(area)s") % {"service": i18n.words(c.name), "area": i18n.words(a.name)},
                        *v.last_days(c.id, area=a.id)) for c, _status in offered}
    return Page("area", a.id, {"area": a, "offered": offered, "area_uptime": area_uptime(v, a.id),
                               "bars": bars, "legend": legend(), "bar_days": BAR_DAYS,
                               "columns": uptime_columns(v), "weights": DEFAULT_WEIGHTS,
                               **_gathered(v, ("area", a.id))})


def area_uptime(v: SiteView, area_id: str) -> list[tuple[Component, float | None, list]]:
    """(service, last 90 days, months) for each service offered in the area, counted there alone."""
    return [(c, v.uptime.last_90_days(c.id, area_id), v.uptime.monthly(c.id, UPTIME_MONTHS, area=area_id))
            for c in v.site.catalog.components_of_area(area_id)]


def uptime_columns(v: SiteView) -> list[tuple[str, str]]:
    """The uptime grids' column headings: the last twelve months, the current one first."""
    local = v.at.astimezone(v.site.timezone)
    months = [add_months(local.year, local.month, -n) for n in range(UPTIME_MONTHS)]
    return [(month_short(*ym), month_title(*ym)) for ym in months]


def _gathered(v: SiteView, about: tuple[str, str]) -> dict[str, Any]:
    """What a component's or area's page lists: its incidents and maintenance open, upcoming and past (the latest
    `past_limit` of them), its own feed then the site's, its maintenance calendar, and the ways to subscribe to
    it (its own, then the site's)."""
    feed = v.feeds[about]
    past = v.past_of[about]
    return {
        "open": [i for i in (*v.now.open, *v.now.active_maintenance) if feed.includes(i)],
        "upcoming": [i for i in v.now.upcoming_maintenance if feed.includes(i)],
        "past": past[: v.past_limit],
        "past_total": len(past),
        "feeds": [feed, v.feeds[SITE]],
        "calendars": [v.calendars[about]],
        "ways": v.subscribing.for_page(about),
    }


def history(v: SiteView) -> Page:
    """Every month from the first incident to now (or the last scheduled window), quiet months included: the
    good months are part of the record too."""
    months: dict[tuple[int, int], list[Incident]] = defaultdict(list)
    for item in reversed(v.site.incidents):  # newest first: see SiteView.past_of
        began = item.began.astimezone(v.site.timezone)
        months[began.year, began.month].append(item)
    if months:
        now = v.at.astimezone(v.site.timezone)
        month, last = min(months), max(max(months), (now.year, now.month))
        while month <= last:
            months.setdefault(month, [])
            month = add_months(*month, 1)
    return Page("history", None, {"months": sorted(months.items(), reverse=True), "feeds": [v.feeds[SITE]]})


@dataclass(frozen=True)
class Period:
    """The promises of the incidents that began in a period, for the uptime page."""

    label: str
    summary: Summary

    @property
    def kept(self) -> str:
        return share_words(self.summary.promises_kept, self.summary.promises)

    @property
    def met(self) -> str:
        return share_words(self.summary.etas_met, self.summary.etas)

    @property
    def median_acknowledged(self) -> str:
        median = self.summary.median_acknowledged
        return "—" if median is None else spoken_duration(median)

    @property
    def announced_ahead(self) -> str:
        ahead = self.summary.median_announced_ahead
        return "—" if ahead is None else spoken_duration(ahead)

    @property
    def windows_kept(self) -> str:
        return share_words(self.summary.windows_kept, self.summary.windows)

    @property
    def worst(self) -> list[tuple[str, Incident, str]]:
        return worst_cases(self.summary)


def promise_periods(v: SiteView, months: int = UPTIME_MONTHS) -> list[Period]:
    """The last 90 days, then each of the last `months` calendar months (the current one first), each over the
    incidents and maintenance that began in it."""
    tz = v.site.timezone
    local = v.at.astimezone(tz)
    recent = v.at - timedelta(days=BAR_DAYS)
    first = min(recent, midnight(date(*add_months(local.year, local.month, 1 - months), 1), tz))
    # Only what began in a period counts in it: a window announced but not yet begun is in none so far.
    in_reach = [(figures(i, v.at), i.began.astimezone(tz)) for i in v.site.incidents if first <= i.began <= v.at]
    periods = [Period(_("Last %(days)s days") % {"days": BAR_DAYS},
                      summary(f for f, _began in in_reach if f.incident.began >= recent))]
    by_month: dict[tuple[int, int], list] = defaultdict(list)
    for f, began in in_reach:
        by_month[began.year, began.month].append(f)
    for n in range(months):
        year, month = add_months(local.year, local.month, -n)
        periods.append(Period(month_title(year, month), summary(by_month[year, month])))
    return periods


def uptime(v: SiteView) -> Page:
    """Every service's months against its target, and its last 90 days; the promises kept beside them."""
    services = [(c, v.uptime.monthly(c.id, UPTIME_MONTHS), v.last_days(c.id)[1])
                for c in v.site.catalog.components]
    # the grid's column headings: the same twelve months for every service, the current one first
    columns = [(month_short(m.year, m.month), month_title(m.year, m.month)) for m in services[0][1]] if services else []
    by_area = [(a, area_uptime(v, a.id)) for a in v.site.catalog.areas]
    return Page("uptime", None, {"services": services, "columns": columns, "weights": DEFAULT_WEIGHTS,
                                 "by_area": by_area,
                                 "feeds": [v.feeds[SITE]],
                                 "promise_periods": promise_periods(v)})


def page_keys(v: SiteView) -> list[tuple[str, str | None]]:
    """(kind, id) of every HTML page of the site, in a fixed order."""
    return [("home", None), ("history", None), ("uptime", None), *(("incident", i.id) for i in v.site.incidents),
            *(("component", c.id) for c in v.site.catalog.components), *(("area", a.id) for a in v.site.catalog.areas)]


@dataclass(frozen=True)
class PageJob:
    """One HTML page to work out (call it), with the incident it is the page of, if any."""

    kind: str
    key: str | None
    make: Callable[[], Page]
    incident: Incident | None = None

    def __call__(self) -> Page:
        return self.make()


def page_jobs(v: SiteView, leave_out: Set[str] = frozenset()) -> list[PageJob]:
    """Every HTML page as a call that works it out, so processes can share the work; none for the incidents whose
    ids are in `leave_out` (their pages are made another way: taken from the cache)."""
    by_id = v.by_id
    return [PageJob(kind, key, partial(incident, v, by_id[key]), by_id[key]) if kind == "incident"
            else PageJob(kind, key, partial(BUILDERS[kind], v, key))
            for kind, key in page_keys(v) if kind != "incident" or key not in leave_out]


BUILDERS = {"home": lambda v, _: home(v), "history": lambda v, _: history(v), "uptime": lambda v, _: uptime(v),
            "component": component, "area": area}
