"""What CI is told to install, from each kind of record pip keeps of where statusgen came from (PEP 610). The
installs themselves, from a wheel file and from a package index, are in tests/test_release.py."""
from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.errors import Refusal
from statusgen.install import Install, Wheel, from_record

from tests.conftest import ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def test_version_is_the_one_pyproject_gives():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, f"statusgen {version}\n")


@pytest.mark.parametrize("record, requirement, note", [
    ({"url": "https://github.com/northwind/statusgen.git",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v0.1.0"}},
     f"statusgen @ git+https://github.com/northwind/statusgen.git@{COMMIT}",
     f"CI installs statusgen from git+https://github.com/northwind/statusgen.git at commit {COMMIT}, where this one "
     f"came from"),
    ({"url": "ssh://git@example.org/ops/statusgen.git", "subdirectory": "tool",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
     f"statusgen @ git+ssh://git@example.org/ops/statusgen.git@{COMMIT}#subdirectory=tool",
     f"CI installs statusgen from git+ssh://git@example.org/ops/statusgen.git at commit {COMMIT}, where this one "
     f"came from"),
    ({"url": "https://files.example.org/statusgen-0.1.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": "ab" * 32}}},
     f"statusgen @ https://files.example.org/statusgen-0.1.0-py3-none-any.whl#sha256={'ab' * 32}",
     "CI installs statusgen from https://files.example.org/statusgen-0.1.0-py3-none-any.whl, where this one came "
     "from"),
    ({"url": "https://files.example.org/statusgen-0.1.0.tar.gz", "archive_info": {"hash": f"sha256={'cd' * 32}"}},
     f"statusgen @ https://files.example.org/statusgen-0.1.0.tar.gz#sha256={'cd' * 32}",
     "CI installs statusgen from https://files.example.org/statusgen-0.1.0.tar.gz, where this one came from"),
])
def test_an_origin_ci_can_reach_is_named_exactly(record, requirement, note):
    assert from_record(record, "0.1.0") == Install(requirement, note)


def test_a_local_wheel_is_kept_in_the_site(tmp_path):
    wheel = tmp_path / "my dist" / "statusgen-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK wheel bytes")
    got = from_record({"url": wheel.as_uri(), "archive_info": {}}, "0.1.0")
    assert got == Install("./.statusgen/wheels/statusgen-0.1.0-py3-none-any.whl",
                          f"statusgen 0.1.0 came from {wheel}, which CI cannot reach: its wheel is kept in "
                          f".statusgen/wheels/statusgen-0.1.0-py3-none-any.whl for CI to install (commit it with the "
                          f"site)", Wheel("statusgen-0.1.0-py3-none-any.whl", b"PK wheel bytes"))


@pytest.mark.build
def test_a_folder_pip_cannot_build_is_one_line(tmp_path):
    (tmp_path / "src").mkdir()  # no pyproject.toml, no setup.py: nothing to build
    with pytest.raises(Refusal) as refused:
        from_record({"url": (tmp_path / "src").as_uri(), "dir_info": {"editable": True}}, "0.1.0")
    message = str(refused.value)
    assert message.startswith(f"cannot build a wheel of statusgen from {tmp_path / 'src'} for CI to install "
                              f"(expected pip to build one, got: ")
    assert message.endswith("); give --install with what CI should install")
    assert "\n" not in message
