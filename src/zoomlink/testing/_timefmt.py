"""Zoom's time formats: UTC ``...Z`` strings, epoch milliseconds, local wall clock."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_START_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z?)", re.ASCII
)


def format_utc(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_utc_ms(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    utc = when.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_ms(when: datetime) -> int:
    """Milliseconds since the Unix epoch."""
    return int(when.timestamp() * 1000)


def next_utc_midnight(when: datetime) -> datetime:
    """The next 00:00 UTC after `when`."""
    today: date = when.astimezone(timezone.utc).date()
    return datetime(today.year, today.month, today.day, tzinfo=timezone.utc) + timedelta(days=1)


def load_zone(name: str) -> ZoneInfo | None:
    """The IANA zone `name`, or None when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_start_time(value: str, zone: ZoneInfo) -> datetime | None:
    """A Zoom ``start_time`` as an aware UTC datetime, or None when malformed.

    ``...Z`` is UTC; without ``Z`` the wall clock is local to `zone`. Fractional seconds are
    dropped; numeric offsets such as ``+02:00`` are refused (Zoom documents only these two forms).
    """
    match = _START_TIME.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    local = naive.replace(tzinfo=timezone.utc if match.group(7) else zone)
    return local.astimezone(timezone.utc)
