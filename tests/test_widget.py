"""Atlassian's own status widget reads our summary.json from another origin, in Chromium, as on a customer's site.

The built example site is served on one port with the headers its own `_headers` file asks for, applied by a
small reader of that format (so this tests `_headers` too); a page embedding the widget is served on another port.
The widget is npm's @statuspage/status-widget, vendored in tests/data/status-widget (see tests/data/SOURCES.md):
nothing is fetched from the network.
"""
from __future__ import annotations

import json
import re
import shutil
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import QuietHandler, ROOT, serving

WIDGET = ROOT / "tests" / "data" / "status-widget" / "index.js"
# The one error the vendored bundle itself throws on load, CORS or not (its last line assigns an undeclared
# global in strict mode); the widget works regardless. Anything else on the page is a failure.
WIDGET_OWN_ERROR = "parcelRequire is not defined"


def parse_headers(text: str) -> list[tuple[re.Pattern, list[tuple[str, str]]]]:
    """The `_headers` format Netlify and Cloudflare Pages read: a URL path pattern at the start of a line (`*`
    matches anything, slashes included; `:name` one path segment), its headers indented below as `Name: value`,
    `#` comments. Every rule whose pattern matches a request adds its headers."""
    rules: list[tuple[re.Pattern, list[tuple[str, str]]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            parts = re.split(r"(\*|:[A-Za-z]\w*)", line.strip())
            pattern = "".join(".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in parts)
            rules.append((re.compile(pattern), []))
            continue
        name, colon, value = line.strip().partition(":")
        assert rules and colon and name.strip() and value.strip(), f"_headers:{number}: not a header: {line!r}"
        rules[-1][1].append((name.strip(), value.strip()))
    return rules


def handler_with(rules) -> type[QuietHandler]:
    """A request handler that adds the headers of every rule matching the requested path, as the host would."""

    class HeadersHandler(QuietHandler):
        def end_headers(self):
            path = urlsplit(self.path).path
            for pattern, headers in rules:
                if pattern.fullmatch(path):
                    for name, value in headers:
                        self.send_header(name, value)
            super().end_headers()

    return HeadersHandler


@pytest.fixture(scope="module")
def as_hosted(example_output: Path) -> type[QuietHandler]:
    return handler_with(parse_headers((example_output / "_headers").read_text()))


@pytest.fixture(scope="module")
def summary(example_output: Path) -> dict:
    return json.loads((example_output / "api/v2/summary.json").read_text())


def test_headers_file_lets_other_sites_read_the_api_badges_and_feeds_only(example_output, as_hosted):
    shared = ["/api/v2/summary.json", "/api/history.json", "/badges/status.svg", "/badges/status.json",
              "/feeds/all.atom.xml"]
    own = ["/", "/index.html", "/history/", "/calendar/maintenance.ics", "/favicon.svg"]
    seen = {}
    with serving(example_output, as_hosted) as port:
        for path in shared + own:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
                seen[path] = (response.headers.get("Access-Control-Allow-Origin"),
                              response.headers.get("X-Content-Type-Options"), response.headers.get("Cache-Control"))
    assert seen == {**{p: ("*", "nosniff", "public, max-age=60, must-revalidate") for p in shared},
                    **{p: (None, "nosniff", "public, max-age=60, must-revalidate") for p in own}}


@contextmanager
def customer_page(browser, tmp_path: Path, site_port: int):
    """A page on a second origin embedding the widget pointed at the site, not loaded yet; yields the page, its
    address and the list that collects what the page reports as errors."""
    folder = tmp_path / "customer"
    folder.mkdir()
    shutil.copy(WIDGET, folder / "status-widget.js")
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A customer\'s site</title>'
        '<link rel="icon" href="data:,"><script src="/status-widget.js"></script></head>'
        f'<body><statuspage-widget src="http://127.0.0.1:{site_port}"></statuspage-widget></body></html>')
    errors: list[str] = []
    with serving(folder) as port:
        assert port != site_port  # another origin
        context = browser.new_context()
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"{urlsplit(r.url).path}: {r.failure}"))
        try:
            yield page, f"http://127.0.0.1:{port}/", errors
        finally:
            context.close()


def test_atlassians_widget_on_another_site_shows_our_status(browser, example_output, as_hosted, summary, tmp_path):
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    with serving(example_output, as_hosted) as site_port, customer_page(browser, tmp_path, site_port) as (
            page, address, errors):
        page.goto(address)
        shown = page.locator("statuspage-widget .status-text")  # inside the widget's shadow root
        shown.wait_for(timeout=15_000)
        assert shown.inner_text() == "Partial System Outage"
        assert page.locator("statuspage-widget .status-indicator").get_attribute("class") == "status-indicator major"
        assert page.locator("statuspage-widget a").get_attribute("href") == f"http://127.0.0.1:{site_port}"
    assert errors == [WIDGET_OWN_ERROR]


def test_without_the_header_the_widget_cannot_read_the_status(browser, example_output, tmp_path):
    """The control: served without `_headers` (a host that ignores it), the browser blocks the widget's read and
    it shows no status; so the test above can fail."""
    with serving(example_output) as site_port, customer_page(browser, tmp_path, site_port) as (
            page, address, errors):
        with page.expect_console_message(lambda m: "CORS policy" in m.text, timeout=15_000) as blocked:
            page.goto(address)
        assert page.locator("statuspage-widget .status-text").count() == 0
    assert "No 'Access-Control-Allow-Origin' header is present" in blocked.value.text
    assert "/api/v2/summary.json: net::ERR_FAILED" in errors
