"""The small pieces of HTML the theme's macros put on every page (a time, a status, an incident's phase), made in
Python: a page shows hundreds, and a call here costs a tenth of a macro's."""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from . import i18n, wording


# Made once per distinct value (and language: a site in several is written one language after the other) in each
# process: the same moments and statuses recur on a page and the pages made after it (an incident's times on its
# page, its row in the history, the home page; a status on every service), and the pieces are immutable strings.
# The most recent i18n.RECENT are kept, as i18n keeps the figures and dates it formats.
def per_language(make):
    """`make(*args)` cached by its arguments and the language active when it is called."""
    cached = lru_cache(maxsize=i18n.RECENT)(lambda lang, *args, **kwargs: make(*args, **kwargs))
    return lambda *args, **kwargs: cached(i18n.active(), *args, **kwargs)


@per_language
def time_tag(moment, tz) -> Markup:
    """A moment for machines (its datetime) and for people, in the site's zone: the theme's `m.time(moment)`."""
    return Markup(f'<time datetime="{escape(wording.iso(moment, tz))}">{escape(wording.human(moment, tz))}</time>')


@per_language
def status_tag(look: wording.Look, words: str | None = None) -> Markup:
    """A look (a status's: `m.tag(STATUS[value])`) in words with its symbol, hidden from screen readers (the words
    say it all): the theme's `m.tag(look, words)`."""
    return Markup(f'<span class="status status-{escape(look.css)}"><span class="sym" aria-hidden="true">'
                  f'{escape(look.symbol)}</span> {escape(words or i18n.gettext(look.words))}</span>')


def state_tag(view, incident) -> Markup:
    """Its phase as of the build time, in words: the theme's `m.state(incident)`."""
    p = view.phase(incident)
    return Markup(f'<span class="state state-{escape(p.state)}">{escape(p.label)}</span>')


duration = per_language(wording.short_duration)  # a duration in words: the theme's `|duration`
human = per_language(wording.human)  # a moment for people, in a zone: the theme's `|human`
iso = lru_cache(maxsize=1 << 16)(wording.iso)  # and for machines (the same in every language): `|iso`


def link_tag(url, site_url: str, incident) -> Markup:
    """Its title, linked to its page (`url`: Urls.url) from the page's SITEURL: the theme's `m.link(incident)`."""
    return Markup(f'<a href="{escape(site_url)}/{escape(url("incident", incident.id))}">'
                  f'{i18n.marked(incident.title)}</a>')
