"""Calendar days and months in the site's time zone: where a day starts, and which month comes before or after.

Uptime, the pages and the API all count days and months; they ask here, so they cannot disagree on a boundary.
Month arithmetic is one divmod on (year, month) pairs: dateutil's relativedelta works on dates, and a month
here is never a date.
"""
from __future__ import annotations

from datetime import date, datetime, time, tzinfo


def midnight(day: date, tz: tzinfo) -> datetime:
    """When `day` begins in `tz`: its local midnight (a day can last 23 or 25 hours)."""
    return datetime.combine(day, time(), tzinfo=tz)


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """(year, month) `count` months after the given one; before it when `count` is negative."""
    years, index = divmod(year * 12 + month - 1 + count, 12)
    return years, index + 1
