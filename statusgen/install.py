"""How CI installs the statusgen that is running: what `statusgen init` writes in the CI files it makes.

pip records where it installed a distribution from (PEP 610, `direct_url.json` in its `.dist-info`; nothing for
an install from a package index). From that record:

| installed from                                  | CI is given                                          |
|-------------------------------------------------|------------------------------------------------------|
| a package index (no record)                     | `statusgen==X.Y.Z`                                   |
| a git (or other VCS) URL CI can reach           | `statusgen @ git+URL@COMMIT`: the commit, not a tag  |
| a wheel or sdist URL CI can reach               | `statusgen @ URL#sha256=...`                         |
| a local wheel, folder, checkout or repository   | the wheel, kept in the site: `./.statusgen/wheels/…` |

The last row is the one CI could not otherwise follow: a path on this machine. The wheel (the file itself, or one
built from the folder with pip) goes into the new site, to be committed with it, and CI installs that file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import Refusal

WHEELS = ".statusgen/wheels"  # in the site: the wheel CI installs when it cannot reach where statusgen came from
REACHABLE = ("https", "http", "ssh", "git")  # URL schemes another machine can fetch from (file:// it cannot)


@dataclass(frozen=True)
class Wheel:
    """A wheel to keep in the site: its file name and bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Install:
    """What CI gives pip (`requirement`), the wheel to keep in the site for it if any, and what init says."""

    requirement: str
    note: str
    wheel: Wheel | None = None


def for_ci() -> Install:
    """The install line of the running statusgen, as pip recorded its origin; Refusal if none can be made."""
    try:
        dist = distribution("statusgen")
    except PackageNotFoundError:
        raise Refusal("statusgen is not installed, so CI cannot install it as it is here (expected statusgen "
                      "installed with pip, or --install with what CI should install)") from None
    record = dist.read_text("direct_url.json")
    if record is None:
        return Install(f"statusgen=={dist.version}", f"CI installs statusgen=={dist.version} from the package index")
    return from_record(json.loads(record), dist.version)


def from_record(record: dict, version_: str) -> Install:
    """The install line for a PEP 610 record of where statusgen was installed from."""
    url, vcs = record["url"], record.get("vcs_info")
    fragment = f"#subdirectory={record['subdirectory']}" if record.get("subdirectory") else ""
    if urlparse(url).scheme in REACHABLE:
        if vcs:
            source = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
            return Install(f"statusgen @ {source}{fragment}",
                           f"CI installs statusgen from {vcs['vcs']}+{url} at commit {vcs['commit_id']}, where "
                           f"this one came from")
        if "archive_info" in record:
            digest = _sha256(record["archive_info"])
            return Install(f"statusgen @ {url}" + (f"#sha256={digest}" if digest else ""),
                           f"CI installs statusgen from {url}, where this one came from")
    wheel = local_wheel(record)
    return Install(f"./{WHEELS}/{wheel.name}",
                   f"statusgen {version_} came from {_where(record)}, which CI cannot reach: its wheel is kept in "
                   f"{WHEELS}/{wheel.name} for CI to install (commit it with the site)", wheel)


def local_wheel(record: dict) -> Wheel:
    """The wheel of what `record` names on this machine: the file itself, or one pip builds from it."""
    path = Path(unquote(urlparse(record["url"]).path))
    if "archive_info" in record and path.suffix == ".whl" and path.is_file():
        return Wheel(path.name, path.read_bytes())
    vcs = record.get("vcs_info")
    source = f"{vcs['vcs']}+{record['url']}@{vcs['commit_id']}" if vcs else str(path)
    if record.get("subdirectory"):
        source = f"{source}#subdirectory={record['subdirectory']}" if vcs else str(path / record["subdirectory"])
    return built_wheel(source)


_built: dict[str, Wheel] = {}  # one build per source in a process (tests call init many times)


def built_wheel(source: str) -> Wheel:
    """A wheel of statusgen built by pip from `source` (a folder, an sdist, a VCS URL); Refusal if pip fails."""
    if source not in _built:
        with tempfile.TemporaryDirectory(prefix="statusgen-wheel-") as out:
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                       "--wheel-dir", out, *_isolation(), source]
            # setuptools builds in the source folder (build/, *.egg-info) unless told otherwise: a checkout's
            # build/lib is never cleared (a deleted module would still ship), and init must write nothing there
            extra = Path(out, "build.cfg")
            extra.write_text(f"[build]\nbuild_base = {Path(out, 'build')}\n[egg_info]\negg_base = {out}\n")
            done = subprocess.run(command, capture_output=True, text=True,
                                  env={**os.environ, "DIST_EXTRA_CONFIG": str(extra)})
            wheels = sorted(Path(out).glob("statusgen-*.whl"))
            if done.returncode != 0 or not wheels:
                last = (done.stderr.strip().splitlines() or ["no wheel"])[-1]
                raise Refusal(f"cannot build a wheel of statusgen from {source} for CI to install (expected pip to "
                              f"build one, got: {last}); give --install with what CI should install")
            _built[source] = Wheel(wheels[0].name, wheels[0].read_bytes())
    return _built[source]


def _isolation() -> list[str]:
    """pip's option to build with this environment's setuptools when it can (seconds, and no package index
    needed), else nothing: pip then fetches the build requirements into an isolated environment."""
    try:
        have = tuple(int(part) for part in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return []
    return ["--no-build-isolation"] if have >= (77, 0) else []  # what pyproject.toml's build-system requires


def _sha256(archive: dict) -> str:
    hashes = archive.get("hashes") or {}
    legacy = archive.get("hash", "")
    return hashes.get("sha256") or (legacy.split("=", 1)[1] if legacy.startswith("sha256=") else "")


def _where(record: dict) -> str:
    url = record["url"]
    path = unquote(urlparse(url).path) if url.startswith("file:") else url
    editable = " (editable)" if (record.get("dir_info") or {}).get("editable") else ""
    return f"{path}{editable}"
