"""Authors' Markdown to HTML that is safe to put on a page.

Raw HTML is allowed in Markdown, so whatever an author pasted goes through nh3 (the Rust ammonia sanitizer,
well kept and fast) with an allow-list: no <script>, no on* handlers, no javascript: URLs.
"""
from __future__ import annotations

from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_md = markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code"], output_format="html")


@lru_cache(maxsize=65536)
def to_html(text: str, shift_headings: int = 1) -> str:
    """Sanitized HTML of Markdown `text`. Headings are shifted down so `#` in a summary sits under the page's h1."""
    html = _md.reset().convert(text)
    if shift_headings:
        for level in range(6 - shift_headings, 0, -1):
            html = html.replace(f"<h{level}", f"<h{level + shift_headings}").replace(
                f"</h{level}>", f"</h{level + shift_headings}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
