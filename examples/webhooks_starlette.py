"""Receive Zoom's webhooks in a Starlette app (FastAPI takes the same endpoint), against the
fake Zoom.

The app is what you deploy: one POST route whose endpoint verifies each request with the
app's Secret Token, answers Zoom's URL validation, applies uninstalls and meeting changes, and
refuses forgeries. Here the fake Zoom plays Zoom, and its signed webhooks are posted to the app
in process:

    python examples/webhooks_starlette.py

In production, serve ``create_app(link)`` with any ASGI server.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import datetime, timezone

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from zoomlink import AsyncWebhookHandler, AsyncZoomLink, Booking, EventType, Participant, ZoomApp
from zoomlink.notify import AsyncMemoryNotificationSink
from zoomlink.testing import FakeClock, FakeZoom
from zoomlink.web import starlette_endpoint

SECRET_TOKEN = "example-secret-token"  # Zoom Marketplace: your app, Features, Access
APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
    webhook_secret=SECRET_TOKEN,
)
HOST = Participant(
    name="Olivia", time_zone="Europe/Berlin", email="owner@example.com", user_id="olivia"
)
CLIENT = Participant(name="Carl", time_zone="Europe/London", email="carl@example.net")


def create_app(link: AsyncZoomLink) -> Starlette:
    """The web app: Zoom's webhooks arrive at POST /zoom/webhooks.

    With FastAPI: ``app.add_api_route("/zoom/webhooks", starlette_endpoint(handler),
    methods=["POST"])``.
    """
    handler = AsyncWebhookHandler(link)
    return Starlette(
        routes=[Route("/zoom/webhooks", starlette_endpoint(handler), methods=["POST"])]
    )


def url_validation(now: datetime) -> tuple[dict[str, str], bytes]:
    """The request Zoom sends when the endpoint URL is saved, signed as Zoom signs."""
    body = json.dumps(
        {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    ).encode()
    stamp = str(int(now.timestamp()))
    message = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(SECRET_TOKEN.encode(), message, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": stamp, "x-zm-signature": f"v0={digest}"}, body


async def main() -> None:
    """Validate the URL, then post Zoom's webhooks as they happen."""
    sent: list[tuple[dict[str, str], bytes]] = []  # what the fake Zoom sends
    fake = FakeZoom(
        clock=FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)),
        webhook_secret=SECRET_TOKEN,
        webhook_callback=lambda headers, body: sent.append((dict(headers), body)),
    )
    fake.seed(FakeZoom.default_seed())
    zoom_http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    notices = AsyncMemoryNotificationSink()
    async with AsyncZoomLink(APP, http_client=zoom_http, clock=fake, notifications=notices) as link:
        app = create_app(link)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://app.example") as zoom:

            async def deliver(headers: dict[str, str], body: bytes) -> str:
                response = await zoom.post("/zoom/webhooks", content=body, headers=headers)
                return f"{response.status_code} {response.text}"

            # Saving the endpoint URL in the Marketplace: Zoom checks the Secret Token.
            print("url validation:", await deliver(*url_validation(fake.now())))

            # Olivia connects Zoom and books a meeting; Zoom tells the app it was created.
            url = await link.personal_connect_url("olivia")
            await link.complete_connect(fake.approve(url, "u_owner"), user_id="olivia")
            start = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)
            booking = Booking(
                id="bk_1",
                event_type=EventType(id="intro", title="Intro call", location="zoom"),
                host=HOST,
                clients=(CLIENT,),
                start=start,
                end=start.replace(minute=30),
                title="Intro call with Carl",
            )
            outcome = await link.schedule(booking)
            assert outcome.meeting_id is not None
            print("meeting.created:", await deliver(*sent.pop()))

            # Olivia deletes the meeting in Zoom itself; Zoom tells the app, and retries.
            fake.delete_meeting(outcome.meeting_id)
            deleted = sent.pop()
            print("meeting.deleted:", await deliver(*deleted))
            print("meeting.deleted again:", await deliver(*deleted))

            # Someone without the Secret Token tries the same.
            forged = {**deleted[0], "x-zm-signature": "v0=" + "0" * 64}
            print("forged:", await deliver(forged, deleted[1]))

            # Olivia removes the app in Zoom: her connection is purged and marked.
            fake.uninstall("u_owner", "fake-user-app")
            print("app_deauthorized:", await deliver(*sent.pop()))
            for connection in await link.connections(user_id="olivia"):
                print(f"olivia's connection: {connection.status}")
            print("told:", [notice.subject for notice in notices.sent])
    await zoom_http.aclose()


if __name__ == "__main__":
    asyncio.run(main())
