# This file is generated from src/zoomlink/_async/_bookings.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Bookings: one Zoom meeting per booking, created, moved and deleted exactly once.

Every step for a booking runs under the store lock ``booking:<record id>``, so concurrent
retries (several workers, several processes) take turns. A record is written *before* Zoom is
asked to create a meeting; a crash after Zoom's answer leaves it ``pending``, and the next call
finds the meeting by the marker at the start of its agenda instead of creating another.
"""

from __future__ import annotations

import time
import logging
from collections.abc import Iterator, Callable
from contextlib import contextmanager
from typing import Literal, TypeVar

import attrs

from zoomlink._sync._api import ZoomAPI
from zoomlink._sync._pacer import Pacer
from zoomlink._sync._tokens import TokenKeeper
from zoomlink._core import _bookings, _limits, _messages
from zoomlink._locks import KeyedLock
from zoomlink.booking import (
    Booking,
    BookingAction,
    BookingOutcome,
    ConferencingChoice,
    EventType,
    MeetingRecord,
)
from zoomlink.errors import (
    BookingStateError,
    DailyLimitError,
    InvalidBookingError,
    NotConnectedError,
    StaleRecordError,
    ZoomAPIError,
    ZoomNotFoundError,
    ZoomRateLimitError,
    ZoomServerError,
    ZoomTransportError,
    ZoomValidationError,
)
from zoomlink.models import Link, Meeting, MeetingPage, ResolvedHost, RetryPolicy
from zoomlink.protocols import CalendarBackend, NotificationSink, TokenStore, Clock

T = TypeVar("T")

logger = logging.getLogger("zoomlink")

ResolveHost = Callable[[Booking], ResolvedHost]
Place = Literal["zoom", "builtin", "none"]


class Bookings:
    """The booking lifecycle behind :class:`ZoomLink`'s schedule, reschedule and cancel."""

    def __init__(
        self,
        *,
        store: TokenStore,
        tokens: TokenKeeper,
        resolve_host: ResolveHost,
        notifications: NotificationSink,
        calendar: CalendarBackend | None,
        clock: Clock,
        pacer: Pacer,
        retry: RetryPolicy,
        lock_timeout: float,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._resolve_host = resolve_host
        self._notifications = notifications
        self._calendar = calendar
        self._clock = clock
        self._pacer = pacer
        self._retry = retry
        self._lock_timeout = lock_timeout
        self._local = KeyedLock()

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
        return _bookings.location(event_type, default)

    # -- the lifecycle -------------------------------------------------------------------------

    def schedule(self, booking: Booking) -> BookingOutcome:
        """Give the booking its Zoom meeting (once), tell everyone, write calendars."""
        place = self.location(booking.event_type, booking.host_id, booking.tenant)
        if place != "zoom":
            return BookingOutcome(booking_id=booking.id, action="none", location=place)
        self._check_future(booking)
        with self._lock(booking):
            record = self._record(booking)
            if record is not None and record.state == "scheduled":
                return self._announce(booking, record, "existing", "meeting_scheduled")
            if record is not None and record.state == "pending":
                record, action = self._settle(booking, record)
            else:
                record, action = self._create(booking, previous=record)
            return self._announce(booking, record, action, "meeting_scheduled")

    def reschedule(self, booking: Booking) -> BookingOutcome:
        """Move the booking's meeting to the booking's (new) times: one PATCH. A meeting that
        was deleted in Zoom meanwhile is made again, and the outcome says ``recreated``."""
        self._check_future(booking)
        with self._lock(booking):
            record = self._record(booking)
            if record is None:
                place = self.location(booking.event_type, booking.host_id, booking.tenant)
                if place != "zoom":
                    return BookingOutcome(booking_id=booking.id, action="none", location=place)
                record, action = self._create(booking, previous=None)
                return self._announce(booking, record, action, "meeting_scheduled")
            if record.state == "cancelled":
                raise BookingStateError(
                    f"booking {booking.id!r} was cancelled; schedule it again to give it a "
                    "new meeting",
                    booking_id=booking.id,
                    state=record.state,
                )
            if record.state == "pending":
                record, action = self._settle(booking, record)
                if action == "created":  # created at the new times already
                    return self._announce(booking, record, action, "meeting_scheduled")
            if _bookings.same_times(booking, record):
                return self._announce(booking, record, "existing", "meeting_rescheduled")
            record, action = self._move(booking, record)
            return self._announce(booking, record, action, "meeting_rescheduled")

    def cancel(self, booking: Booking) -> BookingOutcome:
        """Delete the booking's meeting (one DELETE; gone already counts as done), tell
        everyone and take the events off their calendars."""
        with self._lock(booking):
            record = self._record(booking)
            if record is None:
                return BookingOutcome(booking_id=booking.id, action="none", location="zoom")
            if record.state == "cancelled":
                return self._announce(booking, record, "none", "meeting_cancelled")
            link = self._link(record)
            action: BookingAction = "deleted"
            meeting_id = record.meeting_id
            if record.state == "pending":
                found = self._find(link, record)
                meeting_id = found.id if found is not None else None
            if meeting_id is None:
                action = "already_gone"
            else:
                try:
                    self._send(
                        link,
                        "meetings.delete",
                        lambda api, token: api.delete_meeting(token, meeting_id),
                        safe=True,
                    )
                except ZoomNotFoundError:
                    action = "already_gone"
            record = self._save(_bookings.cancelled(record, self._clock.now()), record)
            return self._announce(booking, record, action, "meeting_cancelled")

    def record(self, tenant: str, booking_id: str) -> MeetingRecord | None:
        """The booking's meeting record, or ``None``."""
        return self._store.get_meeting_record(_bookings.record_id(tenant, booking_id))

    # -- steps ---------------------------------------------------------------------------------

    def _create(
        self, booking: Booking, *, previous: MeetingRecord | None
    ) -> tuple[MeetingRecord, BookingAction]:
        host = self._resolve_host(booking)
        link = self._link_for(host.connection.id, booking)
        grant = self._tokens.active_grant(link)
        pending = _bookings.pending_record(
            booking,
            connection_id=link.id,
            zoom_user=host.zoom_user,
            quota_user=_limits.quota_user(host, grant),
            now=self._clock.now(),
            previous=previous,
        )
        self._take_quota(pending, booking)  # fail early, before anything is written
        if previous is None:
            self._store.add_meeting_record(pending)
        else:
            self._store.update_meeting_record(pending, expected_version=previous.version)
        try:
            meeting, action = self._make_meeting(link, booking, pending, quota_taken=True)
        except BaseException:
            self._forget(pending, previous)
            raise
        record = _bookings.scheduled(pending, booking, meeting, self._clock.now(), recreated=False)
        return self._save(record, pending), action

    def _settle(
        self, booking: Booking, record: MeetingRecord
    ) -> tuple[MeetingRecord, BookingAction]:
        """Finish a create an earlier call left ``pending``: adopt the meeting it made, or
        create it now if it never reached Zoom."""
        link = self._link(record)
        found = self._find(link, record)
        if found is not None:
            meeting = self._get(link, found.id)
            action: BookingAction = "reconciled"
        else:
            meeting, action = self._make_meeting(link, booking, record, quota_taken=False)
        done = _bookings.scheduled(record, booking, meeting, self._clock.now(), recreated=False)
        if action == "reconciled":  # the meeting kept the times it was created with
            done = attrs.evolve(done, start=record.start, end=record.end, topic=record.topic)
        return self._save(done, record), action

    def _move(
        self, booking: Booking, record: MeetingRecord
    ) -> tuple[MeetingRecord, BookingAction]:
        link = self._link(record)
        meeting_id = record.meeting_id
        assert meeting_id is not None  # scheduled records have one
        fields = _bookings.move_fields(booking, record, record.marker)
        self._take_quota(record, booking)
        try:
            self._write(
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
            meeting, _ = self._make_meeting(link, booking, record, quota_taken=False)
            now = self._clock.now()
            fresh = _bookings.scheduled(record, booking, meeting, now, recreated=True)
            return self._save(fresh, record), "recreated"
        return self._save(_bookings.moved(record, booking, self._clock.now()), record), (
            "updated"
        )

    def _make_meeting(
        self, link: Link, booking: Booking, record: MeetingRecord, *, quota_taken: bool
    ) -> tuple[Meeting, BookingAction]:
        """Create the meeting. When Zoom's answer is lost (timeout, dropped connection, 5xx),
        look for it by its marker before trying again: a create is never repeated blindly."""
        fields = _bookings.meeting_fields(booking, record.marker)
        retry = 0
        while True:
            if not quota_taken:
                self._take_quota(record, booking)
            quota_taken = False
            try:
                meeting = self._write(
                    link,
                    "meetings.create",
                    lambda api, token: api.create_meeting(token, fields, user=record.zoom_user),
                    record=record,
                    booking=booking,
                    safe=False,
                )
                return meeting, "created"
            except (ZoomServerError, ZoomTransportError) as exc:
                found = self._find(link, record)
                if found is not None:
                    logger.info("booking %s: Zoom created the meeting after all", booking.id)
                    return self._get(link, found.id), "reconciled"
                retry += 1
                pause = _limits.retry_pause(exc, retry, self._retry, self._clock.now(), safe=True)
                if pause is None:
                    raise
                time.sleep(pause)

    def _find(self, link: Link, record: MeetingRecord) -> Meeting | None:
        """The meeting carrying the record's marker in the host's Zoom meeting list."""
        cursor = ""
        found: list[Meeting] = []
        while True:

            def page_of(api: ZoomAPI, token: str, cursor: str = cursor) -> MeetingPage:
                return api.list_meetings_page(
                    token, user=record.zoom_user, type="scheduled", next_page_token=cursor
                )

            page = self._send(link, "meetings.list", page_of, safe=True)
            marked = _bookings.find_marked(page.meetings, record.marker)
            if marked is not None:
                found.append(marked)
            if not page.next_page_token:
                break
            cursor = page.next_page_token
        return max(found, key=lambda m: m.id) if found else None

    def _get(self, link: Link, meeting_id: int) -> Meeting:
        return self._send(
            link, "meetings.get", lambda api, token: api.get_meeting(token, meeting_id), safe=True
        )

    def _write(
        self,
        link: Link,
        route: str,
        operation: Callable[[ZoomAPI, str], T],
        *,
        record: MeetingRecord,
        booking: Booking,
        safe: bool = True,
    ) -> T:
        """A meeting create or update: Zoom's per-host daily 429 and passcode refusals become
        zoomlink's typed errors."""
        try:
            return self._send(link, route, operation, safe=safe)
        except ZoomRateLimitError as exc:
            if exc.limit != "host-daily":
                raise
            now = self._clock.now()
            self._store.fill_quota(
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

    def _send(
        self,
        link: Link,
        route: str,
        operation: Callable[[ZoomAPI, str], T],
        *,
        safe: bool,
    ) -> T:
        """One Zoom call: paced, refreshed once on a 401, retried only where that is safe."""
        grant = self._tokens.active_grant(link)
        client = self._tokens.api_for(grant)
        retry = 0
        while True:
            self._pacer.wait(grant.zoom_account_id, route)
            try:
                return self._tokens.call(link, lambda token: operation(client, token))
            except (ZoomAPIError, ZoomTransportError) as exc:
                retry += 1
                pause = _limits.retry_pause(exc, retry, self._retry, self._clock.now(), safe=safe)
                if pause is None:
                    raise
                logger.info("retrying %s in %.2fs after: %s", route, pause, exc)
                time.sleep(pause)

    def _take_quota(self, record: MeetingRecord, booking: Booking) -> None:
        now = self._clock.now()
        used = self._store.take_quota(
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

    # -- telling people ------------------------------------------------------------------------

    def _announce(
        self,
        booking: Booking,
        record: MeetingRecord,
        action: BookingAction,
        news: _messages.MeetingNews,
    ) -> BookingOutcome:
        """Write calendars and send the messages for the record's state, unless that was done
        already; anything undelivered is reported and tried again by the next call."""
        undelivered: list[str] = []
        if not record.announced:
            if record.state == "cancelled":
                news = "meeting_cancelled"
            undelivered += self._write_calendars(booking, record, news)
            for message in _messages.notifications(news, booking, record, self._clock.now()):
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
            location="zoom",
            record=record,
            undelivered=tuple(undelivered),
        )

    def _write_calendars(
        self, booking: Booking, record: MeetingRecord, news: _messages.MeetingNews
    ) -> list[str]:
        if self._calendar is None:
            return []
        failed = []
        for owner in _messages.calendar_owners(booking):
            event = _messages.calendar_event(booking, record, owner)
            try:
                if news == "meeting_cancelled":
                    self._calendar.remove_event(event.tenant, event.owner_id, event.uid)
                else:
                    self._calendar.put_event(event)
            except Exception:
                logger.exception("could not write the calendar of %s", event.owner_id)
                failed.append(f"calendar:{event.owner_id}")
        return failed

    # -- records and links ---------------------------------------------------------------------

    @contextmanager
    def _lock(self, booking: Booking) -> Iterator[None]:
        """Callers in this process queue here; one per booking goes on to the store lock,
        which excludes the other processes."""
        name = f"booking:{_bookings.record_id(booking.tenant, booking.id)}"
        with (
            self._local.hold(name, timeout=self._lock_timeout),
            self._store.lock(name, timeout=self._lock_timeout),
        ):
            yield

    def _record(self, booking: Booking) -> MeetingRecord | None:
        record = self.record(booking.tenant, booking.id)
        if record is not None and record.host_id != booking.host_id:
            raise InvalidBookingError(
                f"booking {booking.id!r} is hosted by {record.host_id!r} in zoomlink's records, "
                f"not {booking.host_id!r}; cancel it and schedule it anew to change hosts",
                field="host.user_id",
            )
        return record

    def _save(self, record: MeetingRecord, previous: MeetingRecord) -> MeetingRecord:
        try:
            self._store.update_meeting_record(record, expected_version=previous.version)
        except StaleRecordError:
            logger.error("meeting record %s changed under its booking lock", record.id)
            raise
        return record

    def _forget(self, pending: MeetingRecord, previous: MeetingRecord | None) -> None:
        """Undo the pending write after Zoom refused the create for sure."""
        if previous is None:
            self._store.remove_meeting_record(pending.id)
        else:
            restored = attrs.evolve(previous, version=pending.version + 1)
            self._store.update_meeting_record(restored, expected_version=pending.version)

    def _link(self, record: MeetingRecord) -> Link:
        return self._link_for(record.connection_id, None)

    def _link_for(self, connection_id: str, booking: Booking | None) -> Link:
        link = self._store.get_link(connection_id)
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
