"""Nothing an author wrote is lost, leaked or disguised, and no input crashes `check`: each case of the audit
through the CLI, with its exact message."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from statusgen.cli import main
from tests.conftest import BUILD_TIME, CATALOG, ROOT

GOOD = """\
---
title: Calls fail
components:
  phone: major_outage
updates:
  - at: 2026-08-29 09:20
    state: investigating
    body: Calls fail.
---
"""
NAME = "2026-08-29-calls.md"
PATH = f"content/incidents/{NAME}"


def check(site, monkeypatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # The note on an incident without `started` (tests/test_honest.py) is beside the point here.
    return result.exit_code, [line for line in result.output.splitlines() if ": started: not given" not in line]


def problems(site, monkeypatch) -> list[str]:
    code, lines = check(site, monkeypatch)
    assert code == 1, lines
    assert lines[-1].endswith("found; nothing was built."), lines
    return lines[:-1]


def edited(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


CASES = {
    "kind 0x_": (edited("title: Calls fail\n", "title: Calls fail\nkind: 0x_\n"),
                 [f'{PATH}:3: kind: invalid kind (expected one of incident, maintenance, got "0x_", which YAML reads '
                  f'as a number)']),
    "impact 0b_": (edited("title: Calls fail\n", "title: Calls fail\nimpact: 0b_\n"),
                   [f'{PATH}:3: impact: invalid impact (expected one of none, minor, major, critical, got "0b_", '
                    f'which YAML reads as a number)']),
    "a 4,301-digit number": (
        edited("title: Calls fail\n", f"title: Calls fail\nimpact: {'7' * 4301}\n"),
        [f'{PATH}:3: impact: invalid impact (expected one of none, minor, major, critical, got "{"7" * 60}..." '
         f'(4,301 characters), which YAML reads as a number)']),
    "a long hex run": (
        edited("title: Calls fail\n", f"title: Calls fail\nkind: 0x{'f' * 5000}\n"),
        [f'{PATH}:3: kind: invalid kind (expected one of incident, maintenance, got "0x{"f" * 58}..." '
         f'(5,002 characters), which YAML reads as a number)']),
    "year 1": (edited("at: 2026-08-29 09:20", "at: 0001-01-01 00:00Z"),
               [f'{PATH}:6: updates[0].at: out of range (expected a time from 1970-01-01 to 2999-12-31, got '
                f'"0001-01-01 00:00Z")']),
    "year 9999 in Chicago": (edited("at: 2026-08-29 09:20", "at: 9999-12-31 23:00"),
                             [f'{PATH}:6: updates[0].at: out of range (expected a time from 1970-01-01 to '
                              f'2999-12-31, got "9999-12-31 23:00")']),
    "a flow list 40,000 deep": (edited("title: Calls fail\n", "title: Calls fail\nx: " + "[" * 40_000 + "\n"),
                                [f"{PATH}:3: nested too deeply (expected at most 50 levels of lists and mappings, "
                                 f"got more)"]),
    "a flow mapping 20,000 deep": (edited("title: Calls fail\n", "title: Calls fail\nx: " + "{a: " * 20_000 + "\n"),
                                   [f"{PATH}:3: nested too deeply (expected at most 50 levels of lists and "
                                    f"mappings, got more)"]),
    "block lists 100,000 deep": (edited("title: Calls fail\n", "title: Calls fail\nx:\n" + "- " * 100_000 + "y\n"),
                                 [f"{PATH}:4: nested too deeply (expected at most 50 levels of lists and mappings, "
                                  f"got more)"]),
    "a NUL on line 8": (edited("body: Calls fail.", "body: Calls\0 fail."),
                        [f"{PATH}:8: control character (expected text, got U+0000; remove it)"]),
    "a NUL in the summary": (GOOD + "A review.\n\nWith a \x07 bell.\n",
                             [f"{PATH}:12: summary: control character (expected text, got U+0007; remove it)"]),
    "NEL, which YAML counts as a line break": (
        edited("body: Calls fail.", "body: Calls\x85 fail."),
        [f"{PATH}:8: control character (expected text, got U+0085; remove it)"]),
    "line separators do not shift later lines": (
        edited("    body: Calls fail.\n", "    body: |\n      Calls\u2028fail\u2029here.\nimpact: huge\n"),
        [f"{PATH}:9: line separator (expected text, got U+2028 LINE SEPARATOR, which YAML reads as a line break; "
         f"remove it, or write \\u2028 in double quotes)"]),
    "line separators in the summary are text": (
        GOOD + "One\u2028two\u2029three.\n", None),
    "a line separator in a ticket": (
        edited("title: Calls fail\n", 'title: Calls fail\nticket: "A\\u2028B"\n'),
        [f"{PATH}:3: ticket: invisible formatting character (expected text that reads as it is written, got U+2028 "
         f"LINE SEPARATOR; remove it)"]),
    "an escaped NUL in a title": (edited("title: Calls fail", 'title: "Calls\\0 fail"'),
                                  [f"{PATH}:2: title: control character (expected text, got U+0000; remove it)"]),
    "an escaped newline stays one line": (
        edited("title: Calls fail\n", 'title: Calls fail\nimpact: "a\\nb\\u202ec"\n'),
        [f'{PATH}:3: impact: invalid impact (expected one of none, minor, major, critical, got "a\\nb\\u202ec")']),
    "a comment after a body": (edited("body: Calls fail.", "body: Switch #2 failed. Call support #4."),
                               [f'{PATH}:8: updates[0].body: text after " #" is a YAML comment and is dropped '
                                f'(expected the whole text: quote it or use a "|" block)']),
    "a comment after a title": (edited("title: Calls fail", "title: Calls fail  # in the north"),
                                [f'{PATH}:2: title: text after " #" is a YAML comment and is dropped (expected the '
                                 f'whole text: quote it or use a "|" block)']),
    "right-to-left override in a title": (
        edited("title: Calls fail", "title: Calls \u202efail"),
        [f"{PATH}:2: title: invisible formatting character (expected text that reads as it is written, got U+202E "
         f"RIGHT-TO-LEFT OVERRIDE; remove it)"]),
    "an isolate in a ticket": (
        edited("title: Calls fail\n", "title: Calls fail\nticket: NOC-1\u2066 2\n"),
        [f"{PATH}:3: ticket: invisible formatting character (expected text that reads as it is written, got U+2066 "
         f"LEFT-TO-RIGHT ISOLATE; remove it)"]),
    "unclosed brackets Markdown would take minutes over": (
        edited("body: Calls fail.", "body: |\n      " + "[" * 10_000),
        [f'{PATH}:8: updates[0].body: too many "[" without a matching "]" for Markdown to render in time (expected '
         f'brackets in pairs, or "\\[" for a bracket of its own; got 10,000 unclosed)']),
    "the same in the summary": (
        GOOD + "A review.\n\n" + "[x" * 5_000 + "\n",
        [f'{PATH}:10: summary: too many "[" without a matching "]" for Markdown to render in time (expected brackets '
         f'in pairs, or "\\[" for a bracket of its own; got 5,000 unclosed)']),
    "a billion laughs": (
        edited("title: Calls fail\n", "title: Calls fail\nx: &a [y, y, y, y, y, y, y, y, y, y]\n"
               + "".join(f"x{n}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n" for n in range(8))),
        [f"{PATH}:2: too many values once aliases are expanded (expected at most 100,000, got more, or an alias "
         f"inside its own anchor)"]),
    "an alias inside its own anchor": (
        edited("title: Calls fail\n", "title: Calls fail\nimpact: &a [x, {k: *a}]\n"),
        [f"{PATH}:2: too many values once aliases are expanded (expected at most 100,000, got more, or an alias "
         f"inside its own anchor)"]),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_every_audit_case_is_one_clear_line(site, monkeypatch, text, expected):
    site.incident(NAME, text.encode("utf-8"))
    if expected is None:
        assert check(site, monkeypatch) == (0, ["ok: 2 components in 2 areas, 1 incident and 0 maintenance windows"])
    else:
        assert problems(site, monkeypatch) == expected


def test_text_fields_may_hold_a_quoted_hash_and_a_ticket_a_comment(site, monkeypatch):
    site.incident(NAME, edited("title: Calls fail", 'title: "Switch #2 failed"\nticket: NOC-1  # the NOC queue')
                  .replace("body: Calls fail.", "body: |\n      Call support #4.  # not a comment in a block"))
    code, lines = check(site, monkeypatch)
    assert (code, lines) == (0, ["ok: 2 components in 2 areas, 1 incident and 0 maintenance windows"])


def test_a_file_over_1_mb_is_refused_unread(site, monkeypatch):
    site.incident(NAME, GOOD + "A long review.\n" * 70_000)
    assert problems(site, monkeypatch) == [
        f"{PATH}:1: too large (expected at most 1.0 MB, got 1.1 MB; put long logs or reviews elsewhere and link "
        f"to them)"]


FILE_NAMES = {
    "2026-06-01-x.MD": 'file name: not an incident file name (expected YYYY-MM-DD-slug.md, got "2026-06-01-x.MD")',
    "2026-06-01-x.markdown": ('file name: not an incident file name (expected YYYY-MM-DD-slug.md, got '
                              '"2026-06-01-x.markdown")'),
    "2026-6-1-x.md": 'file name: not an incident file name (expected YYYY-MM-DD-slug.md, got "2026-6-1-x.md")',
    "phones-down.md": 'file name: not an incident file name (expected YYYY-MM-DD-slug.md, got "phones-down.md")',
    "2026/2026-13-01-x.md": ('file name: not a real date (expected YYYY-MM-DD-slug.md with a real date, got '
                             '"2026-13-01")'),
    "2026-06-01-Phones.md": ('file name: not a valid id (expected lowercase letters, digits and single hyphens after '
                             'the date, got "Phones")'),
}


@pytest.mark.parametrize("name, message", FILE_NAMES.items(), ids=FILE_NAMES.keys())
def test_a_file_meant_as_an_incident_is_read_or_reported(site, monkeypatch, name, message):
    (site.content / "incidents" / name).parent.mkdir(parents=True, exist_ok=True)
    site.incident(name, GOOD)
    assert problems(site, monkeypatch) == [f"content/incidents/{name}:1: {message}"]


def test_sub_folders_are_read_and_other_files_ignored(site, monkeypatch):
    (site.content / "incidents" / "2025" / "q1").mkdir(parents=True)
    site.incident("2025/q1/2025-02-01-old.md", GOOD)
    site.incident(NAME, GOOD)
    for name in ("README.md", "readme.txt", ".DS_Store", "photo.png", "2026-08-29-calls.md~", ".2026-08-29-calls.md.swp"):
        site.incident(name, "not an incident")
    code, lines = check(site, monkeypatch)
    assert (code, lines) == (0, ["ok: 2 components in 2 areas, 2 incidents and 0 maintenance windows"])


def test_ids_are_unique_across_sub_folders_and_folders_named_like_incidents_are_reported(site, monkeypatch):
    (site.content / "incidents" / "2026").mkdir()
    (site.content / "incidents" / "2026-09-01-outage.md").mkdir()
    site.incident("2026/" + NAME, GOOD)
    site.incident(NAME, GOOD)
    assert problems(site, monkeypatch) == [
        'content/incidents/2026-09-01-outage.md:1: a folder named like an incident (expected a file '
        'YYYY-MM-DD-slug.md; got a folder "2026-09-01-outage.md"; sub-folders may only group files)',
        f'content/incidents/2026/{NAME}:1: duplicate id (expected each incident id once across the '
        f'sub-folders of incidents/, got "2026-08-29-calls" again; first in content/incidents/{NAME})']


def test_a_link_to_outside_the_site_is_never_read(site, monkeypatch, tmp_path):
    secret = tmp_path / "secret.env"
    secret.write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n")
    (site.content / "incidents" / NAME).symlink_to(secret)
    (site.content / "components.yml").unlink()
    (site.content / "components.yml").symlink_to(secret)
    inside = site.root / "shared.md"
    inside.write_text(GOOD)
    (site.content / "incidents" / "2026-08-30-shared.md").symlink_to(inside)
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["check", ".", "--format", "github"])
    assert "wJalrXUtnFEMI" not in result.output and "AWS_SECRET" not in result.output
    assert result.output.splitlines()[:2] == [
        "::error file=content/components.yml,line=1::a link to a file outside the site folder (expected a file "
        "inside it; it was not read)",
        f"::error file={PATH},line=1::a link to a file outside the site folder (expected a file inside it; "
        f"it was not read)"]


@pytest.mark.build
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_link_to_outside_the_site_is_named_as_the_author_sees_it(site, monkeypatch, tmp_path, command):
    """Run from the folder the link points into, the message still names the link in content/incidents/, not the
    file it points to (which the author may never have seen)."""
    secret = tmp_path / "secret.md"
    secret.write_text("not an incident\n")
    (site.content / "incidents" / NAME).symlink_to(secret)
    monkeypatch.chdir(tmp_path)
    args = ["build", str(site.root), "-o", str(tmp_path / "out"), "--build-time", "2026-09-01 00:00Z"] \
        if command == "build" else ["check", str(site.root)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"{site.root.relative_to(tmp_path)}/content/incidents/{NAME}:1: a link "
                                             f"to a file outside the site folder (expected a file inside it; it was "
                                             f"not read)")


def without_read_override() -> None:
    """Root reads any file: drop the capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the
    bounding set, so the checked process meets permissions as any user does."""
    if os.geteuid() != 0:
        return
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop the capability to read any file")


def test_an_unreadable_file_is_reported_and_the_others_still_checked(site):
    locked = site.incident(NAME, GOOD)
    locked.chmod(0)
    site.incident("2026-08-30-other.md", GOOD.replace("state: investigating", "state: fixed"))
    try:
        result = subprocess.run([sys.executable, "-m", "statusgen.cli", "check", "."], cwd=site.root,
                                capture_output=True, text=True, preexec_fn=without_read_override,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        locked.chmod(0o644)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"{PATH}:1: cannot read it (permission denied)",
        "content/incidents/2026-08-30-other.md:7: updates[0].state: invalid incident state (expected one of "
        'investigating, identified, monitoring, resolved, got "fixed")',
        "2 problems found; nothing was built."]


@pytest.mark.build
def test_a_ticket_in_the_ticket_url_is_percent_encoded(site, tmp_path):
    shutil.copytree(ROOT / "theme", site.root / "theme")
    shutil.copytree(ROOT / "plugins", site.root / "plugins")
    conf = (ROOT / "pelicanconf.py").read_text().replace('TIMEZONE = "America/Chicago"', 'TIMEZONE = "UTC"')
    conf = conf.replace('STATUSGEN_TICKET_URL = ""', 'STATUSGEN_TICKET_URL = "https://t.example/browse/{ticket}?v=1"')
    (site.root / "pelicanconf.py").write_text(conf)
    site.incident(NAME, edited("title: Calls fail\n", 'title: Calls fail\nticket: "NOC 1/../../admin?x=1#y&z"\n'))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site.root), "-o", str(out), "--build-time", BUILD_TIME])
    assert result.exit_code == 0, result.output
    page = lxml.html.parse(str(out / "incidents" / "2026-08-29-calls" / "index.html"))
    links = [a.get("href") for a in page.iter("a") if a.text == "NOC 1/../../admin?x=1#y&z"]
    assert links == ["https://t.example/browse/NOC%201%2F..%2F..%2Fadmin%3Fx%3D1%23y%26z?v=1"]


# --- what check accepts, build builds ------------------------------------------------------------------------

EDGES = {
    "the first and last times accepted, in Chicago": (
        "title: First and last\nstarted: 1970-01-01 00:00\ncomponents: {phone: major_outage}\nupdates:\n"
        "  - at: 1970-01-01 00:00\n    state: investigating\n    next_update: 2999-12-31 23:59\n"
        "    body: Long ago.\n  - at: 2999-12-31 23:59\n    state: identified\n    body: Far ahead.\n"),
    "a maintenance window over the whole range": (
        "title: Forever\nkind: maintenance\ncomponents: {phone: under_maintenance}\n"
        "window: {start: 1970-01-01 00:00Z, end: 2999-12-31 23:59-23:59}\nupdates:\n"
        "  - at: 1970-01-01 00:00Z\n    state: scheduled\n    body: The whole range.\n"),
    "right-to-left text and emoji without formatting characters": (
        'title: "انقطاع الهاتف 📞 في الشمال"\ncomponents: {phone: partial_outage}\nticket: "NOC-١"\nupdates:\n'
        "  - at: 2026-08-29 09:20\n    state: investigating\n    body: \"ערוץ \\u200d 👩‍👩‍👧 ok\"\n"),
}


@pytest.mark.build
@pytest.mark.parametrize("front", EDGES.values(), ids=EDGES.keys())
def test_what_check_accepts_at_the_edges_builds(site, tmp_path, monkeypatch, front):
    shutil.copytree(ROOT / "theme", site.root / "theme")
    shutil.copytree(ROOT / "plugins", site.root / "plugins")
    shutil.copy(ROOT / "pelicanconf.py", site.root / "pelicanconf.py")  # America/Chicago
    site.catalog(CATALOG.replace("    sla: 99.9\n", "    sla: 99.9\n    since: 1970-01-01\n"))
    site.incident(NAME, f"---\n{front}---\nA summary.\n" + "Plain prose line.\n" * 40_000)
    code, lines = check(site, monkeypatch)
    assert code == 0, lines
    result = CliRunner().invoke(main, ["build", str(site.root), "-o", str(tmp_path / "out"),
                                       "--build-time", "2999-12-31 23:59Z"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "incidents" / NAME[:-3] / "index.html").is_file()
