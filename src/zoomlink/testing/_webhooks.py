"""Signing webhooks as Zoom does and delivering them to a Python callback or an HTTP URL.

``x-zm-signature`` is ``"v0=" + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))`` and
``x-zm-request-timestamp`` is the fake clock's time in seconds. A failed delivery is recorded
with status 0; it never raises into the request that caused it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
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


@attrs.frozen
class Outgoing:
    """A signed webhook, ready to send."""

    event: str
    url: str | None
    callback: WebhookCallback | None = attrs.field(repr=False, eq=False)
    headers: dict[str, str]
    body: bytes


def prepare(
    event: str,
    payload: Mapping[str, Any],
    *,
    url: str | None,
    callback: WebhookCallback | None,
    secret: str,
    now: datetime,
    request_id: str,
) -> Outgoing:
    """Serialise and sign one webhook."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-id": request_id,
        "x-zm-request-timestamp": str(timestamp),
        "x-zm-signature": sign(secret, timestamp, body),
    }
    return Outgoing(event=event, url=url, callback=callback, headers=headers, body=body)


def send(outgoing: Outgoing, http: httpx.Client) -> WebhookDelivery:
    """Deliver one webhook (over ``http`` to a URL); the record says how it went (status 0:
    it failed)."""
    status = 0
    if outgoing.callback is not None:
        try:
            outgoing.callback(dict(outgoing.headers), outgoing.body)
            status = 200
        except Exception:
            _log.exception("webhook callback failed for %s", outgoing.event)
    elif outgoing.url is not None:
        try:
            response = http.post(outgoing.url, content=outgoing.body, headers=outgoing.headers)
            status = response.status_code
        except (httpx.HTTPError, OSError) as error:
            _log.warning(
                "webhook delivery of %s to %s failed: %s", outgoing.event, outgoing.url, error
            )
    return WebhookDelivery(
        event=outgoing.event,
        url=outgoing.url if outgoing.callback is None else None,
        status=status,
        headers=dict(outgoing.headers),
        body=outgoing.body,
    )
