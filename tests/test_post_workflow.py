"""The post workflow `init` writes, its shell steps run as GitHub runs them (bash, the event file in
$GITHUB_EVENT_PATH, outputs through $GITHUB_OUTPUT), in a repository with a bare remote. `gh` talks to GitHub,
which is not here: a stand-in records what it was asked (the pull request it would open, the comments it would
make) and answers the permission asked of GitHub's API as the test says.

The alert job, on repository_dispatch events carrying the Alertmanager sample: the same alert twice opens one pull
request, the resolved alert comments on it, nothing reaches main. The issue job, on an issue made with the form:
refused for read access, posted, pushed and built for write access, answered both times; hostile values inert.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.test_drafts import ALERTS
from tests.test_post_from_issue import git, site  # noqa: F401  (the fixture: a site with a bare remote)

pytestmark = pytest.mark.slow  # the workflow's steps run as processes over git remotes: left to `make test`

DATA = Path(__file__).parent / "data"
BIN = Path(sys.executable).parent
GH = """#!/bin/sh
# a stand-in for GitHub's CLI: records each call, and the body file it was given; `gh api` (the author's
# permission) answers what the test says
printf '%s\\n' "gh $*" >> "$GH_LOG"
if [ "$1" = api ]; then echo "$GH_PERMISSION"; exit 0; fi
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cat "$2" >> "$GH_LOG"; fi
  shift
done
"""
OUTPUT = re.compile(r"\$\{\{ steps\.(\w+)\.outputs\.(\w+) \}\}")
CONDITION = re.compile(r"steps\.(\w+)\.outputs\.(\w+)")  # in `if:`, expressions go without ${{ }}


def run_job(job: str, site_root: Path, tmp: Path, event: dict, permission: str = "write") -> None:
    """Each `run` step of a job of post.yml after the install, in order, as the runner would: bash, the event in
    $GITHUB_EVENT_PATH, step outputs through $GITHUB_OUTPUT and `${{ steps.ID.outputs.NAME }}` in `env`."""
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event))
    workflow = yaml.safe_load((site_root / ".github/workflows/post.yml").read_text())
    outputs: dict[str, dict[str, str]] = {}
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        if step.get("if") and CONDITION.sub(lambda m: repr(outputs[m[1]][m[2]]), step["if"]) != "'true' == 'true'":
            continue
        output = tmp / "output.txt"
        output.write_text("")
        env = {**os.environ, "GITHUB_EVENT_PATH": str(event_path), "GITHUB_OUTPUT": str(output),
               "RUNNER_TEMP": str(tmp), "PATH": f"{tmp / 'bin'}:{BIN}:{os.environ['PATH']}",
               "GH_LOG": str(tmp / "gh.log"), "GH_PERMISSION": permission, "GITHUB_REPOSITORY": "northwind/status"}
        for key, value in step.get("env", {}).items():
            value = value.replace("${{ github.token }}", "token")
            value = value.replace("${{ github.event.issue.number }}", str(event.get("issue", {}).get("number")))
            value = value.replace("${{ github.event.comment.user.login || github.event.issue.user.login }}",
                                  "Codertocat")
            env[key] = OUTPUT.sub(lambda m: outputs[m[1]][m[2]], value)
        subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site_root, env=env, check=True, capture_output=True)
        if "id" in step:
            outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines())
    git("switch", "-q", "main", cwd=site_root)  # the next run starts from a fresh checkout of main


def run_alert_job(site_root: Path, tmp: Path, payload: Path) -> None:
    event = json.loads((DATA / "github" / "repository-dispatch.json").read_text())
    event["client_payload"] = {"source": "alertmanager", "payload": json.loads(payload.read_text())}
    run_job("alert", site_root, tmp, event)


def stand_in_gh(tmp: Path) -> None:
    (tmp / "bin").mkdir()
    (tmp / "bin" / "gh").write_text(GH)
    (tmp / "bin" / "gh").chmod(0o755)


def test_an_alert_opens_one_pull_request_and_its_resolution_comments_on_it(site, tmp_path):  # noqa: F811
    (site / "content/alerts.yml").write_text(ALERTS)
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "Alert mapping", cwd=site)
    git("push", "-q", cwd=site)
    stand_in_gh(tmp_path)
    for payload in ("alertmanager-firing.json", "alertmanager-firing.json", "alertmanager-resolved.json"):
        run_alert_job(site, tmp_path, DATA / "alerts" / payload)
    remote = site.parent / "remote.git"
    branch = "statusgen/alert-alertmanager-fbab788ec4c1018b"
    assert git("for-each-ref", "--format=%(refname:short)", cwd=remote).split() == ["main", branch]
    assert git("log", "--format=%s", "main", cwd=remote).splitlines() == ["Alert mapping", "A status page"]
    assert git("log", "--format=%s", f"main..{branch}", cwd=remote).splitlines() == [
        "Draft from an alert: Problem with Phone in Millbrook"]
    path = "content/incidents/2026-08-29-problem-with-phone-in-millbrook.md"
    assert git("show", f"{branch}:{path}", cwd=remote).splitlines()[1:4] == [
        "# alert: alertmanager fbab788ec4c1018b",
        "# yaml-language-server: $schema=../../.statusgen/incident.schema.json",
        'title: "Problem with Phone in Millbrook"']
    assert (tmp_path / "gh.log").read_text() == f"""\
gh auth setup-git
gh pr create --head {branch} --title Problem with Phone in Millbrook --body-file {tmp_path}/reply.md
Alertmanager reports PhoneTrunkDown firing since 2026-08-29 09:05 UTC.

This draft opens an incident on the status page: **Problem with Phone in Millbrook**, in `{path}`.
Merge this pull request to publish it as it is, or edit the file first. Nothing is published until it is merged.
gh auth setup-git
gh auth setup-git
gh pr comment {branch} --body-file {tmp_path}/reply.md
Alertmanager reports PhoneTrunkDown resolved.

Nothing on the status page was changed. If this incident was published, resolve it in words readers understand \
(`statusgen resolve ID -m "..."`, or `/resolve` and the message in its issue); if it was never needed, close this \
pull request.
"""


def test_the_issue_job_posts_pushes_starts_the_build_and_answers(site, tmp_path):  # noqa: F811
    from tests.test_post_from_issue import FORM, HOSTILE_TITLE, ID, PATH

    stand_in_gh(tmp_path)
    event = json.loads((DATA / "github" / "issues-opened.json").read_text())
    event["issue"].update(title=HOSTILE_TITLE, body=FORM)
    run_job("issue", site, tmp_path, event, permission="read")
    run_job("issue", site, tmp_path, event, permission="write")
    remote = site.parent / "remote.git"
    assert git("log", "--format=%s", "main", cwd=remote).splitlines() == [f"Post {ID} from an issue", "A status page"]
    assert git("show", f"main:{PATH}", cwd=remote).splitlines()[3] == (
        'title: "Calls \\"fail\\" $(touch pwned) `touch pwned` \'; updates: [] # in Millbrook"')
    log = (tmp_path / "gh.log").read_text()
    assert log.startswith(f"""\
gh api repos/northwind/status/collaborators/Codertocat/permission --jq .permission
gh issue comment 1 --repo northwind/status --body-file {tmp_path}/reply.md
Not posted: only people with write access to this repository post to the status page (expected admin, maintain, \
write, got read).
gh api repos/northwind/status/collaborators/Codertocat/permission --jq .permission
gh auth setup-git
gh workflow run status.yml --ref main
gh issue comment 1 --repo northwind/status --body-file {tmp_path}/reply.md
Posted to the status page: https://status.northwind.example/incidents/{ID}/ (it shows after the next build)""")
    assert not list(tmp_path.rglob("pwned"))
