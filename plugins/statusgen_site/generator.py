"""The statusgen Pelican generator: load, derive, render each page kind with its template, write.

All knowledge of incidents lives in `statusgen`; this module reads the settings, owns the URL table (the defaults
of statusgen.urls with STATUSGEN_URLS over them) and writes each output where the table says.
"""
from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
import os
import select
import shutil
import signal
import stat
import sys
import threading
import time
import traceback
from dataclasses import replace
from datetime import date, timedelta, timezone
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from statusgen import api, badges, config, favicon, feeds, i18n, ics, repo, report, sitefiles, timing, wording
from statusgen.cache import PageStore, code_version, digest, sealed, settings_digest, tree_digest, unsealed, write_whole
from statusgen.errors import ContentError, Problem
from statusgen.load import CATALOG_FILE, incident_id, load_site
from statusgen.markup import to_html
from statusgen.pages import PAGE_KINDS, PageJob, page_jobs, page_keys, view
from statusgen.publish import die_with_parent
from statusgen.status import UNCONFIRMED_SHOWN, is_final
from statusgen.times import humanize_duration, parse_time
from statusgen.urls import ticket_url

log = logging.getLogger(__name__)

# Settings that differ from one build to the next without changing a closed incident's page.
PER_BUILD_SETTINGS = ("OUTPUT_PATH", "STATUSGEN_BUILD_TIME", "STATUSGEN_REPORT", "STATUSGEN_TIMINGS", "STATUSGEN_CACHE",
                      "STATUSGEN_JOBS", "STATUSGEN_CLOCK")


def checked_settings(settings) -> config.Config:
    """Pelican's settings checked by statusgen.config (`statusgen build` checked them already; a bare `pelican` run
    did not): every problem said, one line each, and the build stopped, as for content."""
    try:
        return config.load(settings, base=Path.cwd())
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1) from None


class StatusSiteGenerator(Generator):
    """Loads content/ through statusgen and writes every status page."""

    def given_build_time(self):
        """The build time the settings give (`statusgen build` always does), or None."""
        return self.config.build_time

    def build_time(self, site):
        given = self.given_build_time()
        if given is not None:
            return given
        # Without one (a bare `pelican` run) the newest update stands in: still the same bytes for the same input.
        newest = max((u.at for i in site.incidents for u in i.updates), default=None)
        log.info("STATUSGEN_BUILD_TIME not set; showing the site as of its newest update")
        return newest or parse_time("1970-01-01 00:00Z", timezone.utc)

    def generate_context(self):
        self.began, self.phases = time.perf_counter(), timing.Phases()
        self.config = checked_settings(self.settings)
        found = self.config.report  # where `statusgen build` reads what was found
        cache = self.config.cache  # the build cache's folder (statusgen.cache), if any
        self.cache = Path(cache) if cache else None
        # What is loaded lives as long as the build: out of the cycle collector's way from the start (enabled
        # again after the load, it would first walk every object just made, a tenth of a second at 10,000), and
        # later, when it would otherwise walk every incident again and again as pages are made.
        collecting = gc.isenabled()
        gc.disable()
        # What the pages of closed incidents depend on besides their own file, known before any is read: with the
        # build time given, their placing from the cache starts as soon as the cache's index is read (start_early).
        self.urls = self.root_urls = self.config.urls
        self.languages, self.keeping = list(self.config.site_languages), True
        self.lang = self.languages[0]
        self.brand = self.config.brand
        self.assets = self.hashed_assets()
        self.output_settings()
        self.site_key_, self.rows = self.site_key(), None
        self.pages = PageStore(self.cache, self.site_key_)
        self.early, self.failed_early, self.early_keys, self.index_keys = None, set(), None, {}
        given = self.given_build_time()
        try:
            with self.phases("load"):
                site = load_site(Path(self.path), self.config.timezone, cache=self.cache,
                                 early=partial(self.start_early_from_index, given) if given is not None else None,
                                 languages=tuple(self.languages))
        except ContentError as err:
            self.cancel_early()
            if found:
                report.save(found, err.problems, [])
            else:
                for problem in err.problems:
                    print(problem, file=sys.stderr)
            raise SystemExit(1) from None  # SystemExit, not an exception: Pelican would print a traceback
        except BaseException:
            self.cancel_early()
            raise
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        when = self.build_time(site)
        clock = self.config.clock  # the present, given by `statusgen build`
        ahead = [Problem(*item) for item in site.dated_ahead(clock)] if clock else []
        if ahead:
            self.cancel_early()
            if found:
                report.save(found, ahead, [])
            else:
                for problem in ahead:
                    print(problem, file=sys.stderr)
            raise SystemExit(1)
        if found:
            report.save(found, [], site.unposted(when))
        self.at = when
        self.start_early(site)
        undated = [c.id for c in site.catalog.components if not c.since]  # dated by the catalog's git history
        first_seen = {key: date.fromisoformat(day) for key, day in
                      repo.first_seen(Path(self.path, CATALOG_FILE), undated).items()} if undated else {}
        self.first_seen = first_seen
        with self.phases("derive"):
            self.view = view(site, when, self.config.recent_days,
                             self.config.past_limit, self.urls, first_seen=first_seen,
                             subscribing=self.subscribing)
        gc.freeze()  # the view too
        tz = site.timezone
        # Pelican's environment does not escape by default; every author string here is text, not HTML.
        self.env.autoescape = True
        self.env.globals.update(url=self.urls.url, statusgen=self.view, catalog=site.catalog, now=self.view.now,
                                build_time=self.view.at)
        self.env.filters.update(
            markdown=self.phases.timed("markdown", lambda text: i18n.marked(text, to_html, "div")),
            human=partial(wording.human, tz=tz),
            iso=partial(wording.iso, tz=tz),
            status_words=wording.status_words,
            state_words=wording.state_words,
            month_title=lambda ym: wording.month_title(*ym),
            day=wording.day,
            duration=wording.short_duration,
            ticket_url=lambda ticket, template: ticket_url(template, ticket),
        )
        self.env.globals.update(STATUS=wording.STATUS, INDICATOR=wording.INDICATOR, IMPACT=wording.IMPACT,
                                TARGET=wording.TARGET, time_tag=partial(time_tag, tz=tz), status_tag=status_tag,
                                state_tag=partial(state_tag, self.view), link_tag=link_tag(self.urls.url))
        self.env.globals.update(asset=lambda name: self.assets[name][0],
                                stale_minutes=self.config.stale_after_minutes,
                                unconfirmed_hours=UNCONFIRMED_SHOWN // timedelta(hours=1),
                                brand=self.brand, brand_colors="brand:colors" in self.assets,
                                csp_meta=sitefiles.POLICY_IN_PAGE)
        i18n.install(self.env, self.settings)

    def hashed_assets(self) -> dict[str, tuple[str, bytes]]:
        """theme/static files, and the site's logo and extra stylesheet, under names that change with their
        content: hosts may cache them for a year."""
        assets = {}
        folder = Path(self.theme, "static")
        files = [(path.name, path) for path in sorted(folder.iterdir())] if folder.is_dir() else []
        files += [(key, path) for key, path in (("brand:logo", self.brand.logo), ("brand:css", self.brand.extra_css))
                  if path]  # keyed apart from the theme's own: a site's "style.css" is not the theme's
        made = [(key, path.stem, path.suffix, path.read_bytes()) for key, path in files]
        if self.brand.css():  # the site's colours: a stylesheet, as the policy allows no inline style on a page
            made.append(("brand:colors", "colors", ".css", self.brand.css().encode("utf-8")))
        for key, stem, suffix, data in made:
            digest = hashlib.sha256(data).hexdigest()[:10]
            assets[key] = (self.urls.url("asset", f"{stem}.{digest}{suffix}"), data)
        return assets

    def link_from(self, save_as: str):
        """Makes a site path into a URL for the feed or calendar `save_as`: absolute whenever SITEURL is (RSS,
        calendar apps and feed readers that copy entries need absolute URLs), even where pages use relative
        links; relative only for a site with no SITEURL at all."""
        site_url = self.absolute_site_url()
        if site_url:
            return lambda path: f"{site_url}/{path}"
        prefix = "../" * save_as.count("/")
        return lambda path: f"{prefix}{path}" if prefix or path else "./"

    def output_settings(self) -> None:
        """What the feed, calendar and API writers share, worked out once per build from the settings."""
        name = self.config.sitename
        organization = self.config.organization_name
        # Checked, ids and all, by `statusgen build` before Pelican starts.
        self.subscribing = self.config.subscribing
        authority = self.config.authority
        self.feed_config = feeds.FeedSettings(
            site_name=name, author=organization, authority=authority, language=self.config.default_lang,
            limit=self.config.feed_limit, hub=self.subscribing.hub)
        self.calendar_config = ics.CalendarSettings(
            site_name=name, organization=organization, authority=authority,
            keep_days=self.config.calendar_keep_days)
        site_url = self.absolute_site_url()
        self.api_config = api.ApiSettings(page_id=authority, name=name, url=f"{site_url}/" if site_url else "",
                                          time_zone=self.config.timezone)

    def site_key(self) -> str:
        """Everything a closed incident's page depends on besides its own file: statusgen's code, the theme (and
        any template overrides), this plugin and every other the settings load (any may change how a page is made:
        a Jinja filter, a signal), the settings, the catalog and the assets' names."""
        overrides = [tree_digest(Path(folder)) for folder in self.config.theme_templates_overrides]
        return digest(code_version(), tree_digest(Path(self.theme)), tree_digest(Path(__file__).parent, (".py",)),
                      *overrides, *self.plugins_digests(), settings_digest(self.settings, PER_BUILD_SETTINGS),
                      Path(self.path, CATALOG_FILE).read_bytes(), *sorted(url for url, _ in self.assets.values()))

    def plugins_digests(self) -> list[str]:
        """Every file of each folder plugins are loaded from (PLUGIN_PATHS, and the site's plugins/), and the code
        of each plugin PLUGINS names wherever it is installed."""
        folders = [Path(folder) for folder in self.config.plugin_paths] + [Path("plugins")]
        found = {str(folder.resolve()): tree_digest(folder) for folder in folders if folder.is_dir()}
        for plugin in self.config.plugins:
            name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", repr(plugin))
            source = plugin_source(name)
            found[f"plugin {name}"] = (tree_digest(source) if source is not None and source.is_dir() else
                                       digest(source.read_bytes()) if source is not None else "not found")
        return [f"{where} {value}" for where, value in sorted(found.items())]

    def generate_output(self, writer):
        self.env.globals.update(reuse=self.reuse, memo=self.memo)
        self.memos: dict[tuple, str] = {}
        if self.pages.templates() is not None:  # compiled once, not at every build (Jinja checks their source)
            self.env.bytecode_cache = TemplateCache(self.pages)
        for kind in PAGE_KINDS:  # compiled here, before the page writers fork, so that none compiles them again
            self.get_template(kind)
        placed = set(self.early_keys)  # by start_early (those it got wrong are left out too, and made last)
        rendered = page_jobs(self.view, leave_out=placed)
        timed = self.phases.timed
        # The site-wide jobs first, the longest at the head: each process takes the next job when it is done with
        # one, so the two end together. The pages that show the uptime of every service (the view works it out at
        # the first page that asks, once per process) are one job, made in one process.
        site_pages = [partial(self.write_page, job) for job in rendered if job.incident is None]
        sharing = [page for page in site_pages if page.args[0].kind in SHARING_KINDS]
        jobs = [timed("api", self.write_api), partial(_run_all, sharing), timed("api", self.write_history),
                self.write_feeds, timed("api", self.write_badges)]
        jobs += [page for page in site_pages if page.args[0].kind not in SHARING_KINDS]
        jobs += [partial(self.write_bytes, name, data) for name, data in self.assets.values()]
        jobs += [partial(self.write_favicons), partial(self.write_site_files, writer)]
        incident_pages = [job for job in rendered if job.incident is not None]
        workers = self.config.jobs or os.cpu_count() or 1
        run_in_processes(jobs + batches([partial(self.write_page, job) for job in incident_pages]),
                         workers, self.phases, files=len(jobs) + len(rendered) + len(placed)
                         + 2 * len(self.view.feeds) + len(self.view.calendars))
        # Only now: the early work ran beside the page writers. What it did not find in the cache (a file gone
        # since the build began), or placed for an incident that turned out otherwise, is rendered last.
        failed = self.early_failures()
        self.join_early()
        failed |= self.wrong_early
        for ident in failed:  # what was placed there is not this incident's page: it is written as a new one
            Path(self.output_path, self.urls.save_as("incident", ident)).unlink(missing_ok=True)
        if failed:
            run_in_processes(batches([partial(self.write_page, job) for job in page_jobs(self.view, placed - failed)
                                      if job.incident is not None and job.incident.id in failed]),
                             workers, self.phases, files=len(failed))
        self.say_damaged()
        self.pages.prune([key for key in self.reuse_keys.values() if key])
        for lang in self.languages[1:]:
            self.write_language(lang, workers)
        if self.config.timings:
            self.phases.save(self.config.timings, time.perf_counter() - self.began)

    def write_language(self, lang: str, workers: int) -> None:
        """The site again in `lang` under /<lang>/ (i18n.prefix), with the same paths below it: its pages, feeds,
        calendars and badges, the words and figures in `lang`; the Statuspage API stays at the root. None of it
        goes to the build cache, whose keys are the default language's."""
        i18n.activate(lang)
        self.lang, self.keeping, self.memos = lang, False, {}
        self.urls = self.root_urls.in_language(i18n.prefix(lang, self.languages))
        self.view = view(self.view.site, self.at, self.view.recent_days, self.view.past_limit, self.urls,
                         first_seen=self.first_seen, subscribing=self.subscribing)
        self.feed_config = replace(self.feed_config, language=lang)
        self.env.globals.update(url=self.urls.url, statusgen=self.view, now=self.view.now, lang=lang,
                                lang_dir=i18n.direction(lang), words_lang=i18n.words_language(lang),
                                state_tag=partial(state_tag, self.view),
                                link_tag=link_tag(self.urls.url))
        pages = [partial(self.write_page, job) for job in page_jobs(self.view)]
        run_in_processes([self.write_feeds, self.write_badges, *batches(pages)], workers, self.phases,
                         files=len(pages))

    def say_damaged(self) -> None:
        """One note for the stored files that failed their check in this build (each was made again instead)."""
        count, found = self.pages.damaged(), self.config.report
        if count and found:
            report.add_note(found, str(self.cache), f"{count} file(s) in the build cache were not the bytes stored "
                            "(changed since); they were not used, and were made again")
        elif count:
            log.warning("%s: %d file(s) in the build cache were not the bytes stored; made again", self.cache, count)

    def write_favicons(self):
        """The overall status as the tab's icon: SVG, and ICO for /favicon.ico, which every browser asks for."""
        self.write_bytes(self.urls.save_as("favicon_svg"), favicon.svg(self.view.now.indicator))
        self.write_bytes(self.urls.save_as("favicon_ico"), favicon.ico(self.view.now.indicator))

    def absolute_site_url(self) -> str | None:
        return self.config.absolute_url

    def write_site_files(self, writer):
        """404.html, robots.txt, _headers and (with an absolute SITEURL, which sitemaps require) sitemap.xml."""
        site_url = self.absolute_site_url()
        # A host serves 404.html at any missing path, so relative links would break: its links and stylesheets
        # go from the domain root, by SITEURL's path (/sub/theme/...): the same origin as the page wherever it
        # is served (a deploy preview, `statusgen serve`), as the policy's 'self' asks. Not an inline stylesheet:
        # the policy allows none, and one allowed by its hash would change the policy with every theme change.
        not_found = self.urls.save_as("not_found")
        writer.write_file(not_found, self.get_template("404"), self.context, relative_urls=False,
                          SITEURL=urlparse(site_url).path.rstrip("/") if site_url else "",
                          page_kind="404", page_url=self.urls.url("not_found"), feeds=[],
                          calendars=[], home_url=f"{site_url}/" if site_url else "/")
        sitemap = self.urls.url("sitemap")
        robots = sitefiles.robots(f"{site_url}/{sitemap}" if site_url else None)
        self.write_bytes(self.urls.save_as("robots"), robots.encode("utf-8"))
        self.write_bytes(self.urls.save_as("headers"), sitefiles.HEADERS.encode("utf-8"))
        if site_url:
            pages = [f"{site_url}/{i18n.prefix(lang, self.languages)}{self.urls.url(kind, key)}"
                     for lang in self.languages for kind, key in page_keys(self.view)]
            self.write_bytes(self.urls.save_as("sitemap"), sitefiles.sitemap(pages))

    def reuse_key(self, job: PageJob) -> str | None:
        """The cache key of a page that an earlier build with the same inputs wrote the same: a closed incident's."""
        return self.reuse_key_of(job.incident) if job.incident is not None else None

    def reuse_key_of(self, item) -> str | None:
        """The cache key of what is made of an incident closed for good (its page, its history.json entry), by its
        id (worked out once for every incident loaded, in start_early)."""
        return self.reuse_keys[item.id]

    def start_early_from_index(self, at, paths: list[str], unchanged: dict[int, tuple[str, float | None]]) -> None:
        """start_early's work begun from the cache's index, before the incidents are read (load_site's `early`):
        the pages of the files unchanged since stored whose incidents are closed for good by `at`. What the
        incidents, once read, say otherwise is put right by start_early. With no index (a first build), left to
        start_early."""
        if not unchanged:
            return
        self.stored = self.pages.stored()
        now = at.timestamp()
        closed = []
        for n, (text_hash, closed_at) in unchanged.items():
            if closed_at is not None and closed_at <= now:
                key = self.index_keys[paths[n], text_hash] = self.made_key(paths[n], text_hash)
                if key in self.stored:
                    closed.append((incident_id(paths[n]), key))
        self.early_keys = dict(closed)
        self.place_early(closed, [incident_id(path) for path in paths])

    def cancel_early(self) -> None:
        """Stop the early work of a build that fails (the process this one started, by its pid) and wait for it:
        nothing may still write into the folder the build leaves."""
        if self.early is not None:
            try:
                os.kill(self.early[0], signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.early[0], 0)
            except OSError:
                pass
            for fd in self.early[1:]:
                os.close(fd)
            self.early = None

    def start_early(self, site) -> None:
        """The pages of incidents closed for good, put in place from the cache by a forked process while this one
        goes on (where the system can fork; else here, first): they need the build time and each incident's file
        and state, not the view. Begun from the cache's index where the build time is given (so, as the incidents
        are read: start_early_from_index); here otherwise. early_failures() says which it did not find;
        join_early() waits for it. Only that: work that reads every incident (the API) would make the process copy
        most of the loaded site (each object it reads is written to, to count references), a third copy at work
        beside the page writers."""
        known = self.index_keys  # those start_early_from_index worked out, by (path, text hash)
        self.reuse_keys = {item.id: known.get((item.path, item.digest)) or self.made_key(item.path, item.digest)
                           if is_final(item, self.at) else None for item in site.incidents}
        if self.early_keys is not None:
            # Begun from the index: what the incidents read since say otherwise (a file changed as it was listed)
            # is put right after the early work is done, and rendered then (see early_failures).
            self.wrong_early = {ident for ident, key in self.early_keys.items() if self.reuse_keys.get(ident) != key}
            return
        self.stored = self.pages.stored()
        closed = [(item.id, key) for item in site.incidents if (key := self.reuse_keys[item.id]) in self.stored]
        self.early_keys, self.wrong_early = dict(closed), set()
        self.place_early(closed, [item.id for item in site.incidents])

    def place_early(self, closed: list[tuple[str, str]], ids: list[str]) -> None:
        """place_pages for `closed` ((id, key) of each), in a forked process where the system can fork; `ids`: those
        of every incident of the build."""
        if not closed:
            return
        taken = self.take_incident_folders(ids, closed)
        if not hasattr(os, "fork") or threading.active_count() > 1:
            self.failed_early = set(self.place_pages(closed, taken))
            return
        failures, sending = os.pipe()

        def work() -> None:  # in the forked process
            os.close(failures)
            failed = self.place_pages(closed, taken)
            with os.fdopen(sending, "wb") as pipe:
                pipe.write(json.dumps(failed).encode("utf-8"))

        pid, said = forked(work, self.phases)
        os.close(sending)
        self.early = (pid, failures, said)

    def take_incident_folders(self, every: list[str],
                              closed: list[tuple[str, str]]) -> tuple[str, str, set[str]] | None:
        """Where the URL layout has a folder of incident pages' folders (Urls.page_folder), that folder of the site
        the last build replaced, moved into this one whole (one rename instead of one per page): (its path here, the
        pages' file name, the ids of every incident of the build: `every`). The folders of incidents not closed for
        good (`closed`: (id, key) of those whose pages are stored) are removed at once: the page writers make them
        anew. The rest is checked by place_pages. None where there is no such folder (the pages are then taken one
        by one)."""
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
        """The pages of incidents closed for good put in place ((id, key) of each: see start_early); the ids of
        those the cache did not have. With a folder taken whole (take_incident_folders): what no incident of this
        build is (one removed since, a stray file) is removed, and each page folder is kept if it holds the very
        stored page, or only a file in its place (then replaced by the stored page: PageStore.adopt); any other is
        made anew."""
        if taken is None:
            return [ident for ident, key in closed if not self.place_page(ident, key)]
        target, name, ids = taken
        with self.phases("reuse"):
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
                if ident not in folders or not self.pages.adopt(where, name, key):
                    _remove(where)
                    redo.append((ident, key))
        return [ident for ident, key in redo if not self.place_page(ident, key)]

    def place_page(self, ident: str, key: str) -> bool:
        """An incident's page, as an earlier build with the same inputs wrote it, from the cache."""
        save_as = self.urls.save_as("incident", ident)
        with self.phases("reuse"):
            return self.pages.place(key, os.path.join(self.output_path, save_as), save_as)

    def early_failures(self) -> set[str]:
        """The ids of the closed incidents whose pages the early work did not find in the cache (all of them, if it
        failed): they are rendered with the others."""
        if self.early is None:
            return self.failed_early
        with os.fdopen(self.early[1], "rb") as pipe:
            sent = pipe.read()
        return set(json.loads(sent)) if sent else set(self.early_keys)

    def join_early(self) -> None:
        if self.early is not None and not joined(self.early[0], self.early[2], self.phases):
            raise RuntimeError("the process placing stored pages failed; see the errors above")

    def write_page(self, job: PageJob) -> None:
        """A page rendered (those the cache holds were put in place by start_early), and kept in the cache if it is
        a closed incident's."""
        save_as = self.urls.save_as(job.kind, job.key)
        key = self.reuse_key(job) if self.keeping else None
        target = Path(self.output_path, save_as)
        with self.phases("derive"):
            page = job()
        self.rows = (self.pages.fragments(rows_of(page.kind, page.key)) if page.kind in ROW_KINDS and self.keeping
                     else None)
        with self.phases("render"):
            html = self.render(self.get_template(page.kind), save_as, page_kind=page.kind,
                               page_url=self.urls.url(page.kind, page.key), **page.context)
        if self.rows is not None:
            self.rows.save()
        with self.phases("write"):
            target.parent.mkdir(parents=True, exist_ok=True)
            data = html.encode("utf-8")
            target.write_bytes(data)
            if key is not None:
                self.pages.keep(key, data)

    def reuse(self, item, where: str, caller) -> Markup:
        """`{% call reuse(incident, SITEURL) %}...{% endcall %}`: what the block makes of an incident closed for
        good, made once and kept in the cache (as long as every input is the same, see reuse_key_of). Of a list of
        incidents (a month of the history) when every one is closed for good: one look-up for the lot."""
        if self.rows is None:
            return caller()
        if isinstance(item, (list, tuple)):
            keys = [self.reuse_key_of(i) for i in item]
            key = None if not keys or None in keys else "all " + hashlib.sha256(" ".join(keys).encode()).hexdigest()
        else:
            key = self.reuse_key_of(item)
        if key is None:
            return caller()
        key = f"{key} {where}"  # the keys are hex: no SITEURL can make another's
        text = self.rows.get(key)
        if text is None:
            self.rows[key] = text = str(caller())
        return Markup(text)

    def memo(self, *key, caller) -> Markup:
        """`{% call memo('name', SITEURL, feeds) %}...{% endcall %}`: a piece many pages share, made once per build
        and process for the same key. What the block makes may depend only on the key (lists of feeds or
        calendars are keyed by what they are about) and on what every page of the build shares."""
        key = tuple(tuple(getattr(item, "about", item) for item in part) if isinstance(part, (list, tuple)) else part
                    for part in key)
        text = self.memos.get(key)
        if text is None:
            text = self.memos[key] = str(caller())
        return Markup(text)

    def render(self, template, save_as: str, **kwargs) -> str:
        """The page as Pelican's writer renders it (the context, and SITEURL relative to the page where
        RELATIVE_URLS says), without its per-file bookkeeping."""
        local = self.context.copy()
        local["localsiteurl"] = local.get("localsiteurl")
        if self.config.relative_urls:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(save_as))
        local["output_file"] = save_as
        local["translations"] = i18n.alternates(kwargs.get("page_url", ""), self.lang, self.languages)
        local.update(kwargs)
        return template.render(local)

    def write_feeds(self) -> None:
        """Every feed and calendar, as one job: what each shows is picked from every update of the site, newest
        first (feeds.entries), which is worked out once, here, beside the other jobs rather than before them. The
        files of feeds and calendars stored by earlier builds and not shown now are dropped from the cache after."""
        pairs = feeds.entries(self.view.site.incidents)
        self.pick(pairs)
        for cal in self.view.calendars.values():
            with self.phases("calendars"):
                self.write_calendar(cal)
        for feed in self.view.feeds.values():
            with self.phases("feeds"):
                self.write_feed(feed, pairs)
        if self.keeping:
            self.pages.prune([f"{key}-{n}" for _, key in self.picks.values() for n in range(2)], made=True)

    def pick(self, pairs) -> None:
        """What each feed and calendar shows, and the cache key of its files. A feed's bytes depend on its entries
        alone (feeds.chosen), a calendar's on its events (ics.included): one that shows the same as in a build
        before is taken from the cache, as the page of a closed incident is."""
        self.calendar_events = {}  # each maintenance's event, made once for all the calendars it is in
        self.feed_entries = {}  # each update's entry HTML, made once for all the feeds it is in
        self.picks = {}
        for feed in self.view.feeds.values():
            picked = feeds.chosen(feed, pairs, self.feed_config.limit)
            self.picks[feed.atom] = (picked, self.made_key(
                feed.atom, feed.rss, "" if picked else self.view.at.isoformat(),  # an empty feed says when
                *(f"{incident.id} {incident.digest} {update.number}" for incident, update in picked)))
        for cal in self.view.calendars.values():
            shown = ics.included(self.view.site, cal, self.view.at, self.calendar_config, self.calendar_events)
            self.picks[cal.path] = (shown, self.made_key(
                cal.path, *(f"{incident.id} {incident.digest} {len(posted)}" for incident, posted in shown)))

    def made_key(self, *parts: str) -> str:
        """The cache key of files whose bytes depend on `parts` (where they go, what they show: an entry's or an
        event's words come from its incident's file, named by id and hash) and the site key alone. One hash of text
        no part can fake: the keys and file hashes are hex, and no path or id holds a NUL."""
        return hashlib.sha256("\0".join((self.site_key_, *parts)).encode()).hexdigest()

    def made_or_kept(self, key: str, files: list[str], make) -> None:
        """Files (paths in the site) whose bytes depend on `key` alone: put in place from the cache when a build
        before made them, else made (make() gives their bytes, in order) and kept."""
        if not self.keeping:
            for save_as, data in zip(files, make()):
                self.write_bytes(save_as, data)
            return
        stored = [(f"{key}-{n}", save_as, Path(self.output_path, save_as)) for n, save_as in enumerate(files)]
        with self.phases("reuse"):
            if all(self.pages.place(name, target, save_as) for name, save_as, target in stored):
                return
            for _, _, target in stored:  # some were placed: never write into a file the cache holds
                target.unlink(missing_ok=True)
        for (name, save_as, target), data in zip(stored, make()):
            self.write_bytes(save_as, data)
            self.pages.keep(name, data)

    def write_feed(self, feed, pairs):
        picked, key = self.picks[feed.atom]
        self.made_or_kept(key, [feed.atom, feed.rss], lambda: feeds.render(
            self.view.site, feed, pairs, self.feed_config, self.view.at, self.urls.url, self.link_from(feed.atom),
            self.feed_entries, picked))

    def write_calendar(self, cal):
        shown, key = self.picks[cal.path]
        self.made_or_kept(key, [cal.path], lambda: [ics.render(
            self.view.site, cal, self.view.at, self.urls.url, self.link_from(cal.path), self.calendar_config,
            self.calendar_events, shown)])

    def write_badges(self):
        """Each badge as SVG, and beside it as a shields.io endpoint."""
        for make in (badges.badges, badges.endpoints):
            for name, data in make(self.view.site, self.view.now, self.urls.url,
                                   site_name=self.config.sitename).items():
                self.write_bytes(name, data)

    def write_api(self):
        """The Statuspage v2 compatible JSON: what status widgets, exporters and chat bots already read."""
        for name, data in api.documents(self.view.site, self.at, self.api_config, self.urls.url,
                                        self.link_from(self.urls.url("api", "summary")), self.view.now).items():
            self.write_bytes(name, data)

    def write_history(self):
        """Our own full history, with every promise and its figures: Statuspage's lists stop at 50."""
        reused = self.pages.fragments("history")  # the entries of closed incidents, as an earlier build made them
        self.write_bytes(self.urls.save_as("history_json"),
                         api.history(self.view.site, self.at, self.api_config, self.urls.url,
                                     self.link_from(self.urls.url("history_json")), reused, self.reuse_key_of,
                                     uptime=self.view.uptime))
        reused.save()

    def write_bytes(self, save_as: str, data: bytes) -> None:
        path = Path(self.output_path, save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def time_tag(moment, tz) -> Markup:
    """A moment for machines (its datetime) and for people, in the site's zone: the theme's `m.time(moment)`."""
    return Markup(f'<time datetime="{escape(wording.iso(moment, tz))}">{escape(wording.human(moment, tz))}</time>')


def status_tag(look: wording.Look, words: str | None = None) -> Markup:
    """A look (a status's: `m.tag(STATUS[value])`) in words with its symbol, hidden from screen readers (the words
    say it all): the theme's `m.tag(look, words)`."""
    return Markup(f'<span class="status status-{escape(look.css)}"><span class="sym" aria-hidden="true">'
                  f'{escape(look.symbol)}</span> {escape(words or i18n.gettext(look.words))}</span>')


def state_tag(view, incident) -> Markup:
    """Its phase as of the build time, in words: the theme's `m.state(incident)`."""
    p = view.phase(incident)
    return Markup(f'<span class="state state-{escape(p.state)}">{escape(p.label)}</span>')


def link_tag(url):
    """`link(incident)`: its title, linked to its page (`url`: Urls.url) from the page's SITEURL: the theme's
    `m.link(incident)`."""
    @pass_context
    def link(context, incident) -> Markup:
        return Markup(f'<a href="{escape(context["SITEURL"])}/{escape(url("incident", incident.id))}">'
                      f'{escape(i18n.marked(incident.title))}</a>')
    return link


# The pages whose making asks the view for every service's uptime (SiteView.uptime and last_days, worked out when
# first asked for).
SHARING_KINDS = frozenset({"home", "uptime", "component"})
# The pages that list rows of past incidents (Generator.reuse): each keeps the rows it showed, in a table of its
# own (no two processes write one table, and each holds only what its page shows).
ROW_KINDS = frozenset({"history", "home", "component", "area"})


def rows_of(kind: str, key: str | None) -> str:
    """The name of the table of rows the page of `kind` and `key` keeps (PageStore.fragments)."""
    return f"rows-{kind}" if key is None else f"rows-{kind}-{key}"


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates in the build cache, sealed with their hash as every stored file is: one that fails
    its check is compiled again (and counted by PageStore.damaged); one that cannot be written (a full disk) is
    compiled again by the next build, as without a cache, instead of failing this one."""

    def __init__(self, pages: PageStore):
        super().__init__(str(pages.templates()))
        self.pages = pages

    def load_bytecode(self, bucket) -> None:
        path = self._get_cache_filename(bucket)
        try:
            with open(path, "rb") as f:
                data = unsealed(f.read())
        except OSError:
            return
        if data is None:
            self.pages.note_damaged(path)
        else:
            bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket) -> None:
        compiled = io.BytesIO()
        bucket.write_bytecode(compiled)
        try:
            write_whole(Path(self._get_cache_filename(bucket)), sealed(compiled.getvalue()))
        except OSError:
            pass


def plugin_source(name: str) -> Path | None:
    """The folder of plugin `name` (a package) or its file (a module), as Pelican would import it; None if none."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin and os.path.isfile(spec.origin) else None


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


def batches(jobs, size: int = 32):
    """Many small jobs as fewer larger ones, each running `size` of them in turn (more for very many: the queue of
    run_in_processes holds a few thousand)."""
    size = max(size, -(-len(jobs) // 4000))
    return [partial(_run_all, jobs[n:n + size]) for n in range(0, len(jobs), size)]


def _run_all(jobs) -> None:
    for job in jobs:
        job()


def run_in_processes(jobs, workers: int, phases: timing.Phases, files: int | None = None) -> None:
    """Run independent jobs (each writes its own files) on `workers` cores: forked children and this process take
    the next job from a shared queue as each finishes one, and the children send back the time they spent in each
    phase.

    Fork, not a pool: the children inherit the loaded site and the templates, so nothing is pickled; the queue is a
    pipe holding the jobs' numbers (each read of 4 bytes takes one, whole). Every job writes the same bytes
    wherever it runs, so the output does not depend on the split.
    """
    # Small sites: forking costs more than it saves. `files`: how many files the jobs write (a job may write many).
    workers = max(1, min(workers, (files or len(jobs)) // 200 + 1))
    if workers == 1 or not hasattr(os, "fork") or len(jobs) * 4 > select.PIPE_BUF * 8:
        for job in jobs:
            job()
        return
    queue, filling = os.pipe()
    os.write(filling, b"".join(n.to_bytes(4, "little") for n in range(len(jobs))))  # fits the pipe: see above
    os.close(filling)

    def work() -> None:
        while len(taken := os.read(queue, 4)) == 4:
            jobs[int.from_bytes(taken, "little")]()

    gc.freeze()  # what is loaded stays shared: the cycle collector would touch every object and copy its page
    children = [forked(work, phases) for _ in range(1, workers)]
    try:
        work()
    finally:
        os.close(queue)
    gc.unfreeze()
    failed = [pid for pid, said in children if not joined(pid, said, phases)]
    if failed:
        raise RuntimeError(f"{len(failed)} page-writing process(es) failed; see the errors above")


def forked(work, phases: timing.Phases) -> tuple[int, int]:
    """Run `work()` in a forked copy of this process, which dies with it, sends back the seconds it spent in each
    phase, and leaves without running this process's clean-up: (its pid, the pipe it sends them on; see joined)."""
    parent = os.getpid()
    said, saying = os.pipe()
    pid = os.fork()
    if pid:
        os.close(saying)
        return pid, said
    code = 0
    try:  # the child
        die_with_parent(parent)
        os.close(said)
        phases.restart()  # its own share only
        work()
        os.write(saying, json.dumps(phases.seconds).encode("ascii"))
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def joined(pid: int, said: int, phases: timing.Phases) -> bool:
    """Wait for a process of forked() and add the time it spent to `phases`; False if it failed."""
    with os.fdopen(said, "rb") as pipe:
        sent = pipe.read()
    if os.waitpid(pid, 0)[1] != 0:
        return False
    if sent:
        phases.add(json.loads(sent))
    return True


def get_generators(pelican):
    return StatusSiteGenerator


def register():
    signals.get_generators.connect(get_generators)
