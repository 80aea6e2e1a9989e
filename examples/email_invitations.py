"""A booking's e-mails, with calendar invitations, sent to a local SMTP server.

zoomlink's SMTPNotificationSink sends each participant a plain-text and HTML e-mail with the
invitation inline and as ``invite.ics``. Here the server is aiosmtpd (a development
dependency: ``pip install aiosmtpd``) on 127.0.0.1, and Zoom is the embedded fake; against a
real mail server, pass its host, ``security`` and login instead.

    python examples/email_invitations.py
"""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta
from email.message import EmailMessage

import attrs
import httpx
import icalendar
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from zoomlink import Booking, EventType, Participant, ZoomApp, ZoomLink
from zoomlink.notify import MailTemplate, SMTPNotificationSink
from zoomlink.testing import FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


class Inbox:
    """Keeps every message the local server accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd's hook for a message's content."""
        parsed = email.message_from_bytes(
            envelope.original_content or b"", policy=email.policy.default
        )
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def show(message: EmailMessage) -> None:
    """One line per message: who, what, and what its invitation does."""
    [ics] = [
        p for p in message.iter_attachments() if p.get_filename() in ("invite.ics", "cancel.ics")
    ]
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    [event] = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    print(
        f"  to {message['To']}: {message['Subject']}\n"
        f"    {calendar['METHOD']} uid={event.uid} sequence={event.sequence}"
        f" location={event.get('LOCATION', '-')}"
    )


def main() -> None:
    """Schedule, move and cancel one booking; show each e-mail and its invitation."""
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=free_port())
    server.start()
    fake = FakeZoom()
    fake.seed(FakeZoom.default_seed())
    mail = SMTPNotificationSink(
        "127.0.0.1",
        server.port,
        sender="Bookings <bookings@example.com>",
        security="none",  # a local test server; use "starttls" or "ssl" and a login for real
        templates={
            "meeting_scheduled": MailTemplate(
                subject="Your booking: $title",
                text="Hello!\n\n$text\n\nSee you there.\n",
                html="<p>Hello!</p><p>$text</p><p><a href='$join_url'>Join Zoom</a></p>",
            )
        },
    )
    try:
        with ZoomLink(
            APP,
            http_client=httpx.Client(transport=httpx.MockTransport(fake)),
            clock=fake.clock,
            notifications=mail,
        ) as zoom:
            url = zoom.personal_connect_url("alice")
            zoom.complete_connect(fake.approve(url, "u_owner"), user_id="alice")
            start = (fake.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
            booking = Booking(
                id="bk_2001",
                event_type=EventType(id="consult", title="Consultation", location="zoom"),
                host=Participant(
                    name="Alice",
                    time_zone="Europe/Berlin",
                    email="alice@example.com",
                    user_id="alice",
                ),
                clients=[
                    Participant(
                        name="Carol", time_zone="America/New_York", email="carol@example.net"
                    )
                ],
                start=start,
                end=start + timedelta(minutes=30),
                title="Consultation with Carol",
            )
            later = start + timedelta(hours=1)
            moved = attrs.evolve(booking, start=later, end=later + timedelta(minutes=30))
            for name, call, which in (
                ("booked", zoom.schedule, booking),
                ("moved", zoom.reschedule, moved),
                ("cancelled", zoom.cancel, moved),
            ):
                seen = len(inbox.messages)
                outcome = call(which)
                print(
                    f"{name}: {len(inbox.messages) - seen} e-mails,"
                    f" undelivered {list(outcome.undelivered)}"
                )
                for message in inbox.messages[seen:]:
                    show(message)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
