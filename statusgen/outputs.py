"""The files of a build no template makes (feeds, calendars, the API, badges, favicons, robots, _headers, the
sitemap, the hashed assets), each written where the URL table says, and what the pages reuse: the pieces made once
per build (memo) and those of closed incidents kept in the cache (reuse).

Feeds and calendars are reused as a closed incident's page is: one that shows what it showed in a build before
(keys.made_key of what it shows) is put in place from the cache (PageStore.place: a new file of checked bytes).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from markupsafe import Markup

from . import api, badges, favicon, feeds, i18n, ics, keys, sitefiles, timing
from .cache import PageStore
from .config import Config
from .pages import page_keys
from .urls import Urls

# The pages that list rows of past incidents (Outputs.reuse): each keeps the rows it showed, in a table of its
# own (no two processes write one table, and each holds only what its page shows).
ROW_KINDS = frozenset({"history", "home", "component", "area"})


@dataclass
class Settings:
    """What the writers here take from the site's settings."""

    site_name: str
    site_url: str | None  # absolute (with a scheme) or None: feeds and sitemaps need absolute URLs
    feed: feeds.FeedSettings
    calendar: ics.CalendarSettings
    api: api.ApiSettings

    @classmethod
    def read(cls, config: Config) -> "Settings":
        """From the checked settings (statusgen.config)."""
        name, organization, authority, absolute = (config.sitename, config.organization_name, config.authority,
                                                   config.absolute_url)
        return cls(
            site_name=name, site_url=absolute,
            feed=feeds.FeedSettings(site_name=name, author=organization, authority=authority,
                                    language=config.site_languages[0], hub=config.subscribing.hub,
                                    limit=config.feed_limit),
            calendar=ics.CalendarSettings(site_name=name, organization=organization, authority=authority,
                                          keep_days=config.calendar_keep_days),
            api=api.ApiSettings(page_id=authority, name=name, url=f"{absolute}/" if absolute else "",
                                time_zone=config.timezone))


def hashed_assets(files: list[tuple[str, Path]], extra: list[tuple[str, str, str, bytes]],
                  url: Callable[..., str]) -> dict[str, tuple[str, bytes]]:
    """Each asset (key, file; or key, stem, suffix, bytes) under a name that changes with its content: hosts may
    cache them for a year. By key: (its URL, its bytes)."""
    made = [(key, path.stem, path.suffix, path.read_bytes()) for key, path in files] + extra
    return {key: (url("asset", f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{suffix}"), data)
            for key, stem, suffix, data in made}


class Outputs:
    """The writers of one build: the view as of the build time, where files go, and the cache."""

    def __init__(self, view, urls: Urls, output_path: str, pages: PageStore, site_key: str, settings: Settings,
                 phases: timing.Phases, reuse_keys: dict[str, str | None], assets: dict[str, tuple[str, bytes]],
                 languages: tuple[str, ...] = ("en",), keeping: bool = True):
        self.view, self.urls, self.output_path, self.pages, self.assets = view, urls, output_path, pages, assets
        self.site_key, self.settings, self.phases, self.reuse_keys = site_key, settings, phases, reuse_keys
        # The site's languages (the sitemap lists each); `keeping`: what is made goes to the cache and may come from
        # it. Another language than the default is made anew at every build: the cache's keys are the default's.
        self.languages, self.keeping = languages, keeping
        self.memos: dict[tuple, str] = {}
        self.rows = None

    def in_language(self, lang: str, view, urls: Urls) -> "Outputs":
        """The writers of the same build for the site in `lang` (under /<lang>/), kept out of the cache."""
        settings = replace(self.settings, feed=replace(self.settings.feed, language=lang))
        return Outputs(view, urls, self.output_path, self.pages, self.site_key, settings, self.phases,
                       {key: None for key in self.reuse_keys}, self.assets, self.languages, keeping=False)

    def write_bytes(self, save_as: str, data: bytes) -> None:
        self.write_parts(save_as, (data,))

    def write_parts(self, save_as: str, parts: Iterable[bytes]) -> None:
        """A file written part by part as `parts` makes them (the output is a staging folder: no reader sees it
        before the build ends). By the system's calls alone: for 10,000 pages, Python's paths and file objects
        cost 0.45 CPU-s more than the calls themselves (2026-12-08)."""
        path = os.path.join(self.output_path, save_as)
        folder = os.path.dirname(path)
        try:
            os.mkdir(folder)  # each incident's page has a folder of its own, new
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            for part in parts:
                written = os.write(fd, part)
                while written < len(part):  # a short write (a signal came): the rest
                    written += os.write(fd, memoryview(part)[written:])
        finally:
            os.close(fd)

    def link_from(self, save_as: str):
        """Makes a site path into a URL for the feed or calendar `save_as`: absolute whenever SITEURL is (RSS,
        calendar apps and feed readers that copy entries need absolute URLs), even where pages use relative
        links; relative only for a site with no SITEURL at all."""
        site_url = self.settings.site_url
        if site_url:
            return lambda path: f"{site_url}/{path}"
        prefix = "../" * save_as.count("/")
        return lambda path: f"{prefix}{path}" if prefix or path else "./"

    def reuse_key_of(self, item) -> str | None:
        """The cache key of what is made of an incident closed for good (its page, its history.json entry)."""
        return self.reuse_keys[item.id]

    # --- pieces of pages -----------------------------------------------------------------------------------

    def open_rows(self, kind: str, key: str | None) -> None:
        """Before a page is rendered: the table of rows its `reuse` blocks read and fill, if its kind lists rows."""
        self.rows = self.pages.fragments(f"rows-{kind}" if key is None else f"rows-{kind}-{key}") \
            if kind in ROW_KINDS and self.keeping else None

    def save_rows(self) -> None:
        if self.rows is not None:
            self.rows.save()

    def reuse(self, item, where: str, caller) -> Markup:
        """`{% call reuse(incident, SITEURL) %}...{% endcall %}`: what the block makes of an incident closed for
        good, made once and kept in the cache (as long as every input is the same, see reuse_key_of). Of a list of
        incidents (a month of the history) when every one is closed for good: one look-up for the lot."""
        if self.rows is None:
            return caller()
        if isinstance(item, (list, tuple)):
            found = [self.reuse_key_of(i) for i in item]
            key = None if not found or None in found else "all " + hashlib.sha256(" ".join(found).encode()).hexdigest()
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

    # --- feeds and calendars -------------------------------------------------------------------------------

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
        alone (feeds.chosen), a calendar's on its events (ics.included)."""
        self.calendar_events = {}  # each maintenance's event, made once for all the calendars it is in
        self.feed_entries = {}  # each update's entry HTML, made once for all the feeds it is in
        self.picks = {}
        for feed in self.view.feeds.values():
            picked = feeds.chosen(feed, pairs, self.settings.feed.limit)
            self.picks[feed.atom] = (picked, keys.made_key(
                self.site_key, feed.atom, feed.rss,
                "" if picked else self.view.at.isoformat(),  # an empty feed says when
                *(f"{incident.id} {incident.digest} {update.number}" for incident, update in picked)))
        for cal in self.view.calendars.values():
            shown = ics.included(self.view.site, cal, self.view.at, self.settings.calendar, self.calendar_events)
            self.picks[cal.path] = (shown, keys.made_key(
                self.site_key, cal.path,
                *(f"{incident.id} {incident.digest} {len(posted)}" for incident, posted in shown)))

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

    def write_feed(self, feed, pairs) -> None:
        picked, key = self.picks[feed.atom]
        self.made_or_kept(key, [feed.atom, feed.rss], lambda: feeds.render(
            self.view.site, feed, pairs, self.settings.feed, self.view.at, self.urls.url, self.link_from(feed.atom),
            self.feed_entries, picked))

    def write_calendar(self, cal) -> None:
        shown, key = self.picks[cal.path]
        self.made_or_kept(key, [cal.path], lambda: [ics.render(
            self.view.site, cal, self.view.at, self.urls.url, self.link_from(cal.path), self.settings.calendar,
            self.calendar_events, shown)])

    # --- the rest ------------------------------------------------------------------------------------------

    def write_badges(self) -> None:
        """Each badge as SVG, and beside it as a shields.io endpoint."""
        for make in (badges.badges, badges.endpoints):
            for name, data in make(self.view.site, self.view.now, self.urls.url,
                                   site_name=self.settings.site_name).items():
                self.write_bytes(name, data)

    def write_api(self) -> None:
        """The Statuspage v2 compatible JSON: what status widgets, exporters and chat bots already read."""
        for name, data in api.documents(self.view.site, self.view.at, self.settings.api, self.urls.url,
                                        self.link_from(self.urls.url("api", "summary")), self.view.now).items():
            self.write_bytes(name, data)

    def write_history(self) -> None:
        """Our own full history, with every promise and its figures: Statuspage's lists stop at 50."""
        reused = self.pages.fragments("history")  # the entries of closed incidents, as an earlier build made them
        self.write_parts(self.urls.save_as("history_json"),
                         api.history_parts(self.view.site, self.view.at, self.settings.api, self.urls.url,
                                           self.link_from(self.urls.url("history_json")), reused,
                                           self.reuse_key_of, uptime=self.view.uptime))
        reused.save()

    def write_favicons(self) -> None:
        """The overall status as the tab's icon: SVG, and ICO for /favicon.ico, which every browser asks for."""
        self.write_bytes(self.urls.save_as("favicon_svg"), favicon.svg(self.view.now.indicator))
        self.write_bytes(self.urls.save_as("favicon_ico"), favicon.ico(self.view.now.indicator))

    def write_site_files(self) -> None:
        """robots.txt, _headers and (with an absolute SITEURL, which sitemaps require) sitemap.xml."""
        site_url = self.settings.site_url
        sitemap = self.urls.url("sitemap")
        robots = sitefiles.robots(f"{site_url}/{sitemap}" if site_url else None)
        self.write_bytes(self.urls.save_as("robots"), robots.encode("utf-8"))
        self.write_bytes(self.urls.save_as("headers"), sitefiles.HEADERS.encode("utf-8"))
        if site_url:
            pages = [f"{site_url}/{i18n.prefix(lang, self.languages)}{self.urls.url(kind, key)}"
                     for lang in self.languages for kind, key in page_keys(self.view)]
            self.write_bytes(self.urls.save_as("sitemap"), sitefiles.sitemap(pages))
