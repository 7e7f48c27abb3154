"""The command line: exact output of `check`, and `build` that never replaces a good site with a broken one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.report import github_command
from tests.conftest import ROOT, SiteFactory, settled

GOOD = """\
---
title: Calls fail <in> "North" & café
components:
  phone: major_outage
areas: [north]
eta: 2026-08-29 18:00
updates:
  - at: 2026-08-29 09:20
    state: investigating
    next_update: 2026-08-29 10:00
    body: |
      Calls fail. <script>alert(1)</script><img src=x onerror="alert(2)">
      [a link](javascript:alert(3)) and **bold** text.
started: 2026-08-29 09:05
---
Summary with <iframe src="https://evil.example"></iframe> and a [good link](https://example.org/).
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def with_theme(site) -> None:
    """Make a tmp site buildable: the project's theme, plugin and settings beside its content."""
    shutil.copytree(ROOT / "theme", site.root / "theme")
    shutil.copytree(ROOT / "plugins", site.root / "plugins")
    conf = (ROOT / "pelicanconf.py").read_text().replace('TIMEZONE = "America/Chicago"', 'TIMEZONE = "UTC"')
    (site.root / "pelicanconf.py").write_text(conf)


def test_check_clean_site(site):
    site.incident("2026-08-29-calls.md", GOOD)
    result = run("check", str(site.root))
    assert result.exit_code == 0
    assert result.output == "ok: 2 components in 2 areas, 1 incident and 0 maintenance windows\n"


def test_check_reports_every_problem_and_exits_1(site, monkeypatch):
    monkeypatch.chdir(site.root)
    site.incident("2026-08-29-calls.md", GOOD.replace("phone: major_outage", "fone: major_outage"))
    site.incident("2026-08-30-more.md", GOOD.replace("state: investigating", "state: fixed"))
    result = run("check", ".")
    assert result.exit_code == 1
    assert result.output == (
        "content/incidents/2026-08-29-calls.md:4: components: unknown component (did you mean phone? expected one of phone, tv, got \"fone\")\n"
        "content/incidents/2026-08-30-more.md:9: updates[0].state: invalid incident state (expected one of "
        "investigating, identified, monitoring, resolved, got \"fixed\")\n"
        "2 problems found; nothing was built.\n")
    assert "Traceback" not in result.output


def test_check_accepts_the_content_folder_itself(site):
    site.incident("2026-08-29-calls.md", GOOD)
    assert run("check", str(site.content)).exit_code == 0


def test_example_content_is_clean():
    result = run("check", str(ROOT), "--no-cache")  # a test writes nothing into the repository
    assert result.exit_code == 0, result.output


@pytest.mark.build
def test_build_then_broken_content_leaves_the_site_as_it_was(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    first = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z")
    assert first.exit_code == 0, first.output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    site.incident("2026-08-30-broken.md", "---\ntitle: [unclosed\n---\n")
    second = run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:40Z")
    assert second.exit_code == 1
    assert second.output.replace(str(site.root) + "/", "").startswith("content/incidents/2026-08-30-broken.md:")
    assert "unparseable YAML" in second.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    # Beside the site only the build cache, which keeps itself out of git.
    assert sorted(p.name for p in settled(site.root).iterdir()) == [".statusgen-cache", "content", "output",
                                                                    "pelicanconf.py", "plugins", "theme"]
    assert (site.root / ".statusgen-cache" / ".gitignore").read_text().splitlines()[-1] == "*"


@pytest.mark.build
def test_same_input_same_bytes(site, tmp_path):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z").exit_code == 0
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


@pytest.mark.build
def test_author_html_is_sanitized_and_text_escaped(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 09:30Z").exit_code == 0
    raw = (out / "incidents/2026-08-29-calls/index.html").read_text()
    root = lxml.html.fromstring(raw)
    assert not root.xpath("//script[not(contains(@src, '/theme/stale.'))] | //iframe | //img | //*[@onerror]")
    assert not [href for href in root.xpath("//a/@href") if href.startswith("javascript:")]
    assert root.xpath("//h1")[0].text_content() == 'Calls fail <in> "North" & café'
    assert root.xpath('//li[@id="update-1"]//strong')[0].text == "bold"
    assert root.xpath('//section[@class="summary"]//a/@href') == ["https://example.org/"]


@pytest.mark.build
def test_late_promise_is_said_plainly(site):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    assert run("build", str(site.root), "-o", str(out), "--build-time", "2026-08-29 10:30Z").exit_code == 0
    root = lxml.html.parse(str(out / "index.html")).getroot()
    promise = root.xpath('//dl[contains(@class, "promises")]/dd')[-1].text_content()
    assert " ".join(promise.split()) == "was promised by Aug 29, 2026, 10:00 UTC; it is late"


# --- --format github: workflow commands that GitHub Actions shows as annotations on the offending lines ------

def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


@pytest.mark.build
@pytest.mark.parametrize("command", ["check", "build"])
def test_format_github_annotates_lines_relative_to_the_repo_root(tmp_path, monkeypatch, command):
    # The site sits in a sub-folder of the repository whose name needs escaping; the command runs from elsewhere.
    repo = tmp_path / "repo"
    site = SiteFactory(repo / "st,at:us%")
    git_init(repo)
    site.incident("2026-08-29-calls.md", GOOD.replace("phone: major_outage", "fone: major_outage"))
    site.incident("2026-08-30-more.md", GOOD.replace("state: investigating", 'state: "50%: fixed, sort of"'))
    monkeypatch.chdir(site.content / "incidents")
    result = run(command, str(site.root), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=st%2Cat%3Aus%25/content/incidents/2026-08-29-calls.md,line=4::components: unknown component "
        "(did you mean phone? expected one of phone, tv, got \"fone\")\n"
        "::error file=st%2Cat%3Aus%25/content/incidents/2026-08-30-more.md,line=9::updates[0].state: invalid "
        "incident state (expected one of investigating, identified, monitoring, resolved, got \"50%25: fixed, sort of\")\n")
    assert result.stderr == "2 problems found; nothing was built.\n"


def test_format_github_outside_git_is_relative_to_the_current_folder(site, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(site.root.parent))
    monkeypatch.chdir(site.root)
    site.incident("2026-08-29-calls.md", GOOD.replace("phone: major_outage", "fone: major_outage"))
    result = run("check", ".", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == ("::error file=content/incidents/2026-08-29-calls.md,line=4::components: unknown component "
                             "(did you mean phone? expected one of phone, tv, got \"fone\")\n")


def test_format_github_problem_without_a_file(site):
    result = run("check", str(site.root), "--format", "github", "--timezone", "Mars/Base")
    assert result.exit_code == 1
    assert result.stdout == ("::error::TIMEZONE: unknown time zone (expected an IANA name like Europe/Berlin, "
                             "got 'Mars/Base')\n")


def test_github_command_escapes_as_the_toolkit_does():
    assert github_command("error", "50% done\r\nnext: a, b", "a,b:c%\n.md", 7) == (
        "::error file=a%2Cb%3Ac%25%0A.md,line=7::50%25 done%0D%0Anext: a, b")
    assert github_command("notice", "plain") == "::notice::plain"


@pytest.mark.build
def test_format_github_build_notes_updates_after_the_build_time(site, monkeypatch):
    with_theme(site)
    git_init(site.root)
    monkeypatch.chdir(site.root)
    site.incident("2026-08-29-calls.md", GOOD)
    out = site.root / "output"
    result = run("build", ".", "-o", str(out), "--build-time", "2026-08-29 09:00Z", "--format", "github")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "::warning file=content/incidents/2026-08-29-calls.md,line=1::1 update(s) dated after the build time "
        "2026-08-29T09:00:00+00:00 not shown yet: the first appears with the first build after "
        "2026-08-29T09:20:00+00:00")
    assert result.stdout.splitlines()[-1] == f"built {out} as of 2026-08-29T09:00:00+00:00"


@pytest.mark.parametrize("fmt", ["text", "github", "gitlab"])
def test_check_warns_of_updates_the_next_build_will_not_show_yet(site, monkeypatch, fmt):
    """check tells an author whose clock ran ahead (or who posted for later) when the update will appear."""
    git_init(site.root)
    monkeypatch.chdir(site.root)
    subprocess.run(["git", "add", "."], check=True)
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "site"],
                   check=True, env={**os.environ, "GIT_COMMITTER_DATE": "2026-08-29T09:00:00Z"})
    site.incident("2026-08-29-calls.md", GOOD)  # uncommitted: the next build is now, after 2026-08-29 09:20
    assert run("check", ".").exit_code == 0
    # A later update dated ahead is a note (its first update is posted: a first one ahead is a problem, see
    # tests/test_honest.py).
    ahead = GOOD.replace("started:", "  - at: 2999-01-01 09:20\n    state: identified\n    body: Later.\nstarted:")
    site.incident("2026-08-29-calls.md", ahead)
    result = CliRunner().invoke(main, ["check", ".", "--format", fmt])
    assert result.exit_code == 0
    message = "update(s) dated after the build time"
    if fmt == "github":
        assert result.stdout.startswith("::warning file=content/incidents/2026-08-29-calls.md,line=1::1 " + message)
    elif fmt == "gitlab":
        (issue,) = json.loads(result.stdout)
        assert issue["severity"] == "minor" and issue["description"].startswith("1 " + message)
    else:
        assert result.stderr.startswith("warning: content/incidents/2026-08-29-calls.md:1: 1 " + message)
    assert "the first appears with the first build after 2999-01-01T09:20:00+00:00" in result.output


@pytest.mark.build
def test_build_from_another_folder_with_relative_paths(site, monkeypatch):
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD)
    monkeypatch.chdir(site.root.parent)
    result = run("build", site.root.name, "-s", f"{site.root.name}/pelicanconf.py", "-o", "out",
                 "--build-time", "2026-08-29 09:30Z")
    assert result.exit_code == 0, result.output
    assert (site.root.parent / "out/incidents/2026-08-29-calls/index.html").is_file()


@pytest.mark.build
def test_the_build_machines_locale_does_not_change_the_bytes(site, tmp_path):
    """Pelican applies the machine's locale (LOCALE = ['']): month names must not follow it."""
    import os
    import subprocess
    import sys

    import pytest

    locales = tmp_path / "locales"
    locales.mkdir()
    made = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", str(locales / "de_DE.UTF-8")],
                          capture_output=True)
    if made.returncode not in (0, 1) or not (locales / "de_DE.UTF-8").exists():
        pytest.skip("localedef could not make a German locale here")
    with_theme(site)
    site.incident("2026-08-29-calls.md", GOOD.replace("2026-08-29", "2025-12-29"))  # a past December
    outputs = []
    for name, env in (("c", {"LC_ALL": "C.UTF-8"}), ("de", {"LC_ALL": "de_DE.UTF-8", "LOCPATH": str(locales)})):
        out = tmp_path / name
        result = subprocess.run([sys.executable, "-m", "statusgen.cli", "build", str(site.root), "-o", str(out),
                                 "--build-time", "2025-12-30 12:00Z"], env={**os.environ, **env},
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]
    assert b"Dec 29, 2025" in outputs[0][Path("index.html")]


def test_a_folder_that_cannot_be_written_is_one_line_not_a_traceback(site):
    site.incident("2026-08-29-calls.md", GOOD)
    blocker = site.root / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["build", str(site.root), "-o", str(blocker / "output")])
    assert result.exit_code == 1
    assert result.output == f"statusgen: File exists: {blocker}\n"  # the file stands where a folder must be


def test_gitlab_format_is_a_code_quality_report(site, monkeypatch):
    import json

    monkeypatch.chdir(site.root)
    site.incident("2026-08-29-calls.md", GOOD.replace("phone: major_outage", "fone: major_outage"))
    result = run("check", ".", "--format", "gitlab")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(r["location"], r["description"], r["severity"], r["check_name"]) for r in report] == [
        ({"path": "content/incidents/2026-08-29-calls.md", "lines": {"begin": 4}},
         'components: unknown component (did you mean phone? expected one of phone, tv, got "fone")', "major", "statusgen")]
    assert len(report[0]["fingerprint"]) == 64
    assert "content/incidents/2026-08-29-calls.md:4: components: unknown component" in result.stderr
    (site.content / "incidents/2026-08-29-calls.md").write_text(GOOD)
    clean = run("check", ".", "--format", "gitlab")
    assert clean.exit_code == 0 and json.loads(clean.stdout) == []


def test_every_command_says_what_it_does_and_ends_with_an_example():
    for name, command in main.commands.items():
        paragraphs = [p for p in command.help.split("\n\n") if p.strip()]
        assert len(paragraphs) >= 2, name
        assert paragraphs[-1].replace("\b", "").strip().startswith("Example"), name


def test_check_counts_incidents_and_maintenance_apart_with_plurals(site):
    from tests.test_status import maintenance_file

    site.incident("2026-08-29-calls.md", GOOD)
    site.incident("2026-03-01-work.md", maintenance_file([("2026-03-01 09:00", "scheduled")]))
    site.incident("2026-03-02-more.md", maintenance_file([("2026-03-01 09:00", "scheduled")]))
    assert run("check", str(site.root)).output == "ok: 2 components in 2 areas, 1 incident and 2 maintenance windows\n"
