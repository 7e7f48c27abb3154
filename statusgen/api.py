"""The Statuspage v2 public API (`/api/v2/*.json`) as static files, so tools written for Atlassian Statuspage
(exporters, chat bots, dashboards, widgets) can read this site unchanged.

Shapes and key order follow real Statuspage responses; values come from the model and one time, as every
other output does. Choices where Statuspage has no exact counterpart, made so that a client is never told
something the site itself does not say:
- Ids are the catalog's and the incident files' ids (slugs): stable across builds, and ids are opaque strings
  to clients. A group is a component in Statuspage's flat list, so its id is `group--<id>`: a group and a
  component may share an id in the catalog, and no slug contains `--`. An update's id is
  `<incident id>-update-<n>`, its anchor on the incident page.
- Times are in the site's zone with milliseconds, like Statuspage (`2026-11-22T08:32:00.000-06:00`; `Z` for a
  UTC site). None is the build time, unless nothing at all has been posted yet.
- `page.updated_at` and an incident's `updated_at` are the time of a real update: the newest posted one. A
  window's start or end passing is not an update (nobody posted anything then), and the build time would change
  every file on every scheduled rebuild and tell clients nothing.
- A component's `created_at` is the earlier of its `since` day at midnight in the site's zone (unless still
  ahead) and the first update of anything that touched it; with neither, the site's first update. Its
  `updated_at` is the latest change of anything that touched it (never before `created_at`). A group spans
  its components' times.
- The flat component list is in the home page's order: each group followed by its components, then the
  ungrouped ones; `position` counts within a group, and at the top level groups first.
- Cancelled maintenance is left out of every list. Statuspage has no "cancelled" (its statuses are
  scheduled, in_progress, verifying, completed); cancelling there means deleting, and the maintenance
  disappears from the API. "completed" would tell clients the work was done, which for a cancelled
  maintenance is false; saying nothing is not. The pages, feeds and calendars (STATUS:CANCELLED) say
  it was cancelled.
- Maintenance in its window with no update since "scheduled" is `in_progress` (per schedule), as the pages
  show it; after its window it is `verifying` with `resolved_at` null: the window is over but nobody confirmed
  the work, which the pages say as "Ended per schedule, not yet confirmed". Never `completed`: that is the
  author's word alone.
- An update's `affected_components` lists what it names (the first update also what the front matter names)
  and every status it changes, including the return to operational when it closes the incident; `null` when
  it has none, as Statuspage sends.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Callable, Iterator, MutableMapping

from . import promises
from .dates import midnight
from .model import ENDED_UNCONFIRMED, Component, Incident, Site, Update, by_window, worst
from .status import Snapshot, phase, posted, snapshot, statuses_set
from .i18n import N_, _
from .wording import INDICATOR

LIMIT = 50  # Statuspage lists the 50 most recent incidents and maintenances
# The files the home page points developers to (key in the URL table, words on the page); the rest are one
# step from these, as on Statuspage.
# (file, its name in the home page's sentence linking to it: words for the catalogs, translated where shown)
LINKED = (("summary", N_("summary")), ("status", N_("status")), ("components", N_("components")),
          ("incidents", N_("incidents")), ("scheduled-maintenances", N_("scheduled maintenance")))

# A maintenance's state as the pages show it -> its Statuspage status; None: left out (see the module's notes).
MAINTENANCE_STATUS = {
    "scheduled": "scheduled",
    "in_progress": "in_progress",
    "verifying": "verifying",
    "completed": "completed",
    ENDED_UNCONFIRMED: "verifying",  # over per schedule, the work not confirmed: never "completed"
    "cancelled": None,
}
MONITORING_STATES = frozenset({"monitoring", "verifying"})
CONFIRMED_CLOSED = frozenset({"resolved", "completed"})  # closed by an author's update
_INSTANT = timedelta(microseconds=1)  # authors' times are whole seconds


@dataclass(frozen=True)
class ApiSettings:
    page_id: str  # Statuspage's page id; any stable non-empty string
    name: str
    url: str  # the site's absolute URL, or "" when unknown
    time_zone: str  # the zone's name as readers know it, e.g. America/Chicago

    def __post_init__(self) -> None:
        if not self.page_id:
            raise ValueError("page_id: empty (expected a stable id such as the site's host name, got \"\")")


def group_id(ident: str) -> str:
    """A group's id in the flat list: never a component's, since slugs have no "--"."""
    return f"group--{ident}"


def stamp(moment: datetime, tz: tzinfo) -> str:
    """A time as Statuspage writes it: in the page's zone, with milliseconds; `Z` on a UTC page."""
    text = moment.astimezone(tz).isoformat(timespec="milliseconds")
    if tz is timezone.utc:  # a UTC page; a zone that is merely at +00:00 now (London in winter) keeps its offset
        return text.removesuffix("+00:00") + "Z"
    return text


def last_change(incident: Incident, at: datetime) -> datetime | None:
    """The time of its last real update, up to `at` (None if nothing was posted by then): updates are in time order
    (load checks it). A window's start or end passing is no update: nobody said anything then."""
    posted = incident.updates_until(at)
    return posted[-1].at if posted else None


def documents(site: Site, at: datetime, settings: ApiSettings, url: Callable[[str, str | None], str],
              link: Callable[[str], str], now: Snapshot | None = None) -> dict[str, bytes]:
    """Every file of the Statuspage v2 API as of `at`, keyed by its path relative to the site root.

    `site` holds what was posted by `at` (it is cut there again, so nothing later can leak). `url(kind, key)` is
    where an output is, relative to the site root (urls.Urls.url); `link(path)` makes such a path into the URL
    clients follow (absolute when the site has one). `now`: the snapshot of that site at `at`, if the caller has it
    (the view's), else it is worked out here.
    """
    site = posted(site, at)
    if now is None or now.at != at:
        now = snapshot(site.catalog, site.incidents, at)
    api = _Api(site, at, settings, now, url, link)
    incidents = [i for i in reversed(site.incidents) if not i.is_maintenance]  # newest first: in chronological order
    maintenance = sorted((i for i in site.incidents if i.is_maintenance and api.maintenance_status(i)),
                         key=by_window, reverse=True)
    unresolved = [api.incident(i) for i in api.now.open]
    active = [api.incident(i) for i in api.now.active_maintenance]
    upcoming = [api.incident(i) for i in api.now.upcoming_maintenance]
    page, status = api.page(), api.status()
    files = {
        "summary": {"page": page, "components": api.components, "incidents": unresolved,
                    "scheduled_maintenances": active + upcoming, "status": status},
        "status": {"page": page, "status": status},
        "components": {"page": page, "components": api.components},
        "incidents": {"page": page, "incidents": [api.incident(i) for i in incidents[:LIMIT]]},
        "incidents/unresolved": {"page": page, "incidents": unresolved},
        "scheduled-maintenances": {"page": page,
                                   "scheduled_maintenances": [api.incident(i) for i in maintenance[:LIMIT]]},
        "scheduled-maintenances/upcoming": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active": {"page": page, "scheduled_maintenances": active},
    }
    return {url("api", name): _json(doc) for name, doc in files.items()}


HISTORY_DAYS = 90  # the period history.json sums up besides listing everything


def history(site: Site, at: datetime, settings: ApiSettings, url: Callable[[str, str | None], str],
            link: Callable[[str], str], reused: MutableMapping[str, bytes] | None = None,
            reuse_key: Callable[[Incident], str | None] = lambda item: None, uptime: Any = None) -> bytes:
    """`/api/history.json` whole (history_parts, joined)."""
    return b"".join(history_parts(site, at, settings, url, link, reused, reuse_key, uptime))


def history_parts(site: Site, at: datetime, settings: ApiSettings, url: Callable[[str, str | None], str],
                  link: Callable[[str], str], reused: MutableMapping[str, bytes] | None = None,
                  reuse_key: Callable[[Incident], str | None] = lambda item: None,
                  uptime: Any = None) -> Iterator[bytes]:
    """`/api/history.json`: every incident and maintenance posted by `at` (Statuspage's lists stop at 50), oldest
    first, each update with the promises it made and the statuses it left, and the figures of promises kept
    (statusgen/promises.py) for each and for the last 90 days. Its JSON Schema is statusgen/schemas/history.schema.json.

    `uptime` (a statusgen.uptime.Uptime as of `at`), if given, adds each service's uptime per area and over all
    its areas (`area` null): the last 90 days and the last twelve months against its target.

    `reused`: each entry's JSON (UTF-8 bytes, as written: nothing to decode or encode again) by
    `reuse_key(incident)`, for the incidents that have one (closed for good: their entry no longer depends on
    `at`); entries made here are added to it.

    The file comes in parts, each entry one, to be written as they come: 10,000 incidents make 24 MB, which
    joined, and joined again to the head, a build held three times over.
    """
    site = posted(site, at)
    tz = site.timezone
    since = at - timedelta(days=HISTORY_DAYS)
    recent = promises.summary(promises.figures(i, at) for i in site.incidents if since <= i.began <= at)
    s = settings
    doc = {
        "page": {"id": s.page_id, "name": s.name, "url": s.url, "time_zone": s.time_zone},
        "as_of": stamp(at, tz),
        "last_90_days": _summary(recent),
        **({"uptime": _uptime(site, uptime)} if uptime is not None else {}),
        "incidents": [],
    }
    head = _json_text(doc).encode("utf-8")
    yield head[: -len(b"[]}")] + b"["
    time = _stamps(tz)
    for n, item in enumerate(site.incidents):
        key = reuse_key(item)
        text = reused.get(key) if reused is not None and key is not None else None
        if text is None:
            text = _json_text(_history_item(promises.figures(item, at), tz, time,
                                            link(url("incident", item.id)))).encode("utf-8")
            if reused is not None and key is not None:
                reused[key] = text
        yield b"," + text if n else text
    yield b"]}\n"


def _json_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _stamps(tz: tzinfo) -> Callable[[datetime | None], str | None]:
    """stamp in `tz`, None for None, each instant written once: an incident's times recur (its start is its first
    update's, the ETA standing at each update the one given before). Keyed by POSIX time: two instants of a
    repeated hour (fold 0 and 1) are equal as datetimes in the same zone."""
    written: dict[float, str] = {}

    def time(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        key = moment.timestamp()
        text = written.get(key)
        if text is None:
            text = written[key] = stamp(moment, tz)
        return text

    return time


def _history_item(f: promises.Figures, tz: tzinfo, time: Callable[[datetime | None], str | None],
                  page: str) -> dict[str, Any]:
    item = f.incident
    return {
        "id": item.id, "kind": item.kind, "title": item.title, "url": page, "impact": item.impact,
        "components": dict(sorted(item.components.items())), "areas": list(item.areas), "ticket": item.ticket,
        "began": time(item.began), "ended": time(item.ended),
        "window": {"start": time(item.window.start), "end": time(item.window.end)} if item.window else None,
        "updates": [{"number": u.number, "at": time(u.at), "state": u.state, "body": u.body,
                     "components": dict(sorted(u.components.items())),
                     "statuses": dict(sorted(item.statuses_after(u).items())),
                     "eta": time(u.eta), "eta_standing": time(item.eta_after(u)),
                     "next_update": time(u.next_update), "since": time(u.since)} for u in item.updates],
        "figures": promises.as_json(f, tz, time),
    }


def _uptime(site: Site, uptime: Any) -> list[dict[str, Any]]:
    """Each service's uptime over all its areas (area null: each area counts equally) and in each area alone."""
    percent = lambda share: None if share is None else round(share * 100, 3)  # noqa: E731
    rows = []
    for component in site.catalog.components:
        for area in (None, *component.areas):
            rows.append({"component": component.id, "area": area,
                         "last_90_days": percent(uptime.last_90_days(component.id, area)),
                         "months": [{"month": f"{m.year:04d}-{m.month:02d}", "uptime": percent(m.uptime),
                                     "target": m.target, "met": m.met}
                                    for m in uptime.monthly(component.id, 12, area=area)]})
    return rows


def _summary(s: promises.Summary) -> dict[str, Any]:
    return {"incidents": s.incidents, "median_acknowledged_minutes": _minutes(s.median_acknowledged),
            "promised_updates_due": s.promises, "promised_updates_kept": s.promises_kept,
            "etas_judged": s.etas, "etas_met": s.etas_met,
            "maintenance_median_announced_ahead_minutes": _minutes(s.median_announced_ahead),
            "maintenance_windows_confirmed": s.windows, "maintenance_windows_kept": s.windows_kept,
            "incidents_start_not_given": s.start_not_given}


def _minutes(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 60, 2)


def _json(doc: dict[str, Any], compact: bool = False) -> bytes:
    """JSON bytes; `compact` for the files that grow with the history: Python's encoder is C only without indent,
    and a 10,000-incident history.json pretty-printed takes seconds."""
    text = _json_text(doc) if compact else json.dumps(doc, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


class _Api:
    """The model at one time, in Statuspage's terms."""

    def __init__(self, site: Site, at: datetime, settings: ApiSettings, now: Snapshot,
                 url: Callable[[str, str | None], str], link: Callable[[str], str]):
        self.site, self.at, self.settings, self.now = site, at, settings, now
        self.url, self.link = url, link
        self.tz = site.timezone
        self.first = min((i.updates[0].at for i in site.incidents), default=None)
        # When what the API shows of each incident last changed (see last_change), worked out once for all questions
        self.changed = {i.id: last for i in site.incidents if (last := last_change(i, at)) is not None}
        self.touching: dict[str, list[Incident]] = {}  # component -> the incidents that ever touched it
        for item in site.incidents:
            for component_id in item.all_components():
                self.touching.setdefault(component_id, []).append(item)
        self.span = {c.id: self._span(c) for c in site.catalog.components}  # (created_at, updated_at)
        self.component = {c.id: self._component(c) for c in site.catalog.components}
        self.components = self._flat_list()

    def time(self, moment: datetime | None) -> str | None:
        return None if moment is None else stamp(moment, self.tz)

    # --- page and overall status ----------------------------------------------------------------------------

    def page(self) -> dict[str, Any]:
        newest = max(self.changed.values(), default=self.at)
        s = self.settings
        return {"id": s.page_id, "name": s.name, "url": s.url, "time_zone": s.time_zone,
                "updated_at": self.time(newest)}

    def status(self) -> dict[str, str]:
        return {"indicator": self.now.indicator, "description": _(INDICATOR[self.now.indicator].api)}

    # --- components ---------------------------------------------------------------------------------------

    def _span(self, component: Component) -> tuple[datetime, datetime]:
        """(created_at, updated_at) of a component: see the module's notes."""
        touching = self.touching.get(component.id, [])
        since = midnight(component.since, self.tz) if component.since is not None else None
        known = [m for m in (since, *(i.updates[0].at for i in touching)) if m is not None and m <= self.at]
        created = min(known, default=self.first or self.at)
        updated = max((self.changed[i.id] for i in touching if i.id in self.changed), default=created)
        return created, max(created, updated)

    def _component(self, component: Component) -> dict[str, Any]:
        return self._entry(component.id, component.name, self.now.components[component.id],
                           *self.span[component.id], self._position(component), component.description,
                           component.since.isoformat() if component.since else None,
                           group_id(component.group) if component.group else None)

    def _position(self, component: Component) -> int:
        """Its place within its level: within its group, or at the top level after the groups (as the home page
        shows the ungrouped under "Other services")."""
        if component.group is not None:
            return self.site.catalog.components_in(component.group).index(component) + 1
        return len(self.site.catalog.groups) + self.site.catalog.components_in(None).index(component) + 1

    def _entry(self, ident: str, name: str, status: str, created: datetime, updated: datetime, position: int,
               description: str | None, start_date: str | None, parent: str | None) -> dict[str, Any]:
        return {"id": ident, "name": name, "status": status, "created_at": self.time(created),
                "updated_at": self.time(updated), "position": position, "description": description,
                "showcase": False, "start_date": start_date, "group_id": parent,
                "page_id": self.settings.page_id, "group": False, "only_show_if_degraded": False}

    def _flat_list(self) -> list[dict[str, Any]]:
        """Statuspage's flat list: each group (its children's ids in `components`) followed by its children, then
        the ungrouped components; children name their group in `group_id`."""
        catalog = self.site.catalog
        found = []
        for position, group in enumerate(catalog.groups, start=1):
            members = catalog.components_in(group.id)
            children = [self.component[c.id] for c in members]
            spans = [self.span[c.id] for c in members]
            fallback = self.first or self.at
            entry = self._entry(group_id(group.id), group.name, worst(c["status"] for c in children),
                                min((s[0] for s in spans), default=fallback),
                                max((s[1] for s in spans), default=fallback),
                                position, group.description, None, None)
            found += [{**entry, "group": True, "components": [c["id"] for c in children]}, *children]
        return found + [self.component[c.id] for c in catalog.components_in(None)]

    # --- incidents and maintenance --------------------------------------------------------------------------

    def maintenance_status(self, incident: Incident) -> str | None:
        return MAINTENANCE_STATUS[phase(incident, self.at).state]

    def incident(self, incident: Incident) -> dict[str, Any]:
        """An incident or a maintenance, with its updates newest first and the components it touches."""
        updates = incident.updates
        if incident.is_maintenance:
            status, impact = self.maintenance_status(incident), "maintenance"
        else:
            status, impact = phase(incident, self.at).state, incident.impact
        entered = [u.at for n, u in enumerate(updates) if u.state in MONITORING_STATES
                   and (n == 0 or updates[n - 1].state not in MONITORING_STATES)]
        resolved = updates[-1].at if updates[-1].state in CONFIRMED_CLOSED else None
        touched = incident.all_components()
        doc = {
            "id": incident.id,
            "name": incident.title,
            "status": status,
            "created_at": self.time(updates[0].at),
            "updated_at": self.time(self.changed.get(incident.id) or last_change(incident, self.at)),
            "monitoring_at": self.time(entered[-1] if entered else None),
            "resolved_at": self.time(resolved),
            "impact": impact,
            "shortlink": self.link(self.url("incident", incident.id)),
            # Statuspage's started_at is when the record began, also for maintenance announced days ahead:
            # the author's `started`, else the first update. The window is scheduled_for / scheduled_until.
            "started_at": self.time(incident.started or updates[0].at),
            "page_id": self.settings.page_id,
            "incident_updates": [self.update(incident, n) for n in reversed(range(len(updates)))],
            "components": [self.component[c.id] for c in self.site.catalog.components if c.id in touched],
        }
        if incident.window is not None:
            doc["scheduled_for"] = self.time(incident.window.start)
            doc["scheduled_until"] = self.time(incident.window.end)
        return doc

    def update(self, incident: Incident, n: int) -> dict[str, Any]:
        """The n-th update (from 0) of an incident."""
        update = incident.updates[n]
        at = self.time(update.at)
        return {"id": f"{incident.id}-update-{update.number}", "status": update.state,
                "body": update.body.strip("\n"), "incident_id": incident.id, "created_at": at, "updated_at": at,
                "display_at": at, "affected_components": self.affected(incident, n) or None,
                "deliver_notifications": True, "custom_tweet": None, "tweet_id": None}

    def affected(self, incident: Incident, n: int) -> list[dict[str, str]]:
        """What the n-th update names or changes: the incident's statuses just before it and just after."""
        update, earlier = incident.updates[n], incident.updates[:n]
        # Just before it: after the previous update and any change per schedule since. A window that starts at
        # the very time of an update ("in_progress" at 01:00 sharp) is that update's change, unless an earlier
        # update shares the time and made it first.
        before = _sets(incident, earlier, max(earlier[-1].at, update.at - _INSTANT)) if earlier else {}
        after = _sets(incident, earlier + (update,), update.at)
        named = set(update.components) | (set(incident.components) if n == 0 else set())
        catalog = self.site.catalog
        found = []
        for c in catalog.components:
            old, new = before.get(c.id, "operational"), after.get(c.id, "operational")
            if c.id in named or old != new:
                name = f"{catalog.group[c.group].name} - {c.name}" if c.group else c.name
                found.append({"code": c.id, "name": name, "old_status": old, "new_status": new})
        return found


def _sets(incident: Incident, updates: tuple[Update, ...], at: datetime) -> dict[str, str]:
    """The component statuses an incident sets at `at` had only `updates` been posted."""
    return statuses_set(replace(incident, updates=updates), at) if updates else {}
