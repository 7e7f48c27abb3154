"""What git says about a site: where its repository begins, and the time a build shows the site as of."""
from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .errors import Refusal
from .times import parse_time


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def repo_root(folder: Path, fallback: Path | None = Path()) -> Path | None:
    """The root of the git work tree holding `folder` (annotation paths are relative to it), else `fallback`
    (the current folder)."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.CalledProcessError):
        top = ""
    if top:
        return Path(top)
    return fallback.resolve() if fallback is not None else None


def parse_moment(value: str, option: str) -> datetime:
    """A time given on the command line (UTC unless it says otherwise); Refusal (one line) when unreadable."""
    try:
        return parse_time(value, timezone.utc)
    except ValueError as err:
        raise Refusal(f"{option}: {err}") from None


def build_time(value: datetime | str | None, now: datetime | None = None) -> datetime:
    """The one build time: `value` (--build-time: a time already read by the caller, or ISO 8601 text read here
    as UTC, or `now`), else SOURCE_DATE_EPOCH, else `now` (the command's one reading of the clock; default the
    clock).

    A status page says how things stand when it is built, so a build (a push as much as a scheduled run) is dated
    by the clock; a date from git (the last commit's) is used only where a reproducible build asks for it
    explicitly, with --build-time or SOURCE_DATE_EPOCH. Nothing here depends on the folder the command runs in.
    Rendering gets this value and never asks the clock itself. Refusal (one line) for a time that cannot be read."""
    if isinstance(value, datetime):
        return value
    if value and value.strip().lower() != "now":
        return parse_moment(value, "--build-time")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and not value:
        seconds = int(epoch) if epoch.isascii() and epoch.isdigit() and len(epoch) < 12 else -1
        if 0 <= seconds < 32_503_680_000:  # 3000-01-01
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        raise Refusal(f"SOURCE_DATE_EPOCH: not a time (expected seconds since 1970 before the year 3000, "
                         f"got {epoch!r})")
    return now or clock()


def clock() -> datetime:
    """The present, to the second: what `check` compares the files' times with, and a build's default time."""
    return datetime.now(timezone.utc).replace(microsecond=0)


# A catalog line naming an id (`- id: phone` or `id: phone`), as an added or removed line of a patch shows it.
_ID_LINE = re.compile(r"[+-]\s*-?\s*id:\s*(\S+)\s*")


def first_seen(catalog: Path, ids: list[str]) -> dict[str, str]:
    """The day (YYYY-MM-DD, UTC) each component id first appeared in the catalog's git history: where a service has
    no `since`, uptime is counted from then, not from a made-up 90 days. Ids git cannot date (no history, a
    shallow clone that lacks it) are left out; CI workflows fetch the whole history for this.

    One `git log` of the catalog's patches, oldest first, for every id at once: the first commit whose patch adds
    or removes a line `id: <id>` dates it (what `git log -G` would find for each, without one log per id)."""
    if not ids:
        return {}
    try:
        log = _git(catalog.parent, "log", "--reverse", "--format=%x00%ct", "--patch", "--unified=0", "--no-color",
                   "--no-ext-diff", "--no-textconv", "--", catalog.name)
    except (OSError, subprocess.CalledProcessError):
        return {}
    wanted, found = set(ids), {}
    for entry in log.split("\0")[1:]:
        stamp, _, patch = entry.partition("\n")
        for line in patch.splitlines():
            named = _ID_LINE.fullmatch(line)
            if named and named[1] in wanted and named[1] not in found and not line.startswith(("+++", "---")):
                found[named[1]] = datetime.fromtimestamp(int(stamp), tz=timezone.utc).date().isoformat()
    return found


def _git_or_refuse(folder: Path, failed: str, *args: str) -> None:
    """Run git; Refusal saying what `failed` means for the user, with git's own words on one line."""
    try:
        _git(folder, *args)
    except (OSError, subprocess.CalledProcessError) as err:
        detail = " ".join((getattr(err, "stderr", "") or str(err)).split())
        raise Refusal(f"{failed}: {detail}") from None


def commit(path: Path, message: str) -> None:
    """Commit the one file `path` (nothing else that is staged) with `message`; Refusal when git says no."""
    failed = "git commit failed, the file is written but not committed"
    _git_or_refuse(path.parent, failed, "add", "--", path.name)
    _git_or_refuse(path.parent, failed, "commit", "-q", "-m", message, "--", path.name)


def push(folder: Path) -> None:
    """Push the current branch; Refusal when git says no."""
    _git_or_refuse(folder, "git push failed, the change is committed but not pushed", "push", "-q")
