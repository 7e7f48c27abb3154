"""Where a build spends its time, by phase, in CPU seconds summed over its processes (`statusgen build --timings`,
`make bench`). Measuring costs a clock read per phase entered; nothing here changes what is built."""
from __future__ import annotations

import json
import resource
import time
from contextlib import contextmanager
from pathlib import Path

# The phases, in the order a build meets them.
PHASES = ("load", "derive", "render", "markdown", "write", "reuse", "feeds", "calendars", "api", "other")


class Phases:
    """CPU seconds per phase of this process. A phase entered inside another is taken out of the outer one.

    `with phases("render"):` enters a phase. A build enters one a hundred thousand times (each page, each Markdown
    text), so entering costs a clock read and a few operations, no more."""

    def __init__(self):
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self._stack: list[str] = []
        self._since = time.process_time()
        self._entries: dict[str, _Entry] = {}

    def __call__(self, phase: str) -> "_Entry":
        entry = self._entries.get(phase)
        if entry is None:
            entry = self._entries[phase] = _Entry(self, phase)
        return entry

    def enter(self, phase: str) -> None:
        now = time.process_time()
        if self._stack:
            self.seconds[self._stack[-1]] += now - self._since
        self._since = now
        self._stack.append(phase)

    def leave(self) -> None:
        now = time.process_time()
        self.seconds[self._stack.pop()] += now - self._since
        self._since = now

    def timed(self, phase: str, function):
        """`function`, its calls counted in `phase`."""
        enter, leave = self.enter, self.leave

        def run(*args, **kwargs):
            enter(phase)
            try:
                return function(*args, **kwargs)
            finally:
                leave()
        return run

    @contextmanager
    def children(self, phase: str):
        """Count in `phase` the CPU seconds of the processes forked and waited for meanwhile that send no phases of
        their own (the helper that reads half of a cold build's files): every process's work counts."""
        before = _children_seconds()
        try:
            yield
        finally:
            self.seconds[phase] += _children_seconds() - before

    def restart(self) -> None:
        """In a forked process: its own share only, counted from now (its CPU clock starts at zero), in the phases
        it was forked in."""
        self.seconds = dict.fromkeys(self.seconds, 0.0)
        self._since = time.process_time()

    def add(self, other: dict[str, float]) -> None:
        for phase, seconds in other.items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds

    def save(self, path: str | Path, wall: float) -> None:
        Path(path).write_text(json.dumps({"wall": wall, "cpu": self.seconds}), encoding="utf-8")


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Entry:
    """A phase as a context manager (the same object each time: it holds no state of its own)."""

    __slots__ = ("phases", "phase")

    def __init__(self, phases: Phases, phase: str):
        self.phases, self.phase = phases, phase

    def __enter__(self) -> None:
        self.phases.enter(self.phase)

    def __exit__(self, *exc) -> None:
        self.phases.leave()


def load(path: Path) -> tuple[float, dict[str, float]] | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data["wall"], data["cpu"]


def line(wall: float, cpu: dict[str, float]) -> str:
    """One line for the terminal: each phase's CPU seconds, then the total."""
    parts = [f"{phase} {cpu[phase]:.2f}" for phase in PHASES if cpu.get(phase)]
    return f"timings (CPU s, all processes): {', '.join(parts)}; total {sum(cpu.values()):.2f}; " \
           f"generator wall {wall:.2f} s"
