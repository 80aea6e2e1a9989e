"""A host application's test recorded once against Zoom and replayed from its cassette in CI,
with the ``zoom_cassette`` fixture of zoomlink's pytest plugin (docs/recording.md).

Replay (CI; no network, no credentials):

    python -m pytest examples/test_recorded_zoom.py

Record against real Zoom, with a Server-to-Server OAuth app of a test account:

    ZOOMLINK_RECORD_MODE=all ZOOM_ACCOUNT_ID=... ZOOM_CLIENT_ID=... ZOOM_CLIENT_SECRET=... \\
    ZOOM_HOST_EMAIL=host@your-test-account.example python -m pytest examples/test_recorded_zoom.py

Without ``ZOOM_CLIENT_SECRET`` a recording run talks to the fake Zoom in process instead, on
Zoom's own URLs, which is how the committed cassette was made.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from zoomlink import MeetingFields, ZoomAPI, ZoomApp
from zoomlink.testing import FakeZoom

# In playback the cassette answers and Zoom checks nothing, so any values do there.
APP = ZoomApp(
    client_id=os.environ.get("ZOOM_CLIENT_ID", "fake-s2s-app"),
    client_secret=os.environ.get("ZOOM_CLIENT_SECRET", "fake-s2s-secret"),
    kind="s2s",
    account_id=os.environ.get("ZOOM_ACCOUNT_ID", "acct_demo"),
)
HOST = os.environ.get("ZOOM_HOST_EMAIL", "owner@example.com")
# A fixed time, so that a replay sends what was recorded.
START = datetime(2030, 1, 7, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def zoom_http(zoom_cassette: Any) -> Iterator[httpx.Client]:
    """An ordinary client, which the cassette answers in playback. Only a recording run
    without Zoom credentials is served by the fake Zoom."""
    transport = None
    recording = os.environ.get("ZOOMLINK_RECORD_MODE", "none") != "none"
    if recording and "ZOOM_CLIENT_SECRET" not in os.environ:
        fake = FakeZoom()
        fake.seed(FakeZoom.default_seed())
        transport = httpx.MockTransport(fake)
    with httpx.Client(transport=transport) as http:
        yield http


def test_a_booking_gets_a_meeting(zoom_http: httpx.Client) -> None:
    """The booking's meeting is created at the booked time, moved, and deleted."""
    with ZoomAPI(APP, http_client=zoom_http) as api:
        token = api.account_token().access_token
        fields = MeetingFields(topic="Consultation", start=START, duration_minutes=30)
        meeting = api.create_meeting(token, fields, user=HOST)
        api.update_meeting(token, meeting.id, MeetingFields(duration_minutes=45))
        moved = api.get_meeting(token, meeting.id)
        api.delete_meeting(token, meeting.id)
    assert meeting.topic == "Consultation"
    assert meeting.start == START
    assert moved.duration_minutes == 45
    assert meeting.join_url.startswith("https://")
