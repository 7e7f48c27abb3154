"""The model authors' files become: a catalog of areas, groups and components, and incidents with updates.

Everything here is plain data; what follows from it at a given time lives in status.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cached_property
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from .texts import NOTES_PER_RUN

# Component statuses, best first: a table, so "worst" is a comparison of ranks.
STATUSES = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
IMPACTS = ("none", "minor", "major", "critical")
IMPACT_RANK = {impact: rank for rank, impact in enumerate(IMPACTS)}
# What a component status means for an incident's impact when the author did not declare one.
IMPACT_OF_STATUS = {
    "operational": "none",
    "under_maintenance": "none",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}

KINDS = ("incident", "maintenance")
STATES = {
    "incident": ("investigating", "identified", "monitoring", "resolved"),
    "maintenance": ("scheduled", "in_progress", "verifying", "completed", "cancelled"),
}
FINAL_STATES = frozenset({"resolved", "completed", "cancelled"})
# States readers may be shown that no update posts: status.phase works them out from the time and the window.
NOT_POSTED = "not_posted"  # its first update is later than the time asked about
ENDED_UNCONFIRMED = "ended_unconfirmed"  # a window that passed with no update after "scheduled"


def worst(statuses, default: str = "operational") -> str:
    """The worst of some component statuses."""
    return max(statuses, key=STATUS_RANK.__getitem__, default=default)


def worst_impact(impacts, default: str = "none") -> str:
    """The gravest of some impacts."""
    return max(impacts, key=IMPACT_RANK.__getitem__, default=default)


def implied_impact(statuses) -> str:
    """The impact some component statuses imply, for an incident whose author declared none: the gravest."""
    return worst_impact(IMPACT_OF_STATUS[status] for status in statuses)


# What check notes of a text missing in some of the site's languages: (line, where, the languages it lacks), e.g.
# (3, "title", ("fr",)). Names, descriptions, titles, bodies and reviews are texts.Text: the default language's
# text, with its translations beside it.
Untranslated = tuple[int, str, tuple[str, ...]]


@dataclass(frozen=True)
class Area:
    id: str
    name: str  # a texts.Text, as every name, description, title, body and review read from a file
    description: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    description: str | None = None


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    areas: tuple[str, ...]  # where it is offered; the catalog fills in every area when the author gave none
    group: str | None = None
    description: str | None = None
    sla: float | None = None  # monthly uptime target, percent
    since: date | None = None  # no uptime is shown before it


@dataclass(frozen=True)
class Catalog:
    areas: tuple[Area, ...]
    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    path: str = field(default="", compare=False)  # its file, for check's notes
    languages: tuple[str, ...] = field(default=("en",), compare=False)  # the site's, its texts were read in
    untranslated: tuple[Untranslated, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "area", MappingProxyType({a.id: a for a in self.areas}))
        object.__setattr__(self, "group", MappingProxyType({g.id: g for g in self.groups}))
        object.__setattr__(self, "component", MappingProxyType({c.id: c for c in self.components}))
        object.__setattr__(self, "_served", {})

    def areas_served(self, component_ids: Iterable[str]) -> tuple[str, ...]:
        """The ids of the areas (in the catalog's order) where any of the components is offered; ids not in the
        catalog offer none. Worked out once per set of components: every incident asks."""
        key = frozenset(component_ids)
        served = self._served.get(key)
        if served is None:
            offered = [self.component[c].areas for c in key if c in self.component]
            served = self._served[key] = tuple(a.id for a in self.areas if any(a.id in areas for areas in offered))
        return served

    area: Mapping[str, Area] = field(init=False, repr=False, compare=False)
    group: Mapping[str, Group] = field(init=False, repr=False, compare=False)
    component: Mapping[str, Component] = field(init=False, repr=False, compare=False)
    _served: dict = field(init=False, repr=False, compare=False)  # areas_served, by set of components

    def components_in(self, group_id: str | None) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.group == group_id)

    def components_of_area(self, area_id: str) -> tuple[Component, ...]:
        return tuple(c for c in self.components if area_id in c.areas)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Update:
    at: datetime
    state: str
    body: str  # Markdown
    components: Mapping[str, str] = field(default_factory=dict)  # status changes from this update on
    next_update: datetime | None = None
    number: int = 0  # position in the incident, from 1: the anchor "update-N" on its page
    eta: datetime | None = None  # the expected resolution this update gave, if it gave one
    line: int = field(default=0, compare=False)  # the line of its `at` in the file (0: not read from a file)
    since: datetime | None = None  # when what it reports happened, if before `at` (uptime and "ETA met" use it)

    @cached_property
    def posix(self) -> float:
        """Its time as POSIX seconds: exact for times to the microsecond (distinct times stay distinct floats, in
        the same order), and compared or sorted on in a fraction of the time a zoned datetime takes."""
        return self.at.timestamp()

    @property
    def happened(self) -> datetime:
        """When what it reports happened: its `since`, else its time of posting."""
        return self.since or self.at


@dataclass(frozen=True)
class Incident:
    """An incident or a maintenance (kind), as its file says; its id is the file name's stem."""

    id: str
    path: str
    kind: str
    title: str
    opened: date  # the date in the file name
    components: Mapping[str, str]  # component -> status while this is open
    areas: tuple[str, ...]  # every area it touches (the author's, or every area of its components)
    updates: tuple[Update, ...]
    impact: str  # declared, or derived from the worst status it ever set
    impact_declared: bool = False
    started: datetime | None = None
    ticket: str | None = None
    eta: datetime | None = None  # the latest expected resolution given (see eta_after for one update's)
    window: Window | None = None
    summary: str = ""  # Markdown below the front matter
    first_eta: datetime | None = None  # the front matter's `eta`: the one given with the first update
    digest: str = field(default="", compare=False)  # a hash of its file's text (statusgen.cache)
    reviewed: datetime | None = None  # when the summary (the review) was published; None: the last update's time
    untranslated: tuple[Untranslated, ...] = field(default=(), compare=False)  # texts lacking a site language

    @property
    def is_maintenance(self) -> bool:
        return self.kind == "maintenance"

    # began and ended are asked of every incident many times a build (60,000 times at 10,000 incidents): worked out
    # once per object. Like every cached_property here they follow from its fields alone; a copy made with other
    # fields (dataclasses.replace) works them out again.
    @cached_property
    def began(self) -> datetime:
        """When it began: `started`, the window's start for maintenance, else its first update."""
        if self.started:
            return self.started
        if self.window:
            return self.window.start
        return self.updates[0].at

    @cached_property
    def began_posix(self) -> float:
        """`began` as POSIX seconds (the same order, exactly: see Update.posix)."""
        return self.began.timestamp()

    @property
    def last(self) -> Update:
        return self.updates[-1]

    @cached_property
    def ended(self) -> datetime | None:
        """When its last update closed it (resolved, completed, cancelled), or None while open."""
        last = self.updates[-1]
        return last.at if last.state in FINAL_STATES else None

    @cached_property
    def review_posix(self) -> float:
        """When its summary (the review below the front matter) was published, as POSIX seconds: `reviewed`, else
        its last update's time. Not shown before: text is never shown before it was written."""
        return self.reviewed.timestamp() if self.reviewed is not None else self.updates[-1].posix

    @cached_property
    def last_posix(self) -> float:
        """Its last update's time as POSIX seconds (Update.posix)."""
        return self.updates[-1].posix

    def settle(self) -> None:
        """Works out now what every build asks of it many times, so that the build cache keeps it with the incident
        (pickled with it) and later builds do not work it out again."""
        self.began_posix, self.ended, self.last_posix, self.review_posix, self._touched  # noqa: B018
        for update in self.updates:
            update.posix  # noqa: B018

    def updates_until(self, at: datetime) -> tuple[Update, ...]:
        if self.last_posix <= at.timestamp():  # all of them, as nearly always: asked of every incident many times
            return self.updates
        return tuple(u for u in self.updates if u.at <= at)

    def statuses_at(self, at: datetime) -> dict[str, str]:
        """Component statuses it sets as of `at`: the front matter's, changed by each update posted by then."""
        return self.statuses_at_posix(at.timestamp())

    def statuses_at_posix(self, seconds: float) -> dict[str, str]:
        """statuses_at for a time given as POSIX seconds (Update.posix: the same order, exactly)."""
        statuses = dict(self.components)
        for update in self.updates:
            if update.posix <= seconds:
                statuses.update(update.components)
        return statuses

    def statuses_after(self, update: Update) -> dict[str, str]:
        """Component statuses as `update` left them: the front matter's, changed by it and each update before it.
        By position, not time: a later update posted at the same minute does not reach back into this one."""
        statuses = dict(self.components)
        for earlier in self.updates[: self._position(update) + 1]:
            statuses.update(earlier.components)
        return statuses

    def _position(self, update: Update) -> int:
        """Where `update` is in the updates: found by identity, as callers pass one of them (`tuple.index` compares
        every field of each update before it), else by equality (a copy)."""
        for n, earlier in enumerate(self.updates):
            if earlier is update:
                return n
        return self.updates.index(update)

    @property
    def top_eta(self) -> datetime | None:
        """The ETA given with the first update in the front matter. Known for sure when the loader keeps it
        (first_eta); else `eta` is it only when no update gave one of its own."""
        if self.first_eta is not None:
            return self.first_eta
        return self.eta if not any(u.eta for u in self.updates) else None

    def eta_after(self, update: Update) -> datetime | None:
        """The expected resolution that stood at `update`: the latest given by it or an update before it, else the
        front matter's. What a later update says never reaches back."""
        given = [u.eta for u in self.updates[: self._position(update) + 1] if u.eta]
        return given[-1] if given else self.top_eta

    def eta_moves(self) -> list[tuple[Update, datetime | None, datetime]]:
        """(update, ETA before it, ETA it gave) for each update that gave a different ETA from the one standing."""
        moves, standing = [], self.top_eta
        for update in self.updates:
            if update.eta and update.eta != standing:
                moves.append((update, standing, update.eta))
                standing = update.eta
        return moves

    def current_statuses(self) -> dict[str, str]:
        """Component statuses after its latest update."""
        return self.statuses_at(self.last.at)

    def all_components(self) -> tuple[str, ...]:
        """Every component it ever touched, in catalog-independent sorted order."""
        return self._touched

    @cached_property
    def _touched(self) -> tuple[str, ...]:  # asked for once per feed and page: worked out once
        ids = set(self.components)
        for update in self.updates:
            ids.update(update.components)
        return tuple(sorted(ids))


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# How far ahead of the clock a first update may be dated (clocks differ a little; an author posts "at 14:05" at
# 14:03) before `check` calls it a mistake.
AHEAD_TOLERANCE = timedelta(minutes=5)


def instant(moment: datetime) -> timedelta:
    """A sort key for an aware datetime: the same order, exactly, but compared without working out two UTC offsets
    at every comparison (times in a zone of the tz database compare slowly, and sorting 40,000 compares a lot)."""
    return moment - EPOCH


def chronological(incident: Incident) -> tuple[float, str]:
    """The order incidents are listed in: when they began, then by id, so that equal times keep one order."""
    return incident.began_posix, incident.id


def by_window(incident: Incident) -> tuple[timedelta, str]:
    """The order maintenance is scheduled in: by its window's start, then by id."""
    return instant(incident.window.start), incident.id


def concerning(kind: str, ident: str | None) -> Callable[[Incident], bool]:
    """Which incidents a page's subject gathers: a component's those that ever touched it, an area's those in it,
    the site's (any other kind) all of them."""
    if kind == "component":
        return lambda incident: ident in incident.all_components()
    if kind == "area":
        return lambda incident: ident in incident.areas
    return lambda incident: True


@dataclass(frozen=True)
class Site:
    """Everything the authors wrote, validated."""

    catalog: Catalog
    incidents: tuple[Incident, ...]  # sorted by when they began, then id
    timezone: tzinfo
    # The time status.posted cut it at, on the copy it made: not an argument, so that no copy made with other
    # incidents (dataclasses.replace) can carry it.
    posted_at: datetime | None = field(default=None, init=False, compare=False)

    def dated_ahead(self, clock: datetime, tolerance: timedelta = AHEAD_TOLERANCE) -> list[tuple[str, int, str]]:
        """(path, line, message) for each incident or maintenance whose first update (for maintenance: its
        announcement) is dated after the present `clock` by more than `tolerance`: built now it would show nothing
        at all, so a wrong zone or a mistyped date must not pass silently. A build as of an earlier time is another
        matter: it leaves out what came later (unposted)."""
        found, latest = [], (clock + tolerance).timestamp()
        zone_name = str(self.timezone)
        for incident in self.incidents:
            first = incident.updates[0]
            if first.posix > latest:
                what = "announcement" if incident.is_maintenance else "first update"
                local = first.at.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
                present = clock.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
                found.append((incident.path, first.line or 1,
                              f"updates[0].at: the {what} is dated in the future (expected a time no later than "
                              f"now, {present} {zone_name}, got {local} {zone_name}): nothing of it would be shown "
                              f"until then; a wrong time zone or a mistyped date?"))
        return found

    def starts_not_given(self, most: int = NOTES_PER_RUN) -> list[tuple[str, int, str]]:
        """(path, line, note) for the incidents without `started`, newest first: its figures say "start not given"
        and it is left out of the time to acknowledge (its first update is not when it began: that would flatter).
        At most `most` lines: a history imported without starts would bury everything else; the last line counts
        the rest."""
        missing = [i.path for i in reversed(self.incidents) if not i.is_maintenance and i.started is None]
        listed = missing if len(missing) <= most else missing[:most - 1]
        notes = [(path, 2, "started: not given, so no time to acknowledge is counted for it (\"start not given\"); "
                           "add `started:` with when it began, if known") for path in listed]
        if len(missing) > len(listed):
            rest = len(missing) - len(listed)
            notes.append((missing[len(listed)], 2, f"started: not given here either, nor in {rest - 1:,} older "
                                                   f"incident{'s' if rest != 2 else ''} (not listed)"))
        return notes

    def untranslated(self) -> list[tuple[str, int, str, tuple[str, ...]]]:
        """(path, line, where, languages missing) for each text not given in every language of the site: the
        catalog's, then the incidents' newest first (those readers see most)."""
        found = [(self.catalog.path, *item) for item in self.catalog.untranslated]
        for incident in reversed(self.incidents):
            found += [(incident.path, *item) for item in incident.untranslated]
        return found

    def unposted(self, when: datetime) -> list[tuple[str, str]]:
        """(path, note) for each incident with updates dated after `when`: honest to leave out, surprising to an
        author whose clock ran ahead."""
        notes = []
        for incident in self.incidents:
            if incident.last_posix <= when.timestamp():  # updates are in time order: none later (as nearly always)
                continue
            later = [u for u in incident.updates if u.at > when]
            if later:
                notes.append((incident.path, f"{len(later)} update(s) dated after the build time {when.isoformat()} "
                                             f"not shown yet: the first appears with the first build after "
                                             f"{later[0].at.isoformat()}"))
        return notes
