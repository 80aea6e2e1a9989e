"""AsyncBookings: one Zoom meeting per booking, created, moved and deleted exactly once.

This is the lifecycle each booking goes through (schedule, reschedule, cancel, and one
occurrence of a recurring booking at a time); it decides, from the booking's record, which
step is due. The steps against Zoom are :class:`AsyncMeetingWrites`', the locks
:class:`AsyncBookingLocks`', the messages and calendars :class:`AsyncAnnouncer`'s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Literal

from zoomlink._async._announce import AsyncAnnouncer
from zoomlink._async._availability import AsyncAvailability
from zoomlink._async._booking_locks import AsyncBookingLocks
from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._co_hosts import ResolveUser
from zoomlink._async._meeting_records import AsyncMeetingRecords
from zoomlink._async._meeting_writes import AsyncMeetingWrites
from zoomlink._async._occurrences import AsyncOccurrences
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._core import _bookings
from zoomlink._core._busy import Guard
from zoomlink._core._recurrence import ZoomRecurrence
from zoomlink.booking import (
    Booking,
    BookingAction,
    BookingOutcome,
    ConferencingChoice,
    EventType,
    MeetingRecord,
)
from zoomlink.errors import BookingStateError
from zoomlink.models import RetryPolicy
from zoomlink.protocols import AsyncCalendarBackend, AsyncNotificationSink, AsyncTokenStore, Clock

Place = Literal["zoom", "builtin", "none"]
# The outbox's question, asked under the booking lock: is the kept work still wanted?
Still = Callable[[], Awaitable[bool]]


class AsyncBookings:
    """The booking lifecycle behind :class:`AsyncZoomLink`'s schedule, reschedule and cancel."""

    def __init__(
        self,
        *,
        store: AsyncTokenStore,
        tokens: AsyncTokenKeeper,
        calls: AsyncZoomCalls,
        availability: AsyncAvailability,
        resolve_user: ResolveUser,
        notifications: AsyncNotificationSink,
        calendar: AsyncCalendarBackend | None,
        clock: Clock,
        retry_policy: RetryPolicy,
        lock_timeout: float,
    ) -> None:
        self._store = store
        self._calls = calls
        self._availability = availability
        self._clock = clock
        self._records = AsyncMeetingRecords(store=store, availability=availability)
        self._locks = AsyncBookingLocks(store=store, lock_timeout=lock_timeout)
        self._writes = AsyncMeetingWrites(
            store=store,
            tokens=tokens,
            calls=calls,
            records=self._records,
            resolve_user=resolve_user,
            clock=clock,
            retry_policy=retry_policy,
        )
        self._announcer = AsyncAnnouncer(
            notifications=notifications, calendar=calendar, clock=clock, save=self._records.save
        )
        self._occurrences = AsyncOccurrences(
            records=self._records,
            locks=self._locks,
            writes=self._writes,
            availability=availability,
            announcer=self._announcer,
            clock=clock,
        )

    # -- location ----------------------------------------------------------------------------

    async def default_conferencing(self, user_id: str, tenant: str) -> ConferencingChoice | None:
        """The user's default conferencing, or ``None`` when never chosen."""
        value = await self._store.get_preference(tenant, user_id, _bookings.DEFAULT_CONFERENCING)
        return "zoom" if value == "zoom" else "builtin" if value == "builtin" else None

    async def location(self, event_type: EventType, user_id: str, tenant: str) -> Place:
        """Where a booking of ``event_type`` hosted by ``user_id`` takes place, decided now."""
        default = None
        if event_type.location == "default":
            default = await self.default_conferencing(user_id, tenant)
            if default == "zoom" and not await self._served(user_id, tenant):
                default = "builtin"  # Zoom was disconnected: built-in calls take over
        return _bookings.location(event_type, default)

    async def _served(self, user_id: str, tenant: str) -> bool:
        """Whether a connection that was not disconnected serves the user (a broken one
        counts: using it fails fast instead of falling back silently)."""
        personal = await self._store.find_links(tenant=tenant, kind="personal", owner_id=user_id)
        organization = await self._store.find_links(tenant=tenant, kind="organization")
        return any(link.disconnected_at is None for link in (*personal, *organization))

    # -- the lifecycle -------------------------------------------------------------------------

    async def schedule(
        self, booking: Booking, guard: Guard, still: Still | None = None
    ) -> BookingOutcome:
        """Give the booking its Zoom meeting (once), tell everyone, write calendars.

        ``still`` (the outbox's) is asked under the booking lock whether the work is still
        wanted; when it is not, nothing is done (``superseded``)."""
        place = await self.location(booking.event_type, booking.host_id, booking.tenant)
        if place != "zoom":
            return BookingOutcome(booking_id=booking.id, action="none", location=place)
        self._writes.check_future(booking)
        plan = _bookings.recurrence(booking)
        async with self.hold(booking.tenant, booking.id):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._records.of(booking)
            if record is not None and record.state == "scheduled":
                return await self._announcer.announce(
                    booking, record, "existing", "meeting_scheduled"
                )
            if record is not None and record.state == "detached":
                return await self._announcer.announce(
                    booking, record, "detached", "meeting_scheduled"
                )
            if record is not None and record.state == "pending":
                async with self._locks.hosts(booking, guard):
                    await self._availability.refuse_conflicts(booking, plan, guard, own=None)
                    record, action = await self._writes.settle(booking, record, plan)
            else:
                record, action = await self._create(booking, plan, guard, previous=record)
            return await self._announcer.announce(booking, record, action, "meeting_scheduled")

    async def reschedule(
        self, booking: Booking, guard: Guard, still: Still | None = None
    ) -> BookingOutcome:
        """Move the booking's meeting to the booking's (new) times: one PATCH. A meeting that
        was deleted in Zoom meanwhile is made again, and the outcome says ``recreated``."""
        self._writes.check_future(booking)
        plan = _bookings.recurrence(booking)
        async with self.hold(booking.tenant, booking.id):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._records.of(booking)
            if record is None:
                place = await self.location(booking.event_type, booking.host_id, booking.tenant)
                if place != "zoom":
                    return BookingOutcome(booking_id=booking.id, action="none", location=place)
                record, action = await self._create(booking, plan, guard, previous=None)
                return await self._announcer.announce(booking, record, action, "meeting_scheduled")
            if record.state == "cancelled":
                raise BookingStateError(
                    f"booking {booking.id!r} was cancelled; schedule it again to give it a "
                    "new meeting",
                    booking_id=booking.id,
                    state=record.state,
                )
            if record.state == "detached":
                return await self._move_detached(booking, record, plan, guard)
            in_step = record.in_zoom == "as_booked"
            if record.state == "scheduled" and in_step and _bookings.same_times(booking, record):
                return await self._announcer.announce(
                    booking, record, "existing", "meeting_rescheduled"
                )
            before = record.occurrences
            async with self._locks.hosts(booking, guard):
                await self._availability.refuse_conflicts(booking, plan, guard, own=record)
                action = "existing"
                if record.state == "pending":
                    record, action = await self._writes.settle(booking, record, plan)
                    if action == "created":  # created at the new times already
                        return await self._announcer.announce(
                            booking, record, action, "meeting_scheduled"
                        )
                # A meeting changed or deleted in Zoom is put back in step with the booking.
                if not _bookings.same_times(booking, record) or record.in_zoom != "as_booked":
                    record, action = await self._writes.move(booking, record, plan)
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return await self._announcer.announce(
                booking, record, action, "meeting_rescheduled", dropped=dropped
            )

    async def cancel(self, booking: Booking, still: Still | None = None) -> BookingOutcome:
        """Delete the booking's meeting (one DELETE; gone already counts as done), tell
        everyone and take the events off their calendars."""
        async with self.hold(booking.tenant, booking.id):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._records.of(booking)
            if record is None:
                return BookingOutcome(booking_id=booking.id, action="none", location="zoom")
            if record.state == "cancelled":
                return await self._announcer.announce(booking, record, "none", "meeting_cancelled")
            if record.state == "detached":  # no Zoom meeting is ours to delete any more
                record = await self._records.save(
                    _bookings.cancelled(record, self._clock.now()), record
                )
                return await self._announcer.announce(
                    booking, record, "detached", "meeting_cancelled"
                )
            link = await self._records.link(record)
            meeting_id = record.meeting_id
            if record.state == "pending":
                found = await self._writes.find(link, record)
                meeting_id = found.id if found is not None else None
            action = await self._writes.delete(link, meeting_id, None)
            record = await self._records.save(
                _bookings.cancelled(record, self._clock.now()), record
            )
            return await self._announcer.announce(booking, record, action, "meeting_cancelled")

    async def _create(
        self,
        booking: Booking,
        plan: ZoomRecurrence | None,
        guard: Guard,
        *,
        previous: MeetingRecord | None,
    ) -> tuple[MeetingRecord, BookingAction]:
        """Check the hosts are free and claim the time under their host locks, then make the
        meeting with the locks let go (the claim holds the time; see
        :meth:`AsyncMeetingWrites.claim`). The hosts' Zoom meetings are listed before the
        locks are taken, when this process has no fresh view of them."""
        await self._availability.warm(booking, guard)
        async with self._locks.hosts(booking, guard):
            await self._availability.refuse_conflicts(booking, plan, guard, own=None)
            claim = await self._writes.claim(booking, plan, previous=previous)
        return await self._writes.make(booking, plan, claim)

    async def record(self, tenant: str, booking_id: str) -> MeetingRecord | None:
        """The booking's meeting record, or ``None``."""
        return await self._records.get(tenant, booking_id)

    async def start_url(self, tenant: str, booking_id: str) -> str:
        """A start link for the booking's meeting, fresh from Zoom (one GET)."""
        record = await self.record(tenant, booking_id)
        if record is None or record.state != "scheduled" or record.meeting_id is None:
            state = "none" if record is None else record.state
            raise BookingStateError(
                f"booking {booking_id!r} has no Zoom meeting to start (its record is {state})",
                booking_id=booking_id,
                state=state,
            )
        meeting = await self._calls.get_meeting(await self._records.link(record), record.meeting_id)
        return meeting.start_url

    async def _move_detached(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None, guard: Guard
    ) -> BookingOutcome:
        """Move a booking whose Zoom details were purged: times, messages and calendars
        change; Zoom is not called."""
        if not _bookings.same_times(booking, record):
            async with self._locks.hosts(booking, guard):
                await self._availability.refuse_conflicts(booking, plan, guard, own=record)
                before = record.occurrences
                record = await self._records.save(
                    _bookings.moved(record, booking, self._clock.now(), plan), record
                )
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return await self._announcer.announce(
                booking, record, "detached", "meeting_rescheduled", dropped=dropped
            )
        return await self._announcer.announce(booking, record, "detached", "meeting_rescheduled")

    # -- one occurrence of a recurring booking ------------------------------------------------

    async def reschedule_occurrence(
        self, booking: Booking, occurrence: datetime, start: datetime, end: datetime, guard: Guard
    ) -> BookingOutcome:
        """Move one occurrence of a recurring booking's meeting (one PATCH with its
        ``occurrence_id``); the others stay as they are."""
        return await self._occurrences.reschedule(booking, occurrence, start, end, guard)

    async def cancel_occurrence(self, booking: Booking, occurrence: datetime) -> BookingOutcome:
        """Delete one occurrence of a recurring booking's meeting (one DELETE with its
        ``occurrence_id``); the series and its link stay."""
        return await self._occurrences.cancel(booking, occurrence)

    # -- locks ---------------------------------------------------------------------------------

    def hold(self, tenant: str, booking_id: str) -> AbstractAsyncContextManager[None]:
        """The booking's lock (the purge and Zoom's events take it too)."""
        return self._locks.booking(tenant, booking_id)


def _superseded(booking: Booking) -> BookingOutcome:
    """The outcome of kept work that a newer call replaced before it ran."""
    return BookingOutcome(booking_id=booking.id, action="superseded", location="zoom")
