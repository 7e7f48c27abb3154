"""Problems in what authors wrote: one exception family, collected so every problem is reported in one run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, at the line of the offending value."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised by library code when content is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """A collector: validators add to it, the caller raises once at the end."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str | Path, line: int, message: str) -> None:
        self.items.append(Problem(str(path), line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)
