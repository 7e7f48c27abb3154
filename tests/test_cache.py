"""The build cache: a warm build writes the same bytes as a cold one, whatever input changed in between; a closed
incident's page does not depend on the build time; the cache is only ever a folder statusgen made."""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from statusgen.cache import HASH_LINE, IncidentStore, sealed
from statusgen.urls import Urls
from tests.conftest import BUILD_TIME, ROOT
from tests.test_output_guard import mount  # noqa: F401 - the fixture

LATER = "2026-12-24 12:00Z"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def example(tmp_path: Path) -> Path:
    work = tmp_path / "site"
    work.mkdir()
    for name in ("content", "theme", "plugins", "pelicanconf.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
    return work


def build(site: Path, output: Path, *extra: str, when: str = BUILD_TIME) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(site), "-o", str(output),
                             "--build-time", when, *extra], capture_output=True, text=True, cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def cold_and_warm(site: Path, tmp_path: Path, name: str, when: str = BUILD_TIME) -> tuple[dict, dict]:
    """(a build with no cache, a build with the site's cache as it stands) of the same input."""
    cold, warm = tmp_path / f"{name}-cold", tmp_path / f"{name}-warm"
    build(site, cold, "--no-cache", when=when)
    build(site, warm, when=when)
    return tree(cold), tree(warm)


def stored_files(site: Path) -> list[Path]:
    """The pages, feeds and calendars the cache holds (each its bytes after a line with their hash)."""
    return [p for p in (site / ".statusgen-cache" / "pages").glob("*/*.html")]


def stored_bodies(site: Path) -> set[bytes]:
    return {p.read_bytes()[HASH_LINE:] for p in stored_files(site)}


# Appended to every stored file by mark_stored (sealed anew, as statusgen would store it): a published file that
# ends with it came from the cache.
MARK = b"<!-- taken from the build cache -->"


def mark_stored(site: Path) -> None:
    for path in stored_files(site):
        path.write_bytes(sealed(path.read_bytes()[HASH_LINE:] + MARK))


def reused(output: Path, files: str = "*.html") -> int:
    """How many pages (or other `files`) of `output` came from the cache since mark_stored."""
    return sum(p.read_bytes().endswith(MARK) for p in output.rglob(files))


def unmarked(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data.removesuffix(MARK) for name, data in files.items()}


def shares_an_inode(output: Path, site: Path) -> bool:
    """Whether any file of `output` is a file of the cache (a hard link)."""
    cache = {(p.stat().st_dev, p.stat().st_ino) for p in (site / ".statusgen-cache").rglob("*") if p.is_file()}
    return any((p.stat().st_dev, p.stat().st_ino) in cache for p in output.rglob("*") if p.is_file())


@contextmanager
def held(folders):
    """The folders kept open: the system may give a folder made anew the inode number of one just deleted, but not
    while that one is still open, so no folder made anew can pass for one moved (compared by inode)."""
    opened = [os.open(folder, os.O_RDONLY) for folder in folders]
    try:
        yield
    finally:
        for fd in opened:
            os.close(fd)


def stored_feeds(site: Path) -> int:
    """How many feed and calendar files the cache holds: its files named by a key and -0 or -1."""
    return sum(p.stem.endswith(("-0", "-1")) for p in (site / ".statusgen-cache" / "pages").rglob("*.html"))


@pytest.mark.build
def test_a_warm_build_writes_the_same_bytes_as_a_cold_one_and_reuses_closed_incidents(example, tmp_path):
    first = tmp_path / "first"
    build(example, first)  # fills the cache
    assert (example / ".statusgen-cache" / "CACHEDIR.TAG").is_file()
    assert len(stored_files(example)) > 5  # the pages it wrote went into the cache
    cold, warm = cold_and_warm(example, tmp_path, "again")
    assert warm == cold == tree(first)
    assert not shares_an_inode(first, example) and not shares_an_inode(tmp_path / "again-warm", example)
    closed = len(stored_files(example)) - stored_feeds(example)
    mark_stored(example)
    build(example, tmp_path / "marked")
    marked = tmp_path / "marked"
    assert unmarked(tree(marked)) == cold
    assert reused(marked) == closed  # every closed incident's page came from the cache
    # and every feed and calendar, whose entries and events were the same
    feeds = len(list((marked / "feeds").rglob("*.xml")))
    calendars = len(list(marked.rglob("*.ics")))
    assert feeds > 10 and reused(marked, "*.xml") == feeds
    assert calendars > 5 and reused(marked, "*.ics") == calendars
    assert feeds + calendars == stored_feeds(example)


@pytest.mark.build
def test_a_feed_is_made_again_when_an_entry_in_it_changes_or_when_an_empty_one_is_built_later(example, tmp_path):
    build(example, tmp_path / "first")
    mark_stored(example)
    edit(example / "content" / "incidents" / "2026-11-22-cedar-falls-fixed-wireless-outage.md",
         "title: ", "title: Edited ")
    cold, warm = cold_and_warm(example, tmp_path, "edited")
    assert unmarked(warm) == cold
    remade = {name for name, data in warm.items() if name.endswith(".xml") and not data.endswith(MARK)}
    assert "feeds/all.atom.xml" in remade and "feeds/all.rss.xml" in remade
    assert reused(tmp_path / "edited-warm", "*.xml") > 0  # the feeds it is not in came from the cache
    shown = [*(tmp_path / "edited-warm" / "feeds").rglob("*.xml"), *(tmp_path / "edited-warm").rglob("*.ics")]
    assert stored_feeds(example) == len(shown)  # those of the feeds as they were before are dropped from the cache
    cold, warm = cold_and_warm(example, tmp_path, "later", when=LATER)  # a feed with no entries says when
    assert unmarked(warm) == cold


@pytest.mark.build
def test_the_history_made_from_stored_months_shows_every_incident_once_and_as_it_now_is(example, tmp_path):
    """A month of closed incidents is kept whole (one look-up for its rows): an edit to one of them, or another
    month of as many incidents, never brings back rows that are not this build's."""
    build(example, tmp_path / "first")
    edit(example / "content" / "incidents" / "2025-12-09-email-delays.md", "title: ", "title: Edited ")
    cold, warm = cold_and_warm(example, tmp_path, "edited")
    assert warm == cold
    history = warm["history/index.html"].decode("utf-8")
    assert "Edited" in history
    ids = sorted(p.stem for p in (example / "content" / "incidents").glob("*.md"))
    shown = sorted(re.findall(r'<a href="\.\./incidents/([^/"]+)/"', history))
    assert len(ids) > 10 and shown == ids


@pytest.mark.build
def test_the_rows_of_closed_incidents_on_the_home_service_and_area_pages_come_from_each_pages_own_table(
        example, tmp_path):
    """Each page listing past incidents keeps the rows of those closed for good in a table of its own, used as it
    is by the next build: a row planted there shows on that page and no other (and an edit makes a new key, see
    test_a_change_to_any_input_is_seen_by_the_next_warm_build)."""
    build(example, tmp_path / "first")
    pages = {"home": "index.html", "component-email": "components/email/index.html",
             "area-north-valley": "areas/north-valley/index.html"}
    folder = next(p for p in (example / ".statusgen-cache" / "pages").iterdir() if p.is_dir())
    for name in pages:
        table = folder / f".rows-{name}.pickle"
        rows = pickle.loads(table.read_bytes()[HASH_LINE:])
        assert rows and all(text.startswith('<li class="row">') for text in rows.values()), name
        planted = {key: text.replace('<li class="row">', f'<li class="row" data-from="{name}">')
                   for key, text in rows.items()}
        table.write_bytes(sealed(pickle.dumps(planted)))  # sealed as statusgen stores it
    build(example, tmp_path / "second")
    second = tree(tmp_path / "second")
    for name, page in pages.items():
        text = second[page].decode("utf-8")
        assert text.count(f'data-from="{name}"') == text.count('<li class="row"') - text.count('<li class="row">')
        assert text.count(f'data-from="{name}"') > 0, name
    assert sum(b"data-from" in data for data in second.values()) == len(pages)


@pytest.mark.build
def test_what_a_killed_build_left_in_the_cache_is_dropped_by_the_next(example, tmp_path):
    build(example, tmp_path / "first")
    sets = [p for p in (example / ".statusgen-cache" / "pages").iterdir() if p.is_dir()]
    assert len(sets) == 1
    left = [sets[0] / f".tmp-1-{'a' * 64}", sets[0] / f"{'b' * 64}.html", sets[0] / f"{'c' * 64}-0.html"]
    for path in left:
        path.write_text("half a page")
    build(example, tmp_path / "second")
    assert not any(path.exists() for path in left)


@pytest.mark.build
def test_a_calendar_is_made_again_when_its_maintenance_changes_or_more_of_it_is_posted(example, tmp_path):
    build(example, tmp_path / "first")
    edit(example / "content" / "incidents" / "2026-11-20-lake-city-hub-switch-replacement.md",
         "title: ", "title: Edited ")
    cold, warm = cold_and_warm(example, tmp_path, "edited")
    assert warm == cold
    assert b"Edited" in warm["calendar/maintenance.ics"] and b"Edited" not in tree(tmp_path / "first")[
        "calendar/maintenance.ics"]
    cold, warm = cold_and_warm(example, tmp_path, "later", when=LATER)  # its later updates posted by then
    assert warm == cold


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each kind of input a page depends on, changed in a way every closed incident's page shows.
CHANGES = {
    "an incident": lambda site: edit(site / "content" / "incidents" / "2025-12-09-email-delays.md",
                                     "title: ", "title: Edited "),
    "the catalog": lambda site: edit(site / "content" / "components.yml", "name: Email", "name: Electronic mail"),
    "the settings": lambda site: edit(site / "pelicanconf.py", 'SITENAME = "', 'SITENAME = "Edited '),
    "a template": lambda site: edit(site / "theme" / "templates" / "base.html", "Skip to content", "Skip to the content"),
    "a stylesheet": lambda site: (site / "theme" / "static" / "style.css").write_text(
        (site / "theme" / "static" / "style.css").read_text() + "\n/* edited */\n"),
    "the plugin": lambda site: edit(site / "plugins" / "statusgen_site" / "generator.py",
                                    '"""The statusgen Pelican generator', '"""The edited statusgen Pelican generator'),
}


@pytest.mark.build
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_any_input_is_seen_by_the_next_warm_build(example, tmp_path, change):
    before = tmp_path / "before"
    build(example, before)
    CHANGES[change](example)
    cold, warm = cold_and_warm(example, tmp_path, "after")
    assert warm == cold
    if change != "the plugin":  # a docstring: the pages stay the same, but nothing stale may be reused
        assert warm != tree(before)


TAGLINE = """\
from pelican import signals


def add(generator):
    generator.env.globals["tagline"] = " ({words})"


def register():
    signals.generator_init.connect(add)
"""


@pytest.mark.build
@pytest.mark.parametrize("folder", ["plugins", "more-plugins"])
def test_a_change_to_a_plugin_of_the_site_s_own_is_seen_by_the_next_warm_build(example, tmp_path, folder):
    """A plugin the settings load may change every page (here: a Jinja global a template shows); the pages of closed
    incidents, reused from the cache, once kept what the plugin made before it changed."""
    (example / folder).mkdir(exist_ok=True)
    plugin = example / folder / "tagline.py"
    plugin.write_text(TAGLINE.format(words="first words"))
    edit(example / "pelicanconf.py", 'PLUGIN_PATHS = ["plugins"]', f'PLUGIN_PATHS = ["plugins", "{folder}"]')
    edit(example / "pelicanconf.py", 'PLUGINS = ["statusgen_site"]', 'PLUGINS = ["statusgen_site", "tagline"]')
    edit(example / "theme" / "templates" / "base.html", '{{ _("Skip to content") }}',
         '{{ _("Skip to content") }}{{ tagline }}')
    build(example, tmp_path / "first")
    assert b"Skip to content (first words)" in (tmp_path / "first" / "incidents" / "2025-12-09-email-delays" /
                                                 "index.html").read_bytes()
    plugin.write_text(TAGLINE.format(words="second words"))
    cold, warm = cold_and_warm(example, tmp_path, "after")
    assert warm == cold
    assert b"Skip to content (second words)" in warm["incidents/2025-12-09-email-delays/index.html"]


@pytest.mark.build
def test_unchanged_pages_are_moved_from_the_site_the_last_build_replaced_and_nothing_else_is(example, tmp_path):
    """The site a build replaces is kept in the cache; the next build moves the folders of pages that still hold
    the very bytes the cache holds out of it (a rename, not a new folder), puts a copy of the stored page in a
    folder that holds only another file of the page's name (one edited in place), and makes every other page
    anew."""
    out = tmp_path / "out"
    build(example, out)
    stored = stored_bodies(example)
    closed = sorted(p.parent.relative_to(out) for p in out.glob("incidents/*/index.html") if p.read_bytes() in stored)
    assert len(closed) > 5
    first = {folder: (out / folder).stat().st_ino for folder in closed}  # the folders the first build made
    with held(out / folder for folder in closed):
        build(example, out)  # the first site is now the spare
        spare = example / ".statusgen-cache" / "previous-site"
        assert (spare / ".statusgen-site").is_file() and all((spare / folder).is_dir() for folder in closed)
        edited, replaced, crowded = (Path("incidents/2025-12-09-email-delays"), closed[1], closed[2])
        assert edited in closed and len({edited, replaced, crowded}) == 3
        with open(spare / replaced / "index.html", "ab") as page:  # edited in place: not the stored bytes
            page.write(b"<script>analytics()</script>")
        (spare / crowded / "notes.txt").write_text("not a page of ours")  # a folder holding more than the page
        edit(example / "content" / "incidents" / "2025-12-09-email-delays.md", "title: ", "title: Edited ")
        build(example, out)
        cold = tmp_path / "cold"
        build(example, cold, "--no-cache")
        assert tree(out) == tree(cold)
        assert b"Edited" in (out / edited / "index.html").read_bytes()
        moved = {folder for folder in closed if (out / folder).stat().st_ino == first[folder]}
        # the folder holding only another file of the page's name is kept, its file replaced
        assert moved == set(closed) - {edited, crowded}
        assert (out / replaced / "index.html").read_bytes() in stored  # but its file holds the stored page again
        assert not (out / crowded / "notes.txt").exists()


@pytest.mark.build
def test_nothing_the_replaced_sites_incident_folder_held_besides_checked_pages_is_published(example, tmp_path):
    """The next build takes the replaced site's incidents/ folder whole: what it holds that is no page of this build
    (a stray file, the folder of an incident removed since, a link in place of a page's folder, an extra file beside
    an open incident's page) never reaches the new site."""
    out = tmp_path / "out"
    build(example, out)
    build(example, out)  # the first site is now the spare
    spare = example / ".statusgen-cache" / "previous-site" / "incidents"
    folders = sorted(p.name for p in spare.iterdir())
    linked, removed, kept = folders[1], folders[2], folders[3]  # not the first, middle or last: those are looked at
    kept_inode = (spare / kept).stat().st_ino  # before the folder is taken whole
    (spare / "notes.txt").write_text("not a page of ours")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.link(spare / linked / "index.html", outside / "index.html")  # the very stored page, but through a link
    shutil.rmtree(spare / linked)
    (spare / linked).symlink_to(outside, target_is_directory=True)
    (example / "content" / "incidents" / f"{removed}.md").unlink()
    stored = stored_bodies(example)
    open_now = [p.parent.name for p in out.glob("incidents/*/index.html") if p.read_bytes() not in stored]
    assert open_now, "the example has incidents whose pages are made at every build"
    (spare / open_now[0] / "extra.txt").write_text("left beside a page made anew")
    build(example, out)
    cold = tmp_path / "cold"
    build(example, cold, "--no-cache")
    assert tree(out) == tree(cold)
    assert not (out / "incidents" / linked).is_symlink() and (out / "incidents" / linked / "index.html").is_file()
    assert not (out / "incidents" / removed).exists() and not (out / "incidents" / "notes.txt").exists()
    assert (out / "incidents" / kept).stat().st_ino == kept_inode  # taken, not made anew


@pytest.mark.build
def test_a_replaced_site_built_without_the_cache_gives_the_pages_that_hold_the_stored_bytes(example, tmp_path):
    """What is taken from it is checked by its bytes, wherever they came from: the build is a cold one's bytes, and
    the folders of unchanged pages are taken. (A build takes from the site before the one it replaces.)"""
    out = tmp_path / "out"
    build(example, out)  # fills the cache
    build(example, out, "--no-cache")
    build(example, out)  # the spare is the first site
    stored = stored_bodies(example)
    closed = {p.parent.name for p in out.glob("incidents/*/index.html") if p.read_bytes() in stored}
    folders = {p.parent.name: p.parent.stat().st_ino for p in (tmp_path / "out").glob("incidents/*/index.html")}
    with held(out / "incidents" / name for name in folders):
        build(example, out)  # the spare is the site built without the cache
        cold = tmp_path / "cold"
        build(example, cold, "--no-cache")
        assert tree(out) == tree(cold)
        build(example, out)  # the spare is the site the build before made: its folders are taken, not made anew
        taken = {p.parent.name for p in out.glob("incidents/*/index.html")
                 if p.parent.stat().st_ino == folders.get(p.parent.name)}
        assert taken == closed and len(closed) > 5
        assert tree(out) == tree(cold)


def test_the_folder_of_incident_pages_is_taken_whole_only_where_nothing_else_can_be_saved_in_it():
    assert Urls().page_folder("incident") == ("incidents", "index.html")
    assert Urls.configured({"incident": ("s/{id}/", "status/inc/{id}/page.html")}).page_folder("incident") \
        == ("status/inc", "page.html")
    for save_as in ("{id}.html", "incidents/{id}.html", "api/{id}/index.html", "feeds/{id}/index.html",
                    "theme/{id}/index.html", "a/../{id}/index.html", "a//{id}/index.html", "{id}/index.html",
                    "incidents/{id}/{id}.html", "incidents/{id}/x/index.html"):
        assert Urls.configured({"incident": ("x/{id}/", save_as)}).page_folder("incident") is None, save_as
    # another kind saved under the folder
    assert Urls.configured({"history_json": "incidents/history.json"}).page_folder("incident") is None


@pytest.mark.build
def test_the_time_zone_given_on_the_command_line_is_part_of_the_key(example, tmp_path):
    build(example, tmp_path / "chicago")
    cold, warm = tmp_path / "utc-cold", tmp_path / "utc-warm"
    build(example, cold, "--no-cache", "--timezone", "UTC")
    build(example, warm, "--timezone", "UTC")
    assert tree(warm) == tree(cold) != tree(tmp_path / "chicago")


@pytest.mark.build
def test_a_closed_incidents_page_is_the_same_whenever_it_is_built(example, tmp_path):
    build(example, tmp_path / "now", "--no-cache")
    build(example, tmp_path / "later", "--no-cache", when=LATER)
    now, later = tree(tmp_path / "now"), tree(tmp_path / "later")
    same = [name for name in now if name.startswith("incidents/") and now[name] == later.get(name)]
    assert len(same) > 5
    for name in same:  # those are the complete records, and say so
        assert b"complete record" in now[name]
    # The home page and every open incident's page say when they were built, so they differ.
    assert now["index.html"] != later["index.html"]
    assert now["incidents/2026-11-22-cedar-falls-fixed-wireless-outage/index.html"] != \
        later["incidents/2026-11-22-cedar-falls-fixed-wireless-outage/index.html"]


@pytest.mark.build
def test_a_damaged_or_deleted_cache_only_makes_the_build_slower(example, tmp_path):
    build(example, tmp_path / "first")
    cache = example / ".statusgen-cache"
    (cache / "incidents.pickle").write_bytes(b"not a pickle")
    pages = sorted((cache / "pages").rglob("*.html"))
    for page in pages[:3]:
        page.unlink()  # deleted: worked out again
    for page in pages[3:5]:  # listed as stored, but no page: placing it fails, so it is made again
        page.unlink()
        page.mkdir()
    cold, warm = cold_and_warm(example, tmp_path, "damaged")
    assert warm == cold
    shutil.rmtree(cache)
    cold, warm = cold_and_warm(example, tmp_path, "deleted")
    assert warm == cold


@pytest.mark.build
def test_a_byte_changed_in_the_stored_incidents_is_never_published(example, tmp_path):
    """The stored incidents are checked against their hash before use: a change that still unpickles (here, in a
    title) is a store started over, and the site is what a cold build makes."""
    build(aged(example), tmp_path / "first")  # files older than the store: vouched for by the index, not read
    store = example / ".statusgen-cache" / "incidents.pickle"
    data = store.read_bytes()
    assert data.count(b"email delayed by up to 90") >= 1
    store.write_bytes(data.replace(b"email delayed by up to 90", b"EMAIL DELAYED BY UP TO 90"))
    cold, warm = cold_and_warm(example, tmp_path, "corrupted")
    assert warm == cold
    assert not any(b"EMAIL DELAYED BY UP TO 90" in page for page in warm.values())


def stored_incidents(site: Path):
    """The cache's index and its incidents (IncidentStore: two pickles, one file)."""
    with open(site / ".statusgen-cache" / "incidents.pickle", "rb") as f:
        return pickle.load(f), pickle.load(f)


def aged(site: Path) -> Path:
    """The site once its files are older than the store a build will write: a file changed within two seconds of
    the store is read again whatever its stat (IncidentStore.RACY_NS), and so not vouched for by the index."""
    time.sleep(IncidentStore.RACY_NS / 1e9 + 0.1)
    return site


@pytest.mark.build
def test_a_page_placed_from_the_index_before_its_incident_was_read_is_made_again_if_the_incident_differs(
        example, tmp_path):
    """The pages of closed incidents are put in place from the cache's index, before the incidents are read. Should
    the incident read then differ (here the store is altered by hand: the index still says the old text), its page
    is made again from what was read, and no page the cache holds is written into."""
    build(aged(example), tmp_path / "first")
    path = example / "content" / "incidents" / "2025-12-09-email-delays.md"
    head, items = stored_incidents(example)
    n = next(n for n, item in enumerate(items) if item.path.endswith(path.name))
    assert head[3][list(head[3])[n]][2] is not None  # closed: its page is placed early
    altered = object.__new__(type(items[n]))
    altered.__dict__.update(items[n].__dict__, title="Altered in the store", digest="0" * 64)
    items[n] = altered
    store = example / ".statusgen-cache" / "incidents.pickle"
    rest = pickle.dumps(items)  # with the hash the index gives for it: altered as statusgen itself would write it
    store.write_bytes(pickle.dumps((*head[:4], hashlib.blake2b(rest).hexdigest())) + rest)
    before = {p: p.read_bytes() for p in stored_files(example)}
    build(example, tmp_path / "second")
    page = (tmp_path / "second" / "incidents" / "2025-12-09-email-delays" / "index.html").read_text()
    assert "Altered in the store" in page
    assert all(p.read_bytes() == data for p, data in before.items() if p.exists())  # none written into
    stored = stored_bodies(example)
    assert sum(p.read_bytes() in stored for p in (tmp_path / "second").rglob("*.html")) > 5


@pytest.mark.build
def test_a_build_that_fails_on_its_content_leaves_the_site_as_it_was_and_nothing_beside_it(example, tmp_path):
    """The early work (pages of closed incidents put in place as the incidents are read) is stopped when the
    content turns out wrong: the site stays as it was and no half-built folder is left."""
    out = tmp_path / "outs" / "out"
    build(aged(example), out)
    build(example, out)  # a spare site in the cache: the next build takes its pages
    before = tree(out)
    (example / "content" / "incidents" / "2026-11-25-broken.md").write_text("---\ntitle: [\n---\n")
    result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(example), "-o", str(out),
                             "--build-time", BUILD_TIME], capture_output=True, text=True, cwd=example)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2026-11-25-broken.md:" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    (example / "content" / "incidents" / "2026-11-25-broken.md").unlink()
    cold, warm = cold_and_warm(example, tmp_path, "after")
    assert warm == cold == before


@pytest.mark.build
def test_the_cache_is_never_a_folder_of_the_users(example, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for command in (["build", str(example), "-o", str(tmp_path / "out"), "--build-time", BUILD_TIME],
                    ["check", str(example)]):
        result = subprocess.run([sys.executable, "-m", "statusgen.cli", *command, "--cache", str(mine)],
                                capture_output=True, text=True, cwd=example)
        assert result.returncode == 1
        assert result.stderr.startswith(f"statusgen: {mine}: not statusgen's build cache"), result.stderr
        assert "Traceback" not in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert not (tmp_path / "out").exists()


@pytest.mark.build
@pytest.mark.parametrize("left", ["no tag", "a half tag", "only a .gitignore", "pages only"])
def test_a_cache_without_its_tag_is_made_again_with_a_note(example, tmp_path, left):
    """A cache deleted while a build ran (its writes make the folder again, without the tag), or first made on a full
    disk, is statusgen's by what it holds: the next build empties it and makes it again, no one needs to act."""
    build(example, tmp_path / "first")
    kept = example / ".statusgen-cache"
    if left == "no tag":
        (kept / "CACHEDIR.TAG").unlink()
    elif left == "a half tag":
        (kept / "CACHEDIR.TAG").write_text("Signature: 8a47")
    else:
        for entry in kept.iterdir():
            if entry.name != (".gitignore" if left == "only a .gitignore" else "pages"):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    warm = build(example, tmp_path / "warm")
    assert warm.stderr.splitlines()[0] == (f"note: {kept}: the build cache was incomplete (no CACHEDIR.TAG); it was "
                                           f"emptied and is made again")
    cold = build(example, tmp_path / "cold", "--no-cache")
    assert "note:" not in cold.stderr
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")
    assert (kept / "CACHEDIR.TAG").is_file()
    again = build(example, tmp_path / "again")
    assert "note:" not in again.stderr and tree(tmp_path / "again") == tree(tmp_path / "cold")


@pytest.mark.build
def test_a_cache_on_a_full_disk_is_not_used_and_the_build_goes_on(example, tmp_path, mount):
    full = mount(tmp_path / "small", "-t", "tmpfs", "-o", "size=64k", "statusgen-test")
    fd = os.open(full / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"x" * 4096):
            pass
    except OSError:  # full: what the test wants
        pass
    finally:
        os.close(fd)
    cache = full / "cache"
    first = build(example, tmp_path / "first", "--cache", str(cache))
    assert first.stderr.splitlines()[0] == (f"note: {cache}: the build cache cannot be made (no space left on "
                                            f"device); building without it")
    build(example, tmp_path / "cold", "--no-cache")
    assert tree(tmp_path / "first") == tree(tmp_path / "cold")
    (full / "filler").unlink()  # room again: the next build makes the cache as it should, with no one acting
    second = build(example, tmp_path / "second", "--cache", str(cache))
    assert (cache / "CACHEDIR.TAG").is_file() and tree(tmp_path / "second") == tree(tmp_path / "cold")


def test_check_uses_the_cache_and_still_reports_every_problem(example, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from statusgen.cli import main

    # The first check as authors run it, a process; the two that read its cache in this process, through the same
    # click command (a process costs 0.3 CPU-s to start). A crash raises rather than passing for exit code 1.
    first = subprocess.run([sys.executable, "-m", "statusgen.cli", "check", str(example)], capture_output=True,
                           text=True, cwd=example)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (example / ".statusgen-cache" / "incidents.pickle").is_file()
    monkeypatch.chdir(example)
    run = lambda: CliRunner().invoke(main, ["check", str(example)], catch_exceptions=False)  # noqa: E731
    assert run().exit_code == 0
    edit(example / "content" / "incidents" / "2025-12-09-email-delays.md", "state: resolved", "state: fixed")
    result = run()
    assert result.exit_code == 1
    said = result.stdout + result.stderr
    assert "2025-12-09-email-delays.md:" in said and "fixed" in said, said


@pytest.mark.build
def test_timings_say_where_the_cpu_time_went(example, tmp_path):
    build(aged(example), tmp_path / "out")  # the next build's early work is forked as the incidents are loaded
    result = build(example, tmp_path / "out", "--timings")
    line = next(line for line in result.stderr.splitlines() if line.startswith("timings (CPU s, all processes): "))
    phases = dict(part.rsplit(" ", 1) for part in line.split(": ", 1)[1].split("; ")[0].split(", "))
    assert {"load", "derive", "render", "write"} <= set(phases), line
    assert all(float(seconds) >= 0 for seconds in phases.values()) and float(phases["render"]) > 0, line
    assert not (tmp_path / "out" / ".statusgen-timings.json").exists()  # nothing of it in the published site


def test_a_phase_entered_inside_another_is_taken_out_of_it():
    import time

    from statusgen.timing import Phases

    def spin(seconds: float) -> None:
        until = time.process_time() + seconds
        while time.process_time() < until:
            pass

    phases = Phases()
    began = time.process_time()
    with phases("render"):  # CPU time spent in each phase, of this process alone: load elsewhere does not count
        spin(0.025)
        with phases("markdown"):
            spin(0.05)
        phases.timed("markdown", spin)(0.05)
        spin(0.025)
    total = time.process_time() - began
    # each bound 0.05 s above what was spent: the inner phases (0.1) left in "render" would pass it
    assert 0.05 <= phases.seconds["render"] < 0.1 and 0.1 <= phases.seconds["markdown"] < 0.15, phases.seconds
    assert sum(phases.seconds.values()) == pytest.approx(total, abs=0.01)


@pytest.mark.build
def test_a_cache_on_another_file_system_is_copied_from_not_linked(example, tmp_path):
    """A cache on another file system than the site works as one beside it: the same bytes."""
    import tempfile

    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here (/dev/shm) to put the cache on")
    cache = Path(tempfile.mkdtemp(prefix="statusgen-test-cache-", dir="/dev/shm"))
    try:
        build(example, tmp_path / "first", "--cache", str(cache))
        cold, warm = tmp_path / "cold", tmp_path / "warm"
        build(example, cold, "--no-cache")
        build(example, warm, "--cache", str(cache))
        assert tree(warm) == tree(cold)
        assert len(list((cache / "pages").rglob("*.html"))) > 5
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_an_upgrade_of_what_renders_the_pages_makes_the_cache_stale(monkeypatch):
    """Pins can change: another Markdown, Jinja or zone database may render the same input differently."""
    import importlib.metadata

    from statusgen import cache

    real = importlib.metadata.version
    cache.code_version.cache_clear()
    before = cache.code_version()
    for name in ("markdown", "jinja2", "tzdata"):
        monkeypatch.setattr(importlib.metadata, "version",
                            lambda package, name=name: "99.0" if package == name else real(package))
        cache.code_version.cache_clear()
        assert cache.code_version() != before, name
    monkeypatch.setattr(importlib.metadata, "version", real)
    cache.code_version.cache_clear()
    assert cache.code_version() == before


INCIDENT = """\
---
title: Calls fail {n}
components:
  phone: major_outage
updates:
  - at: 2026-01-01 10:00Z
    state: investigating
    body: We are looking into it.
---
"""


def test_one_edited_file_is_read_again_rather_than_the_whole_store_rewritten(site, tmp_path, monkeypatch):
    from statusgen.cache import IncidentStore
    from statusgen.load import load_site

    # Files written long before the store (here, just before it: no racy window, as if they were older than it).
    monkeypatch.setattr(IncidentStore, "RACY_NS", 0)
    cache = tmp_path / "cache"
    for n in range(100):
        site.incident(f"2026-01-01-calls-{n}.md", INCIDENT.format(n=n))
    first = load_site(site.content, "UTC", cache=cache)
    store = cache / "incidents.pickle"
    written = store.stat().st_mtime_ns
    site.incident("2026-01-01-calls-7.md", INCIDENT.format(n="seven"))
    second = load_site(site.content, "UTC", cache=cache)
    assert store.stat().st_mtime_ns == written  # one file in 100: not worth rewriting the store
    assert [i.title for i in second.incidents] == [i.title for i in load_site(site.content, "UTC").incidents]
    assert "Calls fail seven" in {i.title for i in second.incidents} and first != second
    for n in (1, 2, 3):
        site.incident(f"2026-01-01-calls-{n}.md", INCIDENT.format(n=f"edited {n}"))
    third = load_site(site.content, "UTC", cache=cache)  # four in 100 changed: the store is rewritten
    assert store.stat().st_mtime_ns != written
    assert third == load_site(site.content, "UTC", cache=cache) == load_site(site.content, "UTC")


def test_files_too_new_to_trust_by_their_stat_have_the_store_written_again(site, tmp_path):
    """Files changed within the racy window of the store's writing are read again; with many of them, the store is
    written again, so that a later build trusts them (a site made just before its first build, as a preview's)."""
    from statusgen.load import _generation, load_site

    cache = tmp_path / "cache"
    for n in range(100):
        site.incident(f"2026-01-01-calls-{n}.md", INCIDENT.format(n=n))
    load_site(site.content, "UTC", cache=cache)  # the files were written just now: all within the window
    store = cache / "incidents.pickle"
    written = store.stat().st_mtime_ns
    again = IncidentStore(cache, _generation(site.content, "UTC"))  # what the next load sees of them
    assert again.unchanged([str(p) for p in sorted((site.content / "incidents").iterdir())]) == {}
    assert len(again.index) == again.racy == 100
    again.close()
    second = load_site(site.content, "UTC", cache=cache)  # every file read again, found the same: written again
    assert store.stat().st_mtime_ns != written
    assert second == load_site(site.content, "UTC")


def test_closed_incidents_read_again_have_their_pages_placed_from_the_store_too(tmp_path):
    """A build that began placing pages from the index (files trusted by their stat) also places, once the incidents
    are read, the stored pages of closed incidents whose files it read again (touched since, or too new to trust)."""
    from datetime import timedelta

    from statusgen import keys, timing
    from statusgen.cache import PageStore
    from statusgen.load import load_site
    from statusgen.placing import EarlyPlacing
    from statusgen.status import is_final

    site = load_site(ROOT / "content", "America/Chicago")
    at = max(u.at for i in site.incidents for u in i.updates) + timedelta(days=30)
    closed = [i for i in site.incidents if is_final(i, at)]
    assert len(closed) > 5
    pages, urls, out = PageStore(tmp_path / "cache", "site"), Urls(), tmp_path / "out"
    for item in closed:
        pages.keep(keys.made_key("site", item.path, item.digest), f"<p>{item.id}</p>".encode())
    out.mkdir()
    placing = EarlyPlacing(pages, urls, str(out), "site", timing.Phases())
    first = site.incidents.index(closed[0])  # the one file trusted by its stat
    placing.from_index(at, [i.path for i in site.incidents],
                       {first: (closed[0].digest, IncidentStore.closed_at(closed[0]))})
    assert list(placing.keys) == [closed[0].id]
    placing.start(site, at)
    assert placing.finish() == set() and set(placing.keys) == {i.id for i in closed}
    for item in closed:
        assert (out / urls.save_as("incident", item.id)).read_bytes() == f"<p>{item.id}</p>".encode()


def test_a_stored_incident_named_from_another_folder_is_the_same_incident_with_that_path():
    """check . and build name the same file differently; the store hands back a copy with the caller's path."""
    from dataclasses import replace

    from statusgen.cache import _renamed
    from statusgen.load import load_site

    site = load_site(ROOT / "content", "America/Chicago")
    for item in site.incidents:
        copy = _renamed(item, "elsewhere/" + item.path)
        assert copy == replace(item, path="elsewhere/" + item.path) and copy.digest == item.digest
        assert copy.path != item.path and copy.updates is item.updates


# A build's moments, by how many files it has written into its staging folder when the cache is deleted (the example
# site has about 150): STATUSGEN_LONG_TESTS=1 tries 20 of them, `make test` three.
MOMENTS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152] \
    if os.environ.get("STATUSGEN_LONG_TESTS") == "1" else [0, 40, 120]


def files_written(output: Path) -> int:
    """Files in the build's staging folder so far (os.walk: the folder may be swapped away while it is counted)."""
    return sum(len(files) for folder in output.parent.glob(f".{output.name}.building-*")
               for _, _, files in os.walk(folder))


@pytest.mark.build
@pytest.mark.parametrize("moment", MOMENTS)
def test_deleting_the_cache_while_a_build_runs_leaves_a_correct_site_and_a_usable_next_build(example, tmp_path,
                                                                                              moment):
    """The README says the cache may be deleted at any moment: deleted while a warm build writes (once it has
    written `moment` files), the build still publishes what a cold build would, and the next build works with no
    one acting (a cache the build made again without its tag is emptied with a note)."""
    build(example, tmp_path / "first")
    build(example, tmp_path / "cold", "--no-cache")
    cold = tree(tmp_path / "cold")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "statusgen.cli", "build", str(example), "-o", str(out),
                             "--build-time", BUILD_TIME], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=example)
    try:
        while files_written(out) < moment and proc.poll() is None:
            time.sleep(0.002)
        shutil.rmtree(example / ".statusgen-cache", ignore_errors=True)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert tree(out) == cold
    after = build(example, tmp_path / "after")
    assert tree(tmp_path / "after") == cold
    assert all(line.startswith("note: ") for line in after.stderr.splitlines()), after.stderr
    again = build(example, tmp_path / "again")
    assert again.stderr == "" and tree(tmp_path / "again") == cold


@pytest.mark.build
def test_editing_or_cutting_a_published_page_in_place_changes_nothing_the_next_build_publishes(example, tmp_path):
    """A step after the build that adds a tag to pages in place, or cuts one short, works on the published files
    alone: none is a file of the cache, so the next warm build publishes what a cold build does."""
    out = tmp_path / "out"
    build(example, out)
    build(example, out)  # its pages came from the cache
    stored = stored_bodies(example)
    pages = sorted(p for p in out.glob("incidents/*/index.html") if p.read_bytes() in stored)
    feed = out / "feeds" / "all.atom.xml"
    assert len(pages) > 5 and feed.read_bytes() in stored
    for page in pages[:3]:
        with open(page, "r+b") as f:  # in place: the same inode
            text = f.read()
            f.seek(0)
            f.write(text.replace(b"</head>", b"<script src=/analytics.js></script></head>"))
    os.truncate(pages[3], 100)
    os.truncate(feed, 10)
    cold = tmp_path / "cold"
    build(example, cold, "--no-cache")
    assert tree(out) != tree(cold)
    for _ in range(2):  # the first: the edited site is now the one replaced; the second takes from it
        result = build(example, out)
        assert tree(out) == tree(cold)
        assert "build cache" not in result.stderr


@pytest.mark.build
def test_a_stored_page_changed_in_the_cache_is_made_again_with_one_note(example, tmp_path):
    """A stored page, feed, table of rows or compiled template that is not the bytes stored (its hash says so) is
    never used: it is made again, and the build says so once, in one line."""
    build(example, tmp_path / "first")
    files = sorted(stored_files(example))
    page = next(p for p in files if not p.stem.endswith(("-0", "-1")))
    feed = next(p for p in files if p.stem.endswith("-0"))
    for path in (page, feed):
        data = bytearray(path.read_bytes())
        data[-20] ^= 0x20  # one byte, the hash line left as it was
        path.write_bytes(bytes(data))
    rows = next((example / ".statusgen-cache" / "pages").glob("*/.rows-history.pickle"))
    rows.write_bytes(rows.read_bytes()[:-1] + b"x")
    compiled = sorted((example / ".statusgen-cache" / "pages").glob("*/.templates/*"))
    assert compiled
    compiled[0].write_bytes(compiled[0].read_bytes()[:-1])  # a compiled template cut short
    spare = example / ".statusgen-cache" / "previous-site"
    assert not spare.exists()  # nothing else to take the pages from
    warm = tmp_path / "warm"
    result = build(example, warm)
    cold = tmp_path / "cold"
    build(example, cold, "--no-cache")
    assert tree(warm) == tree(cold)
    notes = [line for line in result.stderr.splitlines() if "build cache" in line]
    assert notes == ["warning: .statusgen-cache:1: 4 file(s) in the build cache were not the bytes "
                     "stored (changed since); they were not used, and were made again"], result.stderr
    again = build(example, tmp_path / "again")  # made again and stored whole: nothing more to say
    assert tree(tmp_path / "again") == tree(cold) and "build cache" not in again.stderr


# --- the pages a build published, checked by their stat when taken back -------------------------------------------

def _published(tmp_path: Path, pages: dict[str, bytes]):
    """A page set with `pages` stored (by key), a spare site holding each as incidents/<key>/index.html, and the
    record of it, made a little after the files (so that, with no racy window, their stat is trusted)."""
    from statusgen.cache import PageStore, SPARE_SITE

    cache = tmp_path / "cache"
    store = PageStore(cache, "k" * 64)
    spare = cache / SPARE_SITE
    for key, data in pages.items():
        store.keep(key, data)
        (spare / "incidents" / key).mkdir(parents=True)
        (spare / "incidents" / key / "index.html").write_bytes(data)
    time.sleep(0.05)
    store.record(str(spare), "incidents", [(key, key) for key in pages], "index.html")
    return store, spare / "incidents"


def test_a_page_taken_back_as_its_build_left_it_is_trusted_by_its_stat_and_any_change_is_seen(tmp_path, monkeypatch):
    """PageStore.record notes each published page's stat and its folder's; the build that takes the page back from
    the spare site checks those (not its bytes) and finds every way the folder or the page can have changed since:
    a write in place of the same size, a file beside it, a new name for it. Each of those falls back to the bytes'
    check, which puts the stored page in place or gives the folder up."""
    from statusgen import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    pages = {name: f"<p>{name} {'x' * 40}</p>".encode() for name in ("same", "edited", "crowded", "linked")}
    store, incidents = _published(tmp_path, pages)
    recorded, trusted_before = store.recorded()
    assert set(recorded) == set(pages)
    checked = []
    real_same = cache.PageStore._same
    monkeypatch.setattr(cache.PageStore, "_same", lambda self, page, key: checked.append(key) or real_same(
        self, page, key))

    def adopt(key: str) -> bool:
        return store.adopt(str(incidents / key), "index.html", key, recorded.get(key), trusted_before)

    with open(incidents / "edited" / "index.html", "r+b") as f:  # in place, the same size
        f.write(b"<P>")
    (incidents / "crowded" / "notes.txt").write_text("not a page of ours")
    os.link(incidents / "linked" / "index.html", tmp_path / "elsewhere.html")
    assert adopt("same") and checked == []  # trusted by its stat: its bytes not even read
    assert adopt("edited") and checked == ["edited"]
    assert (incidents / "edited" / "index.html").read_bytes() == pages["edited"]  # the stored page again
    assert not adopt("crowded")  # the caller removes the folder
    assert adopt("linked") and checked[-1] == "linked"  # the same bytes, but its stat changed: checked by them
    # Another key (the incident changed since), or no record, is checked by the bytes.
    assert not store.adopt(str(incidents / "same"), "index.html", "other", recorded["same"], trusted_before)
    assert store.adopt(str(incidents / "same"), "index.html", "same") and checked[-1] == "same"


def test_a_page_changed_within_the_racy_window_of_its_record_or_a_damaged_record_is_checked_by_its_bytes(
        tmp_path, monkeypatch):
    """A time is read to a clock's tick: a page whose times fall within RACY_NS of the record may have changed
    after it with the same times, so its bytes are checked. A record that fails its own check is not used."""
    from statusgen import cache

    store, incidents = _published(tmp_path, {"page": b"<p>stored</p>"})
    checked = []
    monkeypatch.setattr(cache.PageStore, "_same", lambda self, page, key: checked.append(key) or True)
    recorded, trusted_before = store.recorded()
    assert store.adopt(str(incidents / "page"), "index.html", "page", recorded["page"], trusted_before)
    assert checked == ["page"]
    record = next(store.folder.glob(".published-*.pickle"))
    data = bytearray(record.read_bytes())
    data[-3] ^= 1
    record.write_bytes(bytes(data))
    assert store.recorded() == ({}, 0)


@pytest.mark.build
def test_a_page_of_the_replaced_site_edited_long_after_its_build_is_made_again(example, tmp_path):
    """Past the racy window, the pages of the site a build takes from are checked by their stat: one edited in
    place (same size) or truncated then is still seen, and the build gives a cold build's bytes; the others are
    taken as they are."""
    out = tmp_path / "out"
    build(example, out)
    stored = stored_bodies(example)
    closed = sorted(p.parent.name for p in out.glob("incidents/*/index.html") if p.read_bytes() in stored)
    assert len(closed) > 5
    time.sleep(IncidentStore.RACY_NS / 1e9 + 0.2)  # the first site's record is now past its racy window
    first = {name: (out / "incidents" / name).stat().st_ino for name in closed}
    with held(out / "incidents" / name for name in closed):
        build(example, out)  # the first site is now the spare
        spare = example / ".statusgen-cache" / "previous-site" / "incidents"
        edited, truncated = closed[1], closed[2]
        with open(spare / edited / "index.html", "r+b") as f:  # in place: the same inode and size
            text = f.read()
            f.seek(0)
            f.write(text.replace(b"<html", b"<HTML", 1))
        os.truncate(spare / truncated / "index.html", 100)
        build(example, out)
        cold = tmp_path / "cold"
        build(example, cold, "--no-cache")
        assert tree(out) == tree(cold)
        kept = {name for name in closed if (out / "incidents" / name).stat().st_ino == first[name]}
        assert kept == set(closed)  # the folders are taken; the two pages in them made again from the cache
        assert (out / "incidents" / edited / "index.html").read_bytes() in stored
