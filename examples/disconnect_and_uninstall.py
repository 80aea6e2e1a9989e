"""Disconnect and uninstall, end to end against the fake Zoom.

Mia connects Zoom and gets a booking with a Zoom link; she disconnects in the app (the grant is
revoked and every Zoom value purged, the booking stays and can still be moved); she connects
again and later uninstalls the app in Zoom, whose ``app_deauthorized`` webhook purges the rest
and asks her to reconnect. After each step the proof check finds nothing:

    python examples/disconnect_and_uninstall.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from zoomlink import (
    Actor,
    Booking,
    EventType,
    Participant,
    WebhookHandler,
    ZoomApp,
    ZoomLink,
)
from zoomlink.calendars import MemoryCalendarBackend
from zoomlink.notify import MemoryNotificationSink
from zoomlink.testing import FakeClock, FakeZoom

SECRET = "webhook-secret-token"  # the app's Secret Token, from its Marketplace page
APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
    webhook_secret=SECRET,
)
MIA = Participant(name="Mia", time_zone="Europe/Berlin", email="mia@example.com", user_id="mia")
JO = Participant(name="Jo", time_zone="America/Chicago", email="jo@example.net")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def booking(booking_id: str, start: datetime) -> Booking:
    """A half-hour Zoom consultation of Jo's with Mia."""
    return Booking(
        id=booking_id,
        event_type=EventType(id="consult", title="Consultation", location="zoom"),
        host=MIA,
        clients=(JO,),
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation with Jo",
    )


def main() -> None:
    """The whole story, printed step by step."""
    fake = FakeZoom(clock=FakeClock(NOW), webhook_secret=SECRET, webhook_callback=lambda h, b: None)
    fake.seed(FakeZoom.default_seed())
    notices = MemoryNotificationSink()
    with ZoomLink(
        APP,
        notifications=notices,
        calendar=MemoryCalendarBackend(),
        reconnect_url="https://app.example.com/settings/zoom",
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake,
    ) as zoom:
        webhooks = WebhookHandler(zoom)  # mounted at your webhook URL in a real app
        sent: list[int] = [0]

        def deliver() -> None:
            """What Zoom does after each request: POST its signed events to the app."""
            for delivery in fake.webhook_deliveries[sent[0] :]:
                answer = webhooks.handle(delivery.headers, delivery.body)
                print(f"   webhook {delivery.event}: {answer.status} {answer.json()}")
            sent[0] = len(fake.webhook_deliveries)

        print("1. Mia connects Zoom and Jo books a consultation")
        connection = zoom.complete_connect(
            fake.approve(zoom.personal_connect_url("mia"), "u_member"), user_id="mia"
        )
        outcome = zoom.schedule(booking("b-1", NOW + timedelta(days=2)))
        print(f"   {outcome.action}: {outcome.join_url}")
        known = [connection.zoom_user_id, connection.zoom_email, str(outcome.meeting_id)]
        deliver()

        print("2. Mia disconnects Zoom in the app")
        report = zoom.disconnect(connection.id, actor=Actor("mia"))
        print(f"   purged: {dict(report.removed)}; relied on it: {report.event_types}")
        deliver()
        print(f"   proof check clean: {zoom.find_zoom_data(connection.id, values=known).clean}")
        moved = zoom.reschedule(booking("b-1", NOW + timedelta(days=3)))
        print(f"   the booking still moves: {moved.action}, no Zoom link: {moved.join_url!r}")

        print("3. Mia connects again, books, then uninstalls the app in Zoom")
        connection = zoom.complete_connect(
            fake.approve(zoom.personal_connect_url("mia"), "u_member"), user_id="mia"
        )
        outcome = zoom.schedule(booking("b-2", NOW + timedelta(days=4)))
        known = [connection.zoom_user_id, connection.zoom_email, str(outcome.meeting_id)]
        deliver()
        fake.uninstall("u_member", APP.client_id)
        deliver()
        now = zoom.connection(connection.id)
        print(f"   connection {now.status}: {now.status_reason}")
        for notice in notices.sent:
            if notice.kind == "action_required":
                print(f"   told {notice.recipient_id}: {notice.subject}")
        print(f"   proof check clean: {zoom.find_zoom_data(connection.id, values=known).clean}")
        print(f"   Zoom still has the meetings: {len(fake.meetings())} (they are Mia's)")


if __name__ == "__main__":
    main()
