"""Settings are read once, by Pelican's own reader, from the file given with -s: check and build agree."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import BUILD_TIME, ROOT

# 02:30 on 2026-03-08 does not exist in Chicago (clocks go from 02:00 to 03:00); in UTC it does.
SKIPPED_HOUR = """\
---
title: Calls fail
components:
  phone: major_outage
updates:
  - at: 2026-03-08 02:30
    state: investigating
    body: Calls fail.
---
"""
COMPUTED = 'import os\nTIMEZONE = os.environ.get("NOT_SET_ANYWHERE", "America/Chicago")\n'
PROBLEM = ("content/incidents/2026-03-08-calls.md:6: updates[0].at: not a time that exists in America/Chicago "
           '(expected a time outside the hour skipped when clocks go forward, got "2026-03-08 02:30")')


def run(site, *args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def buildable(site, monkeypatch):
    for name in ("theme", "plugins"):
        shutil.copytree(ROOT / name, site.root / name)
    conf = (ROOT / "pelicanconf.py").read_text().replace('TIMEZONE = "America/Chicago"', 'TIMEZONE = "UTC"')
    (site.root / "pelicanconf.py").write_text(conf)
    site.incident("2026-03-08-calls.md", SKIPPED_HOUR)
    monkeypatch.chdir(site.root)
    return site


@pytest.mark.build
def test_check_and_build_agree_on_a_computed_timezone(buildable):
    # chicago.py imports the site's settings and computes TIMEZONE: both commands read it as Pelican does.
    (buildable.root / "chicago.py").write_text("from pelicanconf import *  # noqa\n" + COMPUTED)
    check = run(buildable, "check", ".", "-s", "chicago.py")
    build = run(buildable, "build", ".", "-s", "chicago.py", "-o", str(buildable.root.parent / "out"),
                "--build-time", BUILD_TIME)
    expected = (1, [PROBLEM, "1 problem found; nothing was built."])
    assert check == expected
    assert build == expected
    # and with the settings that say UTC, the same time is fine for both
    assert run(buildable, "check", ".")[0] == 0
    assert run(buildable, "build", ".", "-o", str(buildable.root.parent / "out"), "--build-time", BUILD_TIME)[0] == 0


def test_check_reads_pelicanconf_beside_content_by_default(site, monkeypatch):
    (site.root / "pelicanconf.py").write_text(COMPUTED)
    site.incident("2026-03-08-calls.md", SKIPPED_HOUR)
    monkeypatch.chdir(site.root)
    assert run(site, "check", ".") == (1, [PROBLEM, "1 problem found; nothing was built."])
    assert run(site, "check", "content") == (1, [PROBLEM, "1 problem found; nothing was built."])
    (site.root / "pelicanconf.py").unlink()  # no settings at all: times without an offset are UTC
    assert run(site, "check", ".")[0] == 0


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("text, problem", [
    ('SITENAME = "x"\nTIMEZONE = "America/Chicago\n', "broken.py:2: not valid Python (expected settings Pelican can "
     "read, got: unterminated string literal (detected at line 2))"),
    ('SITENAME = "x"\n\nTIMEZONE = ZONES["chicago"]\n', "broken.py:3: the settings failed to load (expected settings "
     "Pelican can read, got NameError: name 'ZONES' is not defined)"),
    ("import not_a_module_anywhere\n", "broken.py:1: the settings failed to load (expected settings Pelican can read, "
     "got ModuleNotFoundError: No module named 'not_a_module_anywhere')"),
])
def test_settings_that_fail_to_load_are_one_line(buildable, command, text, problem):
    (buildable.root / "broken.py").write_text(text)
    extra = ["-o", str(buildable.root.parent / "out")] if command == "build" else []
    assert run(buildable, command, ".", "-s", "broken.py", *extra) == (1, [problem, "1 problem found; nothing was built."])
    assert not (buildable.root.parent / "out").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_missing_settings_file_is_one_line(buildable, command):
    assert run(buildable, command, ".", "-s", "nope.py") == (1, [
        "nope.py:1: no settings file (expected a Pelican settings file such as pelicanconf.py; give another with -s, "
        "or start a site with `statusgen init`)",
        "1 problem found; nothing was built."])


@pytest.mark.parametrize("theme", ["no-such-theme", "/no/such/folder"])
def test_a_theme_that_is_not_there_is_the_same_one_line_for_check_and_build(buildable, theme):
    (buildable.root / "broken.py").write_text(f'SITENAME = "x"\nTIMEZONE = "UTC"\nTHEME = "{theme}"\n')
    check = run(buildable, "check", ".", "-s", "broken.py")
    build = run(buildable, "build", ".", "-s", "broken.py", "-o", str(buildable.root.parent / "out"))
    assert check == build == (1, [f"broken.py:3: THEME: theme not found (expected a folder with templates/ in it, "
                                  f"got {theme!r})", "1 problem found; nothing was built."])
    (buildable.root / "fine.py").write_text('SITENAME = "x"\nTIMEZONE = "UTC"\nTHEME = "theme"\n')  # beside it
    assert run(buildable, "check", ".", "-s", "fine.py")[0] == 0


def test_check_reads_the_settings_without_importing_pelican(buildable):
    """check needs TIMEZONE alone: it runs the settings file as Pelican would and leaves Pelican unimported."""
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from statusgen.cli import main; "
            "result = CliRunner().invoke(main, ['check', '.']); "
            "print(result.exit_code, 'pelican' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=buildable.root, capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False"], done.stdout + done.stderr
