"""AsyncMeetingWrites: the steps that create, move and delete a booking's Zoom meeting.

A record is written *before* Zoom is asked to create a meeting; a crash after Zoom's answer
leaves it ``pending``, and the next call finds the meeting by the marker at the start of its
agenda instead of creating another. Every create and update takes one of the host's daily
meeting writes first, so Zoom's per-host daily limit is met before Zoom refuses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import attrs

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._co_hosts import ResolveUser, co_host_settings
from zoomlink._async._meeting_records import AsyncMeetingRecords
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._core import _bookings, _limits
from zoomlink._core._recurrence import ZoomRecurrence
from zoomlink._resolutions import kept_serving
from zoomlink.booking import Booking, BookingAction, MeetingRecord
from zoomlink.errors import (
    DailyLimitError,
    InvalidBookingError,
    NotConnectedError,
    ZoomAPIError,
    ZoomLinkError,
    ZoomNotFoundError,
    ZoomRateLimitError,
    ZoomServerError,
    ZoomTransportError,
    ZoomValidationError,
)
from zoomlink.models import Grant, Link, Meeting, MeetingFields, RetryPolicy
from zoomlink.protocols import AsyncTokenStore, Clock

T = TypeVar("T")

logger = logging.getLogger("zoomlink")

_INVALID_PARAMETER = 300  # Zoom's error code for a request parameter it refuses


@attrs.frozen
class Claim:
    """A booking's time, taken under its host locks (:meth:`AsyncMeetingWrites.claim`): its
    pending record (over ``previous``), and the connection, grant and co-host settings that
    make its meeting."""

    pending: MeetingRecord
    previous: MeetingRecord | None
    link: Link
    grant: Grant
    extra: dict[str, Any]


class AsyncMeetingWrites:
    """Zoom's side of a booking: each step keeps the meeting record in step with Zoom."""

    def __init__(
        self,
        *,
        store: AsyncTokenStore,
        tokens: AsyncTokenKeeper,
        calls: AsyncZoomCalls,
        records: AsyncMeetingRecords,
        resolve_user: ResolveUser,
        clock: Clock,
        retry_policy: RetryPolicy,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._calls = calls
        self._records = records
        self._resolve_user = resolve_user
        self._clock = clock
        self._retry = retry_policy

    def check_future(self, booking: Booking) -> None:
        """Refuse a booking that does not start in the future."""
        if booking.start <= self._clock.now():
            raise InvalidBookingError(
                f"booking {booking.id!r} starts at {booking.start.isoformat()}, which is not in "
                "the future; Zoom ignores past start times on updates",
                field="start",
            )

    async def claim(
        self, booking: Booking, plan: ZoomRecurrence | None, *, previous: MeetingRecord | None
    ) -> Claim:
        """Take the booking's time, under its host locks: one of the host's meeting writes for
        today, and the booking's record written ``pending`` (over ``previous``).

        The pending record holds the time against every other booking of the host (their
        conflict checks read the store's records), so :meth:`make` runs after the host locks
        are let go, and the host's next booking need not wait for Zoom's answer.
        """
        host = await self._resolve_user(booking.host_id, booking.tenant, booking.host.email)
        serving = kept_serving(host.connection.id)  # read just now: see zoomlink._resolutions
        if serving is not None:
            link, grant = serving
        else:
            link = await self._records.link_for(host.connection.id, booking)
            grant = await self._tokens.active_grant(link)
        pending = _bookings.pending_record(
            booking,
            connection_id=link.id,
            zoom_user=host.zoom_user,
            quota_user=_limits.quota_user(host, grant),
            now=self._clock.now(),
            previous=previous,
            plan=plan,
        )
        await self.take_quota(pending, booking)  # fail early, before anything is written
        if previous is None:
            await self._store.add_meeting_record(pending)
        else:
            await self._store.update_meeting_record(pending, expected_version=previous.version)
        # A purge marks its connection before listing bookings, and this record is written
        # before the mark is read: either the purge finds the record, or this sees the mark.
        current = await self._store.get_link(link.id)
        if current is None or current.disconnected_at is not None or current.purge != "none":
            await self._records.forget(pending, previous)
            raise NotConnectedError(
                f"the Zoom connection {link.id} was disconnected while booking {booking.id!r} "
                "was being scheduled",
                tenant=booking.tenant,
                user_id=booking.host_id,
            )
        # Co-hosts are resolved here too, where the conflict check resolved them already.
        extra = await co_host_settings(
            booking, link, pending, store=self._store, resolve_user=self._resolve_user
        )
        return Claim(pending=pending, previous=previous, link=link, grant=grant, extra=extra)

    async def make(
        self, booking: Booking, plan: ZoomRecurrence | None, claim: Claim
    ) -> tuple[MeetingRecord, BookingAction]:
        """Make the claimed booking's meeting, and record it ``scheduled``."""
        pending, previous = claim.pending, claim.previous
        try:
            meeting, action = await self._make_meeting(
                claim.link,
                booking,
                pending,
                plan,
                quota_taken=True,
                grant=claim.grant,
                extra=claim.extra,
            )
        except BaseException as exc:
            # Undone only when Zoom surely made nothing. After a lost answer that could not be
            # looked into (Zoom down, the task cancelled), the record stays pending, so the
            # next call looks for the meeting by its marker instead of making a second one.
            if _refused_for_sure(exc):
                await self._records.forget(pending, previous)
            raise
        now = self._clock.now()
        record = _bookings.scheduled(pending, booking, meeting, now, recreated=False, plan=plan)
        return await self._records.save(record, pending), action

    async def settle(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None
    ) -> tuple[MeetingRecord, BookingAction]:
        """Finish a create an earlier call left ``pending``: adopt the meeting it made, or
        create it now if it never reached Zoom."""
        link = await self._records.link(record)
        found = await self.find(link, record)
        if found is not None:
            meeting = await self._calls.get_meeting(link, found.id)
            action: BookingAction = "reconciled"
        else:
            meeting, action = await self._make_meeting(
                link, booking, record, plan, quota_taken=False
            )
        now = self._clock.now()
        done = _bookings.scheduled(record, booking, meeting, now, recreated=False, plan=plan)
        if action == "reconciled":  # the meeting kept the times it was created with
            done = attrs.evolve(
                done,
                start=record.start,
                end=record.end,
                topic=record.topic,
                recurrence=record.recurrence,
            )
        return await self._records.save(done, record), action

    async def move(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None
    ) -> tuple[MeetingRecord, BookingAction]:
        """Move the meeting to the booking's times: one PATCH, or a new meeting when Zoom no
        longer has it."""
        link = await self._records.link(record)
        meeting_id = record.meeting_id
        assert meeting_id is not None  # scheduled records have one
        fields = _bookings.move_fields(booking, record, record.marker, plan)
        await self.take_quota(record, booking)
        try:
            await self.write(
                link,
                "meetings.update",
                lambda api, token: api.update_meeting(token, meeting_id, fields),
                record=record,
                booking=booking,
            )
        except ZoomNotFoundError:
            logger.warning(
                "Zoom meeting %s of booking %s was deleted in Zoom; making a new one",
                meeting_id,
                booking.id,
            )
            meeting, _ = await self._make_meeting(link, booking, record, plan, quota_taken=False)
            now = self._clock.now()
            fresh = _bookings.scheduled(record, booking, meeting, now, recreated=True, plan=plan)
            return await self._records.save(fresh, record), "recreated"
        moved = _bookings.moved(record, booking, self._clock.now(), plan)
        return await self._records.save(moved, record), "updated"

    async def delete(
        self, link: Link, meeting_id: int | None, occurrence_id: str | None
    ) -> BookingAction:
        """Delete a meeting (or one occurrence); one Zoom no longer has counts as gone."""
        if meeting_id is None:
            return "already_gone"
        try:
            await self._calls.send(
                link,
                "meetings.delete",
                lambda api, token: api.delete_meeting(
                    token, meeting_id, occurrence_id=occurrence_id
                ),
                safe=True,
            )
        except ZoomNotFoundError:
            return "already_gone"
        except ZoomValidationError as exc:
            # Zoom answers an occurrence it no longer has (deleted by a request whose answer
            # was lost) with 400 code 300 "Invalid parameter: occurrence_id" (zoom-api.md).
            if occurrence_id is None or exc.code != _INVALID_PARAMETER:
                raise
            return "already_gone"
        return "deleted"

    async def _make_meeting(
        self,
        link: Link,
        booking: Booking,
        record: MeetingRecord,
        plan: ZoomRecurrence | None,
        *,
        quota_taken: bool,
        grant: Grant | None = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[Meeting, BookingAction]:
        """Create the meeting. When Zoom's answer is lost (timeout, dropped connection, 5xx),
        look for it by its marker before trying again: a create is never repeated blindly.
        After a timeout it is not tried again in this call: Zoom may still be making it.
        ``grant``: the link's grant, just read (the first try does not read it again);
        ``extra``: the co-hosts' settings, resolved already."""
        if extra is None:
            extra = await co_host_settings(
                booking, link, record, store=self._store, resolve_user=self._resolve_user
            )
        fields = _bookings.meeting_fields(booking, record.marker, plan, extra)
        retry = 0
        while True:
            if not quota_taken:
                await self.take_quota(record, booking)
            quota_taken = False

            async def create(
                api: AsyncZoomAPI, token: str, fields: MeetingFields = fields
            ) -> Meeting:
                return await api.create_meeting(token, fields, user=record.zoom_user)

            try:
                meeting = await self.write(
                    link,
                    "meetings.create",
                    create,
                    record=record,
                    booking=booking,
                    safe=False,
                    grant=grant,
                )
                return meeting, "created"
            except (ZoomServerError, ZoomTransportError) as exc:
                found = await self.find(link, record)
                if found is not None:
                    logger.info("booking %s: Zoom created the meeting after all", booking.id)
                    return await self._calls.get_meeting(link, found.id), "reconciled"
                if isinstance(exc, ZoomTransportError) and exc.timeout:
                    # Zoom may still be making it: a create sent now could make a second.
                    # The next call looks for it again, once Zoom is surely done.
                    raise
                retry += 1
                grant = None  # read again after the pause
                pause = _limits.retry_pause(exc, retry, self._retry, self._clock.now(), safe=True)
                if pause is None:
                    raise
                await asyncio.sleep(pause)
            except ZoomAPIError as exc:
                invited = _bookings.invite_instead(fields)
                if exc.code != _bookings.ALTERNATIVE_HOST_REFUSED or invited is None:
                    raise
                logger.warning(
                    "booking %s: Zoom refused alternative hosts; inviting them", booking.id
                )
                fields = invited

    async def find(self, link: Link, record: MeetingRecord) -> Meeting | None:
        """The meeting carrying the record's marker in the host's Zoom meeting list."""
        listed = await self._calls.list_meetings(link, record.zoom_user, "scheduled")
        return _bookings.find_marked(listed, record.marker)

    async def write(
        self,
        link: Link,
        route: str,
        operation: Callable[[AsyncZoomAPI, str], Awaitable[T]],
        *,
        record: MeetingRecord,
        booking: Booking,
        safe: bool = True,
        grant: Grant | None = None,
    ) -> T:
        """A meeting create or update: Zoom's per-host daily 429 and passcode refusals become
        zoomlink's typed errors. ``grant`` as for :meth:`AsyncZoomCalls.send`."""
        try:
            return await self._calls.send(link, route, operation, safe=safe, grant=grant)
        except ZoomRateLimitError as exc:
            if exc.limit != "host-daily":
                raise
            now = self._clock.now()
            await self._store.fill_quota(
                _limits.quota_name(record.quota_user, now),
                limit=_limits.HOST_DAILY_WRITES,
                expires_at=_limits.quota_resets(now),
            )
            raise self._daily_limit(record, booking) from exc
        except ZoomValidationError as exc:
            passcode = _bookings.passcode_error(exc, booking)
            if passcode is None:
                raise
            raise passcode from exc

    async def take_quota(self, record: MeetingRecord, booking: Booking) -> None:
        """Take one of the host's meeting writes for today, or raise :class:`DailyLimitError`."""
        now = self._clock.now()
        used = await self._store.take_quota(
            _limits.quota_name(record.quota_user, now),
            limit=_limits.HOST_DAILY_WRITES,
            expires_at=_limits.quota_resets(now),
        )
        if used is None:
            raise self._daily_limit(record, booking)

    def _daily_limit(self, record: MeetingRecord, booking: Booking) -> DailyLimitError:
        resets = _limits.quota_resets(self._clock.now())
        return DailyLimitError(
            f"Zoom user {record.quota_user} has used the {_limits.HOST_DAILY_WRITES} meeting "
            f"creates/updates Zoom allows per UTC day; booking {booking.id!r} can be served "
            f"after {resets:%Y-%m-%d %H:%M} UTC",
            zoom_user=record.quota_user,
            limit=_limits.HOST_DAILY_WRITES,
            retry_at=resets,
            booking_id=booking.id,
        )


def _refused_for_sure(error: BaseException) -> bool:
    """Whether ``error`` means Zoom made no meeting: a refusal Zoom answered (not a 5xx) or one
    zoomlink made before asking."""
    unsure = (ZoomServerError, ZoomTransportError)
    return isinstance(error, ZoomLinkError) and not isinstance(error, unsure)
