"""The 90-day strip of a component's days, as inline SVG: the height of each bar is its uptime, so an outage day
is visibly shorter whatever the colour; words for every bad day are in its <title> and in the summary."""
from __future__ import annotations

from html import escape
from typing import Sequence

from .present import MONTHS, STATUS_TEXT

WIDTH, GAP, HEIGHT = 3, 1, 28
FILL = {"ok": "var(--ok)", "minor": "var(--minor)", "major": "var(--major)", "critical": "var(--critical)",
        "maint": "var(--maint)"}


def day_words(day) -> str:
    when = f"{MONTHS[day.date.month][:3]} {day.date.day}, {day.date.year}"
    if day.uptime is None:
        return f"{when}: no data"
    words = STATUS_TEXT[day.worst][0].lower()
    return f"{when}: {words}, {day.uptime * 100:.2f}% uptime"


def bar_height(day) -> float:
    """Full height for a day without downtime; shorter with more downtime; a sliver for a day with no data."""
    if day.uptime is None:
        return 2.0
    if day.uptime >= 1:  # no downtime; degraded or under maintenance is still a little shorter than a clean day
        return float(HEIGHT) if day.worst == "operational" else HEIGHT * 0.75
    down = 1 - day.uptime  # shorter with more downtime, but never so short it reads as "no data"
    return HEIGHT * (0.45 if down < 0.01 else 0.3 if down < 0.1 else 0.2)


def strip(name: str, days: Sequence, uptime: float | None) -> str:
    """An SVG of `days` (oldest first) with an accessible summary of what the bars show."""
    bad = [d for d in days if d.uptime is not None and (d.uptime < 1 or d.worst != "operational")]
    down = sum(1 for d in bad if d.uptime < 1)
    summary = f"{name}, last {len(days)} days: " + (
        "no data yet" if uptime is None else f"{uptime * 100:.3f}% uptime, "
        + (f"downtime on {down} day{'s' if down != 1 else ''}" if down else "no downtime")
        + (f", {len(bad) - down} more with trouble" if len(bad) > down else ""))
    parts = [f'<svg class="bars" viewBox="0 0 {len(days) * (WIDTH + GAP) - GAP} {HEIGHT}" role="img" '
             f'aria-label="{escape(summary)}" preserveAspectRatio="none"><title>{escape(summary)}</title>']
    for i, day in enumerate(days):
        height = round(bar_height(day), 1)
        css = "none" if day.uptime is None else STATUS_TEXT[day.worst][2]
        fill = FILL.get(css, "var(--line)")
        rect = f'<rect x="{i * (WIDTH + GAP)}" y="{HEIGHT - height:g}" width="{WIDTH}" height="{height:g}" fill="{fill}"'
        # Only days worth a look get a title: the strip stays small; the summary speaks for the rest.
        parts.append(f"{rect}><title>{escape(day_words(day))}</title></rect>" if day in bad else f"{rect}/>")
    parts.append("</svg>")
    return "".join(parts)
