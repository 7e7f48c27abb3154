"""The `statusgen` command: a thin layer over the library. Problems print as `path:line: message`, exit 1."""
from __future__ import annotations

import dataclasses
import logging
import os
import signal
import sys
import threading
from datetime import datetime, timedelta, timezone
from contextlib import contextmanager
from pathlib import Path

import click

from . import drafts, edit, forms, publish, repo, report, scaffold
from . import install as install_  # `install` is init's option
from . import notify as notify_module
from . import config as config_module, settings as settings_file
from .errors import ContentError, Problem, Problems, Refusal
from .cache import CACHE_DIR
from .cache import prepare as prepare_cache
from .due import due as due_moments
from .fields import OPEN_STATUSES
from .load import CATALOG_FILE, load_catalog, load_site
from .locate import SiteFolder, find_site
from .model import IMPACTS, STATES, STATUSES
from .texts import untranslated_notes
from .times import RELATIVE_FORMAT, TIME_FORMAT, zone
from .wording import counted

# The clock, for tests: ISO 8601 with an offset, read by the command line alone (never by rendering, which gets
# the build time) in place of the system clock, so that `now` and `+30m` give the same times in every run.
NOW_VARIABLE = "STATUSGEN_NOW"
TIME_HELP = f"{TIME_FORMAT} in the site's zone, or relative: {RELATIVE_FORMAT}"


def clock() -> datetime:
    """The one reading of the clock a command makes (relative times all count from it): STATUSGEN_NOW when set."""
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        return repo.parse_moment(fixed, NOW_VARIABLE)
    return repo.clock()


def given(text: str | None, option: str, now: datetime, tz) -> datetime | None:
    """A TIME option's value (times.given_time); Refusal naming the option when it is not a time."""
    return edit.when(text, now, tz, option) if text else None


def change_folder(ctx: click.Context, param: click.Parameter, folder: Path | None) -> Path | None:
    """-C DIR: act as if started in DIR (relative paths, the site found from there), as git does. Eager, so that
    the options after it are read there too; Commands.invoke goes back to the folder it started in."""
    if folder is not None:
        os.chdir(folder)
    return folder


site_option = click.option("-C", "change_to", type=click.Path(exists=True, file_okay=False, path_type=Path),
                           is_eager=True, expose_value=False, callback=change_folder,
                           help="Act as if started in this folder (as git -C does).")


format_option = click.option("--format", "fmt", type=click.Choice(sorted(report.FORMATS)), default="text",
                             show_default=True, help=report.FORMAT_HELP)
settings_option = click.option("-s", "--settings", type=click.Path(path_type=Path),
                               help=f"Pelican settings (default: the site's {settings_file.DEFAULT_FILE}).")
cache_option = click.option("--cache", type=click.Path(path_type=Path),
                            help=f"The build cache's folder (default: {CACHE_DIR} in the site's folder; safe to "
                                 "delete).")
no_cache_option = click.option("--no-cache", is_flag=True, help="Work everything out afresh; read or write no cache.")


def cache_folder(site: SiteFolder, cache: Path | None, no_cache: bool) -> Path | None:
    """Where the build cache is (made when first used: the site's own folder, never inside content/), or None
    with --no-cache."""
    return None if no_cache else (cache or site.root / CACHE_DIR).resolve()


timezone_option = click.option("--timezone", "tz", help="Zone of times written without an offset (default: TIMEZONE "
                                                        "of the settings, else UTC).")


def fail(err: ContentError, path: Path, fmt: str, outcome: str = "nothing was built") -> None:
    """Report every problem found in the chosen format and exit 1 (`path`: where the command looked; CI formats
    give paths from the root of the repository holding it)."""
    report.problems(err.problems, path, fmt, click.echo, outcome)
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
        for line in str(err).splitlines():
            click.echo(f"statusgen: {line}", err=True)
        sys.exit(1)
    except publish.BuildFailed as err:
        sys.stderr.write(err.log)
        report.failure(str(err), fmt, click.echo)
        sys.exit(1)
    except publish.Stopped as stop:
        click.echo(f"stopped by signal {stop.signum}: nothing was replaced", err=True)
        sys.exit(128 + stop.signum)


def read_settings(site: SiteFolder, settings: Path | None, tz: str | None, values_only: bool = False) -> dict:
    """The settings every command works with: the file given with -s (else the site's pelicanconf.py when there
    is one), read once, by Pelican's reader; --timezone over its TIMEZONE. `values_only`: see settings.read."""
    overrides = {"TIMEZONE": tz} if tz else {}
    return settings_file.read(settings or site.root / settings_file.DEFAULT_FILE, required=settings is not None,
                              overrides=overrides, values_only=values_only)


def settings_path(site: SiteFolder, settings: Path | None) -> Path | None:
    """The settings file a command reads (-s, else the site's pelicanconf.py), or None when there is none."""
    path = (settings or site.root / settings_file.DEFAULT_FILE).resolve()
    return path if path.is_file() else None


def site_languages(site: SiteFolder, settings: Path | None, raw: dict) -> tuple[str, ...]:
    """The site's languages alone, the default first (config.languages); ContentError at the settings' line."""
    return config_module.languages(raw, settings_path(site, settings))


def checked_settings(site: SiteFolder, settings: Path | None, raw: dict, tz: str | None = None
                     ) -> tuple[config_module.Config, list[Problem]]:
    """The settings checked (statusgen.config) and their problems, for the commands that do not build: what the
    build would refuse, they report; they go on with the defaults in place of bad values."""
    return config_module.validate(raw, settings_path(site, settings), content=site.content,
                                  given=("TIMEZONE",) if tz else ())


def site_zone(site: SiteFolder, settings: Path | None, raw: dict, tz: str | None = None):
    """The zone of the settings' TIMEZONE alone; ContentError (the check's problem) when it is not one."""
    return zone(config_module.timezone(raw, settings_path(site, settings), given=("TIMEZONE",) if tz else ()))


class Commands(click.Group):
    """The command group: what the system refused (a folder that cannot be written, a missing file) is one
    line and exit status 1, not a traceback; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        started_in = os.getcwd()  # -C changes folder; a command run in this process (a test's) goes back
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
        finally:
            os.chdir(started_in)


@click.group(cls=Commands)
# the version pyproject.toml gives, as the installed distribution records it: one source
@click.version_option(package_name="statusgen", prog_name="statusgen", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.option("-C", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Act as if started in this folder (as git -C does); each command also takes -C.")
@click.pass_context
def main(ctx: click.Context, debug: bool, folder: Path | None) -> None:
    """statusgen: a static status page from incident files in git.

    Every command finds the site from any folder inside it (as git finds its repository).
    """
    if folder is not None:
        os.chdir(folder)
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s: %(message)s")


path_argument = click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
build_time_option = click.option("--build-time", help=f"The time the site shows as 'as of' ({TIME_HELP}; default: "
                                                      "SOURCE_DATE_EPOCH when set, else now).")


@main.command()
@site_option
@path_argument
@settings_option
@timezone_option
@format_option
@cache_option
@no_cache_option
@build_time_option
def check(path: Path, settings: Path | None, tz: str | None, fmt: str, cache: Path | None, no_cache: bool,
          build_time: str | None) -> None:
    """Validate a site's content: the catalog and every incident file; say which updates a build now (or at
    --build-time) would not show yet.

    \b
    Examples:
      statusgen check                      (from the site's folder or any folder inside it)
      statusgen check . -s publishconf.py  (times read in the TIMEZONE those settings give)
      statusgen check . --format github    (in GitHub Actions: annotations on the offending lines)
      statusgen check . --format gitlab > gl-code-quality-report.json    (GitLab merge requests)
    """
    now = clock()
    with refusals(path, fmt):
        found = find_site(path)
        values, wrong = checked_settings(found, settings, read_settings(found, settings, tz, values_only=True), tz)
        try:
            site = load_site(found.content, values.timezone,
                             cache=prepare_cache(cache_folder(found, cache, no_cache),
                                                 lambda note: click.echo(note, err=True)),
                             languages=values.site_languages)
        except ContentError as err:
            raise ContentError(wrong + list(err.problems)) from None
        if wrong:
            raise ContentError(wrong)
        notify_module.load_routes(found.content, site.catalog)  # content/channels.yml, when there is one
        drafts.check_site(found.root, found.content, site.catalog)  # issue forms, alerts.yml
        ahead = site.dated_ahead(now)
        if ahead:
            raise ContentError([Problem(*found_) for found_ in ahead])
        when = given(build_time, "--build-time", now, values.zone)
        when = repo.build_time(when and when.astimezone(timezone.utc), now=now)  # what `build` would show
    later = [Problem(path_, 1, note) for path_, note in site.unposted(when)] + [
        Problem(*found_) for found_ in site.starts_not_given()]
    untranslated = [Problem(*note) for note in untranslated_notes(site.untranslated())]
    maintenance = sum(1 for i in site.incidents if i.is_maintenance)
    catalog = site.catalog
    summary = (f"ok: {counted(len(catalog.components), 'component')} in {counted(len(catalog.areas), 'area')}, "
               f"{counted(len(site.incidents) - maintenance, 'incident')} and "
               f"{counted(maintenance, 'maintenance window')}")
    if fmt == "gitlab":  # the report, with the warnings only: nothing else to show on the merge request
        click.echo(report.gitlab_report(later, report.repo_root(found.root), severity="minor", notes=untranslated))
        report.notes(later, found.root, "text", click.echo)
        report.notes(untranslated, found.root, "text", click.echo, kind="note")
        click.echo(summary, err=True)
    else:
        report.notes(later, found.root, fmt, click.echo)
        report.notes(untranslated, found.root, fmt, click.echo, kind="note")
        click.echo(summary)


@main.command()
@site_option
@path_argument
@settings_option
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: the site's output/).")
@build_time_option
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
      statusgen build -o output --build-time "2026-11-22 12:00Z"    (or --build-time now, 18:00, +2h)
      statusgen build . -s publishconf.py -o output    (production: absolute URLs from STATUSGEN_SITEURL)
    """
    now = clock()
    with refusals(path, fmt):
        found = find_site(path)
        root = found.root
        settings = settings or root / settings_file.DEFAULT_FILE
        # The file's own values checked, as `check` checks them (Pelican's reader would drop or choke on some); then
        # as Pelican's reader makes them (paths absolute), for the build. A file that cannot load is one line.
        on_command_line = ("TIMEZONE",) if tz else ()
        settings_file.checked(settings, read_settings(found, settings, tz, values_only=True), found.content,
                              on_command_line)
        raw = read_settings(found, settings, tz)
        values = settings_file.checked(settings, raw, given=on_command_line)
        when = given(build_time, "--build-time", now, values.zone)
        when = when and when.astimezone(timezone.utc)  # the build time is shown and passed on in UTC, as ever
        job = publish.Build(site=root, content=found.content, settings=settings, timezone=tz,
                            output=(output or root / "output").resolve(),
                            when=repo.build_time(when, now=now), clock=now,
                            overrides=settings_file.build_overrides(settings, raw, found.content, values),
                            cache=cache_folder(found, cache, no_cache), timings=timings)
        notes = publish.run(job, force, say=lambda message: click.echo(message, err=True))
    report.notes(notes, root, fmt, click.echo)
    click.echo(f"built {job.output} as of {job.when.isoformat()}")


@main.command()
@site_option
@path_argument
@settings_option
@click.option("--since", required=True, help=f"When the site in place was built ({TIME_HELP}).")
@click.option("--now", "now_text", help=f"The time of the build that would run ({TIME_HELP}; default: now).")
def due(path: Path, settings: Path | None, since: str, now_text: str | None) -> None:
    """Say whether a build now would show anything a build at --since did not: exit 0 and say what when it would,
    exit 3 when nothing fell due (a scheduled job may then skip its build), 1 on a problem.

    \b
    Example (a scheduled job that rebuilds only when needed; the last build was 15 minutes ago):
      statusgen due . --since "$(date -u -d '-15 min' +%Y-%m-%dT%H:%M:%SZ)" && statusgen build ...
    """
    now = clock()
    with refusals(path, "text"):
        place = find_site(path)
        values = config_module.load(read_settings(place, settings, None), settings_path(place, settings))
        tz = values.zone
        start = given(since, "--since", now, tz)
        end = given(now_text, "--now", now, tz) if now_text else now
        site = load_site(place.content, values.timezone, languages=values.site_languages)
        found = due_moments(site, start, end, values.recent_days)
    for moment in found:
        click.echo(f"{moment.at.isoformat()}: {moment.what}")
    if not found:
        click.echo(f"nothing falls due between {start.isoformat()} and {end.isoformat()}", err=True)
        sys.exit(3)


@main.command()
@site_option
@path_argument
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

    with refusals(path, "text"):
        found = find_site(path)
        root = found.root
        preview.serve(root, found.content, settings or root / settings_file.DEFAULT_FILE, bind=bind, port=port,
                      timezone=tz, say=lambda message: click.echo(message, err=True))


# --- posting: new, update, resolve, maintenance, list ---------------------------------------------------------

UNCHANGED = "no file was changed"
at_option = click.option("--at", "at_text", default="now", show_default=True,
                         help=f"When it was posted ({TIME_HELP}).")
message_option = click.option("-m", "--message", multiple=True,
                              help="What to tell readers (Markdown; several lines are kept as written). On a site of "
                                   "several languages, repeat with LANG=TEXT for each other language (-m fr=\"Les "
                                   "appels échouent\"); -m repeated for one language adds paragraphs.")
status_option = click.option("--status", "status_pairs", multiple=True,
                             help="service=status, e.g. phone=major_outage or \"Fiber internet=major outage\" (an id "
                                  "or a name; repeat for each).")
area_option = click.option("--area", "areas", multiple=True, help="An area affected, by id or name (repeat; default: "
                                                                  "every area of the services).")
promise_options = [click.option("--eta", help=f"The expected resolution ({TIME_HELP}; relative to the post's time)."),
                   click.option("--next-update", help=f"When the next update is promised ({TIME_HELP})."),]
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
    """What every posting command shares: the site (found from the current folder), its zone, its catalog (names
    typed for services and areas become ids), the one clock reading relative times count from, the mistakes
    found in the options (all refused at once, before anything is written), and the write."""

    def __init__(self, at_text: str = "now"):
        self.site = find_site(Path("."))
        self.content = self.site.content
        raw = read_settings(self.site, None, None)
        self.tz = site_zone(self.site, None, raw)
        self.languages = site_languages(self.site, None, raw)
        catalog = load_catalog(self.content / CATALOG_FILE, Problems(), self.site.root, self.languages)
        self.asked = edit.Asked(catalog if catalog is not None and catalog.components and catalog.areas else None)
        self.now = clock().replace(second=0)  # posts are timed to the minute
        self.at = self.time(at_text, "--at", self.now) or self.now

    def time(self, text: str | None, option: str, base: datetime | None = None) -> datetime | None:
        """A time given with the post: relative ones (+30m, 18:00) count from the post's own time. A mistake is
        kept for `asked.done()`."""
        try:
            return given(text, option, base or self.at, self.tz)
        except Refusal as err:
            self.asked.mistakes.append(str(err))
            return None

    def past(self, text: str | None, option: str) -> datetime | None:
        """A time that has been (--since): a clock time such as 15:20 is the last one before the post, not the
        next one as for a promise."""
        moment = self.time(text, option)
        if moment is not None and moment > self.at and edit.is_clock_time(text):
            moment -= timedelta(days=1)
        return moment

    def locked(self):
        """The site's posting lock (edit.posting_lock): what a post reads, checks and writes, it does inside it."""
        waiting = f"waiting for another post to {report.shown(self.content, Path.cwd())} to finish"
        return edit.posting_lock(self.content, lambda: click.echo(waiting, err=True))

    def save(self, path: Path, text: str, what: str, commit: bool, push: bool, new: bool = False) -> Path:
        """Check and write the file (a new one never over another: edit.create), commit and push; the path written."""
        edit.validate(path, text, self.content, self.tz, self.languages)
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


    def text(self, values: tuple[str, ...], option: str, prompt: str, paragraphs: bool = True) -> str | dict[str, str]:
        """A text typed in the site's languages (edit.Asked.text), asked for in a terminal when not given."""
        mistakes = len(self.asked.mistakes)
        found = self.asked.text(option, values, self.languages, paragraphs)
        if len(self.asked.mistakes) > mistakes:
            return ""  # refused with the others by asked.done()
        return found or _ask(None, prompt, option)


def _message(posting: Posting, message: tuple[str, ...]) -> str | dict[str, str]:
    return posting.text(message, "-m/--message", "Message to readers")


@main.command("new")
@site_option
@click.option("--title", multiple=True, help="What is wrong, in the customer's words (LANG=TEXT for another of the "
                                             "site's languages, as -m).")
@status_option
@area_option
@message_option
@click.option("--state", default="investigating", show_default=True, help="investigating | identified | monitoring.")
@click.option("--impact", help="none | minor | major | critical (default: from the statuses).")
@click.option("--ticket", help="The internal ticket, published.")
@_options(promise_options)
@at_option
@click.option("--started", "started_text", help=f"When it began, if before this first post ({TIME_HELP}; a time of "
                                                  "day is the last one before the post). Without it, the time to "
                                                  "acknowledge is \"start not given\".")
@_options(commit_options)
def new_incident(title, status_pairs, areas, message, state, impact, ticket, eta, next_update, at_text, started_text,
                 commit, push) -> None:
    """Open an incident: writes content/incidents/YYYY-MM-DD-slug.md with its first update, prints its path and id.

    \b
    Example:
      statusgen new --title "Calls fail in Millbrook" --status phone=major_outage --area Millbrook \\
                    -m "Calls into and out of Millbrook fail. We are on it." --next-update +30m --started 01:40 --commit
    """
    with refusals(Path("."), "text", UNCHANGED):
        posting = Posting(at_text)
        asked = posting.asked
        title = posting.text(title, "--title", "Title", paragraphs=False)
        pairs = edit.statuses(status_pairs or tuple(_ask(None, "Services and statuses (phone=major_outage)",
                                                          "--status", many=True)))
        post = edit.Post(at=posting.at, state=asked.choice("--state", state, STATES["incident"], "incident state"),
                         body=_message(posting, message), statuses=asked.statuses(pairs, OPEN_STATUSES),
                         next_update=posting.time(next_update, "--next-update"), eta=posting.time(eta, "--eta"))
        areas, impact = asked.areas(areas), asked.choice("--impact", impact, IMPACTS, "impact")
        started = posting.past(started_text, "--started")
        asked.done()
        with posting.locked():
            path = edit.new_path(posting.content, title, posting.at.date())
            text = edit.new_file(title, post, areas=areas, impact=impact, ticket=ticket, started=started,
                                 schema=edit.schema_link(posting.content, path))
            path = posting.save(path, text, f"Open {path.stem}: {edit.default_text(title)} ({post.state})", commit,
                                push, new=True)
    click.echo(f"{report.shown(path, Path.cwd())}\n{path.stem}")


since_option = click.option("--since", "since_text", help="When what it reports happened, if before the post "
                                                          f"(service back at 15:20, posted 15:35; {TIME_HELP}; a time "
                                                          "of day is the last one before the post).")


@main.command("update")
@site_option
@click.argument("ident", metavar="ID")
@click.option("--state", help="investigating | identified | monitoring | resolved (maintenance: in_progress, ...); "
                              "default: the state it is in.")
@message_option
@status_option
@_options(promise_options)
@at_option
@since_option
@_options(commit_options)
def update_incident(ident, state, message, status_pairs, eta, next_update, at_text, since_text, commit,
                    push) -> None:
    """Post an update to an incident or maintenance: appends it after the last one, changing nothing else.
    Without --state it stays in the state it is in.

    \b
    Examples:
      statusgen update 2026-11-26-calls-fail-in-millbrook --state identified --status phone=partial_outage \\
                       -m "A cut fiber near Ashford. Crews are on site." --eta 18:00 --next-update +1h
      statusgen update 2026-11-26-calls-fail-in-millbrook -m "Still splicing; no change." --next-update +1h
      statusgen update 2026-11-26-calls-fail-in-millbrook -m "Crews are on site." -m fr="Nos équipes sont sur place."
                       (a site in English and French: STATUSGEN_LANGUAGES = ["en", "fr"])
    """
    _post(ident, state, message, status_pairs, eta, next_update, at_text, commit, push, since=since_text)


CLOSING = object()  # resolve: the state that ends the file's kind (resolved, or completed for maintenance)


def _post(ident, state, message, status_pairs, eta, next_update, at_text, commit, push,
          window: tuple[str, str] | None = None, since: str | None = None) -> None:
    with refusals(Path("."), "text", UNCHANGED):
        posting = Posting(at_text)
        asked = posting.asked
        path = edit.find(posting.content, ident)
        kind = edit.Source.read(path).kind()
        if state is not CLOSING and state:
            state = asked.choice("--state", state, STATES[kind], f"{kind} state")
        body = _message(posting, message)  # asked before the lock: a post waiting for a person holds nobody up
        statuses = asked.statuses(edit.statuses(status_pairs), STATUSES)
        promised = dict(next_update=posting.time(next_update, "--next-update"), eta=posting.time(eta, "--eta"),
                        since=posting.past(since, "--since"))
        moved = [(key, posting.time(value, f"--{key}")) for key, value in zip(("start", "end"), window or ()) if value]
        asked.done()
        with posting.locked():  # the file is read inside it: an update another post just added is kept
            source = edit.Source.read(path)
            if state is CLOSING:
                state = source.closing_state()
            elif not state:  # the state it is in: an update that only says more, or promises the next one
                state = source.current_state() or _ask(None, "State", "--state")
            post = edit.Post(at=posting.at, state=state, body=body, statuses=statuses, **promised)
            text = edit.append_update(source, post)
            for key, value in moved:
                text = edit.replace_value(source, text, ("window", key), edit.written(value))
            posting.save(path, text, f"Update {path.stem}: {state}", commit, push)
    click.echo(f"{report.shown(path, Path.cwd())}: {state} at {edit.written(post.at)}")


@main.command("resolve")
@site_option
@click.argument("ident", metavar="ID")
@message_option
@at_option
@since_option
@_options(commit_options)
def resolve_incident(ident, message, at_text, since_text, commit, push) -> None:
    """Resolve an incident (a maintenance: complete it) with a last update.

    \b
    Example:
      statusgen resolve 2026-11-26-calls-fail-in-millbrook -m "Calls work again. Tell us if you still have trouble."
      statusgen resolve 2026-11-26-calls-fail-in-millbrook --since 15:20 -m "Calls have worked since 3:20 pm."
    """
    _post(ident, CLOSING, message, (), None, None, at_text, commit, push, since=since_text)


@main.command("maintenance")
@site_option
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--title", multiple=True, help="What the work is, in the customer's words (a new window; LANG=TEXT for "
                                             "another of the site's languages, as -m).")
@status_option
@area_option
@click.option("--start", help=f"When the window starts ({TIME_HELP}).")
@click.option("--end", help=f"When it ends ({TIME_HELP}).")
@click.option("--cancel", is_flag=True, help="Cancel the window ID.")
@message_option
@at_option
@_options(commit_options)
def maintenance(ident, title, status_pairs, areas, start, end, cancel, message, at_text, commit, push) -> None:
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
        _post(ident, state, message, status_pairs, None, None, at_text, commit, push,
              window=None if cancel else (start, end))
        return
    with refusals(Path("."), "text", UNCHANGED):
        posting = Posting(at_text)
        asked = posting.asked
        title = posting.text(title, "--title", "Title", paragraphs=False)
        window = (posting.time(_ask(start, "Start", "--start"), "--start"),
                  posting.time(_ask(end, "End", "--end"), "--end"))
        post = edit.Post(at=posting.at, state="scheduled", body=_message(posting, message),
                         statuses=asked.statuses(edit.statuses(status_pairs or ("",)), OPEN_STATUSES))
        areas = asked.areas(areas)
        asked.done()
        with posting.locked():
            path = edit.new_path(posting.content, title, posting.at.date())
            text = edit.new_file(title, post, kind="maintenance", areas=areas, window=window,
                                 schema=edit.schema_link(posting.content, path))
            path = posting.save(path, text, f"Schedule {path.stem}: {edit.default_text(title)}", commit, push,
                                new=True)
    click.echo(f"{report.shown(path, Path.cwd())}\n{path.stem}")


@main.command("list")
@site_option
@at_option
def list_open(at_text: str) -> None:
    """What is open, what is upcoming, which promised updates are due or overdue and which expected resolutions
    have passed, with times.

    \b
    Example:
      statusgen list
    """
    with refusals(Path("."), "text"):
        posting = Posting(at_text)
        posting.asked.done()
        site = load_site(posting.content, str(posting.tz), languages=posting.languages)
    lines = edit.open_and_upcoming(site, posting.at)
    click.echo("\n".join(lines) if lines else f"nothing open or upcoming as of {edit.written(posting.at)}")


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@site_option
@settings_option
@click.option("--build-time", help=f"Send what is posted by then ({TIME_FORMAT}, or now, +2h, 18:00; default: now).")
@click.option("--channels", "channels_file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"A file of channels in Apprise's text or YAML form, outside the repository (default: the "
                   f"environment variable {notify_module.ENVIRONMENT}).")
@click.option("--remote", default="origin", show_default=True,
              help="The git remote the ledger is fetched from and pushed to (a site with none keeps it locally).")
@click.option("--lease", type=click.FloatRange(0), help="Minutes a run's claim stays its own before the next run "
              "counts it uncertain (default: STATUSGEN_NOTIFY_LEASE_MINUTES, else 5).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent where; send and record nothing.")
def notify(path: Path, settings: Path | None, build_time: str | None, channels_file: Path | None,
           remote: str, lease: float | None, dry_run: bool) -> None:
    """Send each update posted by the build time to every channel routed to it, once; remind the team of
    promises falling due. Exit 1 when a send failed (each said on one line; the next run sends it again).

    Channels are Apprise URLs with tags, one TAGS=URL a line, in STATUSGEN_CHANNELS or a file outside the
    repository (--channels); content/channels.yml ties channel names to routing tags. What was sent is recorded
    on the branch statusgen-notify of the site's repository, pushed to --remote.

    \b
    Example (after the publish step of CI, with the channels in a secret):
      STATUSGEN_CHANNELS='noc=mailto://user:pass@smtp.example.com?to=noc@example.com
      team=mmosts://chat.example.com/hooktoken' statusgen notify . -s publishconf.py
    """
    now = clock()
    if not (click.get_current_context().find_root().obj or {}).get("debug"):
        # Apprise's own warnings: each failure is said once, on its line below (with Apprise's words)
        apprise_log = logging.getLogger("apprise")
        apprise_log.propagate = False
        apprise_log.addHandler(logging.NullHandler())
    with refusals(path, "text", "nothing was sent"):
        found = find_site(path)
        root = found.root
        values, wrong = checked_settings(found, settings, read_settings(found, settings, None, values_only=True))
        site = load_site(found.content, values.timezone, languages=values.site_languages)
        if wrong:
            raise ContentError(wrong)
        routes = notify_module.load_routes(found.content, site.catalog)
        text, source = _channels_text(channels_file, root)
        channels = notify_module.read_channels(text, source, site.catalog, routes)
        when = (given(build_time, "--build-time", now, values.zone) or now).astimezone(timezone.utc)
        top = repo.repo_root(root, fallback=None)
        if top is None and not dry_run:
            raise Refusal(f"{root}: not in a git repository (the ledger of what was sent is kept in the site's "
                          f"repository: run git init)")
        ledger = notify_module.Ledger(top, remote, required_remote=remote != "origin") if top else \
            notify_module.NO_LEDGER  # a dry run outside git: as a first run would go
        stop = threading.Event()
        # A cancelled CI job gets SIGTERM: the run stops between two channels and records what it did, so that the
        # next run neither repeats what was sent nor calls it uncertain.
        before = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        try:
            outcome = notify_module.run(site, when, channels, ledger, notify_settings(values, lease),
                                        dry_run=dry_run, say=click.echo, stopping=stop.is_set)
        finally:
            signal.signal(signal.SIGTERM, before)
    for note in notify_module.unrouted(routes, channels, Path(report.shown(found.content, Path.cwd()))):
        click.echo(f"note: {note}", err=True)
    if values.absolute_url is None:
        click.echo("note: SITEURL is not an absolute URL: links in messages lead nowhere (set it, or give -s "
                   "publishconf.py)", err=True)
    pinged = [] if dry_run else _ping_hub(site, values, outcome)
    for failure in pinged:
        click.echo(f"failed: WebSub hub: {failure} (pinged again when the next update is sent)", err=True)
    _notify_report(outcome, when, dry_run, failed=bool(pinged))


def _ping_hub(site, values: config_module.Config, outcome) -> list:
    """Tell the site's WebSub hub (STATUSGEN_WEBSUB_HUB) which feeds the updates just sent are in; the pings that
    failed. Reminders are not in any feed."""
    from . import websub
    from .feeds import site_feeds

    hub = values.subscribing.hub
    incidents = {plan.message.incident.id: plan.message.incident for plan in outcome.sent
                 if plan.message.kind != "reminder"}
    if not hub or not incidents:
        return []
    feeds = site_feeds(site, values.urls.url)
    return websub.ping(hub, websub.topics(feeds, incidents.values(), values.siteurl))


def _channels_text(channels_file: Path | None, root: Path) -> tuple[str, str]:
    """The channels' text and where it came from; a file inside the site's repository is refused (a usage error:
    the URLs hold secrets and must not be committed)."""
    if channels_file is None:
        text = os.environ.get(notify_module.ENVIRONMENT, "")
        if not text.strip():
            raise click.UsageError(f"no channels: set {notify_module.ENVIRONMENT} (one TAGS=URL a line) or give "
                                   f"--channels FILE")
        return text, notify_module.ENVIRONMENT
    top = repo.repo_root(root, fallback=None) or root.resolve()
    where = channels_file.resolve()
    if where.is_relative_to(top.resolve()):
        raise click.BadParameter(f"{channels_file} is inside the site's repository (expected a file outside it: "
                                 f"channel URLs hold secrets)", param_hint="--channels")
    try:
        return where.read_text(encoding="utf-8-sig"), str(channels_file)
    except OSError as err:
        raise click.BadParameter(f"{channels_file}: {err.strerror}", param_hint="--channels") from None


def notify_settings(values: config_module.Config, lease: float | None) -> notify_module.Settings:
    """What notify reads from the settings: the site's name and URL for links, List-Id and footers, the reminder's
    warning time, the lease, and the rate of messages on one channel."""
    from .messages import Wording

    from . import i18n

    i18n.activate(values.site_languages[0])  # messages are in the site's default language
    contact = values.contact
    words = Wording(site_name=values.sitename or "Status", site_url=values.siteurl.rstrip("/"), urls=values.urls,
                    ticket_url=values.ticket_url, authority=values.authority,
                    unsubscribe=values.notify_unsubscribe or (f"tell us: {contact}" if contact else ""))
    return notify_module.Settings(
        words=words, warning=timedelta(minutes=values.reminder_minutes),
        lease=timedelta(minutes=lease if lease is not None else values.notify_lease_minutes),
        rate=values.notify_rate_seconds)


def _notify_report(outcome, when: datetime, dry_run: bool, failed: bool = False) -> None:
    for plan, claim in outcome.uncertain:
        click.echo(f"uncertain: {plan.channel.key}: {plan.message.subject}: claimed at {claim['at']} by a run that "
                   f"stopped before recording it (pid {claim.get('pid')} on {claim.get('host')}); "
                   f"{'would be sent' if dry_run else 'sent'} again, marked as possibly repeated", err=True)
    for plan, claim in outcome.left:
        click.echo(f"left to another run: {plan.channel.key}: {plan.message.subject} (claimed at {claim['at']})",
                   err=True)
    for plan in outcome.planned:
        click.echo(f"would send to {plan.channel.key}: {plan.message.subject}")
    for plan, error in outcome.failed:
        click.echo(f"failed: {plan.channel.key}: {plan.message.subject}: {error} (sent again by the next run)",
                   err=True)
    counts = (f"{len(outcome.planned)} to send" if dry_run else f"{len(outcome.sent)} sent, {len(outcome.failed)} failed")
    skipped = f", {outcome.skipped} {'to skip' if dry_run else 'skipped'} (new channel: only what is open or upcoming)" \
        if outcome.skipped else ""
    click.echo(f"notify as of {when.isoformat()}: {counts}{skipped}{' (dry run: nothing sent or recorded)' if dry_run else ''}")
    if outcome.failed or failed:
        sys.exit(1)


def _ask(value, prompt: str, option: str, many: bool = False):
    """An option's value, asked for in a terminal when it was not given; a usage error (exit 2) elsewhere."""
    if value:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"missing {option} (in a terminal, statusgen asks for it)")
    answer = click.prompt(prompt + (" (separate them with commas)" if many else ""))
    return [part.strip() for part in answer.split(",") if part.strip()] if many else answer


@main.command()
@site_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The organisation whose services the page reports on.")
@click.option("--area", "areas", multiple=True, help="A place the services are delivered (repeat for each).")
@click.option("--service", "services", multiple=True, help="A service customers use (repeat for each).")
@click.option("--url", default="", help="Where readers will find the page, e.g. https://status.example.com.")
@click.option("--timezone", "tz", default="UTC", show_default=True,
              help="The zone of times written without an offset, and shown on the pages (an IANA name).")
@click.option("--install", default="", help="What the CI files give pip to install statusgen: a requirement, a "
              "wheel URL or a git URL (default: where this statusgen came from, as pip recorded it: statusgen==THIS "
              "VERSION from the package index, the git URL at its commit, or, from a path CI cannot reach, its "
              "wheel kept in the site).")
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
                            services=list(_ask(services, "Services", "--service", many=True)))
    with refusals(Path("."), "text"):
        scaffold.refusal(folder, site)  # before a wheel is built for nothing
        how = install_.Install(install, f"CI installs {install}") if install else install_.for_ci()
        scaffold.create(folder, dataclasses.replace(site, install=how.requirement, wheel=how.wheel))
    click.echo(f"made a status page in {folder}: next, `cd {folder}` and `statusgen build` (see output/index.html), "
               f"then commit and push it with its CI files")
    click.echo(how.note)

# --- posting from elsewhere: draft (alerts), forms, post-from-issue --------------------------------------------

@dataclasses.dataclass(frozen=True)
class Reach:
    """The site as draft, forms and post-from-issue see it: the one place they find it and read its settings."""

    root: Path
    content: Path
    tz: object
    site_url: str
    languages: tuple[str, ...] = ("en",)

    @classmethod
    def find(cls) -> "Reach":
        found = find_site(Path("."))
        values = config_module.load(read_settings(found, None, None), settings_path(found, None))
        return cls(found.root, found.content, values.zone, values.siteurl, values.site_languages)

    def catalog(self):
        """The catalog; ContentError with its problems when it does not pass."""
        problems = Problems()
        catalog = load_catalog(self.content / CATALOG_FILE, problems, languages=self.languages)
        problems.raise_if_any()
        return catalog


@main.command("draft")
@site_option
@click.option("--from", "source", required=True, type=click.Choice(drafts.SOURCES),
              help="The tool that sent the payload.")
@click.argument("payload", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reply", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the pull request's body (firing) or the comment for it (resolved) to this file.")
@click.option("--outputs", type=click.Path(dir_okay=False, path_type=Path),
              help="Append name=value lines (state, path, id, branch, written) to this file, as $GITHUB_OUTPUT wants.")
@click.option("--merge-request", "merge_request", type=click.Path(dir_okay=False, path_type=Path),
              help="GitLab: write the API request body (JSON) for the draft's merge request (firing) or the note for "
                   "it (resolved) to this file; the texts then say merge request.")
@click.option("--target", default="main", show_default=True, help="GitLab: the branch the merge request goes into.")
def draft_incident(source: str, payload: Path, reply: Path | None, outputs: Path | None, merge_request: Path | None,
                   target: str) -> None:
    """Turn a monitoring tool's webhook payload into a draft incident, with services and areas from
    content/alerts.yml; prints its path and id. A resolved alert changes no file: it prints the comment for the
    draft's pull request. The same alert twice gives the same draft.

    \b
    Example:
      statusgen draft --from alertmanager payload.json
    """
    with refusals(Path("."), "text", UNCHANGED):
        site = Reach.find()
        outcome = drafts.from_payload(site.content, source, payload, site.tz, site.languages,
                                      "merge request" if merge_request else "pull request")
    d, path = outcome.draft, outcome.path
    values = {"state": "firing" if d.firing else "resolved", "path": report.shown(path, site.root)
              if path else "", "id": path.stem if path else "", "branch": d.branch,
              "title": outcome.title, "written": str(outcome.written).lower()}
    if reply:
        reply.write_text(outcome.reply, encoding="utf-8")
    if merge_request:
        import json

        merge_request.write_text(json.dumps(drafts.merge_request(outcome, target), ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    if outputs:
        with outputs.open("a", encoding="utf-8") as file:
            file.writelines(f"{k}={v}\n" for k, v in values.items())
    if not d.firing:
        click.echo(outcome.reply, nl=False)
        return
    click.echo(f"{report.shown(path, Path.cwd())}\n{path.stem}")
    if not outcome.written:
        click.echo("already drafted from this alert: no file was changed", err=True)

@main.command("forms")
@site_option
def write_forms() -> None:
    """Write the issue forms (incident, maintenance) from the catalog: GitHub's into .github/ISSUE_TEMPLATE/, and
    GitLab's issue templates into .gitlab/issue_templates/; run it again when the catalog changes (`statusgen check`
    says when).

    \b
    Example:
      statusgen forms
    """
    with refusals(Path("."), "text"):
        site = Reach.find()
        written = forms.write(site.root, site.catalog())
    click.echo("\n".join(report.shown(p, Path.cwd()) for p in written))

@main.command("post-from-issue")
@site_option
@click.option("--event", "event_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The GitHub event (in Actions: $GITHUB_EVENT_PATH), an issue opened or a comment made.")
@click.option("--permission", default="", help="The author's permission on the repository, as GitHub's API gives it "
                                               "(admin, maintain, write may post).")
@click.option("--reply", type=click.Path(dir_okay=False, path_type=Path), help="Write the answer for the issue here.")
@click.option("--outputs", type=click.Path(dir_okay=False, path_type=Path),
              help="Append posted=true|false and path=... to this file, as $GITHUB_OUTPUT wants.")
@click.option("--gitlab-member", type=click.Path(dir_okay=False, path_type=Path),
              help="GitLab: the author's membership as GitLab's API answers it (GET /projects/:id/members/all/"
                   ":user_id; missing or not JSON: no access); Developer or more posts. Instead of --permission.")
@click.option("--note", type=click.Path(dir_okay=False, path_type=Path),
              help="GitLab: write the answer as the API request body (JSON) of a note in the issue.")
@_options(commit_options)
def post_from_issue(event_file, permission, reply, outputs, gitlab_member, note, commit, push) -> None:
    """Post what an issue made with the status page's form, or a `/update` or `/resolve` comment in it, asks for:
    writes and checks the file as `statusgen new` and `update` do, and the answer for the issue. An issue or
    comment not meant for the status page gets no answer; a refused one gets the problems, and nothing changes.

    \b
    Example (in a workflow):
      statusgen post-from-issue --event "$GITHUB_EVENT_PATH" --permission "$PERMISSION" --reply reply.md --push
    """
    import json

    with refusals(Path("."), "text", UNCHANGED):
        site = Reach.find()
        catalog = site.catalog()
        try:
            event = json.loads(event_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise Refusal(f"{event_file}: not a GitHub event (expected JSON, got {err})") from None
        if gitlab_member:
            permission = drafts.gitlab_permission(_json_or_none(gitlab_member))
        answer = drafts.from_issue_event(site.content, event if isinstance(event, dict) else {}, permission,
                                         catalog, site.tz, site.site_url)
        if answer.posted and (commit or push):
            repo.commit(answer.path, f"Post {answer.path.stem} from an issue")
        if answer.posted and push:
            repo.push(answer.path.parent)
    if reply:
        reply.write_text(answer.text, encoding="utf-8")
    if note:
        note.write_text(json.dumps({"body": answer.text}, ensure_ascii=False) + "\n" if answer.text else "",
                        encoding="utf-8")
    if outputs:
        with outputs.open("a", encoding="utf-8") as file:
            file.write(f"posted={str(answer.posted).lower()}\n")
    click.echo(answer.text, nl=False)


def _json_or_none(path: Path):
    """A file's JSON, or None when it is missing or not JSON (an API call that failed)."""
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
