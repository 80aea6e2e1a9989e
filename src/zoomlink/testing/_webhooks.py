"""Signing webhooks as Zoom does and sending them to a Python callback or an HTTP URL.

``x-zm-signature`` is ``"v0=" + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))`` and
``x-zm-request-timestamp`` is the fake clock's time in seconds when the attempt is sent
(developers.zoom.us/docs/api/webhooks/, "Verify with Zoom's header"). A failed attempt is
recorded with status 0; it never raises into the request that caused it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import httpx

from ._records import WebhookCallback, WebhookDelivery

DELIVERY_TIMEOUT = 3.0  # Zoom expects an answer within three seconds
_log = logging.getLogger("zoomlink.testing")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``x-zm-signature`` value for `body` sent at `timestamp`."""
    message = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def hashed_token(secret: str, plain_token: str) -> str:
    """``encryptedToken``: hex HMAC-SHA256 of the plain token with the Secret Token."""
    return hmac.new(secret.encode("utf-8"), plain_token.encode("utf-8"), hashlib.sha256).hexdigest()


@attrs.frozen
class Endpoint:
    """Where one app's webhooks go, and the Secret Token that signs them."""

    client_id: str
    url: str | None
    callback: WebhookCallback | None = attrs.field(repr=False, eq=False)
    secret: str = attrs.field(repr=False)


@attrs.frozen
class Outgoing:
    """One webhook for one endpoint, serialised once: every attempt sends these bytes."""

    event: str
    endpoint: Endpoint
    request_id: str
    body: bytes
    event_ts: int


def outgoing(
    event: str, payload: Mapping[str, Any], endpoint: Endpoint, request_id: str
) -> Outgoing:
    """Serialise one webhook for `endpoint`."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    event_ts = payload.get("event_ts", 0)
    return Outgoing(event, endpoint, request_id, body, event_ts if isinstance(event_ts, int) else 0)


@attrs.frozen
class Sent:
    """How one attempt went: the record, the answer's body, and whether it came too late."""

    delivery: WebhookDelivery
    answer: bytes = attrs.field(repr=False)
    late: bool


def _headers(webhook: Outgoing, now: datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-id": webhook.request_id,
        "x-zm-request-timestamp": str(timestamp),
        "x-zm-signature": sign(webhook.endpoint.secret, timestamp, webhook.body),
    }


def _callback_answer(result: object) -> tuple[int, bytes]:
    """A callback's return value as (status, body): ``None`` is a 200; an int is a status;
    an object with ``status`` (or ``status_code``) and ``body`` (or ``content``) is a
    response, such as zoomlink's ``WebhookResponse`` or an ``httpx.Response``."""
    if result is None:
        return 200, b""
    if isinstance(result, int) and not isinstance(result, bool):
        return result, b""
    status = getattr(result, "status", getattr(result, "status_code", 200))
    body = getattr(result, "body", getattr(result, "content", b""))
    return (
        status if isinstance(status, int) else 200,
        body if isinstance(body, bytes) else b"",
    )


def send(webhook: Outgoing, http: httpx.Client, now: datetime, attempt: int) -> Sent:
    """Send one attempt; the record says how it went (status 0: no answer)."""
    headers = _headers(webhook, now)
    endpoint = webhook.endpoint
    status, answer = 0, b""
    started = time.monotonic()
    if endpoint.callback is not None:
        try:
            status, answer = _callback_answer(endpoint.callback(dict(headers), webhook.body))
        except Exception:
            _log.exception("webhook callback failed for %s", webhook.event)
    elif endpoint.url is not None:
        try:
            response = http.post(endpoint.url, content=webhook.body, headers=headers)
            status, answer = response.status_code, response.content
        except (httpx.HTTPError, OSError) as error:
            _log.warning(
                "webhook delivery of %s to %s failed: %s", webhook.event, endpoint.url, error
            )
    late = time.monotonic() - started > DELIVERY_TIMEOUT
    delivery = WebhookDelivery(
        event=webhook.event,
        url=endpoint.url if endpoint.callback is None else None,
        status=status,
        headers=headers,
        body=webhook.body,
        attempt=attempt,
    )
    return Sent(delivery, answer, late)
