"""Making the page yours without forking: logo, colours (contrast still checked by axe), an extra stylesheet, footer
links, one template overridden; and a favicon that shows the overall status by shape and colour."""
from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner

from statusgen import favicon
from statusgen.cli import main
from tests.conftest import BUILD_TIME, CHROMIUM, LAUNCH_ARGS, ROOT, serving

BRAND = '''
STATUSGEN_LOGO = "brand/logo.svg"
STATUSGEN_COLORS = {"link": "#6b2fa0", "bg": "#fffdf7"}
STATUSGEN_DARK_COLORS = {"link": "#d0b3ff"}
STATUSGEN_EXTRA_CSS = "brand/extra.css"
STATUSGEN_FOOTER_LINKS = [("Our website", "https://northwind.example"), ("Write to us", "mailto:noc@northwind.example")]
THEME_TEMPLATES_OVERRIDES = ["overrides"]
'''
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
OVERRIDE_404 = '{% extends "base.html" %}{% block content %}<h1>Nothing here</h1><p>Custom 404 of Northwind.</p>' \
               '{% endblock %}'


def branded(root: Path, extra: str = BRAND) -> Path:
    site = root / "site"
    site.mkdir(parents=True)
    for name in ("content", "theme", "plugins", "pelicanconf.py"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, site / name)
    (site / "brand").mkdir()
    (site / "brand" / "logo.svg").write_bytes(LOGO)
    (site / "brand" / "extra.css").write_text(".overall { border-width: 3px; }\n")
    (site / "overrides").mkdir()
    (site / "overrides" / "404.html").write_text(OVERRIDE_404)
    (site / "pelicanconf.py").write_text((site / "pelicanconf.py").read_text() + extra)
    return site


def build(site: Path, output: Path):
    return CliRunner().invoke(main, ["build", str(site), "-o", str(output), "--build-time", BUILD_TIME])


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("brand")
    out = root / "out"
    result = build(branded(root), out)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.build
def test_logo_colours_stylesheet_and_footer_links(output):
    home = lxml.html.parse(str(output / "index.html")).getroot()
    (logo,) = home.xpath("//a[@class='brand']/img[@class='logo']")
    assert (output / logo.get("src")).read_bytes() == LOGO
    assert logo.get("alt") == ""  # the name beside it says it
    assert home.xpath("//a[@class='brand']")[0].text_content().strip() == "Lakeshore Communications Status"
    assert list(home.iter("style")) == []  # the colours are a stylesheet: the policy allows no inline style
    sheets = home.xpath("//link[@rel='stylesheet']/@href")
    assert len(sheets) == 3
    assert (output / sheets[1]).read_text() == (
        "@media not all and (prefers-color-scheme: dark){:root{--link:#6b2fa0;--bg:#fffdf7}}"
        "@media (prefers-color-scheme: dark){:root{--link:#d0b3ff}}")
    assert (output / sheets[2]).read_text() == ".overall { border-width: 3px; }\n"
    not_found = lxml.html.parse(str(output / "404.html")).getroot()  # served at any address: links from the root
    assert list(not_found.iter("style")) == []
    assert not_found.xpath("//link[@rel='stylesheet']/@href") == [f"/{s.removeprefix('./')}" for s in sheets]
    links = [(a.text, a.get("href")) for a in home.xpath("//footer//ul[@class='footer-links']//a")]
    assert links == [("Our website", "https://northwind.example"), ("Write to us", "mailto:noc@northwind.example")]


@pytest.mark.build
def test_a_single_template_is_overridden(output):
    page = lxml.html.parse(str(output / "404.html")).getroot()
    assert page.xpath("//main//p")[-1].text == "Custom 404 of Northwind."
    assert page.xpath("//a[@class='brand']")  # the rest of the theme is still the theme's


@pytest.mark.parametrize("setting, message", [
    ('STATUSGEN_COLORS = {"link": "red; } body { display: none"}',
     "STATUSGEN_COLORS: not a colour (expected #rrggbb, rgb(...), hsl(...) or a name, got 'red; } body { display: "
     "none')"),
    ('STATUSGEN_COLORS = {"accent": "#fff"}', "STATUSGEN_COLORS: unknown colour (expected one of bg, fg, muted, line, "
                                              "card, link, ok, minor, major, critical, maint, got 'accent')"),
    ('STATUSGEN_LOGO = "brand/missing.png"', "STATUSGEN_LOGO: file not found (expected a file beside the settings, got "
                                             "'brand/missing.png')"),
    ('STATUSGEN_LOGO = "brand/extra.css"', "STATUSGEN_LOGO: not a svg/png/jpg/jpeg/webp/gif file (expected one of "
                                           "those, got 'brand/extra.css')"),
    ('STATUSGEN_FOOTER_LINKS = [("x", "javascript:alert(1)")]',
     "STATUSGEN_FOOTER_LINKS: not a link (expected (\"text\", \"https://...\"), got ('x', 'javascript:alert(1)'))"),
    ('STATUSGEN_FOOTER_LINKS = [("x", "data:text/html,<b>")]',
     "STATUSGEN_FOOTER_LINKS: not a link (expected (\"text\", \"https://...\"), got ('x', 'data:text/html,<b>'))"),
    ('SITEURL = "javascript:alert(1)"',
     "SITEURL: not a web address (expected https://status.example.com, or empty, got 'javascript:alert(1)')"),
    ('SITEURL = "https://status.example.com/\\"><b>"',
     "SITEURL: not a web address (expected https://status.example.com, or empty, got 'https://status.example.com/\">"
     "<b>')"),
    ('STATUSGEN_TICKET_URL = "JavaScript:alert({ticket})"',
     "STATUSGEN_TICKET_URL: not a web address (expected https://tickets.example.com/browse/{ticket}, or empty, got "
     "'JavaScript:alert({ticket})')"),
    ('STATUSGEN_TICKET_URL = "vbscript:x"',
     "STATUSGEN_TICKET_URL: not a web address (expected https://tickets.example.com/browse/{ticket}, or empty, got "
     "'vbscript:x')"),
])
def test_a_setting_that_cannot_be_used_is_one_line(tmp_path, setting, message):
    site = branded(tmp_path, "\n" + setting + "\n")
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    line = len((site / "pelicanconf.py").read_text().splitlines())
    assert result.output.splitlines()[0] == f"{site / 'pelicanconf.py'}:{line}: {message}"
    assert not (tmp_path / "out").exists()


def test_every_setting_that_cannot_be_used_is_said_in_one_run(tmp_path):
    site = branded(tmp_path, '\nSITEURL = "javascript:a"\nSTATUSGEN_TICKET_URL = "data:x"\n'
                             'STATUSGEN_FOOTER_LINKS = [("x", "javascript:b")]\n')
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    end = len((site / "pelicanconf.py").read_text().splitlines())
    conf = site / "pelicanconf.py"
    assert result.output.splitlines()[:3] == [
        f"{conf}:{end - 2}: SITEURL: not a web address (expected https://status.example.com, or empty, got "
        f"'javascript:a')",
        f"{conf}:{end - 1}: STATUSGEN_TICKET_URL: not a web address (expected https://tickets.example.com/browse/"
        f"{{ticket}}, or empty, got 'data:x')",
        f"{conf}:{end}: STATUSGEN_FOOTER_LINKS: not a link (expected (\"text\", \"https://...\"), got ('x', "
        f"'javascript:b'))"]


@pytest.mark.parametrize("link", ["https://example.com/help", "http://example.com", "mailto:noc@example.com",
                                  "tel:+1-800-555-0142", "/contact/"])
def test_web_contact_and_own_links_are_accepted(link):
    from statusgen import brand

    assert brand.read({"STATUSGEN_FOOTER_LINKS": [("Help", link)]}, ROOT).footer_links == (("Help", link),)


# --- the favicon ------------------------------------------------------------------------------------------------

def pixels(ico: bytes) -> tuple[int, list[bytes]]:
    """The ICO's one image: its size and its rows of RGBA pixels (PNG, filter 0), read by hand."""
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6:22])
    png = ico[offset:offset + size]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == height == 32
    chunks, at = {}, 8
    while at < len(png):
        length, = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + data)
        chunks[kind] = chunks.get(kind, b"") + data
        at += 12 + length
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[r * 129 + 1:(r + 1) * 129] for r in range(32)]
    return width, rows


@pytest.mark.parametrize("indicator", ["none", "minor", "major", "critical", "maintenance"])
def test_each_status_has_its_own_shape_and_colour(indicator):
    root = lxml.etree.fromstring(favicon.svg(indicator))
    assert root.get("aria-label") == root.find("{http://www.w3.org/2000/svg}title").text
    _, rows = pixels(favicon.ico(indicator))
    filled = [(x, y) for y, row in enumerate(rows) for x in range(32) if row[x * 4 + 3]]
    assert 150 < len(filled) < 32 * 32
    colour = {bytes(rows[y][x * 4:x * 4 + 3]) for x, y in filled}
    assert len(colour) == 1
    shapes = {k: frozenset((x, y) for y, row in enumerate(pixels(favicon.ico(k))[1]) for x in range(32)
                           if row[x * 4 + 3]) for k in ("none", "minor", "major", "critical", "maintenance")}
    assert len(set(shapes.values())) == 5  # no two statuses look alike, whatever the colours


def test_the_site_serves_a_favicon_of_its_overall_status(example_output):
    home = lxml.html.parse(str(example_output / "index.html")).getroot()
    icons = home.xpath("//link[@rel='icon']/@href")
    assert [Path(i).name for i in icons] == ["favicon.svg", "favicon.ico"]
    # the overall indicator, shown second under the headline, after its symbol
    indicator = home.xpath("//p[@class='indicator']")[0].text_content().split(None, 1)[1].strip()
    assert indicator == "Partial system outage"
    assert lxml.etree.fromstring((example_output / "favicon.svg").read_bytes()).get("aria-label") == indicator
    assert pixels((example_output / "favicon.ico").read_bytes())[0] == 32


# --- contrast of the site's own colours, in a real browser ----------------------------------------------------

def axe_violations(output: Path, schemes=("light", "dark")) -> dict[str, list[str]]:
    """axe's WCAG 2.1 AA rules broken on the home page, by colour scheme, in headless Chromium."""
    from tests.test_browser import AXE_OPTIONS
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    found = {}
    with serving(output) as port, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            for scheme in schemes:
                page = browser.new_page(color_scheme=scheme)
                page.goto(f"http://127.0.0.1:{port}/")
                result = Axe().run(page, options=AXE_OPTIONS)
                found[scheme] = [v["id"] for v in result.response["violations"]]
                page.close()
        finally:
            browser.close()
    return found


@pytest.mark.build
@pytest.mark.browser  # drives Chromium itself (axe_violations)
def test_custom_colours_keep_the_contrast(output):
    assert axe_violations(output) == {"light": [], "dark": []}


@pytest.mark.build
@pytest.mark.browser  # drives Chromium itself (axe_violations)
def test_a_colour_without_contrast_is_caught(tmp_path):
    site = branded(tmp_path, '\nSTATUSGEN_COLORS = {"link": "#c8c8c8"}\n')
    assert build(site, tmp_path / "out").exit_code == 0
    assert axe_violations(tmp_path / "out", ("light",)) == {"light": ["color-contrast"]}
