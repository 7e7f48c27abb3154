"""What follows from the model at a given time: each component's status in each area, the worst per component
and per area, the overall indicator, what is open, what is coming, and how long things lasted.

Everything takes the time explicitly; nothing here asks the clock.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Mapping

from .model import (ENDED_UNCONFIRMED, FINAL_STATES, NOT_POSTED, Catalog, Component, Incident, Site, by_window,
                    Update, chronological, implied_impact, worst, worst_impact)
from .wording import INDICATOR, phase_words

@dataclass(frozen=True)
class Phase:
    """Where an incident or maintenance stands at a time, honestly: an author's last word, or the schedule's."""

    state: str  # the last state posted by then, or for maintenance what the schedule implies
    per_schedule: bool = False  # derived from the window, not confirmed by an update

    @property
    def is_closed(self) -> bool:
        """Over: closed by an update, or a maintenance window that ended per schedule."""
        return self.state in FINAL_STATES or self.state == ENDED_UNCONFIRMED

    @property
    def is_posted(self) -> bool:
        return self.state != NOT_POSTED

    @property
    def is_open(self) -> bool:
        """Posted and not over."""
        return self.is_posted and not self.is_closed

    @property
    def label(self) -> str:
        return phase_words(self.state, self.per_schedule)


_CLOSED = {state: Phase(state) for state in FINAL_STATES}
# How long the home page keeps a window that ended with nobody confirming the work (Snapshot.unconfirmed_maintenance)
UNCONFIRMED_SHOWN = timedelta(hours=24)  # one of each: a Phase is never changed


def phase(incident: Incident, at: datetime) -> Phase:
    """Its state at `at`: the last update posted by then. A maintenance window that started or ended with no
    update since "scheduled" says so (per schedule); it is never shown as completed without the author's word."""
    if is_final(incident, at):  # closed by its last update, posted by then: as nearly every incident of a history
        return _CLOSED[incident.updates[-1].state]
    posted = incident.updates_until(at)
    if not posted:
        return Phase(NOT_POSTED)
    state = posted[-1].state
    window = incident.window
    if window is None or state != "scheduled" or at < window.start:
        return Phase(state)
    if at < window.end:
        return Phase("in_progress", per_schedule=True)
    return Phase(ENDED_UNCONFIRMED, per_schedule=True)


def is_open(incident: Incident, at: datetime) -> bool:
    """Posted by `at` and not over: an incident not yet resolved, a maintenance not completed, cancelled or past
    its window."""
    return not is_final(incident, at) and phase(incident, at).is_open


def is_final(incident: Incident, at: datetime) -> bool:
    """Closed by an update and with nothing left to post by `at`: what its page shows no longer depends on `at`
    (a build may reuse the page of an earlier build with the same inputs). Its phase is then that update's final
    state, whatever its window: the quick answer (POSIX seconds compared) for nearly every incident of a history."""
    return incident.ended is not None and max(incident.last_posix, incident.review_posix) <= at.timestamp()


def is_active(incident: Incident, at: datetime) -> bool:
    """Whether it sets component statuses at `at`: an open incident, or maintenance in progress."""
    if is_final(incident, at):
        return False
    p = phase(incident, at)
    if not p.is_posted or p.is_closed:
        return False
    if incident.is_maintenance:
        return p.state in ("in_progress", "verifying")
    return True


def is_upcoming(incident: Incident, at: datetime) -> bool:
    """Maintenance announced by `at` whose window has not started (nor been started or cancelled by an update)."""
    return incident.is_maintenance and not is_final(incident, at) and phase(incident, at).state == "scheduled"


def effective_end(incident: Incident, at: datetime) -> datetime:
    """When it stopped counting, as of `at`: when an update closed it, when its window ended for maintenance that
    ended with no update saying so, else `at` (it is still open); never after `at`."""
    if incident.ended is not None:  # when service came back, if the closing update says (its `since`)
        return min(incident.updates[-1].happened, at)
    if incident.window is not None and phase(incident, at).state == ENDED_UNCONFIRMED:
        return min(incident.window.end, at)
    return at


def duration(incident: Incident, at: datetime) -> timedelta:
    """From when it began to when it stopped counting (see effective_end)."""
    return max(timedelta(0), effective_end(incident, at) - incident.began)


def troubled(statuses: Mapping[str, str]) -> dict[str, str]:
    """The statuses that count as trouble: an operational one says the component recovered while the incident
    goes on."""
    return {component: status for component, status in statuses.items() if status != "operational"}


def statuses_set(incident: Incident, at: datetime) -> dict[str, str]:
    """The component statuses it sets at `at`, trouble only: while it is active, those of its front matter as
    changed by each update posted by then; nothing before it is posted or once it is over."""
    return troubled(incident.statuses_at(at)) if is_active(incident, at) else {}


def as_of_update(incident: Incident, update: Update) -> tuple[dict[str, str], tuple[str, ...]]:
    """(affected, recovered) as `update` left them: the statuses still in trouble, and the components back to
    operational, sorted by id. An update that resolves or completes leaves everything recovered; a cancellation
    leaves nothing either way (the work never touched anything)."""
    statuses = incident.statuses_after(update)
    if update.state == "cancelled":
        return {}, ()
    if update.state in FINAL_STATES:
        return {}, tuple(sorted(statuses))
    return troubled(statuses), tuple(sorted(c for c, s in statuses.items() if s == "operational"))


def areas_hit(catalog: Catalog, incident: Incident, component_id: str) -> tuple[str, ...]:
    """The areas where it affects a component: those of its areas where the component is offered (a component
    offered in fewer areas is affected only where it is offered)."""
    offered = catalog.component[component_id].areas
    return tuple(area for area in incident.areas if area in offered)


@dataclass(frozen=True)
class Snapshot:
    """The status of everything at one time."""

    at: datetime
    cells: dict[tuple[str, str], str]  # (component, area) -> status, only where not operational
    components: dict[str, str]  # component -> worst status over its areas
    areas: dict[str, str]  # area -> worst status over the components offered there
    indicator: str  # none | minor | major | critical | maintenance
    open: tuple[Incident, ...]  # open incidents (not maintenance), newest first
    active_maintenance: tuple[Incident, ...]
    upcoming_maintenance: tuple[Incident, ...]  # soonest first
    # Windows that ended per schedule with no update confirming the work, for UNCONFIRMED_SHOWN after their end
    # (or until an update closes them): the home page keeps them in view rather than dropping them in silence.
    unconfirmed_maintenance: tuple[Incident, ...] = ()

    @property
    def description(self) -> str:
        return INDICATOR[self.indicator].headline

    def status(self, component: str, area: str) -> str:
        return self.cells.get((component, area), "operational")

    def affected_areas(self, component: Component) -> list[str]:
        """The areas where a component is not operational, in catalog order."""
        return [a for a in component.areas if (component.id, a) in self.cells]


def impact_now(incident: Incident, at: datetime) -> str:
    """What an open incident weighs in the overall status at `at`: nothing once every component it names is back
    to operational (say, while it is monitored), else its declared impact, or the one its statuses now imply.
    The headline then never says "outage" above a list of services that are all operational."""
    now = troubled(incident.statuses_at(at))
    if not now:
        return "none"
    if incident.impact_declared:
        return incident.impact
    return implied_impact(now.values())


def snapshot(catalog: Catalog, incidents: tuple[Incident, ...], at: datetime) -> Snapshot:
    """Derive everything a page shows about the present from the model and one time."""
    cells: dict[tuple[str, str], str] = {}
    active = [i for i in incidents if is_active(i, at)]
    for incident in active:
        for component_id, status in statuses_set(incident, at).items():
            for area in areas_hit(catalog, incident, component_id):
                cells[component_id, area] = worst((cells.get((component_id, area), "operational"), status))
    components = {c.id: worst(cells.get((c.id, a), "operational") for a in c.areas) for c in catalog.components}
    areas = {a.id: worst(cells.get((c.id, a.id), "operational") for c in catalog.components_of_area(a.id))
             for a in catalog.areas}
    open_incidents = tuple(sorted((i for i in active if not i.is_maintenance), key=chronological, reverse=True))
    maintenance = tuple(sorted((i for i in active if i.is_maintenance), key=chronological))
    indicator = worst_impact(impact_now(i, at) for i in open_incidents)
    if indicator == "none" and maintenance:
        indicator = "maintenance"
    upcoming = tuple(sorted((i for i in incidents if is_upcoming(i, at)), key=by_window))
    unconfirmed = tuple(sorted((i for i in incidents if is_unconfirmed(i, at)), key=by_window))
    return Snapshot(at=at, cells=cells, components=components, areas=areas, indicator=indicator,
                    open=open_incidents, active_maintenance=maintenance, upcoming_maintenance=upcoming,
                    unconfirmed_maintenance=unconfirmed)


def is_unconfirmed(incident: Incident, at: datetime) -> bool:
    """Maintenance whose window ended per schedule less than UNCONFIRMED_SHOWN before `at`, no update confirming
    (or cancelling) the work since "scheduled"."""
    return (incident.is_maintenance and not is_final(incident, at) and at - incident.window.end < UNCONFIRMED_SHOWN
            and phase(incident, at).state == ENDED_UNCONFIRMED)


def posted(site: Site, at: datetime) -> Site:
    """The site as readers may see it at `at` (its incidents through as_posted): itself when it was cut there
    already, as the view's site is for the API, the uptime and every page made from the view."""
    if site.posted_at is not None and site.posted_at == at:
        return site
    cut = replace(site, incidents=as_posted(site.incidents, at))
    object.__setattr__(cut, "posted_at", at)  # a frozen dataclass: set once, here, on the copy just made
    return cut


def as_posted(incidents: tuple[Incident, ...], at: datetime) -> tuple[Incident, ...]:
    """The incidents as readers may see them at `at`: only updates posted by then, and only incidents with one.

    Pages, feeds and calendars are all made from this, so none of them can show what another does not yet.
    """
    shown, now = [], at.timestamp()
    for incident in incidents:
        if incident.last_posix <= now:  # every update posted by then, as nearly always (Incident.updates_until)
            shown.append(incident if incident.review_posix <= now or not incident.summary
                         else replace(incident, summary=""))  # the review is not written yet
            continue
        posted = incident.updates_until(at)
        if posted:
            # The ETA it shows is the latest posted by then, never one a later update gives; the review only once
            # published (Incident.review_posix: by default, with the last update, which is not posted yet).
            eta = incident.eta_after(posted[-1])
            summary = incident.summary if incident.review_posix <= now else ""
            shown.append(replace(incident, updates=posted, eta=eta, first_eta=incident.top_eta, summary=summary))
    return tuple(shown)
