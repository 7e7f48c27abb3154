"""The one way any command reads a site's settings: Pelican's own reader, on the file given with `-s`.

`check` and `build` read the same values the build's Pelican will, so settings that compute `TIMEZONE` or import
another file (publishconf.py imports pelicanconf.py) mean the same thing to both. This module is the edge where
statusgen meets Pelican's settings; the rest of the library gets plain values.
"""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem

DEFAULT_FILE = "pelicanconf.py"


def _failure(path: Path, err: BaseException) -> Problem:
    """A settings file that failed to load, as one problem at the line that failed."""
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


def read(path: Path, required: bool = True, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings in `path` as Pelican reads them (defaults filled in, relative paths made absolute).

    Raises ContentError with one problem when the file is missing (where `required`) or fails to load. Without
    the file and not `required` (checking content alone), Pelican's defaults: times without an offset in UTC.
    """
    path = path.resolve()
    if not path.is_file():
        if required:
            raise ContentError([Problem(str(path), 1, "no settings file (expected a Pelican settings file such as "
                                                      f"{DEFAULT_FILE}; give another with -s)")])
        return {"TIMEZONE": "UTC", **(overrides or {})}
    from pelican.settings import read_settings  # only here: the library knows nothing of Pelican

    quiet = logging.getLogger("pelican.settings")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its notes on defaults are not the author's problem
    sys.path.insert(0, str(path.parent))  # a settings file may import its neighbours, as under Pelican
    modules = set(sys.modules)
    try:
        return read_settings(str(path), override=dict(overrides or {}))
    except Exception as err:  # noqa: BLE001 - whatever the file raises is the author's to fix, in one line
        raise ContentError([_failure(path, err)]) from None
    finally:
        sys.path.remove(str(path.parent))
        for name in set(sys.modules) - modules:  # read afresh next time: the files may have changed
            del sys.modules[name]
        quiet.setLevel(level)


def timezone_name(settings: dict[str, Any]) -> str:
    """The zone of times written without an offset."""
    return settings.get("TIMEZONE") or "UTC"
