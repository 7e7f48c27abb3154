"""The files hosts and crawlers read beside the pages: sitemap.xml, robots.txt and cache rules (_headers)."""
from __future__ import annotations

from xml.sax.saxutils import escape

# Cache guidance in the _headers format that Netlify and Cloudflare Pages read (others: see the README).
# Asset names carry a hash of their content, so they may be cached for a year; everything else changes with
# every update and should be fetched again within a minute. The rules never overlap: hosts that apply every
# matching rule would otherwise join both Cache-Control values.
SHORT_CACHE_PATHS = ("/", "/index.html", "/404.html", "/robots.txt", "/sitemap.xml", "/favicon.svg", "/favicon.ico",
                     "/history/*", "/uptime/*", "/incidents/*", "/components/*", "/areas/*", "/feeds/*", "/calendar/*",
                     "/api/*", "/badges/*")
# What other sites may read from the browser (status widgets, dashboards, badges embedded elsewhere): the public
# API, badges and feeds; GitHub Pages sends this header for every file already.
SHARED_PATHS = ("/api/*", "/badges/*", "/feeds/*")
HEADERS = "".join(
    ["/theme/*\n  Cache-Control: public, max-age=31536000, immutable\n"]
    + [f"{path}\n  Cache-Control: public, max-age=60, must-revalidate\n"
       + ("  Access-Control-Allow-Origin: *\n" if path in SHARED_PATHS else "") for path in SHORT_CACHE_PATHS]
    + ["/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n"])


def sitemap(urls: list[str]) -> bytes:
    """A sitemap (sitemaps.org 0.9) of absolute page URLs, in the order given."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(sitemap_url: str | None) -> str:
    """Everything may be crawled: a status page is meant to be found."""
    text = "User-agent: *\nAllow: /\n"
    return text + (f"Sitemap: {sitemap_url}\n" if sitemap_url else "")
