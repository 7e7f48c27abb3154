"""The files hosts and crawlers read beside the pages: sitemap.xml, robots.txt, and the cache rules and security
headers (_headers, and the Content-Security-Policy every page also carries in a <meta>)."""
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
# What a page may load and run: its own files only (the stylesheets, the one optional script, the logo), images
# also as data: URLs; nothing inline, no plugins, no <base> elsewhere, forms only to the site; framed by no other
# site. The same for every page and every site (the README's nginx and Caddy lines copy it).
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The same, for a <meta http-equiv> in each page, where a host cannot send headers (GitHub Pages). Browsers ignore
# frame-ancestors there (and complain of it on the console), so it is left out: only a header can forbid framing.
POLICY_IN_PAGE = POLICY.removesuffix("; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Nothing on a status page needs the camera, the microphone, the position or payments.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HEADERS = "".join(
    ["/theme/*\n  Cache-Control: public, max-age=31536000, immutable\n"]
    + [f"{path}\n  Cache-Control: public, max-age=60, must-revalidate\n"
       + ("  Access-Control-Allow-Origin: *\n" if path in SHARED_PATHS else "") for path in SHORT_CACHE_PATHS]
    + ["/*\n"] + [f"  {name}: {value}\n" for name, value in SECURITY_HEADERS.items()])


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
