"""The pages of incidents closed for good, put in place from the build cache instead of rendered, by a forked
process while the build goes on: they need the build time and each incident's file and state, not the view.

Begun from the cache's index as the incidents are read, where the build time is given (from_index: load_site's
`early`), else once they are read (start). What the incidents, once read, say otherwise (a file changed as it was
listed) is put right after: finish() names the pages to render instead. Only that in the forked process: work that
reads every incident (the API) would make it copy most of the loaded site (each object it reads is written to, to
count references), a third copy at work beside the page writers.

Where the URL layout has a folder of incidents' page folders, the folder of the site the last build replaced is
taken whole (one rename), and each page folder in it is kept only if it holds the very stored page (PageStore.adopt).
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

from . import keys, processes, timing
from .cache import PageStore
from .load import incident_id
from .status import is_final
from .urls import Urls


class EarlyPlacing:
    """The early placing of one build (see the module's docstring); reuse_keys: the cache key of each incident
    closed for good (by id), None for the others."""

    def __init__(self, pages: PageStore, urls: Urls, output_path: str, site_key: str, phases: timing.Phases):
        self.pages, self.urls, self.output_path, self.site_key, self.phases = pages, urls, output_path, site_key, phases
        self.child: processes.Child | None = None
        self.failed: set[str] = set()  # those it did not find, when it ran in this process
        self.keys: dict[str, str] | None = None  # id -> key of each page it places
        self.index_keys: dict[tuple[str, str], str] = {}  # (path, text hash) -> key, worked out from the index
        self.wrong: set[str] = set()
        self.missed: set[str] = set()  # those start() placed itself and did not find
        self.reuse_keys: dict[str, str | None] = {}

    def from_index(self, at, paths: list[str], unchanged: dict[int, tuple[str, float | None]]) -> None:
        """load_site's `early`: the pages of the files unchanged since stored whose incidents are closed for good by
        `at`, begun before the incidents are read. With no index (a first build), left to start()."""
        if not unchanged:
            return
        stored = self.pages.stored()
        now = at.timestamp()
        closed = []
        for n, (text_hash, closed_at) in unchanged.items():
            if closed_at is not None and closed_at <= now:
                key = self.index_keys[paths[n], text_hash] = keys.made_key(self.site_key, paths[n], text_hash)
                if key in stored:
                    closed.append((incident_id(paths[n]), key))
        self.keys = dict(closed)
        self.begin(closed, [incident_id(path) for path in paths])

    def start(self, site, at) -> None:
        """Once the incidents are read: each one's key, and the placing begun if from_index did not begin it."""
        if self.pages.folder is None:  # no cache: no key to look anything up by or keep it under
            self.reuse_keys, self.keys = dict.fromkeys(item.id for item in site.incidents), {}
            return
        known = self.index_keys
        self.reuse_keys = {item.id: known.get((item.path, item.digest)) or keys.made_key(self.site_key, item.path,
                                                                                          item.digest)
                           if is_final(item, at) else None for item in site.incidents}
        stored, begun = self.pages.stored(), self.keys or {}
        closed = [(item.id, key) for item in site.incidents
                  if item.id not in begun and (key := self.reuse_keys[item.id]) in stored]
        if self.keys is None:
            self.keys = dict(closed)
            self.begin(closed, [item.id for item in site.incidents])
            return
        # Begun from the index: those read otherwise are put right by finish(). Those closed for good but read again
        # (their stat changed, or fell within the store's racy window) and found the same have their stored pages
        # put in place here, not made again; the placing process leaves their folders alone (each is one of the
        # build's incidents), so both can write at once.
        self.wrong = {ident for ident, key in self.keys.items() if self.reuse_keys.get(ident) != key}
        self.missed = {ident for ident, key in closed if not self.place_page(ident, key)}
        self.keys.update(closed)

    def begin(self, closed: list[tuple[str, str]], ids: list[str]) -> None:
        """place_pages for `closed` ((id, key) of each) in a forked process where one is safe, else here; `ids`:
        those of every incident of the build."""
        if not closed:
            return
        taken = self.take_incident_folders(ids, closed)
        if not processes.can_fork():
            self.failed = set(self.place_pages(closed, taken))
            return

        def work() -> bytes:
            self.phases.restart()
            failed = self.place_pages(closed, taken)
            return json.dumps([failed, self.phases.seconds]).encode("utf-8")
        self.child = processes.Child(work)

    def cancel(self) -> None:
        """Stop the placing of a build that fails: nothing may still write into the folder the build leaves."""
        if self.child is not None:
            self.child.kill()
            self.child = None

    def finish(self) -> set[str]:
        """Wait for the placing: the ids of the closed incidents whose pages it did not put in place (not in the
        cache; all of them if it failed) or put in place wrongly (the incident read differs: its file is removed).
        Those are the caller's to render."""
        failed = self.failed
        if self.child is not None:
            sent = self.child.result()
            if sent is None:
                raise RuntimeError("the process placing stored pages failed; see the errors above")
            failed, seconds = json.loads(sent)
            self.phases.add(seconds)
            failed = set(failed)
        failed |= self.wrong | self.missed
        for ident in failed:  # what was placed there is not this incident's page: it is written as a new one
            Path(self.output_path, self.urls.save_as("incident", ident)).unlink(missing_ok=True)
        return failed

    def take_incident_folders(self, every: list[str],
                              closed: list[tuple[str, str]]) -> tuple[str, str, set[str]] | None:
        """Where the URL layout has a folder of incident pages' folders (Urls.page_folder), that folder of the site
        the last build replaced, moved into this one whole: (its path here, the pages' file name, the ids of every
        incident of the build: `every`). The folders of incidents not closed for good are removed at once: the
        page writers make them anew. The rest is checked by place_pages. None where there is no such folder."""
        layout = self.urls.page_folder("incident")
        if layout is None:
            return None
        folder, name = layout
        target = os.path.join(self.output_path, folder)
        if not self.pages.take_folder_from_spare(folder, target):
            return None
        ids = {ident for ident, _ in closed}
        for ident in every:
            if ident not in ids:
                _remove(os.path.join(target, ident))
        return target, name, set(every)

    def place_pages(self, closed: list[tuple[str, str]], taken: tuple[str, str, set[str]] | None) -> list[str]:
        """The pages of `closed` put in place; the ids of those the cache did not have. With a folder taken whole:
        what no incident of this build is (one removed since, a stray file) is removed, and each page folder is
        kept if it holds the very stored page, or only a file in its place (then replaced by the stored page:
        PageStore.adopt); any other is made anew."""
        if taken is None:
            return [ident for ident, key in closed if not self.place_page(ident, key)]
        target, name, ids = taken
        with self.phases("reuse"):
            recorded, trusted_before = self.pages.recorded()
            folders = set()
            with os.scandir(target) as listing:
                entries = list(listing)  # read whole before any is removed
            for entry in entries:
                if entry.name not in ids:
                    _remove(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    folders.add(entry.name)
            redo = []
            for ident, key in closed:
                where = os.path.join(target, ident)
                if ident not in folders or not self.pages.adopt(where, name, key, recorded.get(ident), trusted_before):
                    _remove(where)
                    redo.append((ident, key))
        return [ident for ident, key in redo if not self.place_page(ident, key)]

    def record(self) -> None:
        """Once every page is written: note the pages of incidents closed for good as this build leaves them, so
        that the build taking them back from the spare site checks each by its stat (PageStore.record)."""
        layout = self.urls.page_folder("incident")
        if layout is None:
            return
        folder, name = layout
        with self.phases("reuse"):
            self.pages.record(self.output_path, folder, [(ident, key) for ident, key in self.reuse_keys.items() if key],
                              name)

    def place_page(self, ident: str, key: str) -> bool:
        """An incident's page, as an earlier build with the same inputs wrote it, from the cache."""
        save_as = self.urls.save_as("incident", ident)
        with self.phases("reuse"):
            return self.pages.place(key, os.path.join(self.output_path, save_as), save_as)


def _remove(path: str) -> None:
    """Whatever is at `path` (a folder with all it holds, a file, a link), if anything."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)
