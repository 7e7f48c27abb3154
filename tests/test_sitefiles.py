"""Files for hosts and crawlers: sitemap.xml (only with an absolute SITEURL), robots.txt, _headers, hashed assets."""
from __future__ import annotations

import hashlib

import lxml.html
import pytest
from lxml import etree

from tests.test_cli import GOOD, run, with_theme

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(site, extra_settings: str = ""):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    if extra_settings:
        with open(site.root / "pelicanconf.py", "a") as conf:
            conf.write(extra_settings)
    out = site.root / "output"
    result = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 12:00Z")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.build
def test_absolute_siteurl_gets_a_sitemap_of_every_page(site):
    out = build(site, 'SITEURL = "https://status.example.org/sub"\nRELATIVE_URLS = False\n')
    locs = [e.text for e in etree.parse(str(out / "sitemap.xml")).getroot().iter(f"{SITEMAP_NS}loc")]
    assert locs == ["https://status.example.org/sub/", "https://status.example.org/sub/history/",
                    "https://status.example.org/sub/uptime/",
                    "https://status.example.org/sub/incidents/2026-08-29-calls/",
                    "https://status.example.org/sub/components/phone/", "https://status.example.org/sub/components/tv/",
                    "https://status.example.org/sub/areas/north/", "https://status.example.org/sub/areas/south/"]
    assert (out / "robots.txt").read_text() == ("User-agent: *\nAllow: /\n"
                                                "Sitemap: https://status.example.org/sub/sitemap.xml\n")
    home = lxml.html.parse(str(out / "404.html")).getroot()
    assert home.xpath('//main//a/@href') == ["https://status.example.org/sub/"]


@pytest.mark.build
def test_site_without_siteurl_has_no_sitemap(site):
    out = build(site, 'SITEURL = ""\n')
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    rules = {}  # path -> {header: value}
    for block in (out / "_headers").read_text().strip().split("\n/"):
        path, *lines = block.split("\n")
        rules["/" + path.lstrip("/")] = dict(line.strip().split(": ", 1) for line in lines)
    assert rules["/theme/*"] == {"Cache-Control": "public, max-age=31536000, immutable"}
    for path in ("/", "/incidents/*", "/calendar/*", "/uptime/*", "/favicon.svg", "/favicon.ico"):
        assert rules[path] == {"Cache-Control": "public, max-age=60, must-revalidate"}
    for path in ("/api/*", "/badges/*", "/feeds/*"):  # widgets and dashboards elsewhere read these in the browser
        assert rules[path] == {"Cache-Control": "public, max-age=60, must-revalidate",
                               "Access-Control-Allow-Origin": "*"}
    assert "Cache-Control" not in rules["/*"]  # no rule overlaps /theme/* with another Cache-Control
    assert list(rules["/*"]) == ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                                 "Permissions-Policy"]  # every file; the policy itself: tests/test_csp.py
    assert sum("Cache-Control" in r for p, r in rules.items() if p.startswith("/theme") or p in ("/*",)) == 1


def test_the_policy_in_a_page_is_the_header_s_without_what_a_page_cannot_say():
    from statusgen.sitefiles import POLICY, POLICY_IN_PAGE

    assert POLICY == ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    assert POLICY_IN_PAGE == POLICY.removesuffix("; frame-ancestors 'none'")


@pytest.mark.build
def test_assets_are_named_by_their_content(site):
    out = build(site)
    css = (site.root / "theme/static/style.css").read_bytes()
    name = f"theme/style.{hashlib.sha256(css).hexdigest()[:10]}.css"
    assert (out / name).read_bytes() == css
    assert not (out / "theme/style.css").exists()
    home = lxml.html.parse(str(out / "index.html")).getroot()
    assert home.xpath('//link[@rel="stylesheet"]/@href') == [f"./{name}"]
    (site.root / "theme/static/style.css").write_bytes(css + b"\n/* changed */\n")
    result = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 12:00Z")
    assert result.exit_code == 0
    assert not (out / name).exists() and len(list((out / "theme").glob("style.*.css"))) == 1
