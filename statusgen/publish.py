"""Putting a built site in place without harming anything else: the output guard, the lock, staging and the swap.

A build writes only into a folder it may own: never a folder it reads from or one holding it, never a home, a
root or a mount point, and never a non-empty folder it did not build (unless told so with --force). Every site
it builds carries MARKER, which is how a later build knows the folder is its own to replace.
"""
from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, NoReturn

from . import cache, remove, report, timing
from .errors import ContentError, Problem, Refusal
from .load import load_site
from .processes import die_with_parent, exit_after
from .repo import repo_root

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so every leftover staging folder counts as stale
    fcntl = None

MARKER = ".statusgen-site"
MARKER_TEXT = "This folder is a site built by statusgen. `statusgen build` replaces it whole at each build.\n"


class Refused(Refusal):
    """An output folder a build must not write into; the message is one line for the user."""


def marked(folder: Path) -> bool:
    """Whether `folder` is a site statusgen built (it carries the marker)."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def forbidden_reason(output: Path, protected: dict[str, Path]) -> str | None:
    """Why `output` (resolved) can never be a build's output folder, or None.

    `protected` names the folders the build reads or lives in (the site folder, the content folder, the repository
    root...): none of them, nor any folder holding one, may be replaced by a site.
    """
    if output == Path(output.anchor):
        return "it is the root of the file system"
    folders = {**protected, "your home folder": Path.home().resolve()}
    for name, folder in folders.items():
        if output == folder:
            return f"it is {name}"
    for name, folder in folders.items():
        if output in folder.parents:
            return f"it holds {name} ({folder})"
    for name in ("the content folder", "the cache folder"):  # a site in either would be read or pruned with it
        if name in protected and protected[name] in output.parents:
            return f"it is inside {name}"
    if output.exists() and os.path.ismount(output):
        return "it is a mount point (build into a folder inside it)"
    for folder in (output, *output.parents):
        if is_git_data(folder):
            return "it is a git repository's data" if folder == output else \
                f"it is inside a git repository's data ({folder})"
    if output.exists() and not output.is_dir():
        return "it is not a folder"
    if output.is_dir() and not output.is_symlink():
        return held_reason(output, deep=not marked(output))
    return None


GIT_DATA = frozenset({"HEAD", "objects", "refs"})  # what git itself looks for in a repository's data (a bare one)


def is_git_data(folder: Path, names: frozenset[str] | set[str] | None = None) -> bool:
    """Whether `folder` is a repository's data: named .git (a folder, or the file a worktree or submodule has), or
    a bare repository (HEAD, objects/, refs/). `names`: the folder's entries, when the caller has listed them."""
    if folder.name == ".git":
        return folder.exists() or folder.is_symlink()
    if names is not None:
        return GIT_DATA <= names and (folder / "HEAD").is_file()
    return (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()


def held_reason(output: Path, deep: bool = True) -> str | None:
    """Why what `output` holds must never be replaced, or None: a repository's data or another file system anywhere
    in its tree, looked at before anything is moved (--force deletes it all). Mount points come from the system's
    list of them (remove.mount_points), which costs the same for any tree; where there is no such list, from the
    device of every folder. `deep=False` (a site statusgen built, whose folders it made): the repository's data is
    looked for at the top only, not in each of 10,000 folders at every build (a third of a second)."""
    mounts = remove.mount_points()
    mount = remove.mount_point_under(output, mounts)
    if mount is not None:
        return f"it holds a mount point ({mount})"
    return _held_in(str(output), os.lstat(output).st_dev, deep or not mounts)


def _held_in(folder: str, device: int, deep: bool) -> str | None:
    try:
        entries = list(os.scandir(folder))
    except OSError as err:
        return f"part of it cannot be read ({folder}: {(err.strerror or str(err)).lower()})"
    names = {entry.name for entry in entries}
    if ".git" in names or is_git_data(Path(folder), names):
        return f"it holds a git repository's data ({os.path.join(folder, '.git') if '.git' in names else folder})"
    for entry in entries:
        # Only folders: a file on another device is inside a mount point, or is one (mountinfo lists those).
        if not deep or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            on = entry.stat(follow_symlinks=False).st_dev
        except OSError as err:
            return f"part of it cannot be read ({entry.path}: {(err.strerror or str(err)).lower()})"
        found = f"it holds a mount point ({entry.path})" if on != device else _held_in(entry.path, device, deep)
        if found:
            return found
    return None


def guard(output: Path, protected: dict[str, Path], force: bool) -> str | None:
    """Refuse (Refused) an output folder a build may not replace; returns what --force will delete, if anything."""
    reason = forbidden_reason(output, protected)
    if reason:
        raise Refused(f"refusing to build into {output}: {reason} (expected a folder of the site's own, "
                      f"such as output/; nothing was changed)")
    if not output.is_dir() or marked(output):
        return None
    entries = sum(1 for _ in output.iterdir())
    if not entries:
        return None
    what = f"{entries} file{'s' if entries != 1 else ''} or folder{'s' if entries != 1 else ''}"
    if not force:
        raise Refused(f"refusing to build into {output}: it holds {what} that statusgen did not build (expected an "
                      f"empty folder or a site statusgen built; to delete them and build there, add --force)")
    return f"--force: {output} holds {what} that statusgen did not build; they will be deleted when the new site is in place"


# --- staging, locking and the swap -------------------------------------------------------------------------

def staging_prefix(output: Path) -> str:
    return f".{output.name}.building-"


def old_site(output: Path) -> Path:
    return output.with_name(f".{output.name}.old")


def discarded_prefix(output: Path) -> str:
    return f".{output.name}.deleting-"


# Removes the folders it is given in the background, after the build has returned: a replaced site of 10,000 pages
# takes a second or more to delete, which nobody needs to wait for. The shell returns at once and leaves the delete
# on its own; a build that finds the folder still there removes it (remove_leftovers). Not `rm -rf`: that would
# follow a mount point into another file system (statusgen.remove never does).
_DELETE = ["/bin/sh", "-c", '"$0" -m statusgen.remove "$@" </dev/null >/dev/null 2>&1 &', sys.executable]


def discard(old: Path, output: Path) -> None:
    """Rename a replaced site (marked as ours) aside and delete it in a process of its own, off the build's path."""
    aside = Path(tempfile.mkdtemp(prefix=discarded_prefix(output), dir=output.parent))
    try:
        os.replace(old, aside)  # over the empty folder mkdtemp made: the name is ours alone
    except OSError:
        aside.rmdir()
        remove.remove_tree(old)
        return
    _delete_later([aside])


def _delete_later(folders: list[Path]) -> None:
    if not folders:
        return
    try:
        subprocess.run([*_DELETE, *map(str, folders)], check=True, start_new_session=True)
    except (OSError, subprocess.CalledProcessError):
        for folder in folders:
            remove.remove_tree(folder)


def retire(old: Path, output: Path, cache_folder: Path | None) -> None:
    """The site a swap replaced: with a build cache, kept in it as the spare site (statusgen.cache.SPARE_SITE)
    the next build moves unchanged pages' folders out of, while the spare before it is deleted off the build's
    path; without one (or on another file system), deleted off the build's path."""
    if cache_folder is None:
        discard(old, output)
        return
    spare = cache_folder / cache.SPARE_SITE
    try:
        if spare.exists() or spare.is_symlink():
            os.replace(spare, tempfile.mkdtemp(prefix=".deleting-", dir=cache_folder))
        os.rename(old, spare)
    except OSError:
        discard(old, output)
    # What an earlier spare left (the pages the build after it changed), and any a killed deletion left.
    _delete_later(sorted(cache_folder.glob(".deleting-*")))


class OutputLock:
    """The lock on an output folder, held for a whole build: a second build into the same folder waits for the
    first, so an older build never replaces a newer one. It is a lock on the folder holding the output (no lock
    file is left behind to show up in `git status`)."""

    def __init__(self, output: Path):
        self.folder = output.parent
        self.fd = -1

    def acquire(self, waiting) -> None:
        """Take the lock; `waiting()` is called first if another build holds it."""
        self.fd = os.open(self.folder, os.O_RDONLY)
        if not fcntl:
            return
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing drops the flock
            self.fd = -1


@contextmanager
def claimed(folder: Path):
    """Hold a lock on a staging folder while its build runs; the system drops it when the build ends or is killed,
    so a later build can tell a leftover from a build in progress."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def new_staging(output: Path) -> Path:
    """A fresh folder beside `output` to build into, marked as ours from the start."""
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(output), dir=output.parent))
    mark(staging)
    return staging


def _in_progress(folder: Path) -> bool:
    if not fcntl:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _ours(folder: Path) -> bool:
    """A leftover statusgen may remove: one it marked, or an empty one."""
    return folder.is_dir() and not folder.is_symlink() and (marked(folder) or not any(folder.iterdir()))


def remove_leftovers(output: Path) -> None:
    """Remove what killed builds of `output` left beside it: staging folders no running build holds, and an old
    site a swap did not get to remove (put back in place if the new one never arrived). Only folders statusgen
    marked as its own are removed."""
    prefixes = (staging_prefix(output), discarded_prefix(output))
    for folder in sorted(output.parent.iterdir()):
        if folder.name.startswith(prefixes) and _ours(folder) and not _in_progress(folder):
            remove.remove_tree(folder)
    old = old_site(output)
    if _ours(old):
        if output.exists():
            remove.remove_tree(old)
        else:
            old.rename(output)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM):  # the kernel or file system does not support it
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap(staging: Path, output: Path, cache_folder: Path | None = None) -> None:
    """Put the complete new site where the old one was. Where the system can, the two folders trade places in one
    step, so at no moment is there no site; elsewhere the old one stays in place until the last moment. Signals
    wait until the site is in place, so an interrupt never leaves it half swapped. The old site goes to the build
    cache `cache_folder`, if any (see retire)."""
    staging.chmod(0o755)  # mkdtemp made it private
    mark(staging)  # again: a settings file may have had Pelican empty its output folder first
    with signals_deferred():
        if output.exists() and _exchange(staging, output):
            retire(staging, output, cache_folder)  # now the old site
            return
        if not output.exists():
            staging.rename(output)
            return
        old = old_site(output)
        if old.exists() or old.is_symlink():  # not a leftover of ours (see remove_leftovers): never replace it
            raise OSError(errno.EEXIST, "in the way of the swap, and not made by statusgen", str(old))
        output.rename(old)
        staging.rename(output)
        retire(old, output, cache_folder)


# --- signals and the Pelican child ----------------------------------------------------------------------------

STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGINT", None),
                                 getattr(signal, "SIGHUP", None)) if s is not None)


class Stopped(BaseException):
    """The build was asked to stop (SIGTERM, SIGINT, SIGHUP): unwinding cleans up, then the process exits."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


@contextmanager
def stoppable():
    """While a build runs, a stop signal unwinds it (so staging folders are removed and Pelican stopped)."""
    previous = {s: signal.signal(s, _raise_stopped) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def signals_deferred():
    """Hold stop signals back for a moment that must not be cut in two; they arrive when it is over."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


# --- a whole build ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Build:
    """One build: where the site, its content and settings are, where the new site goes, and as of when."""

    site: Path  # the site folder; Pelican runs there
    content: Path
    settings: Path
    output: Path
    when: datetime
    timezone: str | None = None  # --timezone, over the settings' TIMEZONE
    overrides: dict = field(default_factory=dict)  # settings the build adds (settings.build_overrides)
    cache: Path | None = None  # the build cache's folder (statusgen.cache), or None for none
    timings: bool = False  # say where the time went, by phase (statusgen.timing)
    clock: datetime | None = None  # the present: a first update dated after it is a problem (Site.dated_ahead)

    def protected(self) -> dict[str, Path]:
        """The folders the build reads or lives in, by what the user calls them: no output may be or hold one."""
        folders = {"the site folder": self.site.resolve(), "the content folder": self.content.resolve(),
                   "the folder of the settings file": self.settings.resolve().parent}
        top = repo_root(self.site, fallback=None)
        if top is not None:
            folders["the repository root"] = top.resolve()
        for name in ("theme", "plugins"):
            if (self.site / name).is_dir():
                folders[f"the {name} folder"] = (self.site / name).resolve()
        if self.cache is not None:  # a cache inside the output would go with every site the build replaces
            folders["the cache folder"] = self.cache.resolve()
        return folders


class BuildFailed(Exception):
    """Pelican failed for a reason other than the content; `log` is what it said."""

    def __init__(self, log: str, output: Path):
        kept = "the previous site was left as it was" if marked(output) else "nothing was built"
        super().__init__(f"the build failed; {kept}.")
        self.log = log


def run(build: Build, force: bool = False, say: Callable[[str], None] = print) -> list[Problem]:
    """Build the site into a fresh folder beside the output and swap it in whole; returns the notes the build
    made (updates dated after the build time). Raises Refused (a folder it may not write), ContentError (with
    every problem), BuildFailed, or Stopped (a stop signal; everything it started is cleaned up)."""
    warning = guard(build.output, build.protected(), force)
    if warning:
        say(warning)
    if build.cache is not None:  # only now: a refused build touches nothing
        build = replace(build, cache=cache.prepare(build.cache, say))
    build.output.parent.mkdir(parents=True, exist_ok=True)
    lock = OutputLock(build.output)
    try:
        with stoppable():
            lock.acquire(lambda: say(f"waiting for another build of {build.output} to finish"))
            remove_leftovers(build.output)  # first, so that even a build refused below puts a last good site back
            return _run_pelican(build, say)
    finally:
        lock.release()


def _run_pelican(build: Build, say: Callable[[str], None]) -> list[Problem]:
    """Pelican into a staging folder, then the swap. Pelican's generator loads and checks the content (once per
    build) and leaves what it found in a report file inside the staging folder."""
    staging = new_staging(build.output)
    found = staging / ".statusgen-report.json"  # removed before the swap
    timings = staging / ".statusgen-timings.json"  # likewise
    extra = {**build.overrides, "STATUSGEN_BUILD_TIME": build.when.isoformat(), "STATUSGEN_REPORT": str(found),
             **({"TIMEZONE": build.timezone} if build.timezone else {}),
             **({"STATUSGEN_CACHE": str(build.cache)} if build.cache else {}),
             **({"STATUSGEN_CLOCK": build.clock.isoformat()} if build.clock else {}),
             **({"STATUSGEN_TIMINGS": str(timings)} if build.timings else {})}
    # Pelican dies with this process, even when it is killed outright (statusgen.child); its page writers die
    # with Pelican.
    command = [sys.executable, "-m", "statusgen.child", str(os.getpid()), "pelican", str(build.content.resolve()),
               "-s", str(build.settings.resolve()), "-o", str(staging), "--fatal", "warnings",
               "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]  # one -e: a second replaces it
    with claimed(staging), tempfile.TemporaryFile() as log:
        if threading.active_count() == 1 and hasattr(os, "fork"):
            pelican = _Forked(command[5:], build.site, log)  # Pelican's own arguments
        else:  # the preview builds from a thread: a fork here would copy the other threads' locks half-held
            pelican = _from_zygote(command[5:], build.site, log) or subprocess.Popen(
                command, cwd=build.site, stdout=log, stderr=subprocess.STDOUT)
        try:
            code = pelican.wait()
            problems, notes = report.load(found)
            found.unlink(missing_ok=True)
            spent = timing.load(timings) if build.timings else None
            timings.unlink(missing_ok=True)
            if spent:
                say(timing.line(*spent))
            if problems:
                raise ContentError(problems)
            if code != 0:
                _check_content(build)  # Pelican failed before the generator ran: the content may say why
                log.seek(0)
                raise BuildFailed(log.read().decode("utf-8", "replace"), build.output)
        except BaseException:
            pelican.kill()
            pelican.wait()
            remove.remove_tree(staging)
            raise
        swap(staging, build.output, build.cache)
        return notes


def _pelican_in_child(args: list[str], cwd: Path | str, log_fd: int, parent: int) -> NoReturn:
    """Run Pelican in this forked process, saying everything into `log_fd`, and leave: never returns."""
    def run() -> None:
        die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for stop in STOP_SIGNALS:
            if stop != signal.SIGINT:
                signal.signal(stop, signal.SIG_DFL)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.chdir(cwd)
        logging.root.handlers.clear()  # Pelican sets up its own logging, as in a process of its own
        import pelican

        # Pelican shows a spinner while it runs, drawn by a thread of rich's; the generator forks (to load and
        # to write pages), and a fork must not copy a thread's half-held locks. Nobody sees the spinner here:
        # its output goes to the log.
        pelican.console.status = lambda *args, **kwargs: nullcontext()
        pelican.main(args)
    exit_after(run)


class _Started:
    """A build's Pelican started by a fork of ours (not a subprocess.Popen): its pid, and its exit status once
    `wait` has it."""

    pid: int
    returncode: int | None = None

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class _Forked(_Started):
    """Pelican run in a forked copy of this process, which has Python started and Pelican imported already: a
    few tenths of a second sooner than a new interpreter, at every build. Like the child of statusgen.child, it
    dies with this process, even one killed outright, and writes what it says to `log`."""

    def __init__(self, args: list[str], cwd: Path, log):
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        self.returncode: int | None = None
        self.pid = os.fork()
        if not self.pid:  # the child: never returns into the caller's code
            _pelican_in_child(args, cwd, log.fileno(), parent)

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


class Zygote:
    """For the preview, which builds from a thread: a process forked before any thread started, with Pelican and
    statusgen imported, that forks each build's Pelican on request. A new interpreter would take half a second to
    start and import them at every build; a fork of a process with threads is unsafe (locks held by the other
    threads stay held in the copy), but this one has none. It dies with the process that made it, and so do the
    builds it forked. Requests and replies go over a socket pair; the log's descriptor is passed along."""

    def __init__(self):
        import socket

        import pelican  # noqa: F401 - imported once here, for every build forked from the zygote to inherit

        sys.stdout.flush()
        sys.stderr.flush()
        self.socket, theirs = socket.socketpair()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid:
            theirs.close()
            return
        def serve() -> None:  # the zygote; if it fails, its end is seen as a closed socket: builds start as before
            self.socket.close()
            die_with_parent(parent)
            for stop in STOP_SIGNALS:
                signal.signal(stop, signal.SIG_DFL)
            self._serve(theirs)
        exit_after(serve)

    @staticmethod
    def _serve(sock) -> None:
        import importlib
        import socket

        for name in PRELOADED:  # what every build's plugin imports: once here, not in each build
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        cache.code_version()  # likewise: statusgen's code and the libraries' versions, hashed once
        from .markup import markdown_engine

        markdown_engine()  # and the Markdown engine, which a build makes only when a text needs it
        me = os.getpid()
        while True:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 1)
            if not data or not fds:
                return
            request = json.loads(data)
            pid = os.fork()
            if pid == 0:
                sock.close()
                _pelican_in_child(request["args"], request["cwd"], fds[0], me)
            os.close(fds[0])
            sock.sendall(f"{pid}\n".encode("ascii"))
            _, status = os.waitpid(pid, 0)
            sock.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode("ascii"))

    def alive(self) -> bool:
        return self.socket.fileno() >= 0

    def start(self, args: list[str], cwd: Path, log) -> "_FromZygote":
        import socket

        socket.send_fds(self.socket, [json.dumps({"args": args, "cwd": str(cwd)}).encode("utf-8")], [log.fileno()])
        return _FromZygote(self.socket.makefile("rb"))

    def stop(self) -> None:
        try:
            self.socket.close()  # the zygote reads the end of its requests, and leaves
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


class _FromZygote(_Started):
    """A build's Pelican forked by the zygote: its pid, then its exit status, come back over the socket."""

    def __init__(self, replies):
        self.replies = replies
        line = replies.readline()
        if not line:
            raise OSError(errno.EPIPE, "the preview's build process has gone")
        self.pid, self.returncode = int(line), None

    def wait(self) -> int:
        if self.returncode is None:
            line = self.replies.readline()
            self.returncode = int(line) if line else 1
        return self.returncode


_zygote: Zygote | None = None
PRELOADED = ("jinja2", "markdown", "nh3", "feedgen.feed", "icalendar", "lxml.etree", "statusgen.api", "statusgen.badges",
             "statusgen.feeds", "statusgen.ics", "statusgen.pages", "statusgen.markup", "statusgen.sitefiles",
             "statusgen.favicon", "statusgen.brand", "statusgen.headline")


def _from_zygote(args: list[str], cwd: Path, log) -> "_FromZygote | None":
    """Pelican forked by the zygote, if there is one and it still answers; else None."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        return None
    try:
        return _zygote.start(args, cwd, log)
    except OSError:  # it has gone: builds start as new processes from now on
        gone, _zygote = _zygote, None
        gone.stop()
        return None


@contextmanager
def zygote():
    """While it lasts, builds started from threads are forked from a Zygote (where the system can fork)."""
    global _zygote
    if not hasattr(os, "fork") or threading.active_count() > 1:
        yield
        return
    _zygote = Zygote()
    try:
        yield
    finally:
        made, _zygote = _zygote, None
        if made is not None:
            made.stop()


def _check_content(build: Build) -> None:
    from . import config, settings

    raw = settings.read(build.settings, required=False)
    zone = build.timezone or config.timezone(raw, build.settings)
    load_site(build.content, zone, languages=config.languages(raw, build.settings))
