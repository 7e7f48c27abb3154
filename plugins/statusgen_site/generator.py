"""The statusgen Pelican generator: load, derive, render each page kind with its template, write.

All knowledge of incidents lives in `statusgen`; this module reads the settings, owns the URL table (the defaults
of statusgen.urls with STATUSGEN_URLS over them) and writes each output where the table says.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import traceback
from datetime import date, timezone
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from statusgen import api, badges, brand, favicon, feeds, ics, repo, report, sitefiles, wording
from statusgen.errors import ContentError
from statusgen.load import CATALOG_FILE, load_site
from statusgen.markup import to_html
from statusgen.pages import page_jobs, page_keys, view
from statusgen.publish import die_with_parent
from statusgen.times import humanize_duration, parse_time
from statusgen.urls import Urls, ticket_url

log = logging.getLogger(__name__)


class StatusSiteGenerator(Generator):
    """Loads content/ through statusgen and writes every status page."""

    def build_time(self, site):
        raw = self.settings.get("STATUSGEN_BUILD_TIME")
        if raw:
            return parse_time(str(raw).replace("+00:00", "Z"), timezone.utc)
        # Without one (a bare `pelican` run) the newest update stands in: still the same bytes for the same input.
        newest = max((u.at for i in site.incidents for u in i.updates), default=None)
        log.info("STATUSGEN_BUILD_TIME not set; showing the site as of its newest update")
        return newest or parse_time("1970-01-01 00:00Z", timezone.utc)

    def generate_context(self):
        found = self.settings.get("STATUSGEN_REPORT")  # where `statusgen build` reads what was found
        try:
            site = load_site(Path(self.path), self.settings.get("TIMEZONE") or "UTC")
        except ContentError as err:
            if found:
                report.save(found, err.problems, [])
            else:
                for problem in err.problems:
                    print(problem, file=sys.stderr)
            raise SystemExit(1) from None  # SystemExit, not an exception: Pelican would print a traceback
        when = self.build_time(site)
        if found:
            report.save(found, [], site.unposted(when))
        self.urls = Urls.configured(self.settings.get("STATUSGEN_URLS"))
        undated = [c.id for c in site.catalog.components if not c.since]  # dated by the catalog's git history
        first_seen = {key: date.fromisoformat(day) for key, day in
                      repo.first_seen(Path(self.path, CATALOG_FILE), undated).items()} if undated else {}
        self.view = view(site, when, int(self.settings.get("STATUSGEN_RECENT_DAYS", 14)),
                         int(self.settings.get("STATUSGEN_PAST_LIMIT", 50)), self.urls, first_seen=first_seen)
        tz = site.timezone
        # Pelican's environment does not escape by default; every author string here is text, not HTML.
        self.env.autoescape = True
        self.env.globals.update(url=self.urls.url, statusgen=self.view, catalog=site.catalog, now=self.view.now,
                                build_time=self.view.at)
        self.env.filters.update(
            markdown=lambda text: Markup(to_html(text)),
            human=partial(wording.human, tz=tz),
            iso=partial(wording.iso, tz=tz),
            status_words=wording.status_words,
            state_words=wording.state_words,
            month_title=lambda ym: wording.month_title(*ym),
            day=wording.day,
            duration=humanize_duration,
            ticket_url=lambda ticket, template: ticket_url(template, ticket),
        )
        self.env.globals.update(STATUS=wording.STATUS, INDICATOR=wording.INDICATOR, IMPACT=wording.IMPACT,
                                TARGET=wording.TARGET)
        self.brand = brand.read(self.settings, Path.cwd())  # checked by `statusgen build` before Pelican starts
        self.assets = self.hashed_assets()
        self.env.globals.update(asset=lambda name: self.assets[name][0],
                                stale_minutes=int(self.settings.get("STATUSGEN_STALE_AFTER_MINUTES", 60)),
                                brand=self.brand, brand_css=self.brand.css())

    def hashed_assets(self) -> dict[str, tuple[str, bytes]]:
        """theme/static files, and the site's logo and extra stylesheet, under names that change with their
        content: hosts may cache them for a year."""
        assets = {}
        folder = Path(self.theme, "static")
        files = [(path.name, path) for path in sorted(folder.iterdir())] if folder.is_dir() else []
        files += [(key, path) for key, path in (("brand:logo", self.brand.logo), ("brand:css", self.brand.extra_css))
                  if path]  # keyed apart from the theme's own: a site's "style.css" is not the theme's
        for key, path in files:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            assets[key] = (self.urls.url("asset", f"{path.stem}.{digest}{path.suffix}"), data)
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
        name = self.settings["SITENAME"]
        organization = self.settings.get("STATUSGEN_ORGANIZATION") or name
        authority = (self.settings.get("STATUSGEN_ID_AUTHORITY") or urlparse(self.settings.get("SITEURL", "")).hostname
                     or "statusgen.invalid")
        self.feed_config = feeds.FeedSettings(
            site_name=name, author=organization, authority=authority, language=self.settings.get("DEFAULT_LANG", "en"),
            limit=int(self.settings.get("STATUSGEN_FEED_LIMIT", feeds.DEFAULT_LIMIT)))
        self.calendar_config = ics.CalendarSettings(
            site_name=name, organization=organization, authority=authority,
            keep_days=int(self.settings.get("STATUSGEN_CALENDAR_KEEP_DAYS", ics.DEFAULT_KEEP_DAYS)))
        site_url = self.absolute_site_url()
        self.api_config = api.ApiSettings(page_id=authority, name=name, url=f"{site_url}/" if site_url else "",
                                          time_zone=self.settings.get("TIMEZONE") or "UTC")

    def generate_output(self, writer):
        self.output_settings()
        pairs = feeds.entries(self.view.site.incidents)
        jobs = [partial(self.write_page, writer, job) for job in page_jobs(self.view)]
        jobs += [partial(self.write_feed, feed, pairs) for feed in self.view.feeds.values()]
        self.calendar_events = {}  # each maintenance's event, made once for all the calendars it is in
        jobs += [partial(self.write_calendar, cal) for cal in self.view.calendars.values()]
        jobs += [partial(self.write_bytes, name, data) for name, data in self.assets.values()]
        jobs += [partial(self.write_badges), partial(self.write_api), partial(self.write_favicons)]
        jobs += [partial(self.write_site_files, writer)]
        run_in_processes(jobs, int(self.settings.get("STATUSGEN_JOBS") or os.cpu_count() or 1))

    def write_favicons(self):
        """The overall status as the tab's icon: SVG, and ICO for /favicon.ico, which every browser asks for."""
        self.write_bytes(self.urls.save_as("favicon_svg"), favicon.svg(self.view.now.indicator))
        self.write_bytes(self.urls.save_as("favicon_ico"), favicon.ico(self.view.now.indicator))

    def absolute_site_url(self) -> str | None:
        site_url = self.settings.get("SITEURL", "")
        return site_url.rstrip("/") if "://" in site_url else None

    def write_site_files(self, writer):
        """404.html, robots.txt, _headers and (with an absolute SITEURL, which sitemaps require) sitemap.xml."""
        site_url = self.absolute_site_url()
        # A host serves 404.html at any missing path, so relative links would break: its CSS is inline and its
        # links are absolute (SITEURL) or from the domain root.
        css = self.assets["style.css"][1].decode("utf-8") if "style.css" in self.assets else ""
        not_found = self.urls.save_as("not_found")
        writer.write_file(not_found, self.get_template("404"), self.context, relative_urls=False,
                          page_kind="404", page_url=self.urls.url("not_found"), inline_css=css, feeds=[],
                          calendars=[], home_url=f"{site_url}/" if site_url else "/")
        sitemap = self.urls.url("sitemap")
        robots = sitefiles.robots(f"{site_url}/{sitemap}" if site_url else None)
        self.write_bytes(self.urls.save_as("robots"), robots.encode("utf-8"))
        self.write_bytes(self.urls.save_as("headers"), sitefiles.HEADERS.encode("utf-8"))
        if site_url:
            pages = [f"{site_url}/{self.urls.url(kind, key)}" for kind, key in page_keys(self.view)]
            self.write_bytes(self.urls.save_as("sitemap"), sitefiles.sitemap(pages))

    def write_page(self, writer, job):
        page = job()
        kind_url, save_as = self.urls.url(page.kind, page.key), self.urls.save_as(page.kind, page.key)
        writer.write_file(save_as, self.get_template(page.kind), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], page_kind=page.kind, page_url=kind_url,
                          **page.context)

    def write_feed(self, feed, pairs):
        atom, rss = feeds.render(self.view.site, feed, pairs, self.feed_config, self.view.at, self.urls.url,
                                 self.link_from(feed.atom))
        self.write_bytes(feed.atom, atom)
        self.write_bytes(feed.rss, rss)

    def write_calendar(self, cal):
        data = ics.render(self.view.site, cal, self.view.at, self.urls.url, self.link_from(cal.path),
                          self.calendar_config, self.calendar_events)
        self.write_bytes(cal.path, data)

    def write_badges(self):
        """Each badge as SVG, and beside it as a shields.io endpoint."""
        for make in (badges.badges, badges.endpoints):
            for name, data in make(self.view.site, self.view.now, self.urls.url,
                                   site_name=self.settings["SITENAME"]).items():
                self.write_bytes(name, data)

    def write_api(self):
        """The Statuspage v2 compatible JSON: what status widgets, exporters and chat bots already read."""
        for name, data in api.documents(self.view.site, self.view.at, self.api_config, self.urls.url,
                                        self.link_from(self.urls.url("api", "summary"))).items():
            self.write_bytes(name, data)
        # Our own full history, with every promise and its figures: Statuspage's lists stop at 50.
        self.write_bytes(self.urls.save_as("history_json"),
                         api.history(self.view.site, self.view.at, self.api_config, self.urls.url,
                                     self.link_from(self.urls.url("history_json"))))

    def write_bytes(self, save_as: str, data: bytes) -> None:
        path = Path(self.output_path, save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def run_in_processes(jobs, workers: int) -> None:
    """Run independent jobs (each writes its own files) on `workers` cores: forked children take every n-th job.

    Fork, not a pool: the children inherit the loaded site and the templates, so nothing is pickled. Every job
    writes the same bytes wherever it runs, so the output does not depend on the split.
    """
    workers = max(1, min(workers, len(jobs) // 200 + 1))  # small sites: forking costs more than it saves
    if workers == 1 or not hasattr(os, "fork"):
        for job in jobs:
            job()
        return
    children, parent = [], os.getpid()
    for n in range(1, workers):
        pid = os.fork()
        if pid == 0:  # the child: its share, then leave without running the parent's clean-up
            die_with_parent(parent)
            code = 0
            try:
                for job in jobs[n::workers]:
                    job()
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    for job in jobs[0::workers]:
        job()
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} page-writing process(es) failed; see the errors above")


def get_generators(pelican):
    return StatusSiteGenerator


def register():
    signals.get_generators.connect(get_generators)
