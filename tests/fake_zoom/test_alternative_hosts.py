"""Meeting settings naming other people: ``alternative_hosts`` and ``meeting_invitees``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._hooks import Delivery
    from tests.fake_zoom._seed import JSON

INVALID_ALTERNATIVE_HOST = 1114


def create(zoom: Zoom, token: str, settings: JSON) -> httpx.Response:
    """``POST /users/me/meetings`` of a scheduled meeting with these settings."""
    body = {"topic": "Alt hosts", "type": 2, "start_time": "2035-06-01T10:00:00Z", "duration": 30}
    return zoom.api("POST", "/users/me/meetings", token, body={**body, "settings": settings})


def settings_of(zoom: Zoom, token: str, meeting_id: int) -> JSON:
    """The meeting's settings as ``GET /meetings/{id}`` shows them."""
    r = zoom.get_meeting(token, meeting_id)
    assert r.status_code == 200, r.text
    settings: JSON = r.json()["settings"]
    return settings


def patch(zoom: Zoom, token: str, meeting_id: int, settings: JSON) -> httpx.Response:
    """``PATCH /meetings/{id}`` with only these settings."""
    return zoom.api("PATCH", f"/meetings/{meeting_id}", token, body={"settings": settings})


def assert_refused_host(zoom: Zoom, r: httpx.Response, email: str) -> None:
    """400 code 1114 naming ``email``."""
    body = zoom.error(r, 400, INVALID_ALTERNATIVE_HOST)
    assert f"'{email}'" in body["message"], body
    assert "alternative host" in body["message"], body


# -- alternative_hosts ------------------------------------------------------------------------


def test_same_account_licensed_user_is_accepted(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A licensed user of the host's account becomes an alternative host, shown by create and GET."""
    admin = zoom.user("admin").email
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": admin})
    assert r.status_code == 201, r.text
    assert r.json()["settings"]["alternative_hosts"] == admin
    shown = settings_of(zoom, owner_tokens.access_token, r.json()["id"])
    assert shown["alternative_hosts"] == admin


def test_lookup_is_case_insensitive_and_accepts_user_ids(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Alternative hosts are found by e-mail in any case, or by user id, and kept as written."""
    value = f"{zoom.user('admin').email.upper()};{zoom.user('member').id}"
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": value})
    assert r.status_code == 201, r.text
    assert (
        settings_of(zoom, owner_tokens.access_token, r.json()["id"])["alternative_hosts"] == value
    )


def test_comma_separated_list_is_normalised(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Commas, blanks and empty entries become one `;`-separated list; a repeat is kept once."""
    admin, member = zoom.user("admin").email, zoom.user("member").email
    raw = f" {admin} , {member};;{admin},"
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": raw})
    assert r.status_code == 201, r.text
    expected = f"{admin};{member}"
    assert r.json()["settings"]["alternative_hosts"] == expected
    assert settings_of(zoom, owner_tokens.access_token, r.json()["id"])["alternative_hosts"] == (
        expected
    )


def test_user_of_another_account_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A user of another Zoom account is refused with 400 code 1114 naming their e-mail."""
    other = zoom.user("free").email
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": other})
    assert_refused_host(zoom, r, other)


def test_whole_list_is_refused_for_one_bad_entry(zoom: Zoom, owner_tokens: Tokens) -> None:
    """One bad entry refuses the request (naming it) and no meeting is created."""
    token = owner_tokens.access_token
    other = zoom.user("free").email
    r = create(zoom, token, {"alternative_hosts": f"{zoom.user('admin').email};{other}"})
    assert_refused_host(zoom, r, other)
    listed = zoom.list_meetings(token)
    assert listed.status_code == 200, listed.text
    assert listed.json()["meetings"] == []


def test_host_themselves_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """The meeting's host cannot be their own alternative host."""
    host = zoom.user("owner").email
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": host})
    assert_refused_host(zoom, r, host)


def test_unknown_email_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An e-mail that is no Zoom user is refused."""
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": "nobody@pro.example.com"})
    assert_refused_host(zoom, r, "nobody@pro.example.com")


def test_basic_user_of_the_account_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A Basic (type 1) user of the host's own account cannot be an alternative host."""
    basic = "basic@pro.example.com"
    account = zoom.user("owner").account_id
    seed = {"users": [{"email": basic, "account_id": account, "role": "member", "type": 1}]}
    zoom.control("POST", "/seed", body=seed)
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": basic})
    assert_refused_host(zoom, r, basic)


def test_free_account_cannot_have_alternative_hosts(zoom: Zoom) -> None:
    """On a Free account even a user of the same account is refused."""
    tokens = zoom.connect(zoom.app("user"), zoom.user("free"))
    helper = zoom.user("free2").email
    r = create(zoom, tokens.access_token, {"alternative_hosts": helper})
    assert_refused_host(zoom, r, helper)


def test_empty_string_clears(zoom: Zoom, owner_tokens: Tokens) -> None:
    """PATCH with an empty ``alternative_hosts`` removes every alternative host."""
    token = owner_tokens.access_token
    r = create(zoom, token, {"alternative_hosts": zoom.user("admin").email})
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    assert patch(zoom, token, mid, {"alternative_hosts": ""}).status_code == 204
    assert settings_of(zoom, token, mid)["alternative_hosts"] == ""


def test_patch_applies_the_same_rules(zoom: Zoom, owner_tokens: Tokens) -> None:
    """PATCH normalises a valid list and refuses a bad one, leaving the meeting unchanged."""
    token = owner_tokens.access_token
    admin, member = zoom.user("admin").email, zoom.user("member").email
    mid = zoom.create_meeting(token)["id"]
    r = patch(zoom, token, mid, {"alternative_hosts": f"{admin},{member}"})
    assert r.status_code == 204, r.text
    assert settings_of(zoom, token, mid)["alternative_hosts"] == f"{admin};{member}"
    for bad in (zoom.user("free").email, zoom.user("owner").email, "ghost@pro.example.com"):
        r = patch(zoom, token, mid, {"alternative_hosts": bad})
        assert_refused_host(zoom, r, bad)
    assert settings_of(zoom, token, mid)["alternative_hosts"] == f"{admin};{member}"


def test_field_errors_come_before_the_alternative_host_check(
    zoom: Zoom, owner_tokens: Tokens
) -> None:
    """A body with a malformed field is refused with code 300 before hosts are looked up."""
    r = zoom.api(
        "POST",
        "/users/me/meetings",
        owner_tokens.access_token,
        body={"topic": "T" * 201, "settings": {"alternative_hosts": "ghost@pro.example.com"}},
    )
    body = zoom.error(r, 400, 300)
    assert [e["field"] for e in body["errors"]] == ["topic"]


def test_non_string_alternative_hosts_is_invalid(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``alternative_hosts`` given as a list is 400 code 300 on that field."""
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": [zoom.user("admin").email]})
    body = zoom.error(r, 400, 300)
    assert {"field": "settings.alternative_hosts", "message": "Invalid field."} in body["errors"]


def test_meeting_created_webhook_shows_normalised_hosts(zoom: Zoom, owner_tokens: Tokens) -> None:
    """meeting.created carries the normalised ``alternative_hosts``."""
    admin, member = zoom.user("admin").email, zoom.user("member").email
    r = create(zoom, owner_tokens.access_token, {"alternative_hosts": f"{admin} ,{member}"})
    assert r.status_code == 201, r.text
    mid = r.json()["id"]

    def about_meeting(d: Delivery) -> bool:
        obj = d.json.get("payload", {}).get("object", {})
        return bool(d.event == "meeting.created" and obj.get("id") == mid)

    delivery = zoom.hooks.wait_for(about_meeting)
    settings = delivery.json["payload"]["object"]["settings"]
    assert settings["alternative_hosts"] == f"{admin};{member}"


# -- meeting_invitees ---------------------------------------------------------------------------


def test_invitees_are_kept_and_returned(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Invitees of any account are kept in order as ``[{"email": ...}]`` (other keys dropped)."""
    token = owner_tokens.access_token
    given = [{"email": "guest@elsewhere.example.org", "name": "Guest"}, {"email": "a.b@c.io"}]
    r = create(zoom, token, {"meeting_invitees": given})
    assert r.status_code == 201, r.text
    expected = [{"email": "guest@elsewhere.example.org"}, {"email": "a.b@c.io"}]
    assert r.json()["settings"]["meeting_invitees"] == expected
    assert settings_of(zoom, token, r.json()["id"])["meeting_invitees"] == expected


def test_invitees_default_to_empty_and_patch_replaces(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A new meeting has no invitees; PATCH replaces the whole list."""
    token = owner_tokens.access_token
    mid = zoom.create_meeting(token)["id"]
    assert settings_of(zoom, token, mid)["meeting_invitees"] == []
    r = patch(zoom, token, mid, {"meeting_invitees": [{"email": "x@y.example"}]})
    assert r.status_code == 204, r.text
    assert settings_of(zoom, token, mid)["meeting_invitees"] == [{"email": "x@y.example"}]


@pytest.mark.parametrize(
    "invitees",
    [
        "guest@example.org",
        ["guest@example.org"],
        [{"email": "not-an-email"}],
        [{"email": "two@@example.org"}],
        [{"email": "guest@example.org;other@example.org"}],
        [{"email": 42}],
        [{"name": "No Email"}],
        [{"email": "ok@example.org"}, None],
        {"email": "guest@example.org"},
    ],
)
def test_malformed_invitees_are_refused(zoom: Zoom, owner_tokens: Tokens, invitees: Any) -> None:
    """Invitees not a list of ``{"email": <e-mail>}`` are 400 code 300 on the field."""
    token = owner_tokens.access_token
    expected = {"field": "settings.meeting_invitees", "message": "Invalid field."}
    body = zoom.error(create(zoom, token, {"meeting_invitees": invitees}), 400, 300)
    assert expected in body["errors"], body
    mid = zoom.create_meeting(token)["id"]
    body = zoom.error(patch(zoom, token, mid, {"meeting_invitees": invitees}), 400, 300)
    assert expected in body["errors"], body
    assert settings_of(zoom, token, mid)["meeting_invitees"] == []
