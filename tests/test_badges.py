"""Badges: every one parsed with lxml as SVG; what it says (words, symbol, the text screen readers get), its
colours' contrast computed, widths measured, bytes compared between builds, names escaped."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from statusgen.badges import COLOURS, LABEL_COLOUR, TEXT_COLOUR, badge, badges, endpoints, text_width
from statusgen.load import load_site
from statusgen.status import snapshot
from statusgen.urls import Urls
from tests.test_status import at, incident_file, maintenance_file

SVG = "http://www.w3.org/2000/svg"
NOW = "2026-01-01 10:30"

CATALOG = """\
areas:
  - id: north
    name: North
  - id: south
    name: South
  - id: east
    name: East
  - id: west
    name: West
components:
  - id: phone
    name: Phone
  - id: tv
    name: TV
    areas: [south]
  - id: internet
    name: Internet
    areas: [east]
  - id: email
    name: Email
    areas: [north]
  - id: voicemail
    name: Voicemail
"""
# At NOW: one component and one area in each status.
INCIDENTS = {
    "2026-01-01-phone.md": incident_file("phone: partial_outage", [("2026-01-01 10:00", "investigating", "")],
                                         extra="areas: [north]"),
    "2026-01-01-tv.md": incident_file("tv: degraded_performance", [("2026-01-01 10:05", "identified", "")]),
    "2026-01-01-email.md": incident_file("email: major_outage", [("2026-01-01 10:10", "investigating", "")]),
    "2026-01-01-internet-work.md": maintenance_file([("2025-12-20 09:00", "scheduled"),
                                                     ("2026-01-01 10:00", "in_progress")],
                                                    window=("2026-01-01 10:00", "2026-01-01 12:00"),
                                                    components="internet: under_maintenance"),
    "2025-12-30-old.md": incident_file("voicemail: major_outage", [("2025-12-30 08:00", "investigating", ""),
                                                                   ("2025-12-30 09:00", "resolved", "")]),
}
# path -> (what screen readers hear, the message as shown, its colour)
EXPECTED = {
    "badges/status.svg": ("status: major outage", "✕ major outage", COLOURS["critical"]),
    "badges/components/phone.svg": ("Phone: partial outage", "◆ partial outage", COLOURS["major"]),
    "badges/components/tv.svg": ("TV: degraded performance", "▲ degraded performance", COLOURS["minor"]),
    "badges/components/internet.svg": ("Internet: under maintenance", "⚙ under maintenance", COLOURS["maint"]),
    "badges/components/email.svg": ("Email: major outage", "✕ major outage", COLOURS["critical"]),
    "badges/components/voicemail.svg": ("Voicemail: operational", "✓ operational", COLOURS["ok"]),
    "badges/areas/north.svg": ("North: major outage", "✕ major outage", COLOURS["critical"]),
    "badges/areas/south.svg": ("South: degraded performance", "▲ degraded performance", COLOURS["minor"]),
    "badges/areas/east.svg": ("East: under maintenance", "⚙ under maintenance", COLOURS["maint"]),
    "badges/areas/west.svg": ("West: operational", "✓ operational", COLOURS["ok"]),
}


def build(site, when: str = NOW, **kwargs) -> dict[str, bytes]:
    loaded = load_site(site.content, "UTC")
    return badges(loaded, snapshot(loaded.catalog, loaded.incidents, at(when)), Urls().url, **kwargs)


@pytest.fixture
def built(site) -> dict[str, bytes]:
    site.catalog(CATALOG)
    for name, text in INCIDENTS.items():
        site.incident(name, text)
    return build(site)


def parse(svg: bytes) -> etree._Element:
    return etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))


def q(name: str) -> str:
    return f"{{{SVG}}}{name}"


def texts(root: etree._Element) -> list[str]:
    return [t.text for t in root.iter(q("text"))]


def spoken(root: etree._Element) -> str:
    """What a screen reader announces: the aria-label, checked to agree with the <title>."""
    assert root.get("role") == "img"
    assert root.findtext(q("title")) == root.get("aria-label")
    return root.get("aria-label")


def luminance(colour: str) -> float:
    """Relative luminance, WCAG 2.x."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- what there is and what it says ---------------------------------------------------------------------------

def test_one_badge_for_the_site_then_each_component_and_area_in_catalog_order(built):
    assert list(built) == list(EXPECTED)


@pytest.mark.parametrize("path", EXPECTED)
def test_each_badge_says_its_status_in_words_with_the_symbol_and_colour(built, path):
    reader_text, message, colour = EXPECTED[path]
    root = parse(built[path])
    assert spoken(root) == reader_text
    assert texts(root) == [reader_text.split(": ")[0], message]
    assert [shape.get("fill") for shape in (root.find(q("rect")), root.find(q("path")))] == [LABEL_COLOUR, colour]


@pytest.mark.parametrize("incident, words, symbol", [
    (None, "operational", "✓"),
    (maintenance_file([("2026-01-01 09:00", "in_progress")], window=("2026-01-01 09:00", "2026-01-01 11:00")),
     "maintenance", "⚙"),
    (incident_file("phone: degraded_performance", [("2026-01-01 10:00", "investigating", "")]), "minor outage", "▲"),
    (incident_file("phone: partial_outage", [("2026-01-01 10:00", "investigating", "")]), "partial outage", "◆"),
    (incident_file("tv: major_outage", [("2026-01-01 10:00", "investigating", "")]), "major outage", "✕"),
])
def test_the_site_badge_says_the_overall_status_labelled_with_the_site_name(site, incident, words, symbol):
    if incident:
        site.incident("2026-01-01-x.md", incident)
    root = parse(build(site, site_name="Lakeshore Status")["badges/status.svg"])
    assert spoken(root) == f"Lakeshore Status: {words}"
    assert texts(root) == ["Lakeshore Status", f"{symbol} {words}"]
    assert texts(parse(build(site)["badges/status.svg"]))[0] == "status"


def test_a_symbol_the_widths_table_lacks_is_left_out():
    root = parse(badge("Phone", "partial outage", "☃", COLOURS["major"]))
    assert texts(root) == ["Phone", "partial outage"]
    assert spoken(root) == "Phone: partial outage"


# --- readable ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, colour", sorted(COLOURS.items()) + [("label", LABEL_COLOUR)])
def test_white_text_meets_wcag_aa_on_every_colour(name, colour):
    assert contrast(TEXT_COLOUR, colour) >= 4.5, f"{name} {colour}: {contrast(TEXT_COLOUR, colour):.2f}"


def test_every_badge_draws_its_text_on_colours_from_the_checked_table(built):
    for path, svg in built.items():
        root = parse(svg)
        assert root.find(q("g")).get("fill") == TEXT_COLOUR, path
        fills = {shape.get("fill") for shape in root.iter(q("rect"), q("path"))}
        assert fills <= set(COLOURS.values()) | {LABEL_COLOUR}, path


# --- well formed and measured ----------------------------------------------------------------------------------

def test_every_badge_is_an_svg_document_with_its_size(built):
    for path, svg in built.items():
        root = parse(svg)
        assert root.tag == q("svg"), path
        width, height = float(root.get("width")), float(root.get("height"))
        assert width > 0 and height == 20, path
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}", path


def geometry(root: etree._Element) -> tuple[float, float, list[tuple[float, float]]]:
    """(width, where the message part starts, (x, textLength) of each text)."""
    message_start = float(root.find(q("path")).get("d").split(" ")[0].removeprefix("M"))
    spans = [(float(t.get("x")), float(t.get("textLength"))) for t in root.iter(q("text"))]
    return float(root.get("width")), message_start, spans


def test_each_text_is_centred_in_its_part_with_padding(built):
    for path, svg in built.items():
        width, split, [(label_x, label_len), (message_x, message_len)] = geometry(parse(svg))
        assert label_x - label_len / 2 == pytest.approx(5, abs=0.1), path
        assert label_x + label_len / 2 == pytest.approx(split - 5, abs=0.1), path
        assert message_x - message_len / 2 == pytest.approx(split + 5, abs=0.1), path
        assert message_x + message_len / 2 == pytest.approx(width - 5, abs=0.1), path


def test_text_widths_grow_with_the_text():
    labels = ["T", "TV", "TV Plus", "TV Plus & Internet", "TV Plus & Internet, Cedar Falls"]
    shapes = [geometry(parse(badge(label, "operational", "✓", COLOURS["ok"]))) for label in labels]
    label_lengths = [spans[0][1] for _, _, spans in shapes]
    widths = [width for width, _, _ in shapes]
    assert label_lengths == sorted(set(label_lengths)) and widths == sorted(set(widths))
    # Measured per character, not counted: three W's are wider than three i's.
    assert text_width("WWW") > 2 * text_width("iii")
    assert text_width("東京") == 2 * text_width("@")  # unknown characters count as a full em


# --- same input, same bytes -------------------------------------------------------------------------------------

def test_same_input_same_bytes(site, built):
    again = build(site)
    assert again == built
    assert build(site, "2026-01-01 10:45") == built  # the time shows only through the statuses


# --- names as authors wrote them ---------------------------------------------------------------------------------

def test_names_are_escaped_and_kept_whole(site):
    site.catalog("""\
        areas:
          - id: north
            name: "Zürich–Öst 東京 <north>"
        components:
          - id: tv
            name: 'Fiber & "TV" <4K> — Ñuñoa'
          - id: odd
            name: "Two\\tlines\\nhere"
        """)
    built = build(site)
    for path, name in [("badges/components/tv.svg", 'Fiber & "TV" <4K> — Ñuñoa'),
                       ("badges/areas/north.svg", "Zürich–Öst 東京 <north>"),
                       ("badges/components/odd.svg", "Two lines here")]:
        root = parse(built[path])
        assert spoken(root) == f"{name}: operational"
        assert texts(root) == [name, "✓ operational"]
    assert "Zürich–Öst 東京".encode() in built["badges/areas/north.svg"]  # UTF-8 as is, not character references


def test_each_badge_has_a_shields_endpoint_beside_it(site):
    """shields.io's endpoint badge reads {schemaVersion: 1, label, message, color}: words and symbol, not colour."""
    site.incident("2026-11-20-calls.md", "---\ntitle: Calls fail\ncomponents: {phone: partial_outage}\nupdates:\n"
                  "  - at: 2026-11-20 09:00Z\n    state: investigating\n    body: x\n---\n")
    loaded = load_site(site.content, "UTC")
    made = endpoints(loaded, snapshot(loaded.catalog, loaded.incidents, at("2026-11-20 10:00")), Urls().url,
                     site_name="Lakeshore")
    assert sorted(made) == ["badges/areas/north.json", "badges/areas/south.json", "badges/components/phone.json",
                            "badges/components/tv.json", "badges/status.json"]
    assert json.loads(made["badges/components/phone.json"]) == {
        "schemaVersion": 1, "label": "Phone", "message": "◆ partial outage", "color": "b3261e", "labelColor": "555555",
        "cacheSeconds": 300}
    assert json.loads(made["badges/status.json"])["message"] == "◆ partial outage"
