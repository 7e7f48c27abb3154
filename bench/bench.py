"""`make bench`: build synthetic status sites of 100, 1,000 and 10,000 incidents, cold and after one change.

For each size this writes a deterministic site under bench/out/ (catalog of 20 components in 4 groups and 8
areas, incidents of 4 updates over about three years, ~5% maintenance) and, each in a fresh child process:
builds it with no cache (cold), builds it twice more with the cache, edits one closed incident and builds once more
(what a push with one change costs), and runs `statusgen check` with the cache warm. It builds Pelican's own
article pipeline (default settings and theme) on as many plain Markdown articles for comparison. It reports wall
and CPU seconds, a per-phase breakdown (`statusgen build --timings`), peak memory, output size and the home
page's gzipped weight, the preview's latency, and PASS or FAIL for each target. It is a report, not a test: it
exits 0 whatever the figures. Run it on a quiet machine; it prints the load average at the start and the end.

    python bench/bench.py                  # 100, 1,000 and 10,000
    python bench/bench.py --large          # and 30,000
    python bench/bench.py --sizes 1000 --no-pelican --no-preview --keep
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = (100, 1_000, 10_000)
SEED = 20261122
BUILD_TIME = "2026-11-22 12:00Z"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
SPAN = timedelta(days=3 * 365)
LOCAL = ZoneInfo("America/Chicago")  # the TIMEZONE of the copied pelicanconf.py
MAINTENANCE_SHARE = 0.05
OPEN_AT_END = 3  # the newest incidents are still open at build time

# Targets (issues 13 and 29), checked where the size was run.
TARGET_SIZE = 10_000
LARGE_SIZE = 30_000  # behind --large
TARGET_COLD = 6.0  # seconds, no cache
TARGET_CHANGED_10K = 1.0  # seconds, one incident changed, cache warm
TARGET_CHANGED_1K = 0.45
TARGET_CHECK = 1.5  # seconds, `statusgen check --no-cache`
TARGET_PEAK_MB = 300.0  # all processes
TARGET_HOME_KB_GZ = 20.0
TARGET_FEED_SECONDS = 0.5


# --- the catalog ---------------------------------------------------------------------------------------------

AREAS = [
    ("north-valley", "North Valley"), ("cedar-falls", "Cedar Falls"), ("lake-city", "Lake City"),
    ("pine-ridge", "Pine Ridge"), ("harbor-point", "Harbor Point"), ("elm-grove", "Elm Grove"),
    ("stony-creek", "Stony Creek"), ("west-bluff", "West Bluff"),
]
GROUPS = [
    ("internet", "Internet", "Home and business internet, and email"),
    ("voice", "Phone", "Calling and voicemail"),
    ("tv", "TV", "Cable TV, streaming and on demand"),
    ("customer-care", "Customer care", "Your online account, billing and our support line"),
]
# id, name, group, description, areas (None: every area), sla, since
COMPONENTS = [
    ("fiber-broadband", "Fiber internet", "internet", "Fiber internet for homes and businesses",
     ["north-valley", "cedar-falls", "lake-city", "harbor-point", "elm-grove"], 99.9, "2023-01-01"),
    ("dsl", "DSL internet", "internet", "Internet over copper phone lines",
     ["north-valley", "lake-city", "pine-ridge", "stony-creek", "west-bluff"], 99.5, "2023-01-01"),
    ("fixed-wireless", "Fixed wireless internet", "internet", "Internet from our towers to an antenna on your home",
     ["cedar-falls", "pine-ridge", "stony-creek", "west-bluff"], 99.5, "2024-06-01"),
    ("cable-internet", "Cable internet", "internet", "Internet over the TV cable",
     ["lake-city", "harbor-point", "elm-grove"], 99.7, None),
    ("email", "Email", "internet", "Lakeshore mailboxes and webmail", None, 99.9, None),
    ("dns", "DNS", "internet", "Name lookups for every internet customer", None, 99.99, "2023-01-01"),
    ("phone", "Home phone", "voice", "Landline and VoIP calling, including 911", None, 99.95, "2023-01-01"),
    ("voicemail", "Voicemail", "voice", "Voicemail boxes, message alerts and voicemail-to-email", None, 99.9, None),
    ("business-trunks", "Business phone lines", "voice", "SIP trunks and PBX lines for businesses",
     ["north-valley", "lake-city", "harbor-point"], 99.95, None),
    ("long-distance", "Long distance", "voice", "Calls to numbers outside our network", None, 99.9, None),
    ("conference-bridge", "Conference calling", "voice", "Dial-in conference bridges", None, None, None),
    ("cable-tv", "Cable TV", "tv", "Channels over the TV cable", ["lake-city", "harbor-point", "elm-grove"],
     99.5, None),
    ("iptv", "TV over fiber", "tv", "Channels over fiber internet",
     ["north-valley", "cedar-falls", "lake-city", "harbor-point", "elm-grove"], 99.5, "2024-03-01"),
    ("on-demand", "On demand", "tv", "Rentals, replays and recordings", None, 99.0, None),
    ("tv-app", "TV app", "tv", "Watching on phones, tablets and smart TVs", None, None, "2025-01-01"),
    ("customer-portal", "My Lakeshore", "customer-care", "Online account, bill payment and autopay", None, 99.5,
     "2025-03-01"),
    ("billing", "Billing", "customer-care", "Bills, payments and autopay runs", None, 99.5, None),
    ("support-line", "Support line", "customer-care", "Phone support, 7 am to 10 pm every day", None, None, None),
    ("support-chat", "Support chat", "customer-care", "Chat with support on our website", None, None, None),
    ("outage-map", "Outage map", "customer-care", "The map of reported outages", None, 99.0, None),
]
AREA_IDS = [a for a, _ in AREAS]
AREA_NAME = dict(AREAS)
COMPONENT = {c[0]: c for c in COMPONENTS}


def served(component_id: str) -> list[str]:
    return COMPONENT[component_id][4] or AREA_IDS


def catalog_yaml() -> str:
    lines = ["# Synthetic catalog for `make bench`: 20 components in 4 groups, 8 areas.", "", "areas:"]
    for ident, name in AREAS:
        lines += [f"  - id: {ident}", f"    name: {name}"]
    lines += ["", "groups:"]
    for ident, name, description in GROUPS:
        lines += [f"  - id: {ident}", f"    name: {name}", f"    description: {description}"]
    lines += ["", "components:"]
    for ident, name, group, description, areas, sla, since in COMPONENTS:
        lines += [f"  - id: {ident}", f"    name: {name}", f"    group: {group}", f"    description: {description}"]
        if areas:
            lines.append(f"    areas: [{', '.join(areas)}]")
        if sla is not None:
            lines.append(f"    sla: {sla}")
        if since:
            lines.append(f"    since: {since}")
    return "\n".join(lines) + "\n"


# --- incident text -------------------------------------------------------------------------------------------

SYMPTOMS = {
    "degraded_performance": ["slow", "slower than usual", "intermittently slow", "sluggish in the evenings"],
    "partial_outage": ["failing for some customers", "dropping now and then", "unavailable for part of the area",
                       "failing for about one in five customers"],
    "major_outage": ["down", "not working at all", "unavailable", "failing for every customer"],
}
CAUSES = [
    "a fiber cut by a construction crew on County Road {road}",
    "a failed power supply in the {area} cabinet",
    "a software fault on the core router in Lake City",
    "a storm that knocked out commercial power to the {area} hub",
    "a faulty line card in our {area} central office",
    "a configuration change we made at {clock}, which we have rolled back",
    "an upstream provider's outage in Chicago",
    "a failed cooling fan that overheated the {area} switch",
    "a certificate that expired at {clock}",
    "a database that ran out of disk space",
    "lightning damage to the {area} tower",
    "a car that hit a utility pole on Route {road}",
]
INVESTIGATING = [
    "We are looking into reports that {comp} is {symptom} in {where}.",
    "Since about {clock}, {comp} has been {symptom} in {where}. We are investigating.",
    "Customers in {where} report that {comp} is {symptom}. Our network team is on it.",
    "{comp} is {symptom} in {where}; we are checking our equipment now.",
    "We have seen alarms for {comp} in {where} since {clock} and are looking into them.",
]
IDENTIFIED = [
    "We found the cause: {cause}. A technician is on the way.",
    "The cause is {cause}. Repairs are under way and we expect them to take about {hours} hours.",
    "This was caused by {cause}. About {customers} customers are affected.",
    "We traced the problem to {cause}. Crews are on site and working on a fix.",
    "The problem is {cause}. We have a replacement part in stock and are installing it.",
]
MONITORING = [
    "A fix is in place and {comp} is working again. We are watching it closely.",
    "Service came back at {clock}. We are monitoring to make sure it stays up.",
    "Repairs are done and {comp} is back for most customers; we are checking the rest.",
    "Traffic is back on its normal route since {clock}. We are keeping an eye on it.",
]
RESOLVED = [
    "{comp} has worked normally since {clock}. If you still have trouble, restart your modem.",
    "This is resolved. Sorry for the trouble, and thank you for your patience.",
    "Everything has been stable for {hours} hours, so we are closing this.",
    "The repair is finished and tested. Call support if anything still doesn't work.",
]
EXTRAS = [
    "Internet service is not affected.",
    "**911 calls are not affected.**",
    "You don't need to do anything.",
    "If you are affected, please *do not* reset your equipment yet.",
    "Our [outage map](https://status.lakeshore.example/map) shows the affected streets.",
    "The ticket for this is `NOC-{ticket}` if you call support.",
    "We will credit affected accounts for the day; you don't need to ask.",
    "Calls between two Lakeshore lines still connect.",
    "About {customers} customers are affected.",
    "Next update by {next_clock}.",
]
MAINTENANCE_WORK = [
    "upgrade the software on the {area} switches",
    "replace the batteries in the {area} cabinet",
    "move {comp} to new servers",
    "splice a new fiber cable into the {area} ring",
    "renew the security certificates for {comp}",
    "upgrade the database behind {comp}",
]
TITLES = [
    "{comp} {symptom} in {where}",
    "{comp} outage in {where}",
    "Problems with {comp} in {where}",
    "{comp}: {symptom}",
]
SUMMARY = """## Post-incident review

**What happened.** {cause_cap} took {comp} down for {hours} hours in {where}.

- About {customers} customers were affected.
- We posted the first update {minutes} minutes after the first alarm.

We are adding a second route so that one failure cannot do this again.
"""


@dataclass
class Item:
    """One generated incident or maintenance: its file name, its front matter text and the article text."""

    name: str
    text: str
    title: str
    day: str
    group: str
    tags: list[str]
    bodies: list[str] = field(default_factory=list)


def local(when: datetime) -> str:
    """A time as authors write it: local, no offset, except in the repeated hour of the autumn clock change."""
    t = when.astimezone(LOCAL)
    if t.replace(fold=0).utcoffset() != t.replace(fold=1).utcoffset():
        return t.strftime("%Y-%m-%d %H:%M%z")[:-2] + ":" + t.strftime("%z")[-2:]
    return t.strftime("%Y-%m-%d %H:%M")


def clock(when: datetime) -> str:
    return when.astimezone(LOCAL).strftime("%-I:%M %p").lower()


def where_words(areas: list[str]) -> str:
    names = [AREA_NAME[a] for a in areas]
    if len(names) == len(AREA_IDS):
        return "all areas"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def block(body: str, indent: str = "      ") -> str:
    return "|\n" + "\n".join(indent + line if line else "" for line in body.splitlines())


class SyntheticSite:
    """Deterministic synthetic content: the same seed and size give the same files."""

    def __init__(self, size: int, seed: int = SEED):
        self.size = size
        self.rng = random.Random(seed * 100_003 + size)

    def fill(self, template: str, **slots) -> str:
        rng = self.rng
        values = {
            "road": rng.randint(2, 90), "hours": rng.randint(2, 9), "customers": rng.randrange(40, 4000, 10),
            "ticket": rng.randint(1000, 9999), "minutes": rng.randint(4, 35),
        }
        values.update(slots)
        return template.format(**values)

    def body(self, pool: list[str], **slots) -> str:
        text = self.fill(self.rng.choice(pool), **slots)
        if self.rng.random() < 0.45:
            text += " " + self.fill(self.rng.choice(EXTRAS), **slots)
        return text

    def items(self) -> list[Item]:
        rng = self.rng
        count_maintenance = max(1, round(self.size * MAINTENANCE_SHARE))
        starts = sorted(NOW - SPAN + timedelta(seconds=rng.uniform(0, (SPAN - timedelta(days=2)).total_seconds()))
                        for _ in range(self.size - count_maintenance))
        # The newest few are still open: they began in the last hours before the build.
        for k in range(min(OPEN_AT_END, len(starts))):
            starts[-1 - k] = NOW - timedelta(hours=2 + 3 * k, minutes=rng.randint(0, 50))
        starts.sort()
        result = [self.incident(i, start, still_open=start > NOW - timedelta(hours=12))
                  for i, start in enumerate(starts)]
        for j in range(count_maintenance):
            result.append(self.maintenance(j, count_maintenance))
        return result

    def affected(self) -> tuple[list[str], list[str]]:
        """1-3 components, and the areas named in the incident (None-like [] means every area they serve)."""
        rng = self.rng
        first = rng.choice(COMPONENTS)
        group_mates = [c for c in COMPONENTS if c[2] == first[2] and c is not first]
        others = rng.sample(group_mates, k=min(len(group_mates), rng.choice((0, 0, 0, 1, 1, 2))))
        components = [first[0]] + [c[0] for c in others]
        offered = sorted({a for c in components for a in served(c)}, key=AREA_IDS.index)
        areas: list[str] = []
        if rng.random() < 0.35 and len(offered) > 1:
            areas = sorted(rng.sample(offered, k=rng.randint(1, min(3, len(offered) - 1))), key=AREA_IDS.index)
        return components, areas

    def incident(self, index: int, start: datetime, still_open: bool) -> Item:
        rng = self.rng
        components, areas = self.affected()
        offered = areas or sorted({a for c in components for a in served(c)}, key=AREA_IDS.index)
        status = rng.choices(list(SYMPTOMS), weights=(4, 4, 2))[0]
        comp = COMPONENT[components[0]][1]
        where = where_words(offered)
        slots = dict(comp=comp, where=where, symptom=rng.choice(SYMPTOMS[status]))
        cause = self.fill(rng.choice(CAUSES), area=AREA_NAME[rng.choice(offered)], clock=clock(start))
        title = self.fill(rng.choice(TITLES), **slots)
        title = title[0].upper() + title[1:]
        opened = start + timedelta(minutes=rng.randint(3, 30))
        times = [opened]
        for gap in (rng.randint(10, 90), rng.randint(20, 600), rng.randint(30, 900)):
            times.append(times[-1] + timedelta(minutes=gap))
        states = ["investigating", "identified", "monitoring", "resolved"]
        if still_open:  # only the updates posted before the build
            keep = [t for t in times if t <= NOW - timedelta(minutes=5)][:3] or times[:1]
            times = keep
            states = states[: len(times)]
            times = [min(t, NOW - timedelta(minutes=5)) for t in times]
        pools = {"investigating": INVESTIGATING, "identified": IDENTIFIED, "monitoring": MONITORING,
                 "resolved": RESOLVED}
        day = local(opened)[:10]
        slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:6])
        name = f"{day}-{slug}-{index:05d}.md"
        front = [f"title: {json.dumps(title)}"]
        if rng.random() < 0.3:
            front.append(f"impact: {rng.choice(('minor', 'major', 'critical'))}")
        if rng.random() < 0.4:
            front.append(f"started: {local(start)}")
        front.append("components:")
        front += [f"  {c}: {status if n == 0 else rng.choice(list(SYMPTOMS))}" for n, c in enumerate(components)]
        if areas:
            front.append(f"areas: [{', '.join(areas)}]")
        if rng.random() < 0.5:
            front.append(f"ticket: NOC-{4000 + index}")
        if rng.random() < 0.2:
            front.append(f"eta: {local(times[-1] + timedelta(hours=rng.randint(1, 6)))}")
        front.append("updates:")
        bodies = []
        for n, (at, state) in enumerate(zip(times, states)):
            next_at = at + timedelta(minutes=rng.choice((30, 60, 90, 120)))
            text = self.body(pools[state], cause=cause, clock=clock(at), next_clock=clock(next_at), **slots)
            bodies.append(text)
            front += [f"  - at: {local(at)}", f"    state: {state}"]
            if state in ("investigating", "identified") and rng.random() < 0.6:
                front.append(f"    next_update: {local(next_at)}")
            if state == "identified" and rng.random() < 0.3:
                front.append(f"    components: {{{components[0]}: partial_outage}}")
            elif state == "monitoring" and rng.random() < 0.5:
                front.append("    components: {" + ", ".join(f"{c}: operational" for c in components) + "}")
            front.append(f"    body: {block(text)}")
        summary = ""
        if not still_open and rng.random() < 0.08:
            summary = self.fill(SUMMARY, cause_cap=cause[0].upper() + cause[1:], comp=comp, where=where)
        text = "---\n" + "\n".join(front) + "\n---\n" + summary
        group = COMPONENT[components[0]][2]
        return Item(name, text, title, local(opened), group, components, bodies + ([summary] if summary else []))

    def maintenance(self, index: int, count: int) -> Item:
        """Mostly done in the past; the last couple are still upcoming; some are cancelled."""
        rng = self.rng
        components, areas = self.affected()
        offered = areas or sorted({a for c in components for a in served(c)}, key=AREA_IDS.index)
        upcoming = index >= count - 2
        if upcoming:
            night = (NOW + timedelta(days=3 + 4 * (count - index))).astimezone(LOCAL)
        else:
            night = (NOW - SPAN + (SPAN - timedelta(days=3)) * (index + rng.random()) / count).astimezone(LOCAL)
        start = night.replace(hour=1, minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=rng.randint(1, 4))
        if upcoming:
            announced = NOW - timedelta(hours=rng.randint(1, 48))
        else:
            announced = start - timedelta(days=rng.randint(3, 10), hours=rng.randint(0, 12))
        comp = COMPONENT[components[0]][1]
        work = self.fill(rng.choice(MAINTENANCE_WORK), comp=comp, area=AREA_NAME[rng.choice(offered)])
        title = f"Planned work: {work}"
        where = where_words(offered)
        bodies = [f"We will {work} between {clock(start)} and {clock(end)} on {start:%B %-d}. "
                  f"{comp} in {where} may be unavailable for a few minutes during the window."]
        states = ["scheduled"]
        if not upcoming:
            if rng.random() < 0.08:
                states.append("cancelled")
                bodies.append(rng.choice(["We have cancelled this work; we will post a new date.",
                                          "This work is *cancelled*. Nothing will change for you."]))
            else:
                states += ["in_progress", "verifying", "completed"]
                bodies += [f"Work has started on {comp}.",
                           self.fill("The work is done; we are checking {comp} in {where} before we close this.",
                                     comp=comp, where=where),
                           rng.choice(["The work is complete and everything checks out.",
                                       "Completed. If something isn't working, restart your router first."])]
        times = [announced, start, start + (end - start) * 0.6, end - timedelta(minutes=rng.randint(0, 15))]
        if states[-1] == "cancelled":
            times = [announced, start - timedelta(days=1)]
        day = local(announced)[:10]
        name = f"{day}-planned-work-{index:05d}.md"
        front = [f"title: {json.dumps(title)}", "kind: maintenance", "components:"]
        front += [f"  {c}: under_maintenance" for c in components]
        if areas:
            front.append(f"areas: [{', '.join(areas)}]")
        front += ["window:", f"  start: {local(start)}", f"  end: {local(end)}", "updates:"]
        for at, state, text in zip(times, states, bodies):
            front += [f"  - at: {local(at)}", f"    state: {state}", f"    body: {block(text)}"]
        text = "---\n" + "\n".join(front) + "\n---\n"
        return Item(name, text, title, local(announced), "maintenance", components, bodies)


# --- deleting later ------------------------------------------------------------------------------------------
# ext4 does not give out an inode freed in the last 60 seconds (300 when its table block is still dirty): to create a
# file it reads the free inodes' deletion times one by one (`recently_deleted` in fs/ext4/ialloc.c). Creating 10,000
# page folders and files right after deleting an earlier bench site's tens of thousands spent 2-10 CPU-s in that scan
# (perf, 2026-12-08), against 0.8 on a file system with nothing deleted lately, as a fresh CI machine has: the cost
# of what the bench deleted, charged to the build it measures. So the bench deletes nothing until it has measured
# everything: folders go into a trash folder (one rename each), emptied at the end. So a bench started within five
# minutes of another's end pays for that one's deletions (a 10,000 cold build: 4.3 CPU-s of file writes, not 2).
TRASH = OUT / ".trash"


def discard(folder: Path) -> None:
    """Delete `folder` once the bench is done (see above)."""
    if folder.exists() or folder.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.replace(folder, TRASH / f"{len(os.listdir(TRASH))}-{folder.name}")


def empty_trash() -> None:
    shutil.rmtree(TRASH, ignore_errors=True)


# --- sites ---------------------------------------------------------------------------------------------------

def write_statusgen_site(folder: Path, items: list[Item]) -> None:
    """A site folder with its own copy of the repository's settings, theme and plugin."""
    discard(folder)
    (folder / "content" / "incidents").mkdir(parents=True)
    shutil.copy2(ROOT / "pelicanconf.py", folder / "pelicanconf.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "theme", folder / "theme", ignore=ignore)
    shutil.copytree(ROOT / "plugins", folder / "plugins", ignore=ignore)
    (folder / "content" / "components.yml").write_text(catalog_yaml(), encoding="utf-8")
    for item in items:
        (folder / "content" / "incidents" / item.name).write_text(item.text, encoding="utf-8")


PELICAN_CONF = '''PATH = "content"
SITENAME = "Bench"
TIMEZONE = "America/Chicago"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
'''


def write_pelican_site(folder: Path, items: list[Item]) -> None:
    """The same number of plain Markdown articles, built by Pelican's default pipeline and theme."""
    discard(folder)
    (folder / "content").mkdir(parents=True)
    (folder / "conf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for item in items:
        meta = [f"Title: {item.title}", f"Slug: {item.name[:-3]}", f"Date: {item.day}", f"Category: {item.group}",
                f"Tags: {', '.join(item.tags)}"]
        (folder / "content" / item.name).write_text("\n".join(meta) + "\n\n" + "\n\n".join(item.bodies) + "\n",
                                                    encoding="utf-8")


# --- measuring -----------------------------------------------------------------------------------------------

@dataclass
class Run:
    ok: bool
    seconds: float
    cpu_seconds: float  # user + system time of the child and the children it waited for
    peak_mb: float  # largest single process of the build (wait4 rusage of the child, covering its children)
    tree_mb: float  # largest sum of PSS over the process tree, sampled: the CLI stays resident while Pelican runs
    log: str = ""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def _tree_rss_kb(pid: int) -> int:
    """The memory of the process and its descendants, each counted by its proportional share (PSS): pages the
    forked page writers share with Pelican count once, not once per process as summed RSS would."""
    total = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def settled(folder: Path) -> None:
    """Wait until the sites earlier builds replaced (deleted in the background, after each build returned) are
    gone, so that one build's clean-up is not measured as part of the next."""
    cache = folder / ".statusgen-cache"  # where the spare site a build replaced goes (statusgen.cache.SPARE_SITE)
    while any(".deleting-" in p.name for where in (folder, cache) if where.is_dir() for p in where.iterdir()):
        time.sleep(0.05)


def measure(command: list[str], cwd: Path, log: Path) -> Run:
    """Run one build in a fresh child; wait4 gives that child's own rusage (max RSS over it and its children)."""
    with open(log, "wb") as out:
        began = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        tree_peak = 0
        done = threading.Event()

        def sample():
            nonlocal tree_peak
            while not done.wait(0.05):
                tree_peak = max(tree_peak, _tree_rss_kb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    text = log.read_text(encoding="utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(child.returncode == 0, seconds, cpu, peak_mb, max(tree_peak / 1024, peak_mb), text)


def output_size(folder: Path) -> tuple[int, int]:
    total = files = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return total, files


class _Stylesheets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.hrefs.append(a["href"])


def home_gzipped(output: Path) -> tuple[int, list[str]]:
    """Bytes of the home page and every stylesheet it links, each gzipped at level 9 (as they are served)."""
    home = output / "index.html"
    html = home.read_bytes()
    parser = _Stylesheets()
    parser.feed(html.decode("utf-8"))
    total = len(gzip.compress(html, 9, mtime=0))
    found = []
    for href in parser.hrefs:
        path = unquote(urlsplit(href).path).lstrip("/")
        css = (output / path).resolve()
        if css.is_file():
            total += len(gzip.compress(css.read_bytes(), 9, mtime=0))
            found.append(str(css.relative_to(output.resolve())))
    return total, found


def statusgen_command() -> list[str]:
    script = Path(sys.executable).parent / "statusgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "statusgen.cli"]


_TIMINGS = re.compile(r"timings \(CPU s, all processes\): (.*); total ([\d.]+); generator wall ([\d.]+) s")


def timings(run: Run) -> dict[str, float]:
    """The per-phase CPU seconds `statusgen build --timings` printed."""
    found = _TIMINGS.search(run.log)
    if not found:
        return {}
    return {name: float(value) for name, value in (part.rsplit(" ", 1) for part in found[1].split(", "))}


@dataclass
class Result:
    size: int
    cold: Run  # no cache: everything worked out
    changed: Run  # the cache filled by the builds before, then one incident edited
    check: Run  # `statusgen check` with the cache warm
    check_cold: Run  # `statusgen check --no-cache`
    pelican: Run | None
    out_bytes: int = 0
    out_files: int = 0
    home_gz: int = 0
    css: list[str] = field(default_factory=list)
    generate_seconds: float = 0.0


def edit_one(folder: Path, name: str) -> None:
    """One closed incident edited, as an author fixing a typo would: its title (`name`: its file's)."""
    path = folder / "content" / "incidents" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^title: "?', 'title: "Edited: ', text, count=1, flags=re.M).replace(
        'title: "Edited: ', 'title: "Edited ', 1), encoding="utf-8")


@dataclass
class Prepared:
    """A size's sites, generated, and its cold build timed (the first half of `bench`)."""

    size: int
    edited: str  # the file of the incident edited before the build timed after one change
    folder: Path
    with_pelican: bool
    generated: float
    cold: Run

    @property
    def site(self) -> Path:
        return self.folder / "statusgen"

    @property
    def output(self) -> Path:
        return self.site / "output"

    def build(self) -> list[str]:
        return build_command(self.output)


def build_command(output: Path) -> list[str]:
    return statusgen_command() + ["build", ".", "-o", str(output), "--build-time", BUILD_TIME, "--timings"]


def cold(size: int, with_pelican: bool = True) -> Prepared:
    """The sites of `size` incidents generated, and the cold build timed. Every size's cold build comes before any
    size's builds with the cache: each of those deletes the site it replaced (in the background, once it has
    returned), and ext4 would charge the next cold build's new files for those deletions (see `discard`)."""
    folder = OUT / f"{size}"
    began = time.perf_counter()
    edited = generate(folder, size, with_pelican)
    generated = time.perf_counter() - began
    site = folder / "statusgen"
    run = measure(build_command(site / "output") + ["--no-cache"], site, folder / "cold.log")
    settled(site)
    return Prepared(size, edited, folder, with_pelican, generated, run)


def generate(folder: Path, size: int, with_pelican: bool) -> str:
    """The sites of `size` incidents written by a forked process, so that this one never holds a large site's texts:
    a build started from here reports this process's memory high-water mark as its own peak (the kernel keeps it
    through exec), and the small sites' builds, timed after the large site is made, would show 116 MB. The name of
    the file to edit later, sent back."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - in the child
        status = 1
        try:
            os.close(reading)
            items = SyntheticSite(size).items()
            write_statusgen_site(folder / "statusgen", items)
            if with_pelican:
                write_pelican_site(folder / "pelican", items)
            os.write(writing, items[len(items) // 3].name.encode("utf-8"))
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    with os.fdopen(reading, "rb") as sent:
        name = sent.read().decode("utf-8")
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0 or not name:
        raise RuntimeError(f"generating the {size:,}-incident sites failed (see above)")
    return name


def bench(prepared: Prepared, keep: bool) -> Result:
    """The rest for a size whose cold build is timed: with the cache, after one change, `check`, Pelican."""
    size, folder, site, output, build = prepared.size, prepared.folder, prepared.site, prepared.output, prepared.build()
    # Two builds with the cache, as any site has had before an edit (make html, the preview): the first fills the
    # cache; after the second, the site a build takes unchanged pages back from (the spare) is one a build with the
    # cache made and recorded (PageStore.record), not the cold build's, whose pages would be hashed instead.
    for n in (1, 2):
        measure(build, site, folder / f"fill-{n}.log")
        settled(site)
    edit_one(site, prepared.edited)
    changed = measure(build, site, folder / "changed.log")
    settled(site)
    check = measure(statusgen_command() + ["check", "."], site, folder / "check.log")
    check_cold = measure(statusgen_command() + ["check", ".", "--no-cache"], site, folder / "check-cold.log")
    pelican = measure([sys.executable, "-m", "pelican", "content", "-s", "conf.py", "-o", "out"],
                      folder / "pelican", folder / "pelican.log") if prepared.with_pelican else None
    result = Result(size, prepared.cold, changed, check, check_cold, pelican, generate_seconds=prepared.generated)
    if prepared.cold.ok:
        result.out_bytes, result.out_files = output_size(output)
        result.home_gz, result.css = home_gzipped(output)
    for name, run in (("cold build", prepared.cold), ("changed build", changed), ("check", check),
                      ("cold check", check_cold), ("pelican", pelican)):
        if run is not None and not run.ok:
            tail = "\n".join(run.log.splitlines()[-20:])
            print(f"  {name} failed for {size:,} items (logs in {folder}):\n{tail}", file=sys.stderr)
    if not keep:
        discard(folder)
    return result


def feed_bench(updates: int = 10_000) -> tuple[float, int, int]:
    """Seconds to write every feed (Atom and RSS, all, per component, per area) of a site with `updates` updates,
    in this process on one core, after loading; with the number of updates and feeds."""
    from statusgen import feeds
    from statusgen.load import load_site
    from statusgen.times import parse_time

    folder = OUT / "feeds"
    write_statusgen_site(folder, SyntheticSite(updates // 4).items())
    site = load_site(folder / "content", "America/Chicago")
    at = parse_time(BUILD_TIME, timezone.utc)
    settings = feeds.FeedSettings(site_name="Bench", author="Bench", authority="bench.example")
    from statusgen.urls import Urls

    page_url = Urls().url
    best = float("inf")
    for _ in range(3):  # the best of three: the figure is the code's, not the machine's other load
        began = time.perf_counter()
        pairs, entries = feeds.entries(site.incidents), {}  # entries: shared by the feeds, as in a build
        written = [feeds.render(site, f, pairs, settings, at, page_url, lambda p: f"https://bench.example/{p}",
                                entries) for f in feeds.site_feeds(site, page_url)]
        best = min(best, time.perf_counter() - began)
    discard(folder)
    return best, sum(len(i.updates) for i in site.incidents), len(written) * 2


def preview_latency(size: int = 1_000, rounds: int = 5) -> tuple[float, float, float]:
    """`statusgen serve` on a site of `size` incidents: (first build served, median and worst seconds from saving
    an edited incident to its new page being served)."""
    import re
    import statistics
    import threading
    from urllib.error import HTTPError, URLError
    from urllib.request import urlopen

    folder = OUT / f"preview-{size}"
    items = SyntheticSite(size).items()
    write_statusgen_site(folder, items)
    incident = folder / "content" / "incidents" / items[len(items) // 2].name
    serve = subprocess.Popen(statusgen_command() + ["serve", ".", "--port", "0"], cwd=folder, text=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(serve.stderr), daemon=True).start()

    def heading(url: str) -> str | None:
        try:
            with urlopen(url, timeout=30) as response:
                found = re.search(r"<h1[^>]*>(.*?)</h1>", response.read().decode("utf-8"), re.S)
                return found[1].strip() if found else None
        except (HTTPError, URLError):
            return None

    try:
        began = time.perf_counter()
        while not any("serving" in line for line in said) and serve.poll() is None:
            time.sleep(0.01)
        url = re.search(r"http://\S+", next(line for line in said if "serving" in line))[0]
        page = f"{url}incidents/{incident.stem}/"
        while heading(page) is None:
            time.sleep(0.02)
        first = time.perf_counter() - began
        text, figures = incident.read_text(encoding="utf-8"), []
        for n in range(rounds):
            title = f"Preview probe {n}"
            edited = re.sub(r"^title: .*$", f'title: "{title}"', text, count=1, flags=re.M)
            saved = time.perf_counter()
            incident.write_text(edited, encoding="utf-8")
            while heading(page) != title:
                time.sleep(0.02)
            figures.append(time.perf_counter() - saved)
            time.sleep(0.3)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        discard(folder)
    return first, statistics.median(figures), max(figures)


# --- report --------------------------------------------------------------------------------------------------

COLUMNS = ["incidents", "cold s", "cold cpu s", "1 changed s", "1 changed cpu s", "check s", "check cold s",
           "MB peak", "MB tree",
           "output MB", "files", "home KB gz", "pelican s", "cold/pelican"]


def row(r: Result) -> list[str]:
    c, w, k, p = r.cold, r.changed, r.check, r.pelican
    return [
        f"{r.size:,}",
        f"{c.seconds:.2f}" if c.ok else "FAILED", f"{c.cpu_seconds:.2f}",
        f"{w.seconds:.2f}" if w.ok else "FAILED", f"{w.cpu_seconds:.2f}",
        f"{k.seconds:.2f}" if k.ok else "FAILED",
        f"{r.check_cold.seconds:.2f}" if r.check_cold.ok else "FAILED",
        f"{max(c.peak_mb, w.peak_mb):.0f}", f"{max(c.tree_mb, w.tree_mb):.0f}",
        f"{r.out_bytes / 1e6:.1f}" if c.ok else "-",
        f"{r.out_files:,}" if c.ok else "-",
        f"{r.home_gz / 1024:.1f}" if c.ok else "-",
        f"{p.seconds:.2f}" if p is not None and p.ok else "-",
        f"{c.seconds / p.seconds:.2f}" if p is not None and p.ok and c.ok else "-",
    ]


def table(rows: list[list[str]], columns: list[str]) -> str:
    rows = [columns] + rows
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# The rows of issue 29's table: each a label and the phases of `statusgen build --timings` it sums.
SHARES = (("loading", ("load",)), ("rendering", ("render", "feeds", "calendars")), ("Markdown", ("markdown",)),
          ("page facts", ("derive",)), ("file writes", ("write", "reuse")), ("API", ("api",)))


def breakdown(results: list[Result]) -> str:
    """CPU seconds by share of the work, over every process of the build (the helper that loads half the files,
    the page writers, the early placing), cold and after one change; everything else: the CLI, imports, Pelican,
    forks, what no phase names; then the total CPU and the wall time."""
    rows = []
    for r in results:
        for label, run in (("cold", r.cold), ("1 changed", r.changed)):
            spent = timings(run)
            shares = [sum(spent.get(p, 0.0) for p in phases) for _, phases in SHARES]
            rows.append([f"{r.size:,}", label] + [f"{x:.2f}" for x in shares]
                        + [f"{run.cpu_seconds - sum(spent.values()):.2f}", f"{run.cpu_seconds:.2f}",
                           f"{run.seconds:.2f}"])
    return table(rows, ["incidents", "build"] + [label for label, _ in SHARES]
                 + ["everything else", "total CPU s", "wall s"])


def targets(results: list[Result]) -> list[tuple[str, bool | None, str]]:
    by_size = {r.size: r for r in results}
    checks = []

    def at(size: int, label: str, run_of, limit: float, unit: str = "s", value=None):
        r = by_size.get(size)
        if r is None:
            checks.append((label, None, f"not run (use --sizes {size})"))
            return
        run = run_of(r)
        figure = value(run) if value else run.seconds
        detail = f"{figure:.2f} {unit}" + (f" ({run.cpu_seconds:.2f} CPU s)" if unit == "s" else "")
        checks.append((label, run.ok and figure < limit, detail if run.ok else "failed"))

    at(TARGET_SIZE, f"cold build of {TARGET_SIZE:,} incidents under {TARGET_COLD:g} s", lambda r: r.cold,
       TARGET_COLD)
    at(TARGET_SIZE, f"one incident changed, {TARGET_SIZE:,} incidents, rebuilt under {TARGET_CHANGED_10K:g} s",
       lambda r: r.changed, TARGET_CHANGED_10K)
    at(1_000, f"one incident changed, 1,000 incidents, rebuilt under {TARGET_CHANGED_1K:g} s", lambda r: r.changed,
       TARGET_CHANGED_1K)
    at(TARGET_SIZE, f"statusgen check of {TARGET_SIZE:,} incidents, no cache, under {TARGET_CHECK:g} s",
       lambda r: r.check_cold, TARGET_CHECK)
    at(TARGET_SIZE, f"peak memory of a {TARGET_SIZE:,}-incident build (all processes) under {TARGET_PEAK_MB:g} MB",
       lambda r: r.cold if r.cold.tree_mb >= r.changed.tree_mb else r.changed, TARGET_PEAK_MB, "MB",
       lambda run: run.tree_mb)
    big, huge = by_size.get(TARGET_SIZE), by_size.get(LARGE_SIZE)
    if huge is None or big is None:
        checks.append((f"{LARGE_SIZE:,} incidents: linear, under 3x the {TARGET_SIZE:,} figure", None,
                       f"not run (use --large)"))
    else:
        ratio = huge.cold.seconds / big.cold.seconds
        checks.append((f"{LARGE_SIZE:,} incidents: linear, under 3x the {TARGET_SIZE:,} figure",
                       huge.cold.ok and ratio < 3, f"{huge.cold.seconds:.2f} s, {ratio:.2f}x"))
    for r in results:
        if r.cold.ok:
            checks.append((f"home page with its CSS under {TARGET_HOME_KB_GZ:g} KB gzipped ({r.size:,} incidents)",
                           r.home_gz / 1024 < TARGET_HOME_KB_GZ, f"{r.home_gz / 1024:.1f} KB"))
    return checks


def reference_ms() -> float:
    """The machine's speed at plain Python, to compare figures across machines: the best of five runs of one
    million additions in a loop, in ms: the build's figures, nearly all plain Python, scale with it."""
    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        total = 0
        for n in range(1_000_000):
            total += n
        best = min(best, time.process_time() - began)
    return best * 1000


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated numbers of incidents (default: 100,1000,10000)")
    parser.add_argument("--large", action="store_true", help=f"also {LARGE_SIZE:,} incidents (minutes more)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites and outputs in bench/out/")
    parser.add_argument("--no-pelican", action="store_true", help="skip Pelican's own pipeline (faster)")
    parser.add_argument("--no-preview", action="store_true", help="skip the preview latency")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()] + ([LARGE_SIZE] if args.large else [])
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"statusgen bench: build time {BUILD_TIME}, seed {SEED}, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}; load average at the start {load_average()}; a million additions in a "
          f"Python loop: {reference_ms():.0f} ms")
    prepared = []
    for size in sizes:  # every cold build first (see `cold`)
        print(f"  {size:,} incidents: generating, building cold ...", flush=True)
        prepared.append(cold(size, with_pelican=not args.no_pelican and size <= TARGET_SIZE))  # Pelican: to 10,000
    results = []
    for site in prepared:
        print(f"  {site.size:,} incidents: filling the cache, editing one incident, building again, checking"
              f"{', then Pelican' if site.with_pelican else ''} ...", flush=True)
        results.append(bench(site, args.keep))
    print()
    print(table([row(r) for r in results], COLUMNS))
    print()
    print("cold: `statusgen build --no-cache` (wall seconds, and user + system CPU seconds of the build and its")
    print("processes); 1 changed: the same build after one closed incident's title was edited, with the cache two")
    print("builds before filled; check: `statusgen check` with the cache warm; check cold: with --no-cache; MB tree:")
    print("peak memory of the build's processes together, each counted by its proportional share (PSS, sampled every")
    print("50 ms), with MB peak (the largest single process's max RSS) beside it;")
    print("home KB gz: index.html plus the stylesheets it links, each gzip -9; pelican: Pelican's default article")
    print("pipeline and theme on as many plain Markdown articles.")
    if results and results[0].css:
        print(f"stylesheets linked from the home page: {', '.join(results[0].css)}")
    print()
    print("CPU seconds by share of the work, every process of the build counted (`statusgen build --timings`;")
    print("rendering: templates, feeds and calendars; everything else: the CLI, imports, Pelican, forks), with the")
    print("build's total CPU and wall seconds:")
    print(breakdown(results))
    print()
    feed_seconds, feed_updates, feed_files = feed_bench()
    print(f"feeds: {feed_files} feeds (Atom and RSS; all, per component, per area) from {feed_updates:,} updates "
          f"in {feed_seconds:.3f} s")
    checks = targets(results) + [(f"feed generation for {feed_updates:,} updates under {TARGET_FEED_SECONDS:g} s",
                                  feed_seconds < TARGET_FEED_SECONDS, f"{feed_seconds:.3f} s")]
    if not args.no_preview:
        first, median, worst = preview_latency()
        print(f"preview (statusgen serve, 1,000 incidents): first page after {first:.2f} s; an edited incident's "
              f"page served {median:.2f} s after saving (median of 5, worst {worst:.2f} s)")
        checks.append(("preview: an edit on a 1,000-incident site on screen under 1 s", median < 1.0,
                       f"{median:.2f} s"))
    print()
    for label, ok, detail in checks:
        print(f"{'SKIP' if ok is None else 'PASS' if ok else 'FAIL'}  {label}: {detail}")
    print(f"\nload average at the end {load_average()}")
    if args.keep:
        print(f"sites kept in {OUT.relative_to(ROOT)}/<size>/")
    empty_trash()
    return 0


if __name__ == "__main__":
    sys.exit(main())
