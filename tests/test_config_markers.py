"""The kinds of test are declared, and a test that builds or drives Chromium without saying so fails (conftest's
declared_kind): `make test-fast` (-m "not build and not browser") then runs every test that does neither."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import BUILD_TIME, _runs_a_build
from tests.test_cli import GOOD, with_theme


@pytest.mark.parametrize("command, builds", [
    ([sys.executable, "-m", "statusgen.cli", "build", "site", "-o", "out"], True),
    (["statusgen", "build"], True),
    ("cd mysite && statusgen build -o public", True),
    ([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"], True),
    (["/usr/bin/pelican", "content"], True),
    ([sys.executable, "-m", "statusgen.cli", "check", "site"], False),
    (["statusgen", "init", "mysite", "--name", "Northwind"], False),
    (["git", "commit", "-m", "Rebuild the status page"], False),
    (["pip", "install", "pelican[markdown]==4.12.0"], False),
])
def test_which_commands_count_as_builds(command, builds):
    assert _runs_a_build(command) is builds


def test_a_build_in_this_process_without_the_marker_fails_the_test(site, monkeypatch):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    monkeypatch.chdir(site.root)
    with pytest.raises(pytest.fail.Exception, match="runs a Pelican build but is not marked `build`"):
        CliRunner().invoke(main, ["build", ".", "-o", str(site.root.parent / "out"), "--build-time", BUILD_TIME])
    assert not (site.root.parent / "out").exists()


def test_a_build_command_without_the_marker_fails_the_test(site):
    with pytest.raises(pytest.fail.Exception, match=r"runs a build command .* but is not marked `build`"):
        subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(site.root)], check=False)


def test_chromium_without_the_marker_fails_the_test():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        with pytest.raises(pytest.fail.Exception, match="runs Chromium but is not marked `browser`"):
            playwright.chromium.launch(executable_path="/nonexistent/chromium")


def test_a_refused_build_is_not_a_build(site, monkeypatch):
    """Bad settings stop `build` before Pelican starts: such a test belongs in `make test-fast`."""
    (site.root / "pelicanconf.py").write_text('STATUSGEN_RECENT_DAYS = "two weeks"\n')
    monkeypatch.chdir(site.root)
    assert CliRunner().invoke(main, ["build", ".", "-o", str(site.root.parent / "out")]).exit_code == 1


@pytest.mark.build
def test_a_marked_test_may_build(site, monkeypatch):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["build", ".", "-o", str(site.root.parent / "out"), "--build-time", BUILD_TIME])
    assert result.exit_code == 0, result.output
