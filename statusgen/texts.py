"""Texts an author may give in several languages: the default language's text, with its translations beside it.

A `Text` is the default language's text itself (a `str`), so everything that shows one language keeps working
unchanged; a page in another language asks `in_language` for its words and learns which language it got, so that a
text that fell back to the default language can be marked with `lang` (screen readers switch voice).
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

import yaml

_NONE: Mapping[str, str] = MappingProxyType({})  # the translations of most texts: one empty mapping, not one each


class Text(str):
    """A text in the site's default language, with its translations by language code (`{"fr": "..."}`)."""

    __slots__ = ("translations",)

    def __new__(cls, default: str, translations: dict[str, str] | None = None) -> Text:
        text = super().__new__(cls, default)
        text.translations = dict(translations) if translations else _NONE
        return text

    def __reduce__(self):
        # str subclasses with slots do not pickle their slots by themselves; the incident cache pickles models.
        # Most texts have no translation: those pickle as the text alone (a site's cache holds tens of thousands).
        return (Text, (str(self), self.translations) if self.translations else (str(self),))


# YAML written from texts (the issue forms made from the catalog) holds the default language's words, as a str would.
yaml.representer.SafeRepresenter.add_representer(Text, lambda dumper, text: dumper.represent_str(str(text)))


def in_language(text: str, lang: str, default_lang: str) -> tuple[str, str]:
    """The words of `text` to show on a page in `lang`, and the language they are in.

    The default language's page gets the text itself; another page gets the translation, or else the default
    language's text (and `default_lang`, so the page can mark it).
    """
    if lang != default_lang:
        translated = getattr(text, "translations", {}).get(lang)
        if translated is not None:
            return translated, lang
    return str(text), default_lang


# --- the site's languages, and what check notes about them ------------------------------------------------------

DEFAULT_LANGUAGES = ("en",)  # a site that names none: Pelican's DEFAULT_LANG, whose own default is English
# BCP 47 as sites use it: a language (`fr`), then optionally a script (`zh-Hant`), a region (`pt-BR`, `es-419`) and
# variants, each in its usual case, so that a code is written one way in settings, files and URLs.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}"  # the language
                           r"(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|[0-9]{3}))?"  # a script, a region
                           r"(-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*")  # variants
NOTES_PER_FILE = 3  # notes of missing translations listed for one file; beyond, one line counts the rest
NOTES_PER_RUN = 20  # lines of such notes in one run; beyond, one line counts the rest (a long history may have
#                     thousands of texts written before the site had a second language)


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """How messages name a language: `French (fr)`; the code alone for one CLDR does not know."""
    from babel import Locale, UnknownLocaleError  # only when there is something to say about a language

    try:
        return f"{Locale.parse(code, sep='-').get_display_name('en')} ({code})"
    except (UnknownLocaleError, ValueError):
        return code


def languages_named(codes: Iterable[str]) -> str:
    """`French (fr)`, `French (fr) or German (de)`, `French (fr), German (de) or Spanish (es)`."""
    named = [language_name(code) for code in codes]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]


def _file_notes(path: str, items: list[tuple[int, str, tuple[str, ...]]]) -> list[tuple[str, int, str]]:
    """One file's notes: each text, or beyond NOTES_PER_FILE the first few and a line counting the rest."""
    shown = items if len(items) <= NOTES_PER_FILE else items[: NOTES_PER_FILE - 1]
    notes = [(path, line, f"{what} has no {languages_named(missing)} text; the default language's is shown")
             for line, what, missing in shown]
    if len(shown) < len(items):
        rest = items[len(shown):]
        codes = tuple(dict.fromkeys(code for _, _, missing in rest for code in missing))
        notes.append((path, rest[0][0], f"and {len(rest)} more texts in this file have no {languages_named(codes)} "
                                        f"text"))
    return notes


def untranslated_notes(found: list[tuple[str, int, str, tuple[str, ...]]]) -> list[tuple[str, int, str]]:
    """check's notes for texts missing in some of the site's languages: (path, line, note), from (path, line, what,
    languages missing) in the order to list them. At most NOTES_PER_FILE lines for one file and NOTES_PER_RUN in
    all; what is left out is counted on one line (`and 12 more ...`), so a long history stays readable."""
    by_file: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
    for path, line, what, missing in found:
        by_file.setdefault(path, []).append((line, what, missing))
    per_file = [_file_notes(path, items) for path, items in by_file.items()]
    if sum(map(len, per_file)) <= NOTES_PER_RUN:
        return [note for notes in per_file for note in notes]
    notes: list[tuple[str, int, str]] = []
    for n, (path, items) in enumerate(by_file.items()):
        if len(notes) + len(per_file[n]) > NOTES_PER_RUN - 1:  # one line left to count the rest
            left = [item for items_left in list(by_file.values())[n:] for item in items_left]
            files = f"{len(by_file) - n:,} file" + ("s" if len(by_file) - n != 1 else "")
            notes.append((path, items[0][0], f"and {len(left):,} more texts without a translation, in {files} from "
                                             f"this one on (not listed)"))
            break
        notes += per_file[n]
    return notes
