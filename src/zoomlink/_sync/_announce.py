# This file is generated from src/zoomlink/_async/_announce.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Announcer: telling a booking's people about its meeting, and writing their calendars.

A failed delivery never fails the booking: it is logged and reported, and the record stays
unannounced, so the next call for the booking sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from zoomlink._core import _bookings, _messages
from zoomlink.booking import (
    Booking,
    BookingAction,
    BookingOutcome,
    MeetingOccurrence,
    MeetingRecord,
)
from zoomlink.protocols import CalendarBackend, NotificationSink, Clock

logger = logging.getLogger("zoomlink")

Save = Callable[[MeetingRecord, MeetingRecord], MeetingRecord]


class Announcer:
    """Sends the messages and writes the calendar events for a record's current state."""

    def __init__(
        self,
        *,
        notifications: NotificationSink,
        calendar: CalendarBackend | None,
        clock: Clock,
        save: Save,
    ) -> None:
        self._notifications = notifications
        self._calendar = calendar
        self._clock = clock
        self._save = save

    def announce(
        self,
        booking: Booking,
        record: MeetingRecord,
        action: BookingAction,
        news: _messages.MeetingNews,
        *,
        occurrence: MeetingOccurrence | None = None,
        dropped: tuple[MeetingOccurrence, ...] = (),
    ) -> BookingOutcome:
        """Write calendars and send the messages for the record's state, unless that was done
        already; anything undelivered is reported and tried again by the next call.

        ``occurrence`` narrows the news to one occurrence of a recurring booking; ``dropped``
        are occurrences whose calendar events must go (a series laid out afresh)."""
        undelivered: list[str] = []
        if not record.announced:
            if record.state == "cancelled":
                news = "meeting_cancelled"
            undelivered += self._write_calendars(booking, record, dropped)
            now = self._clock.now()
            for message in _messages.notifications(news, booking, record, now, occurrence):
                try:
                    self._notifications.notify(message)
                except Exception:
                    logger.exception("could not deliver the %s message to %s", news, message.role)
                    undelivered.append(message.address or "")
            if not undelivered:
                record = self._save(_bookings.announced(record, self._clock.now()), record)
        return BookingOutcome(
            booking_id=booking.id,
            action=action,
            location="zoom" if _messages.has_zoom(record) else "none",
            record=record,
            undelivered=tuple(undelivered),
        )

    def _write_calendars(
        self,
        booking: Booking,
        record: MeetingRecord,
        dropped: tuple[MeetingOccurrence, ...],
    ) -> list[str]:
        if self._calendar is None:
            return []
        failed = []
        for owner in _messages.calendar_owners(booking):
            for event, keep in _messages.calendar_events(booking, record, owner, dropped):
                try:
                    if keep:
                        self._calendar.put_event(event)
                    else:
                        self._calendar.remove_event(event.tenant, event.owner_id, event.uid)
                except Exception:
                    logger.exception("could not write the calendar of %s", event.owner_id)
                    failed.append(f"calendar:{event.owner_id}")
                    break
        return failed
