"""Forked processes, written once: a child that dies with its parent, sends its result back on a pipe and leaves
without running the parent's clean-up (Child, exit_after); and a pool of such children sharing a queue of jobs
(run_in_processes).

Fork, not multiprocessing: a child inherits the loaded site and the compiled templates, so nothing is pickled on
the way in. Where the system cannot fork, or another thread runs (a fork would copy its half-held locks), the
callers do the work in this process instead.
"""
from __future__ import annotations

import ctypes
import gc
import json
import os
import select
import signal
import sys
import threading
import traceback
from functools import partial
from typing import Callable, NoReturn

from . import timing


def can_fork() -> bool:
    """Whether a fork is safe here: the system has one, and no other thread runs in this process."""
    return hasattr(os, "fork") and threading.active_count() == 1


def die_with_parent(parent: int | None = None) -> None:
    """Linux: a process that calls this is killed when its parent dies (PR_SET_PDEATHSIG), so a build killed
    outright (SIGKILL) does not leave Pelican writing into a folder nobody will use. `parent`: the pid it expects
    as parent; if that one already died before the call, the caller ends at once."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def exit_after(work: Callable[[], object]) -> NoReturn:
    """In a forked process: run `work()` and leave, never returning into the caller's code (nor running its
    `finally` blocks or atexit hooks). The exit code is 0 when it returns, SystemExit's code, or 1 after printing
    any other exception's traceback; what it printed is flushed first."""
    code = 1
    try:
        work()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - said on stderr, which the build shows when it fails
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Child:
    """`work()` run in a forked copy of this process that dies with it; what `work` returns (bytes) comes back on
    a pipe: result()."""

    def __init__(self, work: Callable[[], bytes]):
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        self._said, saying = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._said)

            def run() -> None:
                die_with_parent(parent)
                data = work()
                with os.fdopen(saying, "wb") as pipe:
                    pipe.write(data)
            exit_after(run)
        os.close(saying)

    def result(self) -> bytes | None:
        """Wait for it to end: the bytes it sent, or None if it failed."""
        with os.fdopen(self._said, "rb") as pipe:
            sent = pipe.read()
        return sent if os.waitpid(self.pid, 0)[1] == 0 else None

    def kill(self) -> None:
        """Stop it (by its pid) and wait for it: nothing it does outlives the caller's failure."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.result()


def batches(jobs: list, size: int = 32) -> list:
    """Many small jobs as fewer larger ones, each running `size` of them in turn (more for very many: the queue of
    run_in_processes holds a few thousand)."""
    size = max(size, -(-len(jobs) // 4000))
    return [partial(run_all, jobs[n:n + size]) for n in range(0, len(jobs), size)]


def run_all(jobs) -> None:
    for job in jobs:
        job()


def run_in_processes(jobs: list, workers: int, phases: timing.Phases, files: int | None = None) -> None:
    """Run independent jobs (each writes its own files) on `workers` cores: forked children and this process take
    the next job from a shared queue as each finishes one, and each child sends back the time it spent in each
    phase. The queue is a pipe holding the jobs' numbers (each read of 4 bytes takes one, whole). Every job writes
    the same bytes wherever it runs, so the output does not depend on the split."""
    # Small sites: forking costs more than it saves. `files`: how many files the jobs write (a job may write many).
    workers = max(1, min(workers, (files or len(jobs)) // 200 + 1))
    if workers == 1 or not can_fork() or len(jobs) * 4 > select.PIPE_BUF * 8:
        run_all(jobs)
        return
    queue, filling = os.pipe()
    os.write(filling, b"".join(n.to_bytes(4, "little") for n in range(len(jobs))))  # fits the pipe: see above
    os.close(filling)

    def work() -> None:
        while len(taken := os.read(queue, 4)) == 4:
            jobs[int.from_bytes(taken, "little")]()

    def child() -> bytes:
        phases.restart()  # its own share only
        work()
        return json.dumps(phases.seconds).encode("ascii")

    # What is loaded stays shared: the cycle collector would touch every object and copy its page. Never unfrozen: a
    # build's process ends with the build, and unfrozen, the whole site would be walked by the next full collection,
    # which came at once (0.49 s at the end of a 30,000 build, on one core, collecting nothing).
    gc.freeze()
    children = [Child(child) for _ in range(1, workers)]
    try:
        work()
    finally:
        os.close(queue)
    sent = [child.result() for child in children]
    for seconds in sent:
        if seconds:
            phases.add(json.loads(seconds))
    if None in sent:
        raise RuntimeError(f"{sent.count(None)} page-writing process(es) failed; see the errors above")
