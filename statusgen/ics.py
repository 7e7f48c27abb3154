"""iCalendar (RFC 5545) files of maintenance windows that customers subscribe to, written with icalendar.

One event per maintenance window; incidents are not events (nobody plans around them). What a subscribed
calendar app needs to follow changes is derived from the files alone, with no state kept between builds:
- UID is the maintenance's id and the site's authority: it never changes, so a moved window moves the event.
- SEQUENCE is the number of updates posted minus one: 0 for the first announcement. A changed plan (a moved
  window, a cancellation) is announced with an update, so each change raises it; progress updates raise it
  too, which is harmless: it only has to grow.
- DTSTAMP and LAST-MODIFIED are the latest update's time and CREATED the first's: meaningful, and the same
  bytes for the same input. The build time appears nowhere; it only decides which updates are posted yet and
  which old windows are left out.
- All times are UTC (`...Z`): no VTIMEZONE to get wrong, and no floating times, which clients would read in
  the subscriber's own zone.
- TRANSP is TRANSPARENT: a provider's maintenance must not make its customers look busy.
- No METHOD. METHOD:PUBLISH makes the file an iTIP message (RFC 5546), which requires an ORGANIZER on every event,
  and an ORGANIZER must be a calendar address (a mailto: URI). A site has no such setting: STATUSGEN_CONTACT is
  free text, perhaps a phone number or nothing, and an address guessed from it would be wrong somewhere. RFC 5545
  (3.7.2) allows leaving METHOD out: the file is then a snapshot of calendar information with no scheduling
  meaning, which is exactly what a subscribed feed is. That is valid for every site, and one code path.
- LOCATION names the areas the window touches; DESCRIPTION keeps the announcement (the first update, "what to
  expect") with the latest update below it, each with its time, so a completed window still says what was done.
A calendar with nothing in it still gets its file, with no events (only a UTC VTIMEZONE, since RFC 5545 wants
one component), so a subscription never breaks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Callable

from .model import Incident, Site, Update, concerning
from .markup import to_html
from . import i18n
from .i18n import _
from .wording import human, state_words

if TYPE_CHECKING:
    from icalendar import Event, Timezone

DEFAULT_KEEP_DAYS = 365
REFRESH = timedelta(hours=1)  # how often subscribers should fetch again: CI rebuilds about that often

# The maintenance's last posted state -> the event's STATUS; the summary's first word follows from it.
EVENT_STATUS = {
    "scheduled": "CONFIRMED",
    "in_progress": "CONFIRMED",
    "verifying": "CONFIRMED",
    "completed": "CONFIRMED",
    "cancelled": "CANCELLED",
}
SUMMARY_PREFIX = {"CONFIRMED": "Maintenance", "CANCELLED": "Cancelled"}


@dataclass(frozen=True)
class Calendar:
    """One calendar: what it is about, where it is saved, and which maintenance belongs in it. Pages link it by this
    object too, so they show the title it is written with."""

    key: str  # "maintenance", "areas/<id>", "components/<id>": its key in the URL table
    title: str
    about: tuple[str, str | None]  # the page it is the calendar of: ("home", None), ("component", id), ("area", id)
    page: str  # that page, relative to the site root
    path: str  # where it is saved, relative to the site root
    includes: Callable[[Incident], bool]


def calendars(site: Site, url: Callable[[str, str | None], str]) -> list[Calendar]:
    """All maintenance, then one calendar per component and one per area, in catalog order. `url(kind, key)` is
    where an output is, relative to the site root (urls.Urls.url)."""
    catalog = site.catalog
    return [_calendar(url, "maintenance", _("All maintenance"), ("home", None)),
            *(_calendar(url, f"components/{c.id}", _("%(service)s maintenance") % {"service": i18n.words(c.name)},
                        ("component", c.id)) for c in catalog.components),
            *(_calendar(url, f"areas/{a.id}", _("Maintenance in %(area)s") % {"area": i18n.words(a.name)}, ("area", a.id))
              for a in catalog.areas)]


def _calendar(url: Callable[[str, str | None], str], key: str, title: str, about: tuple[str, str | None]) -> Calendar:
    return Calendar(key, title, about, url(*about), url("calendar", key), concerning(*about))


@dataclass(frozen=True)
class CalendarSettings:
    site_name: str
    organization: str  # named in PRODID
    authority: str  # the UIDs' domain, e.g. status.example.org
    keep_days: int = DEFAULT_KEEP_DAYS  # windows that ended longer ago than this are left out


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


_END = b"END:VCALENDAR\r\n"


def event_uid(incident: Incident, authority: str) -> str:
    return f"{incident.id}@{authority}"


def included(site: Site, calendar: Calendar, build_time: datetime, settings: CalendarSettings,
             cache: dict | None = None) -> list[tuple[Incident, tuple[Update, ...]]]:
    """The maintenance `calendar` shows as of `build_time`, each with its updates posted by then: posted by then,
    and its window ended at most `settings.keep_days` before. With the settings, the calendar's bytes depend on
    nothing else. `cache`: see render."""
    oldest_end = build_time - timedelta(days=settings.keep_days)
    kept = cache.get(("kept", oldest_end)) if cache is not None else None  # the same for every calendar
    if kept is None:
        kept = [i for i in site.incidents if i.is_maintenance and i.window.end >= oldest_end]
        if cache is not None:
            cache["kept", oldest_end] = kept
    return [(incident, posted) for incident in kept
            if calendar.includes(incident) and (posted := incident.updates_until(build_time))]


def render(site: Site, calendar: Calendar, build_time: datetime, url: Callable[[str, str | None], str],
           link: Callable[[str], str], settings: CalendarSettings, cache: dict | None = None,
           shown: list[tuple[Incident, tuple[Update, ...]]] | None = None) -> bytes:
    """The .ics bytes of one calendar as of `build_time`: its maintenance (see included(); `shown`, if that was
    asked already), sorted by start and UID.

    `url(kind, key)` is where a page is, relative to the site root (urls.Urls.url); `link(path)` makes it the URL
    subscribers follow (absolute when the site has a SITEURL). `cache`, a dict shared by the calendars of one
    build, keeps each maintenance's event so it is made once, not once per calendar it is in (and the maintenance
    recent enough to be in any).
    """
    # Imported here, as in event() and utc_zone(): a build whose calendars all come from the cache starts without it.
    from icalendar import Calendar as VCalendar, vDuration, vText

    cal = VCalendar()
    cal.add("prodid", f"-//{settings.organization}//statusgen//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = vText(f"{settings.site_name}: {calendar.title}")  # vText: icalendar leaves these two unescaped
    cal.add("name", name)  # RFC 7986
    cal.add("x-wr-calname", name)  # what most clients still read
    if _absolute(link(calendar.page)):
        cal.add("url", link(calendar.page))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986 requires VALUE here
    cal.add("x-published-ttl", vDuration(REFRESH))  # Outlook's older name for it
    events = []
    for incident, posted in included(site, calendar, build_time, settings, cache) if shown is None else shown:
        page = link(url("incident", incident.id))
        made = cache.get((incident.id, page)) if cache is not None else None
        if made is None:
            ev = event(site, incident, posted, page, settings)
            made = ((incident.window.start, event_uid(incident, settings.authority)), ev.to_ical())
            if cache is not None:
                cache[incident.id, page] = made
        events.append(made)
    if not events:
        cal.add_component(utc_zone())  # RFC 5545 wants at least one component; an unused zone is harmless
        return cal.to_ical()
    # Each event is serialised once for all the calendars it is in, and put where icalendar would put it.
    head = cal.to_ical()
    if not head.endswith(_END):  # icalendar (pinned) changed how it ends a calendar: fail, never write a broken one
        raise ValueError(f"icalendar wrote a calendar not ending {_END!r}")
    return head[: -len(_END)] + b"".join(data for _start, data in sorted(events)) + _END


def utc_zone() -> Timezone:
    """A VTIMEZONE for UTC: the smallest valid component, for a calendar with no maintenance in it."""
    from icalendar import Timezone, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", "UTC")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(0))
    standard.add("tzoffsetto", timedelta(0))
    standard.add("tzname", "UTC")
    zone.add_component(standard)
    return zone


def event(site: Site, incident: Incident, posted: tuple[Update, ...], url: str, settings: CalendarSettings) -> Event:
    """The VEVENT of one maintenance window, from the updates posted so far (at least one)."""
    from icalendar import Event

    first, latest = posted[0], posted[-1]
    status = EVENT_STATUS[latest.state]
    ev = Event()
    ev.add("uid", event_uid(incident, settings.authority))
    ev.add("dtstamp", utc(latest.at))
    ev.add("created", utc(first.at))
    ev.add("last-modified", utc(latest.at))
    ev.add("sequence", len(posted) - 1)
    ev.add("dtstart", utc(incident.window.start))
    ev.add("dtend", utc(incident.window.end))
    ev.add("summary", f"{SUMMARY_PREFIX[status]}: {i18n.words(incident.title)}")
    ev.add("description", description(site, incident, posted, url))
    where = areas_named(site, incident)
    if where:
        ev.add("location", where)  # TEXT: icalendar escapes the commas between names, and any in them
    if _absolute(url):  # RFC 5545 URL is a URI: a relative one (a site built without SITEURL) means nothing
        ev.add("url", url)
    ev.add("status", status)
    ev.add("transp", "TRANSPARENT")
    ev.add("categories", ["Maintenance"])
    return ev


def _absolute(url: str) -> bool:
    return "://" in url


def areas_named(site: Site, incident: Incident) -> str:
    """The names of the areas a maintenance touches, in catalog order: 'North Valley, Cedar Falls'."""
    return ", ".join(i18n.words(a.name) for a in site.catalog.areas if a.id in incident.areas)


def description(site: Site, incident: Incident, posted: tuple[Update, ...], url: str) -> str:
    """The announcement (the first update) as plain text and, once there is a later one, the latest update below
    it, each headed by its state and time; then what and where, then the page with the whole timeline."""
    first, latest = posted[0], posted[-1]
    touched = incident.statuses_after(latest)  # as that update left them: later updates never reach back
    what = ", ".join(i18n.words(c.name) for c in site.catalog.components if c.id in touched)
    said = [_update_text(first, site.timezone)] + ([_update_text(latest, site.timezone)] if latest is not first else [])
    where = _("Affected: %(services)s. Where: %(areas)s.") % {"services": what, "areas": areas_named(site, incident)}
    parts = [*said, where] + ([url] if _absolute(url) else [])
    return "\n\n".join(p for p in parts if p)


def _update_text(update: Update, tz) -> str:
    """'Scheduled (Nov 20, 2026, 10:30 CST):' over the update's words; a body that says nothing leaves the heading."""
    heading = _("%(state)s (%(time)s):") % {"state": state_words(update.state), "time": human(update.at, tz)}
    body = plain_text(i18n.words(update.body))
    return f"{heading}\n{body}" if body else heading


def plain_text(markdown: str) -> str:
    """Markdown as plain text for calendar apps, which show DESCRIPTION as it is: no markup, paragraphs apart,
    list items on lines of their own, links followed by their address."""
    parser = _PlainText()
    parser.feed(to_html(markdown))  # the same Markdown reading and sanitizing the pages get
    parser.close()
    return parser.text()


_BLOCKS = frozenset({"p", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl",
                     "dt", "dd", "table", "tr", "div"})
_BREAK = "\x00"  # stands for <br> while whitespace is collapsed; YAML cannot carry it, so no author wrote it


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int | None, str]] = []  # (the list or table it is part of, text)
        self.words: list[str] = []
        self.marker = ""  # a list item's "- " or "1. ", waiting for the item's first text
        self.lists: list[list] = []  # open lists: [tag, items so far]
        self.open: list[str] = []  # open lists and tables, outermost first
        self.groups = 0  # outermost lists and tables so far: their items and rows sit on adjacent lines
        self.links: list[tuple[str | None, int]] = []
        self.pre = False

    def flush(self) -> None:
        raw = "".join(self.words)
        self.words = []
        if self.pre:
            text = raw.strip("\n")
        else:
            text = "\n".join(" ".join(line.split()) for line in raw.split(_BREAK)).strip()
        if text:
            self.blocks.append((self.groups if self.open else None, self.marker + text))
            self.marker = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag in ("ul", "ol", "table"):
            self.groups += not self.open
            self.open.append(tag)
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, count = self.lists[-1]
            self.marker = "  " * (len(self.lists) - 1) + (f"{count}. " if kind == "ol" else "- ")
        elif tag == "pre":
            self.pre = True
        elif tag == "br":
            self.words.append(_BREAK)
        elif tag in ("td", "th") and "".join(self.words).strip():
            self.words.append(" | ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.words)))  # where its text starts

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = " ".join("".join(self.words[start:]).split())
            if href and href not in (shown, f"mailto:{shown}"):  # an address shown as itself needs no repeat
                self.words.append(f" ({href})")
        if tag in _BLOCKS:
            self.flush()
        if tag in ("ul", "ol", "table") and self.open:
            self.open.pop()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self.pre = False

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    def text(self) -> str:
        self.flush()
        out = []
        for n, (group, text) in enumerate(self.blocks):
            if n:
                out.append("\n" if group is not None and group == self.blocks[n - 1][0] else "\n\n")
            out.append(text)
        return "".join(out)
