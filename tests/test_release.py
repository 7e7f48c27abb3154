"""A release users can install, whose `init` writes CI files that install that same statusgen.

The wheel is built from a copy of the sources (as the release workflow builds it), then installed as a user would:
from the file, or from a package index (a PEP 503 folder served on loopback stands in for PyPI). Each install goes
into a clean virtual environment of its own; only statusgen's dependencies are lent to it by this test
environment (a `.pth` line naming a folder of links to its site-packages, statusgen's own entries left out, which
Python reads after the new environment's own), so no
test downloads Pelican and friends again. pip is told `--no-deps`: what is tested is where statusgen itself comes
from (this machine's test environment also holds a Pygments newer than Pelican asks for, which pip would refuse).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import tomllib
import venv
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.build  # wheels and environments: seconds each, left to `make test`

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
WHEEL = f"statusgen-{VERSION}-py3-none-any.whl"
NAMES = ["--name", "Northwind Fiber", "--area", "Millbrook", "--service", "Phone"]
# pip as a user's would be, with no configuration of this machine's (its extra indexes, find-links, constraints)
PIP_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
PIP_ENV["PIP_CONFIG_FILE"] = os.devnull
PIP_ENV["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The folder holding the wheel, built from a copy of the sources (setuptools writes build/ beside them)."""
    top = tmp_path_factory.mktemp("release")
    source, out = top / "source", top / "dist"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "statusgen", "plugins", "theme"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(out), str(source)], capture_output=True, text=True, env=PIP_ENV, timeout=300)
    assert built.returncode == 0, built.stderr
    assert [p.name for p in out.iterdir()] == [WHEEL]
    return out


@pytest.fixture(scope="module")
def lent(tmp_path_factory) -> Path:
    """This environment's installed packages, statusgen's own entries (its editable install) left out."""
    folder = tmp_path_factory.mktemp("lent")
    for entry in Path(sysconfig.get_path("purelib")).iterdir():
        if "statusgen" not in entry.name and entry.suffix != ".pth":
            (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture
def clean_env(lent):
    """A maker of new virtual environments with statusgen's dependencies lent (see the module's docstring)."""
    return partial(_clean_env, lent=lent)


def _clean_env(folder: Path, lent: Path) -> Path:
    venv.create(folder, with_pip=False)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(folder), "platbase": str(folder)}))
    (purelib / "_lent_dependencies.pth").write_text(f"{lent}\n")
    python = folder / "bin" / "python"
    (folder / "bin" / "pip").write_text(f"#!{python}\nimport sys\nfrom pip._internal.cli.main import main\n"
                                        "sys.exit(main())\n")
    (folder / "bin" / "pip").chmod(0o755)
    return folder


def run(command: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                            env={**PIP_ENV, **env}, timeout=300)
    assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    return result


def installed(env: Path) -> dict:
    """Where the environment's statusgen is imported from, its version, and pip's record of its origin."""
    script = ("import json, statusgen; from importlib.metadata import distribution as d; s = d('statusgen'); "
              "print(json.dumps([statusgen.__file__, s.version, s.read_text('direct_url.json')]))")
    where, version, record = json.loads(run([env / "bin" / "python", "-c", script], cwd=env).stdout)
    return {"file": Path(where), "version": version, "origin": json.loads(record) if record else None}


def install_lines(site: Path) -> set[str]:
    """The STATUSGEN line of each CI file `init` wrote."""
    github = yaml.safe_load((site / ".github/workflows/status.yml").read_text())["env"]["STATUSGEN"]
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text())["variables"]["STATUSGEN"]
    return {github, gitlab}


def test_the_wheel_passes_twine_check(dist):
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dist / WHEEL)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout


def test_init_from_a_wheel_file_keeps_it_for_ci_which_installs_it_with_no_index(dist, clean_env, tmp_path):
    user = clean_env(tmp_path / "user")
    run([user / "bin" / "pip", "install", "--no-index", "--no-deps", dist / WHEEL], cwd=tmp_path)
    assert installed(user)["file"].is_relative_to(user)
    made = run([user / "bin" / "statusgen", "init", "site", *NAMES], cwd=tmp_path)
    kept = f".statusgen/wheels/{WHEEL}"
    assert made.stdout.splitlines()[1] == (
        f"statusgen {VERSION} came from {dist / WHEEL}, which CI cannot reach: its wheel is kept in {kept} for CI to "
        f"install (commit it with the site)")
    site = tmp_path / "site"
    assert install_lines(site) == {f"./{kept}"}
    built = (dist / WHEEL).read_bytes()
    assert (site / kept).read_bytes() == built
    moved = tmp_path / "elsewhere"
    shutil.copytree(dist, moved)  # the module's other tests still need it; this one must not find it
    (dist / WHEEL).unlink()
    try:
        # CI, from the site's folder: `pip install "$STATUSGEN"`, here with no package index at all
        ci = clean_env(tmp_path / "ci")
        run([ci / "bin" / "pip", "install", "--no-index", "--no-deps", f"./{kept}"], cwd=site)
    finally:
        shutil.copy(moved / WHEEL, dist / WHEEL)
    got = installed(ci)
    assert got["file"].is_relative_to(ci) and got["version"] == VERSION
    assert got["origin"] == {"archive_info": {"hash": f"sha256={hashlib.sha256(built).hexdigest()}",
                                              "hashes": {"sha256": hashlib.sha256(built).hexdigest()}},
                             "url": (site / kept).as_uri()}


class Index:
    """A package index on loopback: the PEP 503 simple layout, one project, one file."""

    def __init__(self, folder: Path, wheel: Path):
        files = folder / "files"
        files.mkdir(parents=True)
        shutil.copy(wheel, files / wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        (folder / "simple" / "statusgen").mkdir(parents=True)
        (folder / "simple" / "index.html").write_text('<!DOCTYPE html><a href="statusgen/">statusgen</a>\n')
        (folder / "simple" / "statusgen" / "index.html").write_text(
            f'<!DOCTYPE html><a href="../../files/{wheel.name}#sha256={digest}">{wheel.name}</a>\n')
        handler = partial(_Quiet, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def index(dist, tmp_path):
    served = Index(tmp_path / "index", dist / WHEEL)
    yield served
    served.close()


def test_init_from_a_package_index_names_that_release(dist, index, clean_env, tmp_path):
    user = clean_env(tmp_path / "user")
    run([user / "bin" / "pip", "install", "--no-deps", "--index-url", index.url, "statusgen"], cwd=tmp_path)
    assert installed(user)["origin"] is None  # pip keeps no record of an install from an index
    made = run([user / "bin" / "statusgen", "init", "site", *NAMES], cwd=tmp_path)
    assert made.stdout.splitlines()[1] == f"CI installs statusgen=={VERSION} from the package index"
    site = tmp_path / "site"
    assert install_lines(site) == {f"statusgen=={VERSION}"}
    assert not (site / ".statusgen" / "wheels").exists()
    # the line names that release: the index gives for it the very wheel that was published
    got = tmp_path / "got"
    run([user / "bin" / "pip", "download", "--no-deps", "--index-url", index.url, "-d", got, f"statusgen=={VERSION}"],
        cwd=site)
    assert [p.name for p in got.iterdir()] == [WHEEL]
    assert (got / WHEEL).read_bytes() == (dist / WHEEL).read_bytes()
    assert run([user / "bin" / "statusgen", "--version"], cwd=site).stdout == f"statusgen {VERSION}\n"


def test_the_wheel_builds_a_site_from_content_and_settings_alone(dist, clean_env, tmp_path):
    """As the release workflow tries it: the wheel in a clean environment makes a site and builds it, the theme and
    the plugin coming from the wheel, nothing from the repository."""
    user = clean_env(tmp_path / "user")
    run([user / "bin" / "pip", "install", "--no-index", "--no-deps", dist / WHEEL], cwd=tmp_path)
    run([user / "bin" / "statusgen", "init", "mysite", *NAMES], cwd=tmp_path)
    built = run([user / "bin" / "statusgen", "build", ".", "--build-time", "2026-11-26 12:00Z"],
                cwd=tmp_path / "mysite")
    assert "WARNING" not in built.stdout + built.stderr
    page = (tmp_path / "mysite" / "output" / "index.html").read_text()
    text = " ".join(lxml.html.fromstring(page).text_content().split())
    assert "All systems operational" in text and "Phone" in text and "Millbrook" in text
    assert str(ROOT) not in page


def test_the_wheel_brings_its_catalogs(dist, clean_env, tmp_path):
    """The compiled catalogs ship in the wheel: a fresh install builds the French site in French."""
    user = clean_env(tmp_path / "user")
    run([user / "bin" / "pip", "install", "--no-index", "--no-deps", dist / WHEEL], cwd=tmp_path)
    run([user / "bin" / "statusgen", "init", "mysite", *NAMES], cwd=tmp_path)
    with open(tmp_path / "mysite" / "pelicanconf.py", "a", encoding="utf-8") as f:
        f.write('\nSTATUSGEN_LANGUAGES = ["en", "fr"]\n')
    run([user / "bin" / "statusgen", "build", ".", "--build-time", "2026-11-26 12:00Z"], cwd=tmp_path / "mysite")
    page = (tmp_path / "mysite" / "output" / "fr" / "index.html").read_text()
    text = " ".join(lxml.html.fromstring(page).text_content().split())
    assert "Tous les services sont opérationnels" in text and "Historique" in text
