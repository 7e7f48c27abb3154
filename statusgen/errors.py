"""Problems in what authors wrote: one exception family, collected so every problem is reported in one run."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Characters that would break a problem's one line or hide what it says: control characters, line and paragraph
# separators, and invisible formatting (bidirectional overrides, zero-width spaces).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                          "\ufff9-\ufffb\ufffe\uffff]")
MAX_PER_FILE = 200  # beyond this a file's problems are counted, not listed: a garbage file must not flood CI logs


def printable(text: str) -> str:
    """`text` on one line with nothing hidden: such characters as escapes (`\\n`, `\\x00`, `\\u202e`)."""
    def escape(match: re.Match) -> str:
        char = match[0]
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, at the line of the offending value."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {self.message}"


class Refusal(Exception):
    """Something a command refuses that is not in a content file (a folder, an option): one line per mistake."""


class ContentError(Exception):
    """Raised by library code when content is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """A collector: validators add to it, the caller raises once at the end.

    Each message is made one printable line; a line number is kept inside its file when the file's length is
    known (`lines`), so no problem points past the end of a file.
    """

    items: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # path -> number of lines
    _count: dict[str, int] = field(default_factory=dict)  # path -> problems found, listed or not

    def add(self, path: str | Path, line: int, message: str) -> None:
        path = str(path)
        last = self.lines.get(path)
        line = max(1, min(line, last) if last else line)
        count = self._count[path] = self._count.get(path, 0) + 1
        if count <= MAX_PER_FILE:
            self.items.append(Problem(path, line, printable(message)))

    def file_lines(self, path: str | Path, text: str) -> None:
        """Say how long a file is, so its problems' lines stay inside it."""
        self.lines[str(path)] = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))

    def raise_if_any(self) -> None:
        for path, count in self._count.items():
            if count > MAX_PER_FILE:
                self.items.append(Problem(path, self.lines.get(path, 1), f"{count - MAX_PER_FILE} more problems "
                                  f"in this file not listed (expected at most {MAX_PER_FILE} listed, got {count})"))
                self._count[path] = MAX_PER_FILE
        if self.items:
            raise ContentError(self.items)
