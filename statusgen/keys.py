"""The keys of what the build cache keeps between builds: what each covers is every input its bytes depend on, so a
warm build writes what a cold one writes (docs/architecture.md, "What the cache relies on").

- The site key: statusgen's code and the libraries that render (cache.code_version), the theme and any template
  overrides, the plugin folders and every plugin the settings load (any may change how a page is made: a Jinja
  filter, a signal), the settings but those that differ from build to build without changing a page
  (PER_BUILD_SETTINGS), the catalog, and the assets' names (their hashes).
- A closed incident's key: the site key, its file's path and the hash of its text (status.is_final: its page no
  longer depends on the build time).
- A feed's or a calendar's key: the site key, where it goes and what it shows (each entry's incident by id and
  hash, and the update's number).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from .cache import code_version, digest, settings_digest, tree_digest

# Settings that differ from one build to the next without changing a closed incident's page.
PER_BUILD_SETTINGS = ("OUTPUT_PATH", "STATUSGEN_BUILD_TIME", "STATUSGEN_REPORT", "STATUSGEN_TIMINGS", "STATUSGEN_CACHE",
                      "STATUSGEN_JOBS", "STATUSGEN_CLOCK")


def site_key(settings: Mapping[str, Any], config, theme: Path, plugin: Path, catalog: bytes,
             asset_urls: Iterable[str]) -> str:
    """Everything a closed incident's page depends on besides its own file (see the module's docstring): every
    setting (`settings`, as Pelican read them; `config`, the same checked); `plugin`: the Pelican plugin's folder."""
    overrides = [tree_digest(Path(folder)) for folder in config.theme_templates_overrides]
    return digest(code_version(), tree_digest(theme), tree_digest(plugin, (".py",)), *overrides,
                  *plugins_digests(config), settings_digest(settings, PER_BUILD_SETTINGS), catalog,
                  *sorted(asset_urls))


def made_key(site: str, *parts: str) -> str:
    """The key of files whose bytes depend on `parts` (where they go, what they show) and the site key `site`
    alone. One hash of text no part can fake: the keys and file hashes are hex, and no path or id holds a NUL."""
    return hashlib.sha256("\0".join((site, *parts)).encode()).hexdigest()


def plugins_digests(config) -> list[str]:
    """Every file of each folder plugins are loaded from (PLUGIN_PATHS, and the site's plugins/), and the code
    of each plugin PLUGINS names wherever it is installed."""
    folders = [Path(folder) for folder in config.plugin_paths] + [Path("plugins")]
    found = {str(folder.resolve()): tree_digest(folder) for folder in folders if folder.is_dir()}
    for plugin in config.plugins:
        name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", repr(plugin))
        source = plugin_source(name)
        found[f"plugin {name}"] = (tree_digest(source) if source is not None and source.is_dir() else
                                   digest(source.read_bytes()) if source is not None else "not found")
    return [f"{where} {value}" for where, value in sorted(found.items())]


def plugin_source(name: str) -> Path | None:
    """The folder of plugin `name` (a package) or its file (a module), as Pelican would import it; None if none."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin and os.path.isfile(spec.origin) else None
