"""Meeting ``settings`` and scalar fields: what Zoom's schema accepts, echoes and refuses.

The sample body is the ``settings`` of the "Create a Meeting" example in Zoom's own Postman
collection, with the fields of Zoom's Meetings OpenAPI (``meetingCreate`` request body) that the
example leaves out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._seed import JSON

DOCUMENTED_SETTINGS: JSON = {
    "additional_data_center_regions": ["TY"],
    "allow_multiple_devices": True,
    "alternative_hosts_email_notification": True,
    "approval_type": 2,
    "approved_or_denied_countries_or_regions": {
        "approved_list": ["CX"],
        "denied_list": ["CA"],
        "enable": True,
        "method": "approve",
    },
    "audio": "telephony",
    "authentication_domains": "example.com",
    "authentication_exception": [{"email": "jchill@example.com", "name": "Jill Chill"}],
    "authentication_option": "signIn_D8cJuqWVQ623CI4Q8yQK0Q",
    "auto_recording": "cloud",
    "breakout_room": {"enable": True, "rooms": [{"name": "room1", "participants": ["a@b.co"]}]},
    "calendar_type": 1,
    "close_registration": True,
    "cn_meeting": False,
    "contact_email": "jchill@example.com",
    "contact_name": "Jill Chill",
    "email_notification": True,
    "encryption_type": "enhanced_encryption",
    "enforce_login": True,
    "enforce_login_domains": "example.com",
    "focus_mode": True,
    "global_dial_in_countries": ["US"],
    "host_video": True,
    "in_meeting": False,
    "jbh_time": 5,
    "join_before_host": False,
    "language_interpretation": {
        "enable": True,
        "interpreters": [{"email": "interpreter@example.com", "languages": "US,FR"}],
    },
    "meeting_authentication": True,
    "meeting_invitees": [{"email": "jchill@example.com"}],
    "mute_upon_entry": True,
    "participant_video": True,
    "private_meeting": False,
    "registrants_confirmation_email": True,
    "registrants_email_notification": True,
    "registration_type": 1,
    "show_share_button": True,
    "use_pmi": False,
    "waiting_room": False,
    "watermark": False,
    "host_save_video_order": True,
    "alternative_host_update_polls": True,
    "internal_meeting": False,
    "continuous_meeting_chat": {"enable": True, "auto_add_invited_external_users": True},
    "participant_focused_meeting": False,
    "push_change_to_calendar": False,
    "auto_start_meeting_summary": False,
    "auto_start_ai_companion_questions": False,
    "device_testing": False,
    "sign_language_interpretation": {
        "enable": True,
        "interpreters": [{"email": "interpreter@example.com", "sign_language": "American"}],
    },
}

# Keys Zoom's GET sample shows in every meeting's settings (pyzoom's model reads them).
GET_KEYS = (
    "cn_meeting",
    "in_meeting",
    "registrants_confirmation_email",
    "global_dial_in_countries",
    "global_dial_in_numbers",
    "enforce_login",
    "enforce_login_domains",
    "close_registration",
    "show_share_button",
    "allow_multiple_devices",
    "use_pmi",
    "approval_type",
    "watermark",
    "meeting_authentication",
    "encryption_type",
    "alternative_hosts",
)


def create(zoom: Zoom, token: str, **fields: Any) -> httpx.Response:
    """``POST /users/me/meetings`` of a scheduled meeting with extra fields."""
    body = {"topic": "Settings", "type": 2, "start_time": "2035-06-01T10:00:00Z", "duration": 30}
    return zoom.api("POST", "/users/me/meetings", token, body={**body, **fields})


def test_every_documented_setting_is_accepted_and_echoed(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A create with every documented setting is 201, and create and GET echo each value."""
    token = owner_tokens.access_token
    r = create(zoom, token, settings=DOCUMENTED_SETTINGS)
    assert r.status_code == 201, r.text
    got = zoom.get_meeting(token, r.json()["id"]).json()["settings"]
    for shown in (r.json()["settings"], got):
        for key, value in DOCUMENTED_SETTINGS.items():
            assert shown[key] == value, (key, shown[key])


def test_patch_accepts_documented_settings(zoom: Zoom, owner_tokens: Tokens) -> None:
    """PATCH with settings Zoom documents (formerly refused ones included) is 204 and sticks."""
    token = owner_tokens.access_token
    mid = zoom.create_meeting(token)["id"]
    change = {
        "enforce_login_domains": "example.org",
        "close_registration": True,
        "use_pmi": True,
        "cn_meeting": True,
    }
    r = zoom.api("PATCH", f"/meetings/{mid}", token, body={"settings": change})
    assert r.status_code == 204, r.text
    got = zoom.get_meeting(token, mid).json()["settings"]
    assert {key: got[key] for key in change} == change


def test_get_settings_have_the_documented_keys(zoom: Zoom, owner_tokens: Tokens) -> None:
    """GET /meetings/{id} shows the keys of Zoom's sample, defaults included, with their types."""
    token = owner_tokens.access_token
    settings = zoom.get_meeting(token, zoom.create_meeting(token)["id"]).json()["settings"]
    assert set(GET_KEYS) <= set(settings), sorted(set(GET_KEYS) - set(settings))
    assert settings["cn_meeting"] is False
    assert settings["in_meeting"] is False
    assert isinstance(settings["global_dial_in_countries"], list)
    number = settings["global_dial_in_numbers"][0]
    assert {"country", "country_name", "city", "number", "type"} <= set(number)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("close_registration", "yes"),
        ("enforce_login_domains", 7),
        ("use_pmi", 1),
        ("approval_type", 5),
        ("global_dial_in_countries", "US"),
        ("breakout_room", {"enable": "on"}),
        ("authentication_exception", [{"email": 3}]),
    ],
)
def test_wrong_type_is_refused(zoom: Zoom, owner_tokens: Tokens, key: str, value: Any) -> None:
    """A documented setting of the wrong type (or out of its enum) is 400 code 300 on it."""
    body = zoom.error(create(zoom, owner_tokens.access_token, settings={key: value}), 400, 300)
    assert {"field": f"settings.{key}", "message": "Invalid field."} in body["errors"], body


def test_unknown_setting_is_ignored(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A setting Zoom does not document is ignored: 201, and GET does not show it."""
    token = owner_tokens.access_token
    r = create(zoom, token, settings={"waiting_room_enabled": True, "host_video": True})
    assert r.status_code == 201, r.text
    settings = zoom.get_meeting(token, r.json()["id"]).json()["settings"]
    assert "waiting_room_enabled" not in settings
    assert settings["host_video"] is True


def test_null_settings_mean_not_given(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``null`` for a setting or an optional field is skipped: the default stays."""
    token = owner_tokens.access_token
    r = create(zoom, token, agenda=None, timezone=None, settings={"waiting_room": None})
    assert r.status_code == 201, r.text
    assert r.json()["settings"]["waiting_room"] is True
    assert r.json()["agenda"] == ""


def test_duration_as_digit_string_is_read_as_a_number(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``"duration": "45"`` is accepted and shown as the integer 45; ``"type": "2"`` likewise.

    GeeksforGeeks' "How to create a meeting with zoom API in Python" sends these strings.
    """
    r = create(zoom, owner_tokens.access_token, duration="45", type="2")
    assert r.status_code == 201, r.text
    assert r.json()["duration"] == 45
    assert r.json()["type"] == 2


def test_boolean_settings_as_strings_are_read(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``"host_video": "true"`` and ``"join_before_host": "False"`` are read as booleans
    (the same tutorial sends them so)."""
    settings = {"host_video": "true", "join_before_host": "False", "waiting_room": "FALSE"}
    r = create(zoom, owner_tokens.access_token, settings=settings)
    assert r.status_code == 201, r.text
    shown = r.json()["settings"]
    assert (shown["host_video"], shown["join_before_host"], shown["waiting_room"]) == (
        True,
        False,
        False,
    )


def test_duration_not_a_number_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``"duration": "half an hour"`` is 400 code 300 on ``duration``."""
    body = zoom.error(create(zoom, owner_tokens.access_token, duration="half an hour"), 400, 300)
    assert [e["field"] for e in body["errors"]] == ["duration"]


def test_fractional_duration_is_ignored(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A duration with a fraction is not refused and has no effect (Zoom keeps its default)."""
    r = create(zoom, owner_tokens.access_token, duration=30.5)
    assert r.status_code == 201, r.text
    assert r.json()["duration"] == 60


def test_documented_top_level_fields_are_kept(zoom: Zoom, owner_tokens: Tokens) -> None:
    """``pre_schedule`` and ``tracking_fields`` are stored and shown; ``template_id`` accepted.

    Meetings OpenAPI: ``meetingCreate`` body fields; ``GET`` shows tracking fields with
    ``visible``.
    """
    token = owner_tokens.access_token
    tracking = [{"field": "booking", "value": "bk_1"}]
    r = create(zoom, token, pre_schedule=True, tracking_fields=tracking, template_id="tpl_1")
    assert r.status_code == 201, r.text
    got = zoom.get_meeting(token, r.json()["id"]).json()
    assert got["pre_schedule"] is True
    assert got["tracking_fields"] == [{"field": "booking", "value": "bk_1", "visible": True}]


@pytest.mark.parametrize(
    ("key", "value"),
    [("pre_schedule", "soon"), ("tracking_fields", [{"field": 1}]), ("template_id", 5)],
)
def test_top_level_field_of_wrong_type_is_refused(
    zoom: Zoom, owner_tokens: Tokens, key: str, value: Any
) -> None:
    """A documented top-level field of the wrong type is 400 code 300 on that field."""
    body = zoom.error(create(zoom, owner_tokens.access_token, **{key: value}), 400, 300)
    assert {"field": key, "message": "Invalid field."} in body["errors"], body
