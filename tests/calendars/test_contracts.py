"""The memory calendar backends keep the calendar contract, sync and async, and refuse bad input."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from zoomlink import InvalidInputError
from zoomlink.calendars import AsyncMemoryCalendarBackend, MemoryCalendarBackend
from zoomlink.testing.contracts import AsyncCalendarBackendContract, CalendarBackendContract
from zoomlink.testing.contracts._sync.calendar_backend import T0, make_event


class TestMemoryCalendarBackend(CalendarBackendContract):
    """MemoryCalendarBackend keeps the contract."""

    @pytest.fixture
    def calendar(self) -> MemoryCalendarBackend:
        """A fresh memory calendar."""
        return MemoryCalendarBackend()


class TestAsyncMemoryCalendarBackend(AsyncCalendarBackendContract):
    """AsyncMemoryCalendarBackend keeps the contract."""

    @pytest.fixture
    def calendar(self) -> AsyncMemoryCalendarBackend:
        """A fresh memory calendar."""
        return AsyncMemoryCalendarBackend()


NAIVE = datetime(2026, 3, 2, 9, 0)

# (start, end, what the message says)
BAD_WINDOWS = [
    pytest.param(NAIVE, None, "start must be timezone-aware", id="naive-start"),
    pytest.param(None, NAIVE, "end must be timezone-aware", id="naive-end"),
    pytest.param(T0, T0, "must be after start", id="empty"),
    pytest.param(T0, T0 - timedelta(minutes=1), "must be after start", id="reversed"),
]


@pytest.mark.parametrize(("start", "end", "message"), BAD_WINDOWS)
def test_bad_window_is_refused(start: datetime | None, end: datetime | None, message: str) -> None:
    """events() with a naive bound or an end not after the start raises InvalidInputError."""
    with pytest.raises(InvalidInputError, match=message):
        MemoryCalendarBackend().events("t1", "u1", start=start, end=end)


@pytest.mark.asyncio
@pytest.mark.parametrize(("start", "end", "message"), BAD_WINDOWS)
async def test_bad_window_is_refused_async(
    start: datetime | None, end: datetime | None, message: str
) -> None:
    """The async events() refuses the same windows with InvalidInputError."""
    with pytest.raises(InvalidInputError, match=message):
        await AsyncMemoryCalendarBackend().events("t1", "u1", start=start, end=end)


def test_put_of_a_non_event_is_a_type_error() -> None:
    """put_event() of anything but a CalendarEvent raises TypeError and stores nothing."""
    calendar = MemoryCalendarBackend()
    with pytest.raises(TypeError, match="CalendarEvent, got dict"):
        calendar.put_event({"uid": "b1"})  # type: ignore[arg-type]
    assert calendar.all_events() == []


@pytest.mark.asyncio
async def test_put_of_a_non_event_is_a_type_error_async() -> None:
    """The async put_event() of anything but a CalendarEvent raises TypeError too."""
    calendar = AsyncMemoryCalendarBackend()
    with pytest.raises(TypeError, match="CalendarEvent, got str"):
        await calendar.put_event("b1")  # type: ignore[arg-type]
    assert calendar.all_events() == []


def test_all_events_lists_every_calendar_in_order() -> None:
    """all_events() lists every stored event by tenant, owner, start and uid."""
    calendar = MemoryCalendarBackend()
    for event in [
        make_event("b", tenant="t2"),
        make_event("c", owner_id="u2"),
        make_event("z", hours=1),
        make_event("a", hours=1),
        make_event("y"),
    ]:
        calendar.put_event(event)
    found = [(e.tenant, e.owner_id, e.uid) for e in calendar.all_events()]
    assert found == [
        ("t1", "u1", "y"),
        ("t1", "u1", "a"),
        ("t1", "u1", "z"),
        ("t1", "u2", "c"),
        ("t2", "u1", "b"),
    ]


def test_repr_counts_events() -> None:
    """The repr names the class and how many events it holds."""
    calendar = MemoryCalendarBackend()
    calendar.put_event(make_event())
    assert repr(calendar) == "MemoryCalendarBackend(events=1)"
