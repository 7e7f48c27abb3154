"""bench/notify_bench.py at a small size: many runs over a generated site, one receiver failing a third of the time,
two runs at once every few steps, some runs killed before recording; every update reaches every channel, once
unless marked as possibly repeated."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # many notify runs over git and loopback receivers: left to `make test`


def test_many_runs_with_a_failing_receiver_send_each_update_once_per_channel():
    path = Path(__file__).resolve().parent.parent / "bench" / "notify_bench.py"
    spec = importlib.util.spec_from_file_location("notify_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.main(["--incidents", "8", "--days", "1", "--every", "180", "--fail", "0.4", "--kill", "0.3",
                          "--quiet"])
    assert figures["failed sends (retried)"] > 0  # the failing receiver did fail
    assert figures["runs killed before recording"] > 0 and figures["uncertain"] > 0
    for channel in ("mail", "steady", "flaky"):
        assert (figures[f"{channel}: duplicates"], figures[f"{channel}: missed"]) == (0, 0), figures
        assert figures[f"{channel}: received"] >= figures["updates"], figures
