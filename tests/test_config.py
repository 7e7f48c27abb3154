"""Settings are checked like content (statusgen.config): every setting in one table, each bad value a problem at
its line of the settings file, all of them in one run, and `check` and `build` refuse the same settings the same way."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen import config, settings
from statusgen.cli import main
from statusgen.urls import Urls

# One bad value of every setting, as written in a settings file, and the exact problem it is.
BAD = [
    ("SITENAME", "42", "SITENAME must be text on one line (expected text, got 42)"),
    ("SITEURL", '"javascript:alert(1)"',
     "SITEURL: not a web address (expected https://status.example.com, or empty, got 'javascript:alert(1)')"),
    ("TIMEZONE", '"Mars/Base"', "TIMEZONE: unknown time zone (expected an IANA name like Europe/Berlin, got "
                                "'Mars/Base')"),
    ("DEFAULT_LANG", '"English language"', "DEFAULT_LANG must be a language code (expected a code such as en or "
                                           "pt-BR, got 'English language')"),
    ("RELATIVE_URLS", '"yes"', "RELATIVE_URLS must be True or False (expected a boolean, got 'yes')"),
    ("THEME", "42", "THEME must be a folder name (expected text, got 42)"),
    ("THEME_TEMPLATES_OVERRIDES", '"overrides"', "THEME_TEMPLATES_OVERRIDES must be a list of folders (expected a "
                                                 "list such as [\"overrides\"], got 'overrides')"),
    ("PLUGINS", '"statusgen_site"', "PLUGINS must be a list of plugin names (expected a list such as "
                                    "[\"statusgen_site\"], got 'statusgen_site')"),
    ("PLUGIN_PATHS", "[1]", "PLUGIN_PATHS must be a list of folders (expected a list such as [\"plugins\"], got [1])"),
    ("OUTPUT_PATH", "42", "OUTPUT_PATH must be a folder name (expected text, got 42)"),
    ("STATUSGEN_ORGANIZATION", '"Northwind\\nFiber"', "STATUSGEN_ORGANIZATION must be text on one line (expected no "
                                                      "line breaks or control characters, got 'Northwind\\nFiber')"),
    ("STATUSGEN_CONTACT", '["call us"]', "STATUSGEN_CONTACT must be text on one line (expected text, got "
                                         "['call us'])"),
    ("STATUSGEN_ID_AUTHORITY", '"status example com"', "STATUSGEN_ID_AUTHORITY must be a domain name (expected a name "
                                                       "such as status.example.com, got 'status example com')"),
    ("STATUSGEN_TICKET_URL", '"vbscript:x"',
     "STATUSGEN_TICKET_URL: not a web address (expected https://tickets.example.com/browse/{ticket}, or empty, got "
     "'vbscript:x')"),
    ("STATUSGEN_RECENT_DAYS", '"two weeks"', "STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 "
                                             "(expected an integer, got 'two weeks')"),
    ("STATUSGEN_PAST_LIMIT", "0", "STATUSGEN_PAST_LIMIT must be a whole number of incidents from 1 to 100000 "
                                  "(expected 1 to 100000, got 0)"),
    ("STATUSGEN_FEED_LIMIT", "2.5", "STATUSGEN_FEED_LIMIT must be a whole number of entries from 1 to 100000 "
                                    "(expected an integer, got 2.5)"),
    ("STATUSGEN_CALENDAR_KEEP_DAYS", "-1", "STATUSGEN_CALENDAR_KEEP_DAYS must be a whole number of days from 0 to "
                                           "36500 (expected 0 to 36500, got -1)"),
    ("STATUSGEN_REBUILD_MINUTES", "True", "STATUSGEN_REBUILD_MINUTES must be a whole number of minutes from 1 to "
                                          "10080 (expected an integer, got True)"),
    ("STATUSGEN_STALE_AFTER_MINUTES", '"60"', "STATUSGEN_STALE_AFTER_MINUTES must be a whole number of minutes from 1 "
                                              "to 10080 (expected an integer, got '60')"),
    ("STATUSGEN_JOBS", "0", "STATUSGEN_JOBS must be a whole number of processes from 1 to 256 (expected 1 to 256, "
                            "got 0)"),
    ("STATUSGEN_URLS", '{"incidnet": "i/{id}/"}', "STATUSGEN_URLS: unknown output (did you mean incident? expected "
                                                  "one of incident, home, history, component, area (and 15 more), got "
                                                  "'incidnet')"),
    ("STATUSGEN_LOGO", '"brand/missing.png"', "STATUSGEN_LOGO: file not found (expected a file beside the settings, "
                                              "got 'brand/missing.png')"),
    ("STATUSGEN_EXTRA_CSS", '"brand/extra.txt"', "STATUSGEN_EXTRA_CSS: not a css file (expected one of those, got "
                                                 "'brand/extra.txt')"),
    ("STATUSGEN_COLORS", '{"accent": "#fff"}', "STATUSGEN_COLORS: unknown colour (expected one of bg, fg, muted, "
                                               "line, card, link, ok, minor, major, critical, maint, got 'accent')"),
    ("STATUSGEN_DARK_COLORS", '"#000"', "STATUSGEN_DARK_COLORS: not a mapping (expected {\"link\": \"#6b2fa0\"}, got "
                                        "'#000')"),
    ("STATUSGEN_FOOTER_LINKS", '[("x", "javascript:b")]', "STATUSGEN_FOOTER_LINKS: not a link (expected (\"text\", "
                                                          "\"https://...\"), got ('x', 'javascript:b'))"),
    ("STATUSGEN_SUBSCRIBE", '"mailto:join@lists.example.com"',
     "STATUSGEN_SUBSCRIBE: not a list (expected [{\"title\": \"Email updates for Millbrook\", \"url\": "
     "\"mailto:join@lists.example.com\"}, ...], got 'mailto:join@lists.example.com')"),
    ("STATUSGEN_WEBSUB_HUB", '"http://hub.example/"', "STATUSGEN_WEBSUB_HUB: not a hub address (expected an https: "
                                                      "address such as https://pubsubhubbub.appspot.com/, got "
                                                      "'http://hub.example/')"),
    ("STATUSGEN_LANGUAGES", '"en"', "STATUSGEN_LANGUAGES: not a list of languages (expected a list of language codes, "
                                    "the default first, such as [\"en\", \"fr\"], got 'en')"),
    ("STATUSGEN_REMINDER_MINUTES", "-5", "STATUSGEN_REMINDER_MINUTES must be a number of minutes from 0 to 10080 "
                                         "(expected 0 to 10080, got -5)"),
    ("STATUSGEN_NOTIFY_RATE_SECONDS", '"fast"', "STATUSGEN_NOTIFY_RATE_SECONDS must be a number of seconds from 0 to "
                                                "3600 (expected a number, got 'fast')"),
    ("STATUSGEN_NOTIFY_LEASE_MINUTES", "2000", "STATUSGEN_NOTIFY_LEASE_MINUTES must be a number of minutes from 0 to "
                                               "1440 (expected 0 to 1440, got 2000)"),
    ("STATUSGEN_NOTIFY_UNSUBSCRIBE", "1", "STATUSGEN_NOTIFY_UNSUBSCRIBE must be text on one line (expected text, "
                                          "got 1)"),
    ("STATUSGEN_BUILD_TIME", '"yesterday"', "STATUSGEN_BUILD_TIME must be a time (expected YYYY-MM-DD "
                                            "HH:MM[:SS[.fff]][Z|+HH:MM], got 'yesterday')"),
    ("STATUSGEN_CLOCK", '"2026-11-22"', "STATUSGEN_CLOCK must be a time (expected YYYY-MM-DD "
                                        "HH:MM[:SS[.fff]][Z|+HH:MM], got '2026-11-22')"),
    ("STATUSGEN_REPORT", "1", "STATUSGEN_REPORT must be a file path (expected text, got 1)"),
    ("STATUSGEN_CACHE", "1", "STATUSGEN_CACHE must be a folder path (expected text, got 1)"),
    ("STATUSGEN_TIMINGS", "1", "STATUSGEN_TIMINGS must be a file path (expected text, got 1)"),
]

# One good value of every setting besides its default, and what the checked Config holds for it.
GOOD = {
    "SITENAME": ('"Northwind status"', "Northwind status"),
    "SITEURL": ('"https://status.northwind.example"', "https://status.northwind.example"),
    "TIMEZONE": ('"America/Chicago"', "America/Chicago"),
    "DEFAULT_LANG": ('"pt-BR"', "pt-BR"),
    "RELATIVE_URLS": ("True", True),
    "THEME": ('"theme"', "theme"),
    "THEME_TEMPLATES_OVERRIDES": ('["overrides"]', ("overrides",)),
    "PLUGINS": ('["statusgen_site"]', ("statusgen_site",)),
    "PLUGIN_PATHS": ('"plugins"', ("plugins",)),  # a single folder, as Pelican takes it
    "OUTPUT_PATH": ('"public"', "public"),
    "STATUSGEN_ORGANIZATION": ('"Northwind Fiber"', "Northwind Fiber"),
    "STATUSGEN_CONTACT": ('"Call 555-0142"', "Call 555-0142"),
    "STATUSGEN_ID_AUTHORITY": ('"status.northwind.example"', "status.northwind.example"),
    "STATUSGEN_TICKET_URL": ('"https://t.example/{ticket}"', "https://t.example/{ticket}"),
    "STATUSGEN_RECENT_DAYS": ("7", 7),
    "STATUSGEN_PAST_LIMIT": ("10", 10),
    "STATUSGEN_FEED_LIMIT": ("3", 3),
    "STATUSGEN_CALENDAR_KEEP_DAYS": ("0", 0),
    "STATUSGEN_REBUILD_MINUTES": ("15", 15),
    "STATUSGEN_STALE_AFTER_MINUTES": ("90", 90),
    "STATUSGEN_JOBS": ("2", 2),
    "STATUSGEN_URLS": ('{"atom": "news/{id}.xml"}', {"atom": "news/{id}.xml"}),
    "STATUSGEN_LOGO": ('"logo.svg"', "logo.svg"),
    "STATUSGEN_EXTRA_CSS": ('"extra.css"', "extra.css"),
    "STATUSGEN_COLORS": ('{"link": "#6b2fa0"}', {"link": "#6b2fa0"}),
    "STATUSGEN_DARK_COLORS": ('{"link": "#d0b3ff"}', {"link": "#d0b3ff"}),
    "STATUSGEN_FOOTER_LINKS": ('[("Help", "mailto:help@example.com")]', [("Help", "mailto:help@example.com")]),
    "STATUSGEN_SUBSCRIBE": ('[{"title": "Email", "url": "mailto:join@lists.example.com"}]',
                            [{"title": "Email", "url": "mailto:join@lists.example.com"}]),
    "STATUSGEN_WEBSUB_HUB": ('"https://hub.example/"', "https://hub.example/"),
    "STATUSGEN_LANGUAGES": ('["en", "fr"]', ("en", "fr")),
    "STATUSGEN_REMINDER_MINUTES": ("2.5", 2.5),
    "STATUSGEN_NOTIFY_RATE_SECONDS": ("0", 0.0),
    "STATUSGEN_NOTIFY_LEASE_MINUTES": ("1", 1.0),
    "STATUSGEN_NOTIFY_UNSUBSCRIBE": ('"reply STOP"', "reply STOP"),
    "STATUSGEN_BUILD_TIME": ('"2026-11-22T21:00:00+00:00"', config.OPTIONS["STATUSGEN_BUILD_TIME"].check(
        "STATUSGEN_BUILD_TIME", "2026-11-22 21:00Z", Path("."))),
    "STATUSGEN_CLOCK": ('"2026-11-22 21:05Z"', config.OPTIONS["STATUSGEN_CLOCK"].check(
        "STATUSGEN_CLOCK", "2026-11-22 21:05Z", Path("."))),
    "STATUSGEN_REPORT": ('"/tmp/report.json"', "/tmp/report.json"),
    "STATUSGEN_CACHE": ('".statusgen-cache"', ".statusgen-cache"),
    "STATUSGEN_TIMINGS": ('"/tmp/timings.json"', "/tmp/timings.json"),
}


def settings_file(folder: Path, text: str, name: str = "pelicanconf.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    for brand_file in ("logo.svg", "extra.css"):
        (folder / brand_file).write_text("")
    (folder / "theme" / "templates").mkdir(parents=True, exist_ok=True)
    return path


def problems_of(path: Path) -> list[str]:
    """What the settings file's own values (as `check` reads them) give: every problem, as printed."""
    _, found = config.validate(settings.read(path, values_only=True), path)
    return [str(problem) for problem in sorted(found)]


def test_every_setting_has_a_bad_and_a_good_case():
    assert sorted({name for name, _, _ in BAD}) == sorted(config.OPTIONS) == sorted(GOOD)


def test_every_setting_has_its_field_in_config():
    import dataclasses

    fields = {f.name for f in dataclasses.fields(config.Config)}
    assert fields == {config.attribute(name) for name in config.OPTIONS} | {"brand", "subscribing"}


@pytest.mark.parametrize("setting, value, message", BAD, ids=[case[0] for case in BAD])
def test_a_bad_value_is_a_problem_at_its_line(tmp_path, setting, value, message):
    path = settings_file(tmp_path, f'"""A site."""\nimport os\n\n{setting} = {value}\n')
    assert problems_of(path) == [f"{path}:4: {message}"]


@pytest.mark.parametrize("setting", list(GOOD))
def test_a_good_value_is_taken_and_the_default_stands_when_unset(tmp_path, setting):
    written, held = GOOD[setting]
    path = settings_file(tmp_path, f"{setting} = {written}\n")
    checked, found = config.validate(settings.read(path, values_only=True), path)
    assert found == []
    field = config.attribute(setting)
    assert (getattr(checked, field).table["atom"] if field == "urls" else getattr(checked, field)) == \
        (held["atom"] if field == "urls" else held)
    default = config.validate({}, None)[0]
    assert getattr(default, field) == (Urls() if field == "urls" else config.OPTIONS[setting].default)


def test_the_defaults_are_what_the_code_used_before():
    """The values a site without them gets: unchanged from when each was read where it was used."""
    default, found = config.validate({}, None)
    assert found == []
    assert (default.recent_days, default.past_limit, default.feed_limit, default.calendar_keep_days,
            default.stale_after_minutes, default.reminder_minutes, default.notify_lease_minutes) == \
        (14, 50, 50, 365, 60, 10.0, 5.0)
    assert (default.timezone, default.default_lang, default.siteurl, default.ticket_url, default.jobs) == \
        ("UTC", "en", "", "", None)
    assert default.authority == "statusgen.invalid" and default.urls == Urls()


@pytest.mark.parametrize("typo, message", [
    ("STATUSGEN_RECENT_DAY", "STATUSGEN_RECENT_DAY: unknown setting (did you mean STATUSGEN_RECENT_DAYS? expected "
                             "one of the settings the README lists, got STATUSGEN_RECENT_DAY)"),
    ("STATUSGEN_TIKCET_URL", "STATUSGEN_TIKCET_URL: unknown setting (did you mean STATUSGEN_TICKET_URL? expected one "
                             "of the settings the README lists, got STATUSGEN_TIKCET_URL)"),
    ("STATUSGEN_SOMETHING", "STATUSGEN_SOMETHING: unknown setting (expected one of the settings the README lists, "
                            "got STATUSGEN_SOMETHING)"),
])
def test_an_unknown_statusgen_setting_is_a_typo(tmp_path, typo, message):
    path = settings_file(tmp_path, f'SITENAME = "x"\n{typo} = 3\n')
    assert problems_of(path) == [f"{path}:2: {message}"]


def test_every_bad_setting_in_one_run_each_at_its_line(tmp_path):
    path = settings_file(tmp_path, """\
        SITENAME = "x"
        STATUSGEN_RECENT_DAYS = "two weeks"
        STATUSGEN_FEED_LIMIT = 0
        SITEURL = "javascript:x"
        STATUSGEN_PAST_LIMT = 5
        """)
    assert problems_of(path) == [
        f"{path}:2: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 (expected an integer, got "
        f"'two weeks')",
        f"{path}:3: STATUSGEN_FEED_LIMIT must be a whole number of entries from 1 to 100000 (expected 1 to 100000, "
        f"got 0)",
        f"{path}:4: SITEURL: not a web address (expected https://status.example.com, or empty, got 'javascript:x')",
        f"{path}:5: STATUSGEN_PAST_LIMT: unknown setting (did you mean STATUSGEN_PAST_LIMIT? expected one of the "
        f"settings the README lists, got STATUSGEN_PAST_LIMT)"]


def test_the_line_is_the_assignment_that_set_the_value_last(tmp_path):
    """The last assignment at module level wins, inside an `if` too; a computed value is at its assignment; a value
    a file imports (`from pelicanconf import *`) is at its line in that file, unless this file sets it again."""
    settings_file(tmp_path, """\
        SITENAME = "x"
        STATUSGEN_RECENT_DAYS = 14
        STATUSGEN_RECENT_DAYS = "two weeks"
        STATUSGEN_FEED_LIMIT = 0
        STATUSGEN_JOBS = 0
        """)
    publish = settings_file(tmp_path, """\
        import os
        import sys

        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from pelicanconf import *  # noqa

        if True:
            STATUSGEN_FEED_LIMIT = int(os.environ.get("NOT_SET_ANYWHERE", "-3"))
        globals()["STATUSGEN_PAST_LIMIT"] = 0  # found nowhere: the file's first line
        """, "publishconf.py")
    conf = tmp_path / "pelicanconf.py"
    assert problems_of(publish) == [
        f"{conf}:3: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 (expected an integer, got "
        f"'two weeks')",
        f"{conf}:5: STATUSGEN_JOBS must be a whole number of processes from 1 to 256 (expected 1 to 256, got 0)",
        f"{publish}:1: STATUSGEN_PAST_LIMIT must be a whole number of incidents from 1 to 100000 (expected 1 to "
        f"100000, got 0)",
        f"{publish}:8: STATUSGEN_FEED_LIMIT must be a whole number of entries from 1 to 100000 (expected 1 to 100000, "
        f"got -3)"]


def test_the_example_sites_settings_pass(tmp_path):
    from tests.conftest import ROOT

    for name in ("pelicanconf.py", "publishconf.py"):
        assert problems_of(ROOT / name) == []


# --- the commands: check and build refuse the same settings the same way ---------------------------------------

def run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


def test_the_issues_example_is_a_check_problem_and_build_refuses_it(site, monkeypatch):
    """`STATUSGEN_RECENT_DAYS = "two weeks"` passed `check` and crashed `build` with a traceback (issue 29)."""
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "UTC"\nSTATUSGEN_RECENT_DAYS = "two weeks"\n')
    monkeypatch.chdir(site.root)
    output = site.root.parent / "out"
    expected = (1, ["pelicanconf.py:2: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 (expected "
                    "an integer, got 'two weeks')", "1 problem found; nothing was built."])
    assert run("check", ".") == expected
    assert run("build", ".", "-o", str(output)) == expected
    assert not output.exists()


def test_check_and_build_report_every_bad_setting_alike(site, monkeypatch):
    (site.root / "publishconf.py").write_text(textwrap.dedent("""\
        SITENAME = "Northwind"
        TIMEZONE = "UTC"
        SITEURL = "javascript:alert(1)"
        STATUSGEN_RECENT_DAYS = "two weeks"
        STATUSGEN_COLORS = {"accent": "#fff"}
        STATUSGEN_SUBSCRIBE = [{"title": "North", "url": "mailto:n@lists.example.com", "areas": ["nort"]}]
        STATUSGEN_NOTIFY_RATE_SECONDS = "fast"
        STATUSGEN_FEED_LIMT = 3
        """))
    monkeypatch.chdir(site.root)
    output = site.root.parent / "out"
    expected = (1, [
        "publishconf.py:3: SITEURL: not a web address (expected https://status.example.com, or empty, got "
        "'javascript:alert(1)')",
        "publishconf.py:4: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 (expected an integer, "
        "got 'two weeks')",
        "publishconf.py:5: STATUSGEN_COLORS: unknown colour (expected one of bg, fg, muted, line, card, link, ok, "
        "minor, major, critical, maint, got 'accent')",
        "publishconf.py:6: STATUSGEN_SUBSCRIBE[0].areas: unknown area (did you mean north? expected one of north, "
        "south, got 'nort')",
        "publishconf.py:7: STATUSGEN_NOTIFY_RATE_SECONDS must be a number of seconds from 0 to 3600 (expected a "
        "number, got 'fast')",
        "publishconf.py:8: STATUSGEN_FEED_LIMT: unknown setting (did you mean STATUSGEN_FEED_LIMIT? expected one of "
        "the settings the README lists, got STATUSGEN_FEED_LIMT)",
        "6 problems found; nothing was built."])
    assert run("check", ".", "-s", "publishconf.py") == expected
    assert run("build", ".", "-s", "publishconf.py", "-o", str(output)) == expected
    assert not output.exists()


def test_due_refuses_bad_settings_too(site, monkeypatch):
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "UTC"\nSTATUSGEN_RECENT_DAYS = 0\n')
    monkeypatch.chdir(site.root)
    code, lines = run("due", ".", "--since", "2026-11-22 20:00Z", "--now", "2026-11-22 21:00Z")
    assert (code, lines[0]) == (1, "pelicanconf.py:2: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to "
                                   "3650 (expected 1 to 3650, got 0)")
