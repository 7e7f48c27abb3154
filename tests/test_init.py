"""Your own status page without forking: `statusgen init` writes a site that builds at once, and the wheel carries
the theme and the plugin, so an installed statusgen builds a folder holding only content, settings and CI files."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from statusgen import install
from statusgen.cli import main
from statusgen.scaffold import ids_for, slugify
from tests.conftest import ROOT
from tests.test_publish import check_jsonschema

NAMES = ["--name", "Northwind Fiber", "--area", "Millbrook", "--area", "Ashford", "--service", "Phone",
         "--service", "Fiber internet", "--url", "https://status.northwind.example"]


def init(folder: Path, *args: str):
    return CliRunner().invoke(main, ["init", str(folder), *args])


def home_text(output: Path) -> str:
    return " ".join(lxml.html.parse(str(output / "index.html")).getroot().text_content().split())


@pytest.mark.build
def test_init_writes_a_site_that_checks_and_builds(tmp_path):
    site = tmp_path / "mysite"
    result = init(site, *NAMES)
    assert result.exit_code == 0, result.output
    how = install.for_ci()  # here an editable install: its wheel is kept in the site (tests/test_release.py)
    assert result.output.splitlines()[1] == how.note
    kept = [f"{install.WHEELS}/{how.wheel.name}"] if how.wheel else []
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()) == sorted([
        ".github/dependabot.yml", ".github/workflows/status.yml", ".github/workflows/post.yml",
        ".github/ISSUE_TEMPLATE/statusgen-incident.yml", ".github/ISSUE_TEMPLATE/statusgen-maintenance.yml",
        ".gitignore", ".gitlab-ci.yml", ".gitlab/issue_templates/Incident.md", ".gitlab/issue_templates/Maintenance.md",
        ".statusgen/components.schema.json", ".statusgen/incident.schema.json", "content/components.yml",
        "content/incidents/README.md", "pelicanconf.py", "publishconf.py", *kept])
    check = CliRunner().invoke(main, ["check", str(site)])
    assert check.output == "ok: 2 components in 2 areas, 0 incidents and 0 maintenance windows\n"
    build = CliRunner().invoke(main, ["build", str(site), "-o", str(tmp_path / "out"), "--build-time",
                                      "2026-11-26 12:00Z"])
    assert build.exit_code == 0, build.output
    text = home_text(tmp_path / "out")
    assert "All systems operational" in text
    assert f"Records since {date.today():%b} {date.today().day}, {date.today().year}." in text  # the day init ran
    for name in ("Northwind Fiber", "Millbrook", "Ashford", "Phone", "Fiber internet"):
        assert name in text


@pytest.mark.parametrize("path, schema", [(".github/workflows/status.yml", "vendor.github-workflows"),
                                          (".gitlab-ci.yml", "vendor.gitlab-ci")])
def test_the_ci_files_init_writes_are_valid_and_install_this_statusgen(tmp_path, path, schema):
    assert init(tmp_path / "s", *NAMES, "--install", "git+https://example.org/statusgen.git@v0.1.0").exit_code == 0
    result = check_jsonschema(schema, tmp_path / "s" / path)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (tmp_path / "s" / path).read_text()
    assert 'STATUSGEN: "git+https://example.org/statusgen.git@v0.1.0"' in text
    assert "pip install -e" not in text


def test_names_become_ids():
    assert slugify("Fiber internet") == "fiber-internet"
    assert slugify("Café Müller / Nord") == "cafe-muller-nord"
    assert ids_for(["Phone", "phone", "東京", "Phone!"], "area") == [
        ("phone", "Phone"), ("phone-2", "phone"), ("area-3", "東京"), ("phone-3", "Phone!")]


def test_names_with_yaml_and_python_specials_are_kept_whole(tmp_path):
    site = tmp_path / "s"
    assert init(site, "--name", 'Lake "Ops" #1: café', "--area", "Zone: #2", "--service", "yes",
                "--service", "TV \\ radio").exit_code == 0
    check = CliRunner().invoke(main, ["check", str(site)])
    assert check.exit_code == 0, check.output
    from statusgen.load import load_site
    catalog = load_site(site / "content").catalog
    assert [a.name for a in catalog.areas] == ["Zone: #2"]
    assert [c.name for c in catalog.components] == ["yes", "TV \\ radio"]
    assert 'STATUSGEN_ORGANIZATION = "Lake \\"Ops\\" #1: café"' in (site / "pelicanconf.py").read_text()


@pytest.mark.parametrize("args, message", [
    (["--area", "A", "--service", "S"], "missing --name (in a terminal, statusgen asks for it)"),
    (["--name", "N", "--service", "S"], "missing --area (in a terminal, statusgen asks for it)"),
    (["--name", "N", "--area", "A"], "missing --service (in a terminal, statusgen asks for it)"),
])
def test_a_missing_name_is_refused_outside_a_terminal(tmp_path, args, message):
    result = init(tmp_path / "s", *args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {message}"
    assert not (tmp_path / "s").exists()


def test_a_terminal_is_asked_for_what_is_missing(tmp_path):
    """In a real terminal (a pseudo-terminal here), init asks for the name, the areas and the services."""
    import pty
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "statusgen.cli", "init", str(tmp_path / "s")], stdin=slave,
                                stdout=slave, stderr=slave, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(slave)  # the child's copy alone stays open: once it has exited, reading ends (EIO), not a wait
    try:
        os.write(master, b"Northwind\nMillbrook, Ashford\nPhone\n")
        proc.wait(timeout=60)
        said = b""
        while _readable(master):  # the terminal's output: the questions and the answers echoed
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal is closed and all it held has been read
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0, said
    assert b"Areas served (separate them with commas): " in said
    check = CliRunner().invoke(main, ["check", str(tmp_path / "s")])
    assert check.output == "ok: 1 component in 2 areas, 0 incidents and 0 maintenance windows\n"


def _readable(fd: int) -> bool:
    import select
    return bool(select.select([fd], [], [], 10)[0])  # a bound never reached: the closed terminal ends the reading


@pytest.mark.parametrize("args, message", [
    (["--url", "status.example.com"], "--url: not a web address (expected https://status.example.com, got "
                                      "'status.example.com')"),
    (["--timezone", "Mars/Olympus"], "--timezone: unknown time zone (expected an IANA name like Europe/Berlin, got "
                                     "'Mars/Olympus')"),
    (["--area", " "], '--area: a name is needed (expected at least one non-empty name, got ["Millbrook", "Ashford", '
                      '" "])'),
])
def test_bad_values_are_one_line(tmp_path, args, message):
    result = init(tmp_path / "s", *NAMES, *args)
    assert (result.exit_code, result.output) == (1, f"statusgen: {message}\n")
    assert not (tmp_path / "s").exists()


def test_a_folder_with_anything_in_it_is_refused(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "notes.txt").write_text("mine")
    result = init(tmp_path / "s", *NAMES)
    assert (result.exit_code, result.output) == (
        1, f"statusgen: refusing to make a site in {tmp_path / 's'}: it holds 1 file or folder (expected a new or "
           f"empty folder)\n")
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["notes.txt"]


def test_missing_pieces_are_one_line(tmp_path):
    site = tmp_path / "s"
    assert init(site, *NAMES).exit_code == 0
    (site / "pelicanconf.py").write_text((site / "pelicanconf.py").read_text() + 'THEME = "mytheme"\n')
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        "pelicanconf.py:18: THEME: theme not found (expected a folder with templates/ in it, got 'mytheme')")
    assert not (tmp_path / "out").exists()


@pytest.mark.build
def test_a_service_without_since_has_records_from_its_first_commit(tmp_path):
    """No `since`: the day the service first appeared in the catalog's git history, not 90 made-up green days."""
    site = tmp_path / "s"
    assert init(site, *NAMES).exit_code == 0
    catalog = site / "content" / "components.yml"
    catalog.write_text("".join(line for line in catalog.read_text().splitlines(True) if "since:" not in line))
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-20T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-20T12:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "site"]):
        subprocess.run(["git", "-C", str(site), *command], check=True, env=env)
    build = CliRunner().invoke(main, ["build", str(site), "-o", str(tmp_path / "out"), "--build-time",
                                      "2026-11-26 12:00Z"])
    assert build.exit_code == 0, build.output
    assert "Records since Nov 20, 2026." in home_text(tmp_path / "out")
