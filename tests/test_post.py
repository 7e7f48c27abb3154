"""Posting during an outage: new, update, resolve, maintenance and list through the CLI, with exact output; edits
change no byte but the ones they insert; what would not pass check is refused and the file left untouched."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.cli import main
from statusgen.edit import Post, Source, append_update, when
from statusgen.load import load_site
from tests.conftest import cases

CHICAGO = ZoneInfo("America/Chicago")
ID = "2026-11-26-calls-fail-in-the-north"
PATH = f"content/incidents/{ID}.md"


def run(site, *args: str):
    result = CliRunner().invoke(main, [*args[:1], "-C", str(site.root), *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def chicago(site, monkeypatch):
    (site.root / "pelicanconf.py").write_text('TIMEZONE = "America/Chicago"\n')
    monkeypatch.chdir(site.root)
    return site


def test_new_update_resolve_and_list(chicago):
    assert run(chicago, "new", "--title", "Calls fail in the north", "--status", "phone=major_outage", "--area",
               "north", "-m", "Calls fail.", "--next-update", "+30m", "--ticket", "NOC-1", "--at",
               "2026-11-26 02:00") == (0, f"{PATH}\n{ID}\n")
    assert run(chicago, "list", "--at", "2026-11-26 02:10") == (0, (
        f"open      {ID}  Calls fail in the north  (investigating since 2026-11-26 02:00 CST; next update due by "
        f"2026-11-26 02:30 CST)\n"))
    assert run(chicago, "list", "--at", "2026-11-26 02:45") == (0, (
        f"open      {ID}  Calls fail in the north  (investigating since 2026-11-26 02:00 CST; next update OVERDUE by "
        f"15 min, promised by 2026-11-26 02:30 CST)\n"))
    assert run(chicago, "update", ID, "--state", "identified", "--status", "phone=partial_outage", "-m",
               "A cut fiber.\n\nCrews are on site.", "--eta", "+4h", "--at", "2026-11-26 02:20") == (
        0, f"{PATH}: identified at 2026-11-26T02:20-06:00\n")
    assert run(chicago, "resolve", ID, "-m", "Fixed.", "--at", "2026-11-26 05:00") == (
        0, f"{PATH}: resolved at 2026-11-26T05:00-06:00\n")
    assert (chicago.root / PATH).read_text() == """\
---
title: "Calls fail in the north"
components:
  phone: major_outage
areas: [north]
ticket: "NOC-1"
updates:
  - at: 2026-11-26T02:00-06:00
    state: investigating
    next_update: 2026-11-26T02:30-06:00
    body: "Calls fail."
  - at: 2026-11-26T02:20-06:00
    state: identified
    components: {phone: partial_outage}
    eta: 2026-11-26T06:20-06:00
    body: |-
      A cut fiber.

      Crews are on site.
  - at: 2026-11-26T05:00-06:00
    state: resolved
    body: "Fixed."
---
"""
    incident = load_site(chicago.content, "America/Chicago").incidents[0]
    assert [u.state for u in incident.updates] == ["investigating", "identified", "resolved"]
    assert incident.updates[1].body == "A cut fiber.\n\nCrews are on site."
    assert run(chicago, "list", "--at", "2026-11-26 06:00") == (0, "nothing open or upcoming as of "
                                                                   "2026-11-26T06:00-06:00\n")


def test_a_new_file_never_overwrites_and_its_name_is_unicode_safe(chicago):
    for n in range(3):
        code, out = run(chicago, "new", "--title", "Störung: Telefon & Café", "--status", "phone=major_outage", "-m",
                        "x", "--at", "2026-11-26 02:00")
        assert code == 0
        assert out.splitlines()[1] == "2026-11-26-storung-telefon-cafe" + ("" if n == 0 else f"-{n + 1}")


def test_maintenance_schedule_move_cancel(chicago):
    code, out = run(chicago, "maintenance", "--title", "Switch upgrade", "--status", "phone=under_maintenance",
                    "--start", "2026-12-03 02:00", "--end", "2026-12-03 04:00", "-m", "Calls may drop.", "--at",
                    "2026-11-26 10:00")
    assert code == 0, out
    ident = out.splitlines()[1]
    assert run(chicago, "list", "--at", "2026-11-27 10:00")[1] == (
        f"upcoming  {ident}  Switch upgrade  (starts 2026-12-03 02:00 CST, ends 2026-12-03 04:00 CST)\n")
    assert run(chicago, "maintenance", ident, "--start", "2026-12-10 02:00", "--end", "2026-12-10 05:00", "-m",
               "Moved a week.", "--at", "2026-11-27 10:00")[0] == 0
    maintenance = load_site(chicago.content, "America/Chicago").incidents[0]
    assert maintenance.window.start == datetime(2026, 12, 10, 2, 0, tzinfo=CHICAGO)
    assert maintenance.window.end == datetime(2026, 12, 10, 5, 0, tzinfo=CHICAGO)
    assert run(chicago, "maintenance", ident, "--cancel", "-m", "Not needed.", "--at", "2026-11-28 10:00")[0] == 0
    assert load_site(chicago.content, "America/Chicago").incidents[0].last.state == "cancelled"
    assert run(chicago, "list", "--at", "2026-11-29 10:00")[1] == "nothing open or upcoming as of 2026-11-29T10:00-06:00\n"


REFUSED = {
    "an unknown status": (["--status", "phone=bogus"], [
        'statusgen: --status phone=bogus: invalid status (expected one of operational, under_maintenance, '
        'degraded_performance, partial_outage, major_outage, got "bogus")']),
    "an unknown component": (["--status", "fone=major_outage"], [
        'statusgen: --status: unknown service (did you mean phone? expected one of phone, tv, got "fone")']),
    "time going backwards": (["--at", "2026-11-26 01:00"], [
        f"{PATH}:9: updates[1].at: update time goes backwards (expected 2026-11-26T02:00:00-06:00 or later, as at "
        f"line 6, got 2026-11-26T01:00:00-06:00)", "1 problem found; no file was changed."]),
    "a time that is not one": (["--eta", "soonish"], [
        "statusgen: --eta: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, +30m, "
        "+2h, +1h30m, +1d, 18:00, tomorrow 06:00), got 'soonish')"]),
    "a status without =": (["--status", "phone"], [
        "statusgen: --status: not component=status (expected e.g. phone=major_outage, got 'phone')"]),
}


@pytest.mark.parametrize("extra, expected", REFUSED.values(), ids=REFUSED.keys())
def test_an_edit_that_would_not_pass_check_is_refused_and_the_file_untouched(chicago, extra, expected):
    run(chicago, "new", "--title", "Calls fail in the north", "--status", "phone=major_outage", "-m", "x", "--at",
        "2026-11-26 02:00")
    before = (chicago.root / PATH).read_bytes()
    args = {"--at": "2026-11-26 03:00", "-m": "More."}
    for key, value in zip(extra[::2], extra[1::2]):
        args[key] = value
    code, out = run(chicago, "update", ID, "--state", "identified", *[x for pair in args.items() for x in pair])
    assert (code, out.splitlines()) == (1, expected)
    assert (chicago.root / PATH).read_bytes() == before
    assert sorted(p.name for p in (chicago.content / "incidents").iterdir()) == [f"{ID}.md"]  # no scratch left


def test_outside_a_terminal_a_missing_message_is_a_usage_error(chicago):
    code, out = run(chicago, "new", "--title", "x", "--status", "phone=major_outage")
    assert code == 2 and out.splitlines()[-1] == "Error: missing -m/--message (in a terminal, statusgen asks for it)"
    assert list((chicago.content / "incidents").iterdir()) == []


def test_an_unknown_id_is_one_line(chicago):
    assert run(chicago, "update", "nope", "--state", "identified", "-m", "x") == (
        1, 'statusgen: unknown incident in content/incidents (expected the id of an incident, but there are none, '
           'got "nope")\n')


def test_commit_commits_the_one_file_with_a_message_that_says_what_happened(chicago):
    git = ["git", "-C", str(chicago.root), "-c", "user.email=noc@example.org", "-c", "user.name=NOC"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "site"], check=True)
    (chicago.root / "notes.txt").write_text("not part of the post")
    env = {"GIT_AUTHOR_NAME": "NOC", "GIT_AUTHOR_EMAIL": "noc@example.org", "GIT_COMMITTER_NAME": "NOC",
           "GIT_COMMITTER_EMAIL": "noc@example.org"}
    result = CliRunner().invoke(main, ["new", "-C", str(chicago.root), "--title", "Calls fail in the north", "--status",
                                       "phone=major_outage", "-m", "x", "--at", "2026-11-26 02:00", "--commit"], env=env)
    assert result.exit_code == 0, result.output
    log = subprocess.run(git + ["log", "-1", "--format=%s", "--name-only"], capture_output=True, text=True).stdout
    assert log.split() == ["Open", f"{ID}:", "Calls", "fail", "in", "the", "north", "(investigating)", PATH]
    status = subprocess.run(git + ["status", "--porcelain"], capture_output=True, text=True).stdout
    assert status == "?? notes.txt\n"


# --- relative times ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("now", "2026-03-08T01:30:00-06:00"),
    ("+30m", "2026-03-08T03:00:00-05:00"),  # 01:30 CST + 30 min = 02:00 CST = 03:00 CDT: clocks went forward
    ("in 2h", "2026-03-08T04:30:00-05:00"),
    ("+1d", "2026-03-09T02:30:00-05:00"),  # 24 hours later, an hour later on the wall clock
    ("tomorrow 06:00", "2026-03-09T06:00:00-05:00"),
    ("today 23:00", "2026-03-08T23:00:00-05:00"),
    ("2026-03-08 12:00", "2026-03-08T12:00:00-05:00"),
    ("2026-03-08 12:00Z", "2026-03-08T12:00:00+00:00"),
])
def test_relative_times_across_the_change_to_daylight_time(text, expected):
    now = datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)  # 01:30 CST, half an hour before clocks go forward
    assert when(text, now, CHICAGO).isoformat() == expected


# --- surgical edits -----------------------------------------------------------------------------------------------

KEYS = ["at: 2026-01-01 10:00", "state: investigating", "body: Calls fail"]


@st.composite
def formatted_files(draw) -> str:
    """A valid incident written in one of many ways: comments, quoting, flow or block lists, CRLF, a BOM, a summary."""
    quote = draw(st.sampled_from(["{}", '"{}"', "'{}'"]))
    # a comment may follow quoted text (after plain text YAML would drop the rest, which check refuses)
    comment = draw(st.sampled_from(["", "  # a comment", "  # é ✓"])) if quote != "{}" else ""
    indent = draw(st.sampled_from(["", "  ", "    "]))
    flow = draw(st.booleans())
    title = "title: " + quote.format("Calls fail") + comment
    if flow:
        updates = "updates: [{at: 2026-01-01 10:00, state: investigating, body: " + quote.format("x") + "}]" + comment
    else:
        item = [f"{indent}- {KEYS[0]}", f"{indent}  {KEYS[1]}"]
        item.append(draw(st.sampled_from([f"{indent}  body: " + quote.format("Calls fail") + comment,
                                          f"{indent}  body: |\n{indent}    Calls fail\n{indent}    here."])))
        item += draw(st.sampled_from([[], [f"{indent}  # after the last update"], [""]]))
        updates = "updates:\n" + "\n".join(item)
    order = draw(st.permutations([title, "components: {phone: major_outage}", updates, "# a note"]))
    summary = draw(st.sampled_from(["", "A summary.\n", "## Review\n\n- one\n- two\n"]))
    text = "---\n" + "\n".join(order) + "\n---\n" + summary
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return draw(st.sampled_from(["", "\ufeff"])) + text


@settings(max_examples=cases(150, fast=50), deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=formatted_files(), body=st.text(st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp")),
                                          min_size=1, max_size=40).filter(lambda b: b.strip()))
def test_an_update_inserts_text_and_changes_no_other_byte(site, text, body):
    path = site.incident("2026-01-01-x.md", text.encode("utf-8"))
    post = Post(at=datetime(2026, 1, 1, 11, 0, tzinfo=timezone.utc), state="identified", body=body,
                statuses={"phone": "partial_outage"})
    new = append_update(Source.read(path), post)
    start = next(i for i, (a, b) in enumerate(zip(text, new)) if a != b)
    inserted = len(new) - len(text)
    assert new[:start] + new[start + inserted:] == text  # the old text, whole, around one inserted run
    path.write_bytes(new.encode("utf-8"))
    loaded = load_site(site.content, "UTC")
    (incident,) = loaded.incidents
    assert [u.state for u in incident.updates] == ["investigating", "identified"]
    assert incident.updates[-1].body == body.strip()


def test_resolving_a_maintenance_completes_it(chicago):
    ident = run(chicago, "maintenance", "--title", "Switch upgrade", "--status", "phone=under_maintenance",
                "--start", "2026-12-03 02:00", "--end", "2026-12-03 04:00", "-m", "Calls may drop.", "--at",
                "2026-11-26 10:00")[1].splitlines()[1]
    assert run(chicago, "resolve", ident, "-m", "Done.", "--at", "2026-12-03 03:30") == (
        0, f"content/incidents/{ident}.md: completed at 2026-12-03T03:30-06:00\n")
