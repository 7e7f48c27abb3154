"""Where every output lives, relative to the site root: one table, so that a page links the very file a writer
saved, and a setting that moves an output moves its links with it.

A page has a URL and the file it is saved as (`incidents/{id}/` is `incidents/{id}/index.html`); every other
output is saved where it is linked. `{id}` is the key: an incident's, component's or area's id for pages,
`all` or `components/<id>` for feeds, `summary` or `incidents/unresolved` for API files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import quote

DEFAULT: Mapping[str, str | tuple[str, str]] = {
    "home": ("", "index.html"),
    "history": ("history/", "history/index.html"),
    "incident": ("incidents/{id}/", "incidents/{id}/index.html"),
    "component": ("components/{id}/", "components/{id}/index.html"),
    "area": ("areas/{id}/", "areas/{id}/index.html"),
    "uptime": ("uptime/", "uptime/index.html"),
    "atom": "feeds/{id}.atom.xml",
    "rss": "feeds/{id}.rss.xml",
    "calendar": "calendar/{id}.ics",
    "api": "api/v2/{id}.json",
    "history_json": "api/history.json",  # our own full history, with the promises and their figures
    "badge": "badges/{id}.svg",
    "badge_endpoint": "badges/{id}.json",  # the same badge for shields.io's endpoint badges
    "asset": "theme/{id}",  # a theme file, under a name that changes with its content
    "not_found": "404.html",
    "robots": "robots.txt",
    "sitemap": "sitemap.xml",
    "headers": "_headers",
    "favicon_svg": "favicon.svg",
    "favicon_ico": "favicon.ico",
}


@dataclass(frozen=True)
class Urls:
    """The table, with the site's overrides (STATUSGEN_URLS: a page kind -> (URL, file), another kind -> path)."""

    table: Mapping[str, str | tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT))

    @classmethod
    def configured(cls, overrides: Mapping[str, str | tuple[str, str]] | None) -> Urls:
        return cls({**DEFAULT, **(overrides or {})})

    def url(self, kind: str, key: str | None = None) -> str:
        """Where readers find it, relative to the site root."""
        entry = self.table[kind]
        return (entry if isinstance(entry, str) else entry[0]).format(id=key)

    def save_as(self, kind: str, key: str | None = None) -> str:
        """The file it is written to, relative to the output folder."""
        return _file(self.table[kind]).format(id=key)

    def in_language(self, prefix: str) -> Urls:
        """The table for a language's site under `prefix` ('fr/'): every output below it but those the languages
        share at the root (SHARED: the Statuspage API, the theme's files, the site files)."""
        if not prefix:
            return self
        return Urls({kind: entry if kind in SHARED else _prefixed(entry, prefix) for kind, entry in self.table.items()})

    def page_folder(self, kind: str) -> tuple[str, str] | None:
        """(folder, file name) when every page of `kind` is saved as `<folder>/<its id>/<file name>` and no other
        output can be saved under `<folder>/`: a folder holding those pages' folders and nothing else."""
        folder, _, name = _file(self.table[kind]).rpartition("/{id}/")
        if not folder or not name or "{" in folder + name or "/" in name \
                or any(part in ("", ".", "..") for part in folder.split("/")):
            return None
        prefix = folder + "/"
        for other, entry in self.table.items():
            fixed = _file(entry).split("{", 1)[0]  # what every path of that kind starts with
            if other != kind and (fixed.startswith(prefix) or prefix.startswith(fixed)):
                return None
        return folder, name


# What every language shares, at the root: the Statuspage API (in the default language, as its clients expect one),
# the theme's files, the favicon and the files a host reads.
SHARED = frozenset({"api", "history_json", "asset", "not_found", "robots", "sitemap", "headers", "favicon_svg",
                    "favicon_ico"})


def _prefixed(entry: str | tuple[str, str], prefix: str) -> str | tuple[str, str]:
    return prefix + entry if isinstance(entry, str) else (prefix + entry[0], prefix + entry[1])


def _file(entry: str | tuple[str, str]) -> str:
    """The file part of a table entry: where a page is saved, or an output's path."""
    return entry if isinstance(entry, str) else entry[1]


def ticket_url(template: str, ticket: str) -> str:
    """The link of a ticket: STATUSGEN_TICKET_URL with `{ticket}` replaced by the ticket, percent-encoded so
    that no ticket can add a path, query or fragment of its own."""
    return template.replace("{ticket}", quote(ticket, safe=""))
