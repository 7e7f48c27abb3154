"""The statusgen Pelican generator: settings in, the templates and Pelican's environment, each page rendered with
its template and written. All knowledge of incidents lives in `statusgen`: what each page shows (pages), which
files a build makes and on how many processes (schedule), the cache and its keys (cache, keys, placing), every file
no template makes (outputs). This module reads the settings, owns the URL table (the defaults of statusgen.urls with
STATUSGEN_URLS over them) and renders with the theme's templates, one per page kind, each one a theme may override.
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
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from statusgen import config, i18n, keys, outputs, repo, report, schedule, sitefiles, tags, templating, timing
from statusgen import wording
from statusgen.cache import PageStore, sealed, unsealed
from statusgen.files import write_whole
from statusgen.errors import ContentError, Problem
from statusgen.load import CATALOG_FILE, load_site
from statusgen.markup import to_html
from statusgen.pages import PAGE_KINDS, PageJob, view
from statusgen.placing import EarlyPlacing
from statusgen.status import UNCONFIRMED_SHOWN
from statusgen.times import parse_time
from statusgen.urls import ticket_url

log = logging.getLogger(__name__)


class StatusSiteGenerator(Generator):
    """Loads content/ through statusgen and writes every status page."""

    def generate_context(self):
        self.began, self.phases = time.perf_counter(), timing.Phases()
        try:  # checked by `statusgen build` already; not by a bare `pelican` run
            self.config = config.load(self.settings, base=Path.cwd())
        except ContentError as err:
            self.fail(err.problems)
        self.cache = Path(self.config.cache) if self.config.cache else None
        # What is loaded lives as long as the build: out of the cycle collector's way, and frozen once made.
        collecting = gc.isenabled()
        gc.disable()
        self.urls = self.root_urls = self.config.urls
        self.languages = self.config.site_languages
        self.brand, self.subscribing = self.config.brand, self.config.subscribing
        self.assets = self.hashed_assets()
        # Known before any incident is read: their pages' placing from the cache starts with the cache's index.
        self.site_key = keys.site_key(self.settings, self.config, Path(self.theme), Path(__file__).parent,
                                      Path(self.path, CATALOG_FILE).read_bytes(), [u for u, _ in self.assets.values()])
        self.pages = PageStore(self.cache, self.site_key)
        self.placing = EarlyPlacing(self.pages, self.urls, self.output_path, self.site_key, self.phases)
        given = self.config.build_time
        try:
            with self.phases("load"), self.phases.children("load"):
                site = load_site(Path(self.path), self.config.timezone, cache=self.cache, languages=self.languages,
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
        clock = self.config.clock  # the present
        ahead = [Problem(*item) for item in site.dated_ahead(clock)] if clock else []
        if ahead:
            self.fail(ahead)
        if self.config.report:  # where `statusgen build` reads what was found
            report.save(self.config.report, [], site.unposted(when))
        self.placing.start(site, when)
        undated = [c.id for c in site.catalog.components if not c.since]  # dated by the catalog's git history
        self.first_seen = {key: date.fromisoformat(day) for key, day in
                           repo.first_seen(Path(self.path, CATALOG_FILE), undated).items()} if undated else {}
        with self.phases("derive"):
            self.view = self.view_at(site, when, self.urls)
        gc.freeze()  # the view too
        self.out = outputs.Outputs(self.view, self.urls, self.output_path, self.pages, self.site_key,
                                   outputs.Settings.read(self.config), self.phases, self.placing.reuse_keys,
                                   self.assets, self.languages)
        self.set_up_templates(site.timezone)

    def view_at(self, site, when, urls):
        return view(site, when, self.config.recent_days, self.config.past_limit, urls, first_seen=self.first_seen,
                    subscribing=self.subscribing)

    def fail(self, problems) -> None:
        """Stop the build on what the content says (SystemExit: Pelican would print an exception's traceback)."""
        if hasattr(self, "placing"):
            self.placing.cancel()
        found = self.settings.get("STATUSGEN_REPORT")  # a string `statusgen build` gives, even in bad settings
        if found:
            report.save(found, problems, [])
        else:
            for problem in problems:
                print(problem, file=sys.stderr)
        raise SystemExit(1)

    def set_up_templates(self, tz) -> None:
        """statusgen's filters and globals. Pelican's default is no escaping; every author string here is text."""
        templating.install(self.env)  # autoescape, and Jinja's per-page costs cut (the same text)
        self.env.globals.update(url=self.urls.url, statusgen=self.view, catalog=self.view.site.catalog,
                                now=self.view.now, build_time=self.view.at)
        self.env.filters.update(
            markdown=self.phases.timed("markdown", lambda text: i18n.marked(text, to_html, "div")),
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
            stale_minutes=self.config.stale_after_minutes,
            unconfirmed_hours=UNCONFIRMED_SHOWN // timedelta(hours=1), brand=self.brand,
            brand_colors="brand:colors" in self.assets, csp_meta=sitefiles.POLICY_IN_PAGE,
            reuse=lambda *key, caller: self.out.reuse(*key, caller=caller),
            memo=lambda *key, caller: self.out.memo(*key, caller=caller))
        i18n.install(self.env, self.languages[0])

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
        self.env.auto_reload = False  # nor looks at their files again at each page that extends or imports one
        workers = self.config.jobs or os.cpu_count() or 1
        damaged = schedule.write_site(self.out, self.placing, self.write_page, [partial(self.write_404, writer)],
                                      workers)
        if damaged and self.config.report:
            report.add_note(self.config.report, str(self.cache), f"{damaged} file(s) in the build cache were not "
                            "the bytes stored (changed since); they were not used, and were made again")
        elif damaged:
            log.warning("%s: %d file(s) in the build cache were not the bytes stored; made again", self.cache, damaged)
        for lang in self.languages[1:]:  # each other language under /<lang>/, the words and figures in it
            i18n.activate(lang)
            self.urls = self.root_urls.in_language(i18n.prefix(lang, self.languages))
            self.view = self.view_at(self.view.site, self.view.at, self.urls)
            self.out = self.out.in_language(lang, self.view, self.urls)
            self.env.globals.update(url=self.urls.url, statusgen=self.view, now=self.view.now, lang=lang,
                                    lang_dir=i18n.direction(lang), words_lang=i18n.words_language(lang),
                                    state_tag=partial(tags.state_tag, self.view))
            schedule.write_language(self.out, self.write_page, workers)
        if self.config.timings:
            self.phases.save(self.config.timings, time.perf_counter() - self.began)

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
        local = templating.template_values(template, self.context)
        local["localsiteurl"] = local.get("localsiteurl")
        if self.config.relative_urls:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(save_as))
        local["output_file"] = save_as
        local["translations"] = i18n.alternates(kwargs.get("page_url", ""), i18n.active(), self.languages)
        local.update(kwargs)
        return templating.render(template, local)

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
