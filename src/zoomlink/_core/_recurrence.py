"""Recurring bookings as one recurring Zoom meeting (type 8).

An iCalendar RRULE is checked against what Zoom's ``recurrence`` object can say, turned into its
fields, and expanded as Zoom expands it: on the meeting's wall clock in its time zone, so a 09:00
weekly meeting stays at 09:00 across daylight-saving changes. A wall time that a change skips or
repeats is read as PEP 495 ``fold=0`` reads it: a skipped 02:30 is 03:30 new time, a repeated
02:30 is the first of the two.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from itertools import islice, zip_longest
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil import rrule

from zoomlink.errors import InvalidBookingError, InvalidInputError

MAX_OCCURRENCES = 60
# Zoom's `recurrence.type` and longest `repeat_interval` for each FREQ it can repeat.
ZOOM_TYPE = {"DAILY": 1, "WEEKLY": 2, "MONTHLY": 3}
MAX_INTERVAL = {"DAILY": 99, "WEEKLY": 50, "MONTHLY": 10}
_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}
# Week days in Python's weekday() order; Zoom numbers them 1 (Sunday) to 7 (Saturday).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIMES = {1: "once", 2: "twice"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY"}
_ANY_TIME = "every occurrence starts at the booking's time of day"
_OF_YEAR = "Zoom cannot limit occurrences to certain days, weeks or months of the year"
_REFUSED = {
    "BYSETPOS": "Zoom cannot pick positions from a set (for the last Friday write BYDAY=-1FR)",
    **dict.fromkeys(("BYHOUR", "BYMINUTE", "BYSECOND"), _ANY_TIME),
    **dict.fromkeys(("BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYEASTER"), _OF_YEAR),
}
_OWN_START = "the rule carries a DTSTART: the booking's start is the first occurrence, leave it out"
_MONTHLY_ONE_DAY = (
    "{} days: Zoom repeats a monthly meeting on one day of the month (BYMONTHDAY=15) or "
    "one week day of the month (BYDAY=2TU)"
)
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", re.ASCII)
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?", re.ASCII)
_NUMBER = re.compile(r"[+-]?\d+", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ORDER = ("FREQ", "INTERVAL", "WKST", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL")


@attrs.frozen
class ZoomRecurrence:
    """A booking's RRULE as Zoom will repeat it.

    Attributes:
        rule: The RRULE, upper-case and without ``RRULE:``, its parts in a fixed order.
        fields: Zoom's ``recurrence`` object as pairs (see :meth:`zoom_fields`).
        starts: Every occurrence's start, aware and in UTC, in order; the first is the booking's.
    """

    rule: str
    fields: tuple[tuple[str, int | str], ...]
    starts: tuple[datetime, ...]

    def zoom_fields(self) -> dict[str, int | str]:
        """Zoom's ``recurrence`` object, as a fresh dict."""
        return dict(self.fields)


def _refuse(message: str, field: str = "recurrence") -> InvalidBookingError:
    return InvalidBookingError(f"{field}: {message}", field=field)


def plan_recurrence(rule: str, start: datetime, time_zone: str) -> ZoomRecurrence:
    """The Zoom recurrence for ``rule`` starting at ``start`` in ``time_zone``; anything Zoom
    cannot repeat exactly is refused with :class:`InvalidBookingError` naming the field."""
    zone = _zone(time_zone)
    if start.tzinfo is None or start.utcoffset() is None:
        raise _refuse(f"must be timezone-aware, got naive {start.isoformat()}", "start")
    if start.microsecond:  # Zoom keeps whole seconds; dateutil drops the rest
        raise _refuse(f"Zoom keeps start times to the second, got {start.isoformat()}", "start")
    parts = _parts(rule)
    if start.astimezone(zone).fold:  # Zoom reads a repeated wall time as its first pass
        raise _refuse(
            f"{_wall(start, time_zone)} is the second pass of a wall time repeated when clocks "
            "go back, and Zoom would start at the first; move the start out of that hour",
            "start",
        )
    local = start.astimezone(zone).replace(tzinfo=None)
    freq = parts["FREQ"]
    if freq not in ZOOM_TYPE:
        known = freq in {"YEARLY", "HOURLY", "MINUTELY", "SECONDLY"}
        what = "cannot be repeated by Zoom" if known else "is not a frequency"
        raise _refuse(f"FREQ={freq} {what}: Zoom repeats DAILY, WEEKLY or MONTHLY")
    interval = _number(parts, "INTERVAL", 1)
    if not 1 <= interval <= MAX_INTERVAL[freq]:
        raise _refuse(
            f"INTERVAL={interval} is out of range: Zoom repeats a {freq.lower()} meeting every "
            f"1 to {MAX_INTERVAL[freq]} {_UNIT[freq]}s"
        )
    fields: dict[str, int | str] = {"type": ZOOM_TYPE[freq], "repeat_interval": interval}
    fields.update(_days(parts, freq, interval, local))
    end, until = _end(parts, zone)
    fields.update(end)
    text = ";".join(f"{name}={parts[name]}" for name in _ORDER if name in parts)
    walls = _walls(parts, local, until, "SU")  # Zoom counts weeks from Sunday
    if len(walls) > MAX_OCCURRENCES:
        raise _refuse(
            f"UNTIL={parts['UNTIL']} leaves more than {MAX_OCCURRENCES} occurrences: Zoom "
            f"repeats a meeting at most {MAX_OCCURRENCES} times; end it sooner or use COUNT"
        )
    if len(walls) != fields.get("end_times", len(walls)):  # dateutil stops at year 9999
        raise _refuse(f"COUNT={parts['COUNT']} runs past the year 9999")
    if freq == "WEEKLY" and interval > 1:  # only then can the week's first day matter
        _check_weeks(parts, walls, _walls(parts, local, until, parts.get("WKST", "MO")))
    starts = tuple(wall.replace(tzinfo=zone).astimezone(timezone.utc) for wall in walls)
    _check_first(starts, start, time_zone, parts.get("UNTIL"))
    return ZoomRecurrence(rule=text, fields=tuple(fields.items()), starts=starts)


def _walls(
    parts: dict[str, str], local: datetime, until: datetime | None, wkst: str
) -> list[datetime]:
    """The rule's occurrences on the naive local wall clock, one more than Zoom allows."""
    floating = {**parts, "WKST": wkst}
    if until is not None:  # dateutil wants a floating UNTIL with a floating start
        floating["UNTIL"] = f"{until:%Y%m%dT%H%M%S}"
    text = ";".join(f"{name}={value}" for name, value in floating.items())
    try:
        expansion = rrule.rrulestr(text, dtstart=local)
        return list(islice(iter(expansion), MAX_OCCURRENCES + 1))
    except (ValueError, OverflowError) as exc:
        raise _refuse(f"{text!r} is not an RRULE zoomlink can read ({exc})") from None


def _check_weeks(parts: dict[str, str], zoom: list[datetime], ours: list[datetime]) -> None:
    """Zoom's weeks start on Sunday; the rule's (WKST, by default Monday) must repeat alike."""
    if ours == zoom:
        return
    wkst = parts.get("WKST", "MO")
    said = f"WKST={wkst}" if "WKST" in parts else "WKST=MO, the RRULE default"
    mine, theirs = next((a, b) for a, b in zip_longest(ours, zoom) if a != b)
    if theirs is None or (mine is not None and mine < theirs):
        differ = f"the rule repeats on {mine:%A %Y-%m-%d} and Zoom would not"
    else:
        differ = f"Zoom would repeat on {theirs:%A %Y-%m-%d} and the rule does not"
    raise _refuse(
        f"with INTERVAL={parts['INTERVAL']} and weeks starting on "
        f"{_DAY_NAMES[WEEKDAYS.index(wkst)]} ({said}), {differ}: Zoom's weeks start on "
        "Sunday; add WKST=SU to repeat as Zoom does"
    )


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _refuse(f"{time_zone!r} is not a known IANA time zone", "host.time_zone") from None


def _parts(rule: str) -> dict[str, str]:
    """The rule's parts by name, upper-case; only the parts Zoom may be able to express."""
    lines = rule.strip().upper().splitlines()
    if not lines:
        raise _refuse("is empty: give an RRULE such as FREQ=WEEKLY;BYDAY=MO;COUNT=6")
    if any(line.strip().startswith("DTSTART") for line in lines):
        raise _refuse(_OWN_START)
    if len(lines) != 1:
        raise _refuse("give one RRULE line: Zoom cannot take EXDATE, RDATE or several rules")
    body = lines[0].strip().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for piece in filter(None, body.split(";")):
        name, equals, value = (bit.strip() for bit in piece.partition("="))
        if not equals or not name or not value:
            raise _refuse(f"{rule!r} is not an RRULE: {piece!r} is not NAME=VALUE")
        if name in parts:
            raise _refuse(f"{name} is given twice in {rule!r}")
        if name == "DTSTART":
            raise _refuse(_OWN_START)
        if name in _REFUSED:
            raise _refuse(f"{name}={value} cannot be repeated by Zoom: {_REFUSED[name]}")
        if name not in _KNOWN:
            raise _refuse(f"{rule!r} is not an RRULE zoomlink can read: unknown part {name}")
        parts[name] = value
    if "FREQ" not in parts:
        raise _refuse(f"{rule!r} has no FREQ: Zoom repeats DAILY, WEEKLY or MONTHLY")
    if parts.get("WKST", "SU") not in WEEKDAYS:
        raise _refuse(f"WKST={parts['WKST']} is not a week day (MO to SU)")
    return parts


def _number(parts: dict[str, str], name: str, default: int) -> int:
    value = parts.get(name)
    if value is None:
        return default
    if not _NUMBER.fullmatch(value):
        raise _refuse(f"{name}={value} is not a whole number")
    return int(value)


def _days(parts: dict[str, str], freq: str, interval: int, local: datetime) -> dict[str, int | str]:
    """Zoom's fields for the days a rule repeats on; a rule without them keeps the start's."""
    byday, bymonthday = parts.get("BYDAY"), parts.get("BYMONTHDAY")
    days = [_weekday(item) for item in byday.split(",")] if byday else []
    if freq == "DAILY":
        if byday or bymonthday:
            name = "BYDAY" if byday else "BYMONTHDAY"
            raise _refuse(
                f"{name} cannot be used in a daily rule: Zoom repeats a daily meeting every "
                "1 to 99 days (for certain week days write FREQ=WEEKLY;BYDAY=...)"
            )
        return {}
    if freq == "WEEKLY":
        if bymonthday:
            raise _refuse(
                f"BYMONTHDAY={bymonthday} cannot be used in a weekly rule: Zoom repeats a weekly "
                "meeting on week days (BYDAY=MO,WE)"
            )
        if any(nth is not None for nth, _ in days):
            raise _refuse(f"BYDAY={byday} numbers its week days: a weekly rule takes BYDAY=MO,WE")
        indices = {index for _, index in days} or {local.weekday()}
        zoom_days = sorted((index + 1) % 7 + 1 for index in indices)
        return {"weekly_days": ",".join(str(day) for day in zoom_days)}
    if byday and bymonthday:
        raise _refuse(_MONTHLY_ONE_DAY.format(f"BYDAY={byday};BYMONTHDAY={bymonthday} gives both"))
    if bymonthday:
        values = bymonthday.split(",")
        if len(values) > 1:
            raise _refuse(_MONTHLY_ONE_DAY.format(f"BYMONTHDAY={bymonthday} has {len(values)}"))
        day = _number({"BYMONTHDAY": values[0]}, "BYMONTHDAY", 0)
        if not 1 <= day <= 31:
            raise _refuse(f"BYMONTHDAY={day} is not a day from 1 to 31, the days Zoom takes")
        return {"monthly_day": day}
    if not days:
        return {"monthly_day": local.day}
    if len(days) > 1:
        raise _refuse(_MONTHLY_ONE_DAY.format(f"BYDAY={byday} has {len(days)}"))
    nth, index = days[0]
    if nth is None or nth not in _ORDINALS:
        said = "means every {}" if nth is None else f"asks for {{}} number {nth} of the month"
        raise _refuse(
            f"BYDAY={byday} {said.format(_DAY_NAMES[index])}: Zoom repeats a monthly meeting on "
            "the first to fourth (1 to 4) or last (-1) week day of the month, e.g. "
            f"BYDAY=1{WEEKDAYS[index]} or BYDAY=-1{WEEKDAYS[index]}"
        )
    return {"monthly_week": nth, "monthly_week_day": (index + 1) % 7 + 1}


def _weekday(item: str) -> tuple[int | None, int]:
    match = _BYDAY.fullmatch(item.strip())
    if match is None:
        raise _refuse(f"BYDAY entry {item!r} is not a week day such as MO, 2TU or -1FR")
    nth = int(match.group(1)) if match.group(1) else None
    return nth, WEEKDAYS.index(match.group(2))


def _end(parts: dict[str, str], zone: ZoneInfo) -> tuple[dict[str, int | str], datetime | None]:
    """Zoom's end field, and UNTIL as a local wall-clock time (as Zoom reads it back)."""
    if "COUNT" in parts and "UNTIL" in parts:
        raise _refuse("give COUNT or UNTIL, not both: Zoom ends a meeting one way")
    if "COUNT" in parts:
        count = _number(parts, "COUNT", 0)
        if not 1 <= count <= MAX_OCCURRENCES:
            raise _refuse(f"COUNT={count} is out of range: Zoom repeats a meeting 1 to 60 times")
        return {"end_times": count}, None
    value = parts.get("UNTIL")
    if value is None:
        raise _refuse("the rule never ends: Zoom needs COUNT (1 to 60) or UNTIL")
    match = _UNTIL.fullmatch(value)
    if match is None or (match.group(4) is not None and not match.group(7)):
        raise _refuse(
            f"UNTIL={value} is neither a date (UNTIL=20260630) nor a UTC time "
            "(UNTIL=20260630T170000Z)"
        )
    year, month, day, hour, minute, second = (int(group or 0) for group in match.groups()[:6])
    try:
        if match.group(4) is None:  # a date ends with that local day, inclusive
            wall = datetime(year, month, day, 23, 59, 59)
            end = wall.replace(tzinfo=zone).astimezone(timezone.utc)
        else:
            end = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
        until = end.astimezone(zone).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise _refuse(f"UNTIL={value} is not a date from year 1 to 9999") from None
    return {"end_date_time": f"{end:%Y-%m-%dT%H:%M:%SZ}"}, until


def _check_first(
    starts: tuple[datetime, ...], start: datetime, time_zone: str, until: str | None
) -> None:
    """Zoom's first occurrence is the meeting's start: the rule must begin there."""
    if not starts:
        raise _refuse(
            f"UNTIL={until} ends the rule before the booking's start, "
            f"{_wall(start, time_zone)}: Zoom needs at least that one occurrence"
        )
    if starts[0] == start:
        return
    raise _refuse(
        f"the booking starts {_wall(start, time_zone)} but the rule's first occurrence is "
        f"{_wall(starts[0], time_zone)}: Zoom's first occurrence is the meeting's start, "
        "so the rule must repeat on the start's day"
    )


def _wall(when: datetime, time_zone: str) -> str:
    return f"{when.astimezone(ZoneInfo(time_zone)):%A %Y-%m-%d %H:%M} ({time_zone})"


def occurrence_id(start: datetime) -> str:
    """Zoom's id of the occurrence originally starting at ``start``: epoch milliseconds."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidInputError(f"start must be timezone-aware, got naive {start.isoformat()}")
    return str((start - _EPOCH) // timedelta(milliseconds=1))


def describe(recurrence: ZoomRecurrence, time_zone: str) -> str:
    """A short text for people, e.g. ``weekly on Monday and Wednesday, 6 times``."""
    fields = recurrence.zoom_fields()
    freq = next(name for name, number in ZOOM_TYPE.items() if number == fields["type"])
    interval = int(fields["repeat_interval"])
    unit = _UNIT[freq]
    text = f"every {interval} {unit}s" if interval > 1 else freq.lower()
    if "weekly_days" in fields:
        # Monday first, as people read a week
        indices = sorted((int(day) - 2) % 7 for day in str(fields["weekly_days"]).split(","))
        text += " on " + _and([_DAY_NAMES[index] for index in indices])
    elif "monthly_day" in fields:
        text += f" on day {fields['monthly_day']}"
    elif "monthly_week" in fields:
        day = _DAY_NAMES[(int(fields["monthly_week_day"]) - 2) % 7]
        text += f" on the {_ORDINALS[int(fields['monthly_week'])]} {day}"
    if "end_times" in fields:
        count = int(fields["end_times"])
        return f"{text}, {_TIMES.get(count, f'{count} times')}"
    end = datetime.strptime(str(fields["end_date_time"]), "%Y-%m-%dT%H:%M:%SZ")
    last = end.replace(tzinfo=timezone.utc).astimezone(_zone(time_zone))
    return f"{text}, until {last:%Y-%m-%d}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
