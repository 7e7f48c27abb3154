"""Whether a scheduled rebuild can change what the site says: the moments at which a built site goes out of date
without anyone posting. A scheduled CI job asks this first and skips the build when nothing falls due, which is
what makes a frequent schedule cheap in a private repository (where every run costs Actions minutes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from .dates import midnight
from .model import Incident, Site


@dataclass(frozen=True, order=True)
class Moment:
    """A time at which the site's state changes by itself, and what changes."""

    at: datetime
    what: str


def moments(site: Site, recent_days: int = 14) -> Iterator[Moment]:
    """Every moment the pages change by the clock alone: maintenance windows starting and ending, promised updates
    and expected resolutions falling due, updates dated ahead becoming visible, resolved incidents leaving the
    home page, and each local midnight (the 90-day bars and uptime figures move on a day). What would fall due after
    an incident was closed (resolved, completed, cancelled) changes nothing: a closed incident has no promise left
    to keep and a cancelled window does not start."""
    for incident in site.incidents:
        ended = incident.ended
        for moment in _incident_moments(incident):
            if ended is None or moment.at <= ended:
                yield moment
        if ended:
            yield Moment(ended + timedelta(days=recent_days), f"{incident.id}: leaves the recently resolved list")


def _incident_moments(incident: Incident) -> Iterator[Moment]:
    name = incident.id
    if incident.window:
        yield Moment(incident.window.start, f"{name}: the maintenance window starts")
        yield Moment(incident.window.end, f"{name}: the maintenance window ends")
    for update in incident.updates:
        yield Moment(update.at, f"{name}: update {update.number} is dated then")
        if update.next_update:
            yield Moment(update.next_update, f"{name}: the update promised by update {update.number} falls due")
    if incident.eta:
        yield Moment(incident.eta, f"{name}: the expected resolution passes")


def due(site: Site, since: datetime, now: datetime, recent_days: int = 14) -> list[Moment]:
    """The moments in (since, now]: what a build at `now` shows differently from one at `since`."""
    found = sorted(m for m in moments(site, recent_days) if since < m.at <= now)
    midnight = _local_midnight_after(since, site)
    if midnight <= now:
        found.insert(0, Moment(midnight, "a new day: the 90-day bars and uptime figures move on"))
    return found


def _local_midnight_after(moment: datetime, site: Site) -> datetime:
    return midnight(moment.astimezone(site.timezone).date() + timedelta(days=1), site.timezone)
