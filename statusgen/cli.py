"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click

from .errors import ContentError
from .load import load_site, site_timezone
from .times import TIME_FORMAT, parse_time

log = logging.getLogger("statusgen")


def content_dir(path: Path) -> Path:
    """Accept either a site folder (holding content/) or the content folder itself."""
    return path / "content" if (path / "content").is_dir() else path


def site_dir(path: Path) -> Path:
    return path if (path / "content").is_dir() else path.parent


def _report(err: ContentError, root: Path) -> None:
    for problem in err.problems:
        try:
            shown = Path(problem.path).resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            shown = problem.path
        click.echo(f"{shown}:{problem.line}: {problem.message}", err=True)
    count = len(err.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was built.", err=True)


@click.group()
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """statusgen: a static status page from incident files in git."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s: %(message)s")


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--timezone", "tz", help="Zone of times written without an offset (default: TIMEZONE of pelicanconf.py, else UTC).")
def check(path: Path, tz: str | None) -> None:
    """Validate a site's content: the catalog and every incident file.

    Example: statusgen check .   (or: statusgen check content)
    """
    try:
        site = load_site(content_dir(path), tz or site_timezone(site_dir(path)))
    except ContentError as err:
        _report(err, path)
        sys.exit(1)
    click.echo(f"ok: {len(site.catalog.components)} components in {len(site.catalog.areas)} areas, "
               f"{len(site.incidents)} incidents and maintenances")


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


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-s", "--settings", type=click.Path(path_type=Path), help="Pelican settings (default: PATH/pelicanconf.py).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: PATH/output).")
@click.option("--build-time", help=f"The time the site shows as 'as of' ({TIME_FORMAT}, default: last commit or now).")
@click.option("--timezone", "tz", help="Zone of times without an offset (default: from the settings).")
def build(path: Path, settings: Path | None, output: Path | None, build_time: str | None, tz: str | None) -> None:
    """Check the content, then build the site with Pelican into a fresh folder and swap it in whole.

    The previous site stays in place if the content has problems or the build fails half way.

    Example: statusgen build . -o output --build-time "2026-11-22 12:00Z"
    """
    root = site_dir(path)
    settings = settings or root / "pelicanconf.py"
    output = (output or root / "output").resolve()
    try:
        site = load_site(content_dir(path), tz or site_timezone(root))
    except ContentError as err:
        _report(err, path)
        sys.exit(1)
    when = resolve_build_time(build_time, root)
    for incident in site.incidents:
        later = [u for u in incident.updates if u.at > when]
        if later:  # honest, but surprising to an author whose clock ran ahead: say so
            click.echo(f"note: {incident.path}: {len(later)} update(s) dated after the build time {when.isoformat()} "
                       f"are not shown yet (the first at {later[0].at.isoformat()})", err=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    command = [sys.executable, "-m", "pelican", str(content_dir(path)), "-s", str(settings), "-o", str(staging),
               "-e", f'STATUSGEN_BUILD_TIME="{when.isoformat()}"', "--fatal", "warnings"]
    if tz:
        command += ["-e", f'TIMEZONE="{tz}"']
    result = subprocess.run(command, cwd=root)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        click.echo("the build failed; the previous site was left as it was.", err=True)
        sys.exit(1)
    swap(staging, output)
    click.echo(f"built {output} as of {when.isoformat()}")


def swap(staging: Path, output: Path) -> None:
    """Put the complete new site where the old one was, with the old one in place until the last moment."""
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    staging.chmod(0o755)  # mkdtemp made it private
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":  # python -m statusgen.cli
    main()
