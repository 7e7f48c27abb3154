"""Shared fixtures: small sites written into tmp_path, and the example site built once with the real Pelican."""
from __future__ import annotations

import inspect
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

# A test builds a site with the real Pelican when it (or a fixture it uses) runs `statusgen build`.
_BUILDS = re.compile(r'"build"|\bbuild\(|build_command|run_build|served_site|example_output|with_theme|buildable|"-m", "pelican"')


def pytest_configure(config):
    config.addinivalue_line("markers", "build: builds a site with the real Pelican (seconds each)")
    config.addinivalue_line("markers", "browser: drives a headless Chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name == "test_browser.py" or "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        elif any(name in _BUILD_FIXTURES for name in getattr(item, "fixturenames", ())) or _builds(item):
            item.add_marker(pytest.mark.build)


_BUILD_FIXTURES = {"example_output", "buildable", "project"}


def _builds(item) -> bool:
    function = getattr(item, "function", None)
    try:
        return function is not None and bool(_BUILDS.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False
