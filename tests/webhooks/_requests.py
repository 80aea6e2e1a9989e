"""Webhook requests as Zoom signs them, built independently of zoomlink's own verification."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from typing import Any

from tests.conftest import WEBHOOK_SECRET

# The fake's clock stands here during these tests.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NOW_SECONDS = int(NOW.timestamp())
NOW_MS = NOW_SECONDS * 1000
ACCOUNT = "acct_demo"  # the default seed's account of u_member
MEMBER = "u_member"

Headers = list[tuple[str, str]]


def hmac_hex(secret: str, message: bytes) -> str:
    """Hex HMAC-SHA256 of ``message`` with ``secret``."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature(body: bytes, timestamp: str, secret: str = WEBHOOK_SECRET) -> str:
    """``v0=`` + hex HMAC-SHA256(secret, ``v0:{timestamp}:{body}``), as Zoom signs."""
    return "v0=" + hmac_hex(secret, b"v0:" + timestamp.encode() + b":" + body)


def signed(
    body: bytes, *, timestamp: int | str = NOW_SECONDS, secret: str = WEBHOOK_SECRET
) -> Headers:
    """Zoom's headers for ``body`` sent at ``timestamp`` and signed with ``secret``."""
    stamp = str(timestamp)
    return [
        ("content-type", "application/json; charset=utf-8"),
        ("user-agent", "Zoom Marketplace/1.0a"),
        ("x-zm-request-timestamp", stamp),
        ("x-zm-signature", signature(body, stamp, secret)),
    ]


def encode(data: Any) -> bytes:
    """Compact JSON, as Zoom sends it."""
    return json.dumps(data, separators=(",", ":")).encode()


def envelope(event: str, payload: Any) -> dict[str, Any]:
    """``{"event", "event_ts", "payload"}``."""
    return {"event": event, "event_ts": NOW_MS, "payload": payload}


def deauthorized_payload(user_id: str = MEMBER) -> dict[str, Any]:
    """An ``app_deauthorized`` payload for ``user_id`` of the user-managed app."""
    return {
        "account_id": ACCOUNT,
        "user_id": user_id,
        "signature": "827edc3452044f0bc86bdd5684afb7d1e6becfa1a767f24df1b287853cf73000",
        "deauthorization_time": "2026-03-02T09:00:00.000Z",
        "client_id": "fake-user-app",
        "event_ts": NOW_MS,
    }


def deleted_payload(meeting_id: int) -> dict[str, Any]:
    """A ``meeting.deleted`` payload for the meeting, deleted by its host u_member."""
    return {
        "account_id": ACCOUNT,
        "operator": "member@example.com",
        "operator_id": MEMBER,
        "object": {"uuid": "abc==", "id": meeting_id, "host_id": MEMBER, "type": 2},
    }


def updated_payload(meeting_id: int) -> dict[str, Any]:
    """A ``meeting.updated`` payload moving the meeting a day later."""
    return {
        "account_id": ACCOUNT,
        "operator": "member@example.com",
        "operator_id": MEMBER,
        "object": {"id": meeting_id, "start_time": "2026-03-11T14:00:00Z"},
        "time_stamp": NOW_MS,
        "old_object": {"id": meeting_id, "start_time": "2026-03-10T14:00:00Z"},
    }


def created_payload(meeting_id: int) -> dict[str, Any]:
    """A ``meeting.created`` payload for a meeting u_member made in Zoom."""
    return {
        "account_id": ACCOUNT,
        "operator": "member@example.com",
        "operator_id": MEMBER,
        "object": {"uuid": "abc==", "id": meeting_id, "host_id": MEMBER, "topic": "T", "type": 2},
    }


def url_validation_payload(token: str = "qgg8vlvZRS6UYooatFL8Aw") -> dict[str, Any]:
    """An ``endpoint.url_validation`` payload."""
    return {"plainToken": token}
