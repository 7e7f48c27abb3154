"""The one way any command reads a site's settings: Pelican's own reader, on the file given with `-s`.

`check` and `build` read the same values the build's Pelican will, so settings that compute `TIMEZONE` or import
another file (publishconf.py imports pelicanconf.py) mean the same thing to both. This module is the edge where
statusgen meets Pelican's settings; the rest of the library gets plain values.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from . import brand, subscribe
from .errors import ContentError, Problem

DEFAULT_FILE = "pelicanconf.py"
PLUGIN = "statusgen_site"  # the Pelican plugin, shipped in the wheel beside the library
THEME_PACKAGE = "statusgen_theme"  # the theme, shipped the same way
# What a status site needs from Pelican whatever its settings file says: statusgen renders incidents itself, so
# Pelican's own article and page pipeline, its feeds and its caches are off. A settings file may set these
# (the example's pelicanconf.py does); a file written by `statusgen init` need not.
PIPELINE_OFF = {
    "ARTICLE_PATHS": [], "PAGE_PATHS": [], "STATIC_PATHS": [], "DIRECT_TEMPLATES": [], "THEME_STATIC_PATHS": [],
    **{f"{kind}_SAVE_AS": "" for kind in ("ARTICLE", "PAGE", "CATEGORY", "TAG", "AUTHOR", "ARCHIVES", "AUTHORS",
                                          "CATEGORIES", "TAGS")},
    **{feed: None for feed in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "TRANSLATION_FEED_ATOM",
                               "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS")},
    "TYPOGRIFY": False, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
}


def _failure(path: Path, err: BaseException) -> Problem:
    """A settings file that failed to load, as one problem at the line that failed."""
    theme = re.fullmatch(r"Could not find the theme (.*)", str(err))
    if theme:  # Pelican's own check of THEME
        return Problem(str(path), _line_of(path, "THEME"), f"THEME: theme not found (expected a folder with "
                                                           f"templates/ in it, got {theme[1]!r})")
    if isinstance(err, SyntaxError) and err.filename and Path(err.filename).resolve() == path:
        return Problem(str(path), err.lineno or 1, f"not valid Python (expected settings Pelican can read, got: "
                                                   f"{err.msg})")
    line, where = 1, str(path)
    for frame in traceback.extract_tb(err.__traceback__):  # the deepest line in a file of the site
        if frame.filename and Path(frame.filename).resolve().parent == path.parent:
            line, where = frame.lineno or 1, frame.filename
    detail = " ".join(str(err).split()) or type(err).__name__
    return Problem(where, line, f"the settings failed to load (expected settings Pelican can read, got "
                                f"{type(err).__name__}: {detail})")


def read(path: Path, required: bool = True, overrides: dict[str, Any] | None = None,
         values_only: bool = False) -> dict[str, Any]:
    """The settings in `path` as Pelican reads them (defaults filled in, relative paths made absolute).

    Raises ContentError with one problem when the file is missing (where `required`) or fails to load. Without
    the file and not `required` (checking content alone), Pelican's defaults: times without an offset in UTC.

    `values_only`: the file's own values as Pelican takes them from it (run as a module, its upper-case names),
    with Pelican's check of THEME but without its defaults, and without importing Pelican: `check` needs only
    TIMEZONE, and importing Pelican is a fifth of its time.
    """
    path = path.resolve()
    if not path.is_file():
        if required:
            raise ContentError([Problem(str(path), 1, "no settings file (expected a Pelican settings file such as "
                                                      f"{DEFAULT_FILE}; give another with -s, or start a site with "
                                                      "`statusgen init`)")])
        return {"TIMEZONE": "UTC", **(overrides or {})}
    quiet = logging.getLogger("pelican.settings")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its notes on defaults are not the author's problem
    if not values_only:
        # Only here: the library knows nothing of Pelican. Imported before the modules are counted, so that it
        # stays imported for the build (forked from this process) rather than read again.
        from pelican.settings import read_settings
    sys.path.insert(0, str(path.parent))  # a settings file may import its neighbours, as under Pelican
    modules = set(sys.modules)
    try:
        if values_only:
            return _own_values(path, overrides or {})
        return read_settings(str(path), override=dict(overrides or {}))
    except Exception as err:  # noqa: BLE001 - whatever the file raises is the author's to fix, in one line
        raise ContentError([_failure(path, err)]) from None
    finally:
        sys.path.remove(str(path.parent))
        for name in set(sys.modules) - modules:  # read afresh next time: the files may have changed
            del sys.modules[name]
        quiet.setLevel(level)


def _own_values(path: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """What pelican.settings.get_settings_from_file takes from the file, with `overrides` over it; ValueError as
    Pelican's own for a THEME that is neither a folder nor one of Pelican's themes."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    values = {key: getattr(module, key) for key in dir(module) if key.isupper()}
    values.update(overrides)
    theme = values.get("THEME")
    if isinstance(theme, str):
        folder = theme if os.path.isabs(theme) else os.path.normpath(os.path.join(path.parent, theme))
        pelican = packaged_folder("pelican")
        if not os.path.isdir(folder) and not (pelican and os.path.exists(os.path.join(pelican, "themes", theme))):
            raise ValueError(f"Could not find the theme {theme}")
    return values


def packaged_folder(package: str) -> Path | None:
    """Where an installed package of statusgen's (the theme, the plugin) is, or None."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def _line_of(path: Path, key: str) -> int:
    """The line of the settings file that last sets `key`, for a problem with its value."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    matches = list(re.finditer(rf"^{key}\s*=", text, re.M))  # the last: the value the settings end with
    return text.count("\n", 0, matches[-1].start()) + 1 if matches else 1


def page_setting_problems(path: Path, settings: dict[str, Any], content: Path | None = None) -> list[Problem]:
    """Every problem of the settings the pages show (links, brand and subscribe), at its line of the settings file:
    the build refuses them, and `check` reports them, so that a passing check means the build succeeds."""
    problems = [Problem(str(path), _line_of(path, key), message)
                for key, message in link_problems(settings)]
    try:
        brand.read(settings, path.parent)
    except brand.BrandError as err:
        problems.append(Problem(str(path), _line_of(path, err.key), str(err)))
    try:
        subscribe.read(settings, _catalog(content) if settings.get(subscribe.SUBSCRIBE) else None)
    except subscribe.SubscribeError as err:
        problems += [Problem(str(path), _line_of(path, key.split("[")[0]), f"{key}: {message}")
                     for key, message in err.problems]
    return problems


def build_overrides(path: Path, settings: dict[str, Any], content: Path | None = None) -> dict[str, Any]:
    """What the build adds to the settings file: the packaged theme and plugin where it names none, and Pelican's
    own pipeline off where it does not say. ContentError (one line) when the theme or plugin cannot be found, or
    with every problem of the brand and subscribe settings (the ids these name are checked against the catalog
    in `content`, when it is given and can be read)."""
    path = path.resolve()
    from pelican.settings import DEFAULT_THEME

    overrides = {key: value for key, value in PIPELINE_OFF.items() if settings.get(key) != value}
    theme = settings.get("THEME")
    if theme in (None, DEFAULT_THEME):
        packaged = packaged_folder(THEME_PACKAGE)
        if packaged is None:
            raise ContentError([Problem(str(path), 1, "theme not found (expected THEME set to a theme folder, or "
                                                      "statusgen installed with its theme; got neither)")])
        overrides["THEME"] = str(packaged)
    elif not Path(theme, "templates").is_dir():
        raise ContentError([Problem(str(path), _line_of(path, "THEME"), f"THEME: theme not found (expected a "
                                    f"folder with templates/ in it, got {theme!r})")])
    problems = page_setting_problems(path, settings, content)
    if problems:
        raise ContentError(problems)
    plugins = [p if isinstance(p, str) else getattr(p, "__name__", "") for p in settings.get("PLUGINS") or []]
    if PLUGIN not in plugins:
        overrides["PLUGINS"] = plugins + [PLUGIN]
    on_paths = any(Path(folder, PLUGIN).is_dir() for folder in settings.get("PLUGIN_PATHS") or [])
    if not on_paths and packaged_folder(PLUGIN) is None:
        raise ContentError([Problem(str(path), _line_of(path, "PLUGIN_PATHS"), f"plugin not found (expected "
                                    f"{PLUGIN} in PLUGIN_PATHS or installed with statusgen, got neither)")])
    return overrides


def _catalog(content: Path | None):
    """The catalog in `content`, or None when there is none to check against (its own problems are the build's to
    report, with the content's)."""
    from .errors import Problems
    from .load import CATALOG_FILE, load_catalog

    return load_catalog(content / CATALOG_FILE, Problems()) if content is not None else None


# Settings that become links on every page: web addresses only. A javascript: or data: address would run in a
# reader's browser when followed; an address with a space or a quote would not be one link.
LINK_SETTINGS = {"SITEURL": "https://status.example.com, or empty", "STATUSGEN_TICKET_URL":
                 "https://tickets.example.com/browse/{ticket}, or empty"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_NOT_IN_A_LINK = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")


def link_problems(settings: dict[str, Any]) -> list[tuple[str, str]]:
    """(setting, message) for each setting of LINK_SETTINGS that is not an http(s) address or a path."""
    found = []
    for key, expected in LINK_SETTINGS.items():
        value = settings.get(key)
        if value in (None, ""):
            continue
        scheme = _SCHEME.match(value) if isinstance(value, str) else None
        if (not isinstance(value, str) or _NOT_IN_A_LINK.search(value)
                or (scheme and scheme[1].lower() not in ("http", "https"))):
            found.append((key, f"{key}: not a web address (expected {expected}, got {value!r})"))
    return found


def timezone_name(settings: dict[str, Any]) -> str:
    """The zone of times written without an offset."""
    return settings.get("TIMEZONE") or "UTC"


LANGUAGES = "STATUSGEN_LANGUAGES"


def languages(settings: dict[str, Any], path: Path | None = None) -> tuple[str, ...]:
    """The site's languages, the default first: STATUSGEN_LANGUAGES, else Pelican's DEFAULT_LANG alone (else
    English). ContentError with every problem of the list, at its line of the settings file `path`."""
    from .texts import DEFAULT_LANGUAGES, LANGUAGE_CODE

    value = settings.get(LANGUAGES)
    if value is None:
        return (settings.get("DEFAULT_LANG") or DEFAULT_LANGUAGES[0],)
    where, line = str(path or "settings"), _line_of(path, LANGUAGES) if path else 1
    expected = 'a list of language codes, the default first, such as ["en", "fr"]'
    if not isinstance(value, (list, tuple)) or not value:
        shown = "an empty list" if isinstance(value, (list, tuple)) else repr(value)
        raise ContentError([Problem(where, line, f"{LANGUAGES}: not a list of languages (expected {expected}, "
                                                 f"got {shown})")])
    problems = []
    for n, code in enumerate(value):
        if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
            problems.append(Problem(where, line, f"{LANGUAGES}[{n}]: not a language code (expected a code such as "
                                                 f"fr, pt-BR or zh-Hant, got {code!r})"))
        elif code in value[:n]:
            problems.append(Problem(where, line, f"{LANGUAGES}[{n}]: duplicate language (expected each code once, "
                                                 f"got {code!r} again)"))
    if problems:
        raise ContentError(problems)
    return tuple(value)
