# This file is generated from src/zoomlink/_async/_notify.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Notification sinks that ship with zoomlink: one that logs, one that remembers."""

from __future__ import annotations

import logging
import threading

from zoomlink.models import Notification
from zoomlink.protocols import NotificationSink

logger = logging.getLogger("zoomlink.notify")

# Notices that ask the recipient to act are warnings; the rest are information.
_LEVELS = {"action_required": logging.WARNING}


class LoggingNotificationSink:
    """Writes each notification to the ``zoomlink.notify`` logger (WARNING for action
    required): the default, so no notice is silently dropped when the host wires none.

    Args:
        logger: The logger to write to.
    """

    def __init__(self, logger: logging.Logger = logger) -> None:
        self.logger = logger

    def __repr__(self) -> str:
        return f"{type(self).__name__}(logger={self.logger.name!r})"

    def notify(self, notification: Notification) -> None:
        """Log one notification (its text carries no secret), with its key so that a log
        reader can tell a retried notice from a new one."""
        level = _LEVELS.get(notification.kind, logging.INFO)
        self.logger.log(
            level,
            "%s for %s (tenant %s, key %s): %s",
            notification.subject,
            notification.recipient_id,
            notification.tenant,
            notification.key,
            notification.text,
            extra={"notification_key": notification.key},
        )


class MemoryNotificationSink:
    """Keeps every notification in a list, for tests and demos."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._sent: list[Notification] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(sent={len(self._sent)})"

    def notify(self, notification: Notification) -> None:
        """Remember one notification."""
        with self._guard:
            self._sent.append(notification)

    @property
    def sent(self) -> list[Notification]:
        """Every notification so far, oldest first (a copy)."""
        with self._guard:
            return list(self._sent)

    def clear(self) -> None:
        """Forget the notifications so far."""
        with self._guard:
            self._sent.clear()


class ChannelNotificationSink:
    """Hands each notification to the sink for its channel, so e-mail and SMS recipients of
    one booking are each told their own way.

    Args:
        email: The sink for ``email`` notifications.
        sms: The sink for ``sms`` notifications.
    """

    def __init__(self, *, email: NotificationSink, sms: NotificationSink) -> None:
        self.email = email
        self.sms = sms

    def __repr__(self) -> str:
        return f"{type(self).__name__}(email={self.email!r}, sms={self.sms!r})"

    def notify(self, notification: Notification) -> None:
        """Deliver through the sink for the notification's channel (its errors pass through)."""
        sink = self.sms if notification.channel == "sms" else self.email
        sink.notify(notification)
