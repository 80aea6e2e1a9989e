"""Every notification sink zoomlink ships keeps the notification sink contract, sync and async
(SPEC S6.4): logging and memory, and SMTP and SMS against real local servers, which also keep
the failure contract."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.mail_server import (
    PASSWORD,
    USERNAME,
    Certificate,
    MailServer,
    free_port,
    mail_server,
    self_signed,
)
from tests.sms_server import ACCOUNT, TOKEN, SMSRequest, sms_server
from zoomlink.notify import (
    AsyncChannelNotificationSink,
    AsyncLoggingNotificationSink,
    AsyncMemoryNotificationSink,
    AsyncSMSNotificationSink,
    AsyncSMTPNotificationSink,
    ChannelNotificationSink,
    LoggingNotificationSink,
    MemoryNotificationSink,
    SMSNotificationSink,
    SMTPNotificationSink,
)
from zoomlink.testing.contracts import (
    AsyncNotificationSinkContract,
    AsyncNotificationSinkFailureContract,
    Delivered,
    NotificationSinkContract,
    NotificationSinkFailureContract,
)

Received = Callable[[], list[Delivered]]
SENDER = "Bookings <bookings@app.example.com>"


# -- memory -----------------------------------------------------------------------------------


class TestMemoryNotificationSink(NotificationSinkContract):
    """MemoryNotificationSink keeps the contract."""

    @pytest.fixture
    def sink(self) -> MemoryNotificationSink:
        """A fresh memory sink."""
        return MemoryNotificationSink()

    @pytest.fixture
    def received(self, sink: MemoryNotificationSink) -> Received:
        """What the sink kept."""
        return lambda: [Delivered(n.key, n.address, n.text) for n in sink.sent]


class TestAsyncMemoryNotificationSink(AsyncNotificationSinkContract):
    """AsyncMemoryNotificationSink keeps the contract."""

    @pytest.fixture
    def sink(self) -> AsyncMemoryNotificationSink:
        """A fresh memory sink."""
        return AsyncMemoryNotificationSink()

    @pytest.fixture
    def received(self, sink: AsyncMemoryNotificationSink) -> Received:
        """What the sink kept."""
        return lambda: [Delivered(n.key, n.address, n.text) for n in sink.sent]


# -- by channel -------------------------------------------------------------------------------


class TestChannelNotificationSink(NotificationSinkContract):
    """ChannelNotificationSink keeps the contract for e-mail, handing each notice to the e-mail
    sink alone."""

    @pytest.fixture
    def sinks(self) -> dict[str, MemoryNotificationSink]:
        """A memory sink per channel."""
        return {"email": MemoryNotificationSink(), "sms": MemoryNotificationSink()}

    @pytest.fixture
    def sink(self, sinks: dict[str, MemoryNotificationSink]) -> ChannelNotificationSink:
        """The router over them."""
        return ChannelNotificationSink(email=sinks["email"], sms=sinks["sms"])

    @pytest.fixture
    def received(self, sinks: dict[str, MemoryNotificationSink]) -> Received:
        """What reached the channel's sink, after checking the other got nothing."""

        def read() -> list[Delivered]:
            other = "sms" if self.channel == "email" else "email"
            assert sinks[other].sent == []
            return [Delivered(n.key, n.address, n.text) for n in sinks[self.channel].sent]

        return read


class TestChannelNotificationSinkForSMS(TestChannelNotificationSink):
    """... and for SMS, handing each notice to the SMS sink alone."""

    channel = "sms"


class TestAsyncChannelNotificationSink(AsyncNotificationSinkContract):
    """AsyncChannelNotificationSink keeps the contract for SMS."""

    channel = "sms"

    @pytest.fixture
    def sinks(self) -> dict[str, AsyncMemoryNotificationSink]:
        """A memory sink per channel."""
        return {"email": AsyncMemoryNotificationSink(), "sms": AsyncMemoryNotificationSink()}

    @pytest.fixture
    def sink(self, sinks: dict[str, AsyncMemoryNotificationSink]) -> AsyncChannelNotificationSink:
        """The router over them."""
        return AsyncChannelNotificationSink(email=sinks["email"], sms=sinks["sms"])

    @pytest.fixture
    def received(self, sinks: dict[str, AsyncMemoryNotificationSink]) -> Received:
        """What reached the SMS sink, after checking the e-mail sink got nothing."""

        def read() -> list[Delivered]:
            assert sinks["email"].sent == []
            return [Delivered(n.key, n.address, n.text) for n in sinks["sms"].sent]

        return read


# -- logging ----------------------------------------------------------------------------------


class _Records(logging.Handler):
    """Keeps the records a logger emits."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, _Records]]:
    """A logger of its own, and the records it emits."""
    logger = logging.getLogger("tests.notify.contract")
    handler = _Records()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, handler
    logger.removeHandler(handler)


def logged(handler: _Records) -> Received:
    """The log lines as deliveries: the key as the sink writes it, the line as the text."""
    return lambda: [
        Delivered(str(r.__dict__["notification_key"]), None, r.getMessage())
        for r in handler.records
    ]


class TestLoggingNotificationSink(NotificationSinkContract):
    """LoggingNotificationSink keeps the contract: every notice is a log line with its key."""

    @pytest.fixture
    def sink(self, log: tuple[logging.Logger, _Records]) -> LoggingNotificationSink:
        """A sink writing to the test's logger."""
        return LoggingNotificationSink(log[0])

    @pytest.fixture
    def received(self, log: tuple[logging.Logger, _Records]) -> Received:
        """The lines it wrote."""
        return logged(log[1])


class TestAsyncLoggingNotificationSink(AsyncNotificationSinkContract):
    """AsyncLoggingNotificationSink keeps the contract."""

    @pytest.fixture
    def sink(self, log: tuple[logging.Logger, _Records]) -> AsyncLoggingNotificationSink:
        """A sink writing to the test's logger."""
        return AsyncLoggingNotificationSink(log[0])

    @pytest.fixture
    def received(self, log: tuple[logging.Logger, _Records]) -> Received:
        """The lines it wrote."""
        return logged(log[1])


# -- SMTP -------------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """A throwaway self-signed certificate for 127.0.0.1."""
    return self_signed(tmp_path)


@pytest.fixture
def server(certificate: Certificate) -> Iterator[MailServer]:
    """A STARTTLS server that demands a login."""
    with mail_server("starttls", certificate, login=True) as running:
        yield running


def mails(server: MailServer) -> Received:
    """The server's messages as deliveries: the key from the Message-ID, the plain body."""

    def read() -> list[Delivered]:
        found = []
        for mail in server.received:
            body = mail.message.get_body(("plain",))
            assert body is not None
            key = str(mail.message["Message-ID"]).strip("<>").partition("@")[0]
            text = str(body.get_content()).replace("\r\n", "\n")
            found.append(Delivered(key, mail.recipients[0], text))
        return found

    return read


def smtp_settings(port: int, certificate: Certificate, password: str = PASSWORD) -> dict[str, Any]:
    """Where and how the SMTP sinks of these tests send."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "sender": SENDER,
        "username": USERNAME,
        "password": password,
        "ssl_context": certificate.client_context,
        "timeout": 10.0,
    }


class TestSMTPNotificationSink(NotificationSinkContract, NotificationSinkFailureContract):
    """SMTPNotificationSink keeps both contracts against a STARTTLS server."""

    @pytest.fixture
    def sink(self, server: MailServer, certificate: Certificate) -> SMTPNotificationSink:
        """A sink for the test server."""
        return SMTPNotificationSink(**smtp_settings(server.port, certificate))

    @pytest.fixture
    def received(self, server: MailServer) -> Received:
        """What the server accepted."""
        return mails(server)

    @pytest.fixture
    def failing_sink(self, server: MailServer, certificate: Certificate) -> SMTPNotificationSink:
        """A sink whose login the server refuses."""
        return SMTPNotificationSink(**smtp_settings(server.port, certificate, "not-" + PASSWORD))

    @pytest.fixture
    def secret(self) -> str:
        """The wrong password it holds."""
        return "not-" + PASSWORD


class TestAsyncSMTPNotificationSink(
    AsyncNotificationSinkContract, AsyncNotificationSinkFailureContract
):
    """AsyncSMTPNotificationSink keeps both contracts; its failing twin finds no server."""

    @pytest.fixture
    def sink(self, server: MailServer, certificate: Certificate) -> AsyncSMTPNotificationSink:
        """A sink for the test server."""
        return AsyncSMTPNotificationSink(**smtp_settings(server.port, certificate))

    @pytest.fixture
    def received(self, server: MailServer) -> Received:
        """What the server accepted."""
        return mails(server)

    @pytest.fixture
    def failing_sink(self, certificate: Certificate) -> AsyncSMTPNotificationSink:
        """A sink for a port nothing listens on."""
        return AsyncSMTPNotificationSink(**smtp_settings(free_port(), certificate))

    @pytest.fixture
    def secret(self) -> str:
        """The password it holds."""
        return PASSWORD


# -- SMS --------------------------------------------------------------------------------------


@pytest.fixture
def provider() -> Iterator[tuple[str, list[SMSRequest]]]:
    """The local message API."""
    with sms_server() as running:
        yield running


def texts(requests: list[SMSRequest]) -> Received:
    """The API's requests as deliveries: the key from the idempotency header."""
    return lambda: [
        Delivered(r.headers["Idempotency-Key"], r.form["To"], r.form["Body"]) for r in requests
    ]


class TestSMSNotificationSink(NotificationSinkContract, NotificationSinkFailureContract):
    """SMSNotificationSink keeps both contracts against the local API."""

    channel = "sms"

    @pytest.fixture
    def sink(self, provider: tuple[str, list[SMSRequest]]) -> Iterator[SMSNotificationSink]:
        """A sink for the local API."""
        sink = SMSNotificationSink(ACCOUNT, TOKEN, sender="+15017122661", base_url=provider[0])
        yield sink
        sink.close()

    @pytest.fixture
    def received(self, provider: tuple[str, list[SMSRequest]]) -> Received:
        """What the API received."""
        return texts(provider[1])

    @pytest.fixture
    def failing_sink(self, provider: tuple[str, list[SMSRequest]]) -> Iterator[SMSNotificationSink]:
        """A sink whose token the API refuses."""
        sink = SMSNotificationSink(
            ACCOUNT, "x" + TOKEN, sender="+15017122661", base_url=provider[0]
        )
        yield sink
        sink.close()

    @pytest.fixture
    def secret(self) -> str:
        """The wrong token it holds."""
        return "x" + TOKEN


class TestAsyncSMSNotificationSink(
    AsyncNotificationSinkContract, AsyncNotificationSinkFailureContract
):
    """AsyncSMSNotificationSink keeps both contracts; its failing twin finds no API."""

    channel = "sms"

    @pytest_asyncio.fixture
    async def sink(
        self, provider: tuple[str, list[SMSRequest]]
    ) -> AsyncIterator[AsyncSMSNotificationSink]:
        """A sink for the local API."""
        sink = AsyncSMSNotificationSink(ACCOUNT, TOKEN, sender="+15017122661", base_url=provider[0])
        yield sink
        await sink.aclose()

    @pytest.fixture
    def received(self, provider: tuple[str, list[SMSRequest]]) -> Received:
        """What the API received."""
        return texts(provider[1])

    @pytest_asyncio.fixture
    async def failing_sink(self) -> AsyncIterator[AsyncSMSNotificationSink]:
        """A sink for a port nothing listens on."""
        nowhere = f"http://127.0.0.1:{free_port()}"
        sink = AsyncSMSNotificationSink(ACCOUNT, TOKEN, sender="+15017122661", base_url=nowhere)
        yield sink
        await sink.aclose()

    @pytest.fixture
    def secret(self) -> str:
        """The token it holds."""
        return TOKEN
