"""Shared fixtures: small sites written into tmp_path, and the example site built once with the real Pelican."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIME = "2026-11-22 21:00Z"  # the example site is shown as of this time in tests
CHROMIUM = "/usr/bin/chromium"  # Debian's: `playwright install` cannot download a browser of its own here
LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

CATALOG = """\
areas:
  - id: north
    name: North
  - id: south
    name: South
groups:
  - id: voice
    name: Voice
components:
  - id: phone
    name: Phone
    group: voice
    sla: 99.9
  - id: tv
    name: TV
    areas: [south]
"""


# `make test-fast` sets STATUSGEN_TEST_TIER=fast: there the property tests (hypothesis, or seeded random texts) draw
# fewer cases, the same way each time; `make test`, and pytest run by hand, draw the full number.
FAST_TIER = os.environ.get("STATUSGEN_TEST_TIER") == "fast"


def cases(full: int, fast: int) -> int:
    """How many generated cases a property test draws: `full`, or `fast` in `make test-fast`."""
    return fast if FAST_TIER else full


def utc(text: str) -> datetime:
    """A time written as in the files, in UTC: utc("2026-12-03 02:00")."""
    from statusgen.times import parse_time

    return parse_time(text, timezone.utc)


def settled(parent: Path, timeout: float = 30.0) -> Path:
    """`parent` once the replaced sites a build set aside there (.NAME.deleting-*) are gone: the build deletes them
    in the background, after it has returned."""
    import time

    deadline = time.monotonic() + timeout
    while any(p.name.startswith(".") and ".deleting-" in p.name for p in parent.iterdir()):
        assert time.monotonic() < deadline, f"a replaced site was never deleted in {parent}"
        time.sleep(0.02)
    return parent


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder without logging each request into the test output."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler):
    """Serve `folder` over HTTP on 127.0.0.1 in a thread (with `handler`, a SimpleHTTPRequestHandler); yields the
    port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium through Playwright, one per test module; skips where it is not installed."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip("chromium not installed: run scripts/install-system-deps.sh as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


class SiteFactory:
    """Writes a site folder: content/components.yml, content/incidents/*.md and a pelicanconf.py."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        (self.content / "incidents").mkdir(parents=True)
        self.catalog(CATALOG)
        (root / "pelicanconf.py").write_text('TIMEZONE = "UTC"\n')

    def catalog(self, text: str) -> Path:
        path = self.content / "components.yml"
        path.write_text(textwrap.dedent(text))
        return path

    def incident(self, name: str, text: str | bytes) -> Path:
        path = self.content / "incidents" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
        return path


@pytest.fixture
def site(tmp_path: Path) -> SiteFactory:
    return SiteFactory(tmp_path / "site")


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example site built once, with the real Pelican through `statusgen build`, into a temporary folder."""
    work = tmp_path_factory.mktemp("example")
    for name in ("content", "theme", "plugins", "pelicanconf.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
    output = work / "output"
    result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(work), "-o", str(output),
                             "--build-time", BUILD_TIME], capture_output=True, text=True, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    return output


# --- kinds of test: `make test-fast` runs the library tests alone ----------------------------------------------
# A test that runs a real Pelican build is marked `build`, one that drives Chromium `browser` (the markers are
# registered in pyproject.toml, with --strict-markers). The mark is declared, never guessed from a test's source:
# by the module (`pytestmark = pytest.mark.build`) or the test (`@pytest.mark.build`), or here, by a fixture of this
# file the test asks for (item.fixturenames holds every fixture it uses, through other fixtures too). A test that
# builds without saying so fails at the build (`declared_kind` below).

KIND_OF_FIXTURE = {"example_output": "build", "browser": "browser"}


def pytest_collection_modifyitems(items):
    for item in items:
        for kind in sorted({KIND_OF_FIXTURE[name] for name in getattr(item, "fixturenames", ()) if name in
                            KIND_OF_FIXTURE}):
            item.add_marker(kind)


def _runs_a_build(args) -> bool:
    """Whether a command line starts a Pelican build: `statusgen build`, `python -m statusgen.cli build`, `pelican`
    (alone or inside a shell script)."""
    words = [args] if isinstance(args, (str, bytes)) else list(args)
    text = " ".join(str(word) for word in words)
    return bool(re.search(r"\bstatusgen(\.cli)?\b[^\n;&|]*?\bbuild\b|(^|[\s/])pelican(\s|$)|-m pelican\b", text))


_running: dict = {"item": None}  # the test being set up, run or torn down (its module's fixtures included)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _running["item"] = item


def _undeclared(what: str, kind: str = "build") -> None:
    """Fails the running test when it starts a build (or Chromium) without its marker."""
    item = _running["item"]
    if item is not None and item.get_closest_marker(kind) is None:
        pytest.fail(f"{item.nodeid} runs {what} but is not marked `{kind}` (add @pytest.mark.{kind}, or pytestmark = "
                    f"pytest.mark.{kind} in its module)", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def declared_kind():
    """A test without the `build` marker that starts a real Pelican build (in this process, through
    statusgen.publish, or as a command), from the test or any fixture it uses, fails there: otherwise
    `make test-fast` would run it. The same for Chromium (Playwright's launch) without `browser`."""
    from statusgen import publish

    started = subprocess.Popen.__init__

    def popen(self, args, *rest, **kwargs):
        if _runs_a_build(args):
            _undeclared(f"a build command ({args!r})")
        started(self, args, *rest, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", popen)
        if hasattr(publish, "_run_pelican"):  # where a build starts Pelican
            run_pelican = publish._run_pelican

            def checked(*args, **kwargs):
                _undeclared("a Pelican build")
                return run_pelican(*args, **kwargs)

            patch.setattr(publish, "_run_pelican", checked)
        from playwright.sync_api import BrowserType

        launch = BrowserType.launch

        def launched(self, *args, **kwargs):
            _undeclared("Chromium", "browser")
            return launch(self, *args, **kwargs)

        patch.setattr(BrowserType, "launch", launched)
        yield
