"""Notification sinks that ship with zoomlink.

A sink receives :class:`~zoomlink.Notification` values — booking messages and notices such as
"Action required: reconnect Zoom" — and delivers them. Any object with a
``notify(notification)`` method fits the :class:`~zoomlink.NotificationSink` protocol
(``async def notify`` for :class:`~zoomlink.AsyncNotificationSink`).

* :class:`LoggingNotificationSink` — writes to the ``zoomlink.notify`` logger; the default.
* :class:`MemoryNotificationSink` — keeps them in a list, for tests.
* :class:`SMTPNotificationSink` — e-mail through an SMTP server, with calendar invitations.
* :class:`SMSNotificationSink` — SMS through a provider's HTTP message API.
* :class:`ChannelNotificationSink` — hands each notification to the sink for its channel.
"""

from zoomlink._async._mail import AsyncSMTPNotificationSink
from zoomlink._async._notify import (
    AsyncChannelNotificationSink,
    AsyncLoggingNotificationSink,
    AsyncMemoryNotificationSink,
)
from zoomlink._async._sms import AsyncSMSNotificationSink
from zoomlink._core._mail import MailTemplate
from zoomlink._sync._mail import SMTPNotificationSink
from zoomlink._sync._notify import (
    ChannelNotificationSink,
    LoggingNotificationSink,
    MemoryNotificationSink,
)
from zoomlink._sync._sms import SMSNotificationSink

__all__ = [
    "AsyncChannelNotificationSink",
    "AsyncLoggingNotificationSink",
    "AsyncMemoryNotificationSink",
    "AsyncSMSNotificationSink",
    "AsyncSMTPNotificationSink",
    "ChannelNotificationSink",
    "LoggingNotificationSink",
    "MailTemplate",
    "MemoryNotificationSink",
    "SMSNotificationSink",
    "SMTPNotificationSink",
]

for _name in __all__:
    globals()[_name].__module__ = "zoomlink.notify"
del _name
