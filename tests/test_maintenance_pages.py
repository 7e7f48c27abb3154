"""Maintenance as readers see it at build times before, during and after its window: built with the real Pelican."""
from __future__ import annotations

import lxml.html
import pytest

from tests.test_cli import run, with_theme

WINDOW = """\
---
title: Phone switch replacement
kind: maintenance
window: {start: 2026-12-03 01:00, end: 2026-12-03 05:00}
components:
  phone: under_maintenance
areas: [north]
updates:
  - at: 2026-11-20 10:30
    state: scheduled
    body: We will replace the phone switch.
"""


def build(site, when: str):
    out = site.root / f"out-{when[:16].replace(' ', 'T').replace(':', '')}"
    result = run("build", str(site.root), "-o", str(out), "--build-time", when)
    assert result.exit_code == 0, result.output
    return out


def text(el) -> str:
    return " ".join(el.text_content().split())


def home_and_pages(out):
    parse = lambda path: lxml.html.parse(str(out / path)).getroot()  # noqa: E731
    return parse("index.html"), parse("components/phone/index.html"), parse("incidents/2026-11-20-switch/index.html")


@pytest.mark.build
@pytest.mark.parametrize("when, label, phone_north, section, start", [
    ("2026-11-25 12:00Z", "Scheduled", "✓ Operational", "upcoming-h", "Starts"),
    # No update said the work started: its start is the schedule's, not a fact.
    ("2026-12-03 02:00Z", "In progress (per schedule)", "⚙ Under maintenance", "open-h", "Scheduled to start"),
    ("2026-12-03 06:00Z", "Ended per schedule, not yet confirmed", "✓ Operational", None, "Scheduled to start"),
])
def test_states_follow_the_build_time(site, when, label, phone_north, section, start):
    with_theme(site)
    site.incident("2026-11-20-switch.md", WINDOW + "---\n")
    home, component, page = home_and_pages(build(site, when))
    assert text(page.xpath('//p[@class="meta"]/span')[0]) == label
    assert [text(dt) for dt in page.xpath('//dl[@class="facts"]/dt')][:2] == ["Window", start]
    by_area = [text(li) for li in component.xpath('//section[@aria-labelledby="where-h"]//li')]
    assert by_area == [f"North {phone_north}", "South ✓ Operational"]
    titles = {s: [text(a) for a in home.xpath(f'//section[@aria-labelledby="{s}"]//article//h3/a')]
              for s in ("upcoming-h", "open-h")}
    for name, shown in titles.items():
        assert shown == (["Phone switch replacement"] if name == section else [])
    if section is None:  # past: in the component's history, labelled honestly
        past = [text(li) for li in component.xpath('//section[@aria-labelledby="past-h"]//li')]
        assert past and label in past[0] and "Completed" not in past[0]


@pytest.mark.build
def test_completed_and_cancelled_are_shown_as_the_author_said(site):
    with_theme(site)
    done = WINDOW + "  - at: 2026-12-03 04:10\n    state: completed\n    body: Done.\n---\n"
    called_off = WINDOW + "  - at: 2026-11-28 09:00\n    state: cancelled\n    body: Called off.\n---\n"
    site.incident("2026-11-20-switch.md", done)
    site.incident("2026-11-21-other.md", called_off.replace("Phone switch replacement", "Voicemail move"))
    out = build(site, "2026-12-03 06:00Z")
    page = lxml.html.parse(str(out / "incidents/2026-11-20-switch/index.html")).getroot()
    assert text(page.xpath('//p[@class="meta"]/span')[0]) == "Completed"
    other = lxml.html.parse(str(out / "incidents/2026-11-21-other/index.html")).getroot()
    assert text(other.xpath('//p[@class="meta"]/span')[0]) == "Cancelled"
    home = lxml.html.parse(str(out / "index.html")).getroot()
    assert not home.xpath('//section[@aria-labelledby="upcoming-h"]')
    history = lxml.html.parse(str(out / "history/index.html")).getroot()
    rows = {text(li.xpath("./a")[0]): text(li) for li in history.xpath('//ul[@class="rows"]/li')}
    assert "Cancelled" in rows["Voicemail move"] and "Completed" not in rows["Voicemail move"]


@pytest.mark.build
def test_an_update_after_the_build_time_is_not_shown_anywhere_yet(site):
    with_theme(site)
    site.incident("2026-11-20-switch.md", WINDOW + "  - at: 2026-12-03 01:05\n    state: in_progress\n    body: Started.\n---\n")
    out = build(site, "2026-12-03 01:00Z")
    page = lxml.html.parse(str(out / "incidents/2026-11-20-switch/index.html")).getroot()
    assert len(page.xpath('//ol[@class="timeline"]/li')) == 1
    assert b"Started." not in (out / "feeds/all.atom.xml").read_bytes()
    assert b"Started." not in (out / "calendar/maintenance.ics").read_bytes()


@pytest.mark.build
def test_an_incident_with_no_impact_says_so_once(site):
    """impact: none reads "No impact" on its page, its card and its row: never "No impact impact"."""
    with_theme(site)
    site.incident("2026-11-20-slow.md", """\
---
title: Voicemail greetings slow to load
impact: none
components:
  phone: degraded_performance
areas: [north]
updates:
  - at: 2026-11-20 10:30
    state: investigating
    body: Greetings take a few seconds to start.
  - at: 2026-11-20 11:30
    state: resolved
    body: Greetings start at once again.
---
""")
    out = build(site, "2026-11-20 12:00Z")
    page = lxml.html.parse(str(out / "incidents/2026-11-20-slow/index.html")).getroot()
    assert text(page.xpath('//p[@class="meta"]')[0]).endswith("· No impact")
    for path in ("index.html", "history/index.html", "incidents/2026-11-20-slow/index.html"):
        words = text(lxml.html.parse(str(out / path)).getroot())
        assert "No impact impact" not in words, path
    history = lxml.html.parse(str(out / "history/index.html")).getroot()
    assert "No impact," in text(history.xpath('//ul[@class="rows"]/li')[0])
