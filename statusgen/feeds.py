"""Atom 1.0 and RSS 2.0 feeds with one entry per update, written with feedgen.

Each update is news to a subscriber, so each one is an entry: a feed with one entry per incident would never
tell readers that an outage was fixed. Entry ids are tag URIs (RFC 4151) made of what the author wrote (the
incident id and the update's own time), so they survive rebuilds, new build machines and later updates.
"""
from __future__ import annotations

from itertools import islice

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from html import escape
from typing import Callable, Iterable

from .model import FINAL_STATES, Incident, Site, Update, concerning
from .status import as_of_update
from .markup import to_html
from . import i18n
from .i18n import _
from .wording import human, state_words, status_words

DEFAULT_LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Feed:
    """One feed: what it is about, where its files are, and which incidents belong in it. Pages link it by this
    object too, so they show the title it is written with."""

    key: str  # "all", "components/<id>", "areas/<id>": its key in the URL table, and in its tag URI
    title: str
    subtitle: str
    about: tuple[str, str | None]  # the page it is the feed of: ("home", None), ("component", id), ("area", id)
    page: str  # that page, relative to the site root
    atom: str  # its Atom file, relative to the site root
    rss: str  # its RSS file
    includes: Callable[[Incident], bool]


def site_feeds(site: Site, url: Callable[[str, str | None], str]) -> list[Feed]:
    """The site-wide feed, then one per component and one per area, in catalog order. `url(kind, key)` is where an
    output is, relative to the site root (urls.Urls.url)."""
    catalog = site.catalog
    return [_feed(url, "all", _("All updates"), _("Every incident and maintenance update"), ("home", None)),
            *(_feed(url, f"components/{c.id}", i18n.words(c.name), _("Incidents and maintenance affecting %(service)s") % {
                "service": i18n.words(c.name)}, ("component", c.id)) for c in catalog.components),
            *(_feed(url, f"areas/{a.id}", i18n.words(a.name), _("Incidents and maintenance in %(area)s") % {"area": i18n.words(a.name)},
                    ("area", a.id)) for a in catalog.areas)]


def _feed(url: Callable[[str, str | None], str], key: str, title: str, subtitle: str,
          about: tuple[str, str | None]) -> Feed:
    return Feed(key, title, subtitle, about, url(*about), url("atom", key), url("rss", key), concerning(*about))


def entry_id(authority: str, incident: Incident, update: Update) -> str:
    """A tag URI that never changes: the incident's id and the update's time (and its place among equal times)."""
    # The first update at a time keeps the plain id even when a later one shares its time: an id once
    # published must not change.
    same_time = [u for u in incident.updates if u.at == update.at]
    place = same_time.index(update)
    suffix = f".{place + 1}" if place else ""
    stamp = update.at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"tag:{authority},{incident.opened.isoformat()}:{incident.id}/{stamp}{suffix}"


def entries(incidents: Iterable[Incident]) -> list[tuple[Incident, Update]]:
    """Every update, newest first; ties broken by incident id and position so the order is always the same."""
    pairs = [(i, u) for i in incidents for u in i.updates]
    pairs.sort(key=lambda p: (p[1].posix, p[0].id, p[1].number), reverse=True)
    return pairs


def entry_html(site: Site, incident: Incident, update: Update, tz: tzinfo) -> str:
    """The update's own words, then what was affected, what had recovered and what was promised, all as that
    update left them: a later update never changes an entry already published."""
    catalog = site.catalog
    affected, recovered = as_of_update(incident, update)
    areas = ", ".join(escape(i18n.words(catalog.area[a].name)) for a in incident.areas)
    parts = [to_html(i18n.words(update.body))]
    if affected:
        words = "; ".join(f"{escape(i18n.words(catalog.component[c].name))}: {i18n.lowercase(status_words(s))}"
                          for c, s in sorted(affected.items()))
        parts.append(_("<p>Affected: %(statuses)s.</p>") % {"statuses": words})
    if recovered:
        parts.append(_("<p>Recovered: %(services)s.</p>") % {
            "services": ", ".join(escape(i18n.words(catalog.component[c].name)) for c in recovered)})
    parts.append(_("<p>Where: %(areas)s.</p>") % {"areas": areas})
    if incident.window:
        parts.append(_("<p>Window: %(start)s to %(end)s.</p>") % {"start": human(incident.window.start, tz),
                                                                   "end": human(incident.window.end, tz)})
    eta = incident.eta_after(update)
    if eta and update.state not in FINAL_STATES:
        parts.append(_("<p>Expected resolution: %(time)s.</p>") % {"time": human(eta, tz)})
    if update.next_update:
        parts.append(_("<p>Next update by %(time)s.</p>") % {"time": human(update.next_update, tz)})
    return "\n".join(parts)


@dataclass(frozen=True)
class FeedSettings:
    site_name: str
    author: str
    authority: str  # the tag URI authority, e.g. status.example.org
    language: str = "en"
    limit: int = DEFAULT_LIMIT
    hub: str | None = None  # the WebSub hub every feed announces (STATUSGEN_WEBSUB_HUB), if any


def chosen(feed: Feed, pairs: list[tuple[Incident, Update]], limit: int) -> list[tuple[Incident, Update]]:
    """The entries of `feed`: the newest `limit` of `pairs` (see entries()) it includes. A feed's bytes depend on
    nothing else of the site but these (and, for a feed with none, the build time)."""
    return list(islice(((i, u) for i, u in pairs if feed.includes(i)), limit))  # newest first: stop there


def render(site: Site, feed: Feed, pairs: list[tuple[Incident, Update]], settings: FeedSettings,
           build_time: datetime, url: Callable[[str, str | None], str],
           link: Callable[[str], str], cache: dict | None = None,
           picked: list[tuple[Incident, Update]] | None = None) -> tuple[bytes, bytes]:
    """(Atom bytes, RSS bytes) of one feed, from `pairs` (see entries()) that it includes (`picked`: those, if
    chosen() was asked already).

    `url(kind, key)` is where a page is, relative to the site root (urls.Urls.url); `link(path)` makes such a path
    into the URL readers follow (absolute when the site has a SITEURL). `cache`, a dict shared by the feeds of one
    build, keeps each entry's HTML, made once for all the feeds it is in.
    """
    cache = {} if cache is None else cache
    shown = chosen(feed, pairs, settings.limit) if picked is None else picked
    from feedgen.feed import FeedGenerator  # here: a build whose feeds are all unchanged starts without it

    fg = FeedGenerator()
    fg.id(f"tag:{settings.authority},2000:feeds/{feed.key}")
    fg.title(f"{settings.site_name}: {feed.title}")
    fg.subtitle(feed.subtitle)
    fg.author({"name": settings.author})
    fg.language(settings.language)
    fg.link(href=link(feed.atom), rel="self", type="application/atom+xml")
    if settings.hub:  # WebSub: a reader subscribes at the hub to the self link, and hears of each change at once
        fg.link(href=settings.hub, rel="hub")
    fg.link(href=link(feed.page), rel="alternate", type="text/html")
    fg.generator("")
    fg.docs("")
    fg.updated(shown[0][1].at if shown else build_time)
    for incident, update in shown:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(settings.authority, incident, update))
        fe.title(f"{state_words(update.state)}: {i18n.words(incident.title)}")
        fe.published(update.at)
        fe.updated(update.at)
        html = cache.get((incident.id, update.number))
        if html is None:
            html = cache[incident.id, update.number] = entry_html(site, incident, update, site.timezone)
        fe.content(html, type="html")
        fe.link(href=link(f"{url('incident', incident.id)}#update-{update.number}"), rel="alternate",
                type="text/html")
    atom = fg.atom_str(pretty=True)
    fg.link(href=link(feed.rss), rel="self", type="application/rss+xml", replace=True)
    fg.link(href=link(feed.page), rel="alternate", type="text/html")
    rss = fg.rss_str(pretty=True)
    return atom, with_hub(rss, settings.hub) if settings.hub else rss


def with_hub(rss: bytes, hub: str) -> bytes:
    """The RSS feed with an `atom:link rel="hub"` after its `atom:link rel="self"`, as WebSub asks of RSS (feedgen
    writes only the self link into RSS)."""
    from lxml import etree

    root = etree.fromstring(rss)
    own = root.find(f"channel/{{{ATOM}}}link[@rel='self']")
    announced = etree.Element(f"{{{ATOM}}}link", href=hub, rel="hub")
    announced.tail = own.tail  # the same indent as feedgen's pretty printing
    own.addnext(announced)
    ending = b"\n" if rss.endswith(b"\n") else b""  # the document's own tail is not the root's to write
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + ending

