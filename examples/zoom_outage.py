"""Booking while Zoom is down: accept the booking now, give it its meeting when Zoom is back.

``schedule(..., defer=True)`` keeps what Zoom cannot take (an outage, a rate limit, the
host's daily quota) in the store and answers ``pending``; ``run_pending()`` — from cron,
Celery beat, a FastAPI lifespan task, or ``zoomlink worker`` — makes the meeting later,
exactly once, and only then tells the client and the host. A cancel that comes first leaves
no meeting behind. Runs against the embedded fake Zoom:

    python examples/zoom_outage.py
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from zoomlink import Booking, EventType, Participant, ZoomApp, ZoomLink
from zoomlink.notify import MemoryNotificationSink
from zoomlink.testing import FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)
HOST = Participant(
    name="Alice", time_zone="Europe/Berlin", email="alice@example.com", user_id="alice"
)
CLIENT = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")


def main() -> None:
    """Book twice during an outage, cancel one, and let run_pending finish after it."""
    fake = FakeZoom()
    fake.seed(FakeZoom.default_seed())
    sink = MemoryNotificationSink()
    with ZoomLink(
        APP,
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake.clock,
        notifications=sink,
    ) as zoom:
        url = zoom.personal_connect_url("alice")
        zoom.complete_connect(fake.approve(url, "u_owner"), user_id="alice")
        start = fake.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
        bookings = [
            Booking(
                id=f"bk_{number}",
                event_type=EventType(id="consult", title="Consultation", location="zoom"),
                host=HOST,
                clients=(CLIENT,),
                start=start + timedelta(hours=number),
                end=start + timedelta(hours=number, minutes=30),
                title="Consultation",
            )
            for number in (1, 2)
        ]

        fake.inject("*", status=503, times=1000)  # Zoom is down
        for booking in bookings:
            outcome = zoom.schedule(booking, defer=True)
            print(f"{booking.id}: {outcome.action}, to be tried from {outcome.retry_at:%H:%M} UTC")
        # Nothing of bk_2 reached Zoom yet: the cancel drops its kept create (action "none").
        print("cancelled during the outage:", zoom.cancel(bookings[1]).action)
        for work in zoom.pending_work():
            print(f"kept: {work.booking_id} {work.intent} ({work.last_error[:40]}…)")
        print("messages sent so far:", len(sink.sent))

        fake.clear_faults()  # Zoom is back
        fake.advance(timedelta(minutes=10))
        report = zoom.run_pending()
        print("run_pending:", f"done {list(report.done)}, kept {list(report.deferred)}")
        outcome = zoom.schedule(bookings[0])  # a repeat returns the meeting it has
        print(f"{bookings[0].id}: {outcome.action}, {outcome.join_url}")
        print("meetings in Zoom:", len(fake.meetings("u_owner")))
        for message in sink.sent:
            print(f"told {message.role} {message.address}: {message.subject}")


if __name__ == "__main__":
    main()
