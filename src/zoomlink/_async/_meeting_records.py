"""AsyncMeetingRecords: a booking's meeting record in the store, and the connection behind it.

Every change goes through :meth:`AsyncMeetingRecords.save`, which expects the version read
under the booking lock and tells the busy-time view, so a write no lock covered is caught and
other workers see the meeting move.
"""

from __future__ import annotations

import logging

import attrs

from zoomlink._async._availability import AsyncAvailability
from zoomlink._core import _bookings, _busy
from zoomlink.booking import Booking, MeetingRecord
from zoomlink.errors import InvalidBookingError, NotConnectedError, StaleRecordError
from zoomlink.models import Link
from zoomlink.protocols import AsyncTokenStore

logger = logging.getLogger("zoomlink")


class AsyncMeetingRecords:
    """Reads and writes bookings' meeting records, and finds the link each one was made on."""

    def __init__(self, *, store: AsyncTokenStore, availability: AsyncAvailability) -> None:
        self._store = store
        self._availability = availability

    async def get(self, tenant: str, booking_id: str) -> MeetingRecord | None:
        """The booking's meeting record, or ``None``."""
        return await self._store.get_meeting_record(_bookings.record_id(tenant, booking_id))

    async def of(self, booking: Booking) -> MeetingRecord | None:
        """The booking's record, refused if zoomlink holds it for another host."""
        record = await self.get(booking.tenant, booking.id)
        if record is not None and record.host_id != booking.host_id:
            raise InvalidBookingError(
                f"booking {booking.id!r} is hosted by {record.host_id!r} in zoomlink's records, "
                f"not {booking.host_id!r}; cancel it and schedule it anew to change hosts",
                field="host.user_id",
            )
        return record

    async def save(self, record: MeetingRecord, previous: MeetingRecord) -> MeetingRecord:
        """Store ``record`` over ``previous`` (as read under the booking lock)."""
        try:
            await self._store.update_meeting_record(record, expected_version=previous.version)
        except StaleRecordError:
            logger.error("meeting record %s changed under its booking lock", record.id)
            raise
        if not _busy.same_busy_time(previous, record):
            await self._availability.changed(record)
        return record

    async def forget(self, pending: MeetingRecord, previous: MeetingRecord | None) -> None:
        """Undo the pending write after Zoom refused the create for sure."""
        if previous is None:
            await self._store.remove_meeting_record(pending.id)
        else:
            restored = attrs.evolve(previous, version=pending.version + 1)
            await self._store.update_meeting_record(restored, expected_version=pending.version)

    async def link(self, record: MeetingRecord) -> Link:
        """The link the record's meeting was made on."""
        return await self.link_for(record.connection_id, None)

    async def link_for(self, connection_id: str, booking: Booking | None) -> Link:
        """The link ``connection_id``; a gone one raises :class:`NotConnectedError`."""
        link = await self._store.get_link(connection_id)
        if link is None:
            raise NotConnectedError(
                f"the Zoom connection {connection_id} behind this booking is gone",
                tenant=booking.tenant if booking else "",
            )
        return link
