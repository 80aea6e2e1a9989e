"""Zoom's rate limits, seen from the client: pacing, the per-host daily quota, retry choices.

Time comes in as arguments: ``tick`` is a monotonic second count (pacing is about how fast
requests leave), ``now`` an aware datetime (quotas follow Zoom's UTC day).
"""

from __future__ import annotations

import hashlib
from collections import deque
from datetime import datetime, timezone

from zoomlink._core._http import next_utc_midnight
from zoomlink.errors import ZoomRateLimitError, ZoomServerError, ZoomTransportError
from zoomlink.models import Grant, ResolvedHost, RetryPolicy, ZoomPlan

LIGHT, MEDIUM = "light", "medium"
# Zoom's per-second limits by plan and category (account-wide, shared by every app).
PER_SECOND: dict[ZoomPlan, dict[str, int]] = {
    "free": {LIGHT: 4, MEDIUM: 2},
    "pro": {LIGHT: 30, MEDIUM: 20},
    "business": {LIGHT: 80, MEDIUM: 60},
}
# Zoom's rate-limit label of each route zoomlink calls.
CATEGORY: dict[str, str] = {
    "users.get": LIGHT,
    "users.settings": LIGHT,
    "meetings.get": LIGHT,
    "meetings.update": LIGHT,
    "meetings.delete": LIGHT,
    "meetings.create": MEDIUM,
    "meetings.list": MEDIUM,
}
# Meeting creates and updates a Zoom user may host per UTC day.
HOST_DAILY_WRITES = 100
# Requests are spaced over a little more than a second, so clock jitter between zoomlink and
# Zoom never makes a full window look like room for one more.
WINDOW = 1.05


def category(route: str) -> str:
    """Zoom's rate-limit category of ``route`` (light when unknown)."""
    return CATEGORY.get(route, LIGHT)


def pace_delay(sent: deque[float], rate: int, tick: float) -> float:
    """Seconds to wait before one more request may leave, given the send times ``sent`` of the
    same account and category (oldest first); drops the times that left the window."""
    while sent and tick - sent[0] >= WINDOW:
        sent.popleft()
    if len(sent) < rate:
        return 0.0
    return max(0.0, sent[-rate] + WINDOW - tick)


def quota_user(host: ResolvedHost, grant: Grant) -> str:
    """The Zoom user whose daily create/update quota the host's meetings use: the grant's own
    user through a personal connection, the member's e-mail through an organisation's."""
    return grant.zoom_user_id if host.zoom_user == "me" else host.zoom_user


def quota_name(zoom_user: str, now: datetime) -> str:
    """The store key of ``zoom_user``'s meeting-write count for ``now``'s UTC day.

    The key holds a digest of the Zoom user, never their id or e-mail, so a purge leaves no
    Zoom value behind in the counters (which expire at the next UTC midnight anyway).
    """
    digest = hashlib.sha256(zoom_user.lower().encode("utf-8")).hexdigest()[:32]
    return f"meeting-writes:{digest}:{now.astimezone(timezone.utc).date().isoformat()}"


def quota_resets(now: datetime) -> datetime:
    """When the per-host daily quota of ``now``'s day resets: the next 00:00 UTC."""
    return next_utc_midnight(now)


def retry_pause(
    error: Exception, retry: int, policy: RetryPolicy, now: datetime, *, safe: bool
) -> float | None:
    """Seconds to wait before retry number ``retry`` after ``error``, or ``None`` to give up.

    Per-second 429s are always worth waiting out (Zoom did nothing); transient failures only
    when the request is ``safe`` to repeat; nothing else is retried.
    """
    if retry >= policy.attempts:
        return None
    if isinstance(error, ZoomRateLimitError):
        if error.limit != "per-second":
            return None
        wait = (error.retry_at - now).total_seconds() if error.retry_at else 1.0
        return max(0.0, wait) if wait <= policy.max_wait else None
    if isinstance(error, (ZoomServerError, ZoomTransportError)) and safe:
        return policy.pause(retry)
    return None
