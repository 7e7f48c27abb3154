"""How statuses, states and times read to people: words first, a symbol beside them, colour only as a third cue."""
from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from html import escape
from urllib.parse import quote

# status -> (words, symbol, css class). The symbol differs in shape, not only colour.
STATUS_TEXT = {
    "operational": ("Operational", "✓", "ok"),
    "under_maintenance": ("Under maintenance", "⚙", "maint"),
    "degraded_performance": ("Degraded performance", "▲", "minor"),
    "partial_outage": ("Partial outage", "◆", "major"),
    "major_outage": ("Major outage", "✕", "critical"),
}
INDICATOR_CLASS = {"none": "ok", "minor": "minor", "major": "major", "critical": "critical", "maintenance": "maint"}
INDICATOR_SYMBOL = {"none": "✓", "minor": "▲", "major": "◆", "critical": "✕", "maintenance": "⚙"}
# English names from a table, not strftime: the build machine's locale must not change the bytes.
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
IMPACT_TEXT = {"none": "No impact", "minor": "Minor", "major": "Major", "critical": "Critical"}


def ticket_url(template: str, ticket: str) -> str:
    """The link of a ticket: STATUSGEN_TICKET_URL with `{ticket}` replaced by the ticket, percent-encoded so
    that no ticket can add a path, query or fragment of its own."""
    return template.replace("{ticket}", quote(ticket, safe=""))


def status_words(status: str) -> str:
    return STATUS_TEXT[status][0]


def state_words(state: str) -> str:
    return state.replace("_", " ").capitalize()


def iso(moment: datetime, tz: tzinfo) -> str:
    """Machine-readable form for <time datetime=…>, in the site's zone with its offset (as the text shows it)."""
    return moment.astimezone(tz).isoformat()


def human(moment: datetime, tz: tzinfo) -> str:
    """'Aug 29, 2026, 09:05 CDT': the site's zone, always named."""
    moment = moment.astimezone(tz)
    zone = moment.tzname() or moment.strftime("UTC%z")
    return f"{MONTHS[moment.month][:3]} {moment.day}, {moment.year}, {moment.hour:02d}:{moment.minute:02d} {zone}"


def time_tag(moment: datetime, tz: tzinfo) -> str:
    """<time> with the machine-readable moment and the human one, in the site's zone."""
    return f'<time datetime="{iso(moment, tz)}">{human(moment, tz)}</time>'


def status_tag(status: str) -> str:
    """A status in words with its symbol; the symbol is hidden from screen readers, the words say it all."""
    words, symbol, css = STATUS_TEXT[status]
    return f'<span class="status status-{css}"><span class="sym" aria-hidden="true">{symbol}</span> {words}</span>'


def month_title(year: int, month: int) -> str:
    return f"{MONTHS[month]} {year}"


# The feed links of a page depend only on which feeds it has and where the site root is, and thousands of incident
# pages share a few combinations: made once each, not per page.
@lru_cache(maxsize=4096)
def feed_head_links(feeds: tuple[tuple[str, str], ...], root: str) -> str:
    """<link rel="alternate"> for each feed, Atom then RSS."""
    return "\n".join(
        f'<link rel="alternate" type="application/{kind}+xml" title="{escape(title)} ({name} feed)" '
        f'href="{escape(root)}/feeds/{key}.{ext}.xml">'
        for key, title in feeds for kind, name, ext in (("atom", "Atom", "atom"), ("rss", "RSS", "rss")))


@lru_cache(maxsize=4096)
def subscribe_items(feeds: tuple[tuple[str, str], ...], calendars: tuple[tuple[str, str], ...], root: str) -> str:
    """The visible subscribe links: each feed in both formats, then each maintenance calendar."""
    root = escape(root)
    items = [f'<li>{escape(title)}: <a href="{root}/feeds/{key}.atom.xml" type="application/atom+xml">Atom<span '
             f'class="vh"> feed of {escape(title)}</span></a> · <a href="{root}/feeds/{key}.rss.xml" '
             f'type="application/rss+xml">RSS<span class="vh"> feed of {escape(title)}</span></a></li>'
             for key, title in feeds]
    items += [f'<li>{escape(title)}, for your calendar app: <a href="{root}/calendar/{key}.ics" type="text/calendar">'
              f'iCalendar<span class="vh"> file of {escape(title)}</span></a> (subscribe to its address to follow '
              f'changes)</li>' for key, title in calendars]
    return "\n".join(items)
