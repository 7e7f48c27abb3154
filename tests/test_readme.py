"""The README's walk-through, run as written: every ```sh block after a `<!-- run -->` line, one after the other,
in one shell, in an empty folder, as a new user runs them.

What a user's machine reaches over the network is stood in for on this one: PyPI by a package index on loopback
holding the wheel built from these sources (tests/test_release.py), GitHub by a bare repository that git is told
to use for the README's remote URL (`url.<bare>.insteadOf`, given in the environment, so the commands stay as
written). The environment `pip install` installs into is a clean one with statusgen's dependencies lent
(tests/test_release.py says how), so pip is told, by PIP_NO_DEPS, not to install them again.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_release import PIP_ENV, VERSION, clean_env, dist, index, lent  # noqa: F401 - fixtures

pytestmark = pytest.mark.build  # a wheel, an environment and a site build: seconds, left to `make test`

RUN = re.compile(r"^<!-- run -->\n```sh\n(.*?)^```$", re.M | re.S)
REMOTE = "https://github.com/northwind/status.git"  # the remote the README's first push names


def blocks(text: str) -> list[str]:
    """The shell blocks marked to be run, in order."""
    return RUN.findall(text)


def test_the_marked_blocks_are_found():
    text = "intro\n<!-- run -->\n```sh\necho one\n```\n\n```sh\necho not run\n```\n<!-- run -->\n```sh\necho two\n```\n"
    assert blocks(text) == ["echo one\n", "echo two\n"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_the_walk_through_runs_as_written(clean_env, index, tmp_path):  # noqa: F811 - fixtures
    steps = blocks((ROOT / "README.md").read_text())
    assert [step.split()[0] for step in steps] == ["pip", "statusgen", "git", "statusgen"]  # install, init, push, post
    user = clean_env(tmp_path / "env")
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    env = {**PIP_ENV, "PATH": f"{user / 'bin'}:{PIP_ENV['PATH']}", "HOME": str(home), "PIP_INDEX_URL": index.url,
           "PIP_NO_DEPS": "1", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": f"url.{bare}.insteadOf", "GIT_CONFIG_VALUE_0": REMOTE,
           "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "dana@northwind.example", "GIT_COMMITTER_NAME": "Dana",
           "GIT_COMMITTER_EMAIL": "dana@northwind.example"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(steps)], cwd=home / "work", env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert f"statusgen {VERSION}" in out
    assert f"CI installs statusgen=={VERSION} from the package index" in out
    site = home / "work" / "mysite"
    assert (site / "output" / "index.html").is_file()
    # the remote holds the site, then the incident, each pushed
    assert git("log", "--format=%s", "main", cwd=bare).splitlines()[-1] == "Status page"
    assert len(git("log", "--format=%s", "main", cwd=bare).splitlines()) == 2
    posted = [name for name in git("ls-tree", "-r", "--name-only", "main", "content/incidents", cwd=bare).split()
              if name.endswith("-calls-fail-in-millbrook.md")]
    assert len(posted) == 1 and re.fullmatch(r"content/incidents/\d{4}-\d\d-\d\d-calls-fail-in-millbrook\.md",
                                             posted[0])
    assert any(Path(posted[0]).stem in line for line in out), out  # `new` said its id
    assert any("Calls fail in Millbrook" in line for line in out), out  # `list` shows it open
    assert git("status", "--porcelain", cwd=site) == ""  # nothing left uncommitted: .gitignore covers output/
