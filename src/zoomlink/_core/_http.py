"""Requests as plain values, and Zoom's answers turned into data or typed errors."""

from __future__ import annotations

import base64
import email.utils
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import attrs

from zoomlink.errors import (
    ZoomAPIError,
    ZoomAuthenticationError,
    ZoomErrorContext,
    ZoomNotFoundError,
    ZoomOAuthError,
    ZoomPermissionError,
    ZoomRateLimitError,
    ZoomResponseError,
    ZoomScopeError,
    ZoomServerError,
    ZoomValidationError,
)

Pairs = tuple[tuple[str, str], ...]

_REDACTED = "[redacted]"
_MAX_MESSAGE = 300


@attrs.frozen(kw_only=True)
class ZoomRequest:
    """One HTTP request to Zoom, described as data.

    ``secrets`` lists every secret value the request carries (tokens, client secret, code) so
    that nothing Zoom echoes back can leak them into an exception message.
    """

    method: str
    url: str
    route: str
    headers: Pairs = attrs.field(default=(), repr=False)
    params: Pairs = ()
    form: Pairs | None = attrs.field(default=None, repr=False)
    json: Any = attrs.field(default=None, repr=False)
    secrets: tuple[str, ...] = attrs.field(default=(), repr=False)


@attrs.frozen(kw_only=True)
class ZoomResponse:
    """Zoom's answer as plain values."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def bearer(token: str) -> Pairs:
    """The ``Authorization`` header for an API call."""
    return (("Authorization", f"Bearer {token}"),)


def basic(client_id: str, client_secret: str) -> Pairs:
    """The ``Authorization`` header for Zoom's OAuth endpoints (HTTP Basic client credentials)."""
    raw = f"{client_id}:{client_secret}".encode()
    return (("Authorization", "Basic " + base64.b64encode(raw).decode("ascii")),)


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced, cut to a readable length."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When ``Retry-After`` says to retry: seconds, an HTTP date or an ISO 8601 time.

    Returns ``None`` for a missing or unreadable value.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return now + timedelta(seconds=float(value))
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def next_utc_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now``: when Zoom's daily limits reset."""
    day = now.astimezone(timezone.utc).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


@attrs.frozen
class _ErrorBody:
    code: int | None = None
    message: str = ""
    errors: tuple[Mapping[str, str], ...] = ()
    oauth_error: str | None = None
    reason: str = ""


def _read_error_body(body: bytes) -> _ErrorBody:
    """Zoom's error body in any of the shapes it uses: JSON API errors, OAuth errors, the
    authorize page's ``errorCode`` JSON, the occasional XML, or plain text."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        code = data.get("code", data.get("errorCode"))
        message = data.get("message") or data.get("errorMessage") or data.get("reason") or ""
        errors = tuple(
            {str(k): str(v) for k, v in item.items()}
            for item in data.get("errors") or ()
            if isinstance(item, dict)
        )
        oauth_error = data.get("error") if isinstance(data.get("error"), str) else None
        return _ErrorBody(
            code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            message=str(message),
            errors=errors,
            oauth_error=oauth_error,
            reason=str(data.get("reason") or ""),
        )
    if text.startswith("<"):
        code_match = re.search(r"<code>\s*(\d+)\s*</code>", text)
        message_match = re.search(r"<message>(.*?)</message>", text, re.DOTALL)
        return _ErrorBody(
            code=int(code_match.group(1)) if code_match else None,
            message=message_match.group(1).strip() if message_match else text,
        )
    return _ErrorBody(message=text)


def _rate_limit_kind(
    headers: Mapping[str, str], message: str
) -> Literal["per-second", "daily", "host-daily"]:
    lowered = message.lower()
    if "create/update" in lowered or "particular user" in lowered:
        return "host-daily"
    limit_type = (_header(headers, "X-RateLimit-Type") or "").lower()
    if "daily" in limit_type or "daily" in lowered:
        return "daily"
    return "per-second"


# Zoom's 4711 message: "Invalid access token, does not contain scopes:[a:b:c, d:e]."
_MISSING_SCOPES = re.compile(r"does not contain scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)


def _missing_scopes(message: str) -> tuple[str, ...] | None:
    """The scopes a "does not contain scopes:[...]" message names, else None."""
    match = _MISSING_SCOPES.search(message)
    if match is None:
        return None
    return tuple(scope.strip() for scope in match.group(1).split(",") if scope.strip())


def error_from_response(
    request: ZoomRequest, response: ZoomResponse, now: datetime
) -> ZoomAPIError:
    """The typed error for an unsuccessful Zoom answer."""
    body = _read_error_body(response.body)
    message = scrub(body.message or f"HTTP {response.status}", request.secrets)
    context: ZoomErrorContext = {
        "status": response.status,
        "code": body.code,
        "tracking_id": _header(response.headers, "x-zm-trackingid"),
        "method": request.method,
        "url": request.url,
    }
    status = response.status
    if status == 429:
        kind = _rate_limit_kind(response.headers, body.message)
        retry_at = parse_retry_after(_header(response.headers, "Retry-After"), now)
        if retry_at is None and kind != "per-second":
            retry_at = next_utc_midnight(now)
        category = _header(response.headers, "X-RateLimit-Category")
        return ZoomRateLimitError(
            message, limit=kind, retry_at=retry_at, category=category, **context
        )
    if status >= 500 and body.oauth_error is None:
        # Zoom failed, on its OAuth host as anywhere: "not now", not a refusal of the grant.
        return ZoomServerError(message, **context)
    if body.oauth_error is not None or request.route.startswith("oauth."):
        return ZoomOAuthError(
            message,
            error=body.oauth_error or "",
            reason=scrub(body.reason, request.secrets),
            **context,
        )
    missing_scopes = _missing_scopes(body.message)
    if missing_scopes is not None:
        return ZoomScopeError(message, missing_scopes=missing_scopes, **context)
    if status == 401:
        return ZoomAuthenticationError(message, **context)
    if status == 403:
        return ZoomPermissionError(message, **context)
    if status == 404:
        return ZoomNotFoundError(message, **context)
    if status in (400, 422) and (body.code == 300 or body.errors):
        return ZoomValidationError(message, errors=body.errors, **context)
    if status >= 500:
        return ZoomServerError(message, **context)
    return ZoomAPIError(message, **context)


def decode_json(request: ZoomRequest, response: ZoomResponse, now: datetime) -> Any:
    """The JSON of a successful answer (``None`` when it has no body), or the typed error."""
    if not 200 <= response.status < 300:
        raise error_from_response(request, response, now)
    if not response.body.strip():
        return None
    try:
        return json.loads(response.body)
    except ValueError:
        raise ZoomResponseError(
            "Zoom answered with a body that is not JSON",
            status=response.status,
            tracking_id=_header(response.headers, "x-zm-trackingid"),
            method=request.method,
            url=request.url,
        ) from None


def response_error(request: ZoomRequest, response: ZoomResponse, what: str) -> ZoomResponseError:
    """The error for a successful answer whose body lacks what Zoom documents."""
    return ZoomResponseError(
        f"Zoom's answer lacks {what}",
        status=response.status,
        tracking_id=_header(response.headers, "x-zm-trackingid"),
        method=request.method,
        url=request.url,
    )
