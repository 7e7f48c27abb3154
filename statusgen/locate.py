"""Where the site is: found from any folder inside it, as git finds its repository, so that every command works
from `content/incidents/` as well as from the site's own folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Refusal
from .load import CATALOG_FILE
from .settings import DEFAULT_FILE as SETTINGS_FILE


@dataclass(frozen=True)
class SiteFolder:
    """A site: its folder (settings, cache and output go there) and its content folder."""

    root: Path
    content: Path


def find_site(start: Path) -> SiteFolder:
    """The site holding `start`: the nearest of it and the folders above it that holds content/ with the catalog
    or the settings beside it. `start` itself may be the content folder (holding the catalog), or a folder with
    content/ alone (its missing catalog is then reported by check). Refusal when there is none: nothing is
    written into a folder that is not a site's."""
    real = start.resolve()
    for up, folder in enumerate((real, *real.parents)):
        content = folder / "content"
        if content.is_dir() and ((content / CATALOG_FILE).exists() or (folder / SETTINGS_FILE).exists() or not up):
            return _as_given(start, up, folder, "content")
        if (folder / CATALOG_FILE).is_file():  # a content folder (named content or not)
            return _as_given(start, up + 1, folder.parent, folder.name)
    raise Refusal(f"no site in {real} or any folder above it (expected a folder holding content/{CATALOG_FILE}, "
                  f"as `statusgen init` makes; or say where with -C DIR)")


def _as_given(start: Path, up: int, real: Path, content: str) -> SiteFolder:
    """The site `up` folders above `start` (`real` once links are resolved), written as `start` was: relative
    stays relative, so messages show paths from where the command runs, as git does, and name no file by where a
    link leads. Where a link in `start` makes `..` lead elsewhere, the real folder."""
    root = Path(os.path.normpath(start / Path(*[".."] * up))) if up else start
    if root.resolve() != real:
        root = real
    return SiteFolder(root, root / content)
