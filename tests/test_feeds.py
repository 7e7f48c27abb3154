"""Feeds: parsed with feedparser, Atom validated with jing against RFC 4287's RELAX NG schema, RSS checked for
the elements RSS 2.0 requires, entries checked against the example content."""
from __future__ import annotations

import email.utils
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree

from statusgen.load import load_site
from tests.conftest import ROOT
from tests.test_cli import run, with_theme

SITE = "https://status.lakeshore.example"  # the example's SITEURL: feeds link absolutely
ATOM_RNC = ROOT / "tests" / "data" / "atom.rnc"  # RFC 4287 appendix B as RELAX NG compact
RFC822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                    r"\d{2}:\d{2}:\d{2} [+-]\d{4}")


@pytest.fixture(scope="module")
def model():
    return load_site(ROOT / "content", "America/Chicago")


def feed_files(output: Path, ext: str) -> list[Path]:
    return sorted((output / "feeds").rglob(f"*.{ext}"))


def test_every_feed_exists(example_output, model):
    keys = ["all"] + [f"components/{c.id}" for c in model.catalog.components] + [f"areas/{a.id}" for a in model.catalog.areas]
    for ext in ("atom.xml", "rss.xml"):
        assert sorted(p.relative_to(example_output / "feeds").as_posix() for p in feed_files(example_output, ext)) == \
            sorted(f"{k}.{ext}" for k in keys)


def test_feeds_parse_without_errors(example_output):
    for path in feed_files(example_output, "xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20")


@pytest.mark.skipif(not shutil.which("jing"), reason="jing not installed: run scripts/install-system-deps.sh as root")
def test_atom_feeds_are_valid_rfc4287(example_output):
    files = [str(p) for p in feed_files(example_output, "atom.xml")]
    result = subprocess.run(["jing", "-c", str(ATOM_RNC), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_rss_has_what_rss2_requires(example_output):
    for path in feed_files(example_output, "rss.xml"):
        channel = etree.parse(str(path)).getroot().find("channel")
        for name in ("title", "link", "description"):
            assert (channel.findtext(name) or "").strip(), (path, name)
        for item in channel.findall("item"):
            assert item.findtext("guid")
            assert RFC822.fullmatch(item.findtext("pubDate")), item.findtext("pubDate")
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).utcoffset() is not None


def test_one_entry_per_update_newest_first_with_links_to_the_update(example_output, model):
    parsed = feedparser.parse((example_output / "feeds/all.atom.xml").read_bytes())
    updates = sorted(((u.at, i.id, u.number, i, u) for i in model.incidents for u in i.updates), reverse=True)
    expected = updates[:50]
    assert len(parsed.entries) == 50
    assert [e.link for e in parsed.entries] == [f"{SITE}/incidents/{i.id}/#update-{n}" for _, _, n, i, _ in expected]
    assert [e.title for e in parsed.entries[:2]] == ["Identified: Fixed wireless internet down in Cedar Falls"] * 2
    first = parsed.entries[0]
    assert first.id == ("tag:status.lakeshore.example,2026-11-22:2026-11-22-cedar-falls-fixed-wireless-outage/"
                        "20261122T200000Z")
    assert first.published == "2026-11-22T14:00:00-06:00" and first.updated == first.published
    assert parsed.feed.updated == first.updated
    assert "Expected resolution: Nov 22, 2026, 23:00 CST." in first.content[0].value
    assert "Next update by Nov 22, 2026, 16:00 CST." in first.content[0].value
    assert len({e.id for e in parsed.entries}) == 50
    scheduled = [e for e in parsed.entries if e.title == "Scheduled: Lake City hub switch replacement"]
    assert scheduled and scheduled[0].published == "2026-11-20T10:30:00-06:00"  # announced when scheduled


@pytest.mark.parametrize("kind", ["components", "areas"])
def test_per_component_and_per_area_membership(example_output, model, kind):
    for item in (model.catalog.components if kind == "components" else model.catalog.areas):
        parsed = feedparser.parse((example_output / f"feeds/{kind}/{item.id}.atom.xml").read_bytes())
        touching = [i for i in model.incidents
                    if (item.id in i.all_components() if kind == "components" else item.id in i.areas)]
        expected = sorted(((u.at, i.id, u.number) for i in touching for u in i.updates), reverse=True)[:50]
        assert [e.link for e in parsed.entries] == [f"{SITE}/incidents/{i}/#update-{n}" for _, i, n in expected], item.id


def test_rss_and_atom_carry_the_same_entries(example_output):
    for atom in feed_files(example_output, "atom.xml"):
        rss = atom.with_name(atom.name.replace(".atom.xml", ".rss.xml"))
        a, r = feedparser.parse(atom.read_bytes()), feedparser.parse(rss.read_bytes())
        assert [e.id for e in a.entries] == [e.id for e in r.entries]
        assert [e.title for e in a.entries] == [e.title for e in r.entries]


TRICKY = """\
---
title: 'Calls <fail> & "drop" in Zürich: café ☕'
components:
  phone: major_outage
updates:
  - at: 2026-08-29 09:20
    state: investigating
    body: |
      Calls <b>fail</b> & drop; "quotes" and 'apostrophes' in Zürich. <script>alert(1)</script>
"""


def build(site, when: str = "2026-08-30 12:00Z") -> Path:
    out = site.root / "output"
    result = run("build", str(site.root), "-o", str(out), "--build-time", when)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.build
def test_escaping_survives_intact_and_safe(site):
    with_theme(site)
    site.incident("2026-08-29-tricky.md", TRICKY + "---\n")
    out = build(site)
    for name in ("all.atom.xml", "all.rss.xml"):
        parsed = feedparser.parse((out / "feeds" / name).read_bytes())
        assert not parsed.bozo
        entry = parsed.entries[0]
        assert entry.title == 'Investigating: Calls <fail> & "drop" in Zürich: café ☕'
        html = entry.content[0].value if "content" in entry else entry.description
        assert '<b>fail</b> &amp; drop; "quotes" and \'apostrophes\' in Zürich.' in html
        assert "<script" not in html


@pytest.mark.build
def test_a_new_update_is_a_new_entry_on_top_and_old_ids_stay(site):
    with_theme(site)
    path = site.incident("2026-08-29-tricky.md", TRICKY + "---\n")
    before = feedparser.parse((build(site) / "feeds/components/phone.atom.xml").read_bytes()).entries
    path.write_text(TRICKY + "  - at: 2026-08-29 10:00\n    state: resolved\n    body: Fixed.\n---\n")
    after = feedparser.parse((build(site, "2026-08-31 12:00Z") / "feeds/components/phone.atom.xml").read_bytes()).entries
    assert [e.id for e in after[1:]] == [e.id for e in before]
    assert after[0].title.startswith("Resolved: ") and after[0].link.endswith("#update-2")


@pytest.mark.build
def test_entry_limit_is_configurable(site):
    with_theme(site)
    updates = "".join(f"  - at: 2026-08-29 09:{m:02d}\n    state: investigating\n    body: Update {m}.\n" for m in range(10))
    site.incident("2026-08-29-many.md", TRICKY.split("updates:")[0] + "updates:\n" + updates + "---\n")
    with open(site.root / "pelicanconf.py", "a") as conf:
        conf.write("STATUSGEN_FEED_LIMIT = 3\n")
    parsed = feedparser.parse((build(site) / "feeds/all.atom.xml").read_bytes())
    assert [e.content[0].value.split("</p>")[0] for e in parsed.entries] == ["<p>Update 9.", "<p>Update 8.", "<p>Update 7."]


@pytest.mark.parametrize("page, keys", [
    ("index.html", ["all"]),
    ("history/index.html", ["all"]),
    ("components/phone/index.html", ["components/phone", "all"]),
    ("areas/cedar-falls/index.html", ["areas/cedar-falls", "all"]),
    ("incidents/2026-08-29-fiber-cut-phone-outage/index.html",
     ["all", "components/phone", "areas/north-valley", "areas/cedar-falls", "areas/lake-city", "areas/pine-ridge"]),
])
def test_pages_link_their_feeds(example_output, page, keys):
    root = lxml.html.parse(str(example_output / page)).getroot()
    expected = [f"feeds/{k}.{ext}" for k in keys for ext in ("atom.xml", "rss.xml")]
    base = (example_output / page).parent
    head = root.xpath('//head/link[@rel="alternate"]')
    assert [(base / link.get("href")).resolve().relative_to(example_output).as_posix() for link in head] == expected
    assert [link.get("type") for link in head] == ["application/atom+xml", "application/rss+xml"] * len(keys)
    visible = root.xpath('//section[@class="subscribe"]//a[@type!="text/calendar"]')
    assert [(base / a.get("href")).resolve().relative_to(example_output).as_posix() for a in visible] == expected
    assert all((base / a.get("href")).is_file() for a in visible)


@pytest.mark.build
def test_an_update_at_the_same_time_as_an_earlier_one_leaves_its_id_alone(site):
    with_theme(site)
    path = site.incident("2026-08-29-tricky.md", TRICKY + "---\n")
    before = feedparser.parse((build(site) / "feeds/all.atom.xml").read_bytes()).entries
    path.write_text(TRICKY + "  - at: 2026-08-29 09:20\n    state: identified\n    body: Found it.\n---\n")
    after = feedparser.parse((build(site) / "feeds/all.atom.xml").read_bytes()).entries
    assert [e.id for e in after[1:]] == [e.id for e in before]
    assert after[0].id == before[0].id + ".2" and after[0].title.startswith("Identified: ")


def test_every_link_in_every_feed_is_absolute(example_output):
    """RSS 2.0 wants absolute URLs, and readers that copy entries out of the feed lose any base."""
    for path in feed_files(example_output, "xml"):
        root = etree.parse(str(path)).getroot()
        hrefs = [el.get("href") for el in root.iter("{http://www.w3.org/2005/Atom}link")]
        hrefs += [el.text for el in root.iter("link")]
        assert hrefs and all(h.startswith(f"{SITE}/") for h in hrefs), (path, hrefs)


# --- every promise dated by its update: what an entry said never changes ------------------------------------------

PROMISING = """\
---
title: Calls fail in the north
components:
  phone: major_outage
  tv: partial_outage
updates:
  - at: 2026-08-29 02:00
    state: investigating
    eta: 2026-08-29 06:00
    next_update: 2026-08-29 03:00
    body: Calls fail.
  - at: 2026-08-29 04:10
    state: identified
    eta: 2026-08-29 08:00
    components: {tv: operational}
    body: A card failed. TV is back.
"""
LATER = """\
  - at: 2026-08-29 05:00
    state: identified
    eta: 2026-08-29 09:30
    components: {phone: degraded_performance, tv: major_outage}
    body: Slower than hoped.
  - at: 2026-08-29 09:00
    state: resolved
    body: Fixed.
"""


def rendered_entries(site, when: str) -> dict[str, bytes]:
    """Every entry of the site-wide Atom feed, by id, as bytes."""
    from statusgen import feeds
    from statusgen.pages import view
    from statusgen.times import parse_time
    from datetime import timezone as tz

    v = view(load_site(site.content, "UTC"), parse_time(when, tz.utc))
    settings = feeds.FeedSettings(site_name="Example", author="Example", authority="status.example")
    atom, _ = feeds.render(v.site, v.feeds["home", None], feeds.entries(v.site.incidents), settings, v.at,
                           lambda kind, key=None: f"{kind}/{key}", lambda path: f"https://status.example/{path}")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    return {e.findtext("a:id", namespaces=ns): etree.tostring(e, method="c14n")
            for e in etree.fromstring(atom).findall("a:entry", ns)}


def test_a_later_update_never_changes_an_earlier_entry(site):
    path = site.incident("2026-08-29-calls.md", PROMISING + "---\n")
    before = rendered_entries(site, "2026-08-29 04:30Z")
    path.write_text(PROMISING + LATER + "---\n")
    after = rendered_entries(site, "2026-08-29 12:00Z")
    assert len(before) == 2 and len(after) == 4
    assert {key: after[key] for key in before} == before


def test_a_front_matter_eta_stands_from_the_first_update(site):
    top = PROMISING.replace("    eta: 2026-08-29 06:00\n", "").replace("updates:", "eta: 2026-08-29 06:00\nupdates:")
    path = site.incident("2026-08-29-calls.md", top.replace("    eta: 2026-08-29 08:00\n", "") + "---\n")
    before = rendered_entries(site, "2026-08-29 04:30Z")
    assert all(b"Expected resolution: Aug 29, 2026, 06:00 UTC." in entry for entry in before.values())
    path.write_text(top + LATER + "---\n")
    after = rendered_entries(site, "2026-08-29 12:00Z")
    third = sorted(after.items())[2][1]  # 05:00, which moved the ETA
    assert b"Expected resolution: Aug 29, 2026, 09:30 UTC." in third
    # The front matter's ETA stands for the updates before the first that gives its own: the first entry is
    # unchanged, byte for byte (the second is not the same update: here it gives an ETA of its own).
    first = min(before)
    assert after[first] == before[first] and b"06:00" in after[first]


def test_each_entry_says_what_stood_at_its_update(site):
    site.incident("2026-08-29-calls.md", PROMISING + LATER + "---\n")
    entries = sorted(rendered_entries(site, "2026-08-29 12:00Z").items())
    texts = [lxml.html.fromstring(etree.fromstring(e).findtext("{http://www.w3.org/2005/Atom}content"))
             .text_content() for _, e in entries]
    assert "Affected: Phone: major outage; TV: partial outage." in texts[0]
    assert "Expected resolution: Aug 29, 2026, 06:00 UTC." in texts[0]
    assert "Affected: Phone: major outage.\nRecovered: TV." in texts[1]
    assert "Expected resolution: Aug 29, 2026, 08:00 UTC." in texts[1]
    assert "Affected: Phone: degraded performance; TV: major outage." in texts[2] and "Recovered" not in texts[2]
    assert "Expected resolution: Aug 29, 2026, 09:30 UTC." in texts[2]
    assert "Recovered: Phone, TV." in texts[3] and "Affected" not in texts[3] and "Expected" not in texts[3]


def test_feeds_sharing_their_entries_html_write_what_each_would_alone():
    """A build makes each update's entry HTML once for all the feeds it is in: the same bytes as feed by feed."""
    from statusgen import feeds
    from statusgen.pages import view
    from statusgen.times import parse_time
    from statusgen.urls import Urls
    from datetime import timezone as utc_zone
    from tests.conftest import BUILD_TIME

    site = load_site(ROOT / "content", "America/Chicago")
    v = view(site, parse_time(BUILD_TIME.replace(" ", "T"), utc_zone.utc), urls=Urls())
    settings = feeds.FeedSettings(site_name="S", author="A", authority="status.example")
    pairs, shared = feeds.entries(v.site.incidents), {}
    link = lambda path: f"https://status.example/{path}"  # noqa: E731
    for feed in v.feeds.values():
        alone = feeds.render(v.site, feed, pairs, settings, v.at, Urls().url, link)
        assert feeds.render(v.site, feed, pairs, settings, v.at, Urls().url, link, shared) == alone
    assert len(shared) == len({(i.id, u.number) for feed in v.feeds.values() for i, u in pairs if feed.includes(i)})
