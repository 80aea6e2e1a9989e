"""Reading a calendar's objects as events (the sans-I/O part of the CalDAV backends): floating
times on the calendar's zone, endless series bounded, unreadable data refused by name."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoomlink import CalendarDataError
from zoomlink._core._icalendar import read_events, to_ics
from zoomlink.testing.contracts._sync.calendar_backend import make_event

TOKYO = ZoneInfo("Asia/Tokyo")
HREF = "https://dav.example.com/alice/work/x.ics"


def vcalendar(*lines: str) -> str:
    """One VEVENT made outside zoomlink, with ``lines`` as its properties."""
    body = "\r\n".join(["UID:x", "DTSTAMP:20260301T000000Z", *lines])
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def read(
    data: str, start: datetime | None = None, end: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each event read from ``data`` for owner u1, on Tokyo's calendar."""
    events = read_events(
        data, href=HREF, tenant="t1", owner_id="u1", start=start, end=end, zone=TOKYO
    )
    return [(event.start, event.end) for event in events]


def test_floating_times_are_read_on_the_calendars_zone() -> None:
    """A time without a zone (floating) is the calendar's local time."""
    data = vcalendar("DTSTART:20260302T090000", "DTEND:20260302T100000")
    assert read(data) == [
        (datetime(2026, 3, 2, 9, tzinfo=TOKYO), datetime(2026, 3, 2, 10, tzinfo=TOKYO))
    ]


def test_an_event_without_an_end_takes_its_default_length() -> None:
    """No DTEND nor DURATION: a timed event is an instant, an all-day one is one day."""
    assert read(vcalendar("DTSTART:20260302T090000Z")) == [
        (datetime(2026, 3, 2, 9, tzinfo=timezone.utc),) * 2
    ]
    assert read(vcalendar("DTSTART;VALUE=DATE:20260302")) == [
        (datetime(2026, 3, 2, tzinfo=TOKYO), datetime(2026, 3, 3, tzinfo=TOKYO))
    ]


def test_an_endless_series_without_a_window_end_is_listed_for_a_year() -> None:
    """A daily series with no end, read with no window end, stops a year after its start."""
    found = read(vcalendar("DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
    assert found[0][0] == datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    assert len(found) == 366
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    later = read(
        vcalendar("DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"), start=start
    )
    assert later[0][0] == start + timedelta(hours=9)
    assert len(later) == 366


def test_the_window_cuts_exactly() -> None:
    """Occurrences that only touch the window's edges are left out."""
    data = vcalendar("DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5")
    day = datetime(2026, 3, 3, 10, tzinfo=timezone.utc)
    assert read(data, start=day, end=day + timedelta(hours=23)) == []
    assert len(read(data, start=day, end=day + timedelta(hours=23, minutes=1))) == 1


def test_zoomlink_events_of_other_owners_are_not_listed() -> None:
    """An event zoomlink wrote for another owner (a shared calendar) is not this owner's."""
    data = to_ics(make_event(owner_id="u2"), stamp=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert read(data) == []
    assert len(read(to_ics(make_event(), stamp=datetime(2026, 3, 1, tzinfo=timezone.utc)))) == 1


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("this is not iCalendar", id="not-ical"),
        pytest.param(vcalendar("DTSTART:2026-03-02"), id="bad-date"),
        pytest.param(vcalendar("SUMMARY:no start"), id="no-start"),
    ],
)
def test_unreadable_data_is_a_data_error_naming_the_object(data: str) -> None:
    """Data that is not iCalendar, or a VEVENT without a readable start, is CalendarDataError
    naming the object's URL."""
    with pytest.raises(
        CalendarDataError, match=r"x\.ics is not iCalendar zoomlink can read"
    ) as caught:
        read(data)
    assert caught.value.url == HREF


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
PERIODS = {"DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    first=st.integers(0, 60 * 24 * 40),  # minutes into March 2026 (Europe's DST change in it)
    minutes=st.integers(1, 600),
    frequency=st.sampled_from(sorted(PERIODS)),
    interval=st.integers(1, 3),
    count=st.integers(1, 30),
    window_start=st.integers(-60 * 24 * 3, 60 * 24 * 120),
    window_minutes=st.integers(1, 60 * 24 * 30),
)
def test_a_series_is_read_as_brute_force_expands_it(
    zone: str,
    first: int,
    minutes: int,
    frequency: str,
    interval: int,
    count: int,
    window_start: int,
    window_minutes: int,
) -> None:
    """A series on a zone's wall clock, read for any window, lists exactly the occurrences that
    overlap it, at their local times (DST changes included)."""
    tz = ZoneInfo(zone)
    march = datetime(2026, 3, 1, tzinfo=tz)
    dtstart = march + timedelta(minutes=first)
    data = vcalendar(
        f"DTSTART;TZID={zone}:{dtstart:%Y%m%dT%H%M%S}",
        f"DURATION:PT{minutes}M",
        f"RRULE:FREQ={frequency};INTERVAL={interval};COUNT={count}",
    )
    start = datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=window_start)
    end = start + timedelta(minutes=window_minutes)
    # Aware arithmetic on one tzinfo steps the wall clock: each occurrence starts and ends at
    # the series' local times, as calendar apps show it (on a DST change too); a local time the
    # change skips takes the offset before it (RFC 5545 3.3.5), as zoneinfo reads it.
    length = timedelta(minutes=minutes)
    walls = [dtstart + k * interval * PERIODS[frequency] for k in range(count)]
    utc = [(w.astimezone(timezone.utc), (w + length).astimezone(timezone.utc)) for w in walls]
    expected = [(s, e) for s, e in utc if s < end and e > start]
    found = [
        (s.astimezone(timezone.utc), e.astimezone(timezone.utc)) for s, e in read(data, start, end)
    ]
    assert found == expected


def test_a_series_exceptions_are_honoured() -> None:
    """An excluded date is not busy, a moved occurrence is busy at its new time, and a
    cancelled occurrence is not busy."""
    series = [
        "UID:standup",
        "DTSTAMP:20260301T000000Z",
        "DTSTART:20260302T090000Z",
        "DURATION:PT30M",
        "RRULE:FREQ=DAILY;COUNT=5",
        "EXDATE:20260303T090000Z",
    ]
    moved = ["UID:standup", "DTSTAMP:20260301T000000Z", "RECURRENCE-ID:20260304T090000Z"]
    moved += ["DTSTART:20260304T150000Z", "DURATION:PT30M"]
    cancelled = ["UID:standup", "DTSTAMP:20260301T000000Z", "RECURRENCE-ID:20260305T090000Z"]
    cancelled += ["DTSTART:20260305T090000Z", "DURATION:PT30M", "STATUS:CANCELLED"]
    data = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN"]
        + [
            line
            for part in (series, moved, cancelled)
            for line in ("BEGIN:VEVENT", *part, "END:VEVENT")
        ]
        + ["END:VCALENDAR", ""]
    )
    starts = sorted(start for start, _ in read(data))
    assert starts == [
        datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        datetime(2026, 3, 4, 15, tzinfo=timezone.utc),
        datetime(2026, 3, 6, 9, tzinfo=timezone.utc),
    ]
