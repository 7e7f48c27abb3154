"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from contextlib import contextmanager
from pathlib import Path

import click

from . import publish, repo, report, scaffold
from . import settings as settings_file
from .errors import ContentError, Refusal
from .due import due as due_moments
from .load import load_site
from .times import TIME_FORMAT

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


@contextmanager
def refusals(path: Path, fmt: str):
    """What a command refuses, as the user reads it: problems in the chosen format, anything else one line; exit 1
    (128 + the signal for a stopped build)."""
    try:
        yield
    except ContentError as err:
        fail(err, path, fmt)
    except Refusal as err:
        click.echo(f"statusgen: {err}", err=True)
        sys.exit(1)
    except publish.BuildFailed as err:
        sys.stderr.write(err.log)
        report.failure(str(err), fmt, click.echo)
        sys.exit(1)
    except publish.Stopped as stop:
        click.echo(f"stopped by signal {stop.signum}: nothing was replaced", err=True)
        sys.exit(128 + stop.signum)


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
    with refusals(path, fmt):
        site = load_site(content_dir(path), settings_file.timezone_name(read_settings(path, settings, tz)))
    summary = (f"ok: {len(site.catalog.components)} components in {len(site.catalog.areas)} areas, "
               f"{len(site.incidents)} incidents and maintenances")
    if fmt == "gitlab":
        click.echo("[]")  # an empty report: nothing to show on the merge request
        click.echo(summary, err=True)
    else:
        click.echo(summary)


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
    settings = settings or root / settings_file.DEFAULT_FILE
    with refusals(path, fmt):
        config = read_settings(path, settings, tz)  # a settings file that cannot load is one line, not a traceback
        job = publish.Build(site=root, content=content_dir(path), settings=settings, timezone=tz,
                            output=(output or root / "output").resolve(), when=repo.build_time(build_time, root),
                            overrides=settings_file.build_overrides(settings, config))
        notes = publish.run(job, force, say=lambda message: click.echo(message, err=True))
    report.notes(notes, root, fmt, click.echo)
    click.echo(f"built {job.output} as of {job.when.isoformat()}")


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@settings_option
@click.option("--since", required=True, help=f"When the site in place was built ({TIME_FORMAT}; UTC unless it "
                                              "says otherwise).")
@click.option("--now", "now_text", help="The time of the build that would run (default: now).")
def due(path: Path, settings: Path | None, since: str, now_text: str | None) -> None:
    """Say whether a build now would show anything a build at --since did not: exit 0 and say what when it would,
    exit 3 when nothing fell due (a scheduled job may then skip its build), 1 on a problem.

    \b
    Example (a scheduled job that rebuilds only when needed; the last build was 15 minutes ago):
      statusgen due . --since "$(date -u -d '-15 min' +%Y-%m-%dT%H:%M:%SZ)" && statusgen build ...
    """
    with refusals(path, "text"):
        config = read_settings(path, settings, None)
        site = load_site(content_dir(path), settings_file.timezone_name(config))
        start = repo.parse_moment(since, "--since")
        end = repo.parse_moment(now_text, "--now") if now_text else datetime.now(timezone.utc).replace(microsecond=0)
        found = due_moments(site, start, end, int(config.get("STATUSGEN_RECENT_DAYS", 14)))
    for moment in found:
        click.echo(f"{moment.at.isoformat()}: {moment.what}")
    if not found:
        click.echo(f"nothing falls due between {start.isoformat()} and {end.isoformat()}", err=True)
        sys.exit(3)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@settings_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port (0: any free one).")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="The address to listen on; another than 127.0.0.1 only when you mean others to see the preview.")
@timezone_option
def serve(path: Path, settings: Path | None, port: int, bind: str, tz: str | None) -> None:
    """Preview the site: build it, serve it, and rebuild and reload the open page whenever content, settings,
    theme or plugins change. Problems in the content show in the page until they are fixed.

    \b
    Example:
      statusgen serve .        (then open http://127.0.0.1:8000; Ctrl-C stops it)
    """
    from . import preview  # the watcher and the server load only for this command

    root = site_dir(path)
    with refusals(path, "text"):
        preview.serve(root, content_dir(path), settings or root / settings_file.DEFAULT_FILE, bind=bind, port=port,
                      timezone=tz, say=lambda message: click.echo(message, err=True))


def _ask(value, prompt: str, option: str, many: bool = False):
    """An option's value, asked for in a terminal when it was not given; a usage error (exit 2) elsewhere."""
    if value:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"missing {option} (in a terminal, statusgen init asks for it)")
    answer = click.prompt(prompt + (" (separate them with commas)" if many else ""))
    return [part.strip() for part in answer.split(",") if part.strip()] if many else answer


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The organisation whose services the page reports on.")
@click.option("--area", "areas", multiple=True, help="A place the services are delivered (repeat for each).")
@click.option("--service", "services", multiple=True, help="A service customers use (repeat for each).")
@click.option("--url", default="", help="Where readers will find the page, e.g. https://status.example.com.")
@click.option("--timezone", "tz", default="UTC", show_default=True,
              help="The zone of times written without an offset, and shown on the pages (an IANA name).")
@click.option("--install", default="", help="What the CI files give pip to install statusgen: a requirement "
              "(default: statusgen==THIS VERSION from the package index), a wheel URL or a git URL "
              "(git+https://...@TAG).")
def init(folder: Path, name: str | None, areas: tuple[str, ...], services: tuple[str, ...], url: str, tz: str,
         install: str) -> None:
    """Start a status page of your own in FOLDER (new or empty): the catalog, settings and CI files.

    In a terminal it asks for what is not given; elsewhere --name, --area and --service are needed.

    \b
    Example:
      statusgen init mysite --name "Northwind Fiber" --area Millbrook --area Ashford \\
                            --service Phone --service "Fiber internet" --url https://status.northwind.example
    """
    site = scaffold.NewSite(name=_ask(name, "Organisation", "--name"), url=url, timezone=tz,
                            areas=list(_ask(areas, "Areas served", "--area", many=True)),
                            services=list(_ask(services, "Services", "--service", many=True)),
                            install=install or f"statusgen=={scaffold.statusgen_version()}")
    with refusals(folder, "text"):
        scaffold.create(folder, site)
    click.echo(f"made a status page in {folder}: next, `cd {folder}` and `statusgen build` (see output/index.html), "
               f"then commit and push it with its CI files")


if __name__ == "__main__":  # python -m statusgen.cli
    main()
