"""`statusgen serve`: the live preview, run as authors run it (a child process serving a copy of the example site
over HTTP), edited while it runs. The reload script is in every page the preview serves and in no published page."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import lxml.html
import pytest

from statusgen.preview import EVENTS_PATH, RELOAD_JS, RELOAD_PATH, inject, reload_script
from tests.conftest import ROOT

SITE_FILES = ("content", "theme", "plugins", "pelicanconf.py")
INCIDENT = "content/incidents/2026-03-17-dns-lookups-failing.md"
INCIDENT_URL = "incidents/2026-03-17-dns-lookups-failing/"
TITLE = "Websites fail to load because of a DNS problem"
WAIT = 30  # seconds: a generous bound on any one step; each takes about a second here
SERVING = re.compile(r"serving (http://127\.0\.0\.1:([0-9]+)/) \(a preview: rebuilt and reloaded after every "
                     r"change; Ctrl-C stops it\)")
BUILD_DONE = re.compile(r"build [0-9]+ done in [0-9]+\.[0-9]{2} s")


def copy_site(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in SITE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dest / name)
    return dest


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


class Preview:
    """`statusgen serve SITE --port 0` in a child process whose temporary files go to `temp`; what it says on
    stderr is read line by line as it comes."""

    def __init__(self, site: Path, temp: Path):
        temp.mkdir()
        self.site, self.temp = site, temp
        self.lines: list[str] = []
        self.streams: list[Events] = []
        self._said = threading.Condition()
        self.process = subprocess.Popen([sys.executable, "-m", "statusgen.cli", "serve", str(site), "--port", "0"],
                                        cwd=site, env={**os.environ, "TMPDIR": str(temp)},
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = ""

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._said:
                self.lines.append(line.rstrip("\n"))
                self._said.notify_all()

    def wait_for(self, pattern: re.Pattern) -> re.Match:
        """The first line said that matches `pattern` in full, waiting for it."""
        def found():
            return next((m for m in map(pattern.fullmatch, self.lines) if m), None)

        with self._said:
            assert self._said.wait_for(found, WAIT), "\n".join(self.lines)
            return found()

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urlopen(self.url + path, timeout=WAIT) as response:
                return response.status, response.read()
        except HTTPError as err:
            return err.code, err.read()

    def page(self, path: str = "", status: int = 200):
        code, body = self.get(path)
        assert code == status, body[:2000]
        return lxml.html.fromstring(body)

    def events(self) -> Events:
        self.streams.append(Events(self.url))
        return self.streams[-1]

    def stop(self) -> None:
        """End the child by its pid if it still runs (the finalizer of every test that starts one)."""
        for stream in self.streams:
            stream.response.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(WAIT)
        self._reader.join(WAIT)
        self.process.stderr.close()


class Events:
    """The preview's build event stream (Server-Sent Events), read as a browser's EventSource would."""

    def __init__(self, url: str):
        self.response = urlopen(url + EVENTS_PATH.lstrip("/"), timeout=WAIT)
        assert self.response.headers.get_content_type() == "text/event-stream"

    def next_build(self) -> int:
        """The build number the next `build` event carries."""
        event, data = "message", []
        for raw in self.response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if event == "build" and data:
                    return int("\n".join(data))
                event, data = "message", []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        raise EOFError("the event stream ended")

    def build_after(self, seen: int) -> int:
        """The number of the first build after build `seen` (a stream opened late announces the latest at once)."""
        while (build := self.next_build()) <= seen:
            pass
        return build


@pytest.fixture
def preview(tmp_path: Path):
    running = Preview(copy_site(tmp_path / "site"), tmp_path / "temp")
    try:
        running.url = running.wait_for(SERVING)[1]
        yield running
    finally:
        running.stop()


def reload_scripts(page) -> list:
    return [s for s in page.iter("script") if s.get("src") == RELOAD_PATH]


# --- the preview, edited while it runs ----------------------------------------------------------------------

@pytest.mark.build
def test_edit_shows_new_page_and_sends_reload_event(preview):
    events = preview.events()
    first = events.build_after(0)
    page = preview.page(INCIDENT_URL)
    assert page.findtext(".//h1") == TITLE
    script, = reload_scripts(page)
    assert script.getparent().tag == "body" and script is page.body[-1]
    assert script.get("data-build") == str(first)
    code, js = preview.get(RELOAD_PATH.lstrip("/"))
    assert code == 200 and js == RELOAD_JS
    assert len(reload_scripts(preview.page("no/such/page/", status=404))) == 1  # the site's 404 page, reloading too

    incident = preview.site / INCIDENT
    incident.write_text(incident.read_text(encoding="utf-8").replace(TITLE, "DNS lookups fail"), encoding="utf-8")
    assert events.build_after(first) == first + 1
    page = preview.page(INCIDENT_URL)
    assert page.findtext(".//h1") == "DNS lookups fail"
    assert len(reload_scripts(page)) == 1
    preview.wait_for(re.compile(re.escape(f"{INCIDENT} changed: rebuilding")))

    settings = preview.site / "pelicanconf.py"  # the settings are watched too
    settings.write_text(settings.read_text(encoding="utf-8").replace('SITENAME = "Lakeshore Communications Status"',
                                                                     'SITENAME = "Lakeshore Status"'))
    assert events.build_after(first + 1) == first + 2
    assert preview.page().findtext(".//a[@class='brand']") == "Lakeshore Status"


@pytest.mark.build
def test_a_path_with_a_nul_is_a_bad_request_not_a_traceback(preview):
    preview.wait_for(BUILD_DONE)
    for path in ("index.html%00.txt", "%00", "incidents/%00/"):
        code, body = preview.get(path)
        assert code == 400, body[:300]
    assert preview.get("")[0] == 200  # and the preview goes on
    assert not [line for line in preview.lines if "Traceback" in line or "Error" in line], preview.lines


@pytest.mark.build
def test_invalid_content_shows_its_problems_until_fixed(preview):
    events = preview.events()
    good = events.build_after(0)
    incident = preview.site / INCIDENT
    text = incident.read_text(encoding="utf-8")
    incident.write_text(text.replace("impact: major", "impact: <b>huge</b>"), encoding="utf-8")
    problem = (f'{INCIDENT}:3: impact: invalid impact (expected one of none, minor, major, critical, '
               f'got "<b>huge</b>")')

    broken = events.build_after(good)
    for path in ("", INCIDENT_URL, "history/", "no/such/page.html"):  # every page shows the problems
        page = preview.page(path, status=500)
        assert [li.text_content() for li in page.findall(".//ul[@class='problems']/li")] == [problem]
        assert page.findtext(".//h1") == "1 problem in the site"
        assert page.find(".//li/b") is None  # the author's text is escaped, never markup
        script, = reload_scripts(page)
        assert script.get("data-build") == str(broken)
    code, summary = preview.get("api/v2/summary.json")  # files other than pages: the last good build's
    assert code == 200 and b"__statusgen" not in summary
    preview.wait_for(re.compile(re.escape(problem)))  # the terminal says it too
    preview.wait_for(re.compile(r"1 problem: the preview shows it in place of the site until it is fixed"))

    incident.write_text(text, encoding="utf-8")
    assert events.build_after(broken) == broken + 1
    assert preview.page(INCIDENT_URL).findtext(".//h1") == TITLE

    template = preview.site / "theme/templates/incident.html"  # a build that fails for another reason: its log
    markup = template.read_text(encoding="utf-8")
    template.write_text(markup + "{% if %}", encoding="utf-8")
    assert events.build_after(broken + 1) == broken + 2
    page = preview.page(INCIDENT_URL, status=500)
    assert page.findtext(".//h1") == "The build failed"
    assert "TemplateSyntaxError" in page.findtext(".//pre")  # what Pelican said
    template.write_text(markup, encoding="utf-8")
    assert events.build_after(broken + 2) == broken + 3
    assert preview.page(INCIDENT_URL).findtext(".//h1") == TITLE


@pytest.mark.build
def test_serves_on_localhost_and_stops_on_sigterm_leaving_nothing(preview):
    """--bind defaults to 127.0.0.1. SIGTERM (or Ctrl-C) is how a preview ends, so it exits 0, its temporary
    folder removed, the site folder as it was, the open event streams ended. Idle, it never rebuilds."""
    assert int(SERVING.fullmatch(preview.lines[0])[2]) > 0  # port 0: the port the system gave
    before = files_in(preview.site)
    events = preview.events()
    events.build_after(0)
    assert len(os.listdir(preview.temp)) == 1  # the preview's own folder
    time.sleep(1)  # long enough for a build to have set off another (it reads every file), had it done so
    preview.process.send_signal(signal.SIGTERM)
    assert preview.process.wait(WAIT) == 0
    with pytest.raises(EOFError):
        events.next_build()
    preview.wait_for(re.compile("stopped; the preview's files are removed"))
    said = [line for line in preview.lines if not line.startswith("warning: ")]  # updates after now, slow clock
    assert len(said) == 3 and BUILD_DONE.fullmatch(said[1]), preview.lines
    assert os.listdir(preview.temp) == []
    assert files_in(preview.site) == before


def test_port_in_use_is_one_line(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "content").mkdir()  # a site (its missing catalog shows in the preview): serve looks for one
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "statusgen.cli", "serve", str(tmp_path), "--port", str(port)],
                                capture_output=True, text=True, env={**os.environ, "TMPDIR": str(temp)}, timeout=WAIT)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"statusgen: Address already in use: 127.0.0.1 port {port}\n")
    assert os.listdir(temp) == []


# --- the published site -------------------------------------------------------------------------------------

def test_published_site_has_no_reload_script(example_output):
    pages = sorted(example_output.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = lxml.html.fromstring(path.read_bytes())
        assert reload_scripts(page) == [], path
        assert not [s for s in page.iter("script") if "EventSource" in (s.text or "")], path


# --- how the script is added --------------------------------------------------------------------------------

SCRIPT = '<script src="x"></script>'


@pytest.mark.parametrize("page, expected", [
    (b"<html><body><p>hi</p></body></html>", b'<html><body><p>hi</p><script src="x"></script></body></html>'),
    (b"<BODY>a</BODY>\n", b'<BODY>a<script src="x"></script></BODY>\n'),
    (b"<p>no body end", b'<p>no body end<script src="x"></script>'),
])
def test_inject(page, expected):
    assert inject(page, SCRIPT) == expected


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pytest.skip("needs Linux's /proc/PID/task/PID/children to see the preview's processes")


@pytest.mark.build
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the zygote is forked")
def test_builds_are_forked_from_a_process_made_before_the_threads_and_without_it_still_run(preview):
    """Each build's Pelican is forked from the preview's zygote (no new interpreter to start and import); if that
    process is gone, the next build starts Pelican as a new process and the preview goes on."""
    events = preview.events()
    first = events.build_after(0)
    zygotes = children(preview.process.pid)
    assert len(zygotes) == 1  # between builds: the zygote alone
    zygote = zygotes[0]
    assert Path(f"/proc/{zygote}/cmdline").read_bytes() == Path(f"/proc/{preview.process.pid}/cmdline").read_bytes()
    os.kill(zygote, signal.SIGKILL)  # the zygote is the preview's child, started by this test's preview: by PID
    incident = preview.site / INCIDENT
    incident.write_text(incident.read_text(encoding="utf-8").replace(TITLE, "DNS lookups fail"), encoding="utf-8")
    assert events.build_after(first) == first + 1
    assert preview.page(INCIDENT_URL).findtext(".//h1") == "DNS lookups fail"
    assert children(preview.process.pid) == []  # reaped, and not made again
