"""The build cache: what an earlier build worked out, reused only where every input it came from is the same.

It lives in one folder (`.statusgen-cache` beside the settings file by default; git ignores it) and may be
deleted at any moment: a build without it works everything out again and writes the same bytes. It holds

- the validated incidents (`incidents.pickle`), each under the hash of its file's text, all of them under a
  generation key (statusgen's version and code, the time zone, the catalog): a change to any of those is a new
  generation, and nothing of the old one is used;
  A file whose size, times and inode are those it had when stored is not even read (IncidentStore);
- the pages of closed incidents (`pages/<site key>/<page key>.html`), whose bytes depend on nothing but their
  file and the site key (statusgen's code, the theme, every plugin loaded, the settings, the catalog, the assets): see
  statusgen.status.is_final. Beside them, in the same set, the fragments made of closed incidents (their
  history.json entries, their rows on the history page) and the templates Jinja compiled. The newest few site
  keys are kept, so switching between two settings files (make html, make publish) does not throw either away.

Every write is a new file renamed into place, so two builds sharing the folder never see half a file. A folder that
holds only what a cache holds but lacks CACHEDIR.TAG (deleted while a build ran, made on a full disk) is emptied and
made again (prepare); one that cannot be made is not used. The files are pickles: the folder is trusted as the
repository is (CI restores it only from the repository's own cache); what it returns is checked before it is used:

- the stored incidents against the hash their index gives (a byte changed is a store started over);
- every stored page, feed, calendar, table of fragments and compiled template against the hash on its first line
  (sealed): one that fails is removed and made again, and the build says so in one note (PageStore.damaged), never
  publishes it.

Nothing published is ever a file of the cache: a stored page is put in place as a new file of its checked bytes,
and a page of the site the last build replaced is taken only when it still has the stat the build that published it
recorded (PageStore.record), else when its bytes hash to the stored page's hash. So a step that edits or truncates a
published page in place changes nothing a later build publishes. Hard links to the
stored files were used before. Measured on this machine (2 cores, ext4, no reflink; load 1-5, wide spread): placing
10,000 10-KB pages in folders of their own took 0.7-6 s by link and 3-12 s by any copy (copyfile,
copy_file_range, writing bytes held); but a warm build places few: it takes the replaced site's folders whole and
checks each page by its hash, and that check cost 0.14 CPU s more than the links' inode check at 10,000 (`make
bench`, one changed of 10,000: 5.62 CPU s against 5.49, within its noise). Links would buy seconds only where
there is no replaced site to take from (a first build into a new folder). docs/architecture.md states the invariants.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import stat
import sys
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Mapping

from . import remove
from .files import write_whole

CACHE_DIR = ".statusgen-cache"
# The Cache Directory Tagging Specification's tag (https://bford.info/cachedir/): backup tools skip the folder, and
# statusgen writes only into a folder that carries it (or one it creates), never into a folder of the user's.
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This folder is statusgen's build cache; it may be deleted at any time.\n")
FORMAT = "1"  # the layout of the folder and its pickles; part of every key
KEEP_PAGE_SETS = 3  # site keys whose pages are kept
# The site the last build replaced, kept here instead of deleted: the next build moves the folders of unchanged
# pages out of it (one rename instead of making a folder, which costs ten times as much) and deletes the rest.
SPARE_SITE = "previous-site"
# What a build recorded of the pages it published (PageStore.record), one file per site folder, in its page set;
# three: the site being built, the one in place and the spare site.
RECORD_PREFIX = ".published-"
RECORDS_KEPT = 3
# A file's times are read to the tick of a clock: what changed within two seconds of their reading (a coarse file
# system's tick, with room) may still show the times read. Such a file is not trusted by its stat.
RACY_NS = 2_000_000_000


def signature(path: str | Path) -> tuple | None:
    """A file's (or folder's) identity and times: device, inode, size, mtime and ctime in nanoseconds; None for a link
    (never trusted by its stat, so that where it points is checked) or when there is nothing there. Any write,
    truncation, new name or new entry (a folder's) sets a time, and no ctime can be set back."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def settled(found: tuple, before: int) -> bool:
    """Whether the times of a `signature` are older than `before` (RACY_NS before they were recorded): a change
    after the recording, however soon, shows in them."""
    return max(found[3], found[4]) < before


def digest(*parts: str | bytes) -> str:
    """One hash of several parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """Every file under `folder` (by relative path and bytes), or those ending in `suffixes`."""
    parts: list[str | bytes] = [str(folder.name)]
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and (suffixes is None or path.suffix in suffixes):
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


# What else makes the pages: another version of any of these may render the same input differently (tzdata: the
# zones' rules, which say what local time an instant was).
MAKERS = ("pelican", "jinja2", "markupsafe", "markdown", "pyyaml", "feedgen", "nh3", "icalendar", "lxml", "tzdata")


@lru_cache(maxsize=1)
def code_version() -> str:
    """statusgen's version and its code, Python's and the libraries' versions: any changed line of statusgen, or
    an upgrade of what renders its pages, makes every cached thing stale."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:  # statusgen run from a checkout; tzdata where the system has the zones
            return f"{name} -"

    return digest(FORMAT, sys.version, installed("statusgen"), *map(installed, MAKERS),
                  tree_digest(Path(__file__).parent, (".py", ".json", ".mo")))  # .mo: the catalogs


def settings_digest(settings: Mapping[str, Any], ignore: Iterable[str] = ()) -> str:
    """The settings a page may depend on, as one hash; `ignore`: those that differ between runs without changing
    a page (the output folder, the build time)."""
    skip = set(ignore)
    kept = {key: value for key, value in settings.items() if key not in skip}
    return digest(json.dumps(kept, sort_keys=True, default=repr))


# The names a cache folder holds, and nothing else: a folder holding only these is statusgen's cache, tag or not
# (made by a build killed before it wrote the tag, or on a full disk), and may be emptied and made again.
OWN_NAMES = {TAG, ".gitignore", "incidents.pickle", "pages", SPARE_SITE}
OWN_PREFIXES = (".deleting-", ".tmp-")
GITIGNORE = "# statusgen's build cache: never committed\n*\n"


def prepare(folder: Path | None, say: Callable[[str], None] = lambda note: None) -> Path | None:
    """The cache folder, made if missing (the cache tag first, then a .gitignore that keeps it out of git). One that
    is statusgen's but lacks its tag (made by a build killed before it wrote it, or on a full disk) is emptied and made
    again, with a note to `say`; a cache that cannot be made is not used (None, with a note): neither needs anyone to
    act. Refusal only for a folder that may be the user's (it holds anything a cache does not), naming what to
    delete."""
    if folder is None:
        return None
    from .errors import Refusal

    tag = folder / TAG
    try:
        if tag.is_file() and tag.read_text(encoding="utf-8", errors="replace") == TAG_TEXT:
            return folder
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            if not _only_ours(folder):
                raise Refusal(f"{folder}: not statusgen's build cache (expected a new or empty folder, or one with "
                              f"statusgen's {TAG}; got a folder with other files), so it was not used; give another "
                              "with --cache, or --no-cache (or, if it is an old cache of statusgen's, delete it)")
            _empty(folder)
            say(f"note: {folder}: the build cache was incomplete (no {TAG}); it was emptied and is made again")
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(tag, TAG_TEXT.encode("utf-8"))  # whole or not at all: a half tag would be a folder of the user's
        (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    except OSError as err:
        say(f"note: {folder}: the build cache cannot be made ({(err.strerror or str(err)).lower()}); building "
            f"without it")
        return None
    return folder


def _only_ours(folder: Path) -> bool:
    """Whether `folder` holds nothing but what a cache of statusgen's holds (by name), with statusgen's .gitignore."""
    names = [entry.name for entry in os.scandir(folder)]
    ignore = folder / ".gitignore"
    if ".gitignore" in names and (not ignore.is_file() or ignore.read_text(errors="replace") != GITIGNORE):
        return False
    return all(name in OWN_NAMES or name.startswith(OWN_PREFIXES) for name in names)


def _empty(folder: Path) -> None:
    """Remove what `folder` holds (all of it statusgen's cache's: _only_ours), never crossing into another file
    system."""
    for entry in os.scandir(folder):
        if not remove.remove_tree(entry.path):
            raise OSError(f"could not remove {entry.path}")


def folder(path: Path) -> Path:
    """A folder inside the cache, made if missing."""
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def no_gc():
    """For making many objects that stay, none of them in a cycle (unpickling 100,000, loading 10,000 files): the
    cycle collector would run over and over for nothing (it halves the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _renamed(item, path: str):
    """A copy of a stored incident with another `path`: what dataclasses.replace gives, a tenth of the time (no
    field of an incident is worked out from its path)."""
    copy = object.__new__(type(item))
    copy.__dict__.update(item.__dict__)
    copy.__dict__["path"] = path
    return copy


class IncidentStore:
    """Validated incidents by file, each with the hash of the text it was made from, for one generation. A file
    whose size, times and inode are as they were when it was stored is not read again (as git and make trust a
    file's stat), unless it changed within two seconds of the store being written, where times cannot tell.
    Without a folder it keeps nothing and finds nothing.

    The file holds a small index first (by file: the text's hash, the stat, and when the incident was closed for
    good, see closed_at), then the incidents: what a build does with the index alone (put the pages of closed
    incidents in place) can start before the incidents are read (load()), a third of a second at 10,000."""

    RACY_NS = RACY_NS
    FORMAT = "statusgen incidents 3"

    def __init__(self, folder: Path | None, generation: str):
        self.path = folder / "incidents.pickle" if folder is not None else None
        self.generation = generation
        self.index: dict[str, tuple[str, tuple, float | None]] = {}  # absolute path -> (text hash, stat, closed_at)
        self.found: dict[str, tuple[str, tuple, Any]] = {}  # absolute path -> (text hash, stat, incident): load()
        self.used: dict[str, tuple[str, tuple, Any]] = {}
        self.saved_ns = 0
        self.racy = 0  # files as stored, but changed too close to the store's writing to be trusted by their stat
        # The incidents, as stored, until load(): the open file and where they start in it (read then, not held
        # in memory beside what they become: 15 MB at 10,000 incidents, at the build's peak).
        self._rest: tuple[BinaryIO, int] | None = None
        self._rest_digest = ""  # their hash, as the index gives it: checked before they are used
        if self.path is None:
            return
        try:
            f = open(self.path, "rb")
        except OSError:  # missing: start over
            return
        try:
            with no_gc():
                form, stored_generation, saved_ns, index, self._rest_digest = pickle.load(f)
        except Exception:  # noqa: BLE001 - half-written by a killed build, from another version: start over
            f.close()
            return
        if form == self.FORMAT and stored_generation == generation:
            self.index, self.saved_ns, self._rest = index, saved_ns, (f, f.tell())
        else:
            f.close()

    def load(self) -> None:
        """Read the incidents the index lists (once; a store that cannot be read finds nothing)."""
        rest, self._rest = self._rest, None
        if rest is None:
            return
        f, start = rest
        with f:  # one open file: what is hashed is what is read (a build replacing it renames another in place)
            digest = hashlib.blake2b()
            while chunk := f.read(1 << 20):
                digest.update(chunk)
            if digest.hexdigest() != self._rest_digest:  # a byte changed: nothing of it is trusted
                self.index = {}
                return
            f.seek(start)
            try:
                with no_gc():
                    items = pickle.load(f)  # in the index's order
            except Exception:  # noqa: BLE001 - half-written: start over
                self.index = {}
                return
        if len(items) == len(self.index):
            self.found = {key: (text_hash, signature, item)
                          for (key, (text_hash, signature, _)), item in zip(self.index.items(), items)}

    def close(self) -> None:
        """Let go of the stored incidents unread (the build stopped before load())."""
        if self._rest is not None:
            self._rest[0].close()
            self._rest = None

    @staticmethod
    def closed_at(item) -> float | None:
        """The POSIX time from which the incident is closed for good (status.is_final): its last update's, when
        that closed it; None while it is open."""
        return item.last_posix if item.ended is not None else None

    stat = staticmethod(signature)  # what is kept of each file, beside its incident

    def unchanged(self, paths: list[str]) -> dict[int, str]:
        """Those of `paths` whose files are, by their stat, the ones their stored incidents were made from: by
        their position in `paths`, the key of each in the index (with the index alone: see load)."""
        index, known, folders = self.index, {}, {}
        if not index:
            return known
        racy = self.saved_ns - self.RACY_NS
        for n, path in enumerate(paths):
            folder, _, name = path.rpartition(os.sep)
            absolute = folders.get(folder)
            if absolute is None:
                absolute = folders[folder] = os.path.abspath(folder or os.curdir)
            key = f"{absolute}{os.sep}{name}"  # os.path.abspath(path), worked out once per folder
            entry = index.get(key)
            if entry is None:
                continue
            found = self.stat(path)
            if found is None or entry[1] != found:
                continue
            if not settled(found, racy):
                self.racy += 1
                continue
            known[n] = key
        return known

    def take(self, path: str, key: str):
        """The incident stored under `key` (from unchanged(), after load()), or None if the store had none."""
        entry = self.found.get(key)
        return self._use(path, key, entry) if entry is not None else None

    def get(self, path: Path, text_hash: str, signature: tuple | None):
        """The incident stored for `path` if it was made from the same text."""
        key = os.path.abspath(path)
        entry = self.found.get(key)
        if entry is None or entry[0] != text_hash:
            return None
        return self._use(path, key, entry if entry[1] == signature else (text_hash, signature, entry[2]))

    def _use(self, path: Path | str, key: str, entry: tuple):
        item = entry[2]
        if item.path != str(path):  # the same file, named from another folder (check . and build)
            item = _renamed(item, str(path))
        self.used[key] = entry
        return item

    def put(self, path: Path, text_hash: str, signature: tuple | None, item) -> None:
        self.used[os.path.abspath(path)] = (text_hash, signature, item)

    def save(self) -> None:
        """Keep what this load used (files since removed or changed drop out), when enough differs from what was
        read: rewriting 10,000 entries for one edited file would cost more than reading that file again at the
        next builds until then (a fiftieth of the whole, or a first store)."""
        if self.path is None:
            return
        fresh = sum(1 for key, entry in self.used.items() if self.found.get(key) is not entry)
        gone = len(self.found.keys() - self.used.keys())
        # Racy files count as changed: written again now, the store trusts them from the next build on (else a
        # site made just before its first build has them read again at every build).
        if self.saved_ns and (fresh + gone + self.racy) * 50 < max(len(self.used), 1):
            return
        index = {key: (text_hash, signature, self.closed_at(item))
                 for key, (text_hash, signature, item) in self.used.items()}
        items = [entry[2] for entry in self.used.values()]  # in the index's order
        rest = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
        head = (self.FORMAT, self.generation, time.time_ns(), index, hashlib.blake2b(rest).hexdigest())
        try:
            write_whole(self.path, pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL) + rest)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


def _sole(folder: str, name: str) -> os.stat_result | None:
    """The lstat of `folder`/`name` when the folder holds that and nothing else; None otherwise."""
    try:
        return os.lstat(f"{folder}/{name}") if os.listdir(folder) == [name] else None
    except OSError:
        return None


def _as_recorded(folder: str, name: str, recorded: tuple, trusted_before: int) -> bool:
    """Whether `folder` and its page `name` have the signatures PageStore.record noted (their times set before
    `trusted_before`): then the folder holds what it held, the page as it was, bytes and all."""
    _key, held, page = recorded
    return (settled(held, trusted_before) and settled(page, trusted_before)
            and signature(folder) == held and signature(f"{folder}/{name}") == page)


# A stored page or file is its bytes after a line giving their hash: whatever is read back is checked against it
# before it is used, so a stored file changed in any byte (a disk's fault, a hand) is made again, never published.
HASH_LINE = 33  # 32 hex digits and a newline


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).hexdigest().encode("ascii")


def sealed(data: bytes) -> bytes:
    """`data` as stored: after the line with its hash (see unsealed)."""
    return _hash(data) + b"\n" + data


def unsealed(stored: bytes) -> bytes | None:
    """The bytes `stored` holds after its hash line, if they are the bytes that line names; None otherwise."""
    data = unsealed_view(stored)
    return None if data is None else data.tobytes()


def unsealed_view(stored: bytes) -> memoryview | None:
    """unsealed, without copying what `stored` holds (a table of 10,000 history entries is 25 MB)."""
    data = memoryview(stored)[HASH_LINE:]
    return data if stored[:HASH_LINE] == _hash(data) + b"\n" else None


def _write_new(path: str, data: bytes) -> None:
    """A new file at `path` holding `data` (one there is replaced by a new file, never written into)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


DAMAGED = ".damaged"  # one line per stored file that failed its check in this build, from any of its processes


class PageStore:
    """Finished pages (and feeds and calendars) under `pages/<site key>/`, each sealed with its hash (sealed).

    Nothing published is ever a file of the store: a page is put in place as a new file holding the stored bytes,
    once they are checked against their hash; so a step that edits or truncates a published page changes nothing
    stored (see the module's docstring for what hard links cost and bought)."""

    def __init__(self, folder: Path | None, site_key: str):
        self.folder = folder / "pages" / site_key[:32] if folder is not None else None
        self.spare = str(folder / SPARE_SITE) if folder is not None else None
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                os.utime(self.folder)  # the newest set: kept by prune()
            except OSError:
                self.folder = None

    def path(self, key: str) -> str:
        """Where the page `key` is stored (a string: asked once per page)."""
        return f"{self.folder}/{key}.html"

    def read(self, key: str) -> bytes | None:
        """The stored page `key`, checked against its hash; None when there is none, or when it fails the check
        (then it is removed, and said once: damaged())."""
        if self.folder is None:
            return None
        stored = self.path(key)
        try:
            with open(stored, "rb") as f:
                data = unsealed(f.read())
        except OSError:  # gone, or not a file (a damaged cache): the page is made again
            return None
        if data is None:
            self.note_damaged(stored)
        return data

    def note_damaged(self, stored: str) -> None:
        """Remove `stored`, a file of this set that failed its check, and count it for damaged()."""
        try:
            os.unlink(stored)
        except OSError:
            pass
        try:  # one short line in append mode: written whole, whichever process writes it
            with open(f"{self.folder}/{DAMAGED}", "a", encoding="utf-8") as f:
                f.write(os.path.basename(stored) + "\n")
        except OSError:
            pass

    def damaged(self) -> int:
        """How many stored files failed their check in this build (removed; what they held was made again), read
        once: the count starts again at 0."""
        if self.folder is None:
            return 0
        path = f"{self.folder}/{DAMAGED}"
        try:
            with open(path, encoding="utf-8") as f:
                count = len(set(f.read().split()))
            os.unlink(path)
        except OSError:
            return 0
        return count

    def place(self, key: str, target: Path | str, save_as: str) -> bool:
        """Put the stored page `key` at `target` (a new file; `save_as` is its path in the site); False when there
        is none (or it failed its check)."""
        if self.folder is None:
            return False
        where = str(target)  # strings: called once per page
        if self.take_from_spare(key, where, save_as):
            return True
        data = self.read(key)
        if data is None:
            return False
        try:
            os.mkdir(os.path.dirname(where))
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(os.path.dirname(where), exist_ok=True)
        _write_new(where, data)
        return True

    def take_from_spare(self, key: str, where: str, save_as: str) -> bool:
        """Move the page's folder out of the site the last build replaced, if it is a real folder holding the stored
        page's bytes and nothing else (see holds). False (nothing done) in every other case."""
        folder, name = os.path.split(save_as)
        if not folder or self.spare is None:
            return False
        old = f"{self.spare}/{folder}"
        try:
            if not stat.S_ISDIR(os.lstat(old).st_mode) or not self.holds(old, name, key):
                return False
            new = os.path.dirname(where)
            try:
                os.rename(old, new)
            except FileNotFoundError:  # the first page in its parent folder
                os.makedirs(os.path.dirname(new), exist_ok=True)
                os.rename(old, new)
        except OSError:  # gone (another build took it), another file system, a folder already there: not taken
            return False
        return True

    def holds(self, folder: str, name: str, key: str) -> bool:
        """Whether `folder` holds, as `name` and nothing else, a file with the very bytes of the stored page `key`
        (by the hash it was stored with: a published page edited or cut since is not the stored page)."""
        there = _sole(folder, name)
        return there is not None and stat.S_ISREG(there.st_mode) and self._same(f"{folder}/{name}", key)

    def _same(self, page: str, key: str) -> bool:
        try:
            with open(self.path(key), "rb") as f:
                line = f.read(HASH_LINE)
            with open(page, "rb") as f:
                return line == _hash(f.read()) + b"\n"
        except OSError:
            return False

    def adopt(self, folder: str, name: str, key: str, recorded: tuple | None = None, trusted_before: int = 0) -> bool:
        """Make `folder` (a real folder, from the spare site) hold the stored page `key` as `name`, and nothing else:
        as it is when it holds those very bytes (holds, or as `recorded` when the build that published it left it,
        unchanged since: see record); with a new file of the stored bytes in place of the file there when it holds
        nothing but a file of that name (a page edited since, or made without the cache), which costs less than a
        new folder. False (the folder is the caller's to remove) when it holds anything else, or the stored page
        fails its check."""
        if recorded is not None and recorded[0] == key and _as_recorded(folder, name, recorded, trusted_before):
            return True
        there = _sole(folder, name)
        if there is None or not stat.S_ISREG(there.st_mode):
            return False
        page = f"{folder}/{name}"
        if self._same(page, key):
            return True
        data = self.read(key)
        if data is None:
            return False
        try:
            _write_new(page, data)
        except OSError:
            return False
        return True

    def take_folder_from_spare(self, folder: str, target: str) -> bool:
        """Move `folder` (a path in the site) of the site the last build replaced to `target`, a path not there yet,
        whole: one rename, where taking the folders of its pages one by one (take_from_spare) costs one each. What
        it holds is the caller's to check (adopt) before the site is published."""
        if self.spare is None:
            return False
        old = f"{self.spare}/{folder}"
        try:
            if not stat.S_ISDIR(os.lstat(old).st_mode) or os.path.lexists(target):
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(old, target)
        except OSError:
            return False
        return True

    def keep(self, key: str, data: bytes) -> None:
        """Store `data`, the bytes just written for the page `key`, sealed with their hash (a new file renamed
        into place: never the published file itself)."""
        if self.folder is None:
            return
        try:
            write_whole(Path(self.path(key)), sealed(data))
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    # --- what a build published: a page taken back from the spare site is checked by its stat, not its bytes -----

    def _record_path(self, site: str) -> str | None:
        """Where what was published in the site folder `site` is recorded (by its inode, which the folder keeps when
        it is swapped in and then kept as the spare site: both are renames)."""
        try:
            return f"{self.folder}/{RECORD_PREFIX}{os.lstat(site).st_ino}.pickle"
        except OSError:
            return None

    def record(self, site: str, folder: str, pages: Iterable[tuple[str, str]], name: str) -> None:
        """Note each page `site`/`folder`/id/`name` that holds the stored page key's bytes ((id, key) pairs: the
        pages of incidents closed for good, as this build leaves them) with its folder's and its own signature, for
        the build that takes them back from the spare site (recorded). Kept: the newest RECORDS_KEPT records."""
        if self.folder is None:
            return
        path = self._record_path(site)
        if path is None:
            return
        at, seen = time.time_ns(), {}
        for ident, key in pages:
            held = signature(f"{site}/{folder}/{ident}")
            page = signature(f"{site}/{folder}/{ident}/{name}")
            if held is not None and page is not None:
                seen[ident] = (key, held, page)
        try:
            write_whole(Path(path), sealed(pickle.dumps((at, seen), protocol=pickle.HIGHEST_PROTOCOL)))
            records = sorted((e for e in os.scandir(self.folder) if e.name.startswith(RECORD_PREFIX)),
                             key=lambda e: e.stat().st_mtime_ns, reverse=True)
            for old in records[RECORDS_KEPT:]:
                os.unlink(old.path)
        except OSError:
            pass  # without a record, the next builds check those pages by their bytes

    def recorded(self) -> tuple[dict[str, tuple], int]:
        """What the build that published the spare site recorded of its pages (record), by incident id, and the time
        before which a signature it recorded can be trusted (RACY_NS before it recorded them); ({}, 0) when nothing
        was recorded, or the record fails its check."""
        path = self._record_path(self.spare) if self.folder is not None and self.spare is not None else None
        if path is None:
            return {}, 0
        try:
            with open(path, "rb") as f:
                data = unsealed_view(f.read())
            at, seen = pickle.loads(data)
        except Exception:  # noqa: BLE001 - none, damaged (unsealed gave None), or from another version
            return {}, 0
        return seen, at - RACY_NS

    def stored(self) -> set[str]:
        """The keys of the pages this set holds now."""
        if self.folder is None:
            return set()
        try:
            return {entry.name[:-5] for entry in os.scandir(self.folder) if entry.name.endswith(".html")}
        except OSError:
            return set()

    def templates(self) -> Path | None:
        """Where Jinja keeps the templates it compiled for this set (the settings may change how they compile)."""
        return folder(self.folder / ".templates") if self.folder is not None else None

    def fragments(self, name: str) -> "Fragments":
        """A named table of texts in this set (entries of history.json, say), read now, written by save()."""
        made = Fragments(self.folder / f".{name}.pickle" if self.folder is not None else None)
        if made.damaged:
            self.note_damaged(str(made.path))
        return made

    def prune(self, keys: Iterable[str], made: bool = False) -> None:
        """Drop this set's closed incidents' pages not in `keys` (since changed or removed), and all but the newest
        KEEP_PAGE_SETS sets (and what a killed build left). `made`: drop instead the files made_or_kept stores (a
        feed's or a calendar's, named `key-n`) not in `keys`; each sort is pruned by the job that knows its keys,
        and neither touches the other's files."""
        if self.folder is None:
            return
        wanted = {f"{key}.html" for key in keys}
        try:
            for entry in os.scandir(self.folder):
                name = entry.name
                is_made = name.endswith(".html") and "-" in name and not name.startswith(".")
                if is_made == made and name not in wanted and not name.endswith(".pickle") and not entry.is_dir():
                    Path(entry.path).unlink(missing_ok=True)
            if made:
                return
            sets = sorted((e for e in os.scandir(self.folder.parent) if e.is_dir()),
                          key=lambda e: e.stat().st_mtime, reverse=True)
            for old in sets[KEEP_PAGE_SETS:]:
                remove.remove_tree(old.path)
        except OSError:
            pass


class Fragments(dict):
    """Texts by key, kept in one file of a page set, sealed with its hash as a stored page is (a file that fails
    the check is not used, and is written again whole); save() writes back the entries asked for by this build."""

    def __init__(self, path: Path | None):
        super().__init__()
        self.path, self.asked = path, set()
        self.damaged = False  # whether the file failed its check (then nothing of it is used)
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = unsealed_view(f.read())
            except OSError:  # missing: start over
                data = b""
            if data is None:
                self.damaged = True
            elif data:
                try:
                    with no_gc():
                        self.update(pickle.loads(data))
                except Exception:  # noqa: BLE001 - from another version: start over
                    pass
        self.read = set(self)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __setitem__(self, key, value) -> None:
        self.asked.add(key)
        super().__setitem__(key, value)

    def save(self) -> None:
        """Write back the entries this build asked for, when enough differs from what was read (as IncidentStore
        does): rewriting 10,000 entries for one new one would cost more than making that one again at the next
        builds until then (a fiftieth of the whole, or a first file)."""
        if self.path is None or (self.asked == self.read and not self.damaged):
            return
        differ = len(self.asked - self.read) + len(self.read - self.asked)
        if self.read and differ * 50 < len(self.asked) and not self.damaged:
            return
        try:
            write_whole(self.path, sealed(pickle.dumps({k: self[k] for k in self.asked if k in self},
                                                    protocol=pickle.HIGHEST_PROTOCOL)))
        except OSError:
            pass
