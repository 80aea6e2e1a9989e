# This file is generated from src/zoomlink/_async/_outbox.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Outbox: a booking's Zoom work kept in the store — written ahead of every call, and
kept when Zoom cannot take it now or its messages did not all go out — and finished later by
whichever worker runs :meth:`ZoomLink.run_pending`.

A booking has at most one piece of pending work, its latest wish. Every new call for the
booking writes its own over what was kept (the call is the newer wish), and drops it when the
call finished with everything delivered; a worker dying mid-call leaves it, due a few minutes
later. A runner claims the work it loaded under the booking lock (a new version, written only
if the kept one is still the version it loaded) and does nothing when that fails. So a cancel
that comes before a deferred create leaves no meeting behind, and two runners never do one
piece of work twice: the second finds it gone or changed.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from zoomlink._sync._bookings import Bookings
from zoomlink._sync._notices import Notices
from zoomlink._core import _bookings, _outbox
from zoomlink._core._busy import Guard
from zoomlink._precedence import operation
from zoomlink.booking import Booking, BookingOutcome
from zoomlink.errors import StaleRecordError
from zoomlink.outbox import PendingReport, PendingWork, WorkIntent
from zoomlink.protocols import TokenStore, Clock

logger = logging.getLogger("zoomlink")


class Outbox:
    """Keeps and finishes bookings' deferred Zoom work."""

    def __init__(
        self,
        *,
        store: TokenStore,
        bookings: Bookings,
        notices: Notices,
        clock: Clock,
    ) -> None:
        self._store = store
        self._bookings = bookings
        self._notices = notices
        self._clock = clock

    def call(
        self,
        intent: WorkIntent,
        booking: Booking,
        guard: Guard | None,
        step: Callable[[], BookingOutcome],
        *,
        defer: bool,
    ) -> BookingOutcome:
        """Run one call for the booking with its work written ahead.

        The work replaces whatever was kept for the booking. It is dropped when the call
        finishes with everything delivered, or fails with an error the caller sees; kept for
        later when ``defer`` asks for a failure that means "not now", or when messages or
        calendar events did not all go out; and left as it is when the worker dies mid-call.
        """
        with operation():  # its store calls go before those of calls that came later
            record_id = _bookings.record_id(booking.tenant, booking.id)
            now = self._clock.now()
            work = _outbox.written_ahead(intent, record_id, booking, _options(guard), now)
            self._store.put_work(work)
            try:
                outcome = step()
            except Exception as exc:
                if defer and _outbox.deferrable(exc):
                    return self.defer(intent, booking, guard, exc)
                self._store.remove_work(work.id, expected_version=work.version)
                raise
            self._settled(work, outcome)
            return outcome

    def _settled(self, work: PendingWork, outcome: BookingOutcome) -> None:
        """After a finished try: drop the work, or keep it to deliver what did not go out."""
        if not outcome.undelivered:
            self._store.remove_work(work.id, expected_version=work.version)
            return
        again = _outbox.undelivered(work, outcome.undelivered, self._clock.now())
        with contextlib.suppress(StaleRecordError):  # replaced meanwhile by a newer call
            self._store.put_work(again, expected_version=work.version)

    def defer(
        self, intent: WorkIntent, booking: Booking, guard: Guard | None, error: Exception
    ) -> BookingOutcome:
        """Keep the call ``error`` stopped for later; the outcome ``pending``."""
        record_id = _bookings.record_id(booking.tenant, booking.id)
        now = self._clock.now()
        work = _outbox.new_work(intent, record_id, booking, _options(guard), error, now)
        self._store.put_work(work)
        logger.info(
            "booking %s: %s kept for %s (%s)",
            booking.id,
            intent,
            work.not_before.isoformat(),
            work.last_error,
        )
        return BookingOutcome(
            booking_id=booking.id,
            action="pending",
            location="zoom",
            record=self._bookings.record(booking.tenant, booking.id),
            retry_at=work.not_before,
        )

    def run(self, limit: int) -> PendingReport:
        """Try the work that is due now, soonest first, at most ``limit`` pieces."""
        due = self._store.find_work(
            state="waiting", due_before=self._clock.now(), limit=limit
        )
        results: dict[str, list[str]] = {
            "done": [], "deferred": [], "failed": [], "superseded": [],
            "notices": [], "notices_waiting": [],
        }  # fmt: skip
        for work in due:
            if work.intent == "notice":
                taken = self._notices.finish(work)
                if taken is not None:
                    key = work.id.removeprefix(_outbox.NOTICE_PREFIX)
                    results["notices" if taken else "notices_waiting"].append(key)
                continue
            results[self._run_one(work)].append(work.booking_id)
        return PendingReport(**{kind: tuple(ids) for kind, ids in results.items()})

    def _run_one(self, work: PendingWork) -> str:
        """Do one piece of work; what became of it."""
        with operation():
            return self._run_claimed(_Claim(work))

    def _run_claimed(self, claim: _Claim) -> str:
        work = claim.work
        try:
            booking = _outbox.booking_from_json(work.booking)
            outcome = self._perform(claim, booking)
        except Exception as exc:
            now = self._clock.now()
            if _outbox.deferrable(exc):
                changed, kind = _outbox.deferred_again(claim.work, exc, now), "deferred"
            else:
                changed, kind = _outbox.failed(claim.work, exc, now), "failed"
            try:
                self._store.put_work(changed, expected_version=claim.work.version)
            except StaleRecordError:
                return "superseded"  # a newer call replaced it meanwhile: its own problem
            logger.warning("booking %s: pending %s %s: %s", work.booking_id, work.intent, kind, exc)
            return kind
        if outcome.action == "superseded":
            return "superseded"
        self._settled(claim.work, outcome)
        return "deferred" if outcome.undelivered else "done"

    def _perform(self, claim: _Claim, booking: Booking) -> BookingOutcome:
        def still() -> bool:
            # Asked under the booking lock: claim the work (a new version), so a runner
            # that loaded it too finds it changed once this one lets go of the lock.
            claimed = _outbox.claimed(claim.work, self._clock.now())
            try:
                self._store.put_work(claimed, expected_version=claim.work.version)
            except StaleRecordError:
                return False  # done by another runner, or replaced by a newer call
            claim.work = claimed
            return True

        work = claim.work
        if work.intent == "cancel":
            return self._bookings.cancel(booking, still)
        guard = _guard(json.loads(work.options))
        if work.intent == "reschedule":
            return self._bookings.reschedule(booking, guard, still)
        return self._bookings.schedule(booking, guard, still)


class _Claim:
    """The work a runner holds: as loaded, then as claimed under the booking lock."""

    def __init__(self, work: PendingWork) -> None:
        self.work = work


def _options(guard: Guard | None) -> dict[str, Any]:
    if guard is None:
        return {}
    return {
        "buffer_before": guard.before.total_seconds(),
        "buffer_after": guard.after.total_seconds(),
        "check": guard.check,
    }


def _guard(options: dict[str, Any]) -> Guard:
    return Guard(
        before=timedelta(seconds=float(options.get("buffer_before", 0))),
        after=timedelta(seconds=float(options.get("buffer_after", 0))),
        check=bool(options.get("check", True)),
    )
