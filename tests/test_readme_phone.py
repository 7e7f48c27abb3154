"""The README's "From a phone" and "From monitoring" sections, followed step by step on a site `statusgen init`
made, pushed to a bare remote standing in for GitHub, with the jobs of the post workflow init wrote run as the
runner runs them (tests/test_post_workflow.py: bash, the event in $GITHUB_EVENT_PATH, a stand-in `gh` that records
what it would ask GitHub).

Everything the README tells a reader to do or type is read from the README itself: the files it names, the form
to choose, the comments to write, the commands, the alert mapping, the relay's body, the draft's words, its key and
its branch. When the README changes, these tests follow it; when it says what the code does not do, they fail.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.load import load_site
from tests.conftest import ROOT
from tests.test_post_from_issue import git, site  # noqa: F401  (the fixture: a site with a bare remote)
from tests.test_post_workflow import BIN, DATA, run_job, stand_in_gh

pytestmark = pytest.mark.slow  # the post workflow's jobs run as processes over git remotes: left to `make test`

README = (ROOT / "README.md").read_text(encoding="utf-8")
ISSUE_TIME = "2019-05-15T15:20:18Z"  # the documented event's own time
SITE_URL = "https://status.northwind.example"  # what the fixture's init was given


def section(title: str) -> str:
    """The README's section under `## title`, up to the next `## `."""
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


PHONE = section("From a phone: an issue is a post (GitHub)")
MONITORING = section("From monitoring: an alert is a draft")


def prose(text: str) -> str:
    """The text as one line (the README wraps its sentences anywhere)."""
    return " ".join(text.split())


def examples(text: str) -> list[str]:
    """The indented examples (Markdown code blocks inside list items), dedented, in order."""
    return [textwrap.dedent(block).rstrip("\n") for block in re.findall(r"\n\n((?: {4,}\S.*\n)+)", text)]


def commands(text: str) -> list[str]:
    """The `statusgen ...` commands the text names in backticks, whitespace made single spaces."""
    return [" ".join(c.split()) for c in re.findall(r"`(statusgen [^`]+)`", text)]


def filled_form(form: dict, answers: dict[str, str]) -> str:
    """The issue body GitHub makes of a form: `### label`, a blank line, the answer (the dropdown's default, or
    `_No response_`, for what the test leaves)."""
    parts = []
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        attributes = element["attributes"]
        default = attributes["options"][attributes["default"]] if "default" in attributes else "_No response_"
        parts.append(f"### {attributes['label']}\n\n{answers.get(attributes['label'], default)}")
    return "\n\n".join(parts)


def github_event(name: str, **changes) -> dict:
    data = json.loads((DATA / "github" / name).read_text())
    for key, value in changes.items():
        part, field = key.split("__")
        data[part][field] = value
    return data


def remote(site_root: Path, *args: str) -> str:
    return git(*args, cwd=site_root.parent / "remote.git")


def next_clock(text: str, now: datetime) -> datetime:
    """`18:00` as the README says it is read: the next 18:00 in the site's zone (the fixture's is UTC)."""
    hour, minute = map(int, text.split(":"))
    moment = now.replace(hour=hour, minute=minute, second=0)
    return moment if moment > now else moment + timedelta(days=1)


def incident_form(site_root: Path) -> dict:
    """The form the README says to choose, found by its name among those init wrote."""
    choice = re.search(r"\*\*Issues > New issue > ([^*]+)\*\*", PHONE)[1]
    forms = [yaml.safe_load(p.read_text()) for p in sorted((site_root / ".github/ISSUE_TEMPLATE").glob("*.yml"))]
    chosen = [f for f in forms if f["name"] == choice]
    assert len(chosen) == 1, (choice, [f["name"] for f in forms])
    return chosen[0]


def test_the_files_the_phone_section_names_are_those_init_writes(site):  # noqa: F811
    named = re.findall(r"`(\.github/[\w./-]+)`", PHONE)
    assert named, PHONE
    for name in named:
        assert (site / name).is_file(), name
    written = {p.relative_to(site).as_posix() for p in (site / ".github/ISSUE_TEMPLATE").iterdir()}
    assert written <= set(named)  # every form init writes is named
    workflow = yaml.safe_load((site / ".github/workflows/post.yml").read_text())
    assert workflow[True]["issues"]["types"] == ["opened"]  # "closing the issue changes nothing on the page"


def test_the_phone_steps(site, tmp_path):  # noqa: F811
    stand_in_gh(tmp_path)
    # 1. the form the README names, filled on a phone
    form = incident_form(site)
    service = next(e["attributes"] for e in form["body"] if e["attributes"].get("label", "").startswith("Status of"))
    body = filled_form(form, {service["label"]: "Major outage", "Areas affected": "Millbrook",
                              "Message to readers": "Calls into and out of Millbrook fail. We are looking into it."})
    opened = github_event("issues-opened.json", issue__title="Calls fail in Millbrook", issue__body=body,
                          issue__created_at=ISSUE_TIME)
    run_job("issue", site, tmp_path, opened)
    # 2. asked about write access, written, checked, committed, pushed, built, answered with the address
    ident = "2019-05-15-calls-fail-in-millbrook"
    path = f"content/incidents/{ident}.md"
    assert remote(site, "log", "--format=%s", "main").splitlines() == [f"Post {ident} from an issue", "A status page"]
    log = (tmp_path / "gh.log").read_text().splitlines()
    assert log[:5] == ["gh auth setup-git",
                       "gh api repos/northwind/status/collaborators/Codertocat/permission --jq .permission",
                       "gh auth setup-git", "gh workflow run status.yml --ref main",
                       f"gh issue comment 1 --repo northwind/status --body-file {tmp_path}/reply.md"]
    assert log[5] == (f"Posted to the status page: {SITE_URL}/incidents/{ident}/ (it shows after the next build), "
                      f"from `{path}`.")
    # 3. the README's comments, word for word
    update, resolve = [e for e in examples(PHONE) if e.startswith("/")]
    first, message = update.split("\n", 1)
    words = re.fullmatch(r"/update (?P<state>\w+) ETA (?P<eta>\d\d:\d\d) next (?P<next>\d\d:\d\d) "
                         r"(?P<service>[\w-]+)=(?P<status>\w+)", first)
    assert words, first
    now = datetime(2019, 5, 15, 16, 0, tzinfo=timezone.utc)
    for text, at in ((update, now), ("Thanks, on it.", now), (resolve, now + timedelta(hours=1))):
        run_job("issue", site, tmp_path, github_event("issue-comment-created.json", comment__body=text,
                                                      comment__created_at=at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    incident = load_site(site / "content").incidents[0]
    assert [u.state for u in incident.updates] == ["investigating", words["state"], "resolved"]
    posted = incident.updates[1]
    assert (posted.body, posted.eta, posted.next_update) == (
        message, next_clock(words["eta"], now), next_clock(words["next"], now))
    assert dict(posted.components) == {words["service"]: words["status"]}
    assert incident.updates[2].body == resolve.split("\n", 1)[1]
    assert remote(site, "log", "--format=%s", "main").splitlines() == [f"Post {ident} from an issue"] * 3 + [
        "A status page"]  # the comment that is no command changed nothing
    # after a change to the catalog: `statusgen check` fails until `statusgen forms`
    catalog = site / "content/components.yml"
    catalog.write_text(catalog.read_text() + "  - id: tv\n    name: TV\n")
    forms_command, check_command = re.search(r"After a change to the catalog, run `(statusgen [^`]+)`.*?"
                                             r"`(statusgen [^`]+)` fails while they are out of date",
                                             prose(PHONE)).groups()
    done = cli(site, check_command)
    assert done.exit_code == 1 and ".github/ISSUE_TEMPLATE/statusgen-incident.yml:1: issue form out of date" in \
        done.output, done.output
    assert cli(site, forms_command).exit_code == 0
    assert cli(site, check_command).exit_code == 0


def cli(site_root: Path, command: str):
    """A `statusgen ...` command from the README, run in the site as a reader would."""
    argv = shlex.split(command)
    assert argv[0] == "statusgen"
    return CliRunner().invoke(main, ["-C", str(site_root), *argv[1:]])


def test_the_commands_behind_the_workflow_run_anywhere(site, tmp_path):  # noqa: F811
    command = next(c for c in commands(PHONE) if c.startswith("statusgen post-from-issue"))
    form = incident_form(site)
    label = next(e["attributes"]["label"] for e in form["body"] if e["type"] == "dropdown")
    event = tmp_path / "EVENT.json"
    event.write_text(json.dumps(github_event("issues-opened.json", issue__title="Slow calls", issue__body=filled_form(
        form, {label: "Degraded performance", "Message to readers": "Calls are slow."}))))
    argv = [str(BIN / "statusgen"), *[str(event) if w == "EVENT.json" else w for w in shlex.split(command)[1:]]]
    done = subprocess.run(argv, cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (site / "reply.md").read_text().startswith(f"Posted to the status page: {SITE_URL}/incidents/"
                                                      f"2019-05-15-slow-calls/")


# --- From monitoring ---------------------------------------------------------------------------------------------

def relayed(tool: str, payload: dict) -> dict:
    """The repository_dispatch event GitHub makes of the body the README tells a relay to POST: `action` is the
    body's event_type, `client_payload` as sent."""
    body = re.search(r"and the body\s+`(\{\"event_type\".+?\})`", MONITORING, re.S)[1]
    body = body.replace("<tool>", tool).replace("<the tool's webhook body>", json.dumps(payload))
    sent = json.loads(body)
    event = json.loads((DATA / "github" / "repository-dispatch.json").read_text())
    event.update(action=sent["event_type"], client_payload=sent["client_payload"])
    return event


def test_the_monitoring_steps(site, tmp_path):  # noqa: F811
    stand_in_gh(tmp_path)
    mapping = re.search(r"\n```yaml\n(.*?)\n```\n", MONITORING, re.S)[1]
    (site / "content/alerts.yml").write_text(mapping + "\n")
    assert cli(site, "statusgen check").exit_code == 0  # "checked by statusgen check"
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "Alert mapping", cwd=site)
    git("push", "-q", cwd=site)
    workflow = yaml.safe_load((site / ".github/workflows/post.yml").read_text())
    firing = json.loads((DATA / "alerts/alertmanager-firing.json").read_text())
    event = relayed("alertmanager", firing)
    assert event["action"] in workflow[True]["repository_dispatch"]["types"]
    for payload in ("alertmanager-firing.json", "alertmanager-firing.json", "alertmanager-resolved.json"):
        run_job("alert", site, tmp_path, relayed("alertmanager", json.loads((DATA / "alerts" / payload).read_text())))
    # the draft's words, key and branch are those the README gives
    title, message = re.search(r'as they are: "([^"]+)" and "([^"]+)"', prose(MONITORING)).groups()
    key = re.search(r"`# alert: alertmanager (\w+)`", MONITORING)[1]
    branch = re.search(r"branch `(statusgen/alert-<tool>-<key>)`", MONITORING)[1].replace(
        "<tool>", "alertmanager").replace("<key>", key)
    assert remote(site, "for-each-ref", "--format=%(refname:short)").split() == ["main", branch]
    assert remote(site, "log", "--format=%s", "main").splitlines() == ["Alert mapping", "A status page"]
    (path,) = remote(site, "diff", "--name-only", f"main...{branch}").split()
    draft = remote(site, "show", f"{branch}:{path}")
    assert f"# alert: alertmanager {key}\n" in draft
    assert f'title: "{title}"\n' in draft and f'body: "{message}"\n' in draft
    # the same alert twice: one pull request; resolved: a comment on it, and nothing resolved
    log = (tmp_path / "gh.log").read_text()
    assert log.count("gh pr create") == 1 and f"gh pr create --head {branch} --title {title} " in log
    assert log.count("gh pr comment") == 1 and f"gh pr comment {branch} --body-file" in log
    assert "reports PhoneTrunkDown resolved.\n\nNothing on the status page was changed." in log
    # without the workflow: the command the README gives, on a branch of its own
    command = next(c for c in commands(MONITORING) if c.startswith("statusgen draft --from alertmanager "))
    git("clean", "-fdq", cwd=site)  # what the runs above left in the checkout (a runner's is thrown away)
    git("switch", "-q", "-c", "draft", cwd=site)
    (site / "payload.json").write_text(json.dumps(firing))
    done = cli(site, command)
    assert (done.exit_code, done.output.splitlines()) == (0, [path, Path(path).stem])



ASSOCIATIONS = ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "NONE",
                "MANNEQUIN"]  # GitHub's author_association values
STARTERS = {"owner": "OWNER", "an organisation member": "MEMBER", "a collaborator": "COLLABORATOR"}


def test_who_starts_the_issue_job_is_who_the_readme_says(site, tmp_path):  # noqa: F811
    """Step 2: "Issues and comments of people who are not the repository's owner, an organisation member or a
    collaborator start no job at all"; comments that are not commands, and comments on pull requests, neither."""
    said = re.search(r"people who are not the repository's (owner), (an organisation member) or (a collaborator) "
                     r"start no job at all", prose(PHONE))
    assert said, PHONE
    starters = {STARTERS[who] for who in said.groups()}
    stand_in_gh(tmp_path)
    form = incident_form(site)
    body = filled_form(form, {next(e["attributes"]["label"] for e in form["body"] if e["type"] == "dropdown"):
                              "Major outage", "Message to readers": "Calls fail."})
    for association in ASSOCIATIONS:
        opened = github_event("issues-opened.json", issue__title="Calls fail", issue__body=body,
                              issue__author_association=association)
        commented = github_event("issue-comment-created.json", comment__body="/resolve\nFixed.",
                                 comment__author_association=association)
        started = {run_job("issue", site, tmp_path, event, permission="read") for event in (opened, commented)}
        assert started == {association in starters}, association
    for text, pull_request in (("Thanks, on it.", None), ("/resolve\nFixed.", {"url": "https://api.github.com/x"})):
        comment = github_event("issue-comment-created.json", comment__body=text, issue__pull_request=pull_request)
        assert run_job("issue", site, tmp_path, comment) is False
    assert remote(site, "log", "--format=%s", "main").splitlines() == ["A status page"]  # read access: nothing
