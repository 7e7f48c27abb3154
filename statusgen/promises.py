"""Promises kept and broken: per incident, how soon it was acknowledged, whether each promised next update came
by its time, and whether the expected resolution (ETA) was met; per maintenance, how far ahead it was announced
and whether it started and ended on time.

Pure functions of one incident (or many) and the time the figures are as of: an update dated later does not
count, and a promise still open at that time is "not due yet" or "overdue", never kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from statistics import median
from typing import Any, Callable, Iterable

from . import i18n
from .i18n import _, ngettext
from .model import FINAL_STATES, Incident, Update
from .status import as_of_update
from .wording import clocks, spoken_duration

# What became of a promise, in the order of how well it went.
KEPT, LATE, PENDING, OVERDUE = "kept", "late", "pending", "overdue"
MET, MISSED = "met", "missed"


@dataclass(frozen=True)
class NextUpdate:
    """One update's promise of the next: when it was due and what came of it."""

    promised_in: Update  # the update that promised it
    due: datetime
    posted: datetime | None  # when the next update came, if it came by the time the figures are as of
    outcome: str  # KEPT, LATE, PENDING (not due yet, none posted) or OVERDUE (due, none posted)
    margin: timedelta  # how late (LATE, OVERDUE) or how early (KEPT); zero while PENDING


@dataclass(frozen=True)
class Eta:
    """The expected resolution: the last one given, judged against when service came back."""

    first: datetime  # the first ETA given
    last: datetime  # the ETA standing at the end (or now)
    moves: int  # how many times a later update changed it
    back: datetime | None  # when service came back (see service_back); None while it has not
    outcome: str  # MET, MISSED (back after it, or still not back after it) or PENDING (not back, not reached yet)
    margin: timedelta  # how early (MET) or how late (MISSED; so far, while open)


@dataclass(frozen=True)
class Schedule:
    """A maintenance against its window: announced ahead by how much, started and ended late by how much."""

    announced_ahead: timedelta  # from the first update to the window's start; negative if announced after
    started_late: timedelta | None  # first "in_progress" update after the window's start (negative: early)
    ended_late: timedelta | None  # the "completed" update after the window's end (negative: early)


@dataclass(frozen=True)
class Figures:
    incident: Incident
    at: datetime  # the time they are as of
    acknowledged: timedelta | None  # incidents with `started`: from when it began to its first update
    next_updates: tuple[NextUpdate, ...]
    eta: Eta | None
    schedule: Schedule | None  # maintenance only


def figures(incident: Incident, at: datetime) -> Figures:
    """Every figure of one incident or maintenance as of `at`."""
    posted = incident.updates_until(at)
    if incident.is_maintenance:
        return Figures(incident, at, None, next_updates(posted, at), None, schedule(incident, posted))
    return Figures(incident, at, acknowledged(incident), next_updates(posted, at), eta(incident, posted, at), None)


def acknowledged(incident: Incident) -> timedelta | None:
    """From when it began (`started`) to its first public update; None when the start is not given: the first
    update is not when it began (its own text often says hours before), so no figure, never 0 minutes."""
    if incident.started is None:
        return None
    return max(timedelta(0), incident.updates[0].at - incident.started)


def next_updates(posted: tuple[Update, ...], at: datetime) -> tuple[NextUpdate, ...]:
    """Each promise of a next update among `posted`, with what came of it by `at`."""
    made = []
    for n, update in enumerate(posted):
        if update.next_update is None or update.state in FINAL_STATES:
            continue
        following = posted[n + 1] if n + 1 < len(posted) else None
        due = update.next_update
        if following is not None:
            late = following.at - due
            made.append(NextUpdate(update, due, following.at, LATE if late > timedelta(0) else KEPT, abs(late)))
        elif at > due:
            made.append(NextUpdate(update, due, None, OVERDUE, at - due))
        else:
            made.append(NextUpdate(update, due, None, PENDING, timedelta(0)))
    return tuple(made)


def service_back(incident: Incident, posted: tuple[Update, ...]) -> datetime | None:
    """When service came back for good, by the updates posted: the first update after which nothing it names was
    in trouble again (every status back to operational, say while it is monitored, or the update closing it)."""
    back = None
    for update in posted:
        affected, _recovered = as_of_update(incident, update)
        back = None if affected else back or update.happened  # its `since`: when service came back
    return back


def eta(incident: Incident, posted: tuple[Update, ...], at: datetime) -> Eta | None:
    """The ETA's outcome as of `at`, judged by when service came back (readers wait for service, not for the
    word "resolved" after a night of monitoring), or None if none was ever given."""
    if not posted:
        return None
    given = [e for e in (incident.top_eta, *(u.eta for u in posted)) if e]
    if not given:
        return None
    moves = sum(1 for before, after in zip(given, given[1:]) if after != before)
    last = incident.eta_after(posted[-1])
    back = service_back(incident, posted)
    if back is not None:
        outcome = MET if back <= last else MISSED
        return Eta(given[0], last, moves, back, outcome, abs(back - last))
    if at > last:
        return Eta(given[0], last, moves, None, MISSED, at - last)
    return Eta(given[0], last, moves, None, PENDING, timedelta(0))


def schedule(incident: Incident, posted: tuple[Update, ...]) -> Schedule | None:
    if not posted or incident.window is None:
        return None
    started = next((u.happened for u in posted if u.state == "in_progress"), None)
    ended = next((u.happened for u in posted if u.state == "completed"), None)
    window = incident.window
    return Schedule(window.start - posted[0].at, started - window.start if started else None,
                    ended - window.end if ended else None)


# --- as a person would say them ---------------------------------------------------------------------------------

def acknowledged_words(f: Figures, tz: tzinfo) -> str | None:
    if f.incident.is_maintenance:
        return None
    if f.acknowledged is None:
        first = clocks(tz, f.incident.began, f.incident.updates[0].at)[0]
        return _("Start not given: first update %(first)s; no time to acknowledge is counted.") % {"first": first}
    began, first = clocks(tz, f.incident.began, f.incident.began, f.incident.updates[0].at)
    if f.acknowledged < timedelta(minutes=1):
        return _("First update at %(first)s, as it began.") % {"first": first}
    return _("Began %(began)s, first update %(first)s: %(duration)s to acknowledge.") % {
        "began": began, "first": first, "duration": spoken_duration(f.acknowledged)}


def next_update_words(p: NextUpdate, tz: tzinfo, at: datetime) -> str:
    ref = p.promised_in.at
    if p.outcome == PENDING:
        return _("Update promised by %(due)s: not due yet.") % {"due": clocks(tz, ref, p.due)[0]}
    if p.outcome == OVERDUE:
        due, now = clocks(tz, ref, p.due, at)
        return _("Update promised by %(due)s, none posted by %(now)s: %(duration)s overdue.") % {
            "due": due, "now": now, "duration": spoken_duration(p.margin)}
    due, posted = clocks(tz, ref, p.due, p.posted)
    said = _("Update promised by %(due)s, posted %(posted)s") % {"due": due, "posted": posted}
    return _judged(said, p.outcome == LATE, p.margin, _("%(duration)s late"), _("on time"),
                   _("kept, %(duration)s early"))


def eta_words(e: Eta, tz: tzinfo, ref: datetime, at: datetime) -> str:
    last, first, end = clocks(tz, ref, e.last, e.first, e.back or at)  # end: service back, else now
    if not e.moves:
        history = _("The ETA never moved.")
    else:
        history = {1: _("The ETA moved once (first %(first)s)."), 2: _("The ETA moved twice (first %(first)s).")}.get(
            e.moves) or ngettext("The ETA moved %(num)d time (first %(first)s).",
                                 "The ETA moved %(num)d times (first %(first)s).", e.moves)
        history = history % {"num": e.moves, "first": first}
    if e.outcome == PENDING:
        return _("Expected resolution %(last)s: not reached yet. %(history)s") % {"last": last, "history": history}
    if e.back is None:
        return _("Expected resolution %(last)s, still not back at %(end)s: missed by %(duration)s so far. "
                 "%(history)s") % {"last": last, "end": end, "duration": spoken_duration(e.margin), "history": history}
    said = _("Expected resolution %(last)s, service back %(end)s") % {"last": last, "end": end}
    return _judged(said, e.outcome == MISSED, e.margin, _("missed by %(duration)s"), _("met to the minute"),
                   _("met, %(duration)s early"), f" {history}")


def _judged(said: str, missed: bool, margin: timedelta, late: str, on_time: str, early: str, tail: str = "") -> str:
    """`said`, then the verdict on a promise: missed (by how much), kept to the minute, or kept early (by how
    much); `late` and `early` take the duration (%(duration)s)."""
    if missed:
        verdict = late % {"duration": spoken_duration(margin)}
    elif margin < timedelta(minutes=1):
        verdict = on_time
    else:
        verdict = early % {"duration": spoken_duration(margin)}
    return _("%(said)s: %(verdict)s.") % {"said": said, "verdict": verdict} + tail


def schedule_words(s: Schedule, incident: Incident, tz: tzinfo) -> list[str]:
    ref = incident.window.start
    ahead = spoken_duration(abs(s.announced_ahead))
    lines = [(_("Announced %(duration)s ahead of its window.") if s.announced_ahead >= timedelta(0)
              else _("Announced %(duration)s after its window began.")) % {"duration": ahead}]
    for label, late, planned in ((_("Started %(actual)s, planned %(plan)s"), s.started_late, incident.window.start),
                                 (_("Ended %(actual)s, planned %(plan)s"), s.ended_late, incident.window.end)):
        if late is None:
            continue
        actual, plan = clocks(tz, ref, planned + late, planned)
        said = label % {"actual": actual, "plan": plan}
        if abs(late) < timedelta(minutes=1):
            verdict = _("on time")
        else:
            verdict = (_("%(duration)s late") if late > timedelta(0) else _("%(duration)s early")) % {
                "duration": spoken_duration(abs(late))}
        lines.append(_("%(said)s: %(verdict)s.") % {"said": said, "verdict": verdict})
    return lines


def sentences(f: Figures, tz: tzinfo) -> list[str]:
    """Every figure of one incident, each a sentence, in the order things happened."""
    out = [line for line in [acknowledged_words(f, tz)] if line]
    out += [next_update_words(p, tz, f.at) for p in f.next_updates]
    if f.eta:
        out.append(eta_words(f.eta, tz, f.incident.began, f.at))
    if f.schedule:
        out += schedule_words(f.schedule, f.incident, tz)
    return out


# --- as JSON ----------------------------------------------------------------------------------------------------

def _minutes(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 60, 2)


def as_json(f: Figures, tz: tzinfo, time: Callable[[datetime], str] | None = None) -> dict[str, Any]:
    """The figures for machines: times as `time` writes them (by default ISO 8601 in the site's zone with its
    offset), durations in minutes."""
    def _iso(moment: datetime | None, tz: tzinfo) -> str | None:
        if moment is None:
            return None
        return time(moment) if time else moment.astimezone(tz).isoformat()

    return {
        "acknowledged_minutes": _minutes(f.acknowledged),
        "next_updates": [{"promised_by_update": p.promised_in.number, "due": _iso(p.due, tz),
                          "posted": _iso(p.posted, tz), "outcome": p.outcome, "margin_minutes": _minutes(p.margin)}
                         for p in f.next_updates],
        "eta": None if f.eta is None else {
            "first": _iso(f.eta.first, tz), "last": _iso(f.eta.last, tz), "moves": f.eta.moves,
            "service_back": _iso(f.eta.back, tz), "outcome": f.eta.outcome,
            "margin_minutes": _minutes(f.eta.margin)},
        "schedule": None if f.schedule is None else {
            "announced_ahead_minutes": _minutes(f.schedule.announced_ahead),
            "started_late_minutes": _minutes(f.schedule.started_late),
            "ended_late_minutes": _minutes(f.schedule.ended_late)},
        "sentences": sentences(f, tz),
    }


# --- over many incidents: a month, the last 90 days -------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    """Figures over a period's incidents; None where nothing happened to measure (never a flattering 100%)."""

    incidents: int
    median_acknowledged: timedelta | None
    slowest_acknowledged: Figures | None
    promises: int  # promised next updates that came due (kept, late or overdue)
    promises_kept: int
    worst_promise: tuple[Figures, NextUpdate] | None  # the latest or longest overdue
    etas: int  # ETAs judged (met or missed)
    etas_met: int
    worst_eta: Figures | None  # the ETA missed by most
    median_announced_ahead: timedelta | None = None  # maintenance: from its announcement to its window
    windows: int = 0  # maintenance whose work was confirmed started or ended by an update
    windows_kept: int = 0  # of those, the work stayed inside its window (started no earlier, ended no later)
    start_not_given: int = 0  # incidents without `started`: left out of the time to acknowledge

    @property
    def kept_share(self) -> float | None:
        return self.promises_kept / self.promises if self.promises else None

    @property
    def met_share(self) -> float | None:
        return self.etas_met / self.etas if self.etas else None


def summary(all_figures: Iterable[Figures]) -> Summary:
    """Figures over many incidents (maintenance counts for its promised updates only)."""
    items = list(all_figures)
    incidents = [f for f in items if not f.incident.is_maintenance]
    acked = [f for f in incidents if f.acknowledged is not None]
    due = [(f, p) for f in items for p in f.next_updates if p.outcome != PENDING]
    judged = [f for f in items if f.eta and f.eta.outcome != PENDING]
    missed_updates = [(f, p) for f, p in due if p.outcome != KEPT]
    missed_etas = [f for f in judged if f.eta.outcome == MISSED]
    scheduled = [f.schedule for f in items if f.schedule is not None]
    confirmed = [s for s in scheduled if s.started_late is not None or s.ended_late is not None]
    return Summary(
        incidents=len(incidents), start_not_given=len(incidents) - len(acked),
        median_acknowledged=median(f.acknowledged for f in acked) if acked else None,
        slowest_acknowledged=max(acked, key=lambda f: (f.acknowledged, f.incident.id), default=None),
        promises=len(due), promises_kept=len(due) - len(missed_updates),
        worst_promise=max(missed_updates, key=lambda fp: (fp[1].margin, fp[0].incident.id), default=None),
        etas=len(judged), etas_met=len(judged) - len(missed_etas),
        worst_eta=max(missed_etas, key=lambda f: (f.eta.margin, f.incident.id), default=None),
        median_announced_ahead=median(s.announced_ahead for s in scheduled) if scheduled else None,
        windows=len(confirmed), windows_kept=sum(1 for s in confirmed if _inside(s)))


def _inside(s: Schedule) -> bool:
    """The work stayed inside its announced window: started no earlier, ended no later (as far as updates say)."""
    return (s.started_late is None or s.started_late >= timedelta(0)) and \
        (s.ended_late is None or s.ended_late <= timedelta(0))


def share_words(part: int, whole: int) -> str:
    """'5 of 6 (83%)'; '—' when nothing came due: no figure, never a flattering 100%."""
    if not whole:
        return "—"
    return _("%(part)s of %(whole)s (%(share)s)") % {"part": part, "whole": whole,
                                                      "share": i18n.short_percent(round(100 * part / whole))}


def worst_cases(s: Summary) -> list[tuple[str, Incident, str]]:
    """(what, incident, how bad) for the worst case of each figure in a period, to link from the uptime page."""
    out = []
    if s.slowest_acknowledged is not None:
        out.append((_("Slowest acknowledgement"), s.slowest_acknowledged.incident,
                    spoken_duration(s.slowest_acknowledged.acknowledged)))
    if s.worst_promise is not None:
        f, p = s.worst_promise
        late = _("%(duration)s late") if p.outcome == LATE else _("%(duration)s overdue")
        out.append((_("Latest update"), f.incident, late % {"duration": spoken_duration(p.margin)}))
    if s.worst_eta is not None:
        out.append((_("ETA missed by most"), s.worst_eta.incident,
                    _("missed by %(duration)s") % {"duration": spoken_duration(s.worst_eta.eta.margin)}))
    return out
