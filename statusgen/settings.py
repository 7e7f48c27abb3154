"""The one way any command reads a site's settings: Pelican's own reader, on the file given with `-s`.

`check` and `build` read the same values the build's Pelican will, so settings that compute `TIMEZONE` or import
another file (publishconf.py imports pelicanconf.py) mean the same thing to both. This module is the edge where
statusgen meets Pelican's settings; statusgen.config checks the values read here, and the rest of the library gets
its checked Config.
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

from . import config
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
        return config.Lines(path).problem("THEME", f"THEME: theme not found (expected a folder with templates/ in "
                                                   f"it, got {theme[1]!r})")
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


def checked(path: Path, settings: dict[str, Any], content: Path | None = None,
            given: tuple[str, ...] = ()) -> config.Config:
    """The settings of the file `path` checked (statusgen.config): the build refuses every problem, and `check`
    reports them, so that a passing check means the build succeeds. The ids the settings name are checked against
    the catalog in `content`, when it is given and can be read."""
    return config.load(settings, path.resolve(), content=content, given=given)


def build_overrides(path: Path, settings: dict[str, Any], content: Path | None = None,
                    values: config.Config | None = None) -> dict[str, Any]:
    """What the build adds to the settings file: the packaged theme and plugin where it names none, and Pelican's
    own pipeline off where it does not say. ContentError (one line) when the theme or plugin cannot be found, or
    with every problem of the settings (`checked`, unless they are given checked as `values`)."""
    path = path.resolve()
    from pelican.settings import DEFAULT_THEME

    values = values or checked(path, settings, content)
    # Pelican's settings statusgen sets (compared, not read: a file that says the same is left as it is)
    overrides = {key: value for key, value in PIPELINE_OFF.items() if settings.get(key) != value}
    theme = values.theme
    if theme in (None, DEFAULT_THEME):
        packaged = packaged_folder(THEME_PACKAGE)
        if packaged is None:
            raise ContentError([Problem(str(path), 1, "theme not found (expected THEME set to a theme folder, or "
                                                      "statusgen installed with its theme; got neither)")])
        overrides["THEME"] = str(packaged)
    elif not Path(theme, "templates").is_dir():
        raise ContentError([config.Lines(path).problem("THEME", f"THEME: theme not found (expected a folder with "
                                                               f"templates/ in it, got {theme!r})")])
    plugins = [p if isinstance(p, str) else getattr(p, "__name__", "") for p in values.plugins]
    if PLUGIN not in plugins:
        overrides["PLUGINS"] = plugins + [PLUGIN]
    on_paths = any(Path(folder, PLUGIN).is_dir() for folder in values.plugin_paths)
    if not on_paths and packaged_folder(PLUGIN) is None:
        raise ContentError([config.Lines(path).problem("PLUGIN_PATHS", f"plugin not found (expected {PLUGIN} in "
                                                       f"PLUGIN_PATHS or installed with statusgen, got neither)")])
    return overrides
