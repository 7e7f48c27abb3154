"""The 90-day strip of a component's days, as inline SVG, read at a glance and never by colour alone.

Each day is a bar whose shape says what kind of day it was, the colour being a second cue:

- no trouble: a solid bar of the normal height;
- downtime (a partial or major outage): a solid bar of the full height, taller than any other, in the outage's
  colour, however short the outage (an hour of a major outage must not read as "no data");
- degraded, with no downtime: a full-height bar broken by a gap;
- maintenance, with no downtime: a dashed bar of the normal height (the README: only downtime makes a day bad);
- no data (before the service's records begin): a hollow outline.

The legend under the strips says this in words; the strip's accessible name counts the days with trouble; every
day with trouble is listed in words by `trouble_days` (the page links each to its incidents), so nothing needs a
hover. Each kind of day is one path of many short strokes: with 20 services on a busy site the home page must stay
small.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Sequence

from . import i18n
from .i18n import N_, _, ngettext
from .wording import MONTHS, STATUS

STEP, HEIGHT = 4, 28  # a bar every 4 units (3 wide, a gap of 1), 28 tall
NORMAL = 10  # the top of a bar of normal height: 18 of 28

# kind -> (the stroke for a bar at x, the words of the legend). In the order the legend lists them.
KINDS = {
    "ok": ("M{x} 28V{n}", N_("No downtime")),
    "down": ("M{x} 28V0", N_("Outage (downtime)")),
    "degraded": ("M{x} 28V17M{x} 13V0", N_("Slow or degraded")),
    "maint": ("M{x} 28V{n}", N_("Maintenance")),
    "none": ("M{l} 27.5V{m}H{r}V27.5Z", N_("No data")),
}
SWATCH_CSS = {"ok": "ok", "down": "critical", "degraded": "minor", "maint": "maint", "none": "none"}


def kind(day) -> str:
    """What kind of day it was, for its shape: ok, down, degraded, maint or none (see the module's words)."""
    if day.uptime is None:
        return "none"
    if day.uptime < 1:
        return "down"
    return {"operational": "ok", "under_maintenance": "maint"}.get(day.worst, "degraded")


def day_words(day) -> str:
    """'Aug 29: major outage, 85.6% up'."""
    if day.uptime is None:
        return _("%(day)s: no data") % {"day": day_name(day)}
    return _("%(day)s: %(worst)s, %(up)s up") % {"day": day_name(day), "worst": short_words(day),
                                                  "up": i18n.percent(day.uptime, 1)}


def day_name(day) -> str:
    if i18n.babel_locale():
        return i18n.date_words(day.date, "day_month")
    return f"{MONTHS[day.date.month][:3]} {day.date.day}"


def short_words(day) -> str:
    """What the day's worst was, in words: 'major outage'."""
    return i18n.lowercase(_(STATUS[day.worst].words))


@dataclass(frozen=True)
class TroubleDay:
    """A day with trouble, in words, with the incidents (and maintenance) that touched it."""

    day: object  # uptime.Day
    kind: str  # down, degraded or maint

    @property
    def words(self) -> str:
        """'Aug 29: major outage, 85.6% up'."""
        return day_words(self.day)

    @property
    def short(self) -> str:
        """'Aug 29: major outage': the home page lists many of these, the service's page has the uptime."""
        return _("%(day)s: %(worst)s") % {"day": day_name(self.day), "worst": short_words(self.day)}

    @property
    def anchor(self) -> str:
        """The fragment naming the day on its service's page: 'd2026-08-29'."""
        return f"d{self.day.date.isoformat()}"

    @property
    def incidents(self) -> tuple[str, ...]:
        return self.day.incidents


def trouble_days(days: Sequence) -> list[TroubleDay]:
    """The days with trouble (downtime, degraded or maintenance), newest first."""
    return [TroubleDay(d, kind(d)) for d in reversed(days) if kind(d) not in ("ok", "none")]


@lru_cache(maxsize=None)  # a few kinds at 90 places: every strip of the build draws the same strokes
def _stroke(k: str, i: int) -> str:
    x = i * STEP + 1.5
    return KINDS[k][0].format(x=f"{x:g}", n=NORMAL, l=f"{x - 1:g}", r=f"{x + 1:g}", m=NORMAL + .5)


def strip(name: str, days: Sequence, uptime: float | None) -> str:
    """An SVG of `days` (oldest first) with an accessible summary of what the bars show."""
    bad = [d for d in days if kind(d) not in ("ok", "none")]
    down = sum(1 for d in bad if d.uptime < 1)
    summary = ngettext("%(name)s, last %(num)d day: ", "%(name)s, last %(num)d days: ", len(days)) % {
        "name": name, "num": len(days)} + (
        _("no data yet") if uptime is None else _("%(uptime)s uptime, ") % {"uptime": i18n.percent(uptime)}
        + (ngettext("downtime on %(num)d day", "downtime on %(num)d days", down) % {"num": down} if down
           else _("no downtime"))
        + (_(", %(more)s more with trouble") % {"more": len(bad) - down} if len(bad) > down else ""))
    strokes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i, day in enumerate(days):
        k = kind(day)
        strokes[k, "none" if k == "none" else STATUS[day.worst].css].append(_stroke(k, i))
    body = "".join(f'<path class="k-{k} b-{css}" d="{"".join(d)}"/>' for (k, css), d in sorted(strokes.items()))
    label = escape(summary)
    return (f'<svg class="bars" viewBox="0 0 {len(days) * STEP - 1} {HEIGHT}" role="img" aria-label="{label}" '
            f'preserveAspectRatio="none"><title>{label}</title>{body}</svg>')


def swatch(k: str) -> str:
    """One bar of a kind, as the legend shows it beside its words (decorative: the words say it)."""
    return (f'<svg class="swatch" viewBox="0 0 3 {HEIGHT}" aria-hidden="true" focusable="false">'
            f'<path class="k-{k} b-{SWATCH_CSS[k]}" d="{_stroke(k, 0)}"/></svg>')


def legend() -> list[tuple[str, str]]:
    """(swatch SVG, words) for each kind of day, in the legend's order."""
    return [(swatch(k), words) for k, (_, words) in KINDS.items()]
