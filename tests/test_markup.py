"""Markdown to safe HTML: the sanitizer's allow-list, and the plain-prose shortcut agreeing with the engine."""
from __future__ import annotations

import random

import pytest

from statusgen import markup
from tests.conftest import cases

PROSE = list("abc XYZ.,;:'\"?()/$%@^é☕—“”\n\n  ")
ALPHABET = PROSE + list("\\`*_[]<>!#&|~{}-+=1.)\t\xa0\u2028\u202f\u200b\x85")


def engine(text: str) -> str:
    """The full path: Python-Markdown, then nh3."""
    markup.to_html.cache_clear()
    saved = markup.plain_paragraphs
    markup.plain_paragraphs = lambda _text: None
    try:
        return markup.to_html(text)
    finally:
        markup.plain_paragraphs = saved
        markup.to_html.cache_clear()


def test_plain_prose_shortcut_matches_the_markdown_engine():
    rng = random.Random(4471)
    taken = 0
    count = cases(4000, fast=1500)
    for _ in range(count):
        text = "".join(rng.choice(ALPHABET if rng.random() < 0.03 else PROSE) for _ in range(rng.randint(1, 120)))
        if rng.random() < 0.7:  # authors' lines rarely start or end with a space: make the shortcut's case common
            text = "\n".join(line.strip(" ") for line in text.split("\n"))
        fast = markup.plain_paragraphs(text)
        if fast is not None:
            taken += 1
            assert fast == engine(text), repr(text)
    assert count // 4 < taken < count * 39 // 40  # both the shortcut and the engine are really exercised


# Pieces of the inline Markdown the shortcut also makes (markup._INLINE), written well and badly, among prose.
WELL = ["**911 calls are not affected.**", "*do not*", "`NOC-4471`", "[outage map](https://status.example/map)",
        "[a](http://x.y/p?q=1#f)", "[x](https://e.org/~a%20b+c=d:8)", "**a**", "*b*", "`c`"]
BADLY = ["**", "*", "`", "[", "]", "(", ")", "***a***", "*a**", "**a*b**", "* a*", "*a *", "[x]", "[x](ftp://y)",
         "[x](https://a b)", "[x](https://a&b)", "**a**b", "a**b**", "_e_", "__f__", "[*x*](https://e.org)", "`a*b`",
         "[`c`](https://e.org)", "é", "'", '"', "1. ", "- ", "\n", "\n\n", " ", "  \n", "!", "<b>", "&", "\\"]


def test_inline_shortcut_matches_the_markdown_engine():
    rng = random.Random(1122)
    taken = inline = 0
    count = cases(4000, fast=1500)
    for _ in range(count):
        text = "".join(rng.choice(WELL) if (r := rng.random()) < 0.2 else rng.choice(BADLY) if r < 0.25
                       else rng.choice(PROSE[:-4]) for _ in range(rng.randint(1, 40)))
        fast = markup.plain_paragraphs(text)
        if fast is not None:
            taken += 1
            inline += "<" in fast.replace("<p>", "").replace("</p>", "")
            assert fast == engine(text), repr(text)
    # the inline pieces are really exercised, and so is the engine
    assert inline > count * 3 // 40 and taken < count * 39 // 40


@pytest.mark.parametrize("text", [
    "Calls fail.\n\nCrews are on site.\n",
    "Line one\nline two\n\n\n\nNew paragraph.",
    "Prices: 5 $ and 10 % (about) / day; \"quoted\" and it's fine — café ☕",
    "Our [outage map](https://status.example/map) shows the affected streets.",
    "**911 calls are not affected.** If you are affected, please *do not* reset your equipment yet.",
    "The ticket for this is `NOC-4471` if you call support.\n\nNext update by 4 pm.",
])
def test_shortcut_examples(text):
    fast = markup.plain_paragraphs(text)
    assert fast is not None and fast == engine(text)


@pytest.mark.parametrize("text", ["- a list", "1. one", "# heading", "a *b* & c", "***a***", "x  \ny", " indented", "a & b",
                                  "see <https://example.org>", "Setext\n===", "code\n\n    block"])
def test_markdown_is_left_to_the_engine(text):
    assert markup.plain_paragraphs(text) is None


@pytest.mark.parametrize("text, absent", [
    ("<script>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("[x](javascript:alert(1))", "javascript:"),
    ('<a href="https://example.org" onclick="x()">a</a>', "onclick"),
    ("<iframe src=https://evil.example></iframe>", "<iframe"),
    ('<p style="background:url(x)">s</p>', "style="),
])
def test_sanitizer_removes_what_could_run(text, absent):
    assert absent not in markup.to_html(text)


def test_headings_sit_under_the_page_heading():
    assert markup.to_html("# Review\n\n## Timeline") == "<h2>Review</h2>\n<h3>Timeline</h3>"
