"""Calendar backends: where zoomlink writes the booking events on app users' calendars.

zoomlink puts one :class:`~zoomlink.CalendarEvent` per booking on the host's calendar
(and on a client's, when the client is an app user), replaces it on reschedule and removes it on
cancel. Any object with ``put_event``, ``remove_event`` and ``events`` fits the
:class:`~zoomlink.CalendarBackend` protocol (``async def`` methods for
:class:`~zoomlink.AsyncCalendarBackend`).

* :class:`MemoryCalendarBackend` / :class:`AsyncMemoryCalendarBackend` — keeps the events in
  this process's memory, for tests and demos; ``all_events()`` shows everything stored.

A backend of your own fits too: run
:class:`zoomlink.testing.contracts.CalendarBackendContract` against it.
"""

from zoomlink._async._memory_calendar import AsyncMemoryCalendarBackend
from zoomlink._sync._memory_calendar import MemoryCalendarBackend

__all__ = [
    "AsyncMemoryCalendarBackend",
    "MemoryCalendarBackend",
]

# Show the classes as zoomlink.calendars.X in reprs, tracebacks and the docs.
for _name in __all__:
    globals()[_name].__module__ = "zoomlink.calendars"
del _name
