"""Posting from a phone: an issue made with the form and comments in it, as GitHub's events give them
(tests/data/github), become the incident file and its updates, committed and pushed to a bare remote by
`statusgen post-from-issue` as the workflow runs it; people without write access, issues and comments not meant
for the page, and malformed forms change nothing; hostile values stay text."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.edit import when
from statusgen.errors import Refusal
from statusgen.load import load_site

pytestmark = pytest.mark.slow  # git sites with bare remotes, posting commands as processes: `make test`

DATA = Path(__file__).parent / "data" / "github"
try:  # what edit.when (the times `statusgen new` takes) says of a time it cannot read
    when("soon", datetime(2019, 5, 15, tzinfo=timezone.utc), timezone.utc)
except Refusal as err:
    NOT_A_TIME = str(err)
BIN = Path(sys.executable).parent
HOSTILE_TITLE = 'Calls "fail" $(touch pwned) `touch pwned` \'; updates: [] # in Millbrook'
FORM = """\
### Status of Phone

Major outage

### Status of Fiber internet

_No response_

### Areas affected

Millbrook

### State

Investigating

### Expected resolution

18:00

### Next update

+30m

### Ticket

NOC-1 $(touch pwned)

### Message to readers

Calls into and out of Millbrook fail. `touch pwned` $(touch pwned) "quoted"
"""
# A message may hold anything, lines that look like the form's headings and YAML included.
HOSTILE_MESSAGE = 'Calls fail.\n### Ticket\n\n---\ntitle: "not this"\n---\n`touch pwned`\n\n- [x] $(touch pwned)'


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def site(tmp_path) -> Path:
    """A site `statusgen init` made, committed, its main branch pushed to a bare remote."""
    root = tmp_path / "site"
    result = CliRunner().invoke(main, ["init", str(root), "--name", "Northwind Fiber", "--area", "Millbrook",
                                       "--area", "Ashford", "--service", "Phone", "--service", "Fiber internet",
                                       "--url", "https://status.northwind.example", "--install", "statusgen"])
    assert result.exit_code == 0, result.output
    git("init", "-q", "--bare", "-b", "main", str(tmp_path / "remote.git"), cwd=tmp_path)
    git("init", "-q", "-b", "main", cwd=root)
    git("config", "user.name", "github-actions[bot]", cwd=root)
    git("config", "user.email", "bot@example.com", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "A status page", cwd=root)
    git("remote", "add", "origin", str(tmp_path / "remote.git"), cwd=root)
    git("push", "-q", "-u", "origin", "main", cwd=root)
    return root


def event(name: str, tmp_path: Path, **changes) -> Path:
    """A documented event with the issue's or the comment's fields changed."""
    data = json.loads((DATA / name).read_text())
    for key, value in changes.items():
        part, field = key.split("__")
        data[part][field] = value
    path = tmp_path / f"event-{len(list(tmp_path.glob('event-*')))}.json"
    path.write_text(json.dumps(data))
    return path


def post(site: Path, event_path: Path, permission: str = "write") -> tuple[int, str, str]:
    """The command as the workflow runs it: (exit status, its answer for the issue, what it printed)."""
    reply = site.parent / "reply.md"
    done = subprocess.run([str(BIN / "statusgen"), "post-from-issue", "--event", str(event_path), "--permission",
                           permission, "--reply", str(reply), "--push"], cwd=site, capture_output=True, text=True)
    return done.returncode, reply.read_text() if reply.exists() else "", done.stderr


def remote_log(site: Path) -> list[str]:
    return git("log", "--format=%s", "main", cwd=site.parent / "remote.git").splitlines()


ID = "2019-05-15-calls-fail-touch-pwned-touch-pwned-updates-in-millbrook"
PATH = f"content/incidents/{ID}.md"


def test_an_issue_then_an_update_then_a_resolution(site, tmp_path):
    opened = event("issues-opened.json", tmp_path, issue__title=HOSTILE_TITLE, issue__body=FORM)
    code, reply, err = post(site, opened)
    assert (code, err) == (0, "")
    assert reply == (
        f"Posted to the status page: https://status.northwind.example/incidents/{ID}/ (it shows after the next "
        f"build), from `{PATH}`.\n\n"
        "To post an update, comment here with a first line such as `/update identified ETA 18:00 next 16:30` (a "
        "state, then optionally `ETA`, `next` and `service=status`) and the message on the lines below; `/resolve` "
        "and the message resolve it. Closing this issue changes nothing on the page.\n")
    assert remote_log(site) == [f"Post {ID} from an issue", "A status page"]
    assert git("show", f"main:{PATH}", cwd=site.parent / "remote.git") == """\
---
# issue: 1
# yaml-language-server: $schema=../../.statusgen/incident.schema.json
title: "Calls \\"fail\\" $(touch pwned) `touch pwned` '; updates: [] # in Millbrook"
components:
  phone: major_outage
areas: [millbrook]
ticket: "NOC-1 $(touch pwned)"
updates:
  - at: 2019-05-15T15:20+00:00
    state: investigating
    next_update: 2019-05-15T15:50+00:00
    eta: 2019-05-15T18:00+00:00
    body: "Calls into and out of Millbrook fail. `touch pwned` $(touch pwned) \\"quoted\\""
---
"""
    update = event("issue-comment-created.json", tmp_path, comment__body=(
        "/update identified ETA 18:00 next 16:30 phone=partial_outage\n"
        "A construction crew cut a fiber near Ashford. $(touch pwned) \"quoted\" Crews are on site."))
    assert post(site, update) == (0, f"Posted (identified) to https://status.northwind.example/incidents/{ID}/; "
                                     f"it shows after the next build.\n", "")
    resolve = event("issue-comment-created.json", tmp_path, comment__body="/resolve Calls work again.",
                    comment__created_at="2019-05-15T17:42:10Z")
    assert post(site, resolve)[:2] == (0, f"Posted (resolved) to https://status.northwind.example/incidents/{ID}/; "
                                          f"it shows after the next build.\n")
    text = git("show", f"main:{PATH}", cwd=site.parent / "remote.git")
    assert text.split("    body: \"Calls into", 1)[1].split("\n", 1)[1] == """\
  - at: 2019-05-15T15:20+00:00
    state: identified
    components: {phone: partial_outage}
    next_update: 2019-05-15T16:30+00:00
    eta: 2019-05-15T18:00+00:00
    body: "A construction crew cut a fiber near Ashford. $(touch pwned) \\"quoted\\" Crews are on site."
  - at: 2019-05-15T17:42+00:00
    state: resolved
    body: "Calls work again."
---
"""
    assert remote_log(site) == [f"Post {ID} from an issue"] * 3 + ["A status page"]
    incident = load_site(site / "content").incidents[0]
    assert incident.title == HOSTILE_TITLE and incident.ticket == "NOC-1 $(touch pwned)"
    assert not list(tmp_path.rglob("pwned"))


def test_a_maintenance_form(site, tmp_path):
    body = ("### Services\n\nPhone, Fiber internet\n\n### Areas affected\n\n_No response_\n\n### Start\n\n"
            "2019-05-20 02:00\n\n### End\n\n2019-05-20 04:00\n\n### Message to readers\n\nCalls may drop.")
    code, reply, _ = post(site, event("issues-opened.json", tmp_path, issue__title="Switch upgrade", issue__body=body))
    assert (code, reply.splitlines()[0]) == (0, "Posted to the status page: https://status.northwind.example/"
                                                "incidents/2019-05-15-switch-upgrade/ (it shows after the next build),"
                                                " from `content/incidents/2019-05-15-switch-upgrade.md`.")
    text = (site / "content/incidents/2019-05-15-switch-upgrade.md").read_text()
    assert "kind: maintenance\ncomponents:\n  phone: under_maintenance\n  fiber-internet: under_maintenance\n" in text
    assert "window: {start: 2019-05-20T02:00+00:00, end: 2019-05-20T04:00+00:00}\n" in text


@pytest.mark.parametrize("permission", ["read", "triage", "none", ""])
def test_without_write_access_nothing_is_posted(site, tmp_path, permission):
    opened = event("issues-opened.json", tmp_path, issue__title="Calls fail", issue__body=FORM)
    assert post(site, opened, permission) == (0, (
        "Not posted: only people with write access to this repository post to the status page (expected admin, "
        f"maintain, write, got {permission or 'none'}).\n"), "")
    assert remote_log(site) == ["A status page"]
    assert not list((site / "content/incidents").glob("2*.md"))


def test_issues_and_comments_not_meant_for_the_page_get_no_answer(site, tmp_path):
    assert post(site, DATA / "issues-opened.json") == (0, "", "")
    assert post(site, DATA / "issue-comment-created.json") == (0, "", "")
    assert remote_log(site) == ["A status page"]


@pytest.mark.parametrize("change, answer", [
    (("Major outage", "Total outage"), "- Status of Phone: unknown (expected one of Not affected, Degraded "
                                       "performance, Partial outage, Major outage, got 'Total outage')"),
    (("Major outage", "Not affected"), '- no service affected (expected a status other than "Not affected" for at '
                                       'least one service)'),
    (("\n18:00\n", "\nsoon\n"), f"- Expected resolution: {NOT_A_TIME}"),
    (("\nMillbrook\n", "\nAtlantis\n"), "- Areas affected: unknown (expected one of Millbrook, Ashford, got "
                                        "'Atlantis')"),
])
def test_a_malformed_form_is_answered_with_its_problems_and_nothing_committed(site, tmp_path, change, answer):
    opened = event("issues-opened.json", tmp_path, issue__title="Calls fail", issue__body=FORM.replace(*change, 1))
    code, reply, _ = post(site, opened)
    assert (code, reply) == (0, f"Not posted; nothing was changed:\n\n{answer}\n")
    assert remote_log(site) == ["A status page"]


def test_a_comment_without_a_message_or_state_is_refused(site, tmp_path):
    post(site, event("issues-opened.json", tmp_path, issue__title="Calls fail", issue__body=FORM))
    for body, answer in [("/update identified", "- /update: no message (expected the words for readers on the lines "
                                                "below the command)"),
                         ("/update\nText.", "- /update: no state (expected e.g. /update identified, then the message "
                                            "on the next lines)"),
                         ("/update fixed\nText.", "- updates[1].state: invalid incident state (expected one of "
                                                  "investigating, "
                                                           "identified, monitoring, resolved, got \"fixed\")")]:
        code, reply, _ = post(site, event("issue-comment-created.json", tmp_path, comment__body=body))
        assert (code, reply) == (0, f"Not posted; nothing was changed:\n\n{answer}\n")
    assert len(remote_log(site)) == 2


def test_the_forms_pass_githubs_schema(site):
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms",
                             *sorted((site / ".github/ISSUE_TEMPLATE").glob("*.yml"))], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_title_of_several_lines_with_yaml_is_one_line_of_text(site, tmp_path):
    title = 'Calls fail\nupdates: []\n---\ntitle: "other"\r\n$(touch pwned)'
    code, reply, _ = post(site, event("issues-opened.json", tmp_path, issue__title=title, issue__body=FORM))
    assert (code, reply.split(" (it shows")[0]) == (
        0, "Posted to the status page: https://status.northwind.example/incidents/"
           "2019-05-15-calls-fail-updates-title-other-touch-pwned/")
    incident = load_site(site / "content").incidents[0]
    assert incident.title == 'Calls fail updates: [] --- title: "other" $(touch pwned)'
    assert not list(tmp_path.rglob("pwned"))


def test_a_message_of_many_lines_is_taken_whole_whatever_it_holds(site, tmp_path):
    form = FORM.split("### Message to readers")[0] + "### Message to readers\n\n" + HOSTILE_MESSAGE
    code, reply, _ = post(site, event("issues-opened.json", tmp_path, issue__title="Calls fail", issue__body=form))
    assert (code, reply.split(":")[0]) == (0, "Posted to the status page")
    update = event("issue-comment-created.json", tmp_path, comment__body="/update monitoring\n" + HOSTILE_MESSAGE)
    assert post(site, update)[0] == 0
    incident = load_site(site / "content").incidents[0]
    assert [u.body for u in incident.updates] == [HOSTILE_MESSAGE, HOSTILE_MESSAGE]
    assert incident.ticket == "NOC-1 $(touch pwned)"
    assert not list(tmp_path.rglob("pwned"))

