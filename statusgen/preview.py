"""`statusgen serve`: a live preview of the site while it is being written."""
from __future__ import annotations

from pathlib import Path
from typing import Callable


def serve(site: Path, content: Path, settings: Path, *, bind: str = "127.0.0.1", port: int = 8000,
          timezone: str | None = None, say: Callable[[str], None] = print) -> None:
    """Build, serve on bind:port, watch and rebuild until interrupted."""
    raise NotImplementedError("being written")
