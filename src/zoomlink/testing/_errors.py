"""Zoom's error bodies, raised by the fake's rules and rendered by its handlers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class FakeZoomError(Exception):
    """An answer Zoom gives instead of doing what was asked.

    `body` is the JSON object Zoom sends (or, for the consent page, an HTML string).
    """

    def __init__(
        self,
        status: int,
        body: Mapping[str, Any] | str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})


def api_error(
    status: int, code: int, message: str, *, headers: Mapping[str, str] | None = None
) -> FakeZoomError:
    """The REST API's ``{"code", "message"}`` error."""
    return FakeZoomError(status, {"code": code, "message": message}, headers)


def validation_error(errors: Sequence[tuple[str, str]]) -> FakeZoomError:
    """400 code 300 "Validation Failed." with Zoom's ``errors: [{"field", "message"}]``."""
    return FakeZoomError(
        400,
        {
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": field, "message": message} for field, message in errors],
        },
    )


def invalid_parameter(name: str) -> FakeZoomError:
    """400 code 300 "Invalid parameter: NAME." for a bad query parameter."""
    return api_error(400, 300, f"Invalid parameter: {name}.")


def bad_json() -> FakeZoomError:
    """400 code 300 for a body that is not a JSON object."""
    return api_error(400, 300, "Request Body should be a valid JSON object.")


def invalid_token() -> FakeZoomError:
    """401 code 124 for a missing, unknown or revoked access token."""
    return api_error(401, 124, "Invalid access token.")


def expired_token() -> FakeZoomError:
    """401 code 124 for an expired access token."""
    return api_error(401, 124, "Access token is expired.")


def token_in_query() -> FakeZoomError:
    """401 code 124 for an access token sent in the query string."""
    return api_error(
        401,
        124,
        "Invalid access token, this access token is not supported as query parameter string.",
    )


def user_not_found(ref: str) -> FakeZoomError:
    """404 code 1001."""
    return api_error(404, 1001, f"User does not exist: {ref}.")


def meeting_not_found(meeting_id: object) -> FakeZoomError:
    """404 code 3001."""
    return api_error(404, 3001, f"Meeting does not exist: {meeting_id}.")


def invalid_alternative_host(ref: str) -> FakeZoomError:
    """400 code 1114 for an alternative host the meeting cannot have.

    Zoom documents neither code nor message for this; 1114 is the code client code is seen to
    handle, and the wording follows the message users report.
    """
    return api_error(
        400,
        1114,
        f"Unable to assign '{ref}' as an alternative host because the user cannot be selected "
        "at this time.",
    )


def oauth_error(status: int, error: str, reason: str) -> FakeZoomError:
    """The token endpoint's ``{"reason", "error"}`` error."""
    return FakeZoomError(status, {"reason": reason, "error": error})


def invalid_client() -> FakeZoomError:
    """400 invalid_client for bad or missing client credentials.

    RFC 6749 allows 400 or 401; Zoom answers 400 with this body (reported in
    JubaerHossain/zoom-laravel#3, and in Zoom integrations' troubleshooting notes).
    """
    return oauth_error(400, "invalid_client", "Invalid client_id or client_secret")


def invalid_grant() -> FakeZoomError:
    """400 invalid_grant for a dead, reused or revoked refresh token."""
    return oauth_error(400, "invalid_grant", "Invalid Token!")


def invalid_request(reason: str) -> FakeZoomError:
    """400 invalid_request."""
    return oauth_error(400, "invalid_request", reason)


def authorize_error(error_code: int, message: str) -> FakeZoomError:
    """The authorize page's JSON error (HTTP 400)."""
    return FakeZoomError(
        400, {"status": False, "errorCode": error_code, "errorMessage": message, "result": None}
    )
