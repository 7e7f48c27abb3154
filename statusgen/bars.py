"""The 90-day strip of a component's days, as inline SVG: the height of each bar is its uptime, so an outage day
is visibly shorter whatever the colour; words for every day with trouble are in its <title> (a tooltip) and the
summary (what a screen reader says) counts them.

Each day is one short path (a thick vertical stroke), grouped by colour class: with 20 services on a busy site the
home page must stay small.
"""
from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Sequence

from .wording import MONTHS, STATUS

STEP, HEIGHT = 4, 28  # a bar every 4 units (3 wide, a gap of 1), 28 tall


def day_words(day) -> str:
    when = f"{MONTHS[day.date.month][:3]} {day.date.day}"
    if day.uptime is None:
        return f"{when}: no data"
    return f"{when}: {STATUS[day.worst].words.lower()}, {day.uptime * 100:.1f}% up"


def bar_height(day) -> float:
    """Full height for a day without trouble; shorter with more downtime; a sliver for a day with no data."""
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
    groups: dict[str, list[str]] = defaultdict(list)
    for i, day in enumerate(days):
        css = "none" if day.uptime is None else STATUS[day.worst].css
        path = f'<path d="M{i * STEP + 1.5:g} {HEIGHT}V{HEIGHT - round(bar_height(day), 1):g}"'
        groups[css].append(f"{path}><title>{escape(day_words(day))}</title></path>" if day in bad else f"{path}/>")
    body = "".join(f'<g class="b-{css}">{"".join(paths)}</g>' for css, paths in sorted(groups.items()))
    label = escape(summary)
    return (f'<svg class="bars" viewBox="0 0 {len(days) * STEP - 1} {HEIGHT}" role="img" aria-label="{label}" '
            f'preserveAspectRatio="none"><title>{label}</title>{body}</svg>')
