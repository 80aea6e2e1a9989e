"""Zoom's error answers, in every shape Zoom uses, become typed errors without secrets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from zoomlink import (
    ZoomAPIError,
    ZoomAuthenticationError,
    ZoomNotFoundError,
    ZoomOAuthError,
    ZoomPermissionError,
    ZoomRateLimitError,
    ZoomResponseError,
    ZoomScopeError,
    ZoomServerError,
    ZoomValidationError,
)
from zoomlink._core._http import (
    ZoomRequest,
    ZoomResponse,
    decode_json,
    error_from_response,
    next_utc_midnight,
    parse_retry_after,
)

NOW = datetime(2026, 3, 28, 22, 15, 30, tzinfo=timezone.utc)
TOKEN = "eyJsecret-access-token"
API_REQUEST = ZoomRequest(
    method="POST",
    url="https://api.zoom.us/v2/users/me/meetings",
    route="meetings.create",
    secrets=(TOKEN,),
)
TOKEN_REQUEST = ZoomRequest(
    method="POST", url="https://zoom.us/oauth/token", route="oauth.token", secrets=(TOKEN,)
)


def _error(status: int, body: str, headers: dict[str, str] | None = None) -> ZoomAPIError:
    response = ZoomResponse(status=status, headers=headers or {}, body=body.encode())
    return error_from_response(API_REQUEST, response, NOW)


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (401, '{"code":124,"message":"Invalid access token."}', ZoomAuthenticationError, 124),
        (403, '{"code":200,"message":"No permission."}', ZoomPermissionError, 200),
        (404, '{"code":3001,"message":"Meeting does not exist: 1."}', ZoomNotFoundError, 3001),
        (404, '{"code":1001,"message":"User does not exist: x."}', ZoomNotFoundError, 1001),
        (400, '{"code":300,"message":"Validation Failed."}', ZoomValidationError, 300),
        (500, '{"code":500,"message":"Internal error"}', ZoomServerError, 500),
        (503, "Service Unavailable", ZoomServerError, None),
        (409, '{"code":3000,"message":"Conflict"}', ZoomAPIError, 3000),
    ],
)
def test_status_and_code_choose_the_error_type(
    status: int, body: str, kind: type[ZoomAPIError], code: int | None
) -> None:
    """Each HTTP status maps to its error type, carrying Zoom's code and status."""
    error = _error(status, body)
    assert type(error) is kind
    assert (error.status, error.code) == (status, code)


def test_validation_errors_carry_zoom_field_details() -> None:
    """A 300 validation answer keeps Zoom's per-field errors."""
    error = _error(
        400,
        '{"code":300,"message":"Validation Failed.","errors":[{"field":"topic","message":"Too long"}]}',
    )
    assert isinstance(error, ZoomValidationError)
    assert error.errors == ({"field": "topic", "message": "Too long"},)


def test_xml_error_bodies_are_read() -> None:
    """Zoom's occasional XML error body still yields its code and message."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><error><code>300</code>'
        "<message>Invalid password.</message></error>"
    )
    error = _error(400, body)
    assert isinstance(error, ZoomValidationError)
    assert (error.code, error.message) == (300, "Invalid password.")


def test_oauth_error_bodies_become_oauth_errors() -> None:
    """The token endpoint's {"error","reason"} body becomes a ZoomOAuthError."""
    response = ZoomResponse(
        status=400, headers={}, body=b'{"reason":"Invalid Token!","error":"invalid_grant"}'
    )
    error = error_from_response(TOKEN_REQUEST, response, NOW)
    assert isinstance(error, ZoomOAuthError)
    assert (error.error, error.reason, error.status) == ("invalid_grant", "Invalid Token!", 400)


@pytest.mark.parametrize("body", ['{"code":504,"message":"Gateway Timeout."}', "Bad Gateway"])
def test_a_failing_token_endpoint_is_a_server_error(body: str) -> None:
    """A 5xx from the token endpoint without an OAuth error body is a ZoomServerError (Zoom
    down: retried, deferred), not a ZoomOAuthError that reads as a refusal."""
    response = ZoomResponse(status=504, headers={}, body=body.encode())
    error = error_from_response(TOKEN_REQUEST, response, NOW)
    assert type(error) is ZoomServerError
    assert error.status == 504


def test_authorize_page_error_shape_is_read() -> None:
    """The authorize page's {"errorCode","errorMessage"} body yields its code and message."""
    response = ZoomResponse(
        status=400,
        headers={},
        body=b'{"status":false,"errorCode":4702,"errorMessage":"Invalid client_id: x","result":null}',
    )
    error = error_from_response(TOKEN_REQUEST, response, NOW)
    assert (error.code, error.message) == (4702, "Invalid client_id: x")


def test_secrets_echoed_by_zoom_are_scrubbed() -> None:
    """A token Zoom echoes in a message never reaches the exception text."""
    error = _error(401, f'{{"code":124,"message":"Invalid access token: {TOKEN}"}}')
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error.args)
    assert "[redacted]" in str(error)


def test_tracking_id_is_kept() -> None:
    """Zoom's x-zm-trackingid header is kept on the error for support requests."""
    error = _error(500, "{}", {"X-Zm-Trackingid": "v=2.0;clid=us05;rid=WEB_abc"})
    assert error.tracking_id == "v=2.0;clid=us05;rid=WEB_abc"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", NOW + timedelta(seconds=7)),
        ("1.5", NOW + timedelta(seconds=1.5)),
        ("2026-03-29T00:00:00Z", datetime(2026, 3, 29, tzinfo=timezone.utc)),
        ("Sun, 29 Mar 2026 00:00:00 GMT", datetime(2026, 3, 29, tzinfo=timezone.utc)),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_all_its_forms(value: str | None, expected: datetime | None) -> None:
    """Retry-After is read as seconds, an ISO time or an HTTP date; nonsense gives None."""
    assert parse_retry_after(value, NOW) == expected


def test_per_second_limit_is_recognised() -> None:
    """A per-second 429 is a per-second ZoomRateLimitError with its Retry-After."""
    error = _error(
        429,
        '{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}',
        {"Retry-After": "1", "X-RateLimit-Category": "Medium", "X-RateLimit-Type": "QPS"},
    )
    assert isinstance(error, ZoomRateLimitError)
    assert (error.limit, error.retry_at, error.category) == (
        "per-second",
        NOW + timedelta(seconds=1),
        "Medium",
    )


def test_host_daily_limit_resets_at_utc_midnight() -> None:
    """The 100-per-host daily limit is recognised and, without Retry-After, resets at 00:00 UTC."""
    error = _error(
        429,
        '{"code":429,"message":"You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}',
    )
    assert isinstance(error, ZoomRateLimitError)
    assert (error.limit, error.retry_at) == (
        "host-daily",
        datetime(2026, 3, 29, tzinfo=timezone.utc),
    )


def test_account_daily_limit_is_recognised() -> None:
    """An account's daily quota 429 is a daily limit."""
    error = _error(
        429,
        '{"code":429,"message":"You have reached the maximum daily rate limit for this API."}',
        {"X-RateLimit-Type": "Daily-limit", "Retry-After": "2026-03-29T00:00:00Z"},
    )
    assert isinstance(error, ZoomRateLimitError)
    assert error.limit == "daily"


def test_next_utc_midnight_from_another_zone() -> None:
    """The daily reset is midnight UTC, whatever zone the current time is given in."""
    berlin_evening = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert next_utc_midnight(berlin_evening) == datetime(2026, 3, 29, tzinfo=timezone.utc)


def test_success_without_json_is_a_response_error() -> None:
    """A 2xx answer whose body is not JSON is a ZoomResponseError, not a crash."""
    with pytest.raises(ZoomResponseError):
        decode_json(API_REQUEST, ZoomResponse(status=201, headers={}, body=b"<html>"), NOW)


def test_empty_success_is_none() -> None:
    """Zoom's 204 with no body decodes to None."""
    assert decode_json(API_REQUEST, ZoomResponse(status=204, headers={}, body=b""), NOW) is None


@pytest.mark.parametrize(
    ("body", "scopes"),
    [
        (
            '{"code":4711,"message":"Invalid access token, does not contain '
            'scopes:[user:read:list_users:admin]."}',
            ("user:read:list_users:admin",),
        ),
        (
            '{"code":4711,"message":"Invalid access token, does not contain '
            'scopes:[meeting:write:meeting, meeting:write]."}',
            ("meeting:write:meeting", "meeting:write"),
        ),
    ],
)
def test_missing_scope_is_a_scope_error_naming_it(body: str, scopes: tuple[str, ...]) -> None:
    """Zoom's 400 code 4711 "does not contain scopes" becomes ZoomScopeError with the scopes."""
    error = _error(400, body)
    assert type(error) is ZoomScopeError
    assert isinstance(error, ZoomPermissionError)
    assert error.missing_scopes == scopes
    assert (error.status, error.code) == (400, 4711)
    assert scopes[0] in str(error)
