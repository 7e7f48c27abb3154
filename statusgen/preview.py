"""`statusgen serve`: a live preview of the site while it is being written.

The preview builds the site with `publish.run` into a temporary folder of its own, serves that folder over HTTP,
watches what the site is made of (content, settings, theme, plugins) and rebuilds after each change. The open page
reloads itself after every build: the preview adds a small script to each HTML response as it is served, listening
for build events (Server-Sent Events); the built files never contain it. When the content has problems the preview
shows them in place of every page, and the site comes back with the first build that succeeds.
"""
from __future__ import annotations

import html
import ipaddress
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone as zones
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import publish, remove, report
from . import settings as settings_file
from .cache import CACHE_DIR
from .errors import ContentError, Problem, Refusal

EVENTS_PATH = "/__statusgen/events"  # a path no site has: statusgen writes nothing under /__statusgen/
QUIET_SECONDS = 0.15  # a burst of events (an editor's save, a git checkout) ends when none came for this long
KEEPALIVE_SECONDS = 15  # an idle event stream sends a comment this often, so a closed tab is noticed
# What changes a file (an open or a read does not: the build itself reads every file and must not retrigger).
CHANGES = {"created", "modified", "deleted", "moved"}
# Names that are never part of a site: what the content loader ignores too (hidden files, editor backups and swap
# files), and Python's byte code.
_NOISE = re.compile(r"\..*|#.*|.*~|.*\.(bak|orig|rej|swp|swo|swx|tmp|pyc)|__pycache__", re.IGNORECASE)

RELOAD_PATH = "/__statusgen/reload.js"
# A file, not an inline script: the site's Content-Security-Policy allows no inline script, in the preview too.
RELOAD_JS = f"""/* statusgen serve: reloads this page after each rebuild (only in the preview) */
(function () {{
  var build = document.currentScript.getAttribute("data-build");
  new EventSource("{EVENTS_PATH}").addEventListener("build", function (e) {{
    if (e.data !== build) location.reload();
  }});
}})();
""".encode("utf-8")


def reload_script(build: int) -> str:
    """The script the preview adds to a page served as of build number `build`: it reloads the page when the
    event stream announces another build (at once, if one finished between serving the page and connecting)."""
    return f'<script src="{RELOAD_PATH}" data-build="{build}"></script>\n'


def inject(page: bytes, script: str) -> bytes:
    """`page` with `script` before its last `</body>`, or at its end when it has none."""
    at = page.lower().rfind(b"</body")
    at = len(page) if at < 0 else at
    return page[:at] + script.encode("utf-8") + page[at:]


# --- pages the preview shows in place of the site ----------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · statusgen preview</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}}
.problems li,pre{{font-family:ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}}</style>
</head>
<body>
<h1>{title}</h1>
<p>{lead}</p>
{detail}</body>
</html>
"""


def message_page(title: str, lead: str, lines: list[str] = (), log: str = "") -> bytes:
    """A page of the preview's own (all text escaped here): `lines` as a list, `log` as preformatted text."""
    detail = ""
    if lines:
        detail += '<ul class="problems">\n' + "".join(f"<li>{html.escape(line)}</li>\n" for line in lines) + "</ul>\n"
    if log:
        detail += f"<pre>{html.escape(log)}</pre>\n"
    return _PAGE.format(title=html.escape(title), lead=html.escape(lead), detail=detail).encode("utf-8")


BUILDING = message_page("Building the site", "The preview is building the site; this page reloads when it is ready.")
AFTER_FIX = "Fix what is listed and save: this page reloads after each rebuild, and shows the site once it builds."


def problems_page(problems: list[Problem], site: Path) -> bytes:
    """What the preview shows while the content has problems: each as `path:line: message`."""
    count = len(problems)
    title = f"{count} problem{'s' if count != 1 else ''} in the site"
    return message_page(title, AFTER_FIX, [problem_line(p, site) for p in problems])


def problem_line(problem: Problem, base: Path) -> str:
    return f"{report.shown(problem.path, base)}:{problem.line}: {problem.message}"


# --- builds -----------------------------------------------------------------------------------------------------

class Builds:
    """How many builds have finished, and what to show in place of the site's pages while there is no good one
    (a page and its status), for the server's threads to read and wait on."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.count = 0
        self.trouble: tuple[int, bytes] | None = (HTTPStatus.SERVICE_UNAVAILABLE, BUILDING)
        self.stopping = False

    def latest(self) -> tuple[int, tuple[int, bytes] | None]:
        """The count and the trouble, read together (a page must never be tagged with a later build than its own)."""
        with self._changed:
            return self.count, self.trouble

    def finished(self, trouble: tuple[int, bytes] | None) -> int:
        with self._changed:
            self.count += 1
            self.trouble = trouble
            self._changed.notify_all()
            return self.count

    def wait(self, seen: int | None, timeout: float) -> int | None:
        """The build count once it is not `seen` (or after `timeout`, unchanged); None when the preview stops."""
        with self._changed:
            self._changed.wait_for(lambda: self.stopping or self.count != seen, timeout)
            return None if self.stopping else self.count

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


def build_once(site: Path, content: Path, settings: Path, output: Path, timezone: str | None,
               say: Callable[[str], None]) -> tuple[int, bytes] | None:
    """One full build into `output`, as of now; None when it succeeded, else the page to show in its place (and
    what went wrong said with `say`). Settings are read afresh: they may be what changed."""
    try:
        config = settings_file.read(settings, required=True, overrides={"TIMEZONE": timezone} if timezone else {})
        job = publish.Build(site=site, content=content, settings=settings, output=output, timezone=timezone,
                            when=datetime.now(zones.utc).replace(microsecond=0),
                            overrides=settings_file.build_overrides(settings, config, content),
                            # a build cache of the preview's own, removed with it: the site folder is left as it was
                            cache=output.parent / CACHE_DIR)
        notes = publish.run(job, say=say)
    except ContentError as err:
        for problem in err.problems:
            say(problem_line(problem, Path.cwd()))
        count = len(err.problems)
        say(f"{count} problem{'s' if count != 1 else ''}: the preview shows {'it' if count == 1 else 'them'} "
            f"in place of the site until {'it is' if count == 1 else 'they are'} fixed")
        return HTTPStatus.INTERNAL_SERVER_ERROR, problems_page(err.problems, site)
    except publish.BuildFailed as err:
        say(err.log.rstrip("\n"))
        say(f"{err} The preview shows the log until a build succeeds.")
        return HTTPStatus.INTERNAL_SERVER_ERROR, message_page("The build failed", AFTER_FIX, log=err.log)
    except (Refusal, OSError) as err:
        say(f"the build failed: {err}")
        return HTTPStatus.INTERNAL_SERVER_ERROR, message_page("The build failed", AFTER_FIX, [str(err)])
    report.notes(notes, site, "text", lambda text, err=False: say(text))
    return None


# --- watching ---------------------------------------------------------------------------------------------------

class Changes(FileSystemEventHandler):
    """Collects the paths that changed under the watched folders (and the settings file's folder, where only
    Python files and the settings file count); `wait` returns them once a burst of changes is over."""

    def __init__(self, folders: list[Path], settings: Path):
        super().__init__()
        self.folders = folders
        self.settings = settings
        self._arrived = threading.Condition()
        self._paths: set[str] = set()
        self._last = 0.0

    def counts(self, path: str) -> bool:
        """Whether a change to `path` can change the site."""
        where = Path(path)
        for folder in self.folders:
            if where.is_relative_to(folder):
                return not any(_NOISE.fullmatch(part) for part in where.relative_to(folder).parts)
        return (where.parent == self.settings.parent and not _NOISE.fullmatch(where.name)
                and (where == self.settings or where.suffix == ".py"))

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return  # a folder's "modified" only repeats the events of the files in it
        # A move counts where it lands (an editor saving through a temporary file), else where it left.
        found = [os.fsdecode(p) for p in (event.dest_path, event.src_path) if p and self.counts(os.fsdecode(p))]
        if found:
            with self._arrived:
                self._paths.add(found[0])
                self._last = time.monotonic()
                self._arrived.notify_all()

    def wait(self) -> list[str]:
        """Block until something changed and nothing more for QUIET_SECONDS; the paths that changed."""
        with self._arrived:
            self._arrived.wait_for(lambda: self._paths)
            while (left := self._last + QUIET_SECONDS - time.monotonic()) > 0:
                self._arrived.wait(left)
            found, self._paths = sorted(self._paths), set()
        return found


def watch(site: Path, content: Path, settings: Path, changes: Changes) -> Observer:
    """Start watching what the site is made of: content/, theme/ and plugins/ (where the site has them) with
    their sub-folders, and the settings file's folder (a settings file may import its neighbours)."""
    observer = Observer()
    for folder in changes.folders:
        observer.schedule(changes, str(folder), recursive=True)
    if settings.parent.is_dir() and settings.parent not in changes.folders:
        observer.schedule(changes, str(settings.parent), recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def watched_folders(site: Path, content: Path) -> list[Path]:
    return [content] + [site / name for name in ("theme", "plugins") if (site / name).is_dir()]


# --- serving ----------------------------------------------------------------------------------------------------

class PreviewServer(ThreadingHTTPServer):
    """The HTTP server: one thread per request; what it serves is in `builds` and the output folder."""

    builds: Builds

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a closed tab is not worth a word; a bug is


def _is_page(path: str) -> bool:
    """Whether a URL path names a page (HTML) rather than a file such as a feed, a badge or a stylesheet."""
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the output folder, with the reload script added to every page; the build event stream at
    EVENTS_PATH; and, while there is no good build, the preview's own page in place of every page."""

    server: PreviewServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal is for what the author must act on

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build, never a cached page
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self.send_events()
        elif path == RELOAD_PATH:
            self.send_bytes(RELOAD_JS, "text/javascript; charset=utf-8")
        else:
            super().do_GET()

    def send_bytes(self, data: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_head(self):
        build, trouble = self.server.builds.latest()
        path = urlsplit(self.path).path
        if "\x00" in unquote(path):  # no file has a NUL in its name (the system would refuse to look one up)
            self.send_error(HTTPStatus.BAD_REQUEST, "No file name holds a NUL character")
            return None
        if trouble and _is_page(path):
            return self.send_page(trouble[0], trouble[1], build)
        file = Path(self.translate_path(self.path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            return self.send_page(HTTPStatus.OK, file.read_bytes(), build)
        missing = Path(self.directory, "404.html")
        if not file.exists() and _is_page(path) and missing.is_file():
            return self.send_page(HTTPStatus.NOT_FOUND, missing.read_bytes(), build)
        return super().send_head()  # other files as they are; a folder without its slash is redirected

    def send_page(self, status: int, page: bytes, build: int) -> BytesIO:
        body = inject(page, reload_script(build))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def send_events(self) -> None:
        """The build event stream: `event: build` with the count of finished builds, at once and after each
        build, until the tab closes or the preview stops."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        builds, seen = self.server.builds, None
        try:
            self.wfile.write(b"retry: 1000\n\n")  # after the preview restarts, reconnect within a second
            while (build := builds.wait(seen, KEEPALIVE_SECONDS)) is not None:
                self.wfile.write(f"event: build\ndata: {build}\n\n".encode() if build != seen else b": idle\n\n")
                self.wfile.flush()
                seen = build
        except OSError:
            pass  # the tab was closed


def bound_server(bind: str, port: int, output: Path, builds: Builds) -> PreviewServer:
    """A server listening on bind:port (port 0: any free one), IPv4 or IPv6 as the address says. OSError when it
    cannot (the port is taken, the address is not this machine's)."""
    try:
        family = socket.getaddrinfo(bind, port, type=socket.SOCK_STREAM)[0][0]
        server_class = type("PreviewServer", (PreviewServer,), {"address_family": family})
        server = server_class((bind, port), partial(PreviewHandler, directory=str(output)))
    except OSError as err:
        err.filename = f"{bind} port {port}"  # the command says what it could not listen on
        raise
    server.builds = builds
    return server


def url_of(server: PreviewServer) -> str:
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}/" if server.address_family == socket.AF_INET6 else f"http://{host}:{port}/"


def _local_only(bind: str) -> bool:
    try:
        return ipaddress.ip_address(bind).is_loopback
    except ValueError:
        return bind == "localhost"


# --- the preview ------------------------------------------------------------------------------------------------

def _stop(signum, frame):
    raise publish.Stopped(signum)


@contextmanager
def no_byte_code():
    """While the preview runs, Python writes no byte code: Pelican imports the site's plugins and settings, and
    the site folder is the author's (a __pycache__ there would also be a change to watch)."""
    before = os.environ.get("PYTHONDONTWRITEBYTECODE"), sys.dont_write_bytecode
    os.environ["PYTHONDONTWRITEBYTECODE"], sys.dont_write_bytecode = "1", True  # Pelican's process inherits it
    try:
        yield
    finally:
        if before[0] is None:
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            os.environ["PYTHONDONTWRITEBYTECODE"] = before[0]
        sys.dont_write_bytecode = before[1]


def changed_files(paths: list[str], most: int = 3) -> str:
    """`A, B changed` or `A, B, C and 4 more changed`: what a rebuild is for."""
    named = ", ".join(report.shown(p, Path.cwd()) for p in paths[:most])
    return named + (f" and {len(paths) - most} more" if len(paths) > most else "") + " changed"


def serve(site: Path, content: Path, settings: Path, *, bind: str = "127.0.0.1", port: int = 8000,
          timezone: str | None = None, say: Callable[[str], None] = print) -> None:
    """Build, serve on bind:port, watch and rebuild until stopped (Ctrl-C, SIGTERM or SIGHUP).

    The site is built into a temporary folder the preview removes when it stops; nothing is written in the site
    folder. Stopping is the normal end of a preview: it returns (exit status 0), with nothing left behind.
    OSError when the server cannot listen on bind:port.
    """
    site, content, settings = site.resolve(), content.resolve(), settings.resolve()
    builds = Builds()
    changes = Changes(watched_folders(site, content), settings)
    folder = server = listening = observer = None
    previous = {s: signal.signal(s, _stop) for s in publish.STOP_SIGNALS}
    try:
        with no_byte_code(), publish.zygote():  # before any thread starts: see publish.Zygote
            folder = Path(tempfile.mkdtemp(prefix="statusgen-preview-"))
            output = folder / "site"
            server = bound_server(bind, port, output, builds)
            listening = threading.Thread(target=server.serve_forever, name="statusgen-preview-http", daemon=True)
            listening.start()
            say(f"serving {url_of(server)} (a preview: rebuilt and reloaded after every change; Ctrl-C stops it)")
            if not _local_only(bind):
                say(f"listening on {bind}: anyone who can reach this machine can see the preview")
            observer = watch(site, content, settings, changes)
            while True:
                began = time.monotonic()
                trouble = build_once(site, content, settings, output, timezone, say)
                count = builds.finished(trouble)
                say(f"build {count} {'failed' if trouble else 'done'} in {time.monotonic() - began:.2f} s")
                say(f"{changed_files(changes.wait())}: rebuilding")
    except publish.Stopped:
        pass
    finally:
        for s in publish.STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        builds.stop()
        if listening is not None:
            server.shutdown()
        if server is not None:
            server.server_close()
        if observer is not None:
            observer.stop()
            observer.join()
        if folder is not None:
            remove.remove_tree(folder)
        for s, handler in previous.items():
            signal.signal(s, handler)
    say("stopped; the preview's files are removed")
