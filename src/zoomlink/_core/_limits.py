"""Zoom's rate limits, seen from the client: pacing, the per-host daily quota, retry choices.

Time comes in as arguments: ``tick`` is a monotonic second count (pacing is about how fast
requests leave), ``now`` an aware datetime (quotas follow Zoom's UTC day).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

import attrs

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
# A request that would leave this much later than its slot (a garbage collection, a busy event
# loop) takes another slot instead: half the margin above, the rest kept for the network's jitter.
LATE = 0.025
# A fleet whose requests still draw per-second 429s leaves later than its slots (a busy event
# loop, a loaded machine): each window in which one is met stretches the shared window by
# STRETCH_STEP, up to STRETCH_MOST, and quiet time gives STRETCH_DECAY of it back per second.
STRETCH_STEP = 0.05
STRETCH_MOST = 0.25
STRETCH_DECAY = 0.005


def category(route: str) -> str:
    """Zoom's rate-limit category of ``route`` (light when unknown)."""
    return CATEGORY.get(route, LIGHT)


@attrs.frozen
class PaceState:
    """A shared send limit as a store keeps it: the slots given out in the last window (oldest
    first, at most ``rate``), the time before which no slot may be (a 429's pause), and how far
    429s have stretched the window (``stretch`` seconds as of ``stretched_at``)."""

    slots: tuple[float, ...] = ()
    not_before: float = 0.0
    stretch: float = 0.0
    stretched_at: float = 0.0

    def stretch_at(self, now: float) -> float:
        """The window's stretch at ``now``, after the decay since it was last raised."""
        return max(0.0, self.stretch - max(0.0, now - self.stretched_at) * STRETCH_DECAY)

    def text(self) -> str:
        """The state as the text a store keeps."""
        fields: list[object] = [self.not_before, list(self.slots)]
        if self.stretch > 0:
            fields += [self.stretch, self.stretched_at]
        return json.dumps(fields)

    @classmethod
    def parse(cls, text: str | None) -> PaceState:
        """The state a store kept (a new one for ``None`` or text it cannot read); text of an
        older zoomlink, without a stretch, reads as unstretched."""
        try:
            fields: list[Any] = json.loads(text) if text else [0.0, []]
            not_before, slots = fields[:2]
            stretch, stretched_at = fields[2:4] if len(fields) >= 4 else (0.0, 0.0)
            return cls(
                tuple(float(slot) for slot in slots),
                float(not_before),
                float(stretch),
                float(stretched_at),
            )
        except (ValueError, TypeError, KeyError, IndexError):
            return cls()


def next_slot(
    state: PaceState, now: float, *, rate: int, window: float, pause: float = 0.0
) -> tuple[PaceState, float]:
    """One send slot of a shared limit of ``rate`` sends in any ``window`` seconds (a sliding
    window, as Zoom counts): the new state, and the seconds to wait before sending.

    Slots are given in order: a burst of ``rate`` leaves at once, the next waits until the
    oldest of them leaves the window. ``pause`` holds every slot back until ``now + pause``
    (Zoom answered 429 with that Retry-After), and stretches the window by STRETCH_STEP
    (once per window, at most STRETCH_MOST in all, given back slowly). Times are seconds on
    one clock, ``now``'s.
    """
    stretch = state.stretch_at(now)
    kept_stretch = (state.stretch, state.stretched_at) if stretch > 0 else (0.0, 0.0)
    not_before = state.not_before
    if pause > 0:
        not_before = max(not_before, now + pause)
        if now - state.stretched_at >= window:  # the 429s of one window stretch it once
            stretch = min(STRETCH_MOST, stretch + STRETCH_STEP)
            kept_stretch = (stretch, now)
    span = window + stretch
    slots = [slot for slot in state.slots if slot > now - span]
    slot = max(now, not_before, slots[-1] if slots else now)
    if len(slots) >= rate:
        slot = max(slot, slots[-rate] + span)
    kept = (*slots, slot)[-rate:]
    return PaceState(kept, not_before, *kept_stretch), slot - now


def pace_name(account_id: str, category: str) -> str:
    """The store key of a Zoom account's per-second limit of one category (a digest of the
    account, so no Zoom value sits in the store's keys)."""
    digest = hashlib.sha256(account_id.encode("utf-8")).hexdigest()[:32]
    return f"pace:{digest}:{category}"


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


def asked_pause(error: ZoomRateLimitError, now: datetime) -> float:
    """The seconds a 429 asks to wait from ``now``: its Retry-After, else one second."""
    return max(0.0, (error.retry_at - now).total_seconds()) if error.retry_at else 1.0


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
        wait = asked_pause(error, now)
        return wait if wait <= policy.max_wait else None
    if isinstance(error, (ZoomServerError, ZoomTransportError)) and safe:
        return policy.pause(retry)
    return None
