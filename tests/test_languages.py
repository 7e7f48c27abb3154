"""Content in several languages: texts given by language code load as Text values (the default language's text with
its translations), bad mappings are problems at their exact lines, texts missing a language are check's notes, and
posting writes a text per language that loads back."""
from __future__ import annotations

import json
from datetime import datetime, timezone
import pickle
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from statusgen import config
from statusgen.cache import prepare
from statusgen.cli import main
from statusgen.errors import ContentError
from statusgen.load import load_site
from statusgen.source import LOADER
from statusgen.texts import Text, in_language, untranslated_notes
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "i18n-site"
BILINGUAL = ("en", "fr")
NAME = "2026-01-01-test.md"
F = f"incidents/{NAME}"
NOW = "2026-06-01T00:00Z"
FIXTURE_NOW = "2026-12-01T00:00Z"  # after the fixture's incidents

TRANSLATED = """\
---
title: {en: Calls fail, fr: Les appels échouent}
components:
  phone: major_outage
updates:
  - at: 2026-01-01 10:00
    state: investigating
    body:
      en: |-
        We are on it.

        More soon.
      fr: On s'en occupe.
  - at: 2026-01-01 11:00
    state: resolved
    body: Fixed.
---
The review.

<!-- lang: fr -->
La revue.
"""

CATALOG = """\
areas:
  - id: north
    name: {en: North, fr: Nord}
    description: {en: The north, fr: Le nord}
  - id: south
    name: South
groups:
  - id: voice
    name: {en: Voice, fr: Voix}
    description:
      en: Calling
      fr: Appels
components:
  - id: phone
    name:
      en: Phone
      fr: Téléphone
    group: voice
    description: {en: Calls, fr: Appels}
  - id: tv
    name: TV
    areas: [south]
"""


def bilingual(site):
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "UTC"\nSTATUSGEN_LANGUAGES = ["en", "fr"]\n')
    site.catalog(CATALOG)
    return site


def problems(site, languages=BILINGUAL) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_site(site.content, "UTC", languages=languages)
    prefix = f"{site.content}/"
    return [str(p)[len(prefix):] for p in info.value.problems]


# --- loading -------------------------------------------------------------------------------------------------

def test_every_text_may_be_given_by_language_and_loads_as_a_text_with_its_translations(site):
    bilingual(site).incident(NAME, TRANSLATED)
    loaded = load_site(site.content, "UTC", languages=BILINGUAL)
    catalog, (incident,) = loaded.catalog, loaded.incidents
    expected = {
        (incident.title, "Calls fail"): {"fr": "Les appels échouent"},
        (incident.updates[0].body, "We are on it.\n\nMore soon."): {"fr": "On s'en occupe."},
        (incident.updates[1].body, "Fixed."): {},
        (incident.summary, "The review."): {"fr": "La revue."},
        (catalog.area["north"].name, "North"): {"fr": "Nord"},
        (catalog.area["north"].description, "The north"): {"fr": "Le nord"},
        (catalog.area["south"].name, "South"): {},
        (catalog.group["voice"].name, "Voice"): {"fr": "Voix"},
        (catalog.group["voice"].description, "Calling"): {"fr": "Appels"},
        (catalog.component["phone"].name, "Phone"): {"fr": "Téléphone"},
        (catalog.component["phone"].description, "Calls"): {"fr": "Appels"},
        (catalog.component["tv"].name, "TV"): {},
    }
    for (value, default), translations in expected.items():
        assert type(value) is Text and value == default and str(value) == default
        assert value.translations == translations


def test_a_missing_translation_falls_back_to_the_default_language_and_says_so(site):
    bilingual(site).incident(NAME, TRANSLATED)
    incident = load_site(site.content, "UTC", languages=BILINGUAL).incidents[0]
    assert in_language(incident.title, "fr", "en") == ("Les appels échouent", "fr")
    assert in_language(incident.updates[1].body, "fr", "en") == ("Fixed.", "en")
    assert in_language(incident.title, "en", "en") == ("Calls fail", "en")


def test_a_one_language_site_loads_plain_text_as_before(site):
    site.incident(NAME, TRANSLATED.split("<!--")[0].replace("{en: Calls fail, fr: Les appels échouent}", "Calls fail")
                  .replace("      fr: On s'en occupe.\n", ""))
    incident = load_site(site.content, "UTC").incidents[0]
    assert incident.title == "Calls fail" and incident.title.translations == {}
    assert incident.summary == "The review."
    assert incident.untranslated == ()


def test_a_review_may_mark_its_default_language_when_nothing_comes_before(site):
    bilingual(site).incident(NAME, TRANSLATED.replace("The review.\n", "<!-- lang: en -->\nThe review.\n"))
    assert load_site(site.content, "UTC", languages=BILINGUAL).incidents[0].summary.translations == {"fr": "La revue."}


BAD = {
    "unknown language, with the closest": ("title: {en: Calls fail, fra: Les appels}",
                                           ['2: title: unknown language (did you mean fr? expected one of fr, en, got '
                                            '"fra")']),
    "unknown language": ("title: {en: Calls fail, de: Anrufe}",
                         ['2: title: unknown language (expected one of en, fr, got "de")']),
    "missing the default language": ("title: {fr: Les appels}",
                                     ["2: title: no text in the default language (expected en: and the text shown "
                                      "where there is none in the reader's language, got fr)"]),
    "empty text": ('title: {en: Calls fail, fr: ""}', ["2: title.fr: empty (expected text, got nothing)"]),
    "nothing": ("title: {en: Calls fail, fr: }", ["2: title.fr: wrong type (expected text, got nothing)"]),
    "empty mapping": ("title: {}", ["2: title: empty (expected text, or a mapping of language: text with en, got an "
                                    "empty mapping)"]),
    "a list": ("title:\n  en: Calls fail\n  fr: [Les, appels]",
               ["4: title.fr: wrong type (expected text, got a list)"]),
    "nested mappings": ("title:\n  en: Calls fail\n  fr: {fr: Les appels}",
                        ["4: title.fr: wrong type (expected text, got a mapping)"]),
    "a language twice": ("title:\n  en: Calls fail\n  fr: A\n  fr: B",
                         ['5: title.fr: duplicate language (expected each language once, got "fr" again; first at '
                          'line 4)']),
    "a comment dropped": ("title:\n  en: Calls fail\n  fr: Panne #2",
                          ['4: title.fr: text after " #" is a YAML comment and is dropped (expected the whole text: '
                           'quote it or use a "|" block)']),
}


@pytest.mark.parametrize("title, expected", BAD.values(), ids=BAD.keys())
def test_bad_texts_by_language_are_problems_at_their_lines(site, title, expected):
    bilingual(site).incident(NAME, TRANSLATED.replace("title: {en: Calls fail, fr: Les appels échouent}", title))
    assert problems(site) == [f"{F}:{message}" for message in expected]


def test_a_body_and_a_name_by_language_are_checked_as_the_title(site):
    bilingual(site).incident(NAME, TRANSLATED.replace("      fr: On s'en occupe.", "      de: Wir sind dran."))
    site.catalog(CATALOG.replace("fr: Nord}", "fr: Nord, es: Norte}").replace("name: TV", "name: {fr: Télé}"))
    assert problems(site) == [
        'components.yml:3: areas[0].name: unknown language (expected one of en, fr, got "es")',
        "components.yml:21: components[1].name: no text in the default language (expected en: and the text shown "
        "where there is none in the reader's language, got fr)",
        f'{F}:13: updates[0].body: unknown language (expected one of en, fr, got "de")',
    ]


def test_in_a_one_language_site_another_language_is_unknown(site):
    site.incident(NAME, TRANSLATED.split("<!--")[0])
    assert problems(site, ("en",)) == [
        f'{F}:2: title: unknown language (expected one of en, got "fr")',
        f'{F}:13: updates[0].body: unknown language (expected one of en, got "fr")',
    ]


BAD_REVIEWS = {
    "unknown language": ("The review.\n\n<!-- lang: de -->\nDie Bewertung.\n",
                         ['20: review: unknown language (expected one of en, fr, got "de")']),
    "not a mark": ("The review.\n\n<!-- lang fr -->\nLa revue.\n",
                   ['20: review: not a language mark (expected a line <!-- lang: fr --> before the review in that '
                    'language, got "<!-- lang fr -->")']),
    "twice": ("The review.\n<!-- lang: fr -->\nLa revue.\n<!-- lang: fr -->\nEncore.\n",
              ['21: review: duplicate language (expected each language once, got "fr" again; first at line 19)']),
    "the default twice": ("The review.\n<!-- lang: en -->\nAgain.\n",
                          ['19: review: duplicate language (expected each language once, got "en" again; first at '
                           'line 18)']),
    "empty": ("The review.\n<!-- lang: fr -->\n\n", ["19: review: empty (expected the review in French (fr) below its "
                                                     "mark, got nothing)"]),
    "no default": ("\n<!-- lang: fr -->\nLa revue.\n", ["19: review: no review in the default language (expected the "
                                                        "en review first, above the marks, got none)"]),
}


@pytest.mark.parametrize("review, expected", BAD_REVIEWS.values(), ids=BAD_REVIEWS.keys())
def test_bad_reviews_by_language_are_problems_at_their_marks(site, review, expected):
    bilingual(site).incident(NAME, TRANSLATED.split("---\nThe review.")[0] + "---\n" + review)
    assert problems(site) == [f"{F}:{message}" for message in expected]


def test_the_incident_cache_keeps_the_translations(site, tmp_path):
    bilingual(site).incident(NAME, TRANSLATED)
    cache = prepare(tmp_path / "cache")
    cold = load_site(site.content, "UTC", cache=cache, languages=BILINGUAL).incidents[0]
    with open(cache / "incidents.pickle", "rb") as store:
        pickle.load(store)
        (stored,) = pickle.load(store)
    warm = load_site(site.content, "UTC", cache=cache, languages=BILINGUAL).incidents[0]
    for incident in (stored, warm):
        assert incident.title.translations == {"fr": "Les appels échouent"}
        assert incident.updates[0].body.translations == {"fr": "On s'en occupe."}
        assert incident.summary.translations == {"fr": "La revue."}
        assert incident.untranslated == cold.untranslated == ((16, "updates[1].body", ("fr",)),)
    assert pickle.loads(pickle.dumps(Text("Fixed."))).translations == {}
    # The site's languages are part of what the stored incidents were checked against.
    with pytest.raises(ContentError) as info:
        load_site(site.content, "UTC", cache=cache, languages=("en",))
    assert f'{F}:2: title: unknown language (expected one of en, got "fr")' in [
        str(p)[len(f"{site.content}/"):] for p in info.value.problems]


def test_the_schema_for_editors_takes_a_text_by_language():
    schema = json.loads((ROOT / "statusgen" / "schemas" / "incident.schema.json").read_text())
    front = yaml.load(TRANSLATED.split("---\n")[1], Loader=LOADER)
    front["updates"] = [{**u, "at": str(u["at"])} for u in front["updates"]]
    jsonschema.validate(front, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**front, "title": {"English": "Calls fail"}}, schema)
    catalog = json.loads((ROOT / "statusgen" / "schemas" / "components.schema.json").read_text())
    jsonschema.validate(yaml.load(CATALOG, Loader=LOADER), catalog)


# --- the site's languages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ('"fr"', ["STATUSGEN_LANGUAGES: not a list of languages (expected a list of language codes, the default first, "
              "such as [\"en\", \"fr\"], got 'fr')"]),
    ("[]", ["STATUSGEN_LANGUAGES: not a list of languages (expected a list of language codes, the default first, "
            "such as [\"en\", \"fr\"], got an empty list)"]),
    ('["en", "French", "en", "pt_BR"]', [
        "STATUSGEN_LANGUAGES[1]: not a language code (expected a code such as fr, pt-BR or zh-Hant, got 'French')",
        "STATUSGEN_LANGUAGES[2]: duplicate language (expected each code once, got 'en' again)",
        "STATUSGEN_LANGUAGES[3]: not a language code (expected a code such as fr, pt-BR or zh-Hant, got 'pt_BR')"]),
])
def test_bad_languages_in_the_settings_are_problems_at_their_line(site, value, expected):
    (site.root / "pelicanconf.py").write_text(f'TIMEZONE = "UTC"\nSTATUSGEN_LANGUAGES = {value}\n')
    result = CliRunner().invoke(main, ["check", str(site.root), "--no-cache"], env={"STATUSGEN_NOW": NOW})
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [f"{site.root / 'pelicanconf.py'}:2: {m}" for m in expected]


def test_the_languages_are_the_list_else_the_default_language_alone():
    assert config.languages({"STATUSGEN_LANGUAGES": ["fr", "en", "pt-BR", "zh-Hant", "es-419"]}) == (
        "fr", "en", "pt-BR", "zh-Hant", "es-419")
    assert config.languages({"DEFAULT_LANG": "de"}) == ("de",)
    assert config.languages({}) == ("en",)


# --- check's notes -------------------------------------------------------------------------------------------

def test_check_notes_the_missing_translations_and_passes():
    result = CliRunner().invoke(main, ["check", str(FIXTURE), "--no-cache"], env={"STATUSGEN_NOW": FIXTURE_NOW})
    assert result.exit_code == 0, result.output
    here = FIXTURE.relative_to(Path.cwd()) if FIXTURE.is_relative_to(Path.cwd()) else FIXTURE
    slow = f"{here}/content/incidents/2026-11-21-internet-slow-in-lake-city.md"
    note = "has no French (fr) text; the default language's is shown"
    assert result.output.splitlines() == [
        f"{here}/content/components.yml:4: note: areas[0].name {note}",
        f"{slow}:2: note: title {note}",
        f"{slow}:9: note: updates[0].body {note}",
        f"{slow}:12: note: updates[1].body {note}",
        "ok: 2 components in 2 areas, 2 incidents and 0 maintenance windows",
    ]
    github = CliRunner().invoke(main, ["check", str(FIXTURE), "--no-cache", "--format", "github"],
                                env={"STATUSGEN_NOW": FIXTURE_NOW})
    assert github.exit_code == 0 and github.output.count("::notice file=") == 4
    gitlab = CliRunner().invoke(main, ["check", str(FIXTURE), "--no-cache", "--format", "gitlab"],
                                env={"STATUSGEN_NOW": FIXTURE_NOW})
    assert gitlab.exit_code == 0
    assert [(i["severity"], i["location"]["lines"]["begin"]) for i in json.loads(gitlab.stdout)] == [
        ("info", 4), ("info", 2), ("info", 9), ("info", 12)]


def test_the_translated_fixture_incident_has_every_text_in_french():
    site = load_site(FIXTURE / "content", "America/Chicago", languages=BILINGUAL)
    translated, untranslated = site.incidents
    assert translated.untranslated == () and len(untranslated.untranslated) == 3
    assert translated.summary.translations["fr"].startswith("## Ce qui s'est passé")
    assert all(u.body.translations.get("fr") for u in translated.updates)


def test_many_untranslated_texts_are_counted_not_listed():
    found = [(f"f{n}.md", line, f"updates[{line}].body", ("fr",)) for n in range(30) for line in range(5)]
    notes = untranslated_notes(found)
    assert len(notes) == 19  # six files of three lines, and the line that counts the rest
    assert notes[:3] == [("f0.md", 0, "updates[0].body has no French (fr) text; the default language's is shown"),
                         ("f0.md", 1, "updates[1].body has no French (fr) text; the default language's is shown"),
                         ("f0.md", 2, "and 3 more texts in this file have no French (fr) text")]
    assert notes[-1] == ("f6.md", 0, "and 120 more texts without a translation, in 24 files from this one on "
                                     "(not listed)")
    assert untranslated_notes([("a.md", 3, "title", ("fr", "de", "es"))]) == [
        ("a.md", 3, "title has no French (fr), German (de) or Spanish (es) text; the default language's is shown")]


# --- posting -------------------------------------------------------------------------------------------------

ID = "2026-06-01-calls-fail"
PATH = f"content/incidents/{ID}.md"


def run(site, *args: str):
    result = CliRunner().invoke(main, [*args[:1], "-C", str(site.root), *args[1:]], env={"STATUSGEN_NOW": NOW})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_new_update_and_resolve_write_a_message_per_language_that_loads_back(site):
    bilingual(site)
    assert run(site, "new", "--title", "Calls fail", "--title", "fr=Les appels échouent", "--status",
               "phone=major_outage", "-m", "Calls fail.\nWe are on it.", "-m", "fr=Les appels échouent.",
               "-m", "fr=On s'en occupe.") == (0, f"{PATH}\n{ID}\n")
    assert run(site, "update", ID, "-m", "en=Still on it.", "-m", "fr=Toujours.") == (
        0, f"{PATH}: investigating at 2026-06-01T00:00+00:00\n")
    assert run(site, "resolve", ID, "-m", "Fixed.") == (0, f"{PATH}: resolved at 2026-06-01T00:00+00:00\n")
    assert (site.root / PATH).read_text() == """\
---
title:
  en: "Calls fail"
  fr: "Les appels échouent"
components:
  phone: major_outage
updates:
  - at: 2026-06-01T00:00+00:00
    state: investigating
    body:
      en: |-
        Calls fail.
        We are on it.
      fr: |-
        Les appels échouent.

        On s'en occupe.
  - at: 2026-06-01T00:00+00:00
    state: investigating
    body:
      en: "Still on it."
      fr: "Toujours."
  - at: 2026-06-01T00:00+00:00
    state: resolved
    body: "Fixed."
---
"""
    incident = load_site(site.content, "UTC", languages=BILINGUAL).incidents[0]
    assert (incident.title, incident.title.translations) == ("Calls fail", {"fr": "Les appels échouent"})
    assert [(u.body, u.body.translations) for u in incident.updates] == [
        ("Calls fail.\nWe are on it.", {"fr": "Les appels échouent.\n\nOn s'en occupe."}),
        ("Still on it.", {"fr": "Toujours."}), ("Fixed.", {})]


def test_an_update_by_language_joins_a_flow_list(site):
    bilingual(site).incident(f"{ID}.md", """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates: [{at: 2026-05-01 10:00, state: investigating, body: On it.}]
        ---
        """)
    assert run(site, "update", ID, "-m", "Still.\nMore.", "-m", "fr=Toujours.")[0] == 0
    assert (site.root / PATH).read_text().splitlines()[3] == (
        'updates: [{at: 2026-05-01 10:00, state: investigating, body: On it.}, {at: 2026-06-01T00:00+00:00, '
        'state: investigating, body: {en: "Still.\\nMore.", fr: "Toujours."}}]')
    assert load_site(site.content, "UTC", languages=BILINGUAL).incidents[0].updates[1].body.translations == {
        "fr": "Toujours."}


def test_messages_in_no_language_of_the_site_are_refused_and_nothing_written(site):
    bilingual(site)
    assert run(site, "new", "--title", "fr=Les appels", "--status", "phone=major_outage", "-m", "de=Anrufe",
               "-m", "Calls fail.") == (1, (
        'statusgen: --title: no text in the default language (expected --title TEXT or --title en=TEXT, got only fr)\n'
        'statusgen: -m/--message: unknown language (expected one of en, fr, got "de"; a text that starts so is given '
        'as -m/--message en=de=Anrufe)\n'))
    assert list((site.content / "incidents").iterdir()) == []


def test_on_a_one_language_site_a_message_with_an_equals_sign_is_text(site):
    assert run(site, "new", "--title", "en=Calls fail", "--status", "phone=major_outage", "-m", "en=x is text")[0] == 0
    incident = load_site(site.content, "UTC").incidents[0]
    assert (incident.title, incident.updates[0].body) == ("en=Calls fail", "en=x is text")


def test_a_title_is_given_once_per_language(site):
    bilingual(site)
    assert run(site, "new", "--title", "Calls fail", "--title", "fr=A", "--title", "fr=B", "--status",
               "phone=major_outage", "-m", "x") == (
        1, "statusgen: --title: given twice in fr (expected one --title per language, got 2)\n")


def test_the_fixture_site_copies_and_checks_where_it_is_put(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy)
    assert CliRunner().invoke(main, ["check", str(copy), "--no-cache"], env={"STATUSGEN_NOW": FIXTURE_NOW}).exit_code == 0


def test_the_api_and_history_stay_in_the_default_language():
    from statusgen.api import ApiSettings, documents, history
    from statusgen.urls import Urls

    site = load_site(FIXTURE / "content", "America/Chicago", languages=BILINGUAL)
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    settings = ApiSettings(page_id="status.lakeshore.example", name="Status", url="", time_zone="America/Chicago")
    files = [*documents(site, at, settings, Urls().url, lambda path: path).values(),
             history(site, at, settings, Urls().url, lambda path: path)]
    text = b"".join(files).decode()
    assert "Calls fail in Millbrook" in text and "Fiber internet" in text and "Crews are on site." in text
    assert not any(french in text for french in ("Les appels", "Téléphone", "Internet par fibre", "Ce qui s"))


def test_the_issue_forms_of_a_site_in_two_languages_name_services_in_the_default_one(tmp_path, monkeypatch):
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy)
    monkeypatch.chdir(copy)
    result = CliRunner().invoke(main, ["forms"])
    assert result.exit_code == 0, result.output
    form = yaml.safe_load((copy / ".github" / "ISSUE_TEMPLATE" / "statusgen-incident.yml").read_text())
    labels = [item.get("attributes", {}).get("label") for item in form["body"]]
    assert "Status of Phone" in labels and not any("Téléphone" in str(label) for label in labels)


def test_maintenance_and_resolve_take_texts_per_language(site):
    bilingual(site)
    assert run(site, "maintenance", "--title", "Switch upgrade", "--title", "fr=Mise à niveau", "--status",
               "phone=under_maintenance", "--start", "2026-06-02 02:00", "--end", "2026-06-02 04:00", "-m",
               "Calls may drop.", "-m", "fr=Les appels peuvent couper.")[0] == 0
    ident = "2026-06-01-switch-upgrade"
    assert run(site, "resolve", ident, "-m", "Done.", "-m", "fr=Terminé.", "--at", "2026-06-02 04:00")[0] == 0
    text = (site.content / "incidents" / f"{ident}.md").read_text()
    assert text.startswith('---\ntitle:\n  en: "Switch upgrade"\n  fr: "Mise à niveau"\nkind: maintenance\n')
    incident = load_site(site.content, "UTC", languages=BILINGUAL).incidents[0]
    assert incident.title.translations == {"fr": "Mise à niveau"}
    assert [(u.state, u.body, u.body.translations) for u in incident.updates] == [
        ("scheduled", "Calls may drop.", {"fr": "Les appels peuvent couper."}),
        ("completed", "Done.", {"fr": "Terminé."})]


def test_services_and_areas_may_be_typed_by_their_name_in_any_language_of_the_site(site):
    bilingual(site)
    assert run(site, "new", "--title", "Calls fail", "--status", "Téléphone=major outage", "--area", "Nord",
               "-m", "x") == (0, f"{PATH}\n{ID}\n")
    assert "  phone: major_outage\nareas: [north]\n" in (site.root / PATH).read_text()
    assert run(site, "new", "--title", "Calls fail", "--status", "Telefone=major outage", "-m", "x") == (
        1, 'statusgen: --status: unknown service (did you mean phone? expected one of phone, tv, got "Telefone")\n')


def test_an_empty_message_is_missing_as_before(site):
    code, out = run(site, "new", "--title", "x", "--status", "phone=major_outage", "-m", "")
    assert code == 2 and out.splitlines()[-1] == "Error: missing -m/--message (in a terminal, statusgen asks for it)"
