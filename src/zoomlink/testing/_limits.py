"""Zoom's rate limits: per second and per day by account plan, and 100 meeting writes per host.

Per-second windows use real monotonic time (they are about how fast requests arrive); daily
counts follow the fake clock's UTC day. Rejected requests do not count.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import date, datetime, timezone

from ._errors import FakeZoomError
from ._timefmt import format_utc, next_utc_midnight

LIGHT, MEDIUM, HEAVY = "Light", "Medium", "Heavy"
PER_SECOND: dict[str, dict[str, int]] = {
    "free": {LIGHT: 4, MEDIUM: 2, HEAVY: 1},
    "pro": {LIGHT: 30, MEDIUM: 20, HEAVY: 10},
    "business": {LIGHT: 80, MEDIUM: 60, HEAVY: 40},
}
DAILY: dict[str, dict[str, int]] = {"free": {LIGHT: 6000, MEDIUM: 2000, HEAVY: 1000}}
HOST_DAILY_WRITES = 100
ROUTE_CATEGORY: dict[str, str] = {
    "users.get": LIGHT,
    "users.settings": LIGHT,
    "meetings.get": LIGHT,
    "meetings.update": LIGHT,
    "meetings.delete": LIGHT,
    "meetings.create": MEDIUM,
    "meetings.list": MEDIUM,
    # Labels from Zoom's OpenAPI for the listUsers, listUpcomingMeeting, meetingInvitation,
    # meetingStatus and pastMeetingDetails operations.
    "users.list": MEDIUM,
    "meetings.upcoming": MEDIUM,
    "meetings.invitation": LIGHT,
    "meetings.status": LIGHT,
    "past_meetings.get": LIGHT,
}
PER_SECOND_MESSAGE = (
    "You have reached the maximum per-second rate limit for this API. Try again later."
)
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
HOST_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted "
    "for this particular user. You may resume these requests at GMT 00:00:00."
)


def too_many(
    message: str, category: str, limit_type: str, limit: int, retry_after: str | None
) -> FakeZoomError:
    """Zoom's 429 with its X-RateLimit-* headers."""
    headers = {
        "X-RateLimit-Category": category,
        "X-RateLimit-Type": limit_type,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
    }
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return FakeZoomError(429, {"code": 429, "message": message}, headers)


class RateLimits:
    """Counters for every limit the fake enforces."""

    def __init__(self) -> None:
        self.per_second_enabled = True
        self._windows: dict[tuple[str, str], deque[float]] = {}
        self._daily: dict[tuple[str, str, date], int] = {}
        self._host_writes: dict[tuple[str, date], int] = {}

    def reset(self) -> None:
        """Forget every count and turn per-second limits back on."""
        self.per_second_enabled = True
        self._windows.clear()
        self._daily.clear()
        self._host_writes.clear()

    def admit(self, account_id: str, plan: str, category: str, now: datetime) -> dict[str, str]:
        """Count one request of the account, or raise 429; returns headers for the answer."""
        today = now.astimezone(timezone.utc).date()
        window = self._windows.setdefault((account_id, category), deque())
        tick = time.monotonic()
        while window and tick - window[0] >= 1.0:
            window.popleft()
        per_second = PER_SECOND[plan][category]
        if self.per_second_enabled and len(window) >= per_second:
            raise too_many(PER_SECOND_MESSAGE, category, "QPS", per_second, "1")
        daily_limit = DAILY.get(plan, {}).get(category)
        key = (account_id, category, today)
        used = self._daily.get(key, 0)
        if daily_limit is not None and used >= daily_limit:
            retry = format_utc(next_utc_midnight(now))
            raise too_many(DAILY_MESSAGE, category, "Daily-limit", daily_limit, retry)
        window.append(tick)
        if key not in self._daily:  # a new day: forget the old ones
            self._daily = {k: v for k, v in self._daily.items() if k[2] == today}
        self._daily[key] = used + 1
        headers = {"X-RateLimit-Category": category}
        if daily_limit is not None:
            headers["X-RateLimit-Limit"] = str(daily_limit)
            headers["X-RateLimit-Remaining"] = str(daily_limit - used - 1)
        return headers

    def admit_host_write(self, host_id: str, category: str, now: datetime) -> None:
        """Count one meeting create/update of the host, or raise the daily 429."""
        today = now.astimezone(timezone.utc).date()
        key = (host_id, today)
        used = self._host_writes.get(key, 0)
        if used >= HOST_DAILY_WRITES:
            retry = format_utc(next_utc_midnight(now))
            raise too_many(HOST_DAILY_MESSAGE, category, "Daily-limit", HOST_DAILY_WRITES, retry)
        if key not in self._host_writes:
            self._host_writes = {k: v for k, v in self._host_writes.items() if k[1] == today}
        self._host_writes[key] = used + 1
