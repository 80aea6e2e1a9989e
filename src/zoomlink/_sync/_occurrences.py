# This file is generated from src/zoomlink/_async/_occurrences.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Occurrences: one occurrence of a recurring booking, moved or cancelled on its own.

Zoom changes one occurrence by its ``occurrence_id`` (a PATCH or DELETE on the series); the
series, its link and the other occurrences stay as they are.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from zoomlink._sync._announce import Announcer
from zoomlink._sync._availability import Availability
from zoomlink._sync._booking_locks import BookingLocks
from zoomlink._sync._meeting_records import MeetingRecords
from zoomlink._sync._meeting_writes import MeetingWrites
from zoomlink._core import _bookings, _busy, _messages
from zoomlink._core._busy import Guard
from zoomlink.booking import Booking, BookingOutcome, MeetingOccurrence, MeetingRecord
from zoomlink.errors import BookingStateError, InvalidBookingError, ZoomNotFoundError
from zoomlink.models import MeetingFields
from zoomlink.protocols import Clock


class Occurrences:
    """Reschedule and cancel single occurrences, behind :class:`Bookings`."""

    def __init__(
        self,
        *,
        records: MeetingRecords,
        locks: BookingLocks,
        writes: MeetingWrites,
        availability: Availability,
        announcer: Announcer,
        clock: Clock,
    ) -> None:
        self._records = records
        self._locks = locks
        self._writes = writes
        self._availability = availability
        self._announcer = announcer
        self._clock = clock

    def reschedule(
        self, booking: Booking, occurrence: datetime, start: datetime, end: datetime, guard: Guard
    ) -> BookingOutcome:
        """Move one occurrence of a recurring booking's meeting (one PATCH with its
        ``occurrence_id``); the others stay as they are."""
        moved = attrs.evolve(booking, start=start, end=end, recurrence=None)
        self._writes.check_future(moved)
        with self._locks.booking(booking.tenant, booking.id):
            record = self._series(booking)
            found = self._occurrence(booking, record, occurrence)
            if found.start == moved.start and found.end == moved.end:
                return self._announcer.announce(
                    booking, record, "existing", "meeting_rescheduled", occurrence=found
                )
            with self._locks.hosts(booking, guard):
                self._availability.refuse_conflicts(
                    moved, None, guard, own=record, occurrence_id=found.occurrence_id
                )
                if record.state == "detached":
                    return self._detached(
                        booking, record, attrs.evolve(found, start=start, end=end)
                    )
                meeting_id = record.meeting_id
                assert meeting_id is not None  # scheduled records have one
                fields = MeetingFields(
                    start=moved.start,
                    duration_minutes=moved.duration_minutes,
                    timezone=booking.host.time_zone,
                )
                self._writes.take_quota(record, booking)
                try:
                    self._writes.write(
                        self._records.link(record),
                        "meetings.update",
                        lambda api, token: api.update_meeting(
                            token, meeting_id, fields, occurrence_id=found.occurrence_id
                        ),
                        record=record,
                        booking=booking,
                    )
                except ZoomNotFoundError as exc:
                    raise BookingStateError(
                        f"the occurrence {found.occurrence_id} of booking {booking.id!r} no "
                        "longer exists in Zoom",
                        booking_id=booking.id,
                        state="gone",
                    ) from exc
            changed = attrs.evolve(found, start=_busy.utc(start), end=_busy.utc(end))
            now = self._clock.now()
            record = self._records.save(
                _bookings.with_occurrence(record, changed, now), record
            )
            return self._announcer.announce(
                booking, record, "updated", "meeting_rescheduled", occurrence=changed
            )

    def cancel(self, booking: Booking, occurrence: datetime) -> BookingOutcome:
        """Delete one occurrence of a recurring booking's meeting (one DELETE with its
        ``occurrence_id``); the series and its link stay."""
        with self._locks.booking(booking.tenant, booking.id):
            record = self._series(booking)
            found = self._occurrence(booking, record, occurrence)
            if found.state == "cancelled":
                return self._announcer.announce(
                    booking, record, "none", "meeting_cancelled", occurrence=found
                )
            if record.state == "detached":
                return self._detached(booking, record, attrs.evolve(found, state="cancelled"))
            link = self._records.link(record)
            action = self._writes.delete(link, record.meeting_id, found.occurrence_id)
            changed = attrs.evolve(found, state="cancelled")
            now = self._clock.now()
            record = self._records.save(
                _bookings.with_occurrence(record, changed, now), record
            )
            return self._announcer.announce(
                booking, record, action, "meeting_cancelled", occurrence=changed
            )

    def _detached(
        self, booking: Booking, record: MeetingRecord, changed: MeetingOccurrence
    ) -> BookingOutcome:
        """Change one occurrence of a detached booking: no Zoom call."""
        changed = attrs.evolve(changed, start=_busy.utc(changed.start), end=_busy.utc(changed.end))
        now = self._clock.now()
        record = self._records.save(_bookings.with_occurrence(record, changed, now), record)
        news: _messages.MeetingNews = (
            "meeting_cancelled" if changed.state == "cancelled" else "meeting_rescheduled"
        )
        return self._announcer.announce(booking, record, "detached", news, occurrence=changed)

    def _series(self, booking: Booking) -> MeetingRecord:
        record = self._records.of(booking)
        live = record is not None and record.state in ("scheduled", "detached")
        if record is None or not live or not record.occurrences:
            raise BookingStateError(
                f"booking {booking.id!r} has no scheduled recurring meeting",
                booking_id=booking.id,
                state=record.state if record else "none",
            )
        return record

    def _occurrence(
        self, booking: Booking, record: MeetingRecord, when: datetime
    ) -> MeetingOccurrence:
        found = _bookings.find_occurrence(record, when)
        if found is None:
            raise InvalidBookingError(
                f"booking {booking.id!r} has no occurrence starting at {when.isoformat()}",
                field="occurrence",
            )
        return found
