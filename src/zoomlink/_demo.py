"""``zoomlink demo``: zoomlink's story, told against the embedded fake Zoom.

Every step goes over zoomlink's real HTTP layer to the fake through an in-process transport, so
the demo needs no network and no Zoom account.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import attrs
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

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "demo-webhook-secret"
HOST_ZONE = ZoneInfo("Europe/Berlin")
CLIENT_ZONE = ZoneInfo("America/New_York")


def _seeded(seed: Mapping[str, Any], section: str, **match: str) -> dict[str, Any]:
    return next(
        dict(item) for item in seed[section] if all(item.get(k) == v for k, v in match.items())
    )


def run_demo(out: TextIO) -> int:
    """Connect a Zoom user, give a booking a meeting, move it, cancel it, disconnect."""
    events: list[tuple[Mapping[str, str], bytes]] = []
    fake = FakeZoom(
        clock=FakeClock(),
        webhook_secret=WEBHOOK_SECRET,
        webhook_callback=lambda headers, body: events.append((headers, body)),
    )
    seed = FakeZoom.default_seed()
    fake.seed(seed)
    user_app = _seeded(seed, "apps", kind="user")
    owner = _seeded(seed, "users", email="owner@example.com")
    app = ZoomApp(
        client_id=user_app["client_id"],
        client_secret=user_app["client_secret"],
        redirect_uri=user_app["redirect_uris"][0],
        webhook_secret=WEBHOOK_SECRET,
    )

    def say(text: str = "") -> None:
        print(text, file=out)

    say("zoomlink demo: a booking's Zoom meeting, against the embedded fake Zoom")
    sink = MemoryNotificationSink()
    calendar = MemoryCalendarBackend()
    with ZoomLink(
        app,
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake.clock,
        notifications=sink,
        calendar=calendar,
    ) as zoom:
        say("\n1. Connect the host's Zoom account (OAuth with PKCE S256 and a signed state)")
        url = zoom.personal_connect_url("host-1")
        say(f"   consent page: {url.split('?')[0]} (client_id={app.client_id})")
        callback = fake.approve(url, owner["id"])  # the host clicks Authorize
        connection = zoom.complete_connect(callback, user_id="host-1")
        say(
            f"   connected Zoom user: {connection.zoom_email} ({connection.zoom_role} of account "
            f"{connection.zoom_account_id}), status {connection.status}"
        )

        event_type = EventType(id="consult", title="Consultation", location="zoom")
        host = Participant(
            name="Olivia Owner", time_zone=str(HOST_ZONE), email=owner["email"], user_id="host-1"
        )
        client = Participant(name="Jane Doe", time_zone=str(CLIENT_ZONE), email="jane@example.net")
        start = (fake.now() + timedelta(days=2)).astimezone(HOST_ZONE)
        start = start.replace(hour=10, minute=0, second=0, microsecond=0)
        booking = Booking(
            id="bk_demo_1",
            event_type=event_type,
            host=host,
            clients=[client],
            start=start,
            end=start + timedelta(minutes=45),
            title="Consultation with Jane Doe",
            answers={"What would you like to discuss?": "Moving to Berlin"},
        )

        say("\n2. A client books a 45-minute consultation: one meeting for this booking")
        outcome = zoom.schedule(booking)
        say(f"   {outcome.action} meeting {outcome.meeting_id}, passcode {outcome.password}")
        say(f"   join URL: {outcome.join_url}")
        for message in sink.sent:
            say(f"   told {message.role} {message.address}: {message.subject}")
        retry = zoom.schedule(booking)
        say(f"   scheduling again (a retry) is {retry.action}: still one meeting in Zoom")

        say("\n3. An hour later the booking moves: the token is refreshed, the meeting updated")
        fake.advance(timedelta(hours=1))
        later = start + timedelta(hours=1)
        moved = zoom.reschedule(
            attrs.evolve(booking, start=later, end=later + timedelta(minutes=45))
        )
        same = "same link" if moved.join_url == outcome.join_url else "new link"
        say(f"   {moved.action} meeting {moved.meeting_id}, {same}")
        [event] = calendar.events("default", "host-1")
        say(f"   host calendar: {_local(event.start, HOST_ZONE)}")

        say("\n4. The booking is cancelled: the meeting is deleted")
        cancelled = zoom.cancel(booking)
        left = len(fake.meetings(owner["id"]))
        say(f"   {cancelled.action}; {left} meetings left in Zoom for the host")
        for record in zoom.meetings(user_id="host-1"):
            say(f"   tracked: {record.booking_id}, meeting {record.meeting_id}, {record.state}")

        say("\n5. The host disconnects: revoked at Zoom, then every Zoom value purged")
        report = zoom.disconnect(connection.id, actor=Actor("host-1"))
        removed = ", ".join(f"{n} {kind}" for kind, n in report.removed.items() if n)
        say(f"   connection {report.connection.status}; purged {removed}")
        check = zoom.find_zoom_data(connection.id, values=[owner["id"], owner["email"]])
        say(f"   proof check: {'nothing left' if check.clean else check.findings}")
        webhooks = WebhookHandler(zoom)
        for headers, body in events:
            if b'"app_deauthorized"' in body:
                answer = webhooks.handle(headers, body)
                say(f"   Zoom's signed app_deauthorized webhook: {answer.status} {answer.json()}")

    calls = Counter(entry.route for entry in fake.journal)
    say("\nRequests the fake Zoom received: " + ", ".join(f"{r} x{n}" for r, n in calls.items()))
    return 0


def _local(when: datetime | None, zone: ZoneInfo) -> str:
    if when is None:
        return "(no fixed time)"
    return when.astimezone(zone).strftime(f"%a %d %b %Y %H:%M ({zone.key}, UTC%z)")
