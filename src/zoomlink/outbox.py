"""Zoom work kept for later: the outbox of bookings whose meeting could not be made, moved or
deleted when they were booked, because Zoom was down, rate-limited or out of today's quota.

``schedule(booking, defer=True)`` (and ``reschedule``, ``cancel``) accepts the booking anyway:
it keeps a :class:`~zoomlink.PendingWork` in the store and returns the action ``pending`` with
``retry_at``. :meth:`zoomlink.ZoomLink.run_pending` (from cron, Celery beat, APScheduler, a
FastAPI lifespan task, or ``zoomlink worker``) finishes what is due, exactly once, on any
worker: the store is the queue. A booking has at most one piece of pending work, always its
latest wish: a cancel that comes before a deferred create replaces it, so no meeting is left
behind.

Notices travel the same way. An "Action required", an uninstall notice or a meeting changed in
Zoom is kept under its deduplication key before it is handed to the sink and dropped once the
sink took it; a failing sink or a worker killed in between leaves it for ``run_pending``, which
delivers it again under the same key. A notice is delayed, never lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

__all__ = ["PendingReport", "PendingWork", "WorkIntent", "WorkState"]

WorkIntent = Literal["schedule", "reschedule", "cancel", "notice"]
"""What a booking's pending work will do: give it its meeting, move it, or delete it; or, for
a notice (Action required, uninstall, a meeting changed in Zoom), hand it to the sink."""

WorkState = Literal["waiting", "failed"]
"""``waiting`` — due at ``not_before``; ``failed`` — Zoom or the host's situation refused it
for good (a conflict, no connection …): it is kept, with ``last_error``, for the host app to
see and is not tried again until a new call for the booking replaces it."""


@attrs.frozen(kw_only=True)
class PendingWork:
    """A booking's Zoom work kept for later, as a store keeps it.

    Attributes:
        id: The booking's meeting-record id (one piece of work per booking and tenant), or
            ``notice:<key>`` for a notice (one piece per notice).
        tenant: The tenant.
        booking_id: The host app's booking id (empty for a notice about no booking).
        intent: What to do (:data:`WorkIntent`).
        booking: The booking as it was last asked for, in zoomlink's JSON form; for a
            notice, the notice.
        options: The call's options (buffers, ``allow_overlap``), as JSON.
        state: :data:`WorkState`.
        not_before: When it is due (the next 00:00 UTC for a spent daily quota).
        attempts: How many times it was tried and deferred again.
        last_error: Why the last try did not finish (no secret is ever in it).
        created_at: When the work was first kept.
        updated_at: When it last changed.
        version: Bumped on every change (compare-and-swap, as for meeting records).
    """

    id: str
    tenant: str
    booking_id: str
    intent: WorkIntent
    booking: str = attrs.field(repr=False)
    options: str = "{}"
    state: WorkState = "waiting"
    not_before: datetime
    attempts: int = 0
    last_error: str = ""
    created_at: datetime
    updated_at: datetime
    version: int = 1


@attrs.frozen(kw_only=True)
class PendingReport:
    """What one :meth:`~zoomlink.ZoomLink.run_pending` pass did.

    Attributes:
        done: Booking ids whose work finished (their meetings made, moved or deleted, and
            their messages and calendar events sent).
        deferred: Booking ids tried and kept for later (Zoom still down or limited).
        failed: Booking ids whose work was refused for good (see ``PendingWork.last_error``).
        superseded: Booking ids whose work was replaced by a newer call while it ran.
        notices: Keys of the kept notices the sink took in this pass.
        notices_waiting: Keys of the kept notices the sink refused again (tried later).
    """

    done: tuple[str, ...] = ()
    deferred: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    superseded: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    notices_waiting: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """How many pieces of work the pass handled."""
        booking_work = len(self.done) + len(self.deferred) + len(self.failed)
        return booking_work + len(self.superseded) + len(self.notices) + len(self.notices_waiting)
