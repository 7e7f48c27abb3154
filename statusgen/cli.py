"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from contextlib import contextmanager
from pathlib import Path

import click

from . import edit, publish, repo, report, scaffold
from . import settings as settings_file
from .errors import ContentError, Problem, Refusal
from .cache import CACHE_DIR
from .cache import prepare as prepare_cache
from .due import due as due_moments
from .load import load_site
from .times import TIME_FORMAT, zone
from .wording import counted

def content_dir(path: Path) -> Path:
    """Accept either a site folder (holding content/) or the content folder itself."""
    return path / "content" if (path / "content").is_dir() else path


def site_dir(path: Path) -> Path:
    return path if (path / "content").is_dir() else path.parent


format_option = click.option("--format", "fmt", type=click.Choice(sorted(report.FORMATS)), default="text",
                             show_default=True, help=report.FORMAT_HELP)
settings_option = click.option("-s", "--settings", type=click.Path(path_type=Path),
                               help=f"Pelican settings (default: PATH/{settings_file.DEFAULT_FILE}).")
cache_option = click.option("--cache", type=click.Path(path_type=Path),
                            help=f"The build cache's folder (default: PATH/{CACHE_DIR}; safe to delete).")
no_cache_option = click.option("--no-cache", is_flag=True, help="Work everything out afresh; read or write no cache.")


def cache_folder(path: Path, cache: Path | None, no_cache: bool) -> Path | None:
    """Where the build cache is (made when first used), or None with --no-cache."""
    return None if no_cache else (cache or site_dir(path) / CACHE_DIR).resolve()


timezone_option = click.option("--timezone", "tz", help="Zone of times written without an offset (default: TIMEZONE "
                                                        "of the settings, else UTC).")


def fail(err: ContentError, path: Path, fmt: str, outcome: str = "nothing was built") -> None:
    """Report every problem found in the chosen format and exit 1."""
    report.problems(err.problems, site_dir(path), fmt, click.echo, outcome)
    sys.exit(1)


@contextmanager
def refusals(path: Path, fmt: str, outcome: str = "nothing was built"):
    """What a command refuses, as the user reads it: problems in the chosen format, anything else one line; exit 1
    (128 + the signal for a stopped build)."""
    try:
        yield
    except ContentError as err:
        fail(err, path, fmt, outcome)
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


def site_inputs(path: Path, settings: Path) -> list[Path]:
    """What a build reads: the content, the settings (and the Python files beside them it may import), the theme
    and the plugins. Only a change to these makes an uncommitted build "now" (see repo.build_time)."""
    root = site_dir(path)
    return [content_dir(path), settings, *sorted(settings.resolve().parent.glob("*.py")), root / "theme",
            root / "plugins"]


def read_settings(path: Path, settings: Path | None, tz: str | None, values_only: bool = False) -> dict:
    """The settings every command works with: the file given with -s (else PATH/pelicanconf.py when there is
    one), read once, by Pelican's reader; --timezone over its TIMEZONE. `values_only`: see settings.read."""
    overrides = {"TIMEZONE": tz} if tz else {}
    return settings_file.read(settings or site_dir(path) / settings_file.DEFAULT_FILE, required=settings is not None,
                              overrides=overrides, values_only=values_only)


class Commands(click.Group):
    """The command group: what the system refused (a folder that cannot be written, a missing file) is one
    line and exit status 1, not a traceback; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C before a build is under way (reading the settings, say): as one later
            if (ctx.obj or {}).get("debug"):
                raise
            what = ": nothing was replaced" if ctx.invoked_subcommand == "build" else ""
            click.echo(f"stopped by signal {int(signal.SIGINT)}{what}", err=True)
            ctx.exit(128 + signal.SIGINT)
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
@cache_option
@no_cache_option
def check(path: Path, settings: Path | None, tz: str | None, fmt: str, cache: Path | None, no_cache: bool) -> None:
    """Validate a site's content: the catalog and every incident file.

    \b
    Examples:
      statusgen check .                    (or: statusgen check content)
      statusgen check . -s publishconf.py  (times read in the TIMEZONE those settings give)
      statusgen check . --format github    (in GitHub Actions: annotations on the offending lines)
      statusgen check . --format gitlab > gl-code-quality-report.json    (GitLab merge requests)
    """
    with refusals(path, fmt):
        site = load_site(content_dir(path), settings_file.timezone_name(read_settings(path, settings, tz, values_only=True)),
                         cache=prepare_cache(cache_folder(path, cache, no_cache),
                                             lambda note: click.echo(note, err=True)))
        when = repo.build_time(None, site_dir(path), site_inputs(path, settings or site_dir(path) /
                                                                  settings_file.DEFAULT_FILE))
    later = [Problem(path_, 1, note) for path_, note in site.unposted(when)]
    maintenance = sum(1 for i in site.incidents if i.is_maintenance)
    catalog = site.catalog
    summary = (f"ok: {counted(len(catalog.components), 'component')} in {counted(len(catalog.areas), 'area')}, "
               f"{counted(len(site.incidents) - maintenance, 'incident')} and "
               f"{counted(maintenance, 'maintenance window')}")
    if fmt == "gitlab":  # the report, with the warnings only: nothing else to show on the merge request
        click.echo(report.gitlab_report(later, report.repo_root(site_dir(path)), severity="minor"))
        report.notes(later, site_dir(path), "text", click.echo)
        click.echo(summary, err=True)
    else:
        report.notes(later, site_dir(path), fmt, click.echo)
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
@cache_option
@no_cache_option
@click.option("--timings", is_flag=True, help="Say where the build spent its time, by phase (CPU seconds).")
def build(path: Path, settings: Path | None, output: Path | None, build_time: str | None, tz: str | None,
          force: bool, fmt: str, cache: Path | None, no_cache: bool, timings: bool) -> None:
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
                            output=(output or root / "output").resolve(),
                            when=repo.build_time(build_time, root, site_inputs(path, settings)),
                            overrides=settings_file.build_overrides(settings, config),
                            cache=cache_folder(path, cache, no_cache), timings=timings)
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


# --- posting: new, update, resolve, maintenance, list ---------------------------------------------------------

UNCHANGED = "no file was changed"
site_option = click.option("-C", "folder", default=".", show_default=True,
                           type=click.Path(exists=True, file_okay=False, path_type=Path),
                           help="The site folder (holding content/) to work on.")
at_option = click.option("--at", "at_text", default="now", show_default=True,
                         help=f"When it was posted ({edit.RELATIVE_HELP}).")
message_option = click.option("-m", "--message", help="What to tell readers (Markdown).")
status_option = click.option("--status", "status_pairs", multiple=True,
                             help="component=status, e.g. phone=major_outage (repeat for each).")
promise_options = [click.option("--eta", help=f"The expected resolution ({edit.RELATIVE_HELP})."),
                   click.option("--next-update", help=f"When the next update is promised ({edit.RELATIVE_HELP}).")]
commit_options = [click.option("--commit", is_flag=True, help="Commit the changed file with a message saying what "
                                                              "happened."),
                  click.option("--push", is_flag=True, help="Commit, then push (git push).")]


def _options(options):
    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command
    return apply


class Posting:
    """What every posting command shares: the site, its zone, the clock for relative times, and the write."""

    def __init__(self, folder: Path, at_text: str = "now"):
        self.site_folder = site_dir(folder)
        self.content = content_dir(folder)
        config = read_settings(folder, None, None)
        self.tz = zone(settings_file.timezone_name(config))
        self.now = datetime.now(timezone.utc).replace(second=0, microsecond=0)  # posts are timed to the minute
        self.at = edit.when(at_text, self.now, self.tz)

    def time(self, text: str | None) -> datetime | None:
        """A time given with the post: relative ones (+30m) count from the post's own time."""
        return edit.when(text, self.at, self.tz) if text else None

    def locked(self):
        """The site's posting lock (edit.posting_lock): what a post reads, checks and writes, it does inside it."""
        waiting = f"waiting for another post to {report.shown(self.content, Path.cwd())} to finish"
        return edit.posting_lock(self.content, lambda: click.echo(waiting, err=True))

    def save(self, path: Path, text: str, what: str, commit: bool, push: bool, new: bool = False) -> Path:
        """Check and write the file (a new one never over another: edit.create), commit and push; the path written."""
        edit.validate(path, text, self.content, self.tz)
        if new:
            written = edit.create(path, text)
            what, path = what.replace(path.stem, written.stem), written
        else:
            edit.write(path, text)
        if commit or push:
            repo.commit(path, what)
        if push:
            repo.push(path.parent)
        return path


def _message(message: str | None) -> str:
    return _ask(message, "Message to readers", "-m/--message")


@main.command("new")
@site_option
@click.option("--title", help="What is wrong, in the customer's words.")
@status_option
@click.option("--area", "areas", multiple=True, help="An area affected (repeat; default: every area of the services).")
@message_option
@click.option("--state", default="investigating", show_default=True, help="investigating | identified | monitoring.")
@click.option("--impact", help="none | minor | major | critical (default: from the statuses).")
@click.option("--ticket", help="The internal ticket, published.")
@_options(promise_options)
@at_option
@_options(commit_options)
def new_incident(folder, title, status_pairs, areas, message, state, impact, ticket, eta, next_update, at_text, commit,
                 push) -> None:
    """Open an incident: writes content/incidents/YYYY-MM-DD-slug.md with its first update, prints its path and id.

    \b
    Example:
      statusgen new --title "Calls fail in Millbrook" --status phone=major_outage --area millbrook \\
                    -m "Calls into and out of Millbrook fail. We are on it." --next-update +30m --commit
    """
    with refusals(folder, "text", UNCHANGED):
        posting = Posting(folder, at_text)
        title = _ask(title, "Title", "--title")
        pairs = edit.statuses(status_pairs or tuple(_ask(None, "Services and statuses (phone=major_outage)",
                                                          "--status", many=True)))
        post = edit.Post(at=posting.at, state=state, body=_message(message), statuses=pairs,
                         next_update=posting.time(next_update), eta=posting.time(eta))
        with posting.locked():
            path = edit.new_path(posting.content, title, posting.at.date())
            text = edit.new_file(title, post, areas=areas, impact=impact, ticket=ticket,
                                 schema=edit.schema_link(posting.content, path))
            path = posting.save(path, text, f"Open {path.stem}: {title} ({state})", commit, push, new=True)
    click.echo(f"{report.shown(path, Path.cwd())}\n{path.stem}")


@main.command("update")
@site_option
@click.argument("ident", metavar="ID")
@click.option("--state", help="investigating | identified | monitoring | resolved (maintenance: in_progress, ...).")
@message_option
@status_option
@_options(promise_options)
@at_option
@_options(commit_options)
def update_incident(folder, ident, state, message, status_pairs, eta, next_update, at_text, commit, push) -> None:
    """Post an update to an incident or maintenance: appends it after the last one, changing nothing else.

    \b
    Example:
      statusgen update 2026-11-26-calls-fail-in-millbrook --state identified --status phone=partial_outage \\
                       -m "A cut fiber near Ashford. Crews are on site." --eta "+4h" --next-update +1h
    """
    _post(folder, ident, state, message, status_pairs, eta, next_update, at_text, commit, push)


CLOSING = object()  # resolve: the state that ends the file's kind (resolved, or completed for maintenance)


def _post(folder, ident, state, message, status_pairs, eta, next_update, at_text, commit, push,
          window: tuple[str, str] | None = None) -> None:
    with refusals(folder, "text", UNCHANGED):
        posting = Posting(folder, at_text)
        path = edit.find(posting.content, ident)
        if state is not CLOSING:
            state = state or _ask(None, "State", "--state")
        body = _message(message)  # asked before the lock: a post waiting for a person holds nobody up
        with posting.locked():  # the file is read inside it: an update another post just added is kept
            source = edit.Source.read(path)
            state = source.closing_state() if state is CLOSING else state
            post = edit.Post(at=posting.at, state=state, body=body, statuses=edit.statuses(status_pairs),
                             next_update=posting.time(next_update), eta=posting.time(eta))
            text = edit.append_update(source, post)
            if window:
                for key, value in zip(("start", "end"), window):
                    if value:
                        text = edit.replace_value(source, text, ("window", key), edit.written(posting.time(value)))
            posting.save(path, text, f"Update {path.stem}: {state}", commit, push)
    click.echo(f"{report.shown(path, Path.cwd())}: {state} at {edit.written(post.at)}")


@main.command("resolve")
@site_option
@click.argument("ident", metavar="ID")
@message_option
@at_option
@_options(commit_options)
def resolve_incident(folder, ident, message, at_text, commit, push) -> None:
    """Resolve an incident (a maintenance: complete it) with a last update.

    \b
    Example:
      statusgen resolve 2026-11-26-calls-fail-in-millbrook -m "Calls work again. Tell us if you still have trouble."
    """
    _post(folder, ident, CLOSING, message, (), None, None, at_text, commit, push)


@main.command("maintenance")
@site_option
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--title", help="What the work is, in the customer's words (a new window).")
@status_option
@click.option("--area", "areas", multiple=True, help="An area affected (repeat; default: every area of the services).")
@click.option("--start", help=f"When the window starts ({edit.RELATIVE_HELP}).")
@click.option("--end", help=f"When it ends ({edit.RELATIVE_HELP}).")
@click.option("--cancel", is_flag=True, help="Cancel the window ID.")
@message_option
@at_option
@_options(commit_options)
def maintenance(folder, ident, title, status_pairs, areas, start, end, cancel, message, at_text, commit, push) -> None:
    """Schedule a maintenance window; with ID, move it (--start/--end) or cancel it (--cancel), with an update.

    \b
    Examples:
      statusgen maintenance --title "Phone switch upgrade" --status phone=under_maintenance \\
                            --start "2026-12-03 02:00" --end "2026-12-03 04:00" -m "Calls may drop for a minute."
      statusgen maintenance 2026-11-26-phone-switch-upgrade --start "2026-12-10 02:00" --end "2026-12-10 04:00" \\
                            -m "Moved a week later."
      statusgen maintenance 2026-11-26-phone-switch-upgrade --cancel -m "Not needed after all."
    """
    if ident:
        state = "cancelled" if cancel else "scheduled"
        _post(folder, ident, state, message, status_pairs, None, None, at_text, commit, push,
              window=None if cancel else (start, end))
        return
    with refusals(folder, "text", UNCHANGED):
        posting = Posting(folder, at_text)
        title = _ask(title, "Title", "--title")
        window = (posting.time(_ask(start, "Start", "--start")), posting.time(_ask(end, "End", "--end")))
        post = edit.Post(at=posting.at, state="scheduled", body=_message(message),
                         statuses=edit.statuses(status_pairs or ("",)))
        with posting.locked():
            path = edit.new_path(posting.content, title, posting.at.date())
            text = edit.new_file(title, post, kind="maintenance", areas=areas, window=window,
                                 schema=edit.schema_link(posting.content, path))
            path = posting.save(path, text, f"Schedule {path.stem}: {title}", commit, push, new=True)
    click.echo(f"{report.shown(path, Path.cwd())}\n{path.stem}")


@main.command("list")
@site_option
@at_option
def list_open(folder: Path, at_text: str) -> None:
    """What is open, what is upcoming, and which promised updates are due or overdue, with times.

    \b
    Example:
      statusgen list
    """
    with refusals(folder, "text"):
        posting = Posting(folder, at_text)
        site = load_site(posting.content, str(posting.tz))
    lines = edit.open_and_upcoming(site, posting.at)
    click.echo("\n".join(lines) if lines else f"nothing open or upcoming as of {edit.written(posting.at)}")


def _ask(value, prompt: str, option: str, many: bool = False):
    """An option's value, asked for in a terminal when it was not given; a usage error (exit 2) elsewhere."""
    if value:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"missing {option} (in a terminal, statusgen asks for it)")
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


def entry() -> None:
    """The `statusgen` program: main(), then out without Python's tear-down of every module it loaded (Pelican,
    Jinja and the rest: a tenth of a second at every build). Everything that closes or cleans up has run by then,
    in the commands' own `with` and `finally` blocks; the logs and standard streams are flushed here."""
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    if threading.active_count() > 1:  # a thread still at work (none should be): leave as Python does, waiting
        sys.exit(code)
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # python -m statusgen.cli
    entry()
