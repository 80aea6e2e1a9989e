"""``schedule_for`` on create: the meeting is made for another user when the caller holds
Zoom's scheduling privilege for them, else refused.

Sources: the Meetings OpenAPI (``schedule_for``: "the email address or user ID of the user to
schedule a meeting for"; 400 code 3000 "You cannot schedule a meeting for {userId}";
``assistant_id``: the user who scheduled on the host's behalf);
devforum.zoom.us/t/error-updating-meeting-host-with-server-to-server-oauth-account-level-app/
129457 (the error body as returned, even to an account-level app without the privilege).
"""

from __future__ import annotations

import httpx
from tests.fake_zoom._client import Tokens, Zoom


def create(zoom: Zoom, token: str, **fields: object) -> httpx.Response:
    """``POST /users/me/meetings`` with a scheduled meeting's fields plus ``fields``."""
    body = {"topic": "For someone", "type": 2, "start_time": "2035-06-01T10:00:00Z"}
    body.update(fields)
    return zoom.api("POST", "/users/me/meetings", token, body=body)


def test_without_the_privilege_schedule_for_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Scheduling for a user one has no scheduling privilege for is 400 code 3000."""
    member = zoom.user("member")
    for ref in (member.email, member.id, "nobody@example.com"):
        answer = create(zoom, owner_tokens.access_token, schedule_for=ref)
        body = zoom.error(answer, 400, 3000)
        assert body["message"] == f"You cannot schedule a meeting for {ref}."


def test_with_the_privilege_the_meeting_is_the_other_users(
    zoom: Zoom, owner_tokens: Tokens
) -> None:
    """With the privilege, the meeting's host is the named user and its assistant_id the
    caller; the assistant can read it back."""
    owner, member = zoom.user("owner"), zoom.user("member")
    zoom.control("POST", f"/users/{owner.id}/scheduling", body={"host": member.email})
    answer = create(zoom, owner_tokens.access_token, schedule_for=member.email)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert (created["host_id"], created["host_email"]) == (member.id, member.email)
    assert created["assistant_id"] == owner.id
    shown = zoom.get_meeting(owner_tokens.access_token, created["id"])
    assert shown.status_code == 200


def test_scheduling_for_oneself_needs_no_privilege(zoom: Zoom, owner_tokens: Tokens) -> None:
    """schedule_for naming the caller makes an ordinary meeting."""
    owner = zoom.user("owner")
    answer = create(zoom, owner_tokens.access_token, schedule_for=owner.email)
    assert answer.status_code == 201
    assert answer.json()["host_id"] == owner.id


def test_a_schedule_for_that_is_not_a_string_is_invalid(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A schedule_for of the wrong type is 400 code 300 naming the field."""
    answer = create(zoom, owner_tokens.access_token, schedule_for=42)
    body = zoom.error(answer, 400, 300)
    assert body["errors"][0]["field"] == "schedule_for"
