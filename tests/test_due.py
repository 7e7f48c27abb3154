"""`statusgen due`: a scheduled job asks whether anything falls due since the last build, and skips it if not."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from statusgen.cli import main

MAINTENANCE = """\
---
title: Phone switch upgrade
kind: maintenance
components: {phone: under_maintenance}
window: {start: 2026-12-03 02:00Z, end: 2026-12-03 04:00Z}
updates:
  - at: 2026-11-20 10:00Z
    state: scheduled
    body: Calls may drop for a minute.
---
"""
INCIDENT = """\
---
title: Calls fail
components: {phone: major_outage}
updates:
  - at: 2026-11-20 09:00Z
    state: investigating
    next_update: 2026-11-20 09:30Z
    body: Looking into it.
  - at: 2026-11-20 09:50Z
    state: resolved
    body: Fixed.
---
"""


def due(site, since: str, now: str):
    result = CliRunner().invoke(main, ["due", str(site.root), "--since", since, "--now", now])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def busy(site):
    site.incident("2026-11-20-switch.md", MAINTENANCE)
    site.incident("2026-11-20-calls.md", INCIDENT)
    return site


@pytest.mark.parametrize("since, now, said", [
    ("2026-12-03 01:50Z", "2026-12-03 02:05Z", ["2026-12-03T02:00:00+00:00: 2026-11-20-switch: the maintenance window starts"]),
    ("2026-12-03 03:55Z", "2026-12-03 04:00Z", ["2026-12-03T04:00:00+00:00: 2026-11-20-switch: the maintenance window ends"]),
    ("2026-11-20 09:20Z", "2026-11-20 09:35Z", ["2026-11-20T09:30:00+00:00: 2026-11-20-calls: the update promised by "
                                                "update 1 falls due"]),
    ("2026-11-20 09:45Z", "2026-11-20 09:55Z", ["2026-11-20T09:50:00+00:00: 2026-11-20-calls: update 2 is dated then"]),
    ("2026-12-04 09:45Z", "2026-12-04 10:00Z", ["2026-12-04T09:50:00+00:00: 2026-11-20-calls: leaves the recently "
                                                "resolved list"]),
    ("2026-11-25 23:50Z", "2026-11-26 00:05Z", ["2026-11-26T00:00:00+00:00: a new day: the 90-day bars and uptime "
                                                "figures move on"]),
])
def test_what_falls_due_is_said_and_exits_0(busy, since, now, said):
    assert due(busy, since, now) == (0, said)


def test_nothing_due_exits_3(busy):
    assert due(busy, "2026-11-25 10:00Z", "2026-11-25 10:15Z") == (3, [
        "nothing falls due between 2026-11-25T10:00:00+00:00 and 2026-11-25T10:15:00+00:00"])


def test_a_bad_time_is_one_line(busy):
    assert due(busy, "yesterday", "2026-11-25 10:15Z") == (1, [
        "statusgen: --since: not a time (expected YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM] or a relative time (now, +30m, "
        "+2h, +1h30m, +1d, 18:00, tomorrow 06:00), got 'yesterday')"])
