"""Problems and notes as people and CI read them: `path:line: message` lines, GitHub workflow commands (annotations
on the offending lines) or a GitLab Code Quality report. Paths are shown relative to the current folder (text)
or the repository root (CI), whichever stage of a command found the problem."""
from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import Problem, printable
from .repo import repo_root


def shown(path: str | Path, base: Path) -> str:
    """A path as the reader should see it: relative to `base` where it lies inside it, on one printable line. A
    link is named as the author sees it, never by the file it points to (only the folders holding it are
    resolved)."""
    given = Path(path)
    try:
        real = _resolved(given) if given.name in ("", ".", "..") else _resolved(given.parent) / given.name
        return printable(str(real.relative_to(_resolved(base))))
    except (ValueError, OSError):
        return printable(str(path))


def _resolved(folder: Path) -> Path:
    """A folder resolved once per run, by its absolute name (a relative one is taken from the current folder
    first, which -C changes): a report names hundreds of files in a few folders, at 0.35 ms a resolve."""
    return _resolved_absolute(folder if folder.is_absolute() else Path(os.getcwd(), folder))


@functools.lru_cache(maxsize=256)
def _resolved_absolute(folder: Path) -> Path:
    return folder.resolve()


def github_escape(value: str, prop: bool = False) -> str:
    """Escape a workflow command's message, or with `prop` one of its properties, as GitHub's toolkit does."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_command(command: str, message: str, path: str | None = None, line: int | None = None) -> str:
    """`::error file=PATH,line=N::MESSAGE`: GitHub Actions shows it as an annotation on that line of the file."""
    props = [f"{key}={github_escape(str(value), prop=True)}" for key, value in (("file", path), ("line", line))
             if value is not None]
    return f"::{command}{' ' + ','.join(props) if props else ''}::{github_escape(message)}"


def _text_line(problem: Problem, base: Path) -> str:
    return f"{shown(problem.path, base)}:{problem.line}: {problem.message}"


def _github_line(problem: Problem, base: Path, command: str = "error") -> str:
    if not Path(problem.path).is_file():  # a setting such as TIMEZONE: no file to point at
        return github_command(command, f"{printable(problem.path)}: {problem.message}")
    return github_command(command, problem.message, shown(problem.path, base), problem.line)


def gitlab_report(problems: list[Problem], base: Path, severity: str = "major", notes: list[Problem] = ()) -> str:
    """A GitLab Code Quality report (JSON): merge requests show each problem on its line; `notes` as "info"."""
    issues = []
    for problem, level in [(p, severity) for p in problems] + [(n, "info") for n in notes]:
        path = shown(problem.path, base)
        fingerprint = hashlib.sha256(f"{path}:{problem.line}:{problem.message}".encode()).hexdigest()
        issues.append({"description": problem.message, "check_name": "statusgen", "fingerprint": fingerprint,
                       "severity": level, "location": {"path": path, "lines": {"begin": problem.line}}})
    return json.dumps(issues, indent=2, ensure_ascii=False)


def _lines(line_of):
    return lambda problems, base: "\n".join(line_of(p, base) for p in problems)


@dataclass(frozen=True)
class Format:
    """One --format: what paths are relative to (given the site folder), how problems print, and where to
    (GitHub reads workflow commands from stdout; GitLab reads the report from a file the job writes)."""

    base: Callable[[Path], Path]
    render: Callable[[list[Problem], Path], str]
    to_stderr: bool


FORMATS = {"text": Format(lambda site: Path.cwd(), _lines(_text_line), True),
           "github": Format(repo_root, _lines(_github_line), False),
           "gitlab": Format(repo_root, gitlab_report, False)}
FORMAT_HELP = ("text: path:line: message; github: workflow commands that GitHub Actions shows as annotations on the "
               "offending lines; gitlab: a Code Quality report (JSON) that merge requests show on the offending lines.")


def problems(found: list[Problem], site: Path, fmt: str, echo, outcome: str = "nothing was built") -> None:
    """Print `found` in format `fmt`, then how many and `outcome`: `echo(text, err=bool)` writes (click.echo)."""
    chosen = FORMATS[fmt]
    base = chosen.base(site)
    echo(chosen.render(found, base), err=chosen.to_stderr)
    if fmt == "gitlab":  # the report goes to a file; the job's log still says what is wrong
        echo(_lines(_text_line)(found, base), err=True)
    count = len(found)
    echo(f"{count} problem{'s' if count != 1 else ''} found; {outcome}.", err=True)


def notes(found: list[Problem], site: Path, fmt: str, echo, kind: str = "warning") -> None:
    """What does not stop a build: warnings (updates dated after the build time) as `warning: path:line: ...`, or
    with `kind` "note" what is only worth knowing (a text not translated) as `path:line: note: ...`; annotations
    of that level on GitHub."""
    if fmt == "github":
        base = repo_root(site)
        for note in found:
            echo(github_command("notice" if kind == "note" else "warning", note.message, shown(note.path, base),
                                note.line))
        return
    for note in found:
        where = f"{shown(note.path, Path.cwd())}:{note.line}"
        echo(f"{where}: note: {note.message}" if kind == "note" else f"warning: {where}: {note.message}", err=True)


def failure(message: str, fmt: str, echo) -> None:
    """A build that failed for a reason other than content."""
    echo(github_command("error", message) if fmt == "github" else message, err=fmt != "github")


def save(path: str | Path, problems: list[Problem], notes: list[tuple[str, str]]) -> None:
    """Leave what a build's Pelican found for the command that started it (see load)."""
    data = {"problems": [[p.path, p.line, p.message] for p in problems], "notes": [list(n) for n in notes]}
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def add_note(path: str | Path, where: str, message: str) -> None:
    """Add a note to what a build's Pelican left in `path` (by save, earlier in the same build)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["notes"].append([where, message])
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) a build left in `path`; nothing when it left none (it failed before or was stopped)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [], []
    return ([Problem(*item) for item in data.get("problems", [])],
            [Problem(path_, 1, message) for path_, message in data.get("notes", [])])
