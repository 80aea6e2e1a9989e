"""A booking's Zoom meeting from connect to cancel, with ZoomLink and the embedded fake Zoom.

The same code runs against Zoom itself: drop ``http_client`` and ``clock``, and pass your
app's real credentials, a persistent store and your own notification sink and calendar.

    python examples/booking_lifecycle.py
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import attrs
import httpx

from zoomlink import Booking, EventType, MeetingSettings, Participant, ZoomApp, ZoomLink
from zoomlink.calendars import MemoryCalendarBackend
from zoomlink.notify import MemoryNotificationSink
from zoomlink.testing import FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


def main() -> None:
    """Connect, schedule, reschedule, cancel, and list what zoomlink made."""
    fake = FakeZoom()
    fake.seed(FakeZoom.default_seed())
    sink = MemoryNotificationSink()
    calendar = MemoryCalendarBackend()
    with ZoomLink(
        APP,
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake.clock,
        notifications=sink,
        calendar=calendar,
    ) as zoom:
        # 1. The host connects their Zoom account (see "Connecting Zoom accounts").
        url = zoom.personal_connect_url("alice")
        zoom.complete_connect(fake.approve(url, "u_owner"), user_id="alice")

        # 2. Event types say where bookings happen; "default" follows the host's choice.
        event_type = EventType(
            id="consult",
            title="Consultation",
            location="default",
            settings=MeetingSettings(waiting_room=True),
        )
        zoom.set_default_conferencing("alice", "zoom")
        print("Zoom event types:", [t.id for t in zoom.zoom_event_types([event_type], "alice")])

        # 3. A client books: the booking gets its own meeting, and everyone is told.
        berlin = ZoneInfo("Europe/Berlin")
        start = (fake.now() + timedelta(days=3)).astimezone(berlin)
        start = start.replace(hour=10, minute=0, second=0, microsecond=0)
        booking = Booking(
            id="bk_1001",
            event_type=event_type,
            host=Participant(
                name="Alice", time_zone="Europe/Berlin", email="alice@example.com", user_id="alice"
            ),
            clients=[
                Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")
            ],
            start=start,
            end=start + timedelta(minutes=45),
            title="Consultation with Carol",
            answers={"What would you like to discuss?": "Pricing"},
        )
        outcome = zoom.schedule(booking)
        print(f"{outcome.action}: meeting {outcome.meeting_id}, {outcome.join_url}")
        assert zoom.schedule(booking).action == "existing"  # retries never make a second one
        for message in sink.sent:
            print(f"  to {message.address} ({message.role}): {message.subject}")

        # 4. The booking moves an hour later: the same meeting is updated (one PATCH).
        later = start + timedelta(hours=1)
        moved = attrs.evolve(booking, start=later, end=later + timedelta(minutes=45))
        outcome = zoom.reschedule(moved)
        print(f"{outcome.action}: same link {outcome.join_url}")
        [event] = calendar.events("default", "alice")
        print(f"  host calendar: {event.start.astimezone(berlin):%A %H:%M %Z}")

        # The host starts the meeting hours later: a fresh start link from Zoom (Zoom's expire
        # two hours after they are issued, so none is ever stored). Show it to the host only.
        fake.advance(timedelta(hours=3))
        start_link = zoom.start_url(moved)
        started = fake.open_start_url(start_link)
        print(f"  host starts meeting {started} with a fresh link")
        fake.end_meeting(started)

        # 5. The booking is cancelled: the meeting is deleted, calendars cleared.
        outcome = zoom.cancel(moved)
        print(f"{outcome.action}; {len(fake.meetings())} meetings left in Zoom")
        for record in zoom.meetings(user_id="alice"):
            print(f"  tracked: {record.booking_id}, meeting {record.meeting_id}, {record.state}")


if __name__ == "__main__":
    main()
