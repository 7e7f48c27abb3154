"""The built example site in a real browser: headless Chromium through Playwright, with axe for accessibility.

Every HTML page of the example site is served over a local http.server and checked for console and page
errors, requests to other hosts, axe (WCAG 2.0/2.1 A and AA) violations in light and dark colour schemes,
rendering without JavaScript, and horizontal overflow on a phone screen. One browser serves the module.
"""
from __future__ import annotations

import re
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM

if shutil.which(CHROMIUM) is None:
    pytest.skip("chromium not installed: run scripts/install-system-deps.sh as root", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from tests.conftest import serving  # noqa: E402

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
DESKTOP = {"width": 1000, "height": 800}
PHONE = {"width": 375, "height": 740}
LOCAL_HOST = "127.0.0.1"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def base_url(example_output: Path):
    server = ThreadingHTTPServer((LOCAL_HOST, 0), partial(QuietHandler, directory=str(example_output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def pages(example_output: Path) -> list[str]:
    """URL paths of every HTML page in the output, found by walking the folder: '/', '/history/', ..."""
    found = []
    for path in sorted(example_output.rglob("*.html")):
        rel = path.relative_to(example_output).as_posix()
        found.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return found


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


class Tab:
    """One page reused for many loads; load() records what the page reported: console and page errors,
    failed requests, HTTP errors and every URL requested."""

    def __init__(self, context):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # A request the next navigation cancels (the favicon, fetched lazily) fails as net::ERR_ABORTED: not the
        # site's fault. A missing file still shows, as an HTTP error below.
        self.page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
                     and self.errors.append(f"request failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))

    def load(self, url: str):
        self.errors.clear()
        self.requests.clear()
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        return self.page

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "about", "blob")
                and urlsplit(u).hostname != LOCAL_HOST]


def visit_all(context, base_url: str, pages: list[str], check) -> list[str]:
    """Loads each page in one tab of `context`, calls check(tab) -> list of problems, returns all problems."""
    tab = Tab(context)
    problems = []
    for path in pages:
        tab.load(base_url + path)
        problems += [f"{path}: {p}" for p in check(tab)]
    return problems


def test_every_kind_of_page_is_found(pages):
    assert "/" in pages and "/history/" in pages
    for kind in ("incidents", "components", "areas"):
        assert any(p.startswith(f"/{kind}/") for p in pages), (kind, pages)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_are_clean_and_accessible(browser, axe, base_url, pages, scheme):
    """No console or page errors, nothing fetched from another host, and no axe violations."""
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)

    def check(v: Tab) -> list[str]:
        problems = list(v.errors)
        problems += [f"request to another host: {u}" for u in v.foreign_requests()]
        # what disclosures hide (the days with trouble under the bars) is checked too: open them all first
        v.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        result = axe.run(v.page, options=AXE_OPTIONS)
        for violation in result.response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
        return problems

    try:
        problems = visit_all(context, base_url, pages, check)
    finally:
        context.close()
    assert not problems, f"{scheme} scheme:\n" + "\n".join(problems)


def main_heading(page) -> str:
    h1 = page.locator("main h1")
    assert h1.count() == 1, f"{page.url}: expected one <h1> in <main>, found {h1.count()}"
    assert h1.is_visible(), f"{page.url}: the <h1> is not visible"
    return " ".join(h1.inner_text().split())


def test_pages_render_without_javascript(browser, base_url, pages):
    with_js = browser.new_context(viewport=DESKTOP)
    without_js = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        headings = {}

        def remember(v: Tab) -> list[str]:
            headings[v.page.url] = main_heading(v.page)
            return []

        visit_all(with_js, base_url, pages, remember)

        def check(v: Tab) -> list[str]:
            problems = list(v.errors)
            heading = main_heading(v.page)
            if not heading or heading != headings[v.page.url]:
                problems.append(f"main heading without JavaScript {heading!r}, with {headings[v.page.url]!r}")
            return problems

        problems = visit_all(without_js, base_url, pages, check)
    finally:
        with_js.close()
        without_js.close()
    assert not problems, "\n".join(problems)


def test_no_horizontal_overflow_on_a_phone(browser, base_url, pages):
    # not is_mobile: mobile emulation zooms out to fit wide content, which hides the overflow
    context = browser.new_context(viewport=PHONE)

    def check(v: Tab) -> list[str]:
        scroll, inner = v.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll <= inner:
            return []
        # name the widest elements, to say what to fix
        culprits = v.page.evaluate("""(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                             + ' right=' + Math.round(e.getBoundingClientRect().right))""", inner)
        return [f"scrollWidth {scroll} > innerWidth {inner}: {culprits}"]

    try:
        problems = visit_all(context, base_url, pages, check)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters: a word, not a symbol like ✓ or ▲


def test_status_on_the_home_page_is_not_by_colour_alone(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = Tab(context).load(base_url + "/")
        statuses = page.locator(".status")
        assert statuses.count() > 0, "no .status elements on the home page"
        problems = []
        for i in range(statuses.count()):
            el = statuses.nth(i)
            shown = " ".join(el.inner_text().split())
            # the words must also reach assistive technology: drop aria-hidden parts such as the symbol
            spoken = el.evaluate("""e => { const c = e.cloneNode(true);
                c.querySelectorAll('[aria-hidden="true"]').forEach(h => h.remove());
                return c.textContent.replace(/\\s+/g, ' ').trim(); }""")
            if not el.is_visible() or not WORD.search(shown) or not WORD.search(spoken):
                problems.append(f"status #{i}: visible={el.is_visible()} shown={shown!r} spoken={spoken!r}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("minutes_after_build, shown", [(10, False), (180, True)])
def test_a_stale_page_says_so_while_something_is_open(browser, base_url, minutes_after_build, shown):
    """The example is built at 2026-11-22 21:00 UTC with an incident open; the notice appears after 60 minutes."""
    from datetime import datetime, timedelta, timezone

    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        reader_clock = datetime(2026, 11, 22, 21, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes_after_build)
        page.clock.set_fixed_time(reader_clock)
        page.goto(base_url + "/")
        notice = page.locator("#stale")
        assert notice.is_visible() == shown
        if shown:
            assert notice.inner_text().startswith("This page was built 3 hours ago and has not been updated since")
    finally:
        context.close()


def test_without_javascript_no_stale_notice_and_the_as_of_time_is_there(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        assert not page.locator("#stale").is_visible()
        assert "shows the status as of Nov 22, 2026, 15:00 CST" in page.locator("footer").inner_text()
    finally:
        context.close()


# --- the first screen: what a customer sees on a phone without scrolling (issue 15) ------------------------------

FIRST_SCREEN_CATALOG = """\
areas:
  - {id: millbrook, name: Millbrook}
  - {id: ashford, name: Ashford}
  - {id: lake-city, name: Lake City}
groups:
  - {id: internet, name: Internet}
  - {id: voice, name: Phone}
components:
  - {id: fiber, name: Fiber internet for homes and businesses, group: internet}
  - {id: email, name: Email, group: internet}
  - {id: phone, name: Home phone, group: voice}
  - {id: voicemail, name: Voicemail, group: voice}
"""
# The worst open incident is the older one; a newer, milder one must not push it down. Its latest update is long.
WORST = """\
---
title: Calls into and out of Millbrook and Ashford fail after a fiber cut near the river crossing
components: {phone: major_outage, voicemail: partial_outage}
areas: [millbrook, ashford]
eta: 2026-08-29 18:00
updates:
  - at: 2026-08-29 09:20
    state: investigating
    body: Calls fail.
  - at: 2026-08-29 10:05
    state: identified
    next_update: 2026-08-29 12:00
    body: |
      A construction crew cut a fiber trunk near the river crossing. Our crews are on site and splicing the
      cable; each of the 288 fibers has to be joined and tested, which takes most of the day. Mobile phones
      are not affected. If you need to call 911 and your home phone does not work, use a mobile phone.
---
"""
MILDER = """\
---
title: Email slow to arrive
components: {email: degraded_performance}
updates:
  - at: 2026-08-29 10:30
    state: investigating
    next_update: 2026-08-29 13:00
    body: Some messages arrive up to 20 minutes late.
---
"""


@pytest.fixture(scope="module")
def first_screen_sites(tmp_path_factory) -> dict[str, Path]:
    """One site built three times: before its next update is due (10:40), after it with none posted (12:30), and
    after the expected resolution too (19:00)."""
    from click.testing import CliRunner

    from statusgen.cli import main
    from tests.conftest import SiteFactory
    from tests.test_cli import with_theme

    root = tmp_path_factory.mktemp("first-screen")
    site = SiteFactory(root / "site")
    with_theme(site)
    site.catalog(FIRST_SCREEN_CATALOG)
    site.incident("2026-08-29-fiber-cut.md", WORST)
    site.incident("2026-08-29-email-slow.md", MILDER)
    built = {}
    times = (("on-time", "2026-08-29 10:40Z"), ("late", "2026-08-29 12:30Z"), ("overdue", "2026-08-29 19:00Z"))
    for name, when in times:
        out = root / name
        result = CliRunner().invoke(main, ["build", str(site.root), "-o", str(out), "--build-time", when])
        assert result.exit_code == 0, result.output
        built[name] = out
    return built


def first_screen_facts(page) -> dict[str, object]:
    """The five facts of the worst open incident, as elements: what is down (the headline and the statuses now),
    where, since when, the ETA and the next update."""
    card = page.locator("section[aria-labelledby='open-h'] > article").first

    def fact(term: str):
        return card.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")

    return {"headline": page.locator("main h1"), "what": card.locator(".card-head .now"), "where": fact("Where"),
            "since": fact("Since"), "eta": fact("Expected resolution"), "next update": fact("Next update")}


@pytest.mark.build
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("variant, since, eta, next_update", [
    ("on-time", "1 h 20 min", "Aug 29, 2026, 18:00 UTC", "by Aug 29, 2026, 12:00 UTC"),
    ("late", "3 h 10 min", "Aug 29, 2026, 18:00 UTC", "was promised by Aug 29, 2026, 12:00 UTC; it is late"),
    ("overdue", "9 h 40 min", "Aug 29, 2026, 18:00 UTC; that time has passed",
     "was promised by Aug 29, 2026, 12:00 UTC; it is late"),
])
def test_the_first_screen_shows_what_where_since_eta_and_next_update(browser, first_screen_sites, width, variant,
                                                                     since, eta, next_update):
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
    try:
        with serving(first_screen_sites[variant]) as port:
            page = Tab(context).load(f"http://{LOCAL_HOST}:{port}/")
            facts = first_screen_facts(page)
            words = {name: " ".join(el.inner_text().split()) for name, el in facts.items()}
            assert words == {
                "headline": "Trouble with Phone and Email in Millbrook, Ashford and Lake City",  # Phone not everywhere
                "what": "Now: Home phone: ✕ Major outage; Voicemail: ◆ Partial outage",  # beside the title
                "where": "Millbrook, Ashford",
                "since": f"Aug 29, 2026, 09:20 UTC ({since})",
                "eta": eta,
                "next update": next_update,
            }
            problems = []
            for name, el in facts.items():
                box = el.bounding_box()
                inside = box is not None and box["y"] + box["height"] <= 800 and box["x"] + box["width"] <= width
                if not el.is_visible() or not inside:
                    problems.append(f"{name}: visible={el.is_visible()} box={box}")
            assert not problems, f"{variant} at {width} px:\n" + "\n".join(problems)
    finally:
        context.close()


def test_the_days_under_the_bars_open_by_keyboard_without_javascript(browser, base_url):
    """Each day with trouble is reachable without hover: Tab to the disclosure, Enter opens it, Tab reaches the day."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = Tab(context).load(base_url + "/")
        summary = page.locator("details.days > summary").first
        for _ in range(200):  # Tab from the top until the first disclosure has the focus
            page.keyboard.press("Tab")
            if summary.evaluate("e => e === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the first list of days with trouble")
        day = page.locator("details.days").first.locator("li a").first
        assert not day.is_visible()
        page.keyboard.press("Enter")
        assert day.is_visible()
        page.keyboard.press("Tab")
        assert day.evaluate("e => e === document.activeElement")
        assert re.fullmatch(r"\./components/[a-z-]+/#d\d{4}-\d\d-\d\d", day.get_attribute("href"))
    finally:
        context.close()
