"""Deleting a folder statusgen made, without ever reaching past it: a delete stays on the folder's own file system.

A folder holding a mount point (another file system, or a bind mount of a folder elsewhere) is refused by the output
guard before anything is moved (statusgen.publish); these deletes are the second line: they never descend into an
entry whose device differs from the folder's (st_dev, compared for every entry) or that is a mount point, never
follow a link, and leave whatever they did not delete where it was.

Run as `python -m statusgen.remove FOLDER...` to delete off a build's path (publish.delete_later).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

MOUNTINFO = "/proc/self/mountinfo"


def _unescape(field: str) -> str:
    """A mount point as mountinfo writes it (space, tab, newline and backslash as octal escapes)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_points() -> set[str]:
    """Every mount point this process sees (Linux; empty elsewhere, where devices alone tell file systems apart).

    Devices alone miss a bind mount of a folder of the same file system: mountinfo lists it."""
    try:
        with open(MOUNTINFO, encoding="utf-8", errors="surrogateescape") as f:
            return {_unescape(line.split(" ")[4]) for line in f if line.count(" ") >= 4}
    except OSError:
        return set()


def mount_point_under(folder: Path, mounts: set[str] | None = None) -> str | None:
    """A mount point inside `folder` (resolved), or None. Reading mountinfo costs the same for any size of tree."""
    inside = f"{str(folder).rstrip(os.sep)}{os.sep}"
    found = sorted(m for m in (mount_points() if mounts is None else mounts) if m.startswith(inside))
    return found[0] if found else None


def remove_tree(folder: Path | str) -> bool:
    """Delete `folder` and everything in it that is on its file system and not a mount point; True when all of it
    went. Links are removed, never followed; what cannot be removed is left as it is."""
    root = str(folder)
    try:
        top = os.lstat(root)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not stat.S_ISDIR(top.st_mode):
        return _unlink(root)
    root, mounts = os.path.realpath(root), mount_points()  # mountinfo names folders by their real paths
    if os.path.ismount(root) or root in mounts:
        return False
    return _remove_folder(root, top.st_dev, mounts)


def _unlink(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def _remove_folder(path: str, device: int, mounts: set[str]) -> bool:
    whole = True
    try:
        entries = list(os.scandir(path))
    except OSError:
        return False
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        except OSError:
            whole = False
            continue
        if st.st_dev != device or entry.path in mounts:
            whole = False  # another file system, or a bind mount: not ours to empty
        elif stat.S_ISDIR(st.st_mode):
            whole = _remove_folder(entry.path, device, mounts) and whole
        else:
            whole = _unlink(entry.path) and whole
    if not whole:
        return False
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


if __name__ == "__main__":
    for name in sys.argv[1:]:
        remove_tree(Path(os.path.abspath(name)))
