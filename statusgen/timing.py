"""Where a build spends its time, by phase, in CPU seconds summed over its processes (`statusgen build --timings`,
`make bench`). Measuring costs a clock read per phase entered; nothing here changes what is built."""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path

# The phases, in the order a build meets them.
PHASES = ("load", "derive", "render", "markdown", "write", "reuse", "feeds", "calendars", "api", "other")


class Phases:
    """CPU seconds per phase of this process. A phase entered inside another is taken out of the outer one."""

    def __init__(self):
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self._stack: list[str] = []
        self._since = time.process_time()

    def _switch(self, to: str | None) -> None:
        now = time.process_time()
        if self._stack:
            self.seconds[self._stack[-1]] += now - self._since
        self._since = now

    @contextmanager
    def __call__(self, phase: str):
        self._switch(phase)
        self._stack.append(phase)
        try:
            yield
        finally:
            self._switch(None)
            self._stack.pop()

    def timed(self, phase: str, function):
        """`function`, its calls counted in `phase`."""
        def run(*args, **kwargs):
            with self(phase):
                return function(*args, **kwargs)
        return run

    def add(self, other: dict[str, float]) -> None:
        for phase, seconds in other.items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds

    def save(self, path: str | Path, wall: float) -> None:
        Path(path).write_text(json.dumps({"wall": wall, "cpu": self.seconds}), encoding="utf-8")


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
