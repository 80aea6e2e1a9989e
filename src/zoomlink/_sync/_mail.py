# This file is generated from src/zoomlink/_async/_mail.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""SMTPNotificationSink: booking messages and notices as e-mail, with calendar invitations."""

from __future__ import annotations

import ssl
from collections.abc import Mapping

from zoomlink._core import _mail, _recipients
from zoomlink._core._mail import MailTemplate
from zoomlink._core._recipients import Lookup
from zoomlink._smtp import SMTPTransport, Security, SMTPServer
from zoomlink.models import Notification, NotificationKind


class SMTPNotificationSink:
    """Sends each e-mail notification through an SMTP server: a plain-text and an HTML body,
    and for booking messages the calendar invitation (``text/calendar`` with ``METHOD:REQUEST``
    or ``CANCEL``, and an ``.ics`` attachment). The Message-ID carries the notice's dedupe key.

    Args:
        host: The SMTP server.
        port: Its port (587 for STARTTLS, 465 for ``security="ssl"``).
        sender: The From address, e.g. ``"Bookings <bookings@example.com>"``.
        security: ``starttls`` (the default), ``ssl`` or ``none``.
        username: The login name, when the server wants a login.
        password: The login password (never shown in errors or reprs).
        ssl_context: The TLS settings; the system's trusted CAs by default.
        timeout: Seconds to wait for the server.
        templates: :class:`MailTemplate` s by notification kind, replacing the default for
            those kinds.
        address_for: Looks up the recipient's address when a notice carries none (the
            "reconnect Zoom" notice names an app user, not an address).

    Raises:
        ConfigurationError: For a sender that is not an address, a template with an unknown
            placeholder, a username without password, or an unknown ``security``.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        sender: str,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        templates: Mapping[NotificationKind, MailTemplate] | None = None,
        address_for: Lookup | None = None,
    ) -> None:
        _mail.check_sender(sender)
        self.templates = dict(templates or {})
        _mail.check_templates(self.templates)
        self.sender = sender
        self.address_for = address_for
        self._transport = SMTPTransport(
            SMTPServer(
                host=host,
                port=port,
                security=security,
                username=username,
                password=password,
                ssl_context=ssl_context,
                timeout=timeout,
            )
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(server={self._transport.server.name!r}, sender={self.sender!r})"
        )

    def notify(self, notification: Notification) -> None:
        """Send one notification as an e-mail.

        Raises:
            DeliveryError: The notice is for SMS, has no address and none was found, or the
                server could not be reached, refused the login or the recipient; ``stage``
                says which.
        """
        recipient = _recipients.recipient(notification, "email", self.address_for)
        template = self.templates.get(notification.kind, _mail.DEFAULT_TEMPLATE)
        message = _mail.message(
            notification, recipient=recipient, sender=self.sender, template=template
        )
        self._transport.send(message, recipient)
