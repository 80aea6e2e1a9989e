"""Zoom's webhooks: verifying a request, decoding its event, and building the answers.

The order of the checks is the point: the body's size first, then the timestamp, then the
signature over the raw bytes, and only a verified body is parsed. ``x-zm-signature`` is
``"v0=" + hex(HMAC-SHA256(secret, "v0:{x-zm-request-timestamp}:{raw body}"))``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeAlias

import attrs

from zoomlink.errors import (
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from zoomlink.webhooks import (
    AppDeauthorized,
    MeetingCreated,
    MeetingDeleted,
    MeetingUpdated,
    OtherEvent,
    UrlValidation,
    WebhookEvent,
    WebhookResponse,
)

Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers: a mapping, or ``(name, value)`` pairs (which may repeat a name)."""

FUTURE_SKEW = timedelta(minutes=5)
"""How far ahead of our clock a timestamp may be (the two clocks differ a little)."""

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
JSON_HEADERS = (("content-type", "application/json"),)

_SIGNATURE = re.compile(r"v0=([0-9a-fA-F]{64})", re.ASCII)
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)  # seconds; 12 digits reach the year 33658
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
_MAX_MEETING_ID = 2**63 - 1  # what a BIGINT column holds
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
_WHITESPACE = " \t"


@attrs.frozen
class Verified:
    """A request that passed every check: its event, and the secret that signed it (the
    ``endpoint.url_validation`` answer is made with that secret)."""

    event: WebhookEvent
    secret: str = attrs.field(repr=False)


def verify_webhook(
    headers: Headers,
    body: bytes,
    *,
    secrets: Sequence[str],
    now: datetime,
    tolerance: timedelta,
    max_bytes: int,
) -> Verified:
    """Check a webhook request and decode its event.

    Args:
        headers: The request's headers; names are matched case-insensitively.
        body: The raw request body, exactly as received.
        secrets: The Secret Tokens that may have signed it (one per app, or two while one is
            rotated).
        now: The current time (aware).
        tolerance: How old the timestamp may be.
        max_bytes: The largest body accepted.

    Raises:
        WebhookPayloadError: The body is too large (413), or, once verified, not a Zoom event.
        WebhookTimestampError: The timestamp is missing, sent twice, malformed, older than
            ``now - tolerance`` or newer than ``now +`` :data:`FUTURE_SKEW`.
        WebhookSignatureError: The signature is missing, sent twice, malformed, or made with
            none of ``secrets``.
    """
    if now.utcoffset() is None:
        raise ValueError("verify_webhook needs an aware now")
    if len(body) > max_bytes:
        raise WebhookPayloadError(
            f"the webhook body is {len(body)} bytes, over the limit of {max_bytes}",
            reason="body too large",
            too_large=True,
        )
    found = _find_headers(headers)
    timestamp = _check_timestamp(found[TIMESTAMP_HEADER], now, tolerance)
    secret = _check_signature(found[SIGNATURE_HEADER], timestamp, body, secrets)
    return Verified(decode_webhook(body), secret)


def sign_webhook(secret: str, timestamp: str, body: bytes) -> str:
    """The ``x-zm-signature`` Zoom sends with `body` at `timestamp` (seconds, as sent)."""
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def delivery_key(body: bytes) -> str:
    """``"webhook:" + sha256(body)``: the same for every retry of one delivery.

    Zoom may sign a retry anew with a fresh timestamp, but the body (with its ``event_ts``)
    stays the same, so the body alone names the delivery.
    """
    return "webhook:" + hashlib.sha256(body).hexdigest()


def url_validation_answer(secret: str, plain_token: str) -> WebhookResponse:
    """The answer Zoom expects to ``endpoint.url_validation``: ``{"plainToken": p,
    "encryptedToken": hex(HMAC-SHA256(secret, p))}``."""
    encrypted = hmac.new(
        secret.encode("utf-8"), plain_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return json_response(200, {"plainToken": plain_token, "encryptedToken": encrypted})


def json_response(status: int, content: Mapping[str, Any]) -> WebhookResponse:
    """A JSON answer."""
    body = json.dumps(content, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return WebhookResponse(status=status, headers=JSON_HEADERS, body=body)


def error_response(error: WebhookError) -> WebhookResponse:
    """The answer to a refused request: its status and ``{"error": reason}``."""
    return json_response(error.status, {"error": error.reason})


# -- headers, timestamp, signature -----------------------------------------------------------


def _find_headers(headers: Headers) -> dict[str, list[str]]:
    """The values of the two headers that matter, whatever the case of their names."""
    pairs: Iterable[tuple[str, str]] = headers.items() if isinstance(headers, Mapping) else headers
    found: dict[str, list[str]] = {SIGNATURE_HEADER: [], TIMESTAMP_HEADER: []}
    for name, value in pairs:
        values = found.get(name.strip(_WHITESPACE).lower())
        if values is not None and value not in values:
            values.append(value)
    return found


def _check_timestamp(values: list[str], now: datetime, tolerance: timedelta) -> str:
    """The timestamp header as sent, once it is one number of seconds inside the window."""
    if not values:
        raise WebhookTimestampError(
            "the webhook has no x-zm-request-timestamp header", reason="missing timestamp"
        )
    if len(values) > 1:
        raise WebhookTimestampError(
            "the webhook has two different x-zm-request-timestamp headers",
            reason="duplicate timestamp",
        )
    value = values[0].strip(_WHITESPACE)
    if not _TIMESTAMP.fullmatch(value):
        raise WebhookTimestampError(
            "x-zm-request-timestamp is not a number of seconds", reason="malformed timestamp"
        )
    seconds = int(value)
    now_seconds = now.timestamp()
    if seconds < now_seconds - tolerance.total_seconds():
        raise WebhookTimestampError(
            f"x-zm-request-timestamp is older than {tolerance}", reason="stale timestamp"
        )
    if seconds > now_seconds + FUTURE_SKEW.total_seconds():
        raise WebhookTimestampError(
            "x-zm-request-timestamp is in the future", reason="future timestamp"
        )
    return value


def _check_signature(values: list[str], timestamp: str, body: bytes, secrets: Sequence[str]) -> str:
    """The secret whose signature the header carries."""
    if not values:
        raise WebhookSignatureError(
            "the webhook has no x-zm-signature header", reason="missing signature"
        )
    if len(values) > 1:
        raise WebhookSignatureError(
            "the webhook has two different x-zm-signature headers", reason="duplicate signature"
        )
    match = _SIGNATURE.fullmatch(values[0].strip(_WHITESPACE))
    if match is None:
        raise WebhookSignatureError(
            "x-zm-signature is not 'v0=' and 64 hexadecimal digits", reason="malformed signature"
        )
    received = "v0=" + match.group(1).lower()
    matched: str | None = None
    for secret in secrets:  # every secret is tried, so the time taken does not tell which
        valid = hmac.compare_digest(sign_webhook(secret, timestamp, body), received)
        if valid and matched is None:
            matched = secret
    if matched is None:
        raise WebhookSignatureError(
            "x-zm-signature was not made with the Secret Token of any of the apps",
            reason="signature mismatch",
        )
    return matched


# -- the event ---------------------------------------------------------------------------------


def decode_webhook(body: bytes) -> WebhookEvent:
    """The event in a (verified) webhook body.

    Raises:
        WebhookPayloadError: The body is not UTF-8 JSON, not ``{"event": name, "payload":
            {...}}``, or a field of a known event is missing or of the wrong type.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookPayloadError("the webhook body is not UTF-8", reason="invalid JSON") from None
    try:
        data: Any = json.loads(text)
    except (ValueError, RecursionError):
        raise WebhookPayloadError("the webhook body is not JSON", reason="invalid JSON") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError("the webhook body is not a JSON object", reason="not an event")
    name = _string(data, "event", "event", non_empty=True)
    payload = _object(data, "payload", "payload")
    try:
        return _decode_event(name, payload)
    except RecursionError:
        raise WebhookPayloadError(
            "the webhook payload is nested too deeply", reason="invalid payload"
        ) from None


def _decode_event(name: str, payload: dict[str, Any]) -> WebhookEvent:
    if name == UrlValidation.name:
        return UrlValidation(
            plain_token=_string(payload, "plainToken", "payload.plainToken", non_empty=True)
        )
    if name == AppDeauthorized.name:
        return _deauthorized(payload)
    if name in (MeetingCreated.name, MeetingUpdated.name, MeetingDeleted.name):
        return _meeting_event(name, payload)
    return OtherEvent(name=name)


def _deauthorized(payload: dict[str, Any]) -> AppDeauthorized:
    def text(key: str) -> str:
        return _string(payload, key, f"payload.{key}", non_empty=True)

    return AppDeauthorized(
        account_id=text("account_id"),
        user_id=text("user_id"),
        client_id=text("client_id"),
        deauthorized_at=_datetime(text("deauthorization_time"), "payload.deauthorization_time"),
        incident_id=text("signature"),
    )


def _epoch_ms(value: Any) -> datetime | None:
    """Zoom's milliseconds since the epoch as a UTC time; ``None`` when absent or not one
    (the time is a hint, never a reason to refuse an event)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**14:
        return None
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def _meeting_event(name: str, payload: dict[str, Any]) -> WebhookEvent:
    obj = _object(payload, "object", "payload.object")
    meeting_id = _meeting_id(obj.get("id"), "payload.object.id")
    account_id = _string(payload, "account_id", "payload.account_id", non_empty=True)
    operator = _string(payload, "operator", "payload.operator")
    if name == MeetingCreated.name:
        return MeetingCreated(
            meeting_id=meeting_id,
            host_id=_string(obj, "host_id", "payload.object.host_id", non_empty=True),
            account_id=account_id,
            operator=operator,
            operator_id=_string(payload, "operator_id", "payload.operator_id"),
        )
    if name == MeetingUpdated.name:
        old = _object(payload, "old_object", "payload.old_object")
        return MeetingUpdated(
            meeting_id=meeting_id,
            host_id=_string(obj, "host_id", "payload.object.host_id", required=False),
            account_id=account_id,
            operator=operator,
            operator_id=_string(payload, "operator_id", "payload.operator_id"),
            changed={key: value for key, value in obj.items() if key != "id"},
            previous={key: value for key, value in old.items() if key != "id"},
            occurrence_ids=_occurrence_ids(obj),
            changed_at=_epoch_ms(payload.get("time_stamp")),
        )
    # A deletion names its occurrences only when some were deleted; "all" deletes them all,
    # and "this_and_following" the named occurrence and every later one.
    operation = _string(payload, "operation", "payload.operation", required=False)
    occurrences = _occurrence_ids(obj)
    return MeetingDeleted(
        meeting_id=meeting_id,
        host_id=_string(obj, "host_id", "payload.object.host_id", non_empty=True),
        account_id=account_id,
        operator=operator,
        operator_id=_string(payload, "operator_id", "payload.operator_id", required=False),
        occurrence_ids=() if operation == "all" else occurrences,
        and_following=operation == "this_and_following" and bool(occurrences),
    )


def _occurrence_ids(obj: dict[str, Any]) -> tuple[str, ...]:
    """``object.occurrence_id`` and the ``occurrence_id`` of each of ``object.occurrences``."""
    ids: list[str] = []
    if "occurrence_id" in obj:
        ids.append(_string(obj, "occurrence_id", "payload.object.occurrence_id", non_empty=True))
    occurrences = obj.get("occurrences")
    if occurrences is not None:
        if not isinstance(occurrences, list):
            raise _field_error("payload.object.occurrences", "an array")
        for index, occurrence in enumerate(occurrences):
            path = f"payload.object.occurrences[{index}]"
            if not isinstance(occurrence, dict):
                raise _field_error(path, "an object")
            occurrence_id = _string(
                occurrence, "occurrence_id", f"{path}.occurrence_id", non_empty=True
            )
            if occurrence_id not in ids:
                ids.append(occurrence_id)
    return tuple(ids)


# -- fields ------------------------------------------------------------------------------------


def _field_error(path: str, expected: str, *, missing: bool = False) -> WebhookPayloadError:
    problem = "is missing" if missing else f"is not {expected}"
    return WebhookPayloadError(
        f"the webhook's {path} {problem}", reason=f"invalid {path}", field=path
    )


def _string(
    data: dict[str, Any], key: str, path: str, *, non_empty: bool = False, required: bool = True
) -> str:
    if key not in data:
        if required:
            raise _field_error(path, "a string", missing=True)
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise _field_error(path, "a string")
    if non_empty and not value:
        raise _field_error(path, "a non-empty string")
    return value


def _object(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    if key not in data:
        raise _field_error(path, "an object", missing=True)
    value = data[key]
    if not isinstance(value, dict):
        raise _field_error(path, "an object")
    return value


def _meeting_id(value: object, path: str) -> int:
    """A meeting ID: a positive integer, sent as a number or a string of digits."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif value is None:
        raise _field_error(path, "a meeting ID", missing=True)
    else:
        raise _field_error(path, "a meeting ID (digits)")
    if not 0 < number <= _MAX_MEETING_ID:
        raise _field_error(path, "a meeting ID (a positive 64-bit number)")
    return number


def _datetime(value: str, path: str) -> datetime:
    """A Zoom date-time (``2020-06-17T13:52:28.632Z``) as an aware UTC datetime; one without an
    offset is taken as UTC, as Zoom's times are."""
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise _field_error(path, "a date-time")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    zone = timezone.utc
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if delta >= timedelta(hours=24):
            raise _field_error(path, "a date-time")
        zone = timezone(sign * delta)
    try:
        when = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
        return when.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise _field_error(path, "a date-time") from None
