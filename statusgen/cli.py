"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

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

from . import publish, report
from . import settings as settings_file
from .errors import ContentError
from .load import load_site
from .times import TIME_FORMAT, parse_time

log = logging.getLogger("statusgen")


def content_dir(path: Path) -> Path:
    """Accept either a site folder (holding content/) or the content folder itself."""
    return path / "content" if (path / "content").is_dir() else path


def site_dir(path: Path) -> Path:
    return path if (path / "content").is_dir() else path.parent


format_option = click.option("--format", "fmt", type=click.Choice(sorted(report.FORMATS)), default="text",
                             show_default=True, help=report.FORMAT_HELP)
settings_option = click.option("-s", "--settings", type=click.Path(path_type=Path),
                               help=f"Pelican settings (default: PATH/{settings_file.DEFAULT_FILE}).")
timezone_option = click.option("--timezone", "tz", help="Zone of times written without an offset (default: TIMEZONE "
                                                        "of the settings, else UTC).")


def fail(err: ContentError, path: Path, fmt: str) -> None:
    """Report every problem found in the chosen format and exit 1."""
    report.problems(err.problems, site_dir(path), fmt, click.echo)
    sys.exit(1)


def read_settings(path: Path, settings: Path | None, tz: str | None) -> dict:
    """The settings every command works with: the file given with -s (else PATH/pelicanconf.py when there is
    one), read once, by Pelican's reader; --timezone over its TIMEZONE."""
    overrides = {"TIMEZONE": tz} if tz else {}
    return settings_file.read(settings or site_dir(path) / settings_file.DEFAULT_FILE, required=settings is not None,
                              overrides=overrides)


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
@settings_option
@timezone_option
@format_option
def check(path: Path, settings: Path | None, tz: str | None, fmt: str) -> None:
    """Validate a site's content: the catalog and every incident file.

    \b
    Examples:
      statusgen check .                    (or: statusgen check content)
      statusgen check . -s publishconf.py  (times read in the TIMEZONE those settings give)
      statusgen check . --format github    (in GitHub Actions: annotations on the offending lines)
      statusgen check . --format gitlab > gl-code-quality-report.json    (GitLab merge requests)
    """
    try:
        site = load_site(content_dir(path), settings_file.timezone_name(read_settings(path, settings, tz)))
    except ContentError as err:
        fail(err, path, fmt)
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
    top = report.repo_root(root, fallback=None)
    if top is not None:
        folders["the repository root"] = top.resolve()
    for name in ("theme", "plugins"):
        if (root / name).is_dir():
            folders[f"the {name} folder"] = (root / name).resolve()
    return folders


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@settings_option
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: PATH/output).")
@click.option("--build-time", help=f"The time the site shows as 'as of' ({TIME_FORMAT}, default: last commit or now).")
@timezone_option
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
    settings = (settings or root / settings_file.DEFAULT_FILE).resolve()  # Pelican runs in `root`
    output = (output or root / "output").resolve()
    try:
        read_settings(path, settings, tz)  # a settings file that cannot load is one line here, not a traceback
        warning = publish.guard(output, protected_folders(path, settings), force)
        when = resolve_build_time(build_time, root)
    except ContentError as err:
        fail(err, path, fmt)
    except (publish.Refused, ValueError) as err:
        click.echo(f"statusgen: {err}", err=True)
        sys.exit(1)
    if warning:
        click.echo(warning, err=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    lock = publish.OutputLock(output)
    try:
        with publish.stoppable():
            lock.acquire(lambda: click.echo(f"waiting for another build of {output} to finish", err=True))
            publish.remove_leftovers(output)  # first, so that even a build refused below puts a last good site back
            _build_into(path, settings, output, when, tz, fmt)
    except publish.Stopped as stop:
        click.echo(f"stopped by signal {stop.signum}: nothing was replaced", err=True)
        sys.exit(128 + stop.signum)
    finally:
        lock.release()
    click.echo(f"built {output} as of {when.isoformat()}")


def _build_into(path: Path, settings: Path, output: Path, when: datetime, tz: str | None, fmt: str) -> None:
    """Run Pelican into a staging folder, then swap the new site in. Pelican's generator loads and checks the
    content (once per build) and leaves what it found in a report file, printed here in the chosen format."""
    staging = publish.new_staging(output)
    found = staging / ".statusgen-report.json"  # removed before the swap
    extra = {"STATUSGEN_BUILD_TIME": when.isoformat(), "STATUSGEN_REPORT": str(found), **({"TIMEZONE": tz} if tz else {})}
    command = [sys.executable, "-m", "pelican", str(content_dir(path).resolve()), "-s", str(settings),
               "-o", str(staging), "--fatal", "warnings",
               "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]  # one -e: a second replaces it
    parent = os.getpid()
    with publish.claimed(staging), tempfile.TemporaryFile() as log:
        # Pelican dies with this process, even when it is killed outright; its page writers die with Pelican.
        pelican = subprocess.Popen(command, cwd=site_dir(path), stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=lambda: publish.die_with_parent(parent))
        try:
            code = pelican.wait()
            problems, notes = report.load(found)
        except BaseException:
            _stop(pelican)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            found.unlink(missing_ok=True)
        if problems or code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            if problems:
                fail(ContentError(problems), path, fmt)
            _check_after_failure(path, settings, tz, fmt)
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace"))
            report.failure("the build failed; the previous site was left as it was.", fmt, click.echo)
            sys.exit(1)
        report.notes(notes, site_dir(path), fmt, click.echo)
        publish.swap(staging, output)


def _check_after_failure(path: Path, settings: Path, tz: str | None, fmt: str) -> None:
    """Pelican failed before the generator could say what it found (the plugin is not configured, say): the
    content's problems, if any, are still the most useful thing to report."""
    try:
        load_site(content_dir(path), settings_file.timezone_name(read_settings(path, settings, tz)))
    except ContentError as err:
        fail(err, path, fmt)


def _stop(process: subprocess.Popen) -> None:
    """End a build that will not be used; the processes it forked end with it (see the plugin)."""
    process.kill()
    process.wait()


if __name__ == "__main__":  # python -m statusgen.cli
    main()
