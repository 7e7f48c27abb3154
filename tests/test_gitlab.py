"""GitLab: the issue templates init writes (filled in as a person would, read back as the GitHub form is), and the
alert job of the .gitlab-ci.yml it writes, its script run as a GitLab runner runs it (bash, $TRIGGER_PAYLOAD a file
holding what GitLab makes of the tool's webhook body) in a repository with a bare remote, against a GitLab API
played by a loopback HTTP server that records the requests: the merge request the job opens, byte for byte, one
for the same alert twice, and a note on it when the alert resolves."""
from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from statusgen import forms
from tests.test_drafts import ALERTS
from tests.test_post_from_issue import FORM, event, git, post, site  # noqa: F401  (site: the fixture)
from tests.test_post_workflow import BIN, DATA

pytestmark = pytest.mark.slow  # the CI jobs' steps run as processes over git remotes: left to `make test`

TOKEN = "glpat-secret"
PUSH_URL = f"http://statusgen:{TOKEN}@gitlab.test/northwind/status.git"  # what the job sets origin to
BRANCH = "statusgen/alert-alertmanager-fbab788ec4c1018b"
DRAFT = "content/incidents/2026-08-29-problem-with-phone-in-millbrook.md"


# --- issue templates -----------------------------------------------------------------------------------------------

def fill(template: str, answers: dict[str, str]) -> str:
    """The template with each answered field's answer put below its hint (in place of the default), as a person
    edits the description GitLab fills in from it."""
    parts = template.split("\n### ")
    for n, part in enumerate(parts[1:], start=1):
        label, _, rest = part.partition("\n\n")
        hint = rest.split("\n", 1)[0]
        if label in answers:
            parts[n] = f"{label}\n\n{hint}\n{answers[label]}\n"
    return "\n### ".join(parts)


def test_a_filled_template_posts_the_same_incident_as_the_github_form(site, tmp_path):  # noqa: F811
    template = (site / ".gitlab/issue_templates/Incident.md").read_text()
    answers = {"Status of Phone": "Major outage", "Areas affected": "Millbrook", "Expected resolution": "18:00",
               "Next update": "+30m", "Ticket": "NOC-1 $(touch pwned)",
               "Message to readers": FORM.split("### Message to readers\n\n")[1].rstrip("\n")}
    code, reply, _ = post(site, event("issues-opened.json", tmp_path, issue__title="Calls fail",
                                      issue__body=fill(template, answers)))
    assert (code, reply.split(" (it shows")[0]) == (
        0, "Posted to the status page: https://status.northwind.example/incidents/2019-05-15-calls-fail/")
    from_template = (site / "content/incidents/2019-05-15-calls-fail.md").read_text()
    git("rm", "-q", "content/incidents/2019-05-15-calls-fail.md", cwd=site)
    git("commit", "-q", "-m", "Again", cwd=site)
    code, reply, _ = post(site, event("issues-opened.json", tmp_path, issue__title="Calls fail", issue__body=FORM))
    assert code == 0 and reply.startswith("Posted")
    assert (site / "content/incidents/2019-05-15-calls-fail.md").read_text() == from_template
    assert not list(tmp_path.rglob("pwned"))


def test_the_templates_hold_every_field_of_the_forms_in_their_order(site):  # noqa: F811
    for kind, name in forms.GITLAB_FILES.items():
        form = yaml.safe_load((site / forms.FILES[kind]).read_text())
        labels = [e["attributes"]["label"] for e in form["body"] if e["type"] != "markdown"]
        text = (site / name).read_text()
        assert [line[4:] for line in text.splitlines() if line.startswith("### ")] == labels
        assert text.startswith(f"<!-- {form['name']}. ")


def test_a_name_that_would_end_a_comment_stays_inside_it(tmp_path):
    from statusgen.model import Area, Catalog, Component

    catalog = Catalog(areas=(Area(id="a", name="A --> B"),), groups=(),
                      components=(Component(id="p", name="Phone", areas=("a",)),))
    text = forms.render(catalog)[forms.GITLAB_FILES["incident"]]
    assert "Any of: A - -> B, separated by commas." in text
    assert text.count("-->") == text.count("<!--")


# --- the alert job ------------------------------------------------------------------------------------------------

class GitLab(BaseHTTPRequestHandler):
    """GitLab's API as the job uses it: opening a merge request, finding the open one of a branch, a note on it."""

    requests: list[tuple[str, str, str, bytes]]  # method, path with query, PRIVATE-TOKEN, body
    opened: list[dict]
    level: int = 30  # the author's access level (0: not a member)

    def _answer(self, status: int, data) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> bytes:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append((self.command, self.path, self.headers.get("PRIVATE-TOKEN"), body))
        return body

    def do_GET(self):  # noqa: N802 - http.server's name
        self._record()
        if "/members/all/" in self.path:  # the author's membership: as the test says, or GitLab's 404
            self._answer(200, {"id": 1, "username": "root", "access_level": self.level}) if self.level else \
                self._answer(404, {"message": "404 Not found"})
            return
        self._answer(200, [{"iid": n + 1, "source_branch": m["source_branch"]} for n, m in enumerate(self.opened)])

    def do_POST(self):  # noqa: N802
        body = self._record()
        if self.path.endswith("/merge_requests"):
            self.opened.append(json.loads(body))
            self._answer(201, {"iid": len(self.opened)})
        else:
            self._answer(201, {"id": 1})

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def gitlab():
    handler = type("Handler", (GitLab,), {"requests": [], "opened": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()
    thread.join()


def alert_job(site_root: Path) -> dict:
    return yaml.safe_load((site_root / ".gitlab-ci.yml").read_text())["alert"]


def run_alert_job(site_root: Path, tmp: Path, port: int, payload_file: Path) -> subprocess.CompletedProcess:
    return run_job("alert", site_root, tmp, port, json.loads(payload_file.read_text()))


def run_job(job: str, site_root: Path, tmp: Path, port: int, body: dict) -> subprocess.CompletedProcess:
    """The job's script as a runner runs it, after its before_script (pip install, already done here), on a fresh
    checkout of main, with the file's global variables; TRIGGER_PAYLOAD is what GitLab makes of a webhook body: the
    body with the trigger's own parameters added (id, ref, variables)."""
    payload = {**body, "id": "42", "ref": "main", "variables": {"STATUSGEN_ALERT_SOURCE": "alertmanager"}}
    (tmp / "TRIGGER_PAYLOAD").write_text(json.dumps(payload))
    ci = yaml.safe_load((site_root / ".gitlab-ci.yml").read_text())
    env = {**os.environ, **ci["variables"], "PATH": f"{BIN}:{os.environ['PATH']}", "CI_PIPELINE_SOURCE": "trigger",
           "TRIGGER_PAYLOAD": str(tmp / "TRIGGER_PAYLOAD"), "STATUSGEN_ALERT_SOURCE": "alertmanager",
           "STATUSGEN_GITLAB_TOKEN": TOKEN, "CI_API_V4_URL": f"http://127.0.0.1:{port}/api/v4", "CI_PROJECT_ID": "42",
           "CI_DEFAULT_BRANCH": "main", "CI_SERVER_PROTOCOL": "http", "CI_SERVER_FQDN": "gitlab.test",
           "CI_SERVER_HOST": "gitlab.test", "CI_PROJECT_PATH": "northwind/status", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{site_root.parent / 'remote.git'}.insteadOf",
           "GIT_CONFIG_VALUE_0": PUSH_URL}
    done = subprocess.run(["bash", "-e", "-c", "\n".join(ci[job]["script"])], cwd=site_root, env=env,
                          capture_output=True, text=True, timeout=120)
    git("switch", "-q", "main", cwd=site_root)
    git("reset", "-q", "--hard", "origin/main", cwd=site_root)
    git("clean", "-fdq", cwd=site_root)  # a runner's checkout is thrown away
    git("remote", "set-url", "origin", str(site_root.parent / "remote.git"), cwd=site_root)
    return done


def test_an_alert_opens_one_merge_request_and_its_resolution_comments_on_it(site, tmp_path, gitlab):  # noqa: F811
    server, api = gitlab
    (site / "content/alerts.yml").write_text(ALERTS)
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "Alert mapping", cwd=site)
    git("push", "-q", cwd=site)
    for payload in ("alertmanager-firing.json", "alertmanager-firing.json", "alertmanager-resolved.json"):
        done = run_alert_job(site, tmp_path, server.server_port, DATA / "alerts" / payload)
        assert done.returncode == 0, done.stdout + done.stderr
    remote = site.parent / "remote.git"
    assert git("for-each-ref", "--format=%(refname:short)", cwd=remote).split() == ["main", BRANCH]
    assert git("log", "--format=%s", "main", cwd=remote).splitlines() == ["Alert mapping", "A status page"]
    assert git("log", "--format=%s%n%an <%ae>", f"main..{BRANCH}", cwd=remote).splitlines() == [
        "Draft from an alert: Problem with Phone in Millbrook", "statusgen <statusgen@gitlab.test>"]
    assert git("show", f"{BRANCH}:{DRAFT}", cwd=remote).splitlines()[1] == "# alert: alertmanager fbab788ec4c1018b"
    assert [(method, urlsplit(path).path, parse_qs(urlsplit(path).query), token)
            for method, path, token, _ in api.requests] == [
        ("POST", "/api/v4/projects/42/merge_requests", {}, TOKEN),
        ("GET", "/api/v4/projects/42/merge_requests", {"state": ["opened"], "source_branch": [BRANCH]}, TOKEN),
        ("POST", "/api/v4/projects/42/merge_requests/1/notes", {}, TOKEN)]
    assert api.requests[0][3] == json.dumps({
        "source_branch": BRANCH, "target_branch": "main", "title": "Problem with Phone in Millbrook",
        "description": "Alertmanager reports PhoneTrunkDown firing since 2026-08-29 09:05 UTC.\n\nThis draft opens an "
                       "incident on the status page: **Problem with Phone in Millbrook**, in `" + DRAFT + "`.\nMerge "
                       "this merge request to publish it as it is, or edit the file first. Nothing is published until "
                       "it is merged.\n",
        "remove_source_branch": True}).encode() + b"\n"
    assert json.loads(api.requests[2][3]) == {"body": (
        "Alertmanager reports PhoneTrunkDown resolved.\n\nNothing on the status page was changed. If this incident "
        "was published, resolve it in words readers understand (`statusgen resolve ID -m \"...\"`, or `/resolve` and "
        "the message in its issue); if it was never needed, close this merge request.\n")}


def test_without_its_token_the_job_says_so_and_changes_nothing(site, gitlab):  # noqa: F811
    _, api = gitlab
    ci = yaml.safe_load((site / ".gitlab-ci.yml").read_text())
    (site.parent / "payload.json").write_text((DATA / "alerts/alertmanager-firing.json").read_text())
    done = subprocess.run(["bash", "-e", "-c", "\n".join(alert_job(site)["script"])], cwd=site, capture_output=True,
                          text=True, timeout=60, env={**{k: v for k, v in os.environ.items()
                                                         if k != "STATUSGEN_GITLAB_TOKEN"}, **ci["variables"],
                                                      "TRIGGER_PAYLOAD": str(site.parent / "payload.json")})
    assert (done.returncode, done.stderr) == (
        1, "statusgen draft: STATUSGEN_GITLAB_TOKEN is not set: no merge request can be opened\n")
    assert api.requests == [] and git("status", "--porcelain", cwd=site) == ""


def test_the_jobs_yaml_has_what_gitlab_requires_and_runs_only_on_a_trigger(site):  # noqa: F811
    ci = yaml.safe_load((site / ".gitlab-ci.yml").read_text())
    job = ci["alert"]
    assert job["stage"] in ci["stages"]
    assert isinstance(job["script"], list) and all(isinstance(line, str) for line in job["script"])
    assert job["rules"] == ci["issue"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "trigger" && $TRIGGER_PAYLOAD'}]
    for other in ("pages", "notify"):  # an alert's pipeline publishes and sends nothing
        assert ci[other]["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "trigger"', "when": "never"}
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                             str(site / ".gitlab-ci.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the issue job ------------------------------------------------------------------------------------------------

GITLAB = Path(__file__).parent / "data" / "gitlab"


def gitlab_issue(site_root: Path, title: str, answers: dict[str, str]) -> dict:
    """GitLab's Issue Hook for an issue opened with the Incident template, filled in."""
    body = json.loads((GITLAB / "issue-opened.json").read_text())
    body["object_attributes"].update(title=title, description=fill(
        (site_root / ".gitlab/issue_templates/Incident.md").read_text(), answers), created_at="2019-05-15T15:20:18Z")
    return body


def gitlab_note(text: str, at: str = "2019-05-15 16:00:00 UTC") -> dict:
    body = json.loads((GITLAB / "note-on-issue.json").read_text())
    body["object_attributes"].update(note=text, created_at=at)
    body["issue"]["iid"] = 23  # the issue above
    return body


ANSWERS = {"Status of Phone": "Major outage", "Areas affected": "Millbrook",
           "Message to readers": "Calls into and out of Millbrook fail. `touch pwned` $(touch pwned)"}
HOSTILE = 'Calls "fail" $(touch pwned) `touch pwned` \'; updates: [] # in Millbrook'
ISSUE_ID = "2019-05-15-calls-fail-touch-pwned-touch-pwned-updates-in-millbrook"


def test_an_issue_and_its_comments_post_and_are_answered_in_notes(site, tmp_path, gitlab):  # noqa: F811
    server, api = gitlab
    for body in (gitlab_issue(site, HOSTILE, ANSWERS),
                 gitlab_note("/update identified ETA 18:00 next 16:30 phone=partial_outage\nCrews are on site."),
                 gitlab_note("A comment that is no command."),
                 gitlab_note("/resolve\nCalls work again.", "2019-05-15 17:42:10 UTC")):
        done = run_job("issue", site, tmp_path, server.server_port, body)
        assert done.returncode == 0, done.stdout + done.stderr
    remote = site.parent / "remote.git"
    assert git("log", "--format=%s%n%an", "main", cwd=remote).splitlines() == [
        f"Post {ISSUE_ID} from an issue", "statusgen"] * 3 + ["A status page", "github-actions[bot]"]
    incident = git("show", f"main:content/incidents/{ISSUE_ID}.md", cwd=remote)
    assert incident.splitlines()[1:4] == [
        "# issue: 23", "# yaml-language-server: $schema=../../.statusgen/incident.schema.json",
        'title: "Calls \\"fail\\" $(touch pwned) `touch pwned` \'; updates: [] # in Millbrook"']
    assert [line.strip() for line in incident.splitlines() if "state:" in line] == [
        "state: investigating", "state: identified", "state: resolved"]
    members = ("GET", "/api/v4/projects/42/members/all/1", TOKEN)
    note = ("POST", "/api/v4/projects/42/issues/23/notes", TOKEN)
    assert [r[:3] for r in api.requests] == [members, note, members, note, members, members, note]
    bodies = [json.loads(r[3]) for r in api.requests if r[0] == "POST"]
    assert bodies[0]["body"].startswith(f"Posted to the status page: https://status.northwind.example/incidents/"
                                        f"{ISSUE_ID}/ (it shows after the next build)")
    assert bodies[1:] == [
        {"body": f"Posted (identified) to https://status.northwind.example/incidents/{ISSUE_ID}/; it shows after "
                 f"the next build.\n"},
        {"body": f"Posted (resolved) to https://status.northwind.example/incidents/{ISSUE_ID}/; it shows after "
                 f"the next build.\n"}]
    assert not list(tmp_path.rglob("pwned")) and not list(site.rglob("pwned"))


@pytest.mark.parametrize("level, got", [(20, "read"), (0, "none")])
def test_a_reporter_or_a_stranger_is_answered_and_nothing_is_posted(site, tmp_path, gitlab, level, got):  # noqa: F811
    server, api = gitlab
    api.level = level
    done = run_job("issue", site, tmp_path, server.server_port, gitlab_issue(site, "Calls fail", ANSWERS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("log", "--format=%s", "main", cwd=site.parent / "remote.git").splitlines() == ["A status page"]
    assert json.loads(api.requests[-1][3]) == {"body": (
        "Not posted: only people with write access to this repository post to the status page (expected admin, "
        f"maintain, write, got {got}).\n")}


def test_each_job_leaves_the_others_payload_alone(site, tmp_path, gitlab):  # noqa: F811
    server, api = gitlab
    for job, body in (("issue", json.loads((DATA / "alerts/alertmanager-firing.json").read_text())),
                      ("alert", gitlab_issue(site, "Calls fail", ANSWERS))):
        done = run_job(job, site, tmp_path, server.server_port, body)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert api.requests == []
    assert git("for-each-ref", "--format=%(refname:short)", cwd=site.parent / "remote.git").split() == ["main"]


def test_a_post_starts_from_the_branch_as_it_is_when_the_job_starts(site, tmp_path, gitlab):  # noqa: F811
    """A pipeline that waited for another (resource_group) has a checkout of the commit it began with: the job posts
    on the branch as the other left it, and its push goes through."""
    server, _ = gitlab
    other = tmp_path / "other"
    git("clone", "-q", str(site.parent / "remote.git"), str(other), cwd=tmp_path)
    (other / "notes.txt").write_text("a change pushed by someone else meanwhile\n")
    git("-c", "user.name=A", "-c", "user.email=a@example.com", "add", "-A", cwd=other)
    git("-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", "Moved meanwhile", cwd=other)
    git("push", "-q", cwd=other)
    done = run_job("issue", site, tmp_path, server.server_port, gitlab_issue(site, "Calls fail", ANSWERS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("log", "--format=%s", "main", cwd=site.parent / "remote.git").splitlines() == [
        "Post 2019-05-15-calls-fail from an issue", "Moved meanwhile", "A status page"]


@pytest.mark.parametrize("member, permission", [
    ({"access_level": 50}, "write"), ({"access_level": 30}, "write"), ({"access_level": 20}, "read"),
    ({"access_level": 10}, "read"), ({"message": "404 Not found"}, "none"), (None, "none"),
    ({"access_level": True}, "none"), ({"access_level": "40"}, "none"), ([], "none")])
def test_gitlabs_access_levels_in_githubs_words(member, permission):
    from statusgen.drafts import gitlab_permission

    assert gitlab_permission(member) == permission


def test_comments_elsewhere_and_edited_issues_get_no_answer(site, tmp_path):  # noqa: F811
    """A comment on a merge request, an issue edited (GitLab sends the Issue Hook again), a comment edited: not
    posts, and nothing to say."""
    on_request = gitlab_note("/resolve\nFixed.")
    on_request["object_attributes"]["noteable_type"] = "MergeRequest"
    on_request["merge_request"] = on_request.pop("issue")
    edited_issue = gitlab_issue(site, "Calls fail", ANSWERS)
    edited_issue["object_attributes"]["action"] = "update"
    edited_note = gitlab_note("/resolve\nFixed.")
    edited_note["object_attributes"]["action"] = "update"
    for body in (on_request, edited_issue, edited_note):
        path = tmp_path / "event.json"
        path.write_text(json.dumps(body))
        (tmp_path / "member.json").write_text('{"access_level": 40}')
        done = subprocess.run([str(BIN / "statusgen"), "post-from-issue", "--event", str(path), "--gitlab-member",
                               str(tmp_path / "member.json"), "--note", str(tmp_path / "note.json")], cwd=site,
                              capture_output=True, text=True)
        assert (done.returncode, done.stdout, done.stderr, (tmp_path / "note.json").read_text()) == (0, "", "", "")
    assert git("status", "--porcelain", cwd=site) == ""
