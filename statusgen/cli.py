"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click

from . import publish
from .errors import ContentError, Problem
from .load import load_site, site_timezone
from .times import TIME_FORMAT, parse_time

log = logging.getLogger("statusgen")


def content_dir(path: Path) -> Path:
    """Accept either a site folder (holding content/) or the content folder itself."""
    return path / "content" if (path / "content").is_dir() else path


def site_dir(path: Path) -> Path:
    return path if (path / "content").is_dir() else path.parent


def _shown(path: str | Path, base: Path) -> str:
    """A problem's path as the reader should see it: relative to `base` where it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def repo_root(folder: Path, fallback: Path | None = Path()) -> Path | None:
    """The root of the git work tree holding `folder` (annotation paths are relative to it), else `fallback`
    (the current folder)."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True,
                             check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        top = ""
    if top:
        return Path(top)
    return fallback.resolve() if fallback is not None else None


def github_escape(value: str, prop: bool = False) -> str:
    """Escape a workflow command's message, or with `prop` one of its properties, as GitHub's toolkit does."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_command(command: str, message: str, path: str | None = None, line: int | None = None) -> str:
    """`::error file=PATH,line=N::MESSAGE`: GitHub Actions shows it as an annotation on that line of the file."""
    props = [f"{key}={github_escape(str(value), prop=True)}" for key, value in (("file", path), ("line", line))
             if value is not None]
    return f"::{command}{' ' + ','.join(props) if props else ''}::{github_escape(message)}"


def _text_problem(problem: Problem, base: Path) -> str:
    return f"{_shown(problem.path, base)}:{problem.line}: {problem.message}"


def _github_problem(problem: Problem, base: Path) -> str:
    if not Path(problem.path).is_file():  # a setting such as TIMEZONE: no file to point at
        return github_command("error", f"{problem.path}: {problem.message}")
    return github_command("error", problem.message, _shown(problem.path, base), problem.line)


def _gitlab_report(problems: list[Problem], base: Path) -> str:
    """A GitLab Code Quality report (JSON): merge requests show each problem on its line."""
    issues = []
    for problem in problems:
        path = _shown(problem.path, base)
        fingerprint = hashlib.sha256(f"{path}:{problem.line}:{problem.message}".encode()).hexdigest()
        issues.append({"description": problem.message, "check_name": "statusgen", "fingerprint": fingerprint,
                       "severity": "major", "location": {"path": path, "lines": {"begin": problem.line}}})
    return json.dumps(issues, indent=2, ensure_ascii=False)


def _lines(line_of):
    return lambda problems, base: "\n".join(line_of(p, base) for p in problems)


# --format: what paths are shown relative to (given the site folder), how the problems are printed, and whether
# to stderr (GitHub reads workflow commands from stdout; GitLab reads the report from a file the job writes).
FORMATS = {"text": (lambda site: Path.cwd(), _lines(_text_problem), True),
           "github": (repo_root, _lines(_github_problem), False),
           "gitlab": (repo_root, _gitlab_report, False)}
format_option = click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
                             help="text: path:line: message; github: workflow commands that GitHub Actions shows "
                                  "as annotations on the offending lines; gitlab: a Code Quality report (JSON) "
                                  "that merge requests show on the offending lines.")


def _report(err: ContentError, site: Path, fmt: str = "text") -> None:
    base_of, render, to_stderr = FORMATS[fmt]
    base = base_of(site)
    click.echo(render(err.problems, base), err=to_stderr)
    if fmt == "gitlab":  # the report goes to a file; the job's log still says what is wrong
        click.echo(_lines(_text_problem)(err.problems, base), err=True)
    count = len(err.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was built.", err=True)


class Commands(click.Group):
    """The command group: what the system refused (a folder that cannot be written, a missing file) is one
    line and exit status 1, not a traceback; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as err:
            if (ctx.obj or {}).get("debug"):
                raise
            where = f": {err.filename}" if err.filename else ""
            click.echo(f"statusgen: {err.strerror or err}{where}", err=True)
            ctx.exit(1)


@click.group(cls=Commands)
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """statusgen: a static status page from incident files in git."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s: %(message)s")


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--timezone", "tz", help="Zone of times written without an offset (default: TIMEZONE of pelicanconf.py, else UTC).")
@format_option
def check(path: Path, tz: str | None, fmt: str) -> None:
    """Validate a site's content: the catalog and every incident file.

    \b
    Examples:
      statusgen check .                    (or: statusgen check content)
      statusgen check . --format github    (in GitHub Actions: annotations on the offending lines)
      statusgen check . --format gitlab > gl-code-quality-report.json    (GitLab merge requests)
    """
    try:
        site = load_site(content_dir(path), tz or site_timezone(site_dir(path)))
    except ContentError as err:
        _report(err, site_dir(path), fmt)
        sys.exit(1)
    summary = (f"ok: {len(site.catalog.components)} components in {len(site.catalog.areas)} areas, "
               f"{len(site.incidents)} incidents and maintenances")
    if fmt == "gitlab":
        click.echo("[]")  # an empty report: nothing to show on the merge request
        click.echo(summary, err=True)
    else:
        click.echo(summary)


def resolve_build_time(value: str | None, root: Path) -> datetime:
    """The one build time: --build-time, else SOURCE_DATE_EPOCH, else the last commit's time when the content is
    unchanged since, else the current time. Rendering gets this value and never asks the clock itself."""
    if value:
        return parse_time(value, timezone.utc)
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=timezone.utc)
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
        if not dirty:
            stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                                   check=True).stdout.strip()
            if stamp:
                return datetime.fromtimestamp(int(stamp), tz=timezone.utc)
    except (OSError, subprocess.CalledProcessError):
        pass
    return datetime.now(timezone.utc).replace(microsecond=0)


def protected_folders(path: Path, settings: Path) -> dict[str, Path]:
    """The folders a build reads or lives in, by what the user calls them: no output may be or hold one."""
    root = site_dir(path).resolve()
    folders = {"the site folder": root, "the content folder": content_dir(path).resolve(),
               "the folder of the settings file": settings.parent}
    top = repo_root(root, fallback=None)
    if top is not None:
        folders["the repository root"] = top.resolve()
    for name in ("theme", "plugins"):
        if (root / name).is_dir():
            folders[f"the {name} folder"] = (root / name).resolve()
    return folders


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-s", "--settings", type=click.Path(path_type=Path), help="Pelican settings (default: PATH/pelicanconf.py).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: PATH/output).")
@click.option("--build-time", help=f"The time the site shows as 'as of' ({TIME_FORMAT}, default: last commit or now).")
@click.option("--timezone", "tz", help="Zone of times without an offset (default: from the settings).")
@click.option("--force", is_flag=True, help="Build into a non-empty folder statusgen did not build, deleting what it "
                                            "holds (never the site, content or repository folder, home or /).")
@format_option
def build(path: Path, settings: Path | None, output: Path | None, build_time: str | None, tz: str | None,
          force: bool, fmt: str) -> None:
    """Check the content, then build the site with Pelican into a fresh folder and swap it in whole.

    The previous site stays in place if the content has problems or the build fails or is killed half way.
    Only a folder statusgen built (or an empty one) is replaced; a second build into the same folder waits
    for the first.

    \b
    Examples:
      statusgen build . -o output --build-time "2026-11-22 12:00Z"
      statusgen build . -s publishconf.py -o output    (production: absolute URLs from STATUSGEN_SITEURL)
    """
    root = site_dir(path)
    settings = (settings or root / "pelicanconf.py").resolve()  # Pelican runs in `root`: no paths relative to here
    output = (output or root / "output").resolve()
    try:
        warning = publish.guard(output, protected_folders(path, settings), force)
    except publish.Refused as err:
        click.echo(f"statusgen: {err}", err=True)
        sys.exit(1)
    if warning:
        click.echo(warning, err=True)
    when = resolve_build_time(build_time, root)
    output.parent.mkdir(parents=True, exist_ok=True)
    lock = publish.OutputLock(output)
    try:
        with publish.stoppable():
            lock.acquire(lambda: click.echo(f"waiting for another build of {output} to finish", err=True))
            publish.remove_leftovers(output)  # first, so that even a build refused below puts a last good site back
            _build_into(path, root, settings, output, when, tz, fmt)
    except publish.Stopped as stop:
        click.echo(f"stopped by signal {stop.signum}: nothing was replaced", err=True)
        sys.exit(128 + stop.signum)
    finally:
        lock.release()
    click.echo(f"built {output} as of {when.isoformat()}")


def _build_into(path: Path, root: Path, settings: Path, output: Path, when: datetime, tz: str | None,
                fmt: str) -> None:
    """Run Pelican into a staging folder while the content is checked here, then swap the new site in."""
    staging = publish.new_staging(output)
    command = [sys.executable, "-m", "pelican", str(content_dir(path).resolve()), "-s", str(settings),
               "-o", str(staging), "-e", f'STATUSGEN_BUILD_TIME="{when.isoformat()}"', "--fatal", "warnings"]
    if tz:
        command += ["-e", f'TIMEZONE="{tz}"']
    parent = os.getpid()
    with publish.claimed(staging), tempfile.TemporaryFile() as log:
        # Pelican starts at once and the content is checked here meanwhile, on the other core: loading is the
        # slowest part of a check, and doing it one after the other would double it. Pelican dies with this
        # process, even when it is killed outright; its page writers die with Pelican.
        pelican = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=lambda: publish.die_with_parent(parent))
        try:
            site = load_site(content_dir(path), tz or site_timezone(root))
            _note_unposted(site, when, root, fmt)
            code = pelican.wait()
        except BaseException as err:
            _stop(pelican)
            shutil.rmtree(staging, ignore_errors=True)
            if not isinstance(err, ContentError):
                raise
            _report(err, root, fmt)
            sys.exit(1)
        if code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace"))
            failed = "the build failed; the previous site was left as it was."
            click.echo(github_command("error", failed) if fmt == "github" else failed, err=fmt != "github")
            sys.exit(1)
        publish.swap(staging, output)


def _stop(process: subprocess.Popen) -> None:
    """End a build that will not be used; the processes it forked end with it (see the plugin)."""
    process.kill()
    process.wait()


def _note_unposted(site, when: datetime, root: Path, fmt: str) -> None:
    """Say which updates are dated after the build time: honest to leave out, surprising to an author whose
    clock ran ahead."""
    for incident in site.incidents:
        later = [u for u in incident.updates if u.at > when]
        if later:
            note = (f"{len(later)} update(s) dated after the build time {when.isoformat()} are not shown yet "
                    f"(the first at {later[0].at.isoformat()})")
            if fmt == "github":
                click.echo(github_command("notice", note, _shown(incident.path, repo_root(root))))
            else:
                click.echo(f"note: {incident.path}: {note}", err=True)


if __name__ == "__main__":  # python -m statusgen.cli
    main()
