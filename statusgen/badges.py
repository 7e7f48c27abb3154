"""Shields-style SVG badges of the current status: the whole site, each component, each area.

Two parts, the label on grey and the status on the site's colour for it, in words with the site's symbol in
front: status is never shown by colour alone. Screen readers get one text, "Phone: partial outage", from
`role="img"`, `aria-label` and `<title>`.

Written by hand rather than with pybadges: its last release (3.0.1, 2023) imports `imghdr` (gone in Python 3.13)
and `pkg_resources` (gone from current setuptools), both of which warn on import here already, and it pulls in
requests; its fork badgepy (2.0.1) fails on loading its own width table under warnings-as-errors. Neither writes
`role`/`aria-label`. A badge is a few rectangles and two texts; what a library would really bring is the text
widths, and those are the small table below.
"""
from __future__ import annotations

import json
from html import escape
from typing import Callable

from .model import Site
from .status import Snapshot
from . import i18n
from .i18n import _
from .wording import INDICATOR, STATUS, Look

# The light theme's colours (theme/static/style.css), by the css class wording.py gives a status. White text on
# each has a contrast of at least 4.5:1 (WCAG AA); tests/test_badges.py computes it.
COLOURS = {"ok": "#146c2e", "minor": "#8a5300", "major": "#b3261e", "critical": "#8c1d18", "maint": "#1f4e99"}
LABEL_COLOUR = "#555555"
TEXT_COLOUR = "#ffffff"
FONT_FAMILY = "DejaVu Sans,Verdana,Geneva,sans-serif"
FONT_SIZE = 11  # px
HEIGHT = 20  # px
PADDING = 5  # px, each side of a text
RADIUS = 3  # px, of the badge's corners

# Advance widths of DejaVu Sans 2.37 in font units (2048 to the em), measured from DejaVuSans.ttf with fontTools:
# ASCII, Latin-1, Latin Extended-A, common punctuation and the status symbols. Kerning is left out: each text's
# textLength makes any font fill exactly the width measured here. Anything else counts as a full em, so a badge
# is at worst a little wide, never cut off.
UNITS_PER_EM = 2048
_WIDTH_GROUPS = {
    465: "′", 563: "'", 569: "ijlìíîïĩīĭįıĵĺļ", 582: "ł", 604: "IJÌÍÎÏĨĪĬĮİĴ", 651: " ,.\xa0·‘’‚", 690: "/:;\\|¦",
    700: "ŀ", 721: "fſ", 739: "-\xad", 765: "″", 768: "ľ", 799: "()[]", 803: "tţťŧ", 821: "!¡²³¹", 842: "rŕŗř",
    942: '"', 965: "ªº", 1024: "*_`§¨¯°´¸–", 1061: "“”„", 1067: "sśŝşš", 1075: "zźżž", 1087: "?¿",
    1126: "cçćĉċč", 1138: "ĳ", 1141: "LĹĻĽĿ", 1151: "Ł", 1178: "F", 1186: "kķĸ", 1208: "Ĳ•", 1212: "vxyýÿŷ",
    1235: "P", 1239: "Þ", 1251: "TYÝŢŤŦŶŸ", 1253: "o«»ðòóôõöøōŏő", 1255: "aàáâãäåāăą", 1260: "eèéêëēĕėęě",
    1290: "ß", 1294: "EÈÉÊËĒĔĖĘĚ", 1298: "hnuñùúûüĥńņňŋũūŭůűų", 1300: "SbdgpqþďđĝğġģŚŜŞŠ",
    1303: "$0123456789{}¢£¤¥µ¶€", 1343: "KĶ", 1401: "AVÀÁÂÃÄÅĀĂĄ", 1403: "XZŹŻŽ", 1405: "B", 1423: "RħŔŖŘ",
    1430: "CÇĆĈĊČ", 1499: "UÙÚÛÜŨŪŬŮŰŲ", 1532: "NÑŃŅŇŊ", 1540: "HĤ", 1575: "▲◆", 1577: "DĎ", 1587: "GÐĐĜĞĠĢ",
    1597: "&", 1612: "OQÒÓÔÕÖØŌŎŐ", 1666: "ŉ", 1675: "wŵ", 1716: "#+<=>^~¬±×÷✓✕", 1767: "M", 1836: "⚙",
    1876: "Ħ", 1946: "%", 1985: "¼½¾", 1995: "mÆ", 2011: "æ", 2025: "WŴ", 2048: "@©®—…™", 2095: "œ", 2191: "Œ",
}
ADVANCE = {char: units for units, chars in _WIDTH_GROUPS.items() for char in chars}


def text_width(text: str) -> int:
    """The width of `text` at FONT_SIZE, in tenths of a pixel, rounded up: whole numbers keep the bytes exact."""
    units = sum(ADVANCE.get(char, UNITS_PER_EM) for char in text)
    return -(-units * FONT_SIZE * 10 // UNITS_PER_EM)


def _px(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}" if tenths % 10 else str(tenths // 10)


def _one_line(text: str) -> str:
    """A badge is one line; runs of whitespace become one space and control characters (most of which XML 1.0
    forbids) are dropped."""
    return "".join(char for char in " ".join(text.split()) if ord(char) >= 0x20 and char != "\x7f")


def badge(label: str, words: str, symbol: str, colour: str) -> bytes:
    """One flat badge: `label` on grey, `symbol words` in white on `colour`, read out as "label: words".

    The symbol is left out if the width table does not know it: then it could not be measured."""
    label, words = _one_line(label), _one_line(words)
    message = f"{symbol} {words}" if symbol in ADVANCE else words
    spoken = escape(f"{label}: {words}")
    pad = PADDING * 10
    label_text, message_text = text_width(label), text_width(message)
    left, right = label_text + 2 * pad, message_text + 2 * pad
    width, r = left + right, RADIUS * 10
    # The message's rectangle with rounded right corners drawn over the label's rounded one: no clip path, so no
    # ids to collide when badges are inlined side by side.
    right_shape = (f"M{_px(left)} 0H{_px(width - r)}a{RADIUS} {RADIUS} 0 0 1 {RADIUS} {RADIUS}"
                   f"v{HEIGHT - 2 * RADIUS}a{RADIUS} {RADIUS} 0 0 1 -{RADIUS} {RADIUS}H{_px(left)}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_px(width)}" height="{HEIGHT}" '
        f'viewBox="0 0 {_px(width)} {HEIGHT}" role="img" aria-label="{spoken}">'
        f"<title>{spoken}</title>"
        f'<rect width="{_px(width)}" height="{HEIGHT}" rx="{RADIUS}" fill="{LABEL_COLOUR}"/>'
        f'<path d="{right_shape}" fill="{colour}"/>'
        f'<g fill="{TEXT_COLOUR}" text-anchor="middle" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<text x="{_px(left // 2)}" y="14" textLength="{_px(label_text)}" lengthAdjust="spacing">'
        f"{escape(label)}</text>"
        f'<text x="{_px(left + right // 2)}" y="14" textLength="{_px(message_text)}" lengthAdjust="spacing">'
        f"{escape(message)}</text>"
        "</g></svg>\n"
    ).encode()


def endpoint(label: str, words: str, look: Look) -> bytes:
    """The same badge as a shields.io endpoint (https://shields.io/badges/endpoint-badge): shields draws it in its
    own styles from this JSON, words and symbol included."""
    document = {"schemaVersion": 1, "label": _one_line(label), "message": f"{look.symbol} {_one_line(words)}",
                "color": COLOURS[look.css].lstrip("#"), "labelColor": LABEL_COLOUR.lstrip("#"), "cacheSeconds": 300}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def _shown(site: Site, snapshot: Snapshot, site_name: str | None) -> list[tuple[str, str, str, Look]]:
    """(key, label, words, look) of every badge: the site's, then each component's and each area's."""
    indicator = INDICATOR[snapshot.indicator]
    # a badge stands alone, its few words beside the symbol of the status they name (the home page's indicator has
    # its own symbol, to tell it apart from the services' statuses listed under it)
    shown = [("status", site_name or _("status"), _(indicator.badge), STATUS[indicator.looks_like])]
    shown += [(f"components/{c.id}", i18n.words(c.name), i18n.lowercase(_(STATUS[snapshot.components[c.id]].words)),
               STATUS[snapshot.components[c.id]]) for c in site.catalog.components]
    shown += [(f"areas/{a.id}", i18n.words(a.name), i18n.lowercase(_(STATUS[snapshot.areas[a.id]].words)),
               STATUS[snapshot.areas[a.id]]) for a in site.catalog.areas]
    return shown


def badges(site: Site, snapshot: Snapshot, url: Callable[[str, str | None], str], *,
           site_name: str | None = None) -> dict[str, bytes]:
    """Every badge at the snapshot's time, keyed by its path from the site root (`url(kind, key)`, urls.Urls.url):
    the site's (labelled with `site_name`, else "status"), then each component's and each area's, labelled with
    its name, in catalog order."""
    return {url("badge", key): badge(label, words, look.symbol, COLOURS[look.css])
            for key, label, words, look in _shown(site, snapshot, site_name)}


def endpoints(site: Site, snapshot: Snapshot, url: Callable[[str, str | None], str], *,
              site_name: str | None = None) -> dict[str, bytes]:
    """The same badges as shields.io endpoints, each beside its SVG."""
    return {url("badge_endpoint", key): endpoint(label, words, look)
            for key, label, words, look in _shown(site, snapshot, site_name)}
