"""Authors' Markdown to HTML that is safe to put on a page.

Raw HTML is allowed in Markdown, so whatever an author pasted goes through nh3 (the Rust ammonia sanitizer,
well kept and fast) with an allow-list: no <script>, no on* handlers, no javascript: URLs.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


@cache
def markdown_engine():
    """The Markdown engine, made at the first text that needs it: most builds (every update's words plain prose,
    or every page that has any taken from the cache) never do."""
    import markdown

    return markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code"], output_format="html")


# Plain prose, which most updates are, needs no Markdown engine: no character Markdown or HTML gives a meaning
# to, and no line that could start a list, heading, quote or code block or end in a hard break. For such text
# the engine's output is known: each paragraph in <p>. tests/test_markup.py checks this against the engine.
_SPECIAL = re.compile(r"[\\`*_\[\]<>!#&|~{}\t\r\x0b\x0c\xa0]|^(?:[-+=]|\d+[.)]|[^\S\n])|[^\S\n]$", re.M)
_BLANK = re.compile(r"\n[ ]*\n(?:[ ]*\n)*")


# The Markdown updates use most, inside plain prose: **strong**, *emphasis*, `code` and [a link](https://...), each
# whole on one line, its words plain (none of the characters above), its address plain ASCII. Such text needs no
# engine either: what Python-Markdown and the sanitizer make of it is known (tests/test_markup.py checks it too).
_PLAIN = r"[^\\`*_\[\]<>!#&|~{}\t\r\n\x0b\x0c\xa0\s](?:[^\\`*_\[\]<>!#&|~{}\t\r\n\x0b\x0c\xa0]*" \
         r"[^\\`*_\[\]<>!#&|~{}\t\r\n\x0b\x0c\xa0\s])?"
_INLINE = re.compile(rf"(?<![*`])(?:\*\*(?P<strong>{_PLAIN})\*\*|\*(?P<em>{_PLAIN})\*|`(?P<code>{_PLAIN})`"
                     rf"|\[(?P<text>{_PLAIN})\]\((?P<href>https?://[A-Za-z0-9/:.~%+=?#-]+)\))(?![*`])")


def _inline(found: re.Match) -> str:
    kind = found.lastgroup
    if kind == "href":
        return f'<a href="{found["href"]}" rel="noopener noreferrer">{found["text"]}</a>'
    return f"<{kind}>{found[kind]}</{kind}>"


def plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown would make of plain prose (with the inline pieces above), or None when `text` is not."""
    text = text.strip("\n")
    lines_blank_stripped = _BLANK.sub("\n\n", text)
    if not text:
        return None
    if _SPECIAL.search(lines_blank_stripped):
        if _SPECIAL.search(_INLINE.sub("x", lines_blank_stripped)):
            return None
        lines_blank_stripped = _INLINE.sub(_inline, lines_blank_stripped)
    return "\n".join(f"<p>{para}</p>" for para in lines_blank_stripped.split("\n\n"))


@lru_cache(maxsize=4096)  # the bodies of the pages made lately (a feed shows them again), not of the whole site
def to_html(text: str, shift_headings: int = 1) -> str:
    """Sanitized HTML of Markdown `text`. Headings are shifted down so `#` in a summary sits under the page's h1."""
    plain = plain_paragraphs(text)
    if plain is not None:
        return plain
    html = markdown_engine().reset().convert(text)
    if shift_headings:
        for level in range(6 - shift_headings, 0, -1):
            html = html.replace(f"<h{level}", f"<h{level + shift_headings}").replace(
                f"</h{level}>", f"</h{level + shift_headings}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
