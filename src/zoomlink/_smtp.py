"""Talking to an SMTP server with the standard library's ``smtplib``: plain, STARTTLS or implicit
TLS, with an optional login. Every failure becomes a :class:`~zoomlink.DeliveryError` that names
the server, the login name or the refused address, never the password.

The async transport runs the same code in a worker thread, so the event loop never blocks."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from typing import Literal

import attrs

from zoomlink.errors import ConfigurationError, DeliveryError

Security = Literal["starttls", "ssl", "none"]
"""``starttls``: upgrade a plain connection (port 587); ``ssl``: TLS from the first byte (port
465); ``none``: no TLS (a relay on the same host only)."""


@attrs.frozen(kw_only=True)
class SMTPServer:
    """Where and how to send mail."""

    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    ssl_context: ssl.SSLContext | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0

    def __attrs_post_init__(self) -> None:
        if self.security not in ("starttls", "ssl", "none"):
            raise ConfigurationError(
                f"security must be starttls, ssl or none; got {self.security!r}"
            )
        if (self.username is None) != (self.password is None):
            raise ConfigurationError("give both username and password for an SMTP login")

    @property
    def name(self) -> str:
        """``host:port``, as error messages show it."""
        return f"{self.host}:{self.port}"


def _fail(server: SMTPServer, stage: str, what: str, error: BaseException) -> DeliveryError:
    detail = str(error)
    if server.password:
        detail = detail.replace(server.password, "***")
    return DeliveryError(
        f"SMTP server {server.name}: {what} ({type(error).__name__}: {detail})",
        channel="email",
        stage=stage,
    )


class SMTPTransport:
    """Sends one message per connection (booking messages are few; no idle connection)."""

    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = server.ssl_context or ssl.create_default_context()
        try:
            if server.security == "ssl":
                return smtplib.SMTP_SSL(
                    server.host, server.port, timeout=server.timeout, context=context
                )
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise _fail(server, "connect", "could not connect", error) from None
        if server.security == "starttls":
            try:
                client.starttls(context=context)
            except (OSError, smtplib.SMTPException) as error:
                client.close()
                raise _fail(server, "tls", "STARTTLS failed", error) from None
        return client

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Deliver ``message`` to ``recipient`` (its envelope address)."""
        server = self.server
        client = self._connect()
        try:
            if server.username is not None and server.password is not None:
                try:
                    client.login(server.username, server.password)
                except (OSError, smtplib.SMTPException) as error:
                    raise _fail(
                        server, "login", f"refused the login of {server.username!r}", error
                    ) from None
            try:
                client.send_message(message, to_addrs=[recipient])
            except smtplib.SMTPRecipientsRefused as error:
                raise _fail(
                    server, "recipient", f"refused the recipient {recipient}", error
                ) from None
            except smtplib.SMTPSenderRefused as error:
                raise _fail(
                    server, "sender", f"refused the sender {error.sender!r}", error
                ) from None
            except (OSError, smtplib.SMTPException) as error:
                raise _fail(server, "send", "could not send the message", error) from None
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


class AsyncSMTPTransport:
    """:class:`SMTPTransport` for asyncio: ``smtplib`` in a worker thread."""

    def __init__(self, server: SMTPServer) -> None:
        self.server = server
        self._transport = SMTPTransport(server)

    async def send(self, message: EmailMessage, recipient: str) -> None:
        """Deliver ``message`` to ``recipient`` without blocking the event loop."""
        await asyncio.to_thread(self._transport.send, message, recipient)
