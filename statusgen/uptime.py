"""Uptime and SLA: how much of a period each component was up, per day, per month, or over any period.

What readers are told, precisely:

- Downtime. While an incident sets a component's status in an area, that time counts as downtime with a weight
  by status: major outage 1, partial outage 0.3 (as Statuspage counts it), degraded performance 0, under
  maintenance 0 (planned, announced work is not counted against uptime), operational 0. The weights are a
  parameter; these are the defaults.
- Where and when. An incident affects a component in each of its areas where the component is offered, from
  when it began (`started`, else its first update; for maintenance its window's start) with the statuses of its
  front matter, changed at each update's time by that update's components, until it ended (the update that
  resolved it; maintenance that ended per schedule, at its window's end) or, while still open, until the build
  time. Only updates posted by the build time count. Maintenance goes through the same rules, so its
  `under_maintenance` costs nothing with the default weights but shows on the day it happened.
- Overlaps. When incidents overlap on one component in one area, the worst weight counts at each moment, never
  the sum.
- Uptime. A component's uptime over a period is 1 − (its weighted downtime summed over its areas) / (the number
  of its areas × the length of the period): every area counts equally, so an outage in one of four towns costs
  a quarter of the same outage everywhere. `downtime` is that weighted sum divided by the number of areas (the
  time the component was, in effect, down everywhere), so that uptime = 1 − downtime / length.
- Periods. Days and months are calendar days and months in the site's time zone, so a day can last 23 or 25
  hours. A period never reaches before the component's first day of records (midnight in the site's zone) nor
  after the build time; a period wholly outside them has no data (None, not 100%). Its records begin at the
  earliest of its `since`, the day it first appeared in the catalog (when the caller knows it: `first_seen`) and
  the day the first incident that touched it began: every outage counts, even one before the service was dated.
  With none of these, the day of the site's first incident; a site with no incident has no data.
- SLA. A month meets its target when its uptime, in percent, is at least the component's `sla`.

Nothing here asks the clock: the build time is passed in.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import accumulate
from types import MappingProxyType
from typing import NamedTuple

from .dates import add_months, midnight
from .model import STATUS_RANK, STATUSES, Component, Incident, Site
from .status import areas_hit, effective_end, posted, troubled

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "major_outage": 1.0,
    "partial_outage": 0.3,
    "degraded_performance": 0.0,
    "under_maintenance": 0.0,
    "operational": 0.0,
})
# A month meets its target at exactly the target: float rounding of 1 - x / y must not fail it.
_TARGET_SLACK = 1e-9


class Day(NamedTuple):
    """One calendar day of one component (a named tuple: a page of 20 services' bars makes thousands)."""

    date: date
    uptime: float | None  # 0..1; None when the day has no data (before `since`, after the build time)
    downtime: timedelta  # weighted, averaged over its areas: uptime = 1 - downtime / the day's length
    worst: str  # the worst status it had that day in any area; "operational" if none
    incidents: tuple[str, ...]  # ids of the incidents (and maintenance) touching it that day, in site order


@dataclass(frozen=True)
class Month:
    """One calendar month of one component, against its target."""

    year: int
    month: int
    uptime: float | None
    target: float | None  # the component's sla, percent
    met: bool | None  # None without a target or without data
    downtime: timedelta


class Segment(NamedTuple):
    """A stretch of time in one area with one weight: the worst of the incidents open on it then."""

    start: datetime
    end: datetime
    weight: float
    status: str  # the worst status among them
    incidents: tuple[str, ...]


class _Raw(NamedTuple):  # one incident's one status on one component, in epoch seconds (shared by its areas)
    start: float
    end: float
    weight: float
    rank: int  # of its status in STATUSES: the higher, the worse
    order: int  # the incident's position in the site: ids are listed in this order


class _Cover:
    """The union of some stretches: sorted, disjoint, with a running total of their length, so that the time
    covered within any period is two bisects and a subtraction."""

    def __init__(self, stretches: list[tuple[float, float]]):  # sorted by start
        self.starts: list[float] = []
        self.ends: list[float] = []
        for start, end in stretches:
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)
        self.total = [0.0, *accumulate(end - start for start, end in zip(self.starts, self.ends))]

    def within(self, a: float, b: float) -> float:
        """Seconds covered within [a, b)."""
        i, j = bisect_right(self.ends, a), bisect_left(self.starts, b)
        if i >= j:
            return 0.0
        return self.total[j] - self.total[i] - max(0.0, a - self.starts[i]) - max(0.0, self.ends[j - 1] - b)


class _Timeline:
    """One component in one area: what incidents did to it, in epoch seconds, ready for questions.

    The worst weight at each moment is counted in layers: for each weight w (heaviest first), the time covered by
    stretches weighing at least w and not by a heavier layer counts w. `items` are the incidents' own stretches,
    sorted by start, with the latest end so far (`reach`), to find those touching a period.
    """

    def __init__(self, items: list[_Raw]):
        self.items = sorted(items)
        self.item_starts = [item.start for item in self.items]
        self.reach = list(accumulate((item.end for item in self.items), max))
        levels = sorted({item.weight for item in self.items if item.weight > 0}, reverse=True)
        self.layers = [(weight, _Cover([(item.start, item.end) for item in self.items if item.weight >= weight]))
                       for weight in levels]

    def weighted(self, a: float, b: float) -> float:
        """Weighted seconds of downtime within [a, b)."""
        seconds, heavier = 0.0, 0.0
        for weight, cover in self.layers:
            covered = cover.within(a, b)
            seconds += weight * (covered - heavier)
            heavier = covered
        return seconds

    def touching(self, a: float, b: float) -> list[_Raw]:
        """The incidents' stretches that overlap [a, b), by start."""
        i, j = bisect_right(self.reach, a), bisect_left(self.item_starts, b)
        return [item for item in self.items[i:j] if item.end > a]

    def segments(self) -> list[tuple[float, float, float, str, tuple[int, ...]]]:
        """Non-overlapping (start, end, weight, status, incidents): the worst weight and worst status of the
        stretches open at each moment, and the incidents they belong to. One sweep over starts and ends."""
        events = sorted([(item.start, 1, n) for n, item in enumerate(self.items)]
                        + [(item.end, -1, n) for n, item in enumerate(self.items)])
        open_now: set[int] = set()
        result: list[tuple[float, float, float, str, tuple[int, ...]]] = []
        for k, (moment, change, n) in enumerate(events):
            (open_now.add if change > 0 else open_now.discard)(n)
            if not open_now or k + 1 == len(events) or events[k + 1][0] == moment:
                continue
            stretches = [self.items[m] for m in open_now]
            weight = max(item.weight for item in stretches)
            status = STATUSES[max(item.rank for item in stretches)]
            orders = tuple(sorted({item.order for item in stretches}))
            if result and result[-1][1] == moment and result[-1][2:] == (weight, status, orders):
                result[-1] = (result[-1][0], events[k + 1][0], weight, status, orders)
            else:
                result.append((moment, events[k + 1][0], weight, status, orders))
        return result


_NOTHING = _Timeline([])
_NO_TIME = timedelta(0)


def _check_weights(weights: Mapping[str, float]) -> None:
    for status, weight in weights.items():
        if status not in STATUS_RANK:
            raise ValueError(f"unknown status in weights (expected one of {', '.join(STATUSES)}, got {status!r})")
        if not 0 <= weight <= 1:
            raise ValueError(f"weight out of range (expected a number from 0 to 1, got {weight!r} for {status})")


def _stretches(incident: Incident, at: datetime):
    """(start, end, statuses in trouble), in POSIX seconds, from when it began until it stopped counting, as of
    `at` (its updates are those posted by then): its statuses change when what each update reports happened (its
    `since`, else its time: Update.posix, the same order as the times themselves, to the microsecond)."""
    began, end = incident.began.timestamp(), effective_end(incident, at).timestamp()
    if end <= began:
        return
    happened = [u.since.timestamp() if u.since is not None else u.posix for u in incident.updates]
    bounds = [began, *sorted({t for t in happened if began < t < end}), end]
    for start, stop in zip(bounds, bounds[1:]):
        statuses = dict(incident.components)
        for update, moment in zip(incident.updates, happened):
            if moment <= start:
                statuses.update(update.components)
        yield start, stop, troubled(statuses)


def _raw(site: Site, incidents: tuple[Incident, ...], at: datetime, weights: Mapping[str, float],
         horizon: datetime | None = None) -> dict[tuple[str, str], list[_Raw]]:
    """(component, area) -> every stretch of an incident setting a status on it there (those over before
    `horizon` left out)."""
    raw: dict[tuple[str, str], list[_Raw]] = {}
    now, first = at.timestamp(), horizon.timestamp() if horizon is not None else float("-inf")
    for order, incident in enumerate(incidents):
        if incident.ended is not None:  # closed by its last update: it stopped counting then (or at `at`)
            if min(incident.last_posix, now) < first:
                continue
        elif horizon is not None and effective_end(incident, at) < horizon:
            continue
        where: dict[str, list[list[_Raw]]] = {}  # component -> the lists of the areas it is affected in
        for a, b, statuses in _stretches(incident, at):
            for component_id, status in statuses.items():
                if component_id not in where:
                    where[component_id] = [raw.setdefault((component_id, area), [])
                                           for area in areas_hit(site.catalog, incident, component_id)]
                item = _Raw(a, b, weights.get(status, 0.0), STATUS_RANK[status], order)
                for items in where[component_id]:
                    items.append(item)
    return raw


def _midnight(day: date, tz: tzinfo) -> float:
    return midnight(day, tz).timestamp()


def _first_days(site: Site, shown: tuple[Incident, ...], first_seen: Mapping[str, date]) -> dict[str, date | None]:
    """Each component's first day of records: the earliest of its `since`, the day it first appeared (the catalog's
    history, when the caller knows it) and the day the first incident touching it began; with none of these, the
    day of the site's first incident; with no incident at all, None (no data, never a made-up 100%)."""
    tz = site.timezone
    touched: dict[str, date] = {}
    untouched = {c.id for c in site.catalog.components}
    for incident in shown:  # in the order they began: the first to touch a component is the earliest
        day = None
        for component_id in incident.all_components():
            if component_id not in touched:
                day = day or incident.began.astimezone(tz).date()
                touched[component_id] = day
                untouched.discard(component_id)
        if not untouched:  # every component of the catalog has its first incident: the later ones change nothing
            break
    fallback = min(touched.values(), default=None)
    return {c.id: min((d for d in (c.since, first_seen.get(c.id), touched.get(c.id)) if d is not None),
                      default=fallback) for c in site.catalog.components}


class Uptime:
    """Uptime of every component as of the build time `at`: the incidents are worked out once, here; each
    question after that is a few bisects."""

    def __init__(self, site: Site, at: datetime, weights: Mapping[str, float] = DEFAULT_WEIGHTS,
                 first_seen: Mapping[str, date] | None = None, horizon: datetime | None = None):
        """`horizon`: the earliest time questions will be about (the pages ask about a year at most); incidents
        over before it are not worked out, and any time before it counts as having no data, never as up."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"a build time without a time zone (expected an aware datetime, got {at!r})")
        _check_weights(weights)
        self.site, self.at, self.weights = site, at, weights
        shown = posted(site, at).incidents
        self._start = _first_days(site, shown, first_seen or {})
        self._at = at.timestamp()
        self._horizon = horizon.timestamp() if horizon is not None else float("-inf")
        self._ids = tuple(i.id for i in shown)
        self._timelines = {key: _Timeline(items) for key, items in
                           _raw(site, shown, at, weights, horizon).items()}
        self._windows: dict[str, tuple[float, float] | None] = {}  # by component: see _window
        self._bounds: dict[tuple[date, int], tuple[list[date], list[float]]] = {}  # a run of days: see _midnights

    def start(self, component_id: str) -> date | None:
        """The first day with records for the component (its `since`, first appearance or the first incident)."""
        return self._start[component_id]

    # --- periods ---------------------------------------------------------------------------------------------

    def _component(self, component_id: str) -> Component:
        return self.site.catalog.component[component_id]

    def _window(self, component: Component) -> tuple[float, float] | None:
        """When the component has data: from its first day's midnight (and the horizon) to the build time; None
        without a first day or an area."""
        if component.id not in self._windows:
            start = self._start[component.id]
            self._windows[component.id] = (max(_midnight(start, self.site.timezone), self._horizon), self._at) \
                if start is not None and component.areas else None
        return self._windows[component.id]

    def _clip(self, component: Component, a: float, b: float) -> tuple[float, float] | None:
        """The part of [a, b) with data: from `since` to the build time; None when nothing is left."""
        window = self._window(component)
        if window is None:
            return None
        a, b = max(a, window[0]), min(b, window[1])
        return (a, b) if b > a else None

    def _midnights(self, first: date, count: int) -> tuple[list[date], list[float]]:
        """The `count` days from `first` on, and the midnights starting each and ending the last: every service's
        bars ask for the same run of days."""
        key = (first, count)
        if key not in self._bounds:
            tz = self.site.timezone
            days = [first + timedelta(days=n) for n in range(count + 1)]
            self._bounds[key] = (days[:-1], [_midnight(day, tz) for day in days])
        return self._bounds[key]

    def _weighted(self, component: Component, a: float, b: float, area: str | None = None) -> float:
        """Weighted downtime within [a, b), in seconds, averaged over the component's areas (or in `area` alone)."""
        areas = component.areas if area is None else (area,)
        return sum(self._timelines.get((component.id, where), _NOTHING).weighted(a, b)
                   for where in areas) / len(areas)

    def _period(self, component: Component, a: float, b: float,
                area: str | None = None) -> tuple[float | None, timedelta]:
        clipped = self._clip(component, a, b)
        if clipped is None or (area is not None and area not in component.areas):
            return None, timedelta(0)
        a, b = clipped
        # To the microsecond, as times are kept: sums of epoch seconds must not turn 1 h into 1 h and a femtosecond.
        seconds = round(self._weighted(component, a, b, area), 6)
        return min(1.0, max(0.0, 1 - seconds / (b - a))), timedelta(seconds=seconds)

    # --- questions -------------------------------------------------------------------------------------------

    def overall(self, component_id: str, start: datetime, end: datetime, area: str | None = None) -> float | None:
        """Uptime from `start` to `end` (0..1), or None when no part of it has data; in `area` alone if given."""
        return self._period(self._component(component_id), start.timestamp(), end.timestamp(), area)[0]

    def last_90_days(self, component_id: str, area: str | None = None) -> float | None:
        """Uptime over the last 90 calendar days (as `daily` shows them), up to the build time."""
        today = self.at.astimezone(self.site.timezone).date()
        start = midnight(today - timedelta(days=89), self.site.timezone)
        return self.overall(component_id, start, self.at, area)

    def days(self, component_id: str, first: date, count: int, area: str | None = None) -> list[Day]:
        """`count` calendar days in the site's time zone from `first` on, oldest first; in `area` alone if given."""
        component = self._component(component_id)
        dates, bounds = self._midnights(first, count)
        # Each day's part with data is [cut[n], cut[n + 1]): an empty one has none.
        lo, hi = self._clip(component, bounds[0], bounds[-1]) or (bounds[0], bounds[0])
        cut = [min(max(bound, lo), hi) for bound in bounds] if lo > bounds[0] or hi < bounds[-1] else bounds
        worst: dict[int, int] = {}  # the days incidents touched: the worst rank, and the incidents (by order)
        orders: dict[int, set[int]] = {}
        for where in (component.areas if area is None else (area,)) if hi > lo else ():
            for item in self._timelines.get((component.id, where), _NOTHING).touching(lo, hi):
                n = max(0, bisect_right(cut, item.start) - 1)
                while n < count and cut[n] < item.end:
                    if item.start < cut[n + 1] and cut[n] < cut[n + 1]:
                        worst[n] = max(worst.get(n, 0), item.rank)
                        orders.setdefault(n, set()).add(item.order)
                    n += 1
        served = area is None or area in component.areas
        # A day no incident touched is up all of its part with data (most days: no downtime to weigh).
        fine = STATUSES[0]
        result = [Day(day, 1.0 if served and cut[n] < cut[n + 1] else None, _NO_TIME, fine, ())
                  for n, day in enumerate(dates)]
        for n, touched in orders.items():
            uptime, downtime = self._period(component, bounds[n], bounds[n + 1], area)
            ids = tuple(self._ids[o] for o in sorted(touched))
            result[n] = Day(dates[n], uptime, downtime, STATUSES[worst[n]], ids)
        return result

    def daily(self, component_id: str, days: int = 90, area: str | None = None) -> list[Day]:
        """The last `days` calendar days, ending with the day of the build time, oldest first; in `area` alone if
        given."""
        today = self.at.astimezone(self.site.timezone).date()
        return self.days(component_id, today - timedelta(days=days - 1), days, area)

    def month(self, component_id: str, year: int, month: int, area: str | None = None) -> Month:
        """One calendar month in the site's time zone, against the component's target; in `area` alone if given
        (the target holds in every area: customers in one town live that town's uptime, not an average)."""
        component = self._component(component_id)
        tz = self.site.timezone
        a, b = _midnight(date(year, month, 1), tz), _midnight(date(*add_months(year, month, 1), 1), tz)
        uptime, downtime = self._period(component, a, b, area)
        target = component.sla
        met = None if uptime is None or target is None else uptime * 100 >= target - _TARGET_SLACK
        return Month(year=year, month=month, uptime=uptime, target=target, met=met, downtime=downtime)

    def monthly(self, component_id: str, months: int = 12, area: str | None = None) -> list[Month]:
        """The last `months` calendar months, the current one (so far) first; in `area` alone if given."""
        local = self.at.astimezone(self.site.timezone)
        return [self.month(component_id, *add_months(local.year, local.month, -n), area=area) for n in range(months)]

    def intervals(self) -> dict[tuple[str, str], list[Segment]]:
        """(component, area) -> its segments of trouble, oldest first, in the site's time zone, each with the
        incidents open during it."""
        tz = self.site.timezone
        return {key: [Segment(datetime.fromtimestamp(a, tz), datetime.fromtimestamp(b, tz), weight, status,
                              tuple(self._ids[o] for o in orders))
                      for a, b, weight, status, orders in timeline.segments()]
                for key, timeline in sorted(self._timelines.items())}

