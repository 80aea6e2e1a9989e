"""Conflict and free-slot maths over half-open intervals ``[start, end)`` of aware datetimes.

Everything is compared in UTC: Python compares two datetimes of the same zone by wall clock,
ignoring ``fold``, and adds timedeltas in wall time, so both go wrong around a DST change.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
# Intervals longer than this are kept aside and scanned, so that one all-week event does not
# widen every query's scan over the short ones.
LONG = DAY


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; naive datetimes are refused rather than read as local time."""
    if moment.tzinfo is UTC:
        return moment
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is naive: give a timezone-aware datetime")
    return moment.astimezone(UTC)


class IntervalIndex(Generic[T]):
    """An immutable index of half-open intervals ``[start, end)``, each with a payload."""

    __slots__ = (
        "_ends",
        "_items",
        "_long",
        "_reach",
        "_short",
        "_short_ends",
        "_short_starts",
        "_span",
        "_starts",
    )

    def __init__(self, items: Iterable[tuple[datetime, datetime, T]]) -> None:
        keyed: list[tuple[datetime, datetime, int, tuple[datetime, datetime, T]]] = []
        for seq, item in enumerate(items):
            start, end = _utc(item[0]), _utc(item[1])
            if end <= start:
                raise ValueError(f"interval ends at {item[1]} before it starts at {item[0]}")
            keyed.append((start, end, seq, item))
        keyed.sort(key=lambda key: key[:3])  # the sequence number keeps insertion order on ties
        self._items = [key[3] for key in keyed]
        self._starts = [key[0] for key in keyed]
        self._ends = [key[1] for key in keyed]
        # _reach[i]: the latest end among the first i + 1 intervals, for any_overlap.
        self._reach = list(accumulate(self._ends, max))
        lengths = [end - start for start, end, _, _ in keyed]
        self._short = [i for i, length in enumerate(lengths) if length <= LONG]
        self._long = [i for i, length in enumerate(lengths) if length > LONG]
        self._short_starts = [self._starts[i] for i in self._short]
        self._short_ends = [self._ends[i] for i in self._short]
        # No short interval is longer than _span, which bounds how far back a query looks.
        self._span = max((lengths[i] for i in self._short), default=DAY)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[tuple[datetime, datetime, T]]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"IntervalIndex(<{len(self._items)} intervals>)"

    def any_overlap(self, start: datetime, end: datetime) -> bool:
        """Whether any interval has ``item.start < end and start < item.end``."""
        start, end = _window(start, end)
        before_end = bisect_left(self._starts, end)  # the intervals that start before ``end``
        return before_end > 0 and self._reach[before_end - 1] > start

    def overlapping(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, T]]:
        """The intervals with ``item.start < end and start < item.end``, sorted by start, end,
        then insertion order."""
        start, end = _window(start, end)
        starts, ends = self._short_starts, self._short_ends
        hi = bisect_left(starts, end)
        try:
            # A short interval starting at or before start - span ends by start.
            lo = bisect_right(starts, start - self._span, 0, hi)
        except OverflowError:
            lo = 0
        found = [self._short[i] for i in range(lo, hi) if ends[i] > start]
        extra = [i for i in self._long if self._starts[i] < end and start < self._ends[i]]
        if extra:
            found = sorted(found + extra)
        return [self._items[i] for i in found]


def _window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """A query window in UTC; a zero-length one is allowed, a reversed one is not."""
    start, end = _utc(start), _utc(end)
    if end < start:
        raise ValueError(f"window ends at {end} before it starts at {start}")
    return start, end


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of ``intervals`` as sorted, disjoint UTC intervals; touching ones join and
    empty ones vanish."""
    spans = []
    for start, end in intervals:
        utc_start, utc_end = _utc(start), _utc(end)
        if utc_end < utc_start:
            raise ValueError(f"interval ends at {end} before it starts at {start}")
        if utc_end > utc_start:
            spans.append((utc_start, utc_end))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _whole_minutes(value: timedelta, name: str) -> int:
    if value <= timedelta(0) or value % MINUTE:
        raise ValueError(f"{name} must be a positive whole number of minutes, not {value}")
    return value // MINUTE


def slot_starts(
    start: datetime, end: datetime, duration: timedelta, step: timedelta, zone: ZoneInfo
) -> list[datetime]:
    """The instants ``t`` with ``start <= t`` and ``t + duration <= end`` whose wall clock in
    ``zone`` is a whole number of ``step`` after local midnight, in ``zone``, by instant.

    Wall times skipped by a DST gap never occur; wall times repeated in a fold occur twice.
    """
    step_minutes = _whole_minutes(step, "step")
    if 1440 % step_minutes:
        raise ValueError(f"step must divide a day into whole slots, not {step}")
    length = timedelta(minutes=_whole_minutes(duration, "duration"))
    first, last = _utc(start), _utc(end) - length
    if last < first:
        return []
    # One spare day each side: around a fold, a wall time of the next or previous local date
    # can fall inside the window.
    day = first.astimezone(zone).date() - DAY
    final = last.astimezone(zone).date() + DAY
    found: set[datetime] = set()
    while day <= final:
        for minute in range(0, 1440, step_minutes):
            found.update(_occurrences(day, minute, zone))
        day += DAY
    return [moment.astimezone(zone) for moment in sorted(found) if first <= moment <= last]


def _occurrences(day: date, minute: int, zone: ZoneInfo) -> Iterator[datetime]:
    """The UTC instants at which ``zone``'s wall clock shows ``minute`` past midnight of
    ``day``: none in a gap, two in a fold."""
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    local = wall.replace(tzinfo=zone)
    offset = local.utcoffset()
    if offset is not None and offset == local.replace(fold=1).utcoffset():
        yield (wall - offset).replace(tzinfo=UTC)  # the usual case: no change near this time
        return
    for fold in (0, 1):
        moment = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        # In a gap both folds name an instant whose wall clock reads otherwise.
        if moment.astimezone(zone).replace(tzinfo=None) == wall:
            yield moment


def free_mask(
    starts: Sequence[datetime],
    duration: timedelta,
    busy: Sequence[tuple[datetime, datetime]],
    *,
    before: timedelta = timedelta(0),
    after: timedelta = timedelta(0),
) -> bytearray:
    """Per start (UTC and sorted), 1 when ``[t - before, t + duration + after)`` overlaps none
    of ``busy`` (UTC, sorted and disjoint), else 0. Each busy interval is bisected into
    the starts, so many hosts over one grid cost little."""
    if duration <= timedelta(0) or before < timedelta(0) or after < timedelta(0):
        raise ValueError("duration must be positive and the buffers not negative")
    mask = bytearray(b"\x01") * len(starts)
    ahead = duration + after
    for busy_start, busy_end in busy:
        # t is blocked when busy_start - ahead < t < busy_end + before.
        low = bisect_right(starts, busy_start - ahead)
        high = bisect_left(starts, busy_end + before)
        if low < high:
            mask[low:high] = bytes(high - low)
    return mask


def slot_grid(
    start: datetime, end: datetime, duration: timedelta, step: timedelta, zone: ZoneInfo
) -> tuple[tuple[datetime, ...], tuple[datetime, ...]]:
    """:func:`slot_starts` and the same starts in UTC, remembered: booking pages ask for the
    same week again and again. Keyed in UTC: local times of a repeated hour compare equal."""
    return _slot_grid(_utc(start), _utc(end), duration, step, zone)


@functools.lru_cache(maxsize=128)
def _slot_grid(
    start: datetime, end: datetime, duration: timedelta, step: timedelta, zone: ZoneInfo
) -> tuple[tuple[datetime, ...], tuple[datetime, ...]]:
    local = tuple(slot_starts(start, end, duration, step, zone))
    return local, tuple(_utc(moment) for moment in local)
