"""Zoom regions and scopes, against the fake Zoom in process.

A European user's connection remembers Zoom's regional ``api_url`` and, with
``follow_api_url=True``, its calls go there; an app without the scope a call needs gets a
``ZoomScopeError`` naming it:

    python examples/regions_and_scopes.py
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from zoomlink import MeetingFields, ZoomAPI, ZoomApp, ZoomLink, ZoomScopeError
from zoomlink.testing import FakeClock, FakeZoom

PERSONAL_APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


def follow_the_region(fake: FakeZoom) -> None:
    """Connect a user Zoom serves from Europe and watch where the calls go."""
    hosts: list[str] = []

    def note_host(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v2/"):
            hosts.append(request.url.host)
        return fake(request)

    fake.add_user("elsa@example.eu", account_id="acct_demo", api_url="https://api-eu.zoom.us")
    http = httpx.Client(transport=httpx.MockTransport(note_host))
    zoom = ZoomLink(PERSONAL_APP, http_client=http, clock=fake, follow_api_url=True)
    url = zoom.personal_connect_url("elsa")
    zoom.complete_connect(fake.approve(url, "elsa@example.eu"), user_id="elsa")
    [grant] = zoom.store.find_grants()
    print(f"elsa's grant remembers api_url {grant.api_url}")
    hosts.clear()
    zoom.host_zoom_user("elsa")
    print(f"her calls go to {hosts[0]}")
    zoom.close()
    http.close()


def missing_scope(fake: FakeZoom) -> None:
    """An S2S app granted only user reading tries to create a meeting."""
    fake.add_app(
        "narrow-app",
        "narrow-secret",
        kind="s2s",
        account_id="acct_demo",
        scopes=["user:read:user:admin"],
    )
    app = ZoomApp(
        client_id="narrow-app", client_secret="narrow-secret", kind="s2s", account_id="acct_demo"
    )
    http = httpx.Client(transport=httpx.MockTransport(fake))
    with ZoomAPI(app, http_client=http, clock=fake.clock) as api:
        token = api.account_token().access_token
        fields = MeetingFields(
            topic="Consultation", start=fake.now() + timedelta(days=1), duration_minutes=30
        )
        try:
            api.create_meeting(token, fields, user="owner@example.com")
        except ZoomScopeError as error:
            print(f"Zoom refused: missing scopes {', '.join(error.missing_scopes)}")
    http.close()


if __name__ == "__main__":
    fake = FakeZoom(clock=FakeClock())
    fake.seed(FakeZoom.default_seed())
    follow_the_region(fake)
    missing_scope(fake)
