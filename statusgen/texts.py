"""Texts an author may give in several languages: the default language's text, with its translations beside it.

A `Text` is the default language's text itself (a `str`), so everything that shows one language keeps working
unchanged; a page in another language asks `in_language` for its words and learns which language it got, so that a
text that fell back to the default language can be marked with `lang` (screen readers switch voice).
"""

from __future__ import annotations


class Text(str):
    """A text in the site's default language, with its translations by language code (`{"fr": "..."}`)."""

    __slots__ = ("translations",)

    def __new__(cls, default: str, translations: dict[str, str] | None = None) -> Text:
        text = super().__new__(cls, default)
        text.translations = dict(translations or {})
        return text

    def __reduce__(self):
        # str subclasses with slots do not pickle their slots by themselves; the incident cache pickles models.
        return (Text, (str(self), self.translations))


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
