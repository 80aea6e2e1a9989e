"""AsyncBookings: one Zoom meeting per booking, created, moved and deleted exactly once.

Every step for a booking runs under the store lock ``booking:<record id>``, so concurrent
retries (several workers, several processes) take turns. A record is written *before* Zoom is
asked to create a meeting; a crash after Zoom's answer leaves it ``pending``, and the next call
finds the meeting by the marker at the start of its agenda instead of creating another.

Before a meeting is made or moved, the hosts' busy times are checked under the store lock
``host:<tenant>:<user id>`` of each host, so two bookings cannot both take the same free time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, Literal, TypeVar

import attrs

from zoomlink._async._announce import AsyncAnnouncer
from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._availability import AsyncAvailability
from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._co_hosts import ResolveUser, co_host_settings
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._core import _bookings, _busy, _limits, _messages
from zoomlink._core._busy import Guard
from zoomlink._core._recurrence import ZoomRecurrence
from zoomlink._locks import AsyncKeyedLock
from zoomlink.availability import BookingConflictError
from zoomlink.booking import (
    Booking,
    BookingAction,
    BookingOutcome,
    ConferencingChoice,
    EventType,
    MeetingOccurrence,
    MeetingRecord,
)
from zoomlink.errors import (
    BookingStateError,
    DailyLimitError,
    InvalidBookingError,
    NotConnectedError,
    StaleRecordError,
    ZoomAPIError,
    ZoomLinkError,
    ZoomNotFoundError,
    ZoomRateLimitError,
    ZoomServerError,
    ZoomTransportError,
    ZoomValidationError,
)
from zoomlink.models import Link, Meeting, MeetingFields, RetryPolicy
from zoomlink.protocols import AsyncCalendarBackend, AsyncNotificationSink, AsyncTokenStore, Clock

T = TypeVar("T")

logger = logging.getLogger("zoomlink")

_INVALID_PARAMETER = 300  # Zoom's error code for a request parameter it refuses

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
        self._tokens = tokens
        self._calls = calls
        self._availability = availability
        self._resolve_user = resolve_user
        self._clock = clock
        self._retry = retry_policy
        self._lock_timeout = lock_timeout
        self._local = AsyncKeyedLock()
        self._announcer = AsyncAnnouncer(
            notifications=notifications, calendar=calendar, clock=clock, save=self._save
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
        self._check_future(booking)
        plan = _bookings.recurrence(booking)
        async with self._lock(booking):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._record(booking)
            if record is not None and record.state == "scheduled":
                return await self._announce(booking, record, "existing", "meeting_scheduled")
            if record is not None and record.state == "detached":
                return await self._announce(booking, record, "detached", "meeting_scheduled")
            async with self._hosts_lock(booking, guard):
                await self._refuse_conflicts(booking, plan, guard, own=None)
                if record is not None and record.state == "pending":
                    record, action = await self._settle(booking, record, plan)
                else:
                    record, action = await self._create(booking, plan, previous=record)
            return await self._announce(booking, record, action, "meeting_scheduled")

    async def reschedule(
        self, booking: Booking, guard: Guard, still: Still | None = None
    ) -> BookingOutcome:
        """Move the booking's meeting to the booking's (new) times: one PATCH. A meeting that
        was deleted in Zoom meanwhile is made again, and the outcome says ``recreated``."""
        self._check_future(booking)
        plan = _bookings.recurrence(booking)
        async with self._lock(booking):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._record(booking)
            if record is None:
                place = await self.location(booking.event_type, booking.host_id, booking.tenant)
                if place != "zoom":
                    return BookingOutcome(booking_id=booking.id, action="none", location=place)
                async with self._hosts_lock(booking, guard):
                    await self._refuse_conflicts(booking, plan, guard, own=None)
                    record, action = await self._create(booking, plan, previous=None)
                return await self._announce(booking, record, action, "meeting_scheduled")
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
                return await self._announce(booking, record, "existing", "meeting_rescheduled")
            before = record.occurrences
            async with self._hosts_lock(booking, guard):
                await self._refuse_conflicts(booking, plan, guard, own=record)
                action = "existing"
                if record.state == "pending":
                    record, action = await self._settle(booking, record, plan)
                    if action == "created":  # created at the new times already
                        return await self._announce(booking, record, action, "meeting_scheduled")
                # A meeting changed or deleted in Zoom is put back in step with the booking.
                if not _bookings.same_times(booking, record) or record.in_zoom != "as_booked":
                    record, action = await self._move(booking, record, plan)
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return await self._announce(
                booking, record, action, "meeting_rescheduled", dropped=dropped
            )

    async def cancel(self, booking: Booking, still: Still | None = None) -> BookingOutcome:
        """Delete the booking's meeting (one DELETE; gone already counts as done), tell
        everyone and take the events off their calendars."""
        async with self._lock(booking):
            if still is not None and not await still():
                return _superseded(booking)
            record = await self._record(booking)
            if record is None:
                return BookingOutcome(booking_id=booking.id, action="none", location="zoom")
            if record.state == "cancelled":
                return await self._announce(booking, record, "none", "meeting_cancelled")
            if record.state == "detached":  # no Zoom meeting is ours to delete any more
                record = await self._save(_bookings.cancelled(record, self._clock.now()), record)
                return await self._announce(booking, record, "detached", "meeting_cancelled")
            link = await self._link(record)
            meeting_id = record.meeting_id
            if record.state == "pending":
                found = await self._find(link, record)
                meeting_id = found.id if found is not None else None
            action = await self._delete(link, meeting_id, None)
            record = await self._save(_bookings.cancelled(record, self._clock.now()), record)
            return await self._announce(booking, record, action, "meeting_cancelled")

    async def record(self, tenant: str, booking_id: str) -> MeetingRecord | None:
        """The booking's meeting record, or ``None``."""
        return await self._store.get_meeting_record(_bookings.record_id(tenant, booking_id))

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
        meeting = await self._calls.get_meeting(await self._link(record), record.meeting_id)
        return meeting.start_url

    async def _move_detached(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None, guard: Guard
    ) -> BookingOutcome:
        """Move a booking whose Zoom details were purged: times, messages and calendars
        change; Zoom is not called."""
        if not _bookings.same_times(booking, record):
            async with self._hosts_lock(booking, guard):
                await self._refuse_conflicts(booking, plan, guard, own=record)
                before = record.occurrences
                record = await self._save(
                    _bookings.moved(record, booking, self._clock.now(), plan), record
                )
            kept = {o.occurrence_id for o in record.occurrences}
            dropped = tuple(o for o in before if o.occurrence_id not in kept)
            return await self._announce(
                booking, record, "detached", "meeting_rescheduled", dropped=dropped
            )
        return await self._announce(booking, record, "detached", "meeting_rescheduled")

    # -- one occurrence of a recurring booking ------------------------------------------------

    async def reschedule_occurrence(
        self, booking: Booking, occurrence: datetime, start: datetime, end: datetime, guard: Guard
    ) -> BookingOutcome:
        """Move one occurrence of a recurring booking's meeting (one PATCH with its
        ``occurrence_id``); the others stay as they are."""
        moved = attrs.evolve(booking, start=start, end=end, recurrence=None)
        self._check_future(moved)
        async with self._lock(booking):
            record = await self._series(booking)
            found = self._occurrence(booking, record, occurrence)
            if found.start == moved.start and found.end == moved.end:
                return await self._announce(
                    booking, record, "existing", "meeting_rescheduled", occurrence=found
                )
            async with self._hosts_lock(booking, guard):
                await self._refuse_conflicts(
                    moved, None, guard, own=record, occurrence_id=found.occurrence_id
                )
                if record.state == "detached":
                    return await self._detached_occurrence(
                        booking, record, attrs.evolve(found, start=start, end=end)
                    )
                meeting_id = record.meeting_id
                assert meeting_id is not None  # scheduled records have one
                fields = MeetingFields(
                    start=moved.start,
                    duration_minutes=moved.duration_minutes,
                    timezone=booking.host.time_zone,
                )
                await self._take_quota(record, booking)
                try:
                    await self._write(
                        await self._link(record),
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
            record = await self._save(_bookings.with_occurrence(record, changed, now), record)
            return await self._announce(
                booking, record, "updated", "meeting_rescheduled", occurrence=changed
            )

    async def cancel_occurrence(self, booking: Booking, occurrence: datetime) -> BookingOutcome:
        """Delete one occurrence of a recurring booking's meeting (one DELETE with its
        ``occurrence_id``); the series and its link stay."""
        async with self._lock(booking):
            record = await self._series(booking)
            found = self._occurrence(booking, record, occurrence)
            if found.state == "cancelled":
                return await self._announce(
                    booking, record, "none", "meeting_cancelled", occurrence=found
                )
            if record.state == "detached":
                return await self._detached_occurrence(
                    booking, record, attrs.evolve(found, state="cancelled")
                )
            link = await self._link(record)
            action = await self._delete(link, record.meeting_id, found.occurrence_id)
            changed = attrs.evolve(found, state="cancelled")
            now = self._clock.now()
            record = await self._save(_bookings.with_occurrence(record, changed, now), record)
            return await self._announce(
                booking, record, action, "meeting_cancelled", occurrence=changed
            )

    async def _detached_occurrence(
        self, booking: Booking, record: MeetingRecord, changed: MeetingOccurrence
    ) -> BookingOutcome:
        """Change one occurrence of a detached booking: no Zoom call."""
        changed = attrs.evolve(changed, start=_busy.utc(changed.start), end=_busy.utc(changed.end))
        now = self._clock.now()
        record = await self._save(_bookings.with_occurrence(record, changed, now), record)
        news: _messages.MeetingNews = (
            "meeting_cancelled" if changed.state == "cancelled" else "meeting_rescheduled"
        )
        return await self._announce(booking, record, "detached", news, occurrence=changed)

    async def _series(self, booking: Booking) -> MeetingRecord:
        record = await self._record(booking)
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

    # -- steps ---------------------------------------------------------------------------------

    async def _create(
        self, booking: Booking, plan: ZoomRecurrence | None, *, previous: MeetingRecord | None
    ) -> tuple[MeetingRecord, BookingAction]:
        host = await self._resolve_user(booking.host_id, booking.tenant, booking.host.email)
        link = await self._link_for(host.connection.id, booking)
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
        await self._take_quota(pending, booking)  # fail early, before anything is written
        if previous is None:
            await self._store.add_meeting_record(pending)
        else:
            await self._store.update_meeting_record(pending, expected_version=previous.version)
        # A purge marks its connection before listing bookings, and this record is written
        # before the mark is read: either the purge finds the record, or this sees the mark.
        current = await self._store.get_link(link.id)
        if current is None or current.disconnected_at is not None or current.purge != "none":
            await self._forget(pending, previous)
            raise NotConnectedError(
                f"the Zoom connection {link.id} was disconnected while booking {booking.id!r} "
                "was being scheduled",
                tenant=booking.tenant,
                user_id=booking.host_id,
            )
        try:
            meeting, action = await self._make_meeting(
                link, booking, pending, plan, quota_taken=True
            )
        except BaseException as exc:
            # Undone only when Zoom surely made nothing. After a lost answer that could not be
            # looked into (Zoom down, the task cancelled), the record stays pending, so the
            # next call looks for the meeting by its marker instead of making a second one.
            if _refused_for_sure(exc):
                await self._forget(pending, previous)
            raise
        now = self._clock.now()
        record = _bookings.scheduled(pending, booking, meeting, now, recreated=False, plan=plan)
        return await self._save(record, pending), action

    async def _settle(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None
    ) -> tuple[MeetingRecord, BookingAction]:
        """Finish a create an earlier call left ``pending``: adopt the meeting it made, or
        create it now if it never reached Zoom."""
        link = await self._link(record)
        found = await self._find(link, record)
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
        return await self._save(done, record), action

    async def _move(
        self, booking: Booking, record: MeetingRecord, plan: ZoomRecurrence | None
    ) -> tuple[MeetingRecord, BookingAction]:
        link = await self._link(record)
        meeting_id = record.meeting_id
        assert meeting_id is not None  # scheduled records have one
        fields = _bookings.move_fields(booking, record, record.marker, plan)
        await self._take_quota(record, booking)
        try:
            await self._write(
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
            return await self._save(fresh, record), "recreated"
        moved = _bookings.moved(record, booking, self._clock.now(), plan)
        return await self._save(moved, record), "updated"

    async def _delete(
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
    ) -> tuple[Meeting, BookingAction]:
        """Create the meeting. When Zoom's answer is lost (timeout, dropped connection, 5xx),
        look for it by its marker before trying again: a create is never repeated blindly.
        After a timeout it is not tried again in this call: Zoom may still be making it."""
        extra = await co_host_settings(
            booking, link, record, store=self._store, resolve_user=self._resolve_user
        )
        fields = _bookings.meeting_fields(booking, record.marker, plan, extra)
        retry = 0
        while True:
            if not quota_taken:
                await self._take_quota(record, booking)
            quota_taken = False

            async def create(
                api: AsyncZoomAPI, token: str, fields: MeetingFields = fields
            ) -> Meeting:
                return await api.create_meeting(token, fields, user=record.zoom_user)

            try:
                meeting = await self._write(
                    link, "meetings.create", create, record=record, booking=booking, safe=False
                )
                return meeting, "created"
            except (ZoomServerError, ZoomTransportError) as exc:
                found = await self._find(link, record)
                if found is not None:
                    logger.info("booking %s: Zoom created the meeting after all", booking.id)
                    return await self._calls.get_meeting(link, found.id), "reconciled"
                if isinstance(exc, ZoomTransportError) and exc.timeout:
                    # Zoom may still be making it: a create sent now could make a second.
                    # The next call looks for it again, once Zoom is surely done.
                    raise
                retry += 1
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

    async def _find(self, link: Link, record: MeetingRecord) -> Meeting | None:
        """The meeting carrying the record's marker in the host's Zoom meeting list."""
        listed = await self._calls.list_meetings(link, record.zoom_user, "scheduled")
        return _bookings.find_marked(listed, record.marker)

    async def _write(
        self,
        link: Link,
        route: str,
        operation: Callable[[AsyncZoomAPI, str], Awaitable[T]],
        *,
        record: MeetingRecord,
        booking: Booking,
        safe: bool = True,
    ) -> T:
        """A meeting create or update: Zoom's per-host daily 429 and passcode refusals become
        zoomlink's typed errors."""
        try:
            return await self._calls.send(link, route, operation, safe=safe)
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

    async def _take_quota(self, record: MeetingRecord, booking: Booking) -> None:
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

    # -- busy time -----------------------------------------------------------------------------

    async def _refuse_conflicts(
        self,
        booking: Booking,
        plan: ZoomRecurrence | None,
        guard: Guard,
        *,
        own: MeetingRecord | None,
        occurrence_id: str | None = None,
    ) -> None:
        """Raise :class:`BookingConflictError` if a host is busy; ``occurrence_id`` names the
        occurrence of ``own``'s series being moved, which must not land on its siblings."""
        if not guard.check:
            return
        windows = _bookings.windows(booking, plan)
        found = await self._availability.conflicts(
            booking, windows, before=guard.before, after=guard.after, own=own, strict=True
        )
        if own is not None and occurrence_id is not None:
            found += _busy.series_conflicts(
                own, occurrence_id, windows, before=guard.before, after=guard.after
            )
        if found:
            raise BookingConflictError(
                _busy.conflict_message(booking.id, found), booking_id=booking.id, conflicts=found
            )

    @asynccontextmanager
    async def _hosts_lock(self, booking: Booking, guard: Guard) -> AsyncIterator[None]:
        """Each host's lock (in one order, so two collective bookings cannot deadlock) while
        their busy time is checked and the meeting made."""
        names = (
            []
            if not guard.check
            else sorted(
                f"host:{_bookings.record_id(booking.tenant, host_id)}"
                for host_id in booking.host_ids
            )
        )
        async with self._hold(names):
            yield

    @asynccontextmanager
    async def _hold(self, names: list[str]) -> AsyncIterator[None]:
        if not names:
            yield
            return
        async with (
            self._local.hold(names[0], timeout=self._lock_timeout),
            self._store.lock(names[0], timeout=self._lock_timeout),
            self._hold(names[1:]),
        ):
            yield

    # -- records and links ---------------------------------------------------------------------

    async def _announce(
        self,
        booking: Booking,
        record: MeetingRecord,
        action: BookingAction,
        news: _messages.MeetingNews,
        **details: Any,
    ) -> BookingOutcome:
        return await self._announcer.announce(booking, record, action, news, **details)

    def _lock(self, booking: Booking) -> AbstractAsyncContextManager[None]:
        return self.hold(booking.tenant, booking.id)

    @asynccontextmanager
    async def hold(self, tenant: str, booking_id: str) -> AsyncIterator[None]:
        """The booking's lock. Callers in this process queue here; one per booking goes on
        to the store lock, which excludes the other processes."""
        name = f"booking:{_bookings.record_id(tenant, booking_id)}"
        async with (
            self._local.hold(name, timeout=self._lock_timeout),
            self._store.lock(name, timeout=self._lock_timeout),
        ):
            yield

    async def _record(self, booking: Booking) -> MeetingRecord | None:
        record = await self.record(booking.tenant, booking.id)
        if record is not None and record.host_id != booking.host_id:
            raise InvalidBookingError(
                f"booking {booking.id!r} is hosted by {record.host_id!r} in zoomlink's records, "
                f"not {booking.host_id!r}; cancel it and schedule it anew to change hosts",
                field="host.user_id",
            )
        return record

    async def _save(self, record: MeetingRecord, previous: MeetingRecord) -> MeetingRecord:
        try:
            await self._store.update_meeting_record(record, expected_version=previous.version)
        except StaleRecordError:
            logger.error("meeting record %s changed under its booking lock", record.id)
            raise
        await self._availability.changed(record)
        return record

    async def _forget(self, pending: MeetingRecord, previous: MeetingRecord | None) -> None:
        """Undo the pending write after Zoom refused the create for sure."""
        if previous is None:
            await self._store.remove_meeting_record(pending.id)
        else:
            restored = attrs.evolve(previous, version=pending.version + 1)
            await self._store.update_meeting_record(restored, expected_version=pending.version)

    async def _link(self, record: MeetingRecord) -> Link:
        return await self._link_for(record.connection_id, None)

    async def _link_for(self, connection_id: str, booking: Booking | None) -> Link:
        link = await self._store.get_link(connection_id)
        if link is None:
            raise NotConnectedError(
                f"the Zoom connection {connection_id} behind this booking is gone",
                tenant=booking.tenant if booking else "",
            )
        return link

    def _check_future(self, booking: Booking) -> None:
        if booking.start <= self._clock.now():
            raise InvalidBookingError(
                f"booking {booking.id!r} starts at {booking.start.isoformat()}, which is not in "
                "the future; Zoom ignores past start times on updates",
                field="start",
            )


def _superseded(booking: Booking) -> BookingOutcome:
    """The outcome of kept work that a newer call replaced before it ran."""
    return BookingOutcome(booking_id=booking.id, action="superseded", location="zoom")


def _refused_for_sure(error: BaseException) -> bool:
    """Whether ``error`` means Zoom made no meeting: a refusal Zoom answered (not a 5xx) or one
    zoomlink made before asking."""
    unsure = (ZoomServerError, ZoomTransportError)
    return isinstance(error, ZoomLinkError) and not isinstance(error, unsure)
