"""The example in French, German and Arabic in headless Chromium: axe (WCAG 2.0/2.1 A and AA) finds nothing, a
phone screen does not overflow, the right-to-left page is laid out from the right, and the reader's own time is
added beside each time only where their zone differs from the site's. Screenshots at 390 px are kept for people to
look at (in the test's temporary folder; STATUSGEN_SCREENSHOTS=folder keeps them there instead)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, serving
from tests.test_i18n import build, copy_example

if shutil.which(CHROMIUM) is None:
    pytest.skip("chromium not installed: run scripts/install-system-deps.sh as root", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = pytest.mark.build  # every test here builds a site first

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
OUTAGE = "incidents/2026-11-22-cedar-falls-fixed-wireless-outage/"
PAGES = ["", OUTAGE, "history/", "uptime/", "areas/cedar-falls/", "components/fixed-wireless/"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("languages-browser")
    output = build(copy_example(tmp, 'STATUSGEN_LANGUAGES = ["en", "fr", "de", "ar"]'), tmp / "output")
    with serving(output) as port:
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("STATUSGEN_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("lang", ["fr", "de", "ar"])
def test_pages_in_another_language_are_accessible_and_fit_a_phone(browser, base_url, lang, shots):
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems = []
    try:
        for path in PAGES:
            page.goto(f"{base_url}{lang}/{path}", wait_until="load")
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
                problems.append(f"{lang}/{path}: axe {violation['id']}: "
                                f"{[n['target'] for n in violation['nodes']][:3]}")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                problems.append(f"{lang}/{path}: scrollWidth {scroll} > {inner}")
        page.goto(f"{base_url}{lang}/", wait_until="load")
        page.screenshot(path=str(shots / f"home-{lang}-390.png"))
    finally:
        context.close()
    assert not problems + errors, "\n".join(problems + errors)


def test_a_right_to_left_page_is_laid_out_from_the_right(browser, base_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{base_url}ar/", wait_until="load")
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        card = page.locator(".card").first
        # the card's coloured edge is at its start: the right, right to left
        assert card.evaluate("e => getComputedStyle(e).borderRightWidth") != "0px"
        assert card.evaluate("e => getComputedStyle(e).borderLeftWidth") == "1px"
        heading = page.locator("main h1").bounding_box()
        assert heading["x"] + heading["width"] > PHONE["width"] - 40  # text starts at the right edge
    finally:
        context.close()


@pytest.mark.parametrize("zone, added", [("America/Chicago", False), ("Europe/Paris", True)])
def test_the_readers_own_time_is_added_only_where_their_zone_differs(browser, base_url, zone, added):
    context = browser.new_context(viewport=PHONE, timezone_id=zone)
    page = context.new_page()
    try:
        page.goto(f"{base_url}fr/{OUTAGE}", wait_until="load")
        shown = page.locator(".local-time").all_inner_texts()
        if not added:
            assert shown == []
        else:
            assert len(shown) == page.locator("time[datetime]").count()
            first = page.locator("time[datetime]").first.get_attribute("datetime")
            assert first.endswith("-06:00")  # the site's zone (CST): Paris is 7 hours ahead then
            assert all(text.strip().startswith("(") and text.strip().endswith("à votre heure)") for text in shown)
        without = browser.new_context(viewport=PHONE, timezone_id=zone, java_script_enabled=False)
        try:
            plain = without.new_page()
            plain.goto(f"{base_url}fr/{OUTAGE}", wait_until="load")
            assert plain.locator(".local-time").count() == 0
            assert plain.locator("time[datetime]").count() == page.locator("time[datetime]").count()
        finally:
            without.close()
    finally:
        context.close()
