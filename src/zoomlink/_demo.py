"""``zoomlink demo``: zoomlink's story, told against the embedded fake Zoom.

Every step goes over zoomlink's real HTTP layer to the fake through an in-process transport, so
the demo needs no network and no Zoom account.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx

from zoomlink import MeetingFields, Pkce, ZoomApp, ZoomLink
from zoomlink.testing import FakeClock, FakeZoom

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
HOST_ZONE = ZoneInfo("Europe/Berlin")
CLIENT_ZONE = ZoneInfo("America/New_York")


def _seeded(seed: Mapping[str, Any], section: str, **match: str) -> dict[str, Any]:
    return next(
        dict(item) for item in seed[section] if all(item.get(k) == v for k, v in match.items())
    )


def run_demo(out: TextIO) -> int:
    """Connect a Zoom user, give a booking a meeting, move it, cancel it, disconnect."""
    events: list[str] = []
    fake = FakeZoom(
        clock=FakeClock(),
        webhook_secret="demo-webhook-secret",
        webhook_callback=lambda headers, body: events.append(body.decode()),
    )
    seed = FakeZoom.default_seed()
    fake.seed(seed)
    user_app = _seeded(seed, "apps", kind="user")
    owner = _seeded(seed, "users", email="owner@example.com")
    app = ZoomApp(
        client_id=user_app["client_id"],
        client_secret=user_app["client_secret"],
        redirect_uri=user_app["redirect_uris"][0],
    )

    def say(text: str = "") -> None:
        print(text, file=out)

    say("zoomlink demo: a booking's Zoom meeting, against the embedded fake Zoom")
    with ZoomLink(
        app, http_client=httpx.Client(transport=httpx.MockTransport(fake)), clock=fake.clock
    ) as zoom:
        say("\n1. Connect the host's Zoom account (OAuth with PKCE S256)")
        pkce = Pkce.new()
        state = secrets.token_urlsafe(16)
        url = zoom.api.authorization_url(state=state, code_challenge=pkce.challenge)
        say(f"   consent page: {url.split('?')[0]} (client_id={app.client_id})")
        redirect = fake.approve(url, owner["id"])
        query = parse_qs(urlsplit(redirect).query)
        if query.get("state") != [state]:
            say("   the state came back changed: refusing the callback")
            return 1
        tokens = zoom.api.exchange_code(query["code"][0], code_verifier=pkce.verifier)
        me = zoom.api.get_user(tokens.access_token)
        lifetime = int((tokens.expires_at - fake.now()).total_seconds())
        say(f"   {owner['email']} authorized; access token good for {lifetime} s")
        say(f"   connected Zoom user: {me.email} ({me.role} of account {me.account_id})")

        say("\n2. A client books a 45-minute consultation: one meeting for this booking")
        start = (fake.now() + timedelta(days=2)).astimezone(HOST_ZONE)
        start = start.replace(hour=10, minute=0, second=0, microsecond=0)
        meeting = zoom.api.create_meeting(
            tokens.access_token,
            MeetingFields(
                topic="Consultation with Jane Doe",
                start=start,
                duration_minutes=45,
                timezone=str(HOST_ZONE),
                agenda="[bk_demo_1] First consultation",
            ),
        )
        say(f"   meeting {meeting.id}, passcode {meeting.password}")
        say(f"   join URL: {meeting.join_url}")
        say(f"   host sees  {_local(meeting.start, HOST_ZONE)}")
        say(f"   client sees {_local(meeting.start, CLIENT_ZONE)}")

        say("\n3. The booking moves an hour later: the same meeting is updated")
        zoom.api.update_meeting(
            tokens.access_token, meeting.id, MeetingFields(start=start + timedelta(hours=1))
        )
        moved = zoom.api.get_meeting(tokens.access_token, meeting.id)
        say(f"   meeting {moved.id} now at {_local(moved.start, HOST_ZONE)}; same link")

        say("\n4. The booking is cancelled: the meeting is deleted")
        zoom.api.delete_meeting(tokens.access_token, meeting.id)
        say(f"   {len(fake.meetings(owner['id']))} meetings left in Zoom for the host")

        say("\n5. The host disconnects: the grant is revoked at Zoom")
        zoom.api.revoke(tokens.access_token)
        deauthorized = [e for e in events if '"app_deauthorized"' in e]
        say(f"   Zoom sent app_deauthorized ({len(deauthorized)} signed webhook)")

    calls = Counter(entry.route for entry in fake.journal)
    say("\nRequests the fake Zoom received: " + ", ".join(f"{r} x{n}" for r, n in calls.items()))
    return 0


def _local(when: datetime | None, zone: ZoneInfo) -> str:
    if when is None:
        return "(no fixed time)"
    return when.astimezone(zone).strftime(f"%a %d %b %Y %H:%M ({zone.key}, UTC%z)")
