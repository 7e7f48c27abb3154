"""The site's languages: which it publishes, which one the words of the moment are in, and how numbers, dates and
lists read in it.

Every word statusgen writes goes through `gettext`/`ngettext` here, against the catalogs in statusgen/locale/
(`make messages` extracts, updates and compiles them). One language is active at a time (`activate`): a build
renders the default language, then each other one, and the processes that write pages are forked after the
language is chosen, so they inherit it. English is the source text: with English (or a language no catalog
ships, such as Arabic or Hebrew: their pages say their own `lang` and `dir`, their words are English) the
functions give back the very strings statusgen wrote before it had catalogs, byte for byte.

Numbers, dates and lists in a shipped language other than English are Babel's, with the patterns below (per
locale, as a table, so that a Babel update cannot silently change a page), each distinct value formatted once.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_percent
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from .texts import in_language

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "statusgen"
SOURCE = "en"  # the language of the source text (the catalogs' msgids)
SHIPPED = ("en", "fr", "de", "es")  # languages with a complete catalog
# Languages written right to left (where Babel does not know the code, the table decides).
RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
# A language code as BCP 47 writes one, as <html lang> and feeds' xml:lang accept it: "fr", "pt-BR", "zh-Hant".
NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "ar": "العربية",
         "he": "עברית"}

# Babel patterns per shipped language (English is written by statusgen.wording's own code, unchanged).
#   moment: a date and time (the zone's name is added after it), day: a calendar day, month: a month's title,
#   month_short: a column heading, clock_day: a time on another day in a sentence, day_month: a day of the 90-day
#   bars ('29 août').
PATTERNS = {
    "fr": {"moment": "d MMM y, HH:mm", "day": "d MMM y", "month": "LLLL y", "month_short": "LLL y",
           "clock_day": "d MMM, HH:mm", "day_month": "d MMM"},
    "de": {"moment": "d. MMM y, HH:mm", "day": "d. MMM y", "month": "LLLL y", "month_short": "LLL y",
           "clock_day": "d. MMM, HH:mm", "day_month": "d. MMM"},
    "es": {"moment": "d MMM y, HH:mm", "day": "d MMM y", "month": "LLLL 'de' y", "month_short": "LLL y",
           "clock_day": "d MMM, HH:mm", "day_month": "d MMM"},
}

_active = {"lang": SOURCE, "translations": NullTranslations(), "default": SOURCE, "words": {}, "done": {}}


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang`; for English and languages no catalog ships, the source text itself."""
    if lang == SOURCE or lang not in SHIPPED:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [lang.replace("-", "_")], domain=DOMAIN)


def activate(lang: str) -> None:
    """Make `lang` the language of every word and figure formatted from now on (in this process and those it
    forks)."""
    _active["lang"] = lang
    _active["translations"] = translations(lang)
    _active["words"], _active["done"] = _template_words(lang)


@lru_cache(maxsize=None)
def _template_words(lang: str) -> tuple[dict[str, Markup], dict[str, Markup]]:
    """The template's words in `lang` as Markup, each made when first asked for: as given, and formatted."""
    return {}, {}


def active() -> str:
    """The active language's code."""
    return _active["lang"]


# gettext and its kin, in the active language (the theme's `_()` and `ngettext()` call these too).
def gettext(message: str) -> str:
    return _active["translations"].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active["translations"].ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _active["translations"].pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _active["translations"].npgettext(context, singular, plural, n)


_ = gettext


def template_gettext(message: str, **variables) -> Markup:
    """`_("...", name=value)` in a template: the words in the active language, the values escaped into them. A
    page asks for dozens of the same few words: each is looked up, and made Markup, once per language."""
    words = _active["words"].get(message)
    if words is None:
        words = _active["words"][message] = Markup(_active["translations"].gettext(message))
    if variables:
        return words % variables
    done = _active["done"].get(message)
    if done is None:  # formatted all the same (a literal % is written %%), as Jinja's newstyle gettext does
        done = _active["done"][message] = words % variables
    return done


def template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    """`ngettext("1 day", "%(num)d days", n)` in a template; `num` is there to put in, as Jinja's own gives it."""
    variables.setdefault("num", num)
    return Markup(_active["translations"].ngettext(singular, plural, num)) % variables


def babel_locale() -> str | None:
    """The Babel locale of the active language, or None when statusgen writes it as English (its own code)."""
    lang = _active["lang"]
    return lang if lang in PATTERNS else None


def words_language(lang: str) -> str:
    """The language statusgen's own words are in on a page in `lang`: its own where a catalog ships, else English."""
    return lang if lang in SHIPPED else SOURCE


def direction(lang: str) -> str:
    """'rtl' for a language written right to left, else 'ltr'."""
    base = lang.split("-")[0].lower()
    if base in RIGHT_TO_LEFT:
        return "rtl"
    try:
        return "rtl" if Locale.parse(base).character_order == "right-to-left" else "ltr"
    except (ValueError, LookupError, UnknownLocaleError):
        return "ltr"


def language_name(lang: str) -> str:
    """The language's name in itself ('Français'), for the language switcher."""
    if lang in NAMES:
        return NAMES[lang]
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_"))
    except (ValueError, LookupError, UnknownLocaleError):
        return lang
    return name[:1].upper() + name[1:] if name else lang


# Figures and dates in the active language: each distinct value formatted once per language, of those met lately.
# The most recent RECENT are kept (statusgen.tags keeps its pieces so too): a value recurs within a page and its
# neighbours, not across the site, and 10,000 incidents' moments kept all held 35 MB more at a build's peak.
RECENT = 1024


@lru_cache(maxsize=RECENT)
def _datetime(lang: str, kind: str, local: datetime) -> str:
    return format_datetime(local, PATTERNS[lang][kind], locale=lang)


def moment_words(local: datetime) -> str:
    """'29 août 2026, 09:05' for a local time (without its zone) in the active language."""
    return _datetime(_active["lang"], "moment", local.replace(tzinfo=None))


@lru_cache(maxsize=RECENT)
def _date(lang: str, kind: str, value: date) -> str:
    words = format_date(value, PATTERNS[lang][kind], locale=lang)
    return words[:1].upper() + words[1:] if kind == "month" else words


def date_words(value: date, kind: str = "day") -> str:
    """A day, a month ('month', 'month_short') in the active language, by its pattern of PATTERNS."""
    return _date(_active["lang"], kind, value)


def clock_day_words(local: datetime) -> str:
    return _datetime(_active["lang"], "clock_day", local.replace(tzinfo=None))


@lru_cache(maxsize=RECENT)
def _percent(lang: str, fraction: float, digits: int) -> str:
    pattern = Locale.parse(lang).percent_formats[None].pattern
    # the locale's own pattern ("#,##0 %" in French: the sign after a space) with `digits` decimals
    pattern = re.sub(r"0(?=[^0-9#,.]*$)", "0." + "0" * digits, pattern, count=1) if digits else pattern
    return format_percent(fraction, pattern, locale=lang)


def percent(fraction: float, digits: int = 3) -> str:
    """'99.535%' (English, as statusgen always wrote it), '99,535 %' in French."""
    lang = _active["lang"]
    if lang not in PATTERNS:
        return f"{fraction * 100:.{digits}f}%"
    return _percent(lang, fraction, digits)


def short_percent(value: float) -> str:
    """A target as given ('99.9%', English as '%g' wrote it; '99,9 %' in French): no more decimals than needed."""
    lang = _active["lang"]
    if lang not in PATTERNS:
        return f"{value:g}%"
    return _short_percent(lang, value)


@lru_cache(maxsize=RECENT)
def _short_percent(lang: str, value: float) -> str:
    pattern = Locale.parse(lang).percent_formats[None].pattern
    pattern = re.sub(r"0(?=[^0-9#,.]*$)", "0.###", pattern, count=1)
    return format_percent(value / 100, pattern, locale=lang)


def joined(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C' (in French 'A, B et C'), the list's words in the active language."""
    names = list(names)
    lang = _active["lang"]
    if lang not in PATTERNS:
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return _joined(lang, tuple(names))


@lru_cache(maxsize=RECENT)
def _joined(lang: str, names: tuple[str, ...]) -> str:
    return format_list(list(names), locale=lang)


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is written (a table); it is translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for the catalogs where it is written (a table); ngettext(*it, n) shows it."""
    return singular, plural


def install(env, default: str) -> None:
    """Jinja's i18n extension on `env`, its gettext calls reading the active language's catalog, and the filters
    that format figures in it; `default` (the site's first language) active."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    # Jinja's newstyle callables look gettext up in the page's context and call it through the context at every
    # call (about fifty a page); these do the same work directly: the words, escaped arguments put in (always
    # formatted, as newstyle does, so a literal % is written %%).
    env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    env.filters.update(percent=percent, short_percent=short_percent, said=marked, words=words)
    env.globals.update(lang=default, lang_dir=direction(default), words_lang=words_language(default),
                       translations=None)
    _active["default"] = default
    activate(default)


def prefix(lang: str, site_languages: Sequence[str]) -> str:
    """Where a language's site lives below the root: '' for the default (the first), 'fr/' for the others."""
    return "" if lang == site_languages[0] else f"{lang}/"


def alternates(page_url: str, lang: str, site_languages: Sequence[str]) -> list[tuple[str, str, str, bool]]:
    """The same page in each of the site's languages, for hreflang links and the language switcher: (code, the
    language's name in itself, its URL from the site root, whether it is `lang`'s). `page_url`: the page's URL in
    `lang`'s site. None of it for a site of one language."""
    if len(site_languages) < 2:
        return []
    here = prefix(lang, site_languages)
    path = page_url[len(here):] if here and page_url.startswith(here) else page_url
    return [(code, language_name(code), prefix(code, site_languages) + path, code == lang) for code in site_languages]


# Languages whose nouns keep their capital inside a sentence ("in Wartung", not "in wartung").
CAPITALIZED_NOUNS = frozenset({"de"})


def words(text: str) -> str:
    """An author's text (a title, a name, a body) in the active language: its translation, else the default
    language's words, as plain text (for sentences, titles and attributes, where no element can mark them)."""
    return in_language(text, _active["lang"], _active["default"])[0]


def lowercase(words: str) -> str:
    """A status's words inside a sentence ('major outage'), lowercased where the active language does so."""
    return words if _active["lang"] in CAPITALIZED_NOUNS else words.lower()


def marked(text: str, render=None, element: str = "span"):
    """An author's text on a page in the active language: its translation, else the default language's words
    inside an element saying their `lang`, so that screen readers switch voice (texts.in_language). `render` makes
    HTML of the words (Markdown); without it they are escaped text. Markup either way."""
    words, lang = in_language(text, _active["lang"], _active["default"])
    html = Markup(render(words)) if render else escape(words)
    return html if lang == _active["lang"] else Markup(f'<{element} lang="{lang}">{html}</{element}>')
