"""A site in English and French from one content tree (tests/data/i18n-site): the translated incident reads in
French everywhere the French site shows it (title element, heading, updates, review, feeds, headline), the untranslated
one falls back to English marked with lang="en", and the English site shows no French."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import html5lib
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.build

SITE = ROOT / "tests" / "data" / "i18n-site"
BUILD_TIME = "2026-12-01T12:00:00-06:00"
TRANSLATED = "2026-11-20-calls-fail-in-millbrook"
UNTRANSLATED = "2026-11-21-internet-slow-in-lake-city"
OPEN = """---
title: {en: Calls drop in Lake City, fr: Les appels coupent à Lake City}
started: 2026-12-01 10:00
components:
  phone: major_outage
areas: [lake-city]
updates:
  - at: 2026-12-01 10:10
    state: investigating
    body: {en: Calls drop after a minute., fr: Les appels coupent après une minute.}
---
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "statusgen.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("i18n-content")
    work = tmp / "site"
    shutil.copytree(SITE, work)
    (work / "content" / "incidents" / "2026-12-01-calls-drop-in-lake-city.md").write_text(OPEN, encoding="utf-8")
    result = run("build", str(work), "-o", str(tmp / "out"), "--build-time", BUILD_TIME, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    return work, tmp / "out"


def page(out: Path, path: str):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse((out / path).read_bytes())


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_check_passes_and_notes_the_untranslated_texts(site):
    work, _ = site
    result = run("check", str(work), "--build-time", BUILD_TIME, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{UNTRANSLATED}.md:2: note: title has no French (fr) text" in result.stderr


def test_the_translated_incident_reads_in_french(site):
    _, out = site
    doc = page(out, f"fr/incidents/{TRANSLATED}/index.html")
    assert doc.find(".//title").text == "Les appels échouent à Millbrook · Lakeshore Communications Status"
    assert text(doc.find(".//h1")) == "Les appels échouent à Millbrook"
    body = text(doc.find(".//main"))
    assert "Une équipe de chantier a coupé une fibre près de Millbrook." in body
    assert "Ce qui s'est passé" in body
    assert "Crews are on site" not in body and "What happened" not in body
    assert doc.find(".//h1[@lang]") is None


def test_the_untranslated_incident_falls_back_to_english_marked(site):
    _, out = site
    doc = page(out, f"fr/incidents/{UNTRANSLATED}/index.html")
    assert doc.get("lang") == "fr"
    heading = doc.find(".//h1")
    assert [(e.tag, e.get("lang"), e.text) for e in heading.iter() if e.get("lang")] == [
        ("span", "en", "Internet is slow in Lake City")]
    marked = [text(e) for e in doc.iter() if e.get("lang") == "en" and e.tag == "div"]
    assert "Pages load slowly in the evening. We are looking into it." in marked


def test_the_english_site_shows_no_french(site):
    _, out = site
    for path in (out / "incidents").rglob("*.html"):
        words = text(page(out, path.relative_to(out).as_posix()))
        assert "échouent" not in words and "Ce qui s'est passé" not in words, path


def test_the_french_feeds_carry_the_french_texts(site):
    _, out = site
    feed = feedparser.parse((out / "fr" / "feeds" / "components" / "phone.atom.xml").read_bytes())
    assert feed.feed.title == "Lakeshore Communications Status: Téléphone"
    titles = [e.title for e in feed.entries]
    assert "Identifié: Les appels échouent à Millbrook" in titles
    contents = " ".join(e.content[0].value for e in feed.entries)
    assert "Les appels coupent après une minute." in contents and "Calls drop" not in contents
    english = feedparser.parse((out / "feeds" / "components" / "phone.atom.xml").read_bytes())
    assert english.feed.title == "Lakeshore Communications Status: Phone"
    assert "Investigating: Calls drop in Lake City" in [e.title for e in english.entries]


def test_the_french_headline_names_the_service_in_french(site):
    _, out = site
    french = text(page(out, "fr/index.html").find(".//main"))
    assert "Téléphone" in french and "Les appels coupent à Lake City" in french
    english = text(page(out, "index.html").find(".//main"))
    assert "Téléphone" not in english and "Calls drop in Lake City" in english
