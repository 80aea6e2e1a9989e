"""Meetings: create, get, update, delete; times and time zones; field limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom


def test_create_answers_201_with_zoom_fields(zoom: Zoom, owner_tokens: Tokens) -> None:
    """POST /users/me/meetings answers 201 with an int64 id, join/start URLs and a passcode."""
    r = zoom.api(
        "POST",
        "/users/me/meetings",
        owner_tokens.access_token,
        body={
            "topic": "Consultation with Jane",
            "type": 2,
            "start_time": "2035-05-04T15:30:00Z",
            "duration": 30,
            "timezone": "Europe/Berlin",
            "agenda": "Booking ref bk_123",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert type(body["id"]) is int
    assert 0 < body["id"] < 2**63
    assert body["topic"] == "Consultation with Jane"
    assert body["type"] == 2
    assert body["start_time"] == "2035-05-04T15:30:00Z"
    assert body["duration"] == 30
    assert body["timezone"] == "Europe/Berlin"
    assert body["agenda"] == "Booking ref bk_123"
    assert body["join_url"].startswith("https://")
    assert body["start_url"].startswith("https://")
    assert isinstance(body["password"], str)
    assert 0 < len(body["password"]) <= 10
    assert body["host_email"] == zoom.user("owner").email


def test_explicit_password_is_kept(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A passcode given at create time is the meeting's passcode."""
    created = zoom.create_meeting(owner_tokens.access_token, password="ab!@#12345")
    assert created["password"] == "ab!@#12345"
    got = zoom.get_meeting(owner_tokens.access_token, created["id"]).json()
    assert got["password"] == "ab!@#12345"


def test_get_returns_the_meeting(zoom: Zoom, owner_tokens: Tokens) -> None:
    """GET /meetings/{id} returns the created meeting with host_id, uuid and the full agenda."""
    created = zoom.create_meeting(owner_tokens.access_token, agenda="A" * 2000)
    r = zoom.get_meeting(owner_tokens.access_token, created["id"])
    assert r.status_code == 200
    got = r.json()
    assert got["id"] == created["id"]
    assert got["host_id"] == zoom.user("owner").id
    assert isinstance(got["uuid"], str)
    assert got["uuid"]
    for key in ("topic", "type", "start_time", "duration", "join_url", "password"):
        assert got[key] == created[key], key
    assert got["agenda"] == "A" * 2000


@pytest.mark.parametrize(
    ("start_time", "tz", "expected"),
    [
        ("2035-07-16T10:00:00Z", "Europe/Berlin", "2035-07-16T10:00:00Z"),
        ("2035-07-16T10:00:00Z", "America/New_York", "2035-07-16T10:00:00Z"),
        ("2035-07-16T10:00:00", "UTC", "2035-07-16T10:00:00Z"),
        ("2030-07-15T10:00:00", "Europe/Berlin", "2030-07-15T08:00:00Z"),
        ("2030-01-15T10:00:00", "Europe/Berlin", "2030-01-15T09:00:00Z"),
        ("2030-03-31T12:00:00", "Europe/Berlin", "2030-03-31T10:00:00Z"),
        ("2030-10-27T12:00:00", "Europe/Berlin", "2030-10-27T11:00:00Z"),
        ("2030-07-15T10:00:00", "America/New_York", "2030-07-15T14:00:00Z"),
        ("2030-01-15T10:00:00", "America/New_York", "2030-01-15T15:00:00Z"),
        ("2030-03-10T12:00:00", "America/New_York", "2030-03-10T16:00:00Z"),
        ("2030-11-03T12:00:00", "America/New_York", "2030-11-03T17:00:00Z"),
    ],
)
def test_start_time_utc_or_local(
    zoom: Zoom, owner_tokens: Tokens, start_time: str, tz: str, expected: str
) -> None:
    """start_time with Z is UTC; without Z it is local to ``timezone`` (DST respected)."""
    created = zoom.create_meeting(owner_tokens.access_token, start_time=start_time, timezone=tz)
    assert created["start_time"] == expected
    assert created["timezone"] == tz
    got = zoom.get_meeting(owner_tokens.access_token, created["id"]).json()
    assert got["start_time"] == expected
    assert got["timezone"] == tz


@pytest.mark.parametrize(
    ("key", "expected"),
    [("owner", "2030-07-15T08:00:00Z"), ("admin", "2030-07-15T14:00:00Z")],
)
def test_local_start_time_defaults_to_user_timezone(zoom: Zoom, key: str, expected: str) -> None:
    """A local start_time with no ``timezone`` is read in the host's time zone."""
    user = zoom.user(key)
    tokens = zoom.connect(zoom.app("user"), user)
    body: dict[str, Any] = {"topic": "tz", "type": 2, "start_time": "2030-07-15T10:00:00"}
    r = zoom.api("POST", "/users/me/meetings", tokens.access_token, body=body)
    assert r.status_code == 201, r.text
    assert r.json()["start_time"] == expected
    assert r.json()["timezone"] == user.timezone


def test_patch_answers_204_and_get_shows_change(zoom: Zoom, owner_tokens: Tokens) -> None:
    """PATCH answers 204 with an empty body; GET then shows the change and nothing else moved."""
    token = owner_tokens.access_token
    created = zoom.create_meeting(token, topic="Before", agenda="keep me", duration=30)
    r = zoom.api(
        "PATCH",
        f"/meetings/{created['id']}",
        token,
        body={"topic": "After", "duration": 45, "start_time": "2035-06-02T09:00:00Z"},
    )
    assert r.status_code == 204
    assert r.content == b""
    got = zoom.get_meeting(token, created["id"]).json()
    assert got["topic"] == "After"
    assert got["duration"] == 45
    assert got["start_time"] == "2035-06-02T09:00:00Z"
    assert got["agenda"] == "keep me"
    assert got["join_url"] == created["join_url"]


def test_delete_answers_204_then_3001(zoom: Zoom, owner_tokens: Tokens) -> None:
    """DELETE answers 204; the meeting is then 404 code 3001 for GET, PATCH and DELETE."""
    token = owner_tokens.access_token
    mid = zoom.create_meeting(token)["id"]
    r = zoom.api("DELETE", f"/meetings/{mid}", token)
    assert r.status_code == 204
    assert r.content == b""
    body = zoom.error(zoom.get_meeting(token, mid), 404, 3001)
    assert body["message"].startswith("Meeting does not exist")
    zoom.error(zoom.api("PATCH", f"/meetings/{mid}", token, body={"topic": "x"}), 404, 3001)
    zoom.error(zoom.api("DELETE", f"/meetings/{mid}", token), 404, 3001)


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_unknown_meeting_is_3001(zoom: Zoom, owner_tokens: Tokens, method: str) -> None:
    """A meeting id that never existed is 404 code 3001."""
    body = {"topic": "x"} if method == "PATCH" else None
    r = zoom.api(method, "/meetings/99999999999", owner_tokens.access_token, body=body)
    zoom.error(r, 404, 3001)


LIMITS = [("topic", 200), ("agenda", 2000), ("password", 10)]


@pytest.mark.parametrize(("field", "limit"), LIMITS)
def test_field_limits_on_create(zoom: Zoom, owner_tokens: Tokens, field: str, limit: int) -> None:
    """topic/agenda/password at the limit are accepted; one over is 400 code 300 with errors[]."""
    token = owner_tokens.access_token
    ok = zoom.create_meeting(token, **{field: "a" * limit})
    assert ok[field] == "a" * limit
    r = zoom.api(
        "POST",
        "/users/me/meetings",
        token,
        body={
            "topic": "t",
            "type": 2,
            "start_time": "2035-06-01T10:00:00Z",
            field: "a" * (limit + 1),
        },
    )
    body = zoom.error(r, 400, 300)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors
    assert any(field in str(e["field"]) for e in errors), errors
    assert all(isinstance(e["message"], str) for e in errors)


@pytest.mark.parametrize(("field", "limit"), LIMITS)
def test_field_limits_on_update(zoom: Zoom, owner_tokens: Tokens, field: str, limit: int) -> None:
    """PATCH enforces the same limits (400 code 300) and leaves the meeting unchanged."""
    token = owner_tokens.access_token
    created = zoom.create_meeting(token, **{field: "bbbbbb"})
    r = zoom.api("PATCH", f"/meetings/{created['id']}", token, body={field: "a" * (limit + 1)})
    body = zoom.error(r, 400, 300)
    assert any(field in str(e["field"]) for e in body["errors"])
    assert zoom.get_meeting(token, created["id"]).json()[field] == "bbbbbb"


BAD_BODIES = [b"{not json", b"[1, 2, 3]", b'"topic"', b"null"]


@pytest.mark.parametrize(
    ("method", "payload"),
    [("POST", p) for p in [*BAD_BODIES, b""]] + [("PATCH", p) for p in BAD_BODIES],
)
def test_invalid_json_body_is_300(
    zoom: Zoom, owner_tokens: Tokens, method: str, payload: bytes
) -> None:
    """A body that is not a JSON object answers 400 code 300 on create and update."""
    token = owner_tokens.access_token
    if method == "POST":
        path = "/users/me/meetings"
    else:
        path = f"/meetings/{zoom.create_meeting(token)['id']}"
    zoom.error(zoom.api(method, path, token, content=payload), 400, 300)


def test_admin_app_creates_for_member(zoom: Zoom) -> None:
    """An admin-managed app creates a meeting for another user of its account by id or email."""
    token = zoom.connect(zoom.app("admin"), zoom.user("admin")).access_token
    member = zoom.user("member")
    by_id = zoom.create_meeting(token, user=member.id)
    by_email = zoom.create_meeting(token, user=member.email)
    for created in (by_id, by_email):
        got = zoom.get_meeting(token, created["id"]).json()
        assert got["host_id"] == member.id


def test_s2s_creates_for_user_and_for_me(zoom: Zoom, s2s: Tokens) -> None:
    """An S2S token creates meetings for account users by id, and ``me`` is the owner."""
    created = zoom.create_meeting(s2s.access_token, user=zoom.user("admin").id)
    assert zoom.get_meeting(s2s.access_token, created["id"]).status_code == 200
    r = zoom.api("POST", "/users/me/meetings", s2s.access_token, body={"topic": "x", "type": 2})
    assert r.status_code == 201, r.text
    assert r.json()["host_email"] == zoom.user("owner").email


def test_user_app_cannot_create_for_others(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A user-managed app token naming another user id gets 401 code 124 on create."""
    r = zoom.api(
        "POST",
        f"/users/{zoom.user('member').id}/meetings",
        owner_tokens.access_token,
        body={"topic": "x", "type": 2, "start_time": "2035-06-01T10:00:00Z"},
    )
    zoom.error(r, 401, 124)


def test_create_for_unknown_user_is_1001(zoom: Zoom, s2s: Tokens) -> None:
    """Creating for an unknown user answers 404 code 1001."""
    r = zoom.api(
        "POST",
        "/users/nobody@pro.example.com/meetings",
        s2s.access_token,
        body={"topic": "x", "type": 2, "start_time": "2035-06-01T10:00:00Z"},
    )
    zoom.error(r, 404, 1001)
