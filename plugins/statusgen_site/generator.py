"""The statusgen Pelican generator: settings in, the templates and Pelican's environment, each page rendered with
its template and written.

All knowledge of incidents lives in `statusgen`: what each page shows (pages), which files a build makes and on
how many processes (schedule), the cache and its keys (cache, keys, placing), every file no template makes
(outputs). This module reads the settings, owns the URL table (the defaults of statusgen.urls with STATUSGEN_URLS
over them) and renders with the theme's templates, one per page kind, each one a theme may override.
"""
from __future__ import annotations

import gc
import io
import logging
import os
import sys
import time
from datetime import date, timedelta, timezone
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from statusgen import (brand, keys, outputs, repo, report, schedule, sitefiles, subscribe, tags,
                       timing, wording)
from statusgen.cache import PageStore, sealed, unsealed
from statusgen.files import write_whole
from statusgen.errors import ContentError, Problem
from statusgen.load import CATALOG_FILE, load_site
from statusgen.markup import to_html
from statusgen.pages import PAGE_KINDS, PageJob, view
from statusgen.placing import EarlyPlacing
from statusgen.status import UNCONFIRMED_SHOWN
from statusgen.times import parse_time
from statusgen.urls import Urls, ticket_url

log = logging.getLogger(__name__)


class StatusSiteGenerator(Generator):
    """Loads content/ through statusgen and writes every status page."""

    def setting_time(self, name: str):  # STATUSGEN_BUILD_TIME and STATUSGEN_CLOCK, given by `statusgen build`
        raw = self.settings.get(name)
        return parse_time(str(raw).replace("+00:00", "Z"), timezone.utc) if raw else None

    def generate_context(self):
        self.began, self.phases = time.perf_counter(), timing.Phases()
        self.cache = Path(self.settings["STATUSGEN_CACHE"]) if self.settings.get("STATUSGEN_CACHE") else None
        # What is loaded lives as long as the build: out of the cycle collector's way, and frozen once made.
        collecting = gc.isenabled()
        gc.disable()
        self.urls = Urls.configured(self.settings.get("STATUSGEN_URLS"))
        self.brand = brand.read(self.settings, Path.cwd())  # checked by `statusgen build` before Pelican starts
        self.assets = self.hashed_assets()
        self.subscribing = subscribe.read(self.settings)  # checked, ids and all, by `statusgen build`
        # Known before any incident is read: their pages' placing from the cache starts with the cache's index.
        self.site_key = keys.site_key(self.settings, Path(self.theme), Path(__file__).parent,
                                      Path(self.path, CATALOG_FILE).read_bytes(), [u for u, _ in self.assets.values()])
        self.pages = PageStore(self.cache, self.site_key)
        self.placing = EarlyPlacing(self.pages, self.urls, self.output_path, self.site_key, self.phases)
        given = self.setting_time("STATUSGEN_BUILD_TIME")
        try:
            with self.phases("load"), self.phases.children("load"):
                site = load_site(Path(self.path), self.settings.get("TIMEZONE") or "UTC", cache=self.cache,
                                 early=partial(self.placing.from_index, given) if given is not None else None)
        except ContentError as err:
            self.fail(err.problems)
        except BaseException:
            self.placing.cancel()
            raise
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        # Without a build time (a bare `pelican` run) the newest update stands in: the same bytes for the same input.
        when = given or max((u.at for i in site.incidents for u in i.updates), default=None) or parse_time(
            "1970-01-01 00:00Z", timezone.utc)
        clock = self.setting_time("STATUSGEN_CLOCK")  # the present
        ahead = [Problem(*item) for item in site.dated_ahead(clock)] if clock else []
        if ahead:
            self.fail(ahead)
        if self.settings.get("STATUSGEN_REPORT"):  # where `statusgen build` reads what was found
            report.save(self.settings["STATUSGEN_REPORT"], [], site.unposted(when))
        self.placing.start(site, when)
        undated = [c.id for c in site.catalog.components if not c.since]  # dated by the catalog's git history
        first_seen = {key: date.fromisoformat(day) for key, day in
                      repo.first_seen(Path(self.path, CATALOG_FILE), undated).items()} if undated else {}
        with self.phases("derive"):
            self.view = view(site, when, int(self.settings.get("STATUSGEN_RECENT_DAYS", 14)),
                             int(self.settings.get("STATUSGEN_PAST_LIMIT", 50)), self.urls, first_seen=first_seen,
                             subscribing=self.subscribing)
        gc.freeze()  # the view too
        self.out = outputs.Outputs(self.view, self.urls, self.output_path, self.pages, self.site_key,
                                   outputs.Settings.read(self.settings, self.subscribing.hub), self.phases,
                                   self.placing.reuse_keys, self.assets)
        self.set_up_templates(site.timezone)

    def fail(self, problems) -> None:
        """Stop the build on what the content says (SystemExit: Pelican would print an exception's traceback)."""
        self.placing.cancel()
        if self.settings.get("STATUSGEN_REPORT"):
            report.save(self.settings["STATUSGEN_REPORT"], problems, [])
        else:
            for problem in problems:
                print(problem, file=sys.stderr)
        raise SystemExit(1)

    def set_up_templates(self, tz) -> None:
        """statusgen's filters and globals. Pelican's default is no escaping; every author string here is text."""
        self.env.autoescape = True
        self.env.globals.update(url=self.urls.url, statusgen=self.view, catalog=self.view.site.catalog,
                                now=self.view.now, build_time=self.view.at)
        self.env.filters.update(
            markdown=self.phases.timed("markdown", lambda text: Markup(to_html(text))),
            human=partial(tags.human, tz=tz), iso=partial(tags.iso, tz=tz), status_words=wording.status_words,
            state_words=wording.state_words, month_title=lambda ym: wording.month_title(*ym), day=wording.day,
            duration=tags.duration, ticket_url=lambda ticket, template: ticket_url(template, ticket))
        self.env.globals.update(
            STATUS=wording.STATUS, INDICATOR=wording.INDICATOR, IMPACT=wording.IMPACT, TARGET=wording.TARGET,
            time_tag=partial(tags.time_tag, tz=tz), status_tag=tags.status_tag,
            state_tag=partial(tags.state_tag, self.view),
            link_tag=pass_context(lambda context, item, site=None: tags.link_tag(
                self.urls.url, context["SITEURL"] if site is None else site, item)),
            asset=lambda name: self.assets[name][0],
            stale_minutes=int(self.settings.get("STATUSGEN_STALE_AFTER_MINUTES", 60)),
            unconfirmed_hours=UNCONFIRMED_SHOWN // timedelta(hours=1), brand=self.brand,
            brand_colors="brand:colors" in self.assets, csp_meta=sitefiles.POLICY_IN_PAGE,
            reuse=self.out.reuse, memo=self.out.memo)

    def hashed_assets(self) -> dict[str, tuple[str, bytes]]:
        """theme/static files, and the site's logo, extra stylesheet and colours (a stylesheet: the policy allows
        no inline style), under names that change with their content."""
        folder = Path(self.theme, "static")
        files = [(path.name, path) for path in sorted(folder.iterdir())] if folder.is_dir() else []
        files += [(key, path) for key, path in (("brand:logo", self.brand.logo), ("brand:css", self.brand.extra_css))
                  if path]  # keyed apart from the theme's own: a site's "style.css" is not the theme's
        colors = [("brand:colors", "colors", ".css", self.brand.css().encode("utf-8"))] if self.brand.css() else []
        return outputs.hashed_assets(files, colors, self.urls.url)

    def generate_output(self, writer):
        if self.pages.templates() is not None:  # compiled once, not at every build (Jinja checks their source)
            self.env.bytecode_cache = TemplateCache(self.pages)
        for kind in (*PAGE_KINDS, "404"):  # compiled before the page writers fork, so that none compiles them again
            self.get_template(kind)
        workers = int(self.settings.get("STATUSGEN_JOBS") or os.cpu_count() or 1)
        damaged = schedule.write_site(self.out, self.placing, self.write_page, [partial(self.write_404, writer)],
                                      workers)
        if damaged and self.settings.get("STATUSGEN_REPORT"):
            report.add_note(self.settings["STATUSGEN_REPORT"], str(self.cache), f"{damaged} file(s) in the build "
                            "cache were not the bytes stored (changed since); they were not used, and were made again")
        elif damaged:
            log.warning("%s: %d file(s) in the build cache were not the bytes stored; made again", self.cache, damaged)
        if self.settings.get("STATUSGEN_TIMINGS"):
            self.phases.save(self.settings["STATUSGEN_TIMINGS"], time.perf_counter() - self.began)

    def write_page(self, job: PageJob) -> None:
        """A page rendered with its kind's template, and kept in the cache if it is a closed incident's."""
        save_as = self.urls.save_as(job.kind, job.key)
        key = self.out.reuse_key_of(job.incident) if job.incident is not None else None
        with self.phases("derive"):
            page = job()
        self.out.open_rows(page.kind, page.key)
        with self.phases("render"):
            html = self.render(self.get_template(page.kind), save_as, page_kind=page.kind,
                               page_url=self.urls.url(page.kind, page.key), **page.context)
        self.out.save_rows()
        with self.phases("write"):
            data = html.encode("utf-8")
            self.out.write_bytes(save_as, data)
            if key is not None:
                self.pages.keep(key, data)

    def render(self, template, save_as: str, **kwargs) -> str:
        """The page as Pelican's writer renders it (the context, and SITEURL relative to the page where
        RELATIVE_URLS says), without its per-file bookkeeping."""
        local = self.context.copy()
        local["localsiteurl"] = local.get("localsiteurl")
        if self.settings["RELATIVE_URLS"]:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(save_as))
        local["output_file"] = save_as
        local.update(kwargs)
        return template.render(local)

    def write_404(self, writer) -> None:
        """404.html: a host serves it at any missing path, so relative links would break: its links and stylesheets
        go from the domain root, by SITEURL's path (/sub/theme/...), the same origin as the page wherever it is
        served (a deploy preview, `statusgen serve`), as the policy's 'self' asks."""
        site_url = self.out.settings.site_url
        writer.write_file(self.urls.save_as("not_found"), self.get_template("404"), self.context,
                          relative_urls=False, SITEURL=urlparse(site_url).path.rstrip("/") if site_url else "",
                          page_kind="404", page_url=self.urls.url("not_found"), feeds=[], calendars=[],
                          home_url=f"{site_url}/" if site_url else "/")


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
            data = unsealed(Path(path).read_bytes())
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


def get_generators(pelican):
    return StatusSiteGenerator


def register():
    signals.get_generators.connect(get_generators)
