"""Recurring meetings (type 8): checking ``recurrence`` and expanding it into occurrences.

Occurrences are computed on the meeting's wall clock in its time zone, so a 09:00 weekly
meeting stays at 09:00 local time across daylight-saving changes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import islice
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil import rrule

from ._timefmt import format_utc, parse_start_time

MAX_OCCURRENCES = 60
MAX_INTERVAL = {1: 99, 2: 50, 3: 10}  # days, weeks, months
_FREQUENCY: dict[int, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    1: rrule.DAILY,
    2: rrule.WEEKLY,
    3: rrule.MONTHLY,
}
# Zoom numbers week days 1 (Sunday) to 7 (Saturday).
_WEEKDAYS = {
    1: rrule.SU,
    2: rrule.MO,
    3: rrule.TU,
    4: rrule.WE,
    5: rrule.TH,
    6: rrule.FR,
    7: rrule.SA,
}

Errors = list[tuple[str, str]]


def _int(raw: dict[str, Any], key: str, low: int, high: int, errors: Errors) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if type(value) is not int or not low <= value <= high:
        errors.append((f"recurrence.{key}", f"Must be an integer from {low} to {high}."))
        return None
    return value


def check_recurrence(raw: object, errors: Errors) -> dict[str, Any] | None:
    """The normalised ``recurrence`` object, or None (with `errors` filled) when invalid."""
    if not isinstance(raw, dict):
        errors.append(("recurrence", "Invalid field."))
        return None
    before = len(errors)
    kind = raw.get("type")
    if type(kind) is not int or kind not in _FREQUENCY:
        errors.append(("recurrence.type", "Must be 1 (daily), 2 (weekly) or 3 (monthly)."))
        return None
    out: dict[str, Any] = {"type": kind}
    out["repeat_interval"] = _int(raw, "repeat_interval", 1, MAX_INTERVAL[kind], errors) or 1
    if kind == 2:
        days = raw.get("weekly_days")
        parts = days.split(",") if isinstance(days, str) else []
        if not parts or not all(p.strip() in {"1", "2", "3", "4", "5", "6", "7"} for p in parts):
            errors.append(("recurrence.weekly_days", "Comma-separated days from 1 (Sunday) to 7."))
        else:
            out["weekly_days"] = ",".join(sorted({p.strip() for p in parts}))
    if kind == 3:
        day = _int(raw, "monthly_day", 1, 31, errors)
        week = raw.get("monthly_week")
        week_day = _int(raw, "monthly_week_day", 1, 7, errors)
        if week is not None and (type(week) is not int or week not in (-1, 1, 2, 3, 4)):
            errors.append(("recurrence.monthly_week", "Must be -1, 1, 2, 3 or 4."))
        elif (day is None) == (week is None or week_day is None):
            errors.append(
                (
                    "recurrence.monthly_day",
                    "Give monthly_day, or monthly_week and monthly_week_day.",
                )
            )
        elif day is not None:
            out["monthly_day"] = day
        else:
            out["monthly_week"] = week
            out["monthly_week_day"] = week_day
    end_times = _int(raw, "end_times", 1, MAX_OCCURRENCES, errors)
    end_date_time = raw.get("end_date_time")
    if end_times is not None and end_date_time is not None:
        errors.append(("recurrence.end_times", "end_times cannot be used with end_date_time."))
    elif end_date_time is not None:
        end = (
            parse_start_time(end_date_time, ZoneInfo("UTC"))
            if isinstance(end_date_time, str) and end_date_time.endswith("Z")
            else None
        )
        if end is None:
            errors.append(("recurrence.end_date_time", "Use the yyyy-MM-ddTHH:mm:ssZ format."))
        else:
            out["end_date_time"] = format_utc(end)
    else:
        out["end_times"] = end_times or 1
    return out if len(errors) == before else None


def expand(recurrence: dict[str, Any], start: datetime, zone: ZoneInfo) -> list[datetime]:
    """The occurrences' start times (aware, UTC), at most `MAX_OCCURRENCES`."""
    first = start.astimezone(zone).replace(tzinfo=None)
    kind = recurrence["type"]
    options: dict[str, Any] = {
        "dtstart": first,
        "interval": recurrence["repeat_interval"],
        "wkst": rrule.SU,
    }
    if kind == 2:
        options["byweekday"] = [_WEEKDAYS[int(d)] for d in recurrence["weekly_days"].split(",")]
    elif kind == 3 and "monthly_day" in recurrence:
        options["bymonthday"] = recurrence["monthly_day"]
    elif kind == 3:
        weekday = _WEEKDAYS[recurrence["monthly_week_day"]]
        options["byweekday"] = weekday(recurrence["monthly_week"])
    if "end_date_time" in recurrence:
        end = datetime.strptime(recurrence["end_date_time"], "%Y-%m-%dT%H:%M:%SZ")
        until = end.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)
        options["until"] = until
    else:
        options["count"] = recurrence["end_times"]
    rule = rrule.rrule(_FREQUENCY[kind], **options)
    local_starts = islice(iter(rule), MAX_OCCURRENCES)
    return [naive.replace(tzinfo=zone).astimezone(timezone.utc) for naive in local_starts]
