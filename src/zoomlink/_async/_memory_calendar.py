"""AsyncMemoryCalendarBackend: app users' calendars kept in this process's memory."""

from __future__ import annotations

import threading
from datetime import datetime

from zoomlink._core._calendar_window import check_window, overlaps
from zoomlink.booking import CalendarEvent

_Key = tuple[str, str, str]


class AsyncMemoryCalendarBackend:
    """Keeps app users' calendars in this process's memory: for tests and demos.

    Events are keyed by ``(tenant, owner_id, uid)``; everything is lost when the process ends.
    Safe to share between the threads or coroutines of one process. :meth:`all_events` shows
    every stored event, for assertions in tests.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._events: dict[_Key, CalendarEvent] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(events={len(self._events)})"

    async def put_event(self, event: CalendarEvent) -> None:
        """Add the event, or replace the one with the same ``(tenant, owner_id, uid)``."""
        if not isinstance(event, CalendarEvent):
            raise TypeError(f"put_event() takes a CalendarEvent, got {type(event).__name__}")
        with self._guard:
            self._events[(event.tenant, event.owner_id, event.uid)] = event

    async def remove_event(self, tenant: str, owner_id: str, uid: str) -> bool:
        """Remove an event; whether it was there."""
        with self._guard:
            return self._events.pop((tenant, owner_id, uid), None) is not None

    async def events(
        self,
        tenant: str,
        owner_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CalendarEvent]:
        """The owner's events overlapping ``[start, end)`` (all when not given), by start.

        An event overlaps when it starts before ``end`` and ends after ``start``; an event that
        merely touches an edge does not. Raises :class:`~zoomlink.InvalidInputError` for a
        naive bound or an ``end`` not after ``start``.
        """
        check_window(start, end)
        with self._guard:
            owned = [
                event
                for (event_tenant, event_owner, _), event in self._events.items()
                if event_tenant == tenant and event_owner == owner_id
            ]
        return sorted(
            (event for event in owned if overlaps(event, start, end)),
            key=lambda event: (event.start, event.uid),
        )

    def all_events(self) -> list[CalendarEvent]:
        """Every stored event, by tenant, owner, start and uid (a copy, for tests)."""
        with self._guard:
            stored = list(self._events.values())
        return sorted(
            stored, key=lambda event: (event.tenant, event.owner_id, event.start, event.uid)
        )
