"""Posting that forgives the slips a tired person makes at 2 a.m. (issue 25): names as well as ids, "did you mean",
one line per mistake, `update` without --state, times such as 18:00 and +1h30m, any folder inside the site, -C,
multi-line messages as YAML blocks, and the checks that catch an ETA before the start. Each through the CLI, with
its exact output, on a clock fixed by STATUSGEN_NOW."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.cli import main
from statusgen.edit import Post, Source, append_update, new_file, short_slug
from statusgen.load import load_site
from statusgen.times import given_time
from tests.conftest import SiteFactory, cases
from tests.test_cli import with_theme

NOW = "2026-11-26T02:00:00-06:00"  # 02:00 in Chicago: the site's zone in these tests
ID = "2026-11-26-calls-fail"
PATH = f"content/incidents/{ID}.md"
CHICAGO_TZ = 'TIMEZONE = "America/Chicago"\n'


def run(*args: str, now: str = NOW):
    """The command's exit status and everything it printed, with the clock at `now`."""
    result = CliRunner().invoke(main, list(args), env={"STATUSGEN_NOW": now})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def chicago(site, monkeypatch):
    (site.root / "pelicanconf.py").write_text(CHICAGO_TZ)
    monkeypatch.chdir(site.root)
    return site


def opened(site, *extra: str) -> None:
    """An incident opened at 02:00 with phone down, as `new` writes it."""
    assert run("new", "--title", "Calls fail", "--status", "phone=major_outage", "-m", "Calls fail.", *extra) == (
        0, f"{PATH}\n{ID}\n")


def front(site) -> dict:
    return yaml.safe_load((site.root / PATH).read_text().split("---\n")[1])


# --- names or ids, and "did you mean" ---------------------------------------------------------------------------

def test_services_areas_statuses_and_states_by_name_or_id_case_and_spacing_ignored(chicago):
    assert run("new", "--title", "TV and calls fail", "--status", "TV=Major Outage", "--status",
               " PHONE = degraded performance", "--area", "South", "--state", "Identified", "--impact", "MAJOR",
               "-m", "x") == (0, "content/incidents/2026-11-26-tv-and-calls-fail.md\n2026-11-26-tv-and-calls-fail\n")
    text = (chicago.content / "incidents/2026-11-26-tv-and-calls-fail.md").read_text()
    assert text.splitlines()[2:9] == ["impact: major", "components:", "  tv: major_outage",
                                      "  phone: degraded_performance", "areas: [south]", "updates:",
                                      "  - at: 2026-11-26T02:00-06:00"]
    assert "    state: identified" in text.splitlines()


def test_every_mistake_is_one_line_with_the_valid_ids_closest_first(chicago):
    code, out = run("new", "--title", "Calls fail", "--status", "fone=major_outage", "--status", "tv=major_outge",
                    "--area", "Soth", "--area", "Nowhere", "--state", "identifed", "--impact", "huge", "--eta",
                    "soon", "-m", "x")
    assert (code, out.splitlines()) == (1, [
        'statusgen: --state: invalid incident state (did you mean identified? expected one of identified, '
        'investigating, monitoring, resolved, got "identifed")',
        'statusgen: --status: unknown service (did you mean phone? expected one of phone, tv, got "fone")',
        'statusgen: --status tv=major_outge: invalid status (did you mean major_outage? expected one of '
        'major_outage, partial_outage, under_maintenance, degraded_performance, got "major_outge")',
        "statusgen: --eta: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, "
        "+30m, +2h, +1h30m, +1d, 18:00, tomorrow 06:00), got 'soon')",
        'statusgen: --area: unknown area (did you mean south? expected one of south, north, got "Soth")',
        'statusgen: --area: unknown area (expected one of north, south, got "Nowhere")',
        'statusgen: --impact: invalid impact (expected one of none, minor, major, critical, got "huge")'])
    assert list((chicago.content / "incidents").iterdir()) == []


def test_a_name_that_names_two_areas_is_refused_with_both(chicago):
    chicago.catalog("""\
        areas:
          - {id: lake, name: Lake City}
          - {id: north, name: Lake}
        components:
          - {id: phone, name: Phone}
        """)
    assert run("new", "--title", "x", "--status", "phone=major_outage", "--area", "LAKE", "-m", "x") == (1, (
        'statusgen: --area: area named by more than one id (did you mean lake? expected one of lake, north, '
        'got "LAKE")\n'))
    assert run("new", "--title", "x", "--status", "phone=major_outage", "--area", "lake", "--area", "Lake city",
               "-m", "x") == (0, "content/incidents/2026-11-26-x.md\n2026-11-26-x\n")  # an id is never ambiguous
    assert "areas: [lake]" in (chicago.content / "incidents/2026-11-26-x.md").read_text().splitlines()  # once


def test_an_unknown_incident_id_says_which_was_likely_meant(chicago):
    opened(chicago)
    assert run("update", "2026-11-26-calls-fial", "-m", "x") == (
        1, f'statusgen: unknown incident in content/incidents (did you mean {ID}? expected one of {ID}, got '
           f'"2026-11-26-calls-fial")\n')


def test_a_service_written_by_name_in_a_file_is_one_problem_not_a_garbled_second(chicago):
    chicago.incident(f"{ID}.md", """\
        ---
        title: Calls fail
        components: {Phone: major_outage}
        areas: [north]
        updates:
          - {at: 2026-11-26 01:00, state: investigating, body: x}
        ---
        """)
    assert run("check") == (1, (
        f'{PATH}:3: components: not a valid id (expected lowercase letters, digits and single hyphens, got "Phone")\n'
        "1 problem found; nothing was built.\n"))


# --- update without --state ------------------------------------------------------------------------------------

def test_update_without_state_keeps_the_state_it_is_in(chicago):
    opened(chicago, "--state", "identified")
    assert run("update", ID, "-m", "Still working on it.", now="2026-11-26T02:30:00-06:00") == (
        0, f"{PATH}: identified at 2026-11-26T02:30-06:00\n")
    assert [u["state"] for u in front(chicago)["updates"]] == ["identified", "identified"]


# --- times -----------------------------------------------------------------------------------------------------

def test_times_as_people_type_them_count_from_one_clock_reading(chicago):
    opened(chicago, "--eta", "18:00", "--next-update", "+1h30m")
    assert run("update", ID, "-m", "Later.", "--eta", "tomorrow 06:00", "--next-update", "01:00", "--at", "now",
               now="2026-11-26T02:10:59-06:00") == (0, f"{PATH}: investigating at 2026-11-26T02:10-06:00\n")
    updates = front(chicago)["updates"]
    assert [(u.get("next_update"), u.get("eta")) for u in updates] == [
        ("2026-11-26T03:30-06:00", "2026-11-26T18:00-06:00"),
        ("2026-11-27T01:00-06:00", "2026-11-27T06:00-06:00")]  # 01:00 has passed today: the next is tomorrow's


@pytest.mark.parametrize("option, value, said", [
    ("--next-update", "25:00", "--next-update: not a time of day (expected HH:MM from 00:00 to 23:59, got '25:00')"),
    ("--at", "yesterday", "--at: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, "
                          "+30m, +2h, +1h30m, +1d, 18:00, tomorrow 06:00), got 'yesterday')"),
    ("--eta", "+2x", "--eta: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, "
                     "+30m, +2h, +1h30m, +1d, 18:00, tomorrow 06:00), got '+2x')"),
])
def test_a_time_refused_names_its_option(chicago, option, value, said):
    assert run("new", "--title", "Calls fail", "--status", "phone=major_outage", "-m", "x", option, value) == (
        1, f"statusgen: {said}\n")


@pytest.mark.parametrize("text, expected", [
    ("18:00", "2026-03-08T18:00:00-05:00"),  # later today (after the change to daylight time)
    ("01:00", "2026-03-09T01:00:00-05:00"),  # passed today: tomorrow's
    ("01:30", "2026-03-09T01:30:00-05:00"),  # now exactly: the next one
    ("+1h30m", "2026-03-08T04:00:00-05:00"),  # elapsed: 90 minutes, across the skipped hour
    ("in 1d 2h", "2026-03-09T04:30:00-05:00"),
    ("now", "2026-03-08T01:30:00-06:00"),
])
def test_wall_clock_and_combined_relative_times(text, expected):
    from zoneinfo import ZoneInfo

    now = datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)  # 01:30 CST, half an hour before clocks go forward
    assert given_time(text, now, ZoneInfo("America/Chicago")).isoformat() == expected


@pytest.mark.build
def test_build_time_now_and_a_wall_clock_time_from_inside_the_content_folder(site, monkeypatch, tmp_path):
    with_theme(site)
    (site.root / "pelicanconf.py").write_text((site.root / "pelicanconf.py").read_text()
                                              .replace('TIMEZONE = "UTC"', 'TIMEZONE = "America/Chicago"'))
    monkeypatch.chdir(site.content / "incidents")
    out = tmp_path / "out"
    assert run("build", "-o", str(out), "--build-time", "now") == (0, f"built {out} as of 2026-11-26T08:00:00+00:00\n")
    assert run("build", "-o", str(out), "--build-time", "18:00") == (
        0, f"built {out} as of 2026-11-27T00:00:00+00:00\n")
    assert run("build", "-o", str(out), "--build-time", "soon")[1].splitlines()[0] == (
        "statusgen: --build-time: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, "
        "+30m, +2h, +1h30m, +1d, 18:00, tomorrow 06:00), got 'soon')")


def test_check_takes_a_build_time_as_people_type_it(chicago):
    chicago.incident(f"{ID}.md", """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        started: 2026-11-25 23:40
        updates:
          - {at: 2026-11-25 23:50, state: investigating, body: x}
          - {at: 2026-11-26 01:45, state: identified, body: y}
        ---
        """)
    assert run("check", "--build-time", "+1h30m", now="2026-11-26T00:00:00-06:00") == (0, (
        f"warning: {PATH}:1: 1 update(s) dated after the build time 2026-11-26T07:30:00+00:00 not shown yet: the "
        "first appears with the first build after 2026-11-26T01:45:00-06:00\n"
        "ok: 2 components in 2 areas, 1 incident and 0 maintenance windows\n"))


# --- any folder inside the site, and -C --------------------------------------------------------------------------

def test_every_command_works_from_any_folder_inside_the_site(chicago, monkeypatch):
    monkeypatch.chdir(chicago.content / "incidents")
    assert run("new", "--title", "Calls fail", "--status", "phone=major_outage", "-m", "x", "--started", "01:40") == (
        0, f"{ID}.md\n{ID}\n")
    assert "\nstarted: 2026-11-26T01:40-06:00\n" in (chicago.content / "incidents" / f"{ID}.md").read_text()
    assert run("update", ID, "-m", "More.", "--next-update", "+30m") == (
        0, f"{ID}.md: investigating at 2026-11-26T02:00-06:00\n")
    assert run("list") == (0, f"open      {ID}  Calls fail  (investigating since 2026-11-26 02:00 CST; next update due "
                              f"by 2026-11-26 02:30 CST)\n")
    assert run("check") == (0, "ok: 2 components in 2 areas, 1 incident and 0 maintenance windows\n")
    assert run("due", "--since", "2026-11-26 02:20", now="2026-11-26T02:31:00-06:00") == (
        0, f"2026-11-26T02:30:00-06:00: {ID}: the update promised by update 2 falls due\n")
    monkeypatch.chdir(chicago.content)
    assert run("resolve", ID, "-m", "Fixed.") == (0, f"incidents/{ID}.md: resolved at 2026-11-26T02:00-06:00\n")
    assert sorted(p.name for p in chicago.root.iterdir()) == [".statusgen-cache", "content", "pelicanconf.py"]


@pytest.mark.build
def test_a_failed_run_inside_content_leaves_no_cache_there(chicago, monkeypatch):
    chicago.incident(f"{ID}.md", "---\ntitle: [unclosed\n---\n")
    monkeypatch.chdir(chicago.content / "incidents")
    assert run("check")[0] == 1
    assert run("build", "--build-time", "now")[0] == 1
    assert sorted(str(p.relative_to(chicago.root)) for p in chicago.content.rglob("*")) == [
        "content/components.yml", "content/incidents", f"content/incidents/{ID}.md"]


def test_dash_c_acts_as_if_started_there_before_or_after_the_command(chicago, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run("-C", str(chicago.content / "incidents"), "new", "--title", "Calls fail", "--status",
               "phone=major_outage", "-m", "x", "--started", "2026-11-26 01:50") == (0, f"{ID}.md\n{ID}\n")
    assert run("list", "-C", "site") == (0, f"open      {ID}  Calls fail  (investigating since 2026-11-26 02:00 "
                                           f"CST)\n")
    assert run("check", "-C", "site/content", "..") == (
        0, "ok: 2 components in 2 areas, 1 incident and 0 maintenance windows\n")
    assert Path.cwd() == tmp_path  # the test's own folder, as it was


def test_outside_any_site_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert run("new", "--title", "x", "--status", "phone=major_outage", "-m", "x") == (1, (
        f"statusgen: no site in {tmp_path} or any folder above it (expected a folder holding "
        f"content/components.yml, as `statusgen init` makes; or say where with -C DIR)\n"))
    assert list(tmp_path.iterdir()) == []


# --- messages of several lines, and file names -------------------------------------------------------------------

MESSAGE = "Calls fail in the north.\n\n  - cause: a cut fiber   \n  - next: # crews at 04:00\n\nÉté ✓ «ok»"


def test_a_message_of_several_lines_is_a_block_read_back_exactly(chicago):
    opened(chicago)
    assert run("update", ID, "-m", MESSAGE)[0] == 0
    lines = (chicago.root / PATH).read_text().splitlines()
    assert lines[lines.index("    body: |-"):] == [
        "    body: |-", "      Calls fail in the north.", "", "        - cause: a cut fiber   ",
        "        - next: # crews at 04:00", "", "      Été ✓ «ok»", "---"]
    assert load_site(chicago.content, "America/Chicago").incidents[0].last.body == MESSAGE


lines_of_text = st.lists(st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20),
                         min_size=2, max_size=5).map("\n".join).filter(lambda t: "\n" in t.strip())


@settings(max_examples=cases(150, fast=50), deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=lines_of_text, crlf=st.booleans())
def test_any_message_of_several_lines_reads_back_as_written(site, body, crlf):
    post = Post(at=datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc), state="investigating", body=body,
                statuses={"phone": "major_outage"})
    text = new_file("Calls fail", post)
    path = site.incident("2026-01-01-x.md", text.replace("\n", "\r\n") if crlf else text)
    later = Post(at=datetime(2026, 1, 1, 11, 0, tzinfo=timezone.utc), state="identified", body=body)
    path.write_bytes(append_update(Source.read(path), later).encode("utf-8"))
    try:
        (incident,) = load_site(site.content, "UTC").incidents
    finally:
        path.unlink()
    assert [u.body for u in incident.updates] == [body.strip()] * 2


def test_a_long_title_is_cut_at_a_word_boundary():
    title = "Calls into and out of Millbrook fail after a construction crew cut the main fiber trunk"
    assert short_slug(title) == "calls-into-and-out-of-millbrook-fail-after-a-construction"
    assert short_slug("x" * 70) == "x" * 60  # one word longer than the limit: cut
    assert short_slug("a" * 60 + " b") == "a" * 60  # a word ending right at the limit stays whole


# --- check: where a slip is, and what it is ---------------------------------------------------------------------

def test_an_unclosed_quote_is_reported_at_its_own_line(chicago):
    chicago.incident(f"{ID}.md", """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - at: 2026-11-26 01:00
            state: investigating
            body: "Calls fail
          - at: 2026-11-26 01:30
            state: identified
            body: "A cut fiber."
        ---
        """)
    assert run("check") == (1, (
        f'{PATH}:7: unparseable YAML: quote not closed (expected a closing " on this line, got none; for text of '
        'several lines use a "|" block)\n1 problem found; nothing was built.\n'))


def test_an_eta_before_the_incident_began_is_a_problem_at_its_line(chicago):
    chicago.incident(f"{ID}.md", """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        eta: 2026-11-25 18:00
        updates:
          - at: 2026-11-26 01:00
            state: investigating
            next_update: 2026-11-26 00:30
            body: Calls fail.
          - at: 2026-11-26 01:30
            state: identified
            eta: 2026-11-26 00:45
            body: A cut fiber.
        ---
        """)
    assert run("check") == (1, (
        f"{PATH}:4: eta: before the incident began (expected 2026-11-26T01:00:00-06:00 or later, as its first update "
        "says, got 2026-11-25T18:00:00-06:00)\n"
        f"{PATH}:8: updates[0].next_update: not after the update (expected later than 2026-11-26T01:00:00-06:00, got "
        "2026-11-26T00:30:00-06:00)\n"
        f"{PATH}:12: updates[1].eta: before the incident began (expected 2026-11-26T01:00:00-06:00 or later, as its "
        "first update says, got 2026-11-26T00:45:00-06:00)\n"
        "3 problems found; nothing was built.\n"))


# --- list and due -----------------------------------------------------------------------------------------------

def test_list_flags_an_expected_resolution_that_has_passed(chicago):
    opened(chicago, "--eta", "+2h")
    assert run("list", now="2026-11-26T03:00:00-06:00") == (0, (
        f"open      {ID}  Calls fail  (investigating since 2026-11-26 02:00 CST; ETA 2026-11-26 04:00 CST)\n"))
    assert run("list", now="2026-11-26T05:25:00-06:00") == (0, (
        f"open      {ID}  Calls fail  (investigating since 2026-11-26 02:00 CST; ETA PASSED 1 h 25 min ago, "
        f"expected by 2026-11-26 04:00 CST)\n"))


def test_due_ignores_what_is_closed(chicago):
    opened(chicago, "--eta", "+2h", "--next-update", "+1h")
    assert run("resolve", ID, "-m", "Fixed.", "--at", "02:30")[0] == 0
    code, out = run("maintenance", "--title", "Switch upgrade", "--status", "phone=under_maintenance", "--start",
                    "tomorrow 02:00", "--end", "tomorrow 04:00", "-m", "Calls may drop.")
    assert code == 0, out
    work = out.splitlines()[1]
    assert run("maintenance", work, "--cancel", "-m", "Not needed.", "--at", "02:40")[0] == 0
    # After the resolution at 02:30: the promised update (03:00), the ETA (04:00) and the cancelled window
    # (tomorrow 02:00 to 04:00) change nothing; what does is the new day, and leaving the recently resolved list.
    assert run("due", "--since", "02:35", "--now", "+30d") == (0, (
        "2026-11-27T00:00:00-06:00: a new day: the 90-day bars and uptime figures move on\n"
        f"2026-11-26T02:40:00-06:00: {work}: update 2 is dated then\n"
        f"2026-12-10T02:30:00-06:00: {ID}: leaves the recently resolved list\n"
        f"2026-12-10T02:40:00-06:00: {work}: leaves the recently resolved list\n"))
