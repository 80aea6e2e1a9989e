"""Connect a Zoom user and give a booking its meeting, with AsyncZoomLink over a real socket.

Runs against the fake Zoom that ships with zoomlink, served on a loopback port, exactly as it
would run against Zoom with the real endpoints:

    python examples/first_meeting.py
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from zoomlink import AsyncZoomLink, Endpoints, MeetingFields, Pkce, ZoomApp
from zoomlink.testing import FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


async def main(fake: FakeZoom, base_url: str) -> None:
    """The OAuth connect, then create, move and delete one meeting."""
    async with AsyncZoomLink(APP, endpoints=Endpoints.single(base_url)) as zoom:
        # 1. Send the user to Zoom's consent page; keep the PKCE verifier and the state.
        pkce = Pkce.new()
        url = zoom.api.authorization_url(state="opaque-state", code_challenge=pkce.challenge)
        owner = next(u for u in FakeZoom.default_seed()["users"] if u["role"] == "owner")
        callback = fake.approve(url, owner["id"])  # the user clicks "Authorize"

        # 2. The browser comes back to your redirect URI with a code: exchange it.
        code = parse_qs(urlsplit(callback).query)["code"][0]
        tokens = await zoom.api.exchange_code(code, code_verifier=pkce.verifier)
        me = await zoom.api.get_user(tokens.access_token)
        print(f"connected {me.email}")

        # 3. One meeting per booking; times are always timezone-aware.
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
        fields = MeetingFields(
            topic="Consultation", start=start, duration_minutes=30, timezone="Europe/Berlin"
        )
        meeting = await zoom.api.create_meeting(tokens.access_token, fields)
        print(f"meeting {meeting.id}: {meeting.join_url} (passcode {meeting.password})")

        await zoom.api.update_meeting(
            tokens.access_token, meeting.id, MeetingFields(start=start + timedelta(hours=1))
        )
        await zoom.api.delete_meeting(tokens.access_token, meeting.id)
        print("moved, then cancelled")


if __name__ == "__main__":
    fake_zoom = FakeZoom()
    fake_zoom.seed(FakeZoom.default_seed())
    with fake_zoom.serve() as server:
        asyncio.run(main(fake_zoom, server.url))
