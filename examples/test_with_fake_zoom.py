"""A host application's tests against the fake Zoom, using the fixtures zoomlink's pytest plugin
provides (no import or conftest needed):

    python -m pytest examples/test_with_fake_zoom.py
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from zoomlink import Endpoints, MeetingFields, ZoomAPI, ZoomApp
from zoomlink.testing import FakeZoom, FakeZoomServer

# The Server-to-Server app of FakeZoom.default_seed(), on the account "acct_demo".
APP = ZoomApp(
    client_id="fake-s2s-app", client_secret="fake-s2s-secret", kind="s2s", account_id="acct_demo"
)


def _book(api: ZoomAPI, fake: FakeZoom) -> None:
    token = api.account_token().access_token
    fields = MeetingFields(
        topic="Consultation",
        start=fake.now() + timedelta(days=1),
        duration_minutes=30,
        timezone="Europe/Berlin",
    )
    api.create_meeting(token, fields, user="owner@example.com")


def test_a_booking_gets_a_meeting(
    fake_zoom: FakeZoom, fake_zoom_transport: httpx.MockTransport
) -> None:
    """In process: the meeting shows up in the fake's state."""
    http = httpx.Client(transport=fake_zoom_transport)
    with ZoomAPI(APP, http_client=http, clock=fake_zoom.clock) as api:
        _book(api, fake_zoom)
    assert len(fake_zoom.meetings("u_owner")) == 1
    assert [e.route for e in fake_zoom.journal] == ["oauth.token", "meetings.create"]


def test_over_a_socket(fake_zoom: FakeZoom, fake_zoom_server: FakeZoomServer) -> None:
    """Over a loopback socket, with the same state."""
    with ZoomAPI(APP, endpoints=Endpoints.single(fake_zoom_server.url)) as api:
        _book(api, fake_zoom)
    assert len(fake_zoom.meetings("u_owner")) == 1
