"""The small pieces of HTML the theme's macros put on every page (a time, a status, an incident's phase), made in
Python: a page shows hundreds, and a call here costs a tenth of a macro's."""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from . import wording
from .times import humanize_duration


# Made once per distinct value in each process: the same moments and statuses recur on page after page (an
# incident's times on its page, its row in the history, the home page; a status on every service), and the pieces
# are immutable strings.
@lru_cache(maxsize=1 << 16)
def time_tag(moment, tz) -> Markup:
    """A moment for machines (its datetime) and for people, in the site's zone: the theme's `m.time(moment)`."""
    return Markup(f'<time datetime="{escape(wording.iso(moment, tz))}">{escape(wording.human(moment, tz))}</time>')


@lru_cache(maxsize=1 << 10)
def status_tag(look: wording.Look, words: str | None = None) -> Markup:
    """A look (a status's: `m.tag(STATUS[value])`) in words with its symbol, hidden from screen readers (the words
    say it all): the theme's `m.tag(look, words)`."""
    return Markup(f'<span class="status status-{escape(look.css)}"><span class="sym" aria-hidden="true">'
                  f'{escape(look.symbol)}</span> {escape(words or look.words)}</span>')


def state_tag(view, incident) -> Markup:
    """Its phase as of the build time, in words: the theme's `m.state(incident)`."""
    p = view.phase(incident)
    return Markup(f'<span class="state state-{escape(p.state)}">{escape(p.label)}</span>')


duration = lru_cache(maxsize=1 << 14)(humanize_duration)  # a duration in words: the theme's `|duration`
human = lru_cache(maxsize=1 << 16)(wording.human)  # a moment for people, in a zone: the theme's `|human`
iso = lru_cache(maxsize=1 << 16)(wording.iso)  # and for machines: `|iso`


def link_tag(url, site_url: str, incident) -> Markup:
    """Its title, linked to its page (`url`: Urls.url) from the page's SITEURL: the theme's `m.link(incident)`."""
    return Markup(f'<a href="{escape(site_url)}/{escape(url("incident", incident.id))}">{escape(incident.title)}</a>')
