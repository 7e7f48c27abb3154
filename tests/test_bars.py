"""The 90-day strips: each kind of day has its own shape, so no day is told by colour (or height) alone."""
from __future__ import annotations

import re
from datetime import date, timedelta

import lxml.etree
import pytest

from statusgen.bars import HEIGHT, NORMAL, kind, legend, strip, trouble_days
from statusgen.uptime import Day

FIRST = date(2026, 8, 1)


def day(n: int, uptime: float | None, worst: str = "operational", incidents=()) -> Day:
    down = timedelta(days=1) * (1 - uptime) if uptime is not None else timedelta(0)
    return Day(FIRST + timedelta(days=n), uptime, down, worst, tuple(incidents))


@pytest.mark.parametrize("d, expected", [
    (day(0, 1.0), "ok"),
    (day(0, 0.86, "major_outage"), "down"),  # a bad day, not a sliver that reads as "no data"
    (day(0, 0.999, "partial_outage"), "down"),  # even a minute of downtime
    (day(0, 1.0, "degraded_performance"), "degraded"),
    (day(0, 1.0, "under_maintenance"), "maint"),  # maintenance is not downtime
    (day(0, None), "none"),
])
def test_each_day_has_a_kind(d, expected):
    assert kind(d) == expected


def drawn(svg: str) -> dict[str, list[tuple[float, float]]]:
    """kind -> (top, bottom) of each bar it draws: each bar's path starts with M x y at its bottom, then V (and H)
    commands; another M on the same x continues the same bar (a broken one)."""
    bars: dict[str, list[tuple[float, float]]] = {}
    for path in lxml.etree.fromstring(svg).iter("{*}path"):
        k = path.get("class").split()[0].removeprefix("k-")
        spans: dict[str, list[float]] = {}
        x = None
        for command, args in re.findall(r"([MVHZ])([^MVHZ]*)", path.get("d")):
            numbers = [float(n) for n in args.split()]
            if command == "M":
                x = args.split()[0]
                spans.setdefault(x, []).append(numbers[1])
            elif command == "V":
                spans[x].append(numbers[0])
        bars[k] = [(min(ys), max(ys)) for ys in spans.values()]
    return bars


def test_a_bad_day_is_the_tallest_and_maintenance_is_as_tall_as_a_good_day():
    days = [day(0, 1.0), day(1, 0.86, "major_outage"), day(2, 1.0, "under_maintenance"),
            day(3, 1.0, "degraded_performance"), day(4, None)]
    svg = strip("Phone", days, 0.97)
    bars = drawn(svg)
    assert bars["ok"] == [(NORMAL, HEIGHT)]
    assert bars["down"] == [(0, HEIGHT)]
    assert bars["maint"] == bars["ok"]  # only downtime changes a bar's height
    assert bars["degraded"] == [(0, HEIGHT)]
    degraded = lxml.etree.fromstring(svg).xpath("//*[local-name()='path'][contains(@class, 'k-degraded')]/@d")[0]
    assert degraded.count("M") == 2  # broken by a gap
    assert bars["none"] == [(NORMAL + .5, HEIGHT - .5)]  # an outline (a closed path), drawn hollow by the theme
    assert set(bars) == {"ok", "down", "maint", "degraded", "none"}


def test_the_summary_counts_the_days_in_words():
    days = [day(0, 1.0), day(1, 0.86, "major_outage"), day(2, 0.5, "partial_outage"), day(3, 1.0, "under_maintenance")]
    root = lxml.etree.fromstring(strip("Phone", days, 0.9))
    assert root.get("aria-label") == "Phone, last 4 days: 90.000% uptime, downtime on 2 days, 1 more with trouble"
    assert root.get("role") == "img"
    one = lxml.etree.fromstring(strip("TV", [day(0, 0.5, "major_outage")], 0.5))
    assert one.get("aria-label") == "TV, last 1 day: 50.000% uptime, downtime on 1 day"


def test_trouble_days_are_the_bad_ones_newest_first_in_words_with_their_incidents():
    days = [day(0, 1.0), day(1, 0.856, "major_outage", ["cut"]), day(2, 1.0, "under_maintenance", ["work"]),
            day(3, None), day(4, 1.0, "degraded_performance", ["slow", "slower"])]
    found = trouble_days(days)
    assert [(t.words, t.short, t.anchor, t.kind, t.incidents) for t in found] == [
        ("Aug 5: degraded performance, 100.0% up", "Aug 5: degraded performance", "d2026-08-05", "degraded",
         ("slow", "slower")),
        ("Aug 3: under maintenance, 100.0% up", "Aug 3: under maintenance", "d2026-08-03", "maint", ("work",)),
        ("Aug 2: major outage, 85.6% up", "Aug 2: major outage", "d2026-08-02", "down", ("cut",)),
    ]


def test_the_legend_names_every_kind_with_a_bar_of_its_shape():
    key = legend()
    assert [words for _, words in key] == ["No downtime", "Outage (downtime)", "Slow or degraded", "Maintenance",
                                           "No data"]
    for svg, _ in key:
        root = lxml.etree.fromstring(svg)
        assert root.get("aria-hidden") == "true"  # the words say it
        assert len(root.xpath("//*[local-name()='path']")) == 1
