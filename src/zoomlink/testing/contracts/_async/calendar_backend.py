"""AsyncCalendarBackendContract: what every AsyncCalendarBackend must do, as tests to inherit.

Written once with async backends in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import partial

import attrs
import pytest

from zoomlink.booking import CalendarEvent
from zoomlink.protocols import AsyncCalendarBackend
from zoomlink.testing.contracts._concurrent import gather_async

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


# Events e0 09:00-10:00, e1 10:00-11:00, e2 11:00-12:00, e3 12:00-13:00 and long 09:00-13:00
# (UTC): (start, end, the uids listed).
WINDOWS = [
    pytest.param(T0 + HOUR, T0 + 2 * HOUR, ["long", "e1"], id="edges-touching"),
    pytest.param(T0 + 1.25 * HOUR, T0 + 1.5 * HOUR, ["long", "e1"], id="inside-one"),
    pytest.param(T0 + 2 * HOUR, None, ["long", "e2", "e3"], id="start-only"),
    pytest.param(None, T0 + 2 * HOUR, ["e0", "long", "e1"], id="end-only"),
    pytest.param(T0 + 5 * HOUR, T0 + 6 * HOUR, [], id="after-all"),
]


def make_event(uid: str = "b1", *, hours: float = 0, **changes: object) -> CalendarEvent:
    """Booking ``uid``'s one-hour event on app user ``u1``'s calendar, ``hours`` after T0."""
    start = T0 + timedelta(hours=hours)
    event = CalendarEvent(
        uid=uid,
        tenant="t1",
        owner_id="u1",
        booking_id=uid,
        title=f"Meeting {uid}",
        start=start,
        end=start + HOUR,
        time_zone="Europe/Berlin",
        location=f"https://zoom.us/j/{uid}",
        description=f"Join: https://zoom.us/j/{uid}",
        meeting_id=85746065432,
    )
    return attrs.evolve(event, **changes)  # type: ignore[arg-type]


def uids(events: list[CalendarEvent]) -> list[str]:
    """The events' uids, in order."""
    return [event.uid for event in events]


class AsyncCalendarBackendContract:
    """Inherit in a test class and define a ``calendar`` fixture that yields a fresh, empty
    :class:`~zoomlink.AsyncCalendarBackend`. Async tests need pytest-asyncio.
    """

    @pytest.mark.asyncio
    async def test_put_event_is_listed(self, calendar: AsyncCalendarBackend) -> None:
        """An event put on a calendar is listed by events(), equal field for field."""
        event = make_event()
        await calendar.put_event(event)
        assert await calendar.events("t1", "u1") == [event]

    @pytest.mark.asyncio
    async def test_put_with_the_same_key_replaces(self, calendar: AsyncCalendarBackend) -> None:
        """A second put with the same (tenant, owner_id, uid) replaces the event, no duplicate."""
        await calendar.put_event(make_event())
        moved = make_event(hours=3, title="Moved")
        await calendar.put_event(moved)
        assert await calendar.events("t1", "u1") == [moved]

    @pytest.mark.asyncio
    async def test_events_are_kept_per_tenant_and_owner(
        self, calendar: AsyncCalendarBackend
    ) -> None:
        """The same uid on other tenants' or owners' calendars is a separate event."""
        mine = make_event()
        other_owner = make_event(owner_id="u2", title="u2's copy")
        other_tenant = make_event(tenant="t2", title="t2's copy")
        for event in (mine, other_owner, other_tenant):
            await calendar.put_event(event)
        assert await calendar.events("t1", "u1") == [mine]
        assert await calendar.events("t1", "u2") == [other_owner]
        assert await calendar.events("t2", "u1") == [other_tenant]
        assert await calendar.events("t2", "u2") == []
        assert await calendar.remove_event("t2", "u1", "b1") is True
        assert await calendar.events("t1", "u1") == [mine]
        assert await calendar.events("t1", "u2") == [other_owner]

    @pytest.mark.asyncio
    async def test_remove_says_whether_it_was_there(self, calendar: AsyncCalendarBackend) -> None:
        """remove_event removes the event and reports True, then False."""
        await calendar.put_event(make_event())
        assert await calendar.remove_event("t1", "u1", "b1") is True
        assert await calendar.events("t1", "u1") == []
        assert await calendar.remove_event("t1", "u1", "b1") is False

    @pytest.mark.asyncio
    @pytest.mark.parametrize(("start", "end", "expected"), WINDOWS)
    async def test_window_lists_overlapping_events_only(
        self,
        calendar: AsyncCalendarBackend,
        start: datetime | None,
        end: datetime | None,
        expected: list[str],
    ) -> None:
        """events() lists those overlapping [start, end); touching an edge is no overlap."""
        for hours in range(4):
            await calendar.put_event(make_event(f"e{hours}", hours=hours))
        await calendar.put_event(make_event("long", start=T0, end=T0 + 4 * HOUR))
        assert uids(await calendar.events("t1", "u1", start=start, end=end)) == expected

    @pytest.mark.asyncio
    async def test_events_are_ordered_by_start_then_uid(
        self, calendar: AsyncCalendarBackend
    ) -> None:
        """events() orders by start, and events starting together by uid."""
        for uid, hours in [("d", 2), ("c", 0), ("b", 1), ("a", 2)]:
            await calendar.put_event(make_event(uid, hours=hours))
        assert uids(await calendar.events("t1", "u1")) == ["c", "b", "a", "d"]

    @pytest.mark.asyncio
    async def test_concurrent_puts_all_land(self, calendar: AsyncCalendarBackend) -> None:
        """Distinct events put from many callers at once are all stored."""
        events = [make_event(f"e{index:02}", hours=index) for index in range(16)]
        await gather_async(partial(calendar.put_event, event) for event in events)
        assert await calendar.events("t1", "u1") == events

    @pytest.mark.asyncio
    async def test_aware_datetimes_round_trip_equal(self, calendar: AsyncCalendarBackend) -> None:
        """An event with non-UTC aware times reads back equal, its times still aware."""
        new_york = timezone(timedelta(hours=-5))
        start = datetime(2026, 3, 2, 8, 30, tzinfo=new_york)
        event = make_event(start=start, end=start + HOUR, time_zone="America/New_York")
        await calendar.put_event(event)
        [stored] = await calendar.events("t1", "u1", start=start, end=start + HOUR)
        assert stored == event
        assert stored.start.utcoffset() is not None
        assert stored.end.utcoffset() is not None
        assert stored.start == T0 + 4.5 * HOUR
