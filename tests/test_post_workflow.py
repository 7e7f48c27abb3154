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

# --- GitHub's expressions, as far as `if:` in post.yml uses them ------------------------------------------------
# Operators ! && || == != and parentheses, 'strings', property paths, and the functions startsWith, contains and
# fromJSON, evaluated as GitHub documents them ("Evaluate expressions in workflows and actions"): && and || give one
# of their operands, null, false, 0 and '' are falsy, and strings compare ignoring case.

EXPRESSION_TOKEN = re.compile(r"\s*('(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|,|[A-Za-z_][\w.-]*)")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


FUNCTIONS = {
    "startswith": lambda text, prefix: str(text or "").lower().startswith(str(prefix).lower()),
    "contains": lambda where, item: (_lower(item) in [_lower(v) for v in where] if isinstance(where, list)
                                     else str(item).lower() in str(where or "").lower()),
    "fromjson": json.loads,
}


def evaluate(expression: str, context: dict):
    """The value of a GitHub expression (without ${{ }}) in `context`."""
    tokens, position = [], 0
    while expression[position:].strip():
        match = EXPRESSION_TOKEN.match(expression, position)
        assert match, f"not understood: {expression[position:]}"
        tokens.append(match[1])
        position = match.end()

    def take():
        return tokens.pop(0)

    def disjunction():
        value = conjunction()
        while tokens and tokens[0] == "||":
            take()
            other = conjunction()
            value = value if value else other
        return value

    def conjunction():
        value = comparison()
        while tokens and tokens[0] == "&&":
            take()
            other = comparison()
            value = other if value else value
        return value

    def comparison():
        value = unary()
        if tokens and tokens[0] in ("==", "!="):
            equal = take() == "=="
            return (_lower(value) == _lower(unary())) == equal
        return value

    def unary():
        if tokens[0] == "!":
            take()
            return not unary()
        return primary()

    def primary():
        token = take()
        if token == "(":
            value = disjunction()
            assert take() == ")"
            return value
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if tokens and tokens[0] == "(":
            take()
            args = [disjunction()]
            while tokens[0] == ",":
                take()
                args.append(disjunction())
            assert take() == ")"
            return FUNCTIONS[token.lower()](*args)
        value = context
        for name in token.split("."):
            value = value.get(name) if isinstance(value, dict) else None
        return value

    value = disjunction()
    assert not tokens, f"left over: {tokens}"
    return value


def test_the_expression_evaluator_follows_githubs_rules():
    context = {"github": {"event": {"comment": {"body": "/Update x", "author_association": "member"}}}}
    assert evaluate("startsWith(github.event.comment.body, '/update')", context) is True
    assert evaluate("contains(fromJSON('[\"OWNER\", \"MEMBER\"]'), github.event.comment.author_association)", context)
    assert evaluate("github.event.issue.number || 'none'", context) == "none"
    assert evaluate("!github.event.issue.pull_request && 'a' == 'A'", context) is True


def event_name(event: dict) -> str:
    """Which event the documented payload is (GitHub names it beside the payload, not in it)."""
    return "repository_dispatch" if "client_payload" in event else "issue_comment" if "comment" in event else "issues"


def run_job(job: str, site_root: Path, tmp: Path, event: dict, permission: str = "write") -> bool:
    """The job of post.yml as the runner would run it, if its `if:` lets it start (False when it does not): each
    `run` step after the install, in order, in bash, the event in $GITHUB_EVENT_PATH, step outputs through
    $GITHUB_OUTPUT and `${{ steps.ID.outputs.NAME }}` in `env`."""
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event))
    workflow = yaml.safe_load((site_root / ".github/workflows/post.yml").read_text())
    github = {"event_name": event_name(event), "event": event}
    if not evaluate(workflow["jobs"][job].get("if", "true"), {"github": github, "true": True}):
        return False
    outputs: dict[str, dict[str, str]] = {}
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        steps = {name: {"outputs": values} for name, values in outputs.items()}
        if step.get("if") and not evaluate(step["if"], {"github": github, "steps": steps}):
            continue
        output = tmp / "output.txt"
        output.write_text("")
        env = {**os.environ, "GITHUB_EVENT_PATH": str(event_path), "GITHUB_OUTPUT": str(output),
               "RUNNER_TEMP": str(tmp), "PATH": f"{tmp / 'bin'}:{BIN}:{os.environ['PATH']}",
               "GH_LOG": str(tmp / "gh.log"), "GH_PERMISSION": permission, "GITHUB_REPOSITORY": "northwind/status",
               "GITHUB_REF_NAME": "main"}
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
    return True


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
gh auth setup-git
gh api repos/northwind/status/collaborators/Codertocat/permission --jq .permission
gh issue comment 1 --repo northwind/status --body-file {tmp_path}/reply.md
Not posted: only people with write access to this repository post to the status page (expected admin, maintain, \
write, got read).
gh auth setup-git
gh api repos/northwind/status/collaborators/Codertocat/permission --jq .permission
gh auth setup-git
gh workflow run status.yml --ref main
gh issue comment 1 --repo northwind/status --body-file {tmp_path}/reply.md
Posted to the status page: https://status.northwind.example/incidents/{ID}/ (it shows after the next build)""")
    assert not list(tmp_path.rglob("pwned"))


def test_the_one_zizmor_ignore_silences_only_the_issue_comment_trigger(site, tmp_path):  # noqa: F811
    """zizmor's dangerous-triggers audit reports any issue_comment trigger, whatever the workflow does with it:
    without the workflow's one inline ignore, that is its only finding (the ignore hides nothing else)."""
    folder = tmp_path / "audit" / ".github" / "workflows"
    folder.mkdir(parents=True)
    text = (site / ".github/workflows/post.yml").read_text()
    assert text.count("# zizmor: ignore[") == 1
    (folder / "post.yml").write_text(text.replace("  # zizmor: ignore[dangerous-triggers]", ""))
    done = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", "--color", "never", "--format", "json",
                           ".github/"], cwd=tmp_path / "audit", capture_output=True, text=True, timeout=120)
    findings = json.loads(done.stdout)
    assert [f["ident"] for f in findings] == ["dangerous-triggers"], done.stdout
    assert "  issue_comment:\n" in findings[0]["locations"][0]["concrete"]["feature"]
    plain = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", "--color", "never", ".github/"],
                           cwd=tmp_path / "audit", capture_output=True, text=True, timeout=120).stdout
    assert "issue_comment is almost always used insecurely" in plain, plain


def test_a_post_starts_from_the_branch_as_it_is_when_the_run_starts(site, tmp_path):  # noqa: F811
    """A run that waited for another (the concurrency group) has a checkout of the commit of its event: it posts on
    the branch as the other left it, and its push goes through."""
    from tests.test_post_from_issue import FORM

    stand_in_gh(tmp_path)
    other = tmp_path / "other"
    git("clone", "-q", str(site.parent / "remote.git"), str(other), cwd=tmp_path)
    (other / "notes.txt").write_text("a change pushed by someone else meanwhile\n")
    git("-c", "user.name=A", "-c", "user.email=a@example.com", "add", "-A", cwd=other)
    git("-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", "Moved meanwhile", cwd=other)
    git("push", "-q", cwd=other)
    event = json.loads((DATA / "github" / "issues-opened.json").read_text())
    event["issue"].update(title="Calls fail", body=FORM)
    assert run_job("issue", site, tmp_path, event)
    assert git("log", "--format=%s", "main", cwd=site.parent / "remote.git").splitlines() == [
        "Post 2019-05-15-calls-fail from an issue", "Moved meanwhile", "A status page"]
