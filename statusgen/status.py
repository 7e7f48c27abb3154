"""What follows from the model at a given time: each component's status in each area, the worst per component
and per area, the overall indicator, what is open, what is coming, and how long things lasted.

Everything takes the time explicitly; nothing here asks the clock.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .model import FINAL_STATES, IMPACT_OF_STATUS, IMPACT_RANK, Catalog, Component, Incident, worst

INDICATOR_TEXT = {
    "none": "All systems operational",
    "minor": "Minor service disruption",
    "major": "Partial system outage",
    "critical": "Major system outage",
    "maintenance": "Service under maintenance",
}


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
    def label(self) -> str:
        if self.state in LABELS:
            return LABELS[self.state]
        words = self.state.replace("_", " ").capitalize()
        return f"{words} (per schedule)" if self.per_schedule else words


NOT_POSTED = "not_posted"  # its first update is later than the time asked about
ENDED_UNCONFIRMED = "ended_unconfirmed"  # a window that passed with no update after "scheduled"
LABELS = {
    NOT_POSTED: "Not yet posted",
    ENDED_UNCONFIRMED: "Ended per schedule, not yet confirmed",
}


def phase(incident: Incident, at: datetime) -> Phase:
    """Its state at `at`: the last update posted by then. A maintenance window that started or ended with no
    update since "scheduled" says so (per schedule); it is never shown as completed without the author's word."""
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
    p = phase(incident, at)
    return p.is_posted and not p.is_closed


def is_active(incident: Incident, at: datetime) -> bool:
    """Whether it sets component statuses at `at`: an open incident, or maintenance in progress."""
    p = phase(incident, at)
    if not p.is_posted or p.is_closed:
        return False
    if incident.is_maintenance:
        return p.state in ("in_progress", "verifying")
    return True


def is_upcoming(incident: Incident, at: datetime) -> bool:
    """Maintenance announced by `at` whose window has not started (nor been started or cancelled by an update)."""
    return incident.is_maintenance and phase(incident, at).state == "scheduled"


def duration(incident: Incident, at: datetime) -> timedelta:
    """From when it began to when it ended, or to `at` while it is open. A maintenance window that ended with no
    update lasted until the window's end."""
    ended = incident.ended
    if ended is None and incident.window is not None and phase(incident, at).state == ENDED_UNCONFIRMED:
        ended = incident.window.end
    end = ended if ended is not None and ended <= at else at
    return max(timedelta(0), end - incident.began)


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

    @property
    def description(self) -> str:
        return INDICATOR_TEXT[self.indicator]

    def status(self, component: str, area: str) -> str:
        return self.cells.get((component, area), "operational")

    def affected_areas(self, component: Component) -> list[str]:
        """The areas where a component is not operational, in catalog order."""
        return [a for a in component.areas if (component.id, a) in self.cells]


def impact_now(incident: Incident, at: datetime) -> str:
    """What an open incident weighs in the overall status at `at`: nothing once every component it names is back
    to operational (say, while it is monitored), else its declared impact, or the one its statuses now imply.
    The headline then never says "outage" above a list of services that are all operational."""
    now = [s for s in incident.statuses_at(at).values() if s != "operational"]
    if not now:
        return "none"
    if incident.impact_declared:
        return incident.impact
    return max((IMPACT_OF_STATUS[s] for s in now), key=IMPACT_RANK.__getitem__)


def snapshot(catalog: Catalog, incidents: tuple[Incident, ...], at: datetime) -> Snapshot:
    """Derive everything a page shows about the present from the model and one time."""
    cells: dict[tuple[str, str], str] = {}
    active = [i for i in incidents if is_active(i, at)]
    for incident in active:
        for component_id, status in incident.statuses_at(at).items():
            if status == "operational":  # recovered while the incident goes on
                continue
            component = catalog.component[component_id]
            for area in incident.areas:
                if area in component.areas:  # a component offered in fewer areas is affected only where offered
                    cells[component_id, area] = worst((cells.get((component_id, area), "operational"), status))
    components = {c.id: worst(cells.get((c.id, a), "operational") for a in c.areas) for c in catalog.components}
    areas = {a.id: worst(cells.get((c.id, a.id), "operational") for c in catalog.components_of_area(a.id))
             for a in catalog.areas}
    open_incidents = tuple(sorted((i for i in active if not i.is_maintenance), key=lambda i: (i.began, i.id),
                                  reverse=True))
    maintenance = tuple(sorted((i for i in active if i.is_maintenance), key=lambda i: (i.began, i.id)))
    indicator = max((impact_now(i, at) for i in open_incidents), key=IMPACT_RANK.__getitem__, default="none")
    if indicator == "none" and maintenance:
        indicator = "maintenance"
    upcoming = tuple(sorted((i for i in incidents if is_upcoming(i, at)), key=lambda i: (i.window.start, i.id)))
    return Snapshot(at=at, cells=cells, components=components, areas=areas, indicator=indicator,
                    open=open_incidents, active_maintenance=maintenance, upcoming_maintenance=upcoming)


def as_posted(incidents: tuple[Incident, ...], at: datetime) -> tuple[Incident, ...]:
    """The incidents as readers may see them at `at`: only updates posted by then, and only incidents with one.

    Pages, feeds and calendars are all made from this, so none of them can show what another does not yet.
    """
    shown = []
    for incident in incidents:
        posted = incident.updates_until(at)
        if len(posted) == len(incident.updates):
            shown.append(incident)
        elif posted:
            shown.append(replace(incident, updates=posted))
    return tuple(shown)
