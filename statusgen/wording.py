"""How statuses, states, impacts and times read to people: one table per concept.

A status shows as words, a symbol beside them (differing in shape, not only colour) and a CSS class, colour being
only a third cue. The overall indicator has its own words for the home page's headline, for a badge and for the
Statuspage API, and looks like the component status it stands for.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from . import i18n
from .i18n import N_, N_plural, _, ngettext
from .model import ENDED_UNCONFIRMED, NOT_POSTED


class Look(NamedTuple):
    words: str
    symbol: str
    css: str  # the theme's class (status-<css>), which also picks a badge's colour


STATUS = {
    "operational": Look(N_("Operational"), "✓", "ok"),
    "under_maintenance": Look(N_("Under maintenance"), "⚙", "maint"),
    "degraded_performance": Look(N_("Degraded performance"), "▲", "minor"),
    "partial_outage": Look(N_("Partial outage"), "◆", "major"),
    "major_outage": Look(N_("Major outage"), "✕", "critical"),
}


class Indicator(NamedTuple):
    headline: str  # the home page's heading
    badge: str  # a badge's few words: the headline is too long for one
    api: str  # the description Statuspage's API gives beside it (free text there: in the site's default language)
    looks_like: str  # the component status whose colour it shows
    symbol: str  # its own: the overall "Partial system outage" must not read as one service's "Partial outage"

    @property
    def look(self) -> Look:
        return STATUS[self.looks_like]._replace(symbol=self.symbol)


INDICATOR = {
    "none": Indicator(N_("All systems operational"), N_("operational"), N_("All Systems Operational"), "operational",
                      "☑"),
    "minor": Indicator(N_("Minor service disruption"), N_("minor outage"), N_("Minor Service Outage"),
                       "degraded_performance", "△"),
    "major": Indicator(N_("Partial system outage"), N_("partial outage"), N_("Partial System Outage"), "partial_outage",
                       "◈"),
    "critical": Indicator(N_("Major system outage"), N_("major outage"), N_("Major System Outage"), "major_outage",
                          "⊗"),
    "maintenance": Indicator(N_("Service under maintenance"), N_("maintenance"), N_("Service Under Maintenance"),
                             "under_maintenance", "⚒"),
}
IMPACT = {"none": N_("No impact"), "minor": N_("Minor"), "major": N_("Major"), "critical": N_("Critical")}
# A month against its uptime target: met looks like operational, missed like a major outage.
TARGET = {True: STATUS["operational"]._replace(words=N_("Met")),
          False: STATUS["major_outage"]._replace(words=N_("Missed"))}
# The states no update posts (see status.phase); every other state reads as its name.
PHASE = {
    NOT_POSTED: N_("Not yet posted"),
    ENDED_UNCONFIRMED: N_("Ended per schedule, not yet confirmed"),
}
# English names from a table, not strftime: the build machine's locale must not change the bytes.
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


# The states' names, for the catalogs (state_words shows them).
STATES = (N_("Investigating"), N_("Identified"), N_("Monitoring"), N_("Resolved"), N_("Scheduled"),
          N_("In progress"), N_("Verifying"), N_("Completed"), N_("Cancelled"))


def status_words(status: str) -> str:
    return _(STATUS[status].words)


def state_words(state: str) -> str:
    return _(state.replace("_", " ").capitalize())


def phase_words(state: str, per_schedule: bool = False) -> str:
    """Where an incident stands, in words; one the schedule implies says so."""
    if state in PHASE:
        return _(PHASE[state])
    return _("%(state)s (per schedule)") % {"state": state_words(state)} if per_schedule else state_words(state)


def iso(moment: datetime, tz: tzinfo) -> str:
    """Machine-readable form for <time datetime=…>, in the site's zone with its offset (as the text shows it)."""
    return moment.astimezone(tz).isoformat()


def human(moment: datetime, tz: tzinfo) -> str:
    """'Aug 29, 2026, 09:05 CDT': the site's zone, always named."""
    moment = moment.astimezone(tz)
    zone = moment.tzname() or moment.strftime("UTC%z")
    if i18n.babel_locale():
        return f"{i18n.moment_words(moment)} {zone}"
    return f"{MONTHS[moment.month][:3]} {moment.day}, {moment.year}, {moment.hour:02d}:{moment.minute:02d} {zone}"


def day(value: date) -> str:
    """'Nov 26, 2026': a calendar day, in words from a table (the build machine's locale never changes them)."""
    if i18n.babel_locale():
        return i18n.date_words(value)
    return f"{MONTHS[value.month][:3]} {value.day}, {value.year}"


def affected_heading(upcoming: bool) -> str:
    """The heading over what an incident or maintenance touches: work still ahead has affected nothing yet."""
    return _("Will affect") if upcoming else _("Affected")


def month_title(year: int, month: int) -> str:
    if i18n.babel_locale():
        return i18n.date_words(date(year, month, 1), "month")
    return f"{MONTHS[month]} {year}"


def month_short(year: int, month: int) -> str:
    """'Nov 2026': a month where space is short (a column heading)."""
    if i18n.babel_locale():
        return i18n.date_words(date(year, month, 1), "month_short")
    return f"{MONTHS[month][:3]} {year}"


def clocks(tz: tzinfo, reference: datetime, *moments: datetime) -> list[str]:
    """Times as a person says them in one sentence: '10:25' when all are on the reference's day (in the site's
    zone), else each with its day, 'Aug 30, 00:45'; each with its zone's name when the sentence spans a change of offset (daylight saving time
    ending: '01:30 CST' is after '01:40 CDT')."""
    local = [m.astimezone(tz) for m in moments]
    ref = reference.astimezone(tz)
    zoned = len({ref.utcoffset(), *(m.utcoffset() for m in local)}) > 1
    dated = any(m.date() != ref.date() for m in local)
    out = []
    for m in local:
        text = f"{m.hour:02d}:{m.minute:02d}"
        if dated:
            text = i18n.clock_day_words(m) if i18n.babel_locale() else f"{MONTHS[m.month][:3]} {m.day}, {text}"
        out.append(f"{text} {m.tzname() or m.strftime('UTC%z')}" if zoned else text)
    return out


def counted(n: int, noun: str) -> str:
    """'1 service', '5 services': a count with its noun, singular or plural."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def spoken_duration(delta: timedelta) -> str:
    """'25 minutes', '1 hour 40 minutes', '2 days 3 hours', 'less than a minute': whole minutes, two units at most."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("less than a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    units = [(days, DAYS), (hours, HOURS), (mins, MINUTES)]
    named = [ngettext(*unit, n) % {"num": n} for n, unit in units if n]
    return " ".join(named[:2])


# Units of a spoken duration, singular and plural (ngettext picks the language's form for the count).
DAYS = N_plural("%(num)d day", "%(num)d days")
HOURS = N_plural("%(num)d hour", "%(num)d hours")
MINUTES = N_plural("%(num)d minute", "%(num)d minutes")


# A duration in short units, where a table has little room ('3 h 25 min'): days, hours, minutes.
SHORT_UNITS = (N_("%(days)d d %(hours)d h"), N_("%(days)d d"), N_("%(hours)d h %(minutes)d min"), N_("%(hours)d h"),
               N_("%(minutes)d min"))


def short_duration(delta: timedelta) -> str:
    """'3 h 25 min', '2 d 4 h', '12 min' (times.humanize_duration's, in the active language's units)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = {"days": days, "hours": hours, "minutes": mins}
    if days:
        return _(SHORT_UNITS[0] if hours else SHORT_UNITS[1]) % parts
    if hours:
        return _(SHORT_UNITS[2] if mins else SHORT_UNITS[3]) % parts
    return _(SHORT_UNITS[4]) % parts
