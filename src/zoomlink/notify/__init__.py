"""Notification sinks that ship with zoomlink.

A sink receives :class:`~zoomlink.Notification` values — today the "Action required: reconnect
Zoom" notice — and delivers them. Any object with a ``notify(notification)`` method fits the
:class:`~zoomlink.NotificationSink` protocol (``async def notify`` for
:class:`~zoomlink.AsyncNotificationSink`).

* :class:`LoggingNotificationSink` — writes to the ``zoomlink.notify`` logger; the default.
* :class:`MemoryNotificationSink` — keeps them in a list, for tests.
"""

from zoomlink._async._notify import AsyncLoggingNotificationSink, AsyncMemoryNotificationSink
from zoomlink._sync._notify import LoggingNotificationSink, MemoryNotificationSink

__all__ = [
    "AsyncLoggingNotificationSink",
    "AsyncMemoryNotificationSink",
    "LoggingNotificationSink",
    "MemoryNotificationSink",
]

for _name in __all__:
    globals()[_name].__module__ = "zoomlink.notify"
del _name
