"""Languages: the catalogs (complete, compiled, with plurals and lists in each language), the example site built in
English, French, German, Spanish and Arabic (each language under /<lang>/, validated as the English one is: HTML
parsed strictly, feeds by feedparser and jing, calendars by icalendar), no English word of the catalog left on the
French pages, the same bytes twice, and the setting checked at its line."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import html5lib
import icalendar
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner
from lxml import etree

from statusgen import i18n
from statusgen.cli import main
from statusgen.texts import Text
from tests.conftest import BUILD_TIME, ROOT

LOCALES = ROOT / "statusgen" / "locale"
TRANSLATED = ("fr", "de", "es")
LANGUAGES = ["en", "fr", "de", "es", "ar"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ATOM_RNC = ROOT / "tests" / "data" / "atom.rnc"


def catalog(lang: str):
    with open(LOCALES / lang / "LC_MESSAGES" / "statusgen.po", "rb") as f:
        return read_po(f, locale=lang)


def template():
    with open(LOCALES / "statusgen.pot", "rb") as f:
        return read_po(f)


# --- the catalogs --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalog_is_complete_with_no_fuzzy_entry_and_the_same_placeholders(lang):
    po = catalog(lang)
    expected = {m.id for m in template() if m.id}
    found = {m.id for m in po if m.id}
    assert found == expected, (expected - found, found - expected)
    problems = []
    for m in po:
        if not m.id:
            continue
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(forms):
            problems.append(f"untranslated: {m.id!r}")
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        wanted = set(PLACEHOLDER.findall(m.id[-1] if isinstance(m.id, tuple) else m.id))
        for form in forms:
            if not set(PLACEHOLDER.findall(form)) <= wanted or (not isinstance(m.id, tuple)
                                                               and set(PLACEHOLDER.findall(form)) != wanted):
                problems.append(f"placeholders differ: {m.id!r} -> {form!r}")
    assert not problems, "\n".join(problems)
    assert not po.obsolete


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_compiled_catalog_is_its_po(lang):
    """The .mo the build reads holds every message of the .po as written (make messages compiled it)."""
    with open(LOCALES / lang / "LC_MESSAGES" / "statusgen.mo", "rb") as f:
        mo = {tuple(m.id) if isinstance(m.id, list) else m.id: tuple(m.string) if isinstance(m.string, list)
              else m.string for m in read_mo(f) if m.id}
    po = {m.id: m.string for m in catalog(lang) if m.id}
    assert mo == po


def test_pybabel_says_every_message_is_translated(tmp_path):
    for lang in TRANSLATED:
        shutil.copytree(LOCALES / lang, tmp_path / lang)
    pybabel = Path(sys.executable).with_name("pybabel")
    result = subprocess.run([str(pybabel), "compile", "-d", str(tmp_path), "-D", "statusgen", "--statistics"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    said = sorted(line for line in result.stderr.splitlines() if "translated" in line)
    count = len([m for m in template() if m.id])
    assert said == [f"{count} of {count} messages (100%) translated in {tmp_path}/{lang}/LC_MESSAGES/statusgen.po"
                    for lang in sorted(TRANSLATED)], result.stderr


@pytest.fixture
def language():
    """i18n.activate, put back to English after the test."""
    yield i18n.activate
    i18n.activate("en")


PLURALS = {
    "en": ["1 open incident", "2 open incidents", "5 open incidents"],
    "fr": ["1 incident en cours", "2 incidents en cours", "5 incidents en cours"],
    "de": ["1 offener Vorfall", "2 offene Vorfälle", "5 offene Vorfälle"],
    "es": ["1 incidente abierto", "2 incidentes abiertos", "5 incidentes abiertos"],
}
DURATIONS = {
    "en": ["1 minute", "2 hours", "5 days"],
    "fr": ["1 minute", "2 heures", "5 jours"],
    "de": ["1 Minute", "2 Stunden", "5 Tage"],
    "es": ["1 minuto", "2 horas", "5 días"],
}
LISTS = {
    "en": ["Millbrook", "Millbrook and Ashford", "Millbrook, Ashford, Cedar Falls, Lake City and Pine Ridge"],
    "fr": ["Millbrook", "Millbrook et Ashford", "Millbrook, Ashford, Cedar Falls, Lake City et Pine Ridge"],
    "de": ["Millbrook", "Millbrook und Ashford", "Millbrook, Ashford, Cedar Falls, Lake City und Pine Ridge"],
    "es": ["Millbrook", "Millbrook y Ashford", "Millbrook, Ashford, Cedar Falls, Lake City y Pine Ridge"],
}
TOWNS = ["Millbrook", "Ashford", "Cedar Falls", "Lake City", "Pine Ridge"]


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_plural_and_list_forms_for_1_2_and_5(lang, language):
    from datetime import timedelta

    from statusgen.wording import spoken_duration

    language(lang)
    assert [i18n.ngettext("%(num)d open incident", "%(num)d open incidents", n) % {"num": n}
            for n in (1, 2, 5)] == PLURALS[lang]
    assert [spoken_duration(d) for d in (timedelta(minutes=1), timedelta(hours=2), timedelta(days=5))] \
        == DURATIONS[lang]
    assert [i18n.joined(TOWNS[:n]) for n in (1, 2, 5)] == LISTS[lang]


@pytest.mark.parametrize("lang, percent, target, when", [
    ("en", "99.535%", "99.9%", "Aug 29, 2026, 09:05 CDT"),
    ("fr", "99,535\u00a0%", "99,9\u00a0%", "29 août 2026, 09:05 CDT"),
    ("de", "99,535\u00a0%", "99,9\u00a0%", "29. Aug. 2026, 09:05 CDT"),
    ("es", "99,535\u00a0%", "99,9\u00a0%", "29 ago 2026, 09:05 CDT"),
])
def test_figures_and_times_read_as_the_language_writes_them(lang, percent, target, when, language):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from statusgen.wording import human

    language(lang)
    assert i18n.percent(0.99535) == percent
    assert i18n.short_percent(99.9) == target
    zone = ZoneInfo("America/Chicago")
    assert human(datetime(2026, 8, 29, 9, 5, tzinfo=zone), zone) == when


@pytest.mark.parametrize("lang, headline", [
    ("en", "Phone and TV down in North and South"),
    ("fr", "Phone et TV en panne à North et South"),
    ("de", "Phone und TV in North und South ausgefallen"),
    ("es", "Caída de Phone y TV en North y South"),
])
def test_the_headline_is_a_sentence_of_the_language(lang, headline, language):
    from statusgen.headline import cells_words
    from statusgen.model import Area, Catalog, Component

    catalog = Catalog(areas=(Area("north", "North"), Area("south", "South"), Area("east", "East")), groups=(),
                      components=(Component("phone", "Phone", areas=("north", "south", "east")),
                                  Component("tv", "TV", areas=("north", "south", "east"))))
    language(lang)
    cells = {(c, a): "major_outage" for c in ("phone", "tv") for a in ("north", "south")}
    assert cells_words(catalog, cells) == headline


def test_a_text_falling_back_to_the_default_language_says_its_lang(language):
    i18n._active["default"] = "en"
    language("fr")
    assert i18n.marked(Text("Calls fail", {"fr": "Les appels échouent"})) == "Les appels échouent"
    assert i18n.marked("Calls <fail>") == '<span lang="en">Calls &lt;fail&gt;</span>'
    language("en")
    assert i18n.marked("Calls <fail>") == "Calls &lt;fail&gt;"


@pytest.mark.parametrize("code, direction", [("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("fr", "ltr"),
                                             ("pt-BR", "ltr"), ("xx", "ltr")])
def test_direction(code, direction):
    assert i18n.direction(code) == direction


def test_a_malformed_language_code_is_a_check_problem_at_its_line(tmp_path, monkeypatch):
    work = copy_example(tmp_path, 'STATUSGEN_LANGUAGES = ["en", "English"]')
    line = (work / "pelicanconf.py").read_text().splitlines().index('STATUSGEN_LANGUAGES = ["en", "English"]') + 1
    monkeypatch.chdir(work)
    # in this process (a process costs 0.3 CPU-s to start; the build tests run `statusgen` as one): a crash raises
    result = CliRunner().invoke(main, ["check", str(work)], catch_exceptions=False)
    assert result.exit_code == 1
    assert (f"pelicanconf.py:{line}: STATUSGEN_LANGUAGES[1]: not a language code (expected a code such as fr, pt-BR "
            f"or zh-Hant, got 'English')") in result.stdout + result.stderr


# --- the example site in five languages ----------------------------------------------------------------------------

def copy_example(tmp_path: Path, extra: str) -> Path:
    work = tmp_path / "site"
    work.mkdir()
    for name in ("content", "theme", "plugins", "pelicanconf.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
    with open(work / "pelicanconf.py", "a", encoding="utf-8") as f:
        f.write(f"\n{extra}\n")
    return work


def build(work: Path, output: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(work), "-o", str(output),
                             "--build-time", BUILD_TIME], capture_output=True, text=True, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def languages_site(tmp_path_factory):
    """The example with STATUSGEN_LANGUAGES, built twice (the second time with the first build's cache)."""
    tmp = tmp_path_factory.mktemp("languages")
    work = copy_example(tmp, f"STATUSGEN_LANGUAGES = {LANGUAGES!r}\nSITEURL = 'https://status.example.org'")
    return work, build(work, tmp / "one"), build(work, tmp / "two")


@pytest.fixture(scope="module")
def output(languages_site) -> Path:
    return languages_site[1]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.build
def test_the_same_build_twice_is_the_same_bytes(languages_site):
    _, one, two = languages_site
    assert files(one) == files(two)


@pytest.mark.build
def test_each_language_has_the_same_paths_under_its_prefix_and_the_api_stays_at_the_root(output):
    root = {path for path in files(output) if not path.split("/")[0] in LANGUAGES}
    shared = {p for p in root if p.startswith(("api/", "theme/")) or "/" not in p and not p.endswith(".html")}
    own = root - shared - {"404.html"}
    assert own and any(p.startswith("feeds/") for p in own) and any(p.startswith("calendar/") for p in own) \
        and any(p.startswith("badges/") for p in own)
    for lang in LANGUAGES[1:]:
        assert {p.removeprefix(f"{lang}/") for p in files(output) if p.startswith(f"{lang}/")} == own, lang
    assert not (output / "fr" / "api").exists()


def parse(path: Path):
    """The page parsed by html5lib in strict mode: any parse error fails."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(path.read_bytes())


@pytest.mark.build
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_page_of_a_language_is_valid_html_in_that_language(output, lang):
    pages = sorted((output / lang).rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        root = parse(path)
        assert root.get("lang") == lang, path
        assert root.get("dir") is None, path


@pytest.mark.build
def test_the_arabic_site_is_right_to_left_with_english_words(output):
    root = parse(output / "ar" / "index.html")
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert root.find(".//h2[@id='components-h']").text == "Services"


@pytest.mark.build
def test_alternates_and_a_language_switcher_on_every_page(output):
    page = "incidents/2026-11-22-cedar-falls-fixed-wireless-outage/index.html"
    root = parse(output / "fr" / page)
    alternates = {link.get("hreflang"): link.get("href") for link in root.iter("link")
                  if link.get("rel") == "alternate" and link.get("hreflang")}
    here = "../../../"
    path = "incidents/2026-11-22-cedar-falls-fixed-wireless-outage/"
    assert alternates == {"en": here + path, "fr": here + "fr/" + path, "de": here + "de/" + path,
                          "es": here + "es/" + path, "ar": here + "ar/" + path, "x-default": here + path}
    nav = root.find(".//nav[@class='languages']")
    links = [(a.get("lang"), a.get("hreflang"), a.text, a.get("aria-current"), a.get("href")) for a in nav.iter("a")]
    assert links == [("en", "en", "English", None, here + path), ("fr", "fr", "Français", "true", here + "fr/" + path),
                     ("de", "de", "Deutsch", None, here + "de/" + path), ("es", "es", "Español", None, here + "es/" + path),
                     ("ar", "ar", "العربية", None, here + "ar/" + path)]
    for lang, _, _, _, href in links:
        assert (output / "fr" / page).parent.joinpath(href, "index.html").resolve().is_file(), href


def test_one_language_has_no_switcher_nor_alternates(example_output):
    text = (example_output / "index.html").read_text()
    assert 'hreflang' not in text and 'class="languages"' not in text


@pytest.mark.build
def test_the_sitemap_lists_every_language(output):
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in etree.parse(str(output / "sitemap.xml")).getroot().findall("s:url/s:loc", names)]
    for lang in LANGUAGES[1:]:
        assert f"https://status.example.org/{lang}/" in urls
        assert f"https://status.example.org/{lang}/history/" in urls
    assert len(urls) == len(LANGUAGES) * len([u for u in urls if u.count("/") == 3 or
                                              u.split("/")[3] not in LANGUAGES])


@pytest.mark.build
@pytest.mark.parametrize("lang, title", [("fr", "Toutes les mises à jour"), ("de", "Alle Updates")])
def test_feeds_of_a_language_are_valid_and_in_it(output, lang, title):
    atoms = sorted((output / lang / "feeds").rglob("*.atom.xml"))
    for path in atoms + sorted((output / lang / "feeds").rglob("*.rss.xml")):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    feed = feedparser.parse((output / lang / "feeds" / "all.atom.xml").read_bytes())
    assert feed.feed.title.endswith(title) or title in feed.feed.title, feed.feed.title
    assert etree.parse(str(output / lang / "feeds" / "all.atom.xml")).getroot().get(
        "{http://www.w3.org/XML/1998/namespace}lang") == lang
    if shutil.which("jing"):
        result = subprocess.run(["jing", "-c", str(ATOM_RNC), *map(str, atoms)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


@pytest.mark.build
@pytest.mark.parametrize("lang, name", [("fr", "Toutes les maintenances"), ("de", "Alle Wartungen")])
def test_calendars_of_a_language_are_valid_and_in_it(output, lang, name):
    for path in sorted((output / lang / "calendar").rglob("*.ics")):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert cal.to_ical() == path.read_bytes()
    cal = icalendar.Calendar.from_ical((output / lang / "calendar" / "maintenance.ics").read_bytes())
    assert name in str(cal.get("x-wr-calname") or cal.get("name"))


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text))


def authors_words(work: Path) -> set[str]:
    """Every word of the content, the settings and the file and feed names: what is not statusgen's to translate."""
    found = set()
    for path in [*(work / "content").rglob("*"), work / "pelicanconf.py"]:
        if path.is_file():
            found |= words(path.read_text(encoding="utf-8"))
    return found | {"Atom", "RSS", "iCalendar", "JSON", "Statuspage", "API", "README", "SLA", "CST", "CDT", "UTC"}


def visible_text(root) -> str:
    """The page's text outside any element in another language (an author's text falling back, the switcher) and
    outside code and machine-readable values."""
    out = []

    def walk(el, skip=False):
        skip = skip or el.tag in ("script", "style", "code") or (el.get("lang") not in (None, "fr"))
        if not skip and el.text:
            out.append(el.text)
        for child in el:
            walk(child, skip)
            if not skip and child.tail:
                out.append(child.tail)
        if el.tag in ("img",) and el.get("alt"):
            out.append(el.get("alt"))

    walk(root.find("body"))
    return " ".join(out)


@pytest.mark.build
def test_no_english_word_of_the_catalog_is_left_on_the_french_pages(languages_site):
    work, output, _ = languages_site
    english = set()
    for m in template():
        if m.id:
            english |= words(" ".join(m.id if isinstance(m.id, tuple) else [m.id]))
    french = set()
    for m in catalog("fr"):
        if m.id:
            french |= words(" ".join(m.string if isinstance(m.string, tuple) else [m.string]))
    suspects = english - french - authors_words(work) - {"num", "href"}
    found = {}
    for path in sorted((output / "fr").rglob("*.html")):
        left = words(visible_text(parse(path))) & suspects
        if left:
            found[path.relative_to(output).as_posix()] = sorted(left)
    assert not found


def test_messages_to_subscribers_are_in_the_active_language(site, language):
    from statusgen.load import load_site
    from statusgen.messages import Wording, update_messages
    from tests.conftest import utc

    site.incident("2026-12-01-calls.md", """\
        ---
        title: Calls and TV fail
        components: {phone: major_outage, tv: partial_outage}
        updates:
          - {at: 2026-12-01 10:00, state: investigating, body: Calls and TV fail., next_update: 2026-12-01 11:00}
          - {at: 2026-12-01 10:30, state: identified, components: {tv: operational}, body: TV is back.}
        ---
        """)
    language("fr")
    words = Wording(site_name="Northwind", site_url="https://status.northwind.example")
    first, second = update_messages(load_site(site.content), utc("2026-12-02 00:00"), words)
    assert first.subject == "Perturbations sur Phone et TV partout\u00a0: enquête en cours"
    assert second.subject == "Phone en panne partout\u00a0: identifié"
    assert "Concernés\u00a0: Phone: Panne majeure\nRétabli\u00a0: TV\n" in second.text
    assert "Prochaine mise à jour\u00a0: d’ici 1 déc. 2026, 11:00 UTC" in first.chat
    assert "Vous recevez ce message parce que vous êtes abonné aux avis de Northwind." in first.text
