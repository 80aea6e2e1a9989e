"""Value objects refuse bad input with typed errors and never show secrets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from zoomlink import (
    ConfigurationError,
    Endpoints,
    InvalidInputError,
    Meeting,
    MeetingFields,
    Tokens,
    ZoomApp,
)

NOW = datetime(2026, 5, 4, 15, 30, tzinfo=timezone.utc)


def test_naive_meeting_start_is_refused() -> None:
    """A meeting start without a time zone is refused, never guessed."""
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        MeetingFields(start=datetime(2026, 5, 4, 15, 30), duration_minutes=30)


@pytest.mark.parametrize(("field", "limit"), [("topic", 200), ("agenda", 2000), ("password", 10)])
def test_meeting_fields_respect_zoom_limits(field: str, limit: int) -> None:
    """Topic, agenda and passcode may be as long as Zoom allows and no longer."""
    MeetingFields(**{field: "x" * limit})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=f"at most {limit}"):
        MeetingFields(**{field: "x" * (limit + 1)})  # type: ignore[arg-type]


@pytest.mark.parametrize("minutes", [0, -5, True])
def test_duration_must_be_positive_whole_minutes(minutes: int) -> None:
    """A meeting lasts a positive whole number of minutes."""
    with pytest.raises(InvalidInputError, match="minutes"):
        MeetingFields(duration_minutes=minutes)


def test_invalid_input_is_also_a_value_error() -> None:
    """InvalidInputError can be caught as a ValueError by generic code."""
    with pytest.raises(ValueError, match="at most 200"):
        MeetingFields(topic="x" * 201)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"client_id": "", "client_secret": "s", "redirect_uri": "https://app.example/cb"},
        {"client_id": "c", "client_secret": " ", "redirect_uri": "https://app.example/cb"},
        {"client_id": "c", "client_secret": "s", "redirect_uri": "app.example/cb"},
        {"client_id": "c", "client_secret": "s", "kind": "s2s"},
        {"client_id": "c", "client_secret": "s", "redirect_uri": "https://a.example/", "kind": "x"},
    ],
)
def test_bad_app_settings_are_configuration_errors(kwargs: dict[str, str]) -> None:
    """Missing credentials, a relative redirect URI or an S2S app without account are refused."""
    with pytest.raises(ConfigurationError):
        ZoomApp(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", ["ftp://zoom.us", "zoom.us", "https://zoom.us/?x=1"])
def test_bad_base_urls_are_configuration_errors(url: str) -> None:
    """Base URLs must be absolute http(s) URLs without query."""
    with pytest.raises(ConfigurationError):
        Endpoints(oauth_base_url=url)


def test_base_urls_lose_their_trailing_slash() -> None:
    """A trailing slash on a base URL does not produce double slashes later."""
    assert Endpoints.single("http://127.0.0.1:8765/").api_base_url == "http://127.0.0.1:8765"


def test_secrets_never_appear_in_reprs() -> None:
    """Client secret, tokens, passcode and start_url stay out of reprs."""
    app = ZoomApp(client_id="cid", client_secret="SECRET-1", redirect_uri="https://a.example/cb")
    tokens = Tokens(access_token="SECRET-2", refresh_token="SECRET-3", expires_at=NOW)
    meeting = Meeting(
        id=81234567890,
        topic="t",
        type=2,
        start=NOW,
        duration_minutes=30,
        timezone="UTC",
        join_url="https://us05web.zoom.us/j/81234567890",
        start_url="https://us05web.zoom.us/s/81234567890?zak=SECRET-4",
    )
    fields = MeetingFields(password="SECRET-5")
    text = repr(app) + repr(tokens) + repr(meeting) + repr(fields)
    assert "SECRET" not in text


def test_tokens_know_when_they_are_about_to_expire() -> None:
    """expires_within compares the expiry with now plus a margin."""
    tokens = Tokens(access_token="a", refresh_token="r", expires_at=NOW + timedelta(seconds=60))
    assert not tokens.expires_within(NOW, timedelta(seconds=30))
    assert tokens.expires_within(NOW, timedelta(seconds=60))


def test_values_are_frozen() -> None:
    """Value objects cannot be changed in place; attrs.evolve makes a changed copy."""
    tokens = Tokens(access_token="a", refresh_token="r", expires_at=NOW)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tokens.access_token = "b"  # type: ignore[misc]
    assert attrs.evolve(tokens, access_token="b").access_token == "b"


def test_meeting_end_follows_duration() -> None:
    """A meeting ends its duration after its start."""
    meeting = Meeting(
        id=1, topic="t", type=2, start=NOW, duration_minutes=45, timezone="UTC", join_url="j"
    )
    assert meeting.end == NOW + timedelta(minutes=45)
