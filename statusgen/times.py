"""Strict ISO 8601 times as authors write them, and the time zone they are read in."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TIME_FORMAT = "YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM]"
DATE_FORMAT = "YYYY-MM-DD"

_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,  # \d would otherwise accept digits of any script
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Times a status page can mean, and that every zone conversion, duration and calendar can represent: Python's
# datetime ends at year 9999, so 9999-12-31 23:00 in Chicago cannot even be turned into UTC.
FIRST_YEAR, LAST_YEAR = 1970, 2999
_RANGE = f"from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"


def zone(name: str) -> tzinfo:
    """The named IANA zone (or UTC); ValueError with a clear message when unknown."""
    if name in ("UTC", "Z", "Etc/UTC"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones such as "America"
        raise ValueError(f"unknown time zone (expected an IANA name like Europe/Berlin, got {name!r})") from None


def parse_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD; ValueError otherwise."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"not a date (expected {DATE_FORMAT}, got {text!r})")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a real date (expected {DATE_FORMAT}, got {text!r})") from None
    _check_year(day, "date", text)
    return day


def _check_year(day: date, what: str, text: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"out of range (expected a {what} {_RANGE}, got {text!r})")


def parse_time(text: str, tz: tzinfo) -> datetime:
    """An aware datetime from `YYYY-MM-DD HH:MM[:SS][offset]` (or with T); no offset means `tz`."""
    match = _TIME.fullmatch(text)
    if not match:
        if _DATE.fullmatch(text):
            raise ValueError(f"a date alone where a time is needed (expected {TIME_FORMAT}, got {text!r})")
        raise ValueError(f"not an ISO 8601 time (expected {TIME_FORMAT}, got {text!r})")
    offset = match["offset"]
    try:
        if match["fraction"] is None and match["h"] < "24":  # as nearly always: Python reads what the pattern took
            naive = datetime.fromisoformat(text[: match.start("offset")] if offset else text)
        else:
            day = date.fromisoformat(match["date"])
            micro = int((match["fraction"] or "0").ljust(6, "0")[:6])  # ISO 8601 fractions of a second
            naive = datetime(day.year, day.month, day.day, int(match["h"]), int(match["m"]), int(match["s"] or 0),
                             micro)
    except ValueError:
        raise ValueError(f"not a real date and time (expected {TIME_FORMAT}, got {text!r})") from None
    _check_year(naive, "time", text)
    if offset is None:
        moment = naive.replace(tzinfo=tz)
        # A local time skipped when clocks go forward does not exist; guessing one would misplace it by an hour.
        # In such a gap the offset before the change (fold 0) is less than the one after (fold 1), as PEP 495 has
        # it; anywhere else it is the same, or (in the hour repeated when clocks go back) more.
        if moment.utcoffset() < moment.replace(fold=1).utcoffset():
            raise ValueError(f"not a time that exists in {tz} (expected a time outside the hour skipped when clocks "
                             f"go forward, got {text!r})")
        return moment
    if offset == "Z":
        return naive.replace(tzinfo=timezone.utc)
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a valid UTC offset (expected {TIME_FORMAT} with an offset up to +23:59, got {text!r})")
    delta = timedelta(hours=hours, minutes=minutes)
    return naive.replace(tzinfo=timezone(-delta if offset[0] == "-" else delta))


# --- times as people type them on the command line ------------------------------------------------------------

RELATIVE_FORMAT = "now, +30m, +2h, +1h30m, +1d, 18:00, tomorrow 06:00"
_AMOUNT = re.compile(r"(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)", re.IGNORECASE | re.ASCII)
_OFFSET = re.compile(r"(?:\+|in\s+)\s*((?:\d+\s*[a-z]+\s*)+)", re.IGNORECASE | re.ASCII)
_CLOCK = re.compile(r"(?:(today|tomorrow)\s+)?(\d{1,2}):(\d{2})", re.IGNORECASE | re.ASCII)
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}


def given_time(text: str, now: datetime, tz: tzinfo) -> datetime:
    """A time typed on the command line, in zone `tz`: ISO 8601 as in the files, or relative to `now` (one
    reading of the clock per command, passed in): `now`, `+30m`, `+1h30m`, `in 2h`, `+1d`, `18:00` (the next such
    time on the wall clock), `today 23:00`, `tomorrow 06:00`. ValueError saying what is accepted otherwise."""
    text = " ".join(text.split())
    if text.lower() == "now":
        return now.astimezone(tz)
    offset = _OFFSET.fullmatch(text)
    if offset and _amounts(offset[1]) is not None:
        # elapsed time: across a change of clocks, +2h is two hours later, whatever the wall clock says
        return (now + _amounts(offset[1])).astimezone(tz)
    clock = _CLOCK.fullmatch(text)
    if clock:
        return _wall_clock(clock, now, tz, text)
    try:
        return parse_time(text, tz)
    except ValueError as err:
        if "not an ISO 8601 time" not in str(err):
            raise
        raise ValueError(f"not a time (expected {TIME_FORMAT} or a relative time ({RELATIVE_FORMAT}), "
                         f"got {text!r})") from None


def _amounts(text: str) -> timedelta | None:
    """`1h30m` as a duration; None when it is not only amounts with units."""
    found = list(_AMOUNT.finditer(text))
    if not found or "".join(m[0] for m in found).replace(" ", "") != text.replace(" ", ""):
        return None
    return sum((timedelta(**{_UNIT[m[2][0].lower()]: int(m[1])}) for m in found), timedelta())


def _wall_clock(clock: re.Match, now: datetime, tz: tzinfo, text: str) -> datetime:
    """`18:00`: the next 18:00 in `tz` after `now` (today's if it is still to come); `today`/`tomorrow 18:00`: that
    day's."""
    hour, minute = int(clock[2]), int(clock[3])
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day (expected HH:MM from 00:00 to 23:59, got {text!r})")
    today = now.astimezone(tz).date()
    day = today + timedelta(days=(clock[1] or "").lower() == "tomorrow")
    moment = parse_time(f"{day.isoformat()} {hour:02d}:{minute:02d}", tz)
    if clock[1] is None and moment <= now:
        moment = parse_time(f"{(today + timedelta(days=1)).isoformat()} {hour:02d}:{minute:02d}", tz)
    return moment


def humanize_duration(delta: timedelta) -> str:
    """A duration in the largest useful units: '3 h 25 min', '2 d 4 h', '12 min'."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"
