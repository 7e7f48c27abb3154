"""No output shows a byte of text dated after the build time (issue 24), as a property: a generated site, built
with the real Pelican at several build times, and every page, feed, calendar and API file searched for what was
written later. Each text carries a marker with the minute it was written (an update's body, an incident's title
from its first update, a review from `reviewed`), so a leak is a marker later than the build time. Pages, API and
feeds must also agree on which incidents exist at that time."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SiteFactory

ORIGIN = datetime(2026, 3, 1, tzinfo=timezone.utc)
MARK = re.compile(rb"zq(\d+)qz")


def mark(minute: int) -> str:
    return f"zq{minute}qz"


def moment(minute: int) -> str:
    return (ORIGIN + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%MZ")


@st.composite
def incidents(draw, n: int) -> tuple[str, str]:
    first = draw(st.integers(0, 2000))
    gaps = draw(st.lists(st.integers(1, 600), min_size=0, max_size=3))
    times = [first]
    for gap in gaps:
        times.append(times[-1] + gap)
    states = ["investigating"] * (len(times) - 1) + [draw(st.sampled_from(["identified", "resolved"]))]
    updates = "".join(f"  - at: {moment(t)}\n    state: {s}\n    body: Update {mark(t)}.\n"
                      for t, s in zip(times, states))
    review = draw(st.one_of(st.none(), st.integers(first, first + 3000)))
    reviewed = f"reviewed: {moment(review)}\n" if review is not None else ""
    body = f"Review {mark(review if review is not None else times[-1])}.\n"
    text = (f"---\ntitle: Outage {n} {mark(first)}\ncomponents: {{phone: major_outage}}\nupdates:\n{updates}"
            f"{reviewed}---\n{body}")
    return f"2026-03-01-outage-{n}.md", text


@st.composite
def maintenance(draw, n: int) -> tuple[str, str]:
    announced = draw(st.integers(0, 2000))
    start = announced + draw(st.integers(30, 1500))
    end = start + 120
    steps = draw(st.sampled_from([[], ["in_progress"], ["in_progress", "completed"], ["cancelled"]]))
    times = [announced] + [start + 5 + 60 * k for k in range(len(steps))]
    updates = "".join(f"  - at: {moment(t)}\n    state: {s}\n    body: Work {mark(t)}.\n"
                      for t, s in zip(times, ["scheduled", *steps]))
    return (f"2026-03-01-work-{n}.md",
            f"---\ntitle: Work {n} {mark(announced)}\nkind: maintenance\ncomponents: {{phone: under_maintenance}}\n"
            f"window: {{start: {moment(start)}, end: {moment(end)}}}\nupdates:\n{updates}---\n")


@st.composite
def sites(draw):
    files = [draw(incidents(n)) for n in range(draw(st.integers(1, 3)))]
    files += [draw(maintenance(n)) for n in range(draw(st.integers(0, 2)))]
    builds = draw(st.lists(st.integers(0, 5000), min_size=2, max_size=2, unique=True))
    return files, builds


def unfolded(data: bytes) -> bytes:
    """iCalendar folds lines at 75 octets: a marker may be cut in two."""
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


@pytest.mark.build
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sites())
@example(([("2026-03-01-outage-0.md", "---\ntitle: Outage 0 zq100qz\ncomponents: {phone: major_outage}\nupdates:\n"
            "  - at: 2026-03-01 01:40Z\n    state: investigating\n    body: Update zq100qz.\n"
            "  - at: 2026-03-01 11:40Z\n    state: resolved\n    body: Update zq700qz.\n---\nReview zq700qz.\n")],
          [400, 800]))  # 25 minutes in, the review written at the end must not show
def test_no_output_shows_text_written_after_the_build_time(tmp_path_factory, generated):
    files, builds = generated
    site = SiteFactory(tmp_path_factory.mktemp("honest") / "site")
    for name, text in files:
        site.incident(name, text)
    for build in builds:
        output = site.root.parent / f"out-{build}"
        result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", ".", "-o", str(output),
                                 "--build-time", moment(build)], capture_output=True, text=True, cwd=site.root)
        assert result.returncode == 0, result.stdout + result.stderr
        leaks = {}
        for path in output.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".xml", ".json", ".ics", ".svg", ".txt"):
                later = {int(m) for m in MARK.findall(unfolded(path.read_bytes())) if int(m) > build}
                if later:
                    leaks[path.relative_to(output).as_posix()] = sorted(later)
        assert leaks == {}, f"built as of minute {build}"
        pages = {p.parent.name for p in (output / "incidents").glob("*/index.html")}
        api = {i["id"] for name in ("incidents.json", "scheduled-maintenances.json")
               for i in json.loads((output / "api/v2" / name).read_text())[name.split(".")[0].replace("-", "_")]}
        history = {i["id"] for i in json.loads((output / "api/history.json").read_text())["incidents"]}
        feed = set(re.findall(r"/incidents/([a-z0-9-]+)/", (output / "feeds/all.atom.xml").read_text()))
        cancelled = {i for i in pages if "cancelled" in (output / "incidents" / i / "index.html").read_text().lower()
                     and i.startswith("2026-03-01-work")}
        assert pages == history == feed, f"built as of minute {build}"
        assert api == pages - cancelled, f"built as of minute {build}"  # the API leaves cancelled work out
