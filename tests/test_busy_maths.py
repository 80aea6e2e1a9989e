"""Conflict and free-slot maths agree with brute force, across DST changes and odd offsets."""

from __future__ import annotations

import functools
import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoomlink._core._busy import same_busy_time
from zoomlink._core._intervals import (
    IntervalIndex,
    free_mask,
    merge,
    slot_grid,
    slot_starts,
)
from zoomlink.testing.contracts._sync.token_store import T0, make_record

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
BASE = datetime(2026, 1, 1, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",  # DST moves the clock by 30 minutes
        "Asia/Kathmandu",  # +5:45
        "UTC",
        "America/St_Johns",  # -3:30, with DST
        "Pacific/Apia",  # skipped 2011-12-30 whole
        "Africa/Casablanca",  # leaves +1 for Ramadan
    )
]
# Steps that divide a day, from every minute to once a day.
STEPS = [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440]
PROPERTY = settings(max_examples=200, deadline=None)

Item = tuple[datetime, datetime, int]


def _at(minutes: int) -> datetime:
    return BASE + minutes * MINUTE


def _key(item: Item) -> tuple[datetime, datetime]:
    return item[0].astimezone(UTC), item[1].astimezone(UTC)


@st.composite
def _items(draw: st.DrawFn) -> list[Item]:
    """Random intervals, mostly meeting-sized, a few very long, shown in assorted zones."""
    items: list[Item] = []
    for payload in range(draw(st.integers(0, 40))):
        start = draw(st.integers(0, 3000))
        if draw(st.integers(0, 9)) == 0:
            length = draw(st.integers(1441, 10_000))
        else:
            length = draw(st.integers(1, 240))
        zone = draw(st.sampled_from(ZONES))
        items.append((_at(start).astimezone(zone), _at(start + length).astimezone(zone), payload))
    return items


@st.composite
def _query(draw: st.DrawFn, items: list[Item]) -> tuple[datetime, datetime]:
    """A query window, often starting or ending exactly where an interval does."""
    edges = [moment for item in items for moment in item[:2]]
    if draw(st.booleans()) and edges:
        start = draw(st.sampled_from(edges)).astimezone(UTC)
    else:
        start = _at(draw(st.integers(-300, 3300)))
    length = draw(st.sampled_from([0, 0, 1, 15, 60, 600]) | st.integers(0, 400))
    return start, start + length * MINUTE


def _scan(items: list[Item], start: datetime, end: datetime) -> list[Item]:
    hits = [item for item in items if item[0] < end and start < item[1]]
    return sorted(hits, key=_key)  # stable: insertion order breaks ties


# -- IntervalIndex ---------------------------------------------------------------------------


@PROPERTY
@given(st.data())
def test_index_finds_what_a_linear_scan_finds(data: st.DataObject) -> None:
    """overlapping and any_overlap answer as a scan of every interval does, order included."""
    items = data.draw(_items())
    index = IntervalIndex(items)
    assert list(index) == sorted(items, key=_key)
    assert len(index) == len(items)
    for _ in range(5):
        start, end = data.draw(_query(items))
        expected = _scan(items, start, end)
        assert index.overlapping(start, end) == expected
        assert index.any_overlap(start, end) is bool(expected)


def test_empty_or_reversed_interval_is_refused() -> None:
    """An interval must end after it starts."""
    with pytest.raises(ValueError, match="before it starts"):
        IntervalIndex([(_at(10), _at(10), "empty")])
    with pytest.raises(ValueError, match="before it starts"):
        IntervalIndex([(_at(10), _at(5), "reversed")])


def test_naive_times_are_refused() -> None:
    """A naive datetime is refused rather than read in the machine's local zone."""
    naive = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(ValueError, match="naive"):
        IntervalIndex([(naive, naive + MINUTE, "x")])
    with pytest.raises(ValueError, match="naive"):
        IntervalIndex([(_at(0), _at(1), "x")]).any_overlap(naive, naive + MINUTE)


def test_fold_instants_are_told_apart() -> None:
    """Two Berlin datetimes that differ only by fold are different hours to the index."""
    first = datetime(2026, 10, 25, 2, 0, tzinfo=BERLIN)  # 00:00 UTC
    second = first.replace(fold=1)  # 01:00 UTC
    index = IntervalIndex([(first, first + timedelta(minutes=30), "early")])
    # second + MINUTE would be wall-clock arithmetic and drop the fold: add in UTC.
    assert index.any_overlap(first, first.astimezone(UTC) + MINUTE)
    assert not index.any_overlap(second, second.astimezone(UTC) + MINUTE)


# -- merge -----------------------------------------------------------------------------------


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 200), st.integers(0, 30), st.sampled_from(ZONES)), max_size=15
    )
)
def test_merge_covers_the_same_minutes(spans: list[tuple[int, int, ZoneInfo]]) -> None:
    """merge covers exactly the minutes its input covers, with sorted, separated intervals."""
    intervals = [
        (_at(start).astimezone(zone), _at(start + length).astimezone(zone))
        for start, length, zone in spans
    ]
    covered = {start + m for start, length, _ in spans for m in range(length)}
    merged = merge(intervals)
    minutes = [((a - BASE) // MINUTE, (b - BASE) // MINUTE) for a, b in merged]
    assert {m for a, b in minutes for m in range(a, b)} == covered
    assert all(a < b for a, b in minutes)
    assert all(b < next_a for (_, b), (next_a, _) in itertools.pairwise(minutes))


def test_touching_intervals_merge() -> None:
    """[a, b) and [b, c) become [a, c)."""
    assert merge([(_at(30), _at(60)), (_at(0), _at(30))]) == [(_at(0), _at(60))]


# -- slot_starts -----------------------------------------------------------------------------


@functools.cache
def _offset_changes(zone: ZoneInfo, year: int) -> tuple[datetime, ...]:
    """The UTC minutes at which ``zone`` changes its offset during ``year``."""
    changes = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        low, high = day, day + timedelta(days=1)
        if low.astimezone(zone).utcoffset() != high.astimezone(zone).utcoffset():
            while high - low > MINUTE:
                middle = low + (high - low) // 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            changes.append(high)
        day += timedelta(days=1)
    return tuple(changes)


@st.composite
def _windows(draw: st.DrawFn) -> tuple[datetime, datetime, ZoneInfo]:
    """A window of up to three days in 2000-2040, half the time across an offset change."""
    zone = draw(st.sampled_from(ZONES))
    year = draw(st.integers(2000, 2040))
    changes = _offset_changes(zone, year)
    if draw(st.booleans()) and changes:
        before = draw(st.integers(0, 120) | st.integers(0, 2 * 1440))
        start = draw(st.sampled_from(changes)) - before * MINUTE
    else:
        start = datetime(year, 1, 1, tzinfo=UTC) + draw(st.integers(0, 364 * 1440)) * MINUTE
    start += timedelta(seconds=draw(st.sampled_from([0, 0, 1, 59])))
    end = start + draw(st.integers(0, 3 * 1440)) * MINUTE
    return start.astimezone(draw(st.sampled_from([UTC, zone]))), end, zone


def _slot_oracle(
    start: datetime, end: datetime, duration: timedelta, step: int, zone: ZoneInfo
) -> list[datetime]:
    """Every UTC minute in the window whose wall clock in ``zone`` sits on the step grid."""
    moment = start.astimezone(UTC)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + MINUTE
    found = []
    while moment + duration <= end:
        local = moment.astimezone(zone)
        if (local.hour * 60 + local.minute) % step == 0:
            found.append(local)
        moment += MINUTE
    return found


def _exactly(moments: list[datetime]) -> list[tuple[datetime, datetime, int, object]]:
    """Instant, wall clock, fold and zone: what == alone does not check within one zone."""
    return [(m.astimezone(UTC), m.replace(tzinfo=None), m.fold, m.tzinfo) for m in moments]


@PROPERTY
@given(_windows(), st.sampled_from(STEPS), st.integers(1, 240))
def test_slot_starts_match_a_minute_by_minute_walk(
    window: tuple[datetime, datetime, ZoneInfo], step: int, minutes: int
) -> None:
    """slot_starts finds the grid instants a walk over every minute finds, across DST."""
    start, end, zone = window
    duration = minutes * MINUTE
    found = slot_starts(start, end, duration, step * MINUTE, zone)
    assert _exactly(found) == _exactly(_slot_oracle(start, end, duration, step, zone))


def test_spring_gap_has_no_slots() -> None:
    """On 2026-03-29 Berlin skips 02:00-03:00, so 02:00 and 02:30 are no slots."""
    start = datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 29, 4, 0, tzinfo=BERLIN)
    found = slot_starts(start, end, 30 * MINUTE, 30 * MINUTE, BERLIN)
    assert [m.strftime("%H:%M %Z") for m in found] == [
        "01:00 CET",
        "01:30 CET",
        "03:00 CEST",
        "03:30 CEST",
    ]


def test_autumn_fold_has_each_slot_twice() -> None:
    """On 2026-10-25 Berlin repeats 02:00-03:00, so 02:00 and 02:30 are slots twice."""
    start = datetime(2026, 10, 25, 1, 0, tzinfo=BERLIN)
    end = datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN)
    found = slot_starts(start, end, 30 * MINUTE, 30 * MINUTE, BERLIN)
    assert [(m.strftime("%H:%M %Z"), m.fold) for m in found] == [
        ("01:00 CEST", 0),
        ("01:30 CEST", 0),
        ("02:00 CEST", 0),
        ("02:30 CEST", 0),
        ("02:00 CET", 1),
        ("02:30 CET", 1),
        ("03:00 CET", 0),
    ]
    # Aware subtraction within one zone counts wall time, so measure in UTC.
    first = start.astimezone(UTC)
    assert [m.astimezone(UTC) - first for m in found] == [n * 30 * MINUTE for n in range(7)]


def test_gap_times_do_not_stand_in_for_others() -> None:
    """A wall time in the gap maps to no slot, even where its instant is off the grid."""
    start = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # local midnight
    found = slot_starts(start, start + 5 * 60 * MINUTE, 30 * MINUTE, 120 * MINUTE, BERLIN)
    assert [m.strftime("%H:%M %Z") for m in found] == ["00:00 CET", "04:00 CEST"]


def test_fold_across_midnight_keeps_both_dates() -> None:
    """St John's left DST at 00:01 on 2006-10-29 for 23:01 the day before: both dates count."""
    zone = ZoneInfo("America/St_Johns")
    midnight = datetime(2006, 10, 29, 2, 30, tzinfo=UTC)  # 00:00 NDT, a minute before the change
    after = slot_starts(midnight, midnight + 90 * MINUTE, 30 * MINUTE, 30 * MINUTE, zone)
    assert [m.strftime("%d %H:%M %Z") for m in after] == [
        "29 00:00 NDT",
        "28 23:30 NST",
        "29 00:00 NST",
    ]
    before = slot_starts(
        midnight - 30 * MINUTE, midnight + 60 * MINUTE, 30 * MINUTE, 30 * MINUTE, zone
    )
    assert [m.strftime("%d %H:%M %Z") for m in before] == [
        "28 23:30 NDT",
        "29 00:00 NDT",
        "28 23:30 NST",
    ]


@pytest.mark.parametrize(
    ("step", "duration", "message"),
    [
        (7 * MINUTE, 30 * MINUTE, "divide a day"),
        (timedelta(0), 30 * MINUTE, "step must be a positive whole number of minutes"),
        (-30 * MINUTE, 30 * MINUTE, "step must be a positive whole number of minutes"),
        (timedelta(seconds=90), 30 * MINUTE, "step must be a positive whole number of minutes"),
        (30 * MINUTE, timedelta(0), "duration must be a positive whole number of minutes"),
        (30 * MINUTE, timedelta(seconds=30), "duration must be a positive whole number"),
        (30 * MINUTE, -MINUTE, "duration must be a positive whole number of minutes"),
    ],
)
def test_bad_step_or_duration_is_refused(
    step: timedelta, duration: timedelta, message: str
) -> None:
    """A step must be whole minutes dividing a day; a duration, positive whole minutes."""
    with pytest.raises(ValueError, match=message):
        slot_starts(_at(0), _at(600), duration, step, BERLIN)


# -- free_mask -------------------------------------------------------------------------------


@PROPERTY
@given(st.data())
def test_free_mask_matches_brute_force(data: st.DataObject) -> None:
    """free_mask keeps the starts whose buffered window meets no busy interval."""
    offsets = sorted(data.draw(st.lists(st.integers(0, 600), max_size=30, unique=True)))
    minutes, before, after = (data.draw(st.integers(low, 90)) for low in (1, 0, 0))
    # Busy intervals often begin where a window ends or end where one begins.
    edges = [o + minutes + after for o in offsets] + [o - before for o in offsets]
    spans = []
    for _ in range(data.draw(st.integers(0, 10))):
        length = data.draw(st.integers(1, 120))
        edge = data.draw(st.sampled_from(edges)) if edges else 0
        start = data.draw(st.sampled_from([edge, edge - length]) | st.integers(-60, 660))
        spans.append((_at(start), _at(start + length)))
    starts = [_at(offset).astimezone(BERLIN) for offset in offsets]
    duration = minutes * MINUTE
    expected = [
        t
        for t in starts
        if not any(a < t + duration + after * MINUTE and t - before * MINUTE < b for a, b in spans)
    ]
    utc_starts = [t.astimezone(UTC) for t in starts]
    mask = free_mask(
        utc_starts, duration, merge(spans), before=before * MINUTE, after=after * MINUTE
    )
    assert [t for t, free in zip(starts, mask, strict=True) if free] == expected


def test_adjacent_busy_time_leaves_a_start_free() -> None:
    """Busy time ending at the buffered window's start or starting at its end is no clash."""
    busy = [(_at(0), _at(50)), (_at(95), _at(120))]
    found = free_mask([_at(60)], 30 * MINUTE, busy, before=10 * MINUTE, after=5 * MINUTE)
    assert list(found) == [1]
    assert list(free_mask([_at(60)], 31 * MINUTE, busy, before=10 * MINUTE, after=5 * MINUTE)) == [
        0
    ]


def test_free_mask_tells_fold_hours_apart() -> None:
    """A busy first 02:00 on Berlin's fold night leaves the second 02:00 free."""
    night = slot_starts(
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
        30 * MINUTE,
        30 * MINUTE,
        BERLIN,
    )
    busy = [(datetime(2026, 10, 25, 0, 0, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC))]
    mask = free_mask([t.astimezone(UTC) for t in night], 30 * MINUTE, busy)
    free = [t for t, open_ in zip(night, mask, strict=True) if open_]
    assert [(m.strftime("%H:%M"), m.fold) for m in free] == [
        ("02:30", 0),
        ("02:00", 1),
        ("02:30", 1),
    ]


def test_slot_grid_tells_the_passes_of_a_repeated_hour_apart() -> None:
    """The remembered grid for a window starting on the second 02:00 is not the first's."""
    night = datetime(2026, 10, 25, 2, 0, tzinfo=BERLIN)
    second = night.replace(fold=1)
    end = datetime(2026, 10, 25, 4, 0, tzinfo=BERLIN)
    first_grid, _ = slot_grid(night, end, 30 * MINUTE, 30 * MINUTE, BERLIN)
    second_grid, _ = slot_grid(second, end, 30 * MINUTE, 30 * MINUTE, BERLIN)
    assert len(first_grid) == len(second_grid) + 2
    assert second_grid == tuple(slot_starts(second, end, 30 * MINUTE, 30 * MINUTE, BERLIN))


HOUR = timedelta(hours=1)


def test_a_save_that_only_notes_things_keeps_the_busy_time() -> None:
    """A record saved with new notes (topic, times it was updated) takes the same busy time,
    and one moved, cancelled, made, or made on another Zoom user does not."""
    record = make_record()
    assert same_busy_time(record, attrs.evolve(record, topic="Renamed", updated_at=T0 + HOUR))
    for changed in (
        attrs.evolve(record, start=record.start + HOUR, end=record.end + HOUR),
        attrs.evolve(record, state="cancelled"),
        attrs.evolve(record, meeting_id=None, state="pending"),
        attrs.evolve(record, zoom_user="someone@example.com"),
        attrs.evolve(record, connection_id="l2"),
    ):
        assert not same_busy_time(record, changed)
