# This file is generated from src/zoomlink/_async/_bookings.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Bookings: one Zoom meeting per booking, created, moved and deleted exactly once.

This is the lifecycle each booking goes through (schedule, reschedule, cancel, and one
occurrence of a recurring booking at a time); it decides, from the booking's record, which
step is due. The steps against Zoom are :class:`MeetingWrites`', the locks
:class:`BookingLocks`', the messages and calendars :class:`Announcer`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Literal

from zoomlink._sync._announce import Announcer
from zoomlink._sync._availability import Availability
from zoomlink._sync._booking_locks import BookingLocks
from zoomlink._sync._calls import ZoomCalls
from zoomlink._sync._co_hosts import ResolveUser
from zoomlink._sync._meeting_records import MeetingRecords
from zoomlink._sync._meeting_writes import MeetingWrites
from zoomlink._sync._occurrences import Occurrences
from zoomlink._sync._tokens import TokenKeeper
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
from zoomlink.protocols import CalendarBackend, NotificationSink, TokenStore, Clock

Place = Literal["zoom", "builtin", "none"]
# The outbox's question, asked under the booking lock: is the kept work still wanted?
Still = Callable[[], bool]


class Bookings:
    """The booking lifecycle behind :class:`ZoomLink`'s schedule, reschedule and cancel."""

    def __init__(
        self,
        *,
        store: TokenStore,
        tokens: TokenKeeper,
        calls: ZoomCalls,
        availability: Availability,
        resolve_user: ResolveUser,
        notifications: NotificationSink,
        calendar: CalendarBackend | None,
        clock: Clock,
        retry_policy: RetryPolicy,
        lock_timeout: float,
    ) -> None:
        self._store = store
        self._calls = calls
        self._availability = availability
        self._clock = clock
        self._records = MeetingRecords(store=store, availability=availability)
        self._locks = BookingLocks(store=store, lock_timeout=lock_timeout)
        self._writes = MeetingWrites(
            store=store,
            tokens=tokens,
            calls=calls,
            records=self._records,
            resolve_user=resolve_user,
            clock=clock,
            retry_policy=retry_policy,
        )
        self._announcer = Announcer(
            notifications=notifications, calendar=calendar, clock=clock, save=self._records.save
        )
        self._occurrences = Occurrences(
            records=self._records,
            locks=self._locks,
            writes=self._writes,
            availability=availability,
            announcer=self._announcer,
            clock=clock,
        )

    # -- location ----------------------------------------------------------------------------

    def default_conferencing(self, user_id: str, tenant: str) -> ConferencingChoice | None:
        """The user's default conferencing, or ``None`` when never chosen."""
        value = self._store.get_preference(tenant, user_id, _bookings.DEFAULT_CONFERENCING)
        return "zoom" if value == "zoom" else "builtin" if value == "builtin" else None

    def location(self, event_type: EventType, user_id: str, tenant: str) -> Place:
        """Where a booking of ``event_type`` hosted by ``user_id`` takes place, decided now."""
        default = None
        if event_type.location == "default":
            default = self.default_conferencing(user_id, tenant)
            if default == "zoom" and not self._served(user_id, tenant):
                default = "builtin"  # Zoom was disconnected: built-in calls take over
        return _bookings.location(event_type, default)

    def _served(self, user_id: str, tenant: str) -> bool:
        """Whether a connection that was not disconnected serves the user (a broken one
        counts: using it fails fast instead of falling back silently)."""
        personal = self._store.find_links(tenant=tenant, kind="personal", owner_id=user_id)
        organization = self._store.find_links(tenant=tenant, kind="organization")
        return any(link.disconnected_at is None for link in (*personal, *organization))

    # -- the lifecycle -------------------------------------------------------------------------

    def schedule(
        self, booking: Booking, guard: Guard, still: Still | None = None
    ) -> BookingOutcome:
        """Give the booking its Zoom meeting (once), tell everyone, write calendars.

        ``still`` (the outbox's) is asked under the booking lock whether the work is still
        wanted; when it is not, nothing is done (``superseded``)."""
        place = self.location(booking.event_type, booking.host_id, booking.tenant)
        if place != "zoom":
            return BookingOutcome(booking_id=booking.id, action="none", location=place)
        self._writes.check_future(booking)
        plan = _bookings.recurrence(booking)
        with self.hold(booking.tenant, booking.id):
            if still is not None and not still():
                return _superseded(booking)
            record = self._records.of(booking)
            if record is not None and record.state == "scheduled":
                return self._announcer.announce(
                    booking, record, "existing", "meeting_scheduled"
                )
            if record is not None and record.state == "detached":
                return self._announcer.announce(
                    booking, record, "detached", "meeting_scheduled"
                )
            if record is not None and record.state == "pending":
                with self._locks.hosts(booking, guard):
                    self._availability.refuse_conflicts(booking, plan, guard, own=None)
                    record, action = self._writes.settle(booking, record, plan)
            else:
                record, action = self._create(booking, plan, guard, previous=record)
            return self._announcer.announce(booking, record, action, "meeting_scheduled")

    def reschedule(
        self, booking: Booking, guard: Guard, still: Still | None = None
    ) -> BookingOutcome:
        """Move the booking's meeting to the booking's (new) times: one PATCH. A meeting that
        was deleted in Zoom meanwhile is made again, and the outcome says ``recreated``."""
        self._writes.check_future(booking)
        plan = _bookings.recurrence(booking)
        with self.hold(booking.tenant, booking.id):
            if still is not None and not still():
                return _superseded(booking)
            record = self._records.of(booking)
            if record is None:
                place = self.location(booking.event_type, booking.host_id, booking.tenant)
                if place != "zoom":
                    return BookingOutcome(booking_id=booking.id, action="none", location=place)
                record, action = self._create(booking, plan, guard, previous=None)
                return self._announcer.announce(booking, record, action, "meeting_scheduled")
            if record.state == "cancelled":
                raise BookingStateError(
                    f"booking {booking.id!r} was cancelled; schedule it again to give it a "
                    "new meeting",
                    booking_id=booking.id,
                    state=record.state,
                )
            if record.state == "detached":
                return self._move_detached(booking, record, plan, guard)
            in_step = record.in_zoom == "as_booked"
            if record.state == "scheduled" and in_step and _bookings.same_times(booking, record):
                return self._announcer.announce(
                    booking, record, "existing", "meeting_rescheduled"
                )
            before = record.occurrences
            with self._locks.hosts(booking, guard):
                self._availability.refuse_conflicts(booking, plan, guard, own=record)
                action = "existing"
                if record.state == "pending":
                    record, action = self._writes.settle(booking, record, plan)
                    if action == "created":  # created at the new times already
                        return self._announcer.announce(
                            booking, record, action, "meeting_scheduled"
                        )
                # A meeting changed or deleted in Zoom is put back in step with the booking.
                if not _bookings.same_times(booking, record) or record.in_zoom != "as_booked":
                    record, action = self._writes.move(booking, record, plan)
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return self._announcer.announce(
                booking, record, action, "meeting_rescheduled", dropped=dropped
            )

    def cancel(self, booking: Booking, still: Still | None = None) -> BookingOutcome:
        """Delete the booking's meeting (one DELETE; gone already counts as done), tell
        everyone and take the events off their calendars."""
        with self.hold(booking.tenant, booking.id):
            if still is not None and not still():
                return _superseded(booking)
            record = self._records.of(booking)
            if record is None:
                return BookingOutcome(booking_id=booking.id, action="none", location="zoom")
            if record.state == "cancelled":
                return self._announcer.announce(booking, record, "none", "meeting_cancelled")
            if record.state == "detached":  # no Zoom meeting is ours to delete any more
                record = self._records.save(
                    _bookings.cancelled(record, self._clock.now()), record
                )
                return self._announcer.announce(
                    booking, record, "detached", "meeting_cancelled"
                )
            link = self._records.link(record)
            meeting_id = record.meeting_id
            if record.state == "pending":
                found = self._writes.find(link, record)
                meeting_id = found.id if found is not None else None
            action = self._writes.delete(link, meeting_id, None)
            record = self._records.save(
                _bookings.cancelled(record, self._clock.now()), record
            )
            return self._announcer.announce(booking, record, action, "meeting_cancelled")

    def _create(
        self,
        booking: Booking,
        plan: ZoomRecurrence | None,
        guard: Guard,
        *,
        previous: MeetingRecord | None,
    ) -> tuple[MeetingRecord, BookingAction]:
        """Check the hosts are free and claim the time under their host locks, then make the
        meeting with the locks let go (the claim holds the time; see
        :meth:`MeetingWrites.claim`). The hosts' Zoom meetings are listed before the
        locks are taken, when this process has no fresh view of them."""
        self._availability.warm(booking, guard)
        with self._locks.hosts(booking, guard):
            self._availability.refuse_conflicts(booking, plan, guard, own=None)
            claim = self._writes.claim(booking, plan, previous=previous)
        return self._writes.make(booking, plan, claim)

    def record(self, tenant: str, booking_id: str) -> MeetingRecord | None:
        """The booking's meeting record, or ``None``."""
        return self._records.get(tenant, booking_id)

    def start_url(self, tenant: str, booking_id: str) -> str:
        """A start link for the booking's meeting, fresh from Zoom (one GET)."""
        record = self.record(tenant, booking_id)
        if record is None or record.state != "scheduled" or record.meeting_id is None:
            state = "none" if record is None else record.state
            raise BookingStateError(
                f"booking {booking_id!r} has no Zoom meeting to start (its record is {state})",
                booking_id=booking_id,
                state=state,
            )
        meeting = self._calls.get_meeting(self._records.link(record), record.meeting_id)
        return meeting.start_url

    def _move_detached(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None, guard: Guard
    ) -> BookingOutcome:
        """Move a booking whose Zoom details were purged: times, messages and calendars
        change; Zoom is not called."""
        if not _bookings.same_times(booking, record):
            with self._locks.hosts(booking, guard):
                self._availability.refuse_conflicts(booking, plan, guard, own=record)
                before = record.occurrences
                record = self._records.save(
                    _bookings.moved(record, booking, self._clock.now(), plan), record
                )
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return self._announcer.announce(
                booking, record, "detached", "meeting_rescheduled", dropped=dropped
            )
        return self._announcer.announce(booking, record, "detached", "meeting_rescheduled")

    # -- one occurrence of a recurring booking ------------------------------------------------

    def reschedule_occurrence(
        self, booking: Booking, occurrence: datetime, start: datetime, end: datetime, guard: Guard
    ) -> BookingOutcome:
        """Move one occurrence of a recurring booking's meeting (one PATCH with its
        ``occurrence_id``); the others stay as they are."""
        return self._occurrences.reschedule(booking, occurrence, start, end, guard)

    def cancel_occurrence(self, booking: Booking, occurrence: datetime) -> BookingOutcome:
        """Delete one occurrence of a recurring booking's meeting (one DELETE with its
        ``occurrence_id``); the series and its link stay."""
        return self._occurrences.cancel(booking, occurrence)

    # -- locks ---------------------------------------------------------------------------------

    def hold(self, tenant: str, booking_id: str) -> AbstractContextManager[None]:
        """The booking's lock (the purge and Zoom's events take it too)."""
        return self._locks.booking(tenant, booking_id)


def _superseded(booking: Booking) -> BookingOutcome:
    """The outcome of kept work that a newer call replaced before it ran."""
    return BookingOutcome(booking_id=booking.id, action="superseded", location="zoom")
