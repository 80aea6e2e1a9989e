"""Calendar backends: where zoomlink writes the booking events on app users' calendars.

zoomlink puts one :class:`~zoomlink.CalendarEvent` per booking on the host's calendar
(and on a client's, when the client is an app user), replaces it on reschedule and removes it on
cancel, and reads the host's busy time from it for conflict checks and free slots. Any object
with ``put_event``, ``remove_event`` and ``events`` fits the :class:`~zoomlink.CalendarBackend`
protocol (``async def`` methods for :class:`~zoomlink.AsyncCalendarBackend`).

* :class:`MemoryCalendarBackend` / :class:`AsyncMemoryCalendarBackend` — keeps the events in
  this process's memory, for tests and demos; ``all_events()`` shows everything stored.
* :class:`CalDAVCalendarBackend` / :class:`AsyncCalDAVCalendarBackend` — each app user's
  :class:`CalDAVCalendar` on a CalDAV server (Nextcloud, Fastmail, iCloud, Radicale …); needs
  the ``caldav`` extra (``pip install 'zoomlink[caldav]'``).

A backend of your own fits too: run
:class:`zoomlink.testing.contracts.CalendarBackendContract` against it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from zoomlink._async._memory_calendar import AsyncMemoryCalendarBackend
from zoomlink._sync._memory_calendar import MemoryCalendarBackend
from zoomlink.errors import ConfigurationError

if TYPE_CHECKING:
    from zoomlink._async._caldav_calendar import AsyncCalDAVCalendarBackend
    from zoomlink._caldav import CalDAVCalendar
    from zoomlink._sync._caldav_calendar import CalDAVCalendarBackend

__all__ = [
    "AsyncCalDAVCalendarBackend",
    "AsyncMemoryCalendarBackend",
    "CalDAVCalendar",
    "CalDAVCalendarBackend",
    "MemoryCalendarBackend",
]

# The CalDAV names are imported on first use: they need the optional caldav extra.
_LAZY = {
    "AsyncCalDAVCalendarBackend": "zoomlink._async._caldav_calendar",
    "CalDAVCalendar": "zoomlink._caldav",
    "CalDAVCalendarBackend": "zoomlink._sync._caldav_calendar",
}
# What the extra brings, as import names.
_EXTRA_MODULES = {"caldav", "icalendar", "recurring_ical_events", "lxml"}


def __getattr__(name: str) -> object:
    """Import a CalDAV name on first use; a missing extra is a ConfigurationError."""
    if name not in _LAZY:
        raise AttributeError(f"module 'zoomlink.calendars' has no attribute {name!r}")
    try:
        module = importlib.import_module(_LAZY[name])
    except ImportError as missing:
        if (missing.name or "").split(".")[0] not in _EXTRA_MODULES:
            raise
        raise ConfigurationError(
            f"zoomlink.calendars.{name} needs the caldav extra "
            f"({missing.name} is not installed): pip install 'zoomlink[caldav]'"
        ) from missing
    value: object = getattr(module, name)
    _present(value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the CalDAV ones included before their first use."""
    return sorted({*globals(), *_LAZY})


def _present(value: object) -> None:
    # Show the classes as zoomlink.calendars.X in reprs, tracebacks and the docs.
    if isinstance(value, type):
        value.__module__ = "zoomlink.calendars"


for _name in ("AsyncMemoryCalendarBackend", "MemoryCalendarBackend"):
    _present(globals()[_name])
del _name
