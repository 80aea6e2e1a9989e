"""AsyncScheduling: the booking half of :class:`AsyncZoomLink`'s public methods.

Meetings per booking (schedule, reschedule, cancel, one occurrence of a recurring booking),
busy time (conflicts, free slots, round robin) and where bookings take place. The work is done
by :class:`AsyncBookings` and :class:`AsyncAvailability`; these methods check what the host
application passes and document the behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from zoomlink._async._availability import AsyncAvailability
from zoomlink._async._bookings import AsyncBookings
from zoomlink._async._outbox import AsyncOutbox
from zoomlink._async._round_robin import schedule_round_robin
from zoomlink._core import _bookings
from zoomlink._core._busy import Guard
from zoomlink._precedence import operation
from zoomlink.availability import Conflict, Slot, SlotRule
from zoomlink.booking import (
    Booking,
    BookingOutcome,
    ConferencingChoice,
    EventType,
    MeetingRecord,
    MeetingState,
    Participant,
    check_time_zone,
)
from zoomlink.errors import InvalidInputError
from zoomlink.models import DEFAULT_TENANT
from zoomlink.outbox import PendingReport, PendingWork, WorkState
from zoomlink.protocols import AsyncTokenStore, Clock

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
# Free slots are searched over at most this long a window, so one call stays bounded.
SLOT_WINDOW_MAX = timedelta(days=62)
# The most pieces of work one run_pending pass takes (a store counts in 64-bit integers).
RUN_LIMIT_MAX = 1_000_000


class AsyncScheduling:
    """Bookings and availability; mixed into :class:`AsyncZoomLink`."""

    store: AsyncTokenStore
    clock: Clock
    lock_timeout: float
    _bookings: AsyncBookings
    _availability: AsyncAvailability
    _outbox: AsyncOutbox

    # -- one meeting per booking --------------------------------------------------------------

    async def schedule(
        self,
        booking: Booking,
        *,
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
        allow_overlap: bool = False,
        defer: bool = False,
    ) -> BookingOutcome:
        """Give an online booking its own Zoom meeting, tell the client(s) and the host(s),
        and put it in their calendars.

        Whether the booking gets Zoom is decided now from its event type's location (falling
        back to the host's default conferencing). First the hosts' busy time is checked — their
        Zoom meetings (recurring ones occurrence by occurrence), their calendars and the other
        bookings zoomlink holds for them, kept ``buffer_before``/``buffer_after`` clear — and
        an overlap is refused unless ``allow_overlap``. The meeting goes on the host's resolved
        connection with the start in UTC, whole minutes and the host's time zone; a recurring
        booking becomes one recurring meeting; a collective booking's co-hosts become
        alternative hosts (same Zoom account) or invitees. Calling it again for the same
        booking returns the same meeting without asking Zoom again; a call interrupted after
        Zoom's answer is finished by the next one, which finds the meeting by its booking
        marker instead of creating a second.

        With ``defer=True``, a call Zoom cannot take now — Zoom down past the retry policy,
        rate-limited past ``max_wait``, or the host's daily quota spent — is kept in the store
        instead of raising, and the outcome is ``pending`` with ``retry_at``;
        :meth:`run_pending` finishes it later, exactly once, and sends the messages and
        calendar events then. Any call for the booking replaces work kept for it.

        Returns:
            What happened (``created``, ``existing``, ``reconciled``, ``pending`` when
            deferred, or ``none`` for a booking that is not on Zoom), with the record carrying
            join URL, meeting ID and passcode.

        Raises:
            BookingConflictError: A host is busy then; ``conflicts`` lists each overlap.
            InvalidBookingError: The booking starts in the past, or its recurrence is one Zoom
                cannot repeat.
            NotConnectedError: No connection serves the host.
            NeedsReconnectError: The host's connection must be reconnected first.
            DailyLimitError: The host's 100 meeting creates/updates for today are used up.
            PasscodePolicyError: The event type's passcode breaks the host's Zoom rules.
            ZoomAPIError: Zoom refused for another reason; nothing is left half-made.
        """
        guard = _guard(buffer_before, buffer_after, check=not allow_overlap)
        return await self._outbox.call(
            "schedule",
            booking,
            guard,
            partial(self._bookings.schedule, booking, guard),
            defer=defer,
        )

    async def reschedule(
        self,
        booking: Booking,
        *,
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
        allow_overlap: bool = False,
        defer: bool = False,
    ) -> BookingOutcome:
        """Move the booking's meeting to the booking's current times with one PATCH (a
        recurring booking's whole series, rule included), tell everyone and update the
        calendar events. Busy time is checked as for :meth:`schedule`, leaving out the
        booking's own meeting.

        A meeting deleted in Zoom meanwhile is created again (action ``recreated``; the
        messages say the link changed). A booking without a meeting gets one (``created``).
        ``defer=True`` keeps what Zoom cannot take now for :meth:`run_pending`, as for
        :meth:`schedule`.

        Raises:
            BookingStateError: The booking was cancelled.
            BookingConflictError, DailyLimitError, PasscodePolicyError, ZoomAPIError: As for
                :meth:`schedule`.
        """
        guard = _guard(buffer_before, buffer_after, check=not allow_overlap)
        return await self._outbox.call(
            "reschedule",
            booking,
            guard,
            partial(self._bookings.reschedule, booking, guard),
            defer=defer,
        )

    async def cancel(self, booking: Booking, *, defer: bool = False) -> BookingOutcome:
        """Delete the booking's meeting with one DELETE — a recurring booking's whole series
        — (a meeting Zoom no longer has counts as deleted), tell everyone and remove the
        calendar events.

        A cancel replaces work kept for the booking: a deferred create that never ran leaves
        no meeting. ``defer=True`` keeps a delete Zoom cannot take now for
        :meth:`run_pending`, as for :meth:`schedule`.

        Returns:
            What happened (``deleted``, ``already_gone``, ``pending`` when deferred, or
            ``none`` when there was nothing to cancel because it was never scheduled or was
            cancelled before).
        """
        return await self._outbox.call(
            "cancel", booking, None, partial(self._bookings.cancel, booking), defer=defer
        )

    async def run_pending(self, *, limit: int = 100) -> PendingReport:
        """Finish the Zoom work kept by ``defer=True`` calls that is due now (soonest first,
        at most ``limit`` pieces): make, move or delete each meeting, then send its messages
        and calendar events. Work Zoom still cannot take is kept for later, further out;
        work refused for good (a conflict, no connection any more) is kept as ``failed``
        with its reason, for :meth:`pending_work` to show. Notices the sink refused, or that a
        worker died before handing over, go to the sink again under their key.

        Any worker may run it, as often as you like (cron, Celery beat, APScheduler, a
        FastAPI lifespan task, or ``zoomlink worker``): the store is the queue, and each
        piece of work is done once, under its booking's lock.

        Raises:
            InvalidInputError: ``limit`` is not a whole number from 1 to 1,000,000.
        """
        if type(limit) is not int or not 1 <= limit <= RUN_LIMIT_MAX:  # bool is an int
            raise InvalidInputError(
                f"limit must be a whole number from 1 to {RUN_LIMIT_MAX:,}, got {limit!r}"
            )
        return await self._outbox.run(limit)

    async def pending_work(
        self, *, tenant: str | None = None, state: WorkState | None = None
    ) -> list[PendingWork]:
        """The Zoom work kept for later (``waiting``) or refused for good (``failed``), soonest
        due first; every tenant's unless ``tenant`` is given."""
        return await self.store.find_work(tenant=tenant, state=state)

    async def reschedule_occurrence(
        self,
        booking: Booking,
        occurrence: datetime,
        *,
        start: datetime,
        end: datetime,
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
        allow_overlap: bool = False,
    ) -> BookingOutcome:
        """Move one occurrence of a recurring booking — the one that starts (or originally
        started) at ``occurrence`` — to ``start``/``end``; the others stay as they are. One
        PATCH with Zoom's ``occurrence_id``; everyone is told about that occurrence.

        Raises:
            InvalidBookingError: No such occurrence, or the new times are not valid.
            BookingStateError: The booking has no scheduled recurring meeting.
            BookingConflictError: A host is busy at the new time.
        """
        guard = _guard(buffer_before, buffer_after, check=not allow_overlap)
        with operation():
            return await self._bookings.reschedule_occurrence(
                booking, occurrence, start, end, guard
            )

    async def cancel_occurrence(self, booking: Booking, occurrence: datetime) -> BookingOutcome:
        """Cancel one occurrence of a recurring booking (one DELETE with Zoom's
        ``occurrence_id``); the series and its link stay. Repeating it does nothing more.

        Raises:
            InvalidBookingError: No occurrence starts at ``occurrence``.
            BookingStateError: The booking has no scheduled recurring meeting.
        """
        with operation():
            return await self._bookings.cancel_occurrence(booking, occurrence)

    async def schedule_round_robin(
        self,
        booking: Booking,
        pool: Sequence[Participant],
        *,
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
    ) -> BookingOutcome:
        """Give the booking to one free host of ``pool`` and schedule it on that host's
        resolved connection (``booking.host`` is replaced by the host chosen; the outcome's
        record names them).

        The choice is fair and deterministic: the free host booked least recently by round
        robin, ties going to the one listed first. It is atomic across processes and
        machines sharing the store: bookings made at the same moment take turns, so two never
        go to one host while another is free. Hosts who are busy, not connected or in need of
        reconnecting are passed over. Repeating the call for a booking that already
        has its meeting returns it with the same host.

        Raises:
            NoHostAvailableError: Nobody in the pool can take it; ``reasons`` says why each
                host was passed over.
            InvalidBookingError: The pool is empty, has a host twice or one without user_id.
        """
        guard = _guard(buffer_before, buffer_after, check=True)
        return await schedule_round_robin(
            booking,
            pool,
            guard,
            bookings=self._bookings,
            availability=self._availability,
            store=self.store,
            clock=self.clock,
            lock_timeout=self.lock_timeout,
        )

    # -- busy time -----------------------------------------------------------------------------

    async def check_conflicts(
        self,
        booking: Booking,
        *,
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
        fresh: bool = False,
    ) -> list[Conflict]:
        """What the booking would overlap for each of its hosts — Zoom meetings, calendar
        events and other bookings zoomlink holds — without changing anything. The booking's
        own meeting does not count. ``fresh`` lists the hosts' Zoom meetings again instead of
        using the cached view.
        """
        guard = _guard(buffer_before, buffer_after, check=True)
        own = await self._bookings.record(booking.tenant, booking.id)
        return await self._availability.conflicts(
            booking,
            _bookings.windows(booking, _bookings.recurrence(booking)),
            before=guard.before,
            after=guard.after,
            own=own if own is not None and own.state != "cancelled" else None,
            strict=True,
            fresh=fresh,
        )

    async def free_slots(
        self,
        hosts: Sequence[Participant | str],
        *,
        start: datetime,
        end: datetime,
        duration: timedelta,
        step: timedelta = timedelta(minutes=30),
        time_zone: str = "UTC",
        buffer_before: timedelta = timedelta(0),
        buffer_after: timedelta = timedelta(0),
        require: SlotRule = "any",
        tenant: str = DEFAULT_TENANT,
    ) -> list[Slot]:
        """The bookable start times between ``start`` and ``end`` for a meeting of
        ``duration``: every time on the ``step`` grid of ``time_zone``'s wall clock (30
        minutes: :00 and :30 local) at which ``any`` host (round robin) or ``all`` of them
        (collective) are free of Zoom meetings and calendar events, buffers included.

        Hosts are app users: their user id, or a :class:`Participant` (whose e-mail finds
        them in an organisation's Zoom account). A host whose connection needs reconnecting
        is never offered, as their Zoom meetings cannot be seen. Zoom views are cached (see
        ``busy_ttl``), so this is cheap enough for every booking-page view.

        Raises:
            InvalidInputError: For naive or reversed times, a window over 62 days, a duration
                or step that is not whole minutes (a step must divide a day), an unknown time
                zone, no hosts or a host given twice.
        """
        ids, emails = _checked_hosts(hosts)
        _check_window(start, end)
        _check_minutes("duration", duration, most=_DAY)
        _check_minutes("step", step, most=_DAY)
        if _DAY % step:
            raise InvalidInputError(f"step {step} does not divide a day into equal parts")
        check_time_zone(time_zone)
        if require not in ("any", "all"):
            raise InvalidInputError(f"require must be 'any' or 'all', not {require!r}")
        guard = _guard(buffer_before, buffer_after, check=True)
        return await self._availability.free_slots(
            ids,
            tenant=tenant,
            start=start,
            end=end,
            duration=duration,
            step=step,
            time_zone=time_zone,
            before=guard.before,
            after=guard.after,
            require=require,
            emails=emails,
        )

    async def forget_busy_times(self, zoom_user: str) -> int:
        """Forget the cached Zoom meetings of a Zoom user (their ID or e-mail) in every worker
        sharing the store, so the next check anywhere lists them again. The webhook handler
        calls this when a meeting is created, changed or deleted in Zoom; returns how many
        cached views of this process were dropped (other workers drop theirs on next use)."""
        return await self._availability.announce([zoom_user])

    # -- tracking and locations ----------------------------------------------------------------

    async def meeting_record(
        self, booking_id: str, *, tenant: str = DEFAULT_TENANT
    ) -> MeetingRecord | None:
        """The meeting record zoomlink keeps for a booking, or ``None``."""
        return await self._bookings.record(tenant, booking_id)

    async def start_url(self, booking: Booking) -> str:
        """The host's link to start the booking's Zoom meeting, fetched from Zoom now.

        Zoom's ``start_url`` signs the host in, and expires two hours after Zoom issued it,
        so zoomlink never stores one: every call asks Zoom (``GET /meetings/{id}``, one
        request) for a fresh link. Call it when the host is about to start, and show the link
        to the host only, never to clients.

        Raises:
            BookingStateError: The booking has no scheduled Zoom meeting (none was made, it
                is still pending, cancelled, or detached by a purge).
            ZoomNotFoundError: The meeting was deleted in Zoom.
            NotConnectedError: The connection behind the meeting is gone.
            NeedsReconnectError: Zoom rejected the connection for good.
        """
        return await self._bookings.start_url(booking.tenant, booking.id)

    async def meetings(
        self,
        *,
        tenant: str = DEFAULT_TENANT,
        user_id: str | None = None,
        booking_id: str | None = None,
        state: MeetingState | None = None,
    ) -> list[MeetingRecord]:
        """Every meeting zoomlink made in the tenant (an organisation), or for one host user or
        booking, with its state, by start time."""
        return await self.store.find_meeting_records(
            tenant=tenant, host_id=user_id, booking_id=booking_id, state=state
        )

    async def set_default_conferencing(
        self, user_id: str, choice: ConferencingChoice, *, tenant: str = DEFAULT_TENANT
    ) -> None:
        """Make Zoom (or the host app's built-in calls) the user's default conferencing, used
        by event types whose location is ``default``.

        Raises:
            InvalidInputError: ``choice`` is neither ``zoom`` nor ``builtin``.
        """
        if choice not in ("zoom", "builtin"):
            raise InvalidInputError(f"default conferencing is zoom or builtin, not {choice!r}")
        await self.store.set_preference(tenant, user_id, _bookings.DEFAULT_CONFERENCING, choice)

    async def clear_default_conferencing(
        self, user_id: str, *, tenant: str = DEFAULT_TENANT
    ) -> bool:
        """Forget the user's default conferencing (back to the built-in calls); whether one
        was set."""
        return await self.store.remove_preference(tenant, user_id, _bookings.DEFAULT_CONFERENCING)

    async def default_conferencing(
        self, user_id: str, *, tenant: str = DEFAULT_TENANT
    ) -> ConferencingChoice | None:
        """The user's default conferencing, or ``None`` when never chosen."""
        return await self._bookings.default_conferencing(user_id, tenant)

    async def location(
        self, event_type: EventType, user_id: str, *, tenant: str = DEFAULT_TENANT
    ) -> Literal["zoom", "builtin", "none"]:
        """Where a booking of ``event_type`` hosted by ``user_id`` would take place now."""
        return await self._bookings.location(event_type, user_id, tenant)

    async def zoom_event_types(
        self, event_types: Iterable[EventType], user_id: str, *, tenant: str = DEFAULT_TENANT
    ) -> list[EventType]:
        """Which of the user's event types will create Zoom meetings, in the order given."""
        return [
            event_type
            for event_type in event_types
            if await self._bookings.location(event_type, user_id, tenant) == "zoom"
        ]


def _guard(before: timedelta, after: timedelta, *, check: bool) -> Guard:
    _check_minutes("buffer_before", before, most=_DAY, zero=True)
    _check_minutes("buffer_after", after, most=_DAY, zero=True)
    return Guard(before=before, after=after, check=check)


def _check_minutes(name: str, value: object, *, most: timedelta, zero: bool = False) -> None:
    if not isinstance(value, timedelta):
        raise InvalidInputError(f"{name} must be a timedelta, got {type(value).__name__}")
    if value < timedelta(0) or (value == timedelta(0) and not zero) or value > most:
        low = "0" if zero else "more than 0"
        raise InvalidInputError(f"{name} must be from {low} to {most}, got {value}")
    if value % _MINUTE:
        raise InvalidInputError(f"{name} must be whole minutes, got {value}")


def _check_window(start: object, end: object) -> None:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidInputError(f"{name} must be a timezone-aware datetime, got {value!r}")
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    if end <= start:
        raise InvalidInputError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    if end - start > SLOT_WINDOW_MAX:
        raise InvalidInputError(f"a window of at most {SLOT_WINDOW_MAX.days} days is searched")


def _checked_hosts(hosts: Sequence[Participant | str]) -> tuple[list[str], dict[str, str]]:
    if isinstance(hosts, (str, Participant)) or not hosts:
        raise InvalidInputError("hosts must be a non-empty list of user ids or Participants")
    ids: list[str] = []
    emails: dict[str, str] = {}
    for host in hosts:
        user_id = host.user_id if isinstance(host, Participant) else host
        if not isinstance(user_id, str) or not user_id:
            raise InvalidInputError(f"{host!r} is not an app user (a user id or a Participant)")
        if user_id in ids:
            raise InvalidInputError(f"host {user_id!r} is given twice")
        ids.append(user_id)
        if isinstance(host, Participant) and host.email:
            emails[user_id] = host.email
    return ids, emails
