"""Writing a file whole, the one way statusgen replaces a file: a new file written beside it and renamed over it,
so a reader (another build, an editor, a crash) sees the old file or the new one, never part of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes, prefix: str = ".tmp-", keep_mode: bool = False) -> None:
    """Write `data` to `path` whole. The scratch file's name starts with `prefix` (a dot: loaders and the cache's
    own-name check skip it); `keep_mode`: the file replaced keeps its permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if keep_mode and path.exists():
            os.chmod(scratch, path.stat().st_mode & 0o7777)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
