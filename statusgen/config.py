"""Every setting statusgen reads, declared once in one table and checked once, the way MkDocs checks its config
options: each option is a small object that checks one value and says what it expected; every bad value is
collected, each a problem at the line of the settings file that set it; the result is one frozen `Config` that
the CLI and the Pelican plugin read instead of the raw settings.

    pelicanconf.py:14: STATUSGEN_RECENT_DAYS must be a whole number of days from 1 to 3650 (expected an integer,
    got 'two weeks')

The table (OPTIONS) holds the statusgen settings an author writes, those `statusgen build` passes to the plugin,
and the Pelican settings statusgen reads itself. A `STATUSGEN_` name not in it is reported as a typo.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from . import brand as branding, names, subscribe as subscription
from .errors import ContentError, Problem, printable
from .times import TIME_FORMAT, parse_time, zone
from .urls import DEFAULT as URL_DEFAULTS, Urls

PREFIX = "STATUSGEN_"


class Invalid(ValueError):
    """A value an option cannot take; its message is the whole problem's text (the setting named in it). A value
    with several things wrong (items of a list) gives each its own message."""

    def __init__(self, *messages: str):
        super().__init__(messages[0])
        self.messages = messages


@dataclass(frozen=True)
class Option:
    """One setting: what it means, its default, and `check`, which returns the value as the code uses it (or raises
    Invalid). Subclasses say what they accept."""

    meaning: str
    default: Any = None

    def check(self, name: str, value: Any, base: Path) -> Any:
        return value

    def take(self, name: str, value: Any, base: Path) -> Any:
        """The checked value; None (an unset optional setting) is the default."""
        return self.default if value is None else self.check(name, value, base)


def _shown(value: Any) -> str:
    return printable(repr(value))


@dataclass(frozen=True)
class Whole(Option):
    """A whole number of `unit` from `low` to `high`."""

    unit: str = ""
    low: int = 0
    high: int = 0

    def check(self, name, value, base):
        must = f"{name} must be a whole number of {self.unit} from {self.low} to {self.high}"
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"{must} (expected an integer, got {_shown(value)})")
        if not self.low <= value <= self.high:
            raise Invalid(f"{must} (expected {self.low} to {self.high}, got {value})")
        return value


@dataclass(frozen=True)
class Number(Option):
    """A number of `unit`, fractions allowed, from `low` to `high`."""

    unit: str = ""
    low: float = 0
    high: float = 0

    def check(self, name, value, base):
        must = f"{name} must be a number of {self.unit} from {self.low:g} to {self.high:g}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{must} (expected a number, got {_shown(value)})")
        if not self.low <= value <= self.high:
            raise Invalid(f"{must} (expected {self.low:g} to {self.high:g}, got {value!r})")
        return float(value)


@dataclass(frozen=True)
class Text(Option):
    """Text on one line, shown to readers or used in ids; `pattern`, when given, is what it must match whole."""

    expected: str = "text on one line"
    pattern: str | None = None
    form: str = ""  # what `pattern` asks for, in words

    def check(self, name, value, base):
        if not isinstance(value, str):
            wrong = "text"
        elif printable(value) != value:
            wrong = "no line breaks or control characters"
        elif self.pattern is not None and value and not re.fullmatch(self.pattern, value):
            wrong = self.form
        else:
            return value
        raise Invalid(f"{name} must be {self.expected} (expected {wrong}, got {_shown(value)})")


@dataclass(frozen=True)
class Flag(Option):
    """True or False."""

    def check(self, name, value, base):
        if not isinstance(value, bool):
            raise Invalid(f"{name} must be True or False (expected a boolean, got {_shown(value)})")
        return value


# A web address a page links to: no javascript: or data: address (it would run in a reader's browser when followed),
# nothing that would end the link early (a space, a quote).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_NOT_IN_A_LINK = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")


@dataclass(frozen=True)
class WebAddress(Option):
    """An address of one of `schemes`, or a path, or empty; `example` is shown in the message."""

    example: str = ""
    schemes: tuple[str, ...] = ("http", "https")

    def check(self, name, value, base):
        if value == "":
            return value
        scheme = _SCHEME.match(value) if isinstance(value, str) else None
        if (not isinstance(value, str) or _NOT_IN_A_LINK.search(value)
                or (scheme and scheme[1].lower() not in self.schemes)):
            raise Invalid(f"{name}: not a web address (expected {self.example}, or empty, got {value!r})")
        return value


@dataclass(frozen=True)
class Zone(Option):
    """An IANA time zone name."""

    def check(self, name, value, base):
        if value == "":  # as Pelican's reader leaves it: times in UTC
            return self.default
        try:
            zone(value) if isinstance(value, str) else zone("")
        except ValueError:
            raise Invalid(f"{name}: unknown time zone (expected an IANA name like Europe/Berlin, got "
                          f"{_shown(value)})") from None
        return value


@dataclass(frozen=True)
class Moment(Option):
    """A time as the files write it, with its offset (given by `statusgen build`)."""

    def check(self, name, value, base):
        if value == "":
            return None
        try:
            return parse_time(str(value).replace("+00:00", "Z"), zone("UTC"))
        except ValueError:
            raise Invalid(f"{name} must be a time (expected {TIME_FORMAT}, got {_shown(value)})") from None


@dataclass(frozen=True)
class Names(Option):
    """A list of text items (paths, plugin names, language codes); `pattern` each must match; modules allowed
    where `modules` (PLUGINS may name a plugin by its module object)."""

    expected: str = "a list of folders"
    pattern: str | None = None
    modules: bool = False
    one: bool = False  # a single name is taken as a list of it (as Pelican takes PLUGIN_PATHS)
    example: str = '"name"'

    def check(self, name, value, base):
        if self.one and isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            good = [item for item in value if isinstance(item, str) and printable(item) == item and
                    (self.pattern is None or re.fullmatch(self.pattern, item))
                    or self.modules and hasattr(item, "__name__")]
            if len(good) == len(value):
                return tuple(value)
        raise Invalid(f"{name} must be {self.expected} (expected a list such as [{self.example}], got "
                      f"{_shown(value)})")


@dataclass(frozen=True)
class Languages(Option):
    """STATUSGEN_LANGUAGES: language codes in their usual case (fr, pt-BR, zh-Hant, es-419), the default first, each
    once; every wrong item is its own problem."""

    def check(self, name, value, base):
        from .texts import LANGUAGE_CODE

        expected = 'a list of language codes, the default first, such as ["en", "fr"]'
        if not isinstance(value, (list, tuple)) or not value:
            shown = "an empty list" if isinstance(value, (list, tuple)) else _shown(value)
            raise Invalid(f"{name}: not a list of languages (expected {expected}, got {shown})")
        wrong = []
        for n, code in enumerate(value):
            if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
                wrong.append(f"{name}[{n}]: not a language code (expected a code such as fr, pt-BR or zh-Hant, got "
                             f"{_shown(code)})")
            elif code in value[:n]:
                wrong.append(f"{name}[{n}]: duplicate language (expected each code once, got {code!r} again)")
        if wrong:
            raise Invalid(*wrong)
        return tuple(value)


@dataclass(frozen=True)
class UrlTable(Option):
    """STATUSGEN_URLS: output kinds moved elsewhere; a page kind is (URL, file), any other kind one path."""

    def check(self, name, value, base):
        if not isinstance(value, Mapping):
            raise Invalid(f"{name} must be a mapping of outputs to places (expected {{\"atom\": \"news/{{id}}.xml\"}}, "
                          f"got {_shown(value)})")
        for kind, place in value.items():
            if kind not in URL_DEFAULTS:
                raise Invalid(f"{name}: unknown output ({names.expected(str(kind), list(URL_DEFAULTS), most=5)}, "
                              f"got {_shown(kind)})")
            page = isinstance(URL_DEFAULTS[kind], tuple)
            parts = list(place) if page and isinstance(place, (list, tuple)) and len(place) == 2 else [place]
            if page != (len(parts) == 2) or not all(_relative_path(part) for part in parts):
                what, shape = ("a page's URL and file", 'a pair such as ("i/{id}/", "i/{id}/index.html")') if page \
                    else ("a path in the site", 'a path such as "news/{id}.xml"')
                raise Invalid(f"{name}[{kind!r}] must be {what} (expected {shape}, got {_shown(place)})")
        return dict(value)


def _relative_path(text: Any) -> bool:
    return isinstance(text, str) and not text.startswith("/") and ".." not in text.split("/") \
        and printable(text) == text and "\\" not in text


@dataclass(frozen=True)
class BrandPart(Option):
    """A brand setting (statusgen.brand checks it: logo, extra stylesheet, colours, footer links)."""

    def check(self, name, value, base):
        try:
            branding.read({name: value}, base)
        except branding.BrandError as err:
            raise Invalid(str(err)) from None
        return value


@dataclass(frozen=True)
class SubscribePart(Option):
    """STATUSGEN_SUBSCRIBE and STATUSGEN_WEBSUB_HUB: statusgen.subscribe checks them together, ids against the
    catalog (see `validate`)."""


LANGUAGE = r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*"
HOST = r"([^\s@/]+@)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"

# Every setting statusgen reads: the name, the option that checks it (type, range, allowed values) and its meaning.
# Config's fields are these names without STATUSGEN_, in lower case.
OPTIONS: Mapping[str, Option] = MappingProxyType({
    # Pelican's own, read by statusgen too
    "SITENAME": Text("the site's name, in titles, feeds and calendars (Pelican's default: A Pelican Blog)", None),
    "SITEURL": WebAddress("where readers find the site; feeds, calendars and the sitemap use it", "",
                          example="https://status.example.com"),
    "TIMEZONE": Zone("the zone of times written without an offset, and of times shown", "UTC"),
    "DEFAULT_LANG": Text("the language of the pages and feeds", "en", expected="a language code",
                         pattern=LANGUAGE, form="a code such as en or pt-BR"),
    "RELATIVE_URLS": Flag("pages link relatively (output/ works from any folder)", False),
    "THEME": Text("the theme's folder (default: statusgen's own)", None, expected="a folder name"),
    "THEME_TEMPLATES_OVERRIDES": Names("folders of templates that override the theme's", (), example='"overrides"'),
    "PLUGINS": Names("the Pelican plugins loaded (statusgen_site is added)", (), expected="a list of plugin names",
                     modules=True, example='"statusgen_site"'),
    "PLUGIN_PATHS": Names("folders Pelican finds plugins in", (), one=True, example='"plugins"'),
    "OUTPUT_PATH": Text("where Pelican writes (`statusgen build` sets it)", "output", expected="a folder name"),
    # statusgen's, written by authors
    "STATUSGEN_ORGANIZATION": Text("who runs the services (default: SITENAME)", None),
    "STATUSGEN_CONTACT": Text("how to reach them, in every footer", None),
    "STATUSGEN_ID_AUTHORITY": Text("the domain in feed and calendar ids (tag URIs): set once, never changed", None,
                                   expected="a domain name", pattern=HOST, form="a name such as status.example.com"),
    "STATUSGEN_TICKET_URL": WebAddress("the link of a ticket, {ticket} replaced", "",
                                       example="https://tickets.example.com/browse/{ticket}"),
    "STATUSGEN_RECENT_DAYS": Whole("how long resolved incidents stay on the home page", 14, unit="days", low=1,
                                   high=3650),
    "STATUSGEN_PAST_LIMIT": Whole("past incidents listed on a service or area page", 50, unit="incidents", low=1,
                                  high=100_000),
    "STATUSGEN_FEED_LIMIT": Whole("entries per feed", 50, unit="entries", low=1, high=100_000),
    "STATUSGEN_CALENDAR_KEEP_DAYS": Whole("how long past windows stay in the calendars", 365, unit="days", low=0,
                                          high=36_500),
    "STATUSGEN_REBUILD_MINUTES": Whole("the CI schedule, said in every footer", None, unit="minutes", low=1,
                                       high=10_080),
    "STATUSGEN_STALE_AFTER_MINUTES": Whole("when the optional notice calls an open page stale", 60, unit="minutes",
                                           low=1, high=10_080),
    "STATUSGEN_JOBS": Whole("processes writing pages (default: one per core)", None, unit="processes", low=1,
                            high=256),
    "STATUSGEN_URLS": UrlTable("outputs moved elsewhere (links follow)", None),
    "STATUSGEN_LOGO": BrandPart("an image beside the settings, shown before SITENAME", None),
    "STATUSGEN_EXTRA_CSS": BrandPart("a stylesheet beside the settings, linked after the theme's", None),
    "STATUSGEN_COLORS": BrandPart("the theme's colours set for the light scheme", None),
    "STATUSGEN_DARK_COLORS": BrandPart("and for the dark one", None),
    "STATUSGEN_FOOTER_LINKS": BrandPart("(text, address) pairs in every footer", None),
    "STATUSGEN_SUBSCRIBE": SubscribePart("ways to subscribe besides the feeds", None),
    "STATUSGEN_WEBSUB_HUB": SubscribePart("the WebSub hub every feed announces and notify pings", None),
    "STATUSGEN_LANGUAGES": Languages("the site's languages, the first the default (without it, DEFAULT_LANG alone)",
                                     ()),
    "STATUSGEN_REMINDER_MINUTES": Number("how long before a promise falls due the team is reminded", 10.0,
                                         unit="minutes", low=0, high=10_080),
    "STATUSGEN_NOTIFY_RATE_SECONDS": Number("seconds between two messages on one channel (default: Apprise's)", None,
                                            unit="seconds", low=0, high=3600),
    "STATUSGEN_NOTIFY_LEASE_MINUTES": Number("how long a notify run's claim is its own", 5.0, unit="minutes", low=0,
                                             high=1440),
    "STATUSGEN_NOTIFY_UNSUBSCRIBE": Text("how to stop receiving messages (default: 'tell us: ' and the contact)",
                                         None),
    # passed by `statusgen build` to the plugin, one build at a time
    "STATUSGEN_BUILD_TIME": Moment("the time the site is shown as of", None),
    "STATUSGEN_CLOCK": Moment("the present, for the check of times ahead of it", None),
    "STATUSGEN_REPORT": Text("where the plugin records what it found", None, expected="a file path"),
    "STATUSGEN_CACHE": Text("the build cache's folder", None, expected="a folder path"),
    "STATUSGEN_TIMINGS": Text("where the plugin records its timings", None, expected="a file path"),
})


def attribute(setting: str) -> str:
    """Config's field for a setting: STATUSGEN_RECENT_DAYS -> recent_days, SITEURL -> siteurl."""
    return setting.removeprefix(PREFIX).lower()


@dataclass(frozen=True)
class Config:
    """The settings as statusgen uses them, every one checked (see OPTIONS for what each means)."""

    sitename: str | None = None
    siteurl: str = ""
    timezone: str = "UTC"
    default_lang: str = "en"
    relative_urls: bool = False
    theme: str | None = None
    theme_templates_overrides: tuple[str, ...] = ()
    plugins: tuple[Any, ...] = ()
    plugin_paths: tuple[str, ...] = ()
    output_path: str = "output"
    organization: str | None = None
    contact: str | None = None
    id_authority: str | None = None
    ticket_url: str = ""
    recent_days: int = 14
    past_limit: int = 50
    feed_limit: int = 50
    calendar_keep_days: int = 365
    rebuild_minutes: int | None = None
    stale_after_minutes: int = 60
    jobs: int | None = None
    urls: Urls = field(default_factory=Urls)
    logo: Any = None
    extra_css: Any = None
    colors: Any = None
    dark_colors: Any = None
    footer_links: Any = None
    subscribe: Any = None
    websub_hub: Any = None
    languages: tuple[str, ...] = ()
    reminder_minutes: float = 10.0
    notify_rate_seconds: float | None = None
    notify_lease_minutes: float = 5.0
    notify_unsubscribe: str | None = None
    build_time: Any = None
    clock: Any = None
    report: str | None = None
    cache: str | None = None
    timings: str | None = None
    # made from the above
    brand: branding.Brand = field(default_factory=branding.Brand)
    subscribing: subscription.Subscribing = field(default_factory=subscription.Subscribing)

    @property
    def site_languages(self) -> tuple[str, ...]:
        """The site's languages, the default first: STATUSGEN_LANGUAGES, else DEFAULT_LANG alone."""
        return self.languages or (self.default_lang,)

    @property
    def zone(self) -> tzinfo:
        return zone(self.timezone)

    @property
    def organization_name(self) -> str:
        """Who runs the services: STATUSGEN_ORGANIZATION, else SITENAME."""
        return self.organization or self.sitename or ""

    @property
    def absolute_url(self) -> str | None:
        """SITEURL without its trailing slash when it is absolute, else None."""
        return self.siteurl.rstrip("/") if "://" in self.siteurl else None

    @property
    def authority(self) -> str:
        """The domain of feed and calendar ids: STATUSGEN_ID_AUTHORITY, else SITEURL's host."""
        from urllib.parse import urlparse

        return self.id_authority or urlparse(self.siteurl).hostname or "statusgen.invalid"


def _unknown(name: str) -> str:
    """A STATUSGEN_ name statusgen does not know: most likely a typo of one it does."""
    known = [(option, option.removeprefix(PREFIX)) for option in OPTIONS if option.startswith(PREFIX)]
    close, _ = names.closest_first(name.removeprefix(PREFIX), known)
    guess = f"did you mean {close[0]}? " if close else ""
    return f"{name}: unknown setting ({guess}expected one of the settings the README lists, got {name})"


def validate(settings: Mapping[str, Any], path: Path | None = None, base: Path | None = None,
             content: Path | None = None, given: tuple[str, ...] = ()) -> tuple[Config, list[Problem]]:
    """The settings checked: a Config (a bad value replaced by its default, so that `check` can go on with the
    content) and every problem, each at the line of `path` (the settings file; None: no file) that set it.
    `base`: the folder relative paths are read from (default: the settings file's). `content`: the site's content
    folder, whose catalog the ids STATUSGEN_SUBSCRIBE names are checked against. `given`: settings given on the
    command line (--timezone) over the file's: their problems are not the file's."""
    base = base or (path.parent if path else Path.cwd())
    where = Lines(path, given)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    good: dict[str, Any] = {}  # the raw values that passed, for brand and subscribe to read
    for name, option in OPTIONS.items():
        try:
            values[attribute(name)] = option.take(name, settings.get(name), base)
            good[name] = settings.get(name)
        except Invalid as err:
            problems += [where.problem(name, message) for message in err.messages]
            values[attribute(name)] = option.default
    for name in sorted(key for key in settings if key.startswith(PREFIX) and key not in OPTIONS):
        problems.append(where.problem(name, _unknown(name)))
    values["urls"] = Urls.configured(values["urls"])
    values["brand"] = branding.read(good, base)
    try:
        catalog = _catalog(content) if content is not None and good.get(subscription.SUBSCRIBE) else None
        values["subscribing"] = subscription.read(good, catalog)
    except subscription.SubscribeError as err:
        problems += [where.problem(key.split("[")[0], f"{key}: {message}") for key, message in err.problems]
    return Config(**values), problems


def load(settings: Mapping[str, Any], path: Path | None = None, base: Path | None = None,
         content: Path | None = None, given: tuple[str, ...] = ()) -> Config:
    """The settings checked, as `validate`; ContentError with every problem when any."""
    config, problems = validate(settings, path, base, content, given)
    if problems:
        raise ContentError(problems)
    return config


def languages(settings: Mapping[str, Any], path: Path | None = None) -> tuple[str, ...]:
    """The site's languages alone, checked (for what reads content without building: posting, a build's first
    check): the default first; ContentError with every problem of the setting, at its line of `path`."""
    found = []
    for name in ("STATUSGEN_LANGUAGES", "DEFAULT_LANG"):
        try:
            found.append(OPTIONS[name].take(name, settings.get(name), Path.cwd()))
        except Invalid as err:
            raise ContentError([Lines(path).problem(name, message) for message in err.messages]) from None
    return found[0] or (found[1],)


def timezone(settings: Mapping[str, Any], path: Path | None = None, given: tuple[str, ...] = ()) -> str:
    """TIMEZONE alone, checked (for what needs nothing else: posting, loading content); ContentError when it is not
    a zone, at its line."""
    try:
        return OPTIONS["TIMEZONE"].take("TIMEZONE", settings.get("TIMEZONE"), Path.cwd())
    except Invalid as err:
        raise ContentError([Lines(path, given).problem("TIMEZONE", str(err))]) from None


def _catalog(content: Path):
    """The catalog in `content`, or None when it cannot be read (its own problems are the content's to report)."""
    from .errors import Problems
    from .load import CATALOG_FILE, load_catalog

    return load_catalog(content / CATALOG_FILE, Problems())


class Lines:
    """Where each setting is set: the line of the settings file that sets it last, at module level (the `ast` of
    the file); for a setting it takes from another file (`from pelicanconf import *`), that file's line. A setting
    found nowhere (made by code the file runs) is put at the file's first line."""

    def __init__(self, path: Path | None, given: tuple[str, ...] = ()):
        self.path = path
        self.given = given
        self.found: dict[str, tuple[Path, int]] = {}
        if path is not None:
            self._read(path.resolve(), set())

    def _read(self, path: Path, seen: set[Path]) -> None:
        if path in seen:
            return
        seen.add(path)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8-sig"))
        except (OSError, SyntaxError, ValueError):
            return
        for node in _module_level(tree.body):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and any(alias.name == "*" for alias in node.names):
                self._read(path.parent / (node.module.replace(".", "/") + ".py"), seen)
            for target in _targets(node):
                self.found[target] = (path, node.lineno)

    def problem(self, name: str, message: str) -> Problem:
        """The problem `message` with the setting `name`, at its line; one given on the command line or without a
        settings file is a problem of the setting itself (`TIMEZONE: ...`, no file)."""
        if name in self.given:
            return Problem(name, 1, message.removeprefix(f"{name}: "))
        if self.path is None:  # Pelican run alone: it does not say which file it read
            return Problem("settings", 1, message)
        where, line = self.found.get(name, (self.path, 1))
        return Problem(str(self.path) if where == self.path.resolve() else str(where), line, message)


def _module_level(body: list[ast.stmt]):
    """The statements of a module in order, those inside if/try/with/for at module level too (not in functions)."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for part in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(node, part, []))
            for handler in getattr(node, "handlers", []):
                yield from _module_level(handler.body)


def _targets(node: ast.stmt) -> list[str]:
    """The names an assignment sets (`A = B = 1`, `A: int = 1`, `A += 1`, `A, B = 1, 2`)."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    else:
        return []
    found = []
    for target in targets:
        items = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        found += [item.id for item in items if isinstance(item, ast.Name)]
    return found

