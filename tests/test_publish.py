"""Publishing: the CI files are valid, a killed build never harms the published site, every link works when the
site is served from a subpath, and the same input gives the same bytes."""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import icalendar
import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner
from pelican.settings import read_settings

from statusgen import cli, publish
from tests.conftest import BUILD_TIME, ROOT, serving, settled

LATER = "2026-11-22 21:15Z"  # a second build time: a different site from the one built at BUILD_TIME
PROJECT = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py")
MAX_REQUESTS = 2000
ATOM = "{http://www.w3.org/2005/Atom}"


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in PROJECT:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest


def build_command(site: Path, output: Path, build_time: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "statusgen.cli", "build", str(site), "-o", str(output), "--build-time", build_time,
            *extra]


def build(site: Path, output: Path, build_time: str = BUILD_TIME, *extra: str, siteurl: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STATUSGEN_SITEURL"}
    if siteurl is not None:
        env["STATUSGEN_SITEURL"] = siteurl
    result = subprocess.run(build_command(site, output, build_time, *extra), capture_output=True, text=True,
                            cwd=site, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the CI files -------------------------------------------------------------------------------------------

CI_FILES = [(".github/workflows/status.yml", "vendor.github-workflows", "runs-on:", "runs_on:"),
            (".gitlab-ci.yml", "vendor.gitlab-ci", "\n  script:", "\n  scripts:")]


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema on one file, as its `check-jsonschema` script runs it (that script calls this click command),
    in this process: a process of its own costs 0.45 CPU-s to start; test_ci_files runs the script itself. A crash
    raises here rather than passing for a rejection."""
    from check_jsonschema import main

    args = ["--builtin-schema", schema, str(path)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return subprocess.CompletedProcess(["check-jsonschema", *args], result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("path, schema, key, typo", CI_FILES)
def test_ci_file_is_valid(path, schema, key, typo):
    result = check_jsonschema(schema, ROOT / path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


@pytest.mark.parametrize("path, schema, key, typo", CI_FILES)
def test_ci_file_with_a_typo_is_rejected(tmp_path, path, schema, key, typo):
    """The validator really validates: one misspelt key fails it."""
    broken = tmp_path / Path(path).name
    broken.write_text((ROOT / path).read_text().replace(key, typo, 1))
    result = check_jsonschema(schema, broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert repr(typo.strip().rstrip(":")) in result.stdout


@pytest.mark.parametrize("env, siteurl", [(None, "https://status.lakeshore.example"),
                                          ("https://example.github.io/status/", "https://example.github.io/status")])
def test_publishconf(monkeypatch, env, siteurl):
    monkeypatch.delenv("STATUSGEN_SITEURL", raising=False)
    if env:
        monkeypatch.setenv("STATUSGEN_SITEURL", env)
    settings = read_settings(str(ROOT / "publishconf.py"))
    assert (settings["SITEURL"], settings["RELATIVE_URLS"]) == (siteurl, False)
    assert settings["SITENAME"] == "Lakeshore Communications Status"  # the rest comes from pelicanconf.py
    assert settings["THEME"] == str(ROOT / "theme")


# --- a killed build ---------------------------------------------------------------------------------------

def staging_has_files(output: Path, ignore: set[Path]) -> bool:
    """Whether a build has begun to write into a staging folder (other than those in `ignore`)."""
    staging = set(output.parent.glob(f".{output.name}.building-*")) - ignore
    return any(f.is_file() and f.name != publish.MARKER for folder in staging for f in folder.rglob("*"))


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in settled(parent).iterdir() if p.name.startswith(".output."))


@pytest.mark.build
def test_a_killed_build_leaves_the_published_site_whole(tmp_path):
    site = copy_project(tmp_path / "site")
    output = site / "output"
    build(site, tmp_path / "first", BUILD_TIME)
    build(site, tmp_path / "second", LATER)
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert first != second and len(first) == len(second) > 40

    for moment in (0.05, 0.2, 0.5, 1.0, "while Pelican writes"):
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(tmp_path / "first", output)
        earlier = set(site.glob(".output.building-*"))  # left by the kills before this one
        proc = subprocess.Popen(build_command(site, output, LATER), cwd=site, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if moment == "while Pelican writes":
                deadline = time.monotonic() + 60
                while not staging_has_files(output, earlier) and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
            else:
                time.sleep(moment)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # it had already finished
            pass
        finally:
            proc.wait(timeout=60)
        now = snapshot(output)
        # Never a mixture, never missing: the old site whole, or (if the swap was reached) the new one whole.
        assert now == first or now == second, f"killed at {moment}: {len(now)} files, neither build"
        if proc.returncode == 0:
            assert now == second, moment
        if moment == "while Pelican writes":
            assert proc.returncode == -signal.SIGKILL, "the build finished before Pelican was seen writing"
            assert now == first
    assert any(name.startswith(".output.building-") for name in leftovers(site)), leftovers(site)

    # A later build removes what killed builds left, and an old site a swap did not get to remove, but not the
    # staging folder of a build still running (it holds a lock on it) nor those of another output.
    (site / ".output.old").mkdir()
    running = site / ".output.building-running"
    (running / "incidents").mkdir(parents=True)
    (site / ".public.building-other").mkdir()
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        build(site, output, LATER)
    finally:
        os.close(fd)
    assert snapshot(output) == second
    assert leftovers(site) == [".output.building-running"]
    assert (site / ".public.building-other").is_dir()


@pytest.mark.build
def test_a_swap_killed_between_its_two_renames_is_undone_by_the_next_build(tmp_path):
    """Where folders cannot trade places in one step, the old site waits as .output.old during the swap; if the
    build dies right then, the next build puts it back before anything else (and here fails on bad content)."""
    site = copy_project(tmp_path / "site")
    build(site, tmp_path / "first", BUILD_TIME)
    shutil.copytree(tmp_path / "first", site / ".output.old")
    (site / "content/incidents/2026-11-23-broken.md").write_text("---\ntitle: [unclosed\n---\n")
    result = subprocess.run(build_command(site, site / "output", LATER), capture_output=True, text=True, cwd=site)
    assert result.returncode == 1
    assert snapshot(site / "output") == snapshot(tmp_path / "first")  # the last good site, back in place
    assert leftovers(site) == []


@pytest.mark.build
def test_the_swap_without_an_atomic_exchange(tmp_path, monkeypatch):
    """Where the system cannot swap two folders in one step, two renames do, and nothing is left behind."""
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    site = copy_project(tmp_path / "site")
    for when in (BUILD_TIME, LATER):
        result = CliRunner().invoke(cli.main, ["build", str(site), "-o", str(site / "output"), "--build-time", when])
        assert result.exit_code == 0, result.output
    build(site, tmp_path / "second", LATER)
    assert snapshot(site / "output") == snapshot(tmp_path / "second")
    assert leftovers(site) == []


# --- every link works, from the root or a subpath ---------------------------------------------------------

def html_links(body: bytes) -> list[str]:
    if not body.strip():
        return []
    root = lxml.html.fromstring(body)
    return root.xpath("//a/@href | //link/@href | //script/@src | //img/@src")


def xml_links(body: bytes) -> list[str]:
    """Every link in an Atom or RSS feed (the feed's, its entries', those inside entry content) or a sitemap."""
    root = lxml.etree.fromstring(body)
    links = root.xpath("//atom:link/@href", namespaces={"atom": ATOM[1:-1]})
    links += root.xpath("//sm:loc/text()", namespaces={"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    links += [el.text.strip() for el in root.iter("link") if el.text and el.text.strip()]  # RSS <link>
    for content in [*root.iter(f"{ATOM}content", f"{ATOM}summary"), *root.iter("description")]:
        if content.text and (content.get("type") == "html" or content.tag == "description"):
            links += html_links(content.text.encode())
    return links


def calendar_links(body: bytes) -> list[str]:
    cal = icalendar.Calendar.from_ical(body)
    return [str(part["URL"]) for part in cal.walk() if "URL" in part]


def robots_links(body: bytes) -> list[str]:
    lines = body.decode("utf-8").splitlines()
    return [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]


LINKS_BY_SUFFIX = {".xml": xml_links, ".ics": calendar_links, "robots.txt": robots_links}


def links_in(url: str, kind: str, body: bytes) -> list[str]:
    if kind == "text/html":
        return html_links(body)
    path = urlsplit(url).path
    return next((links(body) for suffix, links in LINKS_BY_SUFFIX.items() if path.endswith(suffix)), [])


def fetch(url: str) -> tuple[str, str, bytes]:
    """The final URL, media type and body; HTTPError for a 404."""
    with urlopen(url, timeout=10) as response:
        return response.geturl(), response.headers.get_content_type(), response.read()


def crawl(*starts: str) -> tuple[set[str], list[str], set[str]]:
    """Fetch `starts` and, breadth first, everything linked from their pages, feeds, calendars and sitemaps on the
    same server, staying in the first start's folder.

    Returns the URLs fetched, the problems (a 404, or a link leaving the site's folder) and the links to other hosts.
    """
    base = urlsplit(starts[0])
    seen, queue, problems, elsewhere = set(starts), deque((start, "") for start in starts), [], set()
    while queue:
        url, referrer = queue.popleft()
        assert len(seen) <= MAX_REQUESTS, "the crawl does not end"
        try:
            final, kind, body = fetch(url)
        except HTTPError as err:
            err.close()
            problems.append(f"{err.code} {url} (linked from {referrer})")
            continue
        for link in links_in(final, kind, body):
            target = urldefrag(urljoin(final, link)).url
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.hostname != "127.0.0.1":
                elsewhere.add(target)  # mailto:, tel:, other sites
            elif parts.port != base.port or not parts.path.startswith(base.path):
                problems.append(f"{link!r} in {final} leaves {base.path}")
            elif target not in seen:
                seen.add(target)
                queue.append((target, final))
    return seen, problems, elsewhere


@contextmanager
def served_site(tmp_path: Path, urls: str, prefix: str):
    """The example site built with relative URLs (pelicanconf.py) or absolute ones (publishconf.py, for the address
    it is served at), served at `prefix`; yields the site's address and its output folder."""
    site = copy_project(tmp_path / "site")
    served = tmp_path / "www"
    output = served / prefix.strip("/") if prefix != "/" else served
    served.mkdir()
    with serving(served) as port:
        address = f"http://127.0.0.1:{port}{prefix}"
        if urls == "absolute":
            build(site, output, BUILD_TIME, "-s", str(site / "publishconf.py"), siteurl=address)
        else:  # pelicanconf.py as it is (relative page links), with SITEURL where it is served, for feeds
            local = site / "localconf.py"
            local.write_text("import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
                             f"from pelicanconf import *  # noqa\nSITEURL = {address.rstrip('/')!r}\n")
            build(site, output, BUILD_TIME, "-s", str(local))
        yield address, output


SERVED = [("relative", "/"), ("relative", "/status/"), ("absolute", "/status/"), ("absolute", "/")]


@pytest.mark.build
@pytest.mark.parametrize("urls, prefix", SERVED)
def test_every_link_works_served_from_the_root_or_a_subpath(tmp_path, urls, prefix):
    with served_site(tmp_path, urls, prefix) as (address, output):
        fetched, problems, elsewhere = crawl(address, address + "robots.txt")
    assert problems == []
    assert not [url for url in elsewhere if urlsplit(url).hostname == "status.lakeshore.example"]
    # Every page, feed, calendar and sitemap is reachable from the home page (404.html: see the next test).
    reached = {urlsplit(url).path[len(prefix):] for url in fetched}
    reached |= {path + "index.html" for path in reached if path.endswith("/") or path == ""}
    files = {name for name in snapshot(output) if name.endswith((".html", ".xml", ".ics"))}
    assert files - reached == {"404.html"}
    if urls == "absolute":
        home = lxml.html.parse(str(output / "index.html")).getroot()
        assert home.xpath("//header//a[@class='brand']/@href") == [address]


@pytest.mark.build
@pytest.mark.parametrize("urls, prefix", SERVED)
def test_the_404_page_works_at_any_missing_address(tmp_path, urls, prefix):
    """A host serves 404.html in place of any missing page, at that page's address: its links must work there."""
    with served_site(tmp_path, urls, prefix) as (address, output):
        _, kind, body = fetch(address + "404.html")
        assert kind == "text/html"
        missing = address + "incidents/no-such-incident/"
        links = {urldefrag(urljoin(missing, link)).url for link in html_links(body)} - {missing}
        assert links
        assert sorted(link for link in links if not link.startswith(address)) == []
        _, problems, _ = crawl(address, *sorted(links))
    assert problems == []


# --- same input, same bytes -------------------------------------------------------------------------------

@pytest.mark.build
@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_the_example_site_builds_to_the_same_bytes(tmp_path, settings):
    outputs = []
    for name in ("one", "two"):  # two copies in different folders: no path may leak into the output
        site = copy_project(tmp_path / name / "site")
        build(site, tmp_path / name / "out", BUILD_TIME, "-s", str(site / settings),
              siteurl="https://status.example.com/status")
        outputs.append(snapshot(tmp_path / name / "out"))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 40
