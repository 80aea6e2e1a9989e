"""Upcoming and past meetings, the invitation, ending a meeting, and list paging by number.

Sources (Zoom's Meetings OpenAPI): ``listUpcomingMeeting`` (``GET /users/{userId}/
upcoming_meetings``), ``meetings`` (``type`` ``upcoming`` / ``previous_meetings``,
``page_number``), ``meetingInvitation`` (``{"invitation": ...}``), ``meetingStatus``
(``PUT /meetings/{meetingId}/status``, ``{"action": "end"}``, 204) and ``pastMeetingDetails``
(``GET /past_meetings/{meetingId}``, a meeting id or a double-encoded instance UUID).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.fake_zoom._client import parse_iso

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._seed import JSON


def soon(zoom: Zoom, token: str, minutes_ahead: int, **fields: Any) -> JSON:
    """A 30-minute meeting starting `minutes_ahead` minutes from the fake's now."""
    start = (zoom.now() + timedelta(minutes=minutes_ahead)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return zoom.create_meeting(token, start_time=start, duration=30, **fields)


def test_upcoming_meetings_lists_future_meetings(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``/users/me/upcoming_meetings`` lists a meeting ahead and not one that is over."""
    token = owner_tokens.access_token
    ahead = soon(zoom, token, 120)
    over = soon(zoom, token, 5)
    zoom.advance(50 * 60)
    r = zoom.api("GET", "/users/me/upcoming_meetings", token)
    assert r.status_code == 200, r.text
    ids = [m["id"] for m in r.json()["meetings"]]
    assert ahead["id"] in ids
    assert over["id"] not in ids
    assert r.json()["total_records"] == len(ids)


def test_list_types_upcoming_and_previous(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``type=upcoming`` holds the meeting ahead, ``type=previous_meetings`` the one over."""
    token = owner_tokens.access_token
    ahead = soon(zoom, token, 120)
    over = soon(zoom, token, 5)
    zoom.advance(50 * 60)
    upcoming = zoom.list_meetings(token, type="upcoming").json()["meetings"]
    previous = zoom.list_meetings(token, type="previous_meetings").json()["meetings"]
    assert [m["id"] for m in upcoming] == [ahead["id"]]
    assert [m["id"] for m in previous] == [over["id"]]


def test_meetings_list_honours_page_number(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``page_number`` pages the meeting list; the answer carries page_number and page_count."""
    token = owner_tokens.access_token
    made = [soon(zoom, token, 60 * (i + 1))["id"] for i in range(3)]
    first = zoom.list_meetings(token, page_size=2, page_number=1).json()
    second = zoom.list_meetings(token, page_size=2, page_number=2).json()
    assert (first["page_number"], first["page_count"], second["page_number"]) == (1, 2, 2)
    assert [m["id"] for m in first["meetings"] + second["meetings"]] == made
    zoom.error(zoom.list_meetings(token, page_number=0), 400, 300)


def test_invitation_has_topic_link_and_passcode(zoom: Zoom, owner_tokens: Tokens) -> None:
    """The invitation text names the topic, the join URL and the passcode."""
    token = owner_tokens.access_token
    meeting = soon(zoom, token, 60, topic="Consultation", password="abc123")
    r = zoom.api("GET", f"/meetings/{meeting['id']}/invitation", token)
    assert r.status_code == 200, r.text
    text = r.json()["invitation"]
    assert "Topic: Consultation" in text
    assert meeting["join_url"] in text
    assert "Passcode: abc123" in text


def test_past_meeting_is_404_until_held(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A meeting not yet over has no past instance: 404 code 3001."""
    token = owner_tokens.access_token
    meeting = soon(zoom, token, 60)
    zoom.error(zoom.api("GET", f"/past_meetings/{meeting['id']}", token), 404, 3001)


def test_past_meeting_after_its_end(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Once its end has passed on the clock, the meeting shows as held, by id and by uuid."""
    token = owner_tokens.access_token
    meeting = soon(zoom, token, 10)
    zoom.advance(50 * 60)
    by_id = zoom.api("GET", f"/past_meetings/{meeting['id']}", token)
    assert by_id.status_code == 200, by_id.text
    body = by_id.json()
    assert (body["id"], body["uuid"], body["duration"]) == (meeting["id"], meeting["uuid"], 30)
    assert parse_iso(body["end_time"]) - parse_iso(body["start_time"]) == timedelta(minutes=30)
    double_encoded = quote(quote(meeting["uuid"], safe=""), safe="")
    by_uuid = zoom.api("GET", f"/past_meetings/{double_encoded}", token)
    assert by_uuid.status_code == 200, by_uuid.text
    assert by_uuid.json()["id"] == meeting["id"]


def test_ending_a_running_meeting_makes_it_past(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``PUT /status`` ``end`` during the meeting is 204 and the past meeting ends then."""
    token = owner_tokens.access_token
    meeting = soon(zoom, token, 5)
    zoom.advance(15 * 60)
    r = zoom.api("PUT", f"/meetings/{meeting['id']}/status", token, body={"action": "end"})
    assert r.status_code == 204, r.text
    past = zoom.api("GET", f"/past_meetings/{meeting['id']}", token).json()
    assert past["duration"] == 10


def test_status_needs_a_known_action(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An action other than ``end`` is 400 code 300 on ``action``; a missing meeting 3001."""
    token = owner_tokens.access_token
    meeting = soon(zoom, token, 60)
    r = zoom.api("PUT", f"/meetings/{meeting['id']}/status", token, body={"action": "pause"})
    assert zoom.error(r, 400, 300)["errors"] == [{"field": "action", "message": "Invalid field."}]
    r = zoom.api("PUT", "/meetings/12345678901/status", token, body={"action": "end"})
    zoom.error(r, 404, 3001)


def test_restricted_scopes_are_granted_and_enforced(zoom: Zoom) -> None:
    """An app seeded with only a read scope gets that scope; a create is 400 code 4711."""
    app = {
        "client_id": "narrow-s2s",
        "client_secret": "narrow-secret",
        "kind": "s2s",
        "account_id": zoom.app("s2s").account_id,
        "scopes": ["meeting:read:meeting:admin"],
    }
    zoom.control("POST", "/seed", body={"apps": [app]})
    r = zoom.http.post(
        zoom.oauth_url("/oauth/token"),
        data={"grant_type": "account_credentials", "account_id": app["account_id"]},
        auth=("narrow-s2s", "narrow-secret"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "meeting:read:meeting:admin"
    token = r.json()["access_token"]
    owner = zoom.user("owner").id
    body = zoom.error(
        zoom.api("POST", f"/users/{owner}/meetings", token, body={"topic": "x"}), 400, 4711
    )
    assert body["message"] == (
        "Invalid access token, does not contain scopes:[meeting:write:meeting:admin]."
    )
