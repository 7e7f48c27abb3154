"""The CI files, those `statusgen init` writes and the project's own, pass the linters CI security is judged by
(zizmor, actionlint, the GitHub, GitLab and Dependabot schemas) with no finding; every action is pinned to the
commit of a release; the notify job runs after the deploy, alone, and passes on a site with no channels yet."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen import actions
from statusgen.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # zizmor, actionlint and check-jsonschema run on every CI file: left to `make test`

BIN = Path(sys.executable).parent
NAMES = ["--name", "Northwind Fiber", "--area", "Millbrook", "--service", "Phone"]
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)@(?P<commit>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)$")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A site `statusgen init` made (told what CI installs: the install line is tests/test_release.py's)."""
    site = tmp_path_factory.mktemp("ci") / "site"
    result = CliRunner().invoke(main, ["init", str(site), *NAMES, "--install", "statusgen==0.1.0"])
    assert result.exit_code == 0, result.output
    return site


SITES = {"init": None, "project": ROOT}  # None: the `made` fixture's site


@pytest.fixture(params=sorted(SITES))
def site(request, made) -> Path:
    return SITES[request.param] or made


def workflows(site: Path) -> list[Path]:
    return sorted((site / ".github" / "workflows").glob("*.yml"))


def run(*command, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_zizmor_finds_nothing(site):
    result = run(BIN / "zizmor", "--offline", "--no-progress", "--color", "never", ".github/", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("No findings to report."), result.stdout


def test_zizmor_reports_a_tag_pin(tmp_path, made):
    """zizmor really audits these files: the checkout named by its tag is a finding."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    text = (made / ".github/workflows/status.yml").read_text().replace(actions.uses("actions/checkout"),
                                                                      "actions/checkout@v7", 1)
    (tmp_path / ".github/workflows/status.yml").write_text(text)
    result = run(BIN / "zizmor", "--offline", "--no-progress", "--color", "never", ".github/", cwd=tmp_path)
    assert result.returncode != 0 and "unpinned-uses" in result.stdout, result.stdout + result.stderr


def test_actionlint_finds_nothing(site):
    result = run(BIN / "actionlint", *workflows(site), cwd=site)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_reports_a_node_20_action(tmp_path, made):
    """actionlint really lints: an action of the old major, which runs on Node 20, is reported."""
    text = (made / ".github/workflows/status.yml").read_text().replace(actions.uses("actions/checkout"),
                                                                      "actions/checkout@v4", 1)
    (tmp_path / "status.yml").write_text(text)
    result = run(BIN / "actionlint", tmp_path / "status.yml", cwd=tmp_path)
    assert result.returncode == 1 and "actions/checkout@v4" in result.stdout, result.stdout


@pytest.mark.parametrize("path, schema", [(".gitlab-ci.yml", "vendor.gitlab-ci"),
                                          (".github/dependabot.yml", "vendor.dependabot"),
                                          (".github/workflows/status.yml", "vendor.github-workflows")])
def test_schemas(site, path, schema):
    result = run(BIN / "check-jsonschema", "--builtin-schema", schema, site / path, cwd=site)
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stderr


def test_the_release_workflow_is_valid():
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                 ROOT / ".github/workflows/release.yml", cwd=ROOT)
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stderr


def steps(site: Path):
    for path in workflows(site):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for step in job["steps"]:
                yield path.name, name, step


def test_every_action_is_pinned_to_a_release_commit_and_keeps_no_token(site):
    """The same pins as statusgen/actions.py (Dependabot updates the project's files: update that table too)."""
    for path in workflows(site):
        lines = [line.strip() for line in path.read_text().splitlines() if line.strip().startswith(("uses:",
                                                                                                  "- uses:"))]
        assert lines, path
        for line in lines:
            found = PINNED.match(line.split("uses: ", 1)[1])
            assert found, line
            assert actions.PINS[found["action"]] == (found["commit"], found["tag"]), line
    for path, job, step in steps(site):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, (path, job)


def test_the_dependabot_config_follows_the_actions(site):
    config = yaml.safe_load((site / ".github/dependabot.yml").read_text())
    ecosystems = [update["package-ecosystem"] for update in config["updates"]]
    assert ecosystems == (["github-actions", "pip"] if site == ROOT else ["github-actions"])


# --- notify: after the deploy, alone, with the secret, passing while there are no channels -----------------------

def test_the_notify_job_runs_after_the_deploy_alone(site):
    workflow = yaml.safe_load((site / ".github/workflows/status.yml").read_text())
    job = workflow["jobs"]["notify"]
    assert (job["needs"], job["if"]) == (["build", "deploy"], "github.event_name != 'pull_request'")
    assert workflow["jobs"]["build"]["outputs"] == {"siteurl": "${{ steps.build.outputs.siteurl }}"}
    assert job["permissions"] == {"contents": "write"}
    assert job["concurrency"] == {"group": "notify", "cancel-in-progress": False}
    assert workflow["permissions"] == {"contents": "read"}  # write for that job alone
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as True: scheduled runs notify too
    step = job["steps"][-1]
    assert step["env"] == {"STATUSGEN_CHANNELS": "${{ secrets.STATUSGEN_CHANNELS }}",
                           "STATUSGEN_SITEURL": "${{ needs.build.outputs.siteurl }}", "GH_TOKEN": "${{ github.token }}"}
    assert step["run"].rstrip().endswith("statusgen notify . -s publishconf.py")  # links to the published site
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text())
    assert gitlab["stages"] == ["test", "deploy", "notify"]
    assert (gitlab["notify"]["stage"], gitlab["notify"]["resource_group"]) == ("notify", "notify")


def shell(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a CI step's script with bash, `statusgen` on PATH being a stand-in that says how it was called."""
    (tmp_path / "bin").mkdir(exist_ok=True)
    stand_in = tmp_path / "bin" / "statusgen"
    stand_in.write_text('#!/bin/sh\necho "statusgen $* (git: $GIT_CONFIG_KEY_0)"\n')
    stand_in.chmod(0o755)
    base = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**base, **env}, timeout=60)


def test_without_channels_the_github_notify_step_passes_with_a_notice(site, tmp_path):
    script = yaml.safe_load((site / ".github/workflows/status.yml").read_text())["jobs"]["notify"]["steps"][-1]["run"]
    result = shell(script, tmp_path, STATUSGEN_CHANNELS="", GH_TOKEN="t0ken")
    assert (result.returncode, result.stdout) == (0, "::notice title=statusgen notify::no channels yet: add the "
                                                     "secret STATUSGEN_CHANNELS to notify subscribers\n")
    result = shell(script, tmp_path, STATUSGEN_CHANNELS="everything=json://127.0.0.1:9/hook", GH_TOKEN="t0ken",
                   GITHUB_SERVER_URL="https://github.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["::add-mask::eC1hY2Nlc3MtdG9rZW46dDBrZW4=",
                                          "statusgen notify . -s publishconf.py (git: http.https://github.com/.extraheader)"]


def test_without_channels_the_gitlab_notify_job_passes_and_without_a_token_it_says_so(site, tmp_path):
    script = "\n".join(yaml.safe_load((site / ".gitlab-ci.yml").read_text())["notify"]["script"])
    result = shell(script, tmp_path)
    assert (result.returncode, result.stdout) == (0, "statusgen notify: no channels yet: add the CI/CD variable "
                                                     "STATUSGEN_CHANNELS to notify subscribers\n")
    result = shell(script, tmp_path, STATUSGEN_CHANNELS="everything=json://127.0.0.1:9/hook")
    assert (result.returncode, result.stderr) == (1, "statusgen notify: STATUSGEN_NOTIFY_TOKEN is not set: nothing "
                                                     "can record what was sent\n")
