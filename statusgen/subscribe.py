"""Ways to subscribe besides the feeds and calendars, and the WebSub hub the feeds announce, from the settings.

    STATUSGEN_SUBSCRIBE = [
        {"title": "Email updates for Millbrook", "url": "mailto:millbrook-status-join@lists.northwind.example",
         "areas": ["millbrook"]},
        {"title": "Phone outages in our Matrix room", "url": "https://matrix.to/#/#phone:northwind.example",
         "action": "join", "components": ["phone"]},
        {"title": "Every update by email", "url": "https://lists.northwind.example/status/"},  # everywhere
    ]
    STATUSGEN_WEBSUB_HUB = "https://hub.northwind.example/"

A way with neither `components` nor `areas` is site-wide: the home page and every service and area page show it.
One with either shows on the pages of the services and areas it names (its own before the site-wide ones).

Values are checked before a build, every problem one line naming the setting (ids against the catalog), so no
setting can break a page or put a `javascript:` link in it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from .errors import printable
from . import names
from .model import Catalog

SUBSCRIBE = "STATUSGEN_SUBSCRIBE"
HUB = "STATUSGEN_WEBSUB_HUB"
# The link's words when a way does not give its own, by the kind of address: what following the link does.
ACTIONS = {"mailto": "sign up by email", "https": "sign up", "http": "sign up"}
KEYS = ("title", "url", "action", "components", "areas")
_MAILTO = re.compile(r"mailto:[^\s\"'<>@?]+@[^\s\"'<>@?]+(\?[^\s\"'<>]*)?")
_WEB = re.compile(r"https?://[^\s\"'<>]+")
EXAMPLE = '{"title": "Email updates for Millbrook", "url": "mailto:join@lists.example.com"}'


@dataclass(frozen=True)
class Way:
    """One way to subscribe: what it is (`title`), where (`url`), the link's words (`action`), and the services
    and areas it is about (neither: site-wide)."""

    title: str
    url: str
    action: str
    components: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    @property
    def address(self) -> str | None:
        """The email address of a mailto: way (shown beside its link, for readers whose browser opens no mail
        program), else None."""
        if not self.url.lower().startswith("mailto:"):
            return None
        return unquote(self.url[len("mailto:"):].split("?", 1)[0])

    @property
    def site_wide(self) -> bool:
        return not self.components and not self.areas

    def is_about(self, about: tuple[str, str | None]) -> bool:
        """Whether it is a way of the page `about` ("component", id) or ("area", id) in particular."""
        kind, ident = about
        return ident in (self.components if kind == "component" else self.areas if kind == "area" else ())


@dataclass(frozen=True)
class Subscribing:
    """What the settings say: the ways, in their order, and the WebSub hub (None: no hub is announced)."""

    ways: tuple[Way, ...] = ()
    hub: str | None = None

    def for_page(self, about: tuple[str, str | None]) -> tuple[Way, ...]:
        """The ways a page shows: the home page ("home", None) the site-wide ones; a service's or area's page its
        own, then the site-wide ones."""
        return (*(w for w in self.ways if w.is_about(about)), *(w for w in self.ways if w.site_wide))


class SubscribeError(ValueError):
    """Settings that cannot be used: `problems` holds (setting, message) pairs, one line each."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("\n".join(f"{key}: {message}" for key, message in problems))
        self.problems = problems


def read(settings: Mapping[str, Any], catalog: Catalog | None = None) -> Subscribing:
    """The ways to subscribe and the hub, checked; SubscribeError with every problem. The ids the ways name are
    checked against `catalog` when it is given."""
    problems: list[tuple[str, str]] = []
    value = settings.get(SUBSCRIBE)
    ways = []
    if value and not isinstance(value, (list, tuple)):
        problems.append((SUBSCRIBE, f"not a list (expected [{EXAMPLE}, ...], got {value!r})"))
    else:
        for n, item in enumerate(value or ()):
            way = _way(f"{SUBSCRIBE}[{n}]", item, catalog, problems)
            if way is not None:
                ways.append(way)
    hub = _hub(settings.get(HUB), problems)
    if problems:
        raise SubscribeError(problems)
    return Subscribing(tuple(ways), hub)


def _way(where: str, item: Any, catalog: Catalog | None, problems: list) -> Way | None:
    if not isinstance(item, Mapping):
        problems.append((where, f"not a mapping (expected {EXAMPLE}, got {item!r})"))
        return None
    before = len(problems)
    for key in item:
        if key not in KEYS:
            problems.append((where, f"unknown key (expected one of {', '.join(KEYS)}, got {key!r})"))
    title = _words(f"{where}.title", item.get("title"), "the words readers see, such as \"Email updates for "
                                                        "Millbrook\"", problems)
    url = _url(f"{where}.url", item.get("url"), problems)
    action = item.get("action")
    if action is not None:
        action = _words(f"{where}.action", action, "the link's words, such as \"join\"", problems)
    ids = {kind: _ids(f"{where}.{kind}", item.get(kind), known, problems) for kind, known in
           (("components", catalog and [c.id for c in catalog.components]),
            ("areas", catalog and [a.id for a in catalog.areas]))}
    if len(problems) > before:
        return None
    return Way(title, url, action or ACTIONS[urlsplit(url).scheme.lower()], ids["components"], ids["areas"])


def _words(where: str, value: Any, expected: str, problems: list) -> str:
    if value is None:
        problems.append((where, f"missing (expected {expected}, got none)"))
    elif not isinstance(value, str) or not value.strip() or printable(value) != value:
        problems.append((where, f"not text on one line (expected {expected}, got {value!r})"))
    else:
        return value.strip()
    return ""


def _url(where: str, value: Any, problems: list) -> str:
    if value is None:
        problems.append((where, "missing (expected an https:, http: or mailto: address, got none)"))
    elif not isinstance(value, str) or not (_MAILTO.fullmatch(value) or _WEB.fullmatch(value) and
                                             urlsplit(value).hostname):
        problems.append((where, f"not a sign-up address (expected an https:, http: or mailto: address, such as "
                                f"mailto:join@lists.example.com, got {value!r})"))
    else:
        return value
    return ""


def _ids(where: str, value: Any, known: list[str] | None, problems: list) -> tuple[str, ...]:
    what = "service" if where.endswith("components") else "area"
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        problems.append((where, f"not a list of ids (expected a list such as [\"{known[0] if known else 'id'}\"], "
                                f"got {value!r})"))
        return ()
    for ident in value:
        if known is not None and ident not in known:
            problems.append((where, f"unknown {what} ({names.expected(ident, known) if known else 'expected none'}, "
                                    f"got {ident!r})"))
    return tuple(dict.fromkeys(value))


def _hub(value: Any, problems: list) -> str | None:
    if not value:
        return None
    if not isinstance(value, str) or not _WEB.fullmatch(value) or urlsplit(value).scheme != "https" \
            or not urlsplit(value).hostname:
        problems.append((HUB, f"not a hub address (expected an https: address such as "
                              f"https://pubsubhubbub.appspot.com/, got {value!r})"))
        return None
    return value

