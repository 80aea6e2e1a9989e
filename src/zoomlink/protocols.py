"""The seams a host application plugs into: small :class:`typing.Protocol` s.

Any object with the right methods fits; nothing needs to inherit from zoomlink. Each seam comes
as a pair — ``TokenStore`` for :class:`~zoomlink.ZoomLink`, ``AsyncTokenStore`` for
:class:`~zoomlink.AsyncZoomLink` — with the same method names. zoomlink ships implementations of
each (:mod:`zoomlink.stores`, :mod:`zoomlink.notify`) and contract suites that prove a new one
behaves (:mod:`zoomlink.testing.contracts`).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, AbstractContextManager
from datetime import datetime
from typing import Protocol

from zoomlink.booking import CalendarEvent, MeetingRecord, MeetingState
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link, Notification
from zoomlink.outbox import PendingWork, WorkState

__all__ = [
    "AsyncCalendarBackend",
    "AsyncNotificationSink",
    "AsyncTokenStore",
    "CalendarBackend",
    "Clock",
    "NotificationSink",
    "TokenStore",
]


class Clock(Protocol):
    """**Protocol:** tells zoomlink the current time.

    zoomlink reads time only through a clock, so tests can share one with the fake Zoom
    (:class:`zoomlink.testing.FakeClock` fits).
    """

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class TokenStore(Protocol):
    """**Protocol:** where connections and their (sealed) tokens live.

    A store keeps :class:`~zoomlink.Grant` s (one Zoom authorisation and its tokens),
    :class:`~zoomlink.Link` s (who a grant serves), :class:`~zoomlink.ConnectAttempt` s (a
    connect in flight), :class:`~zoomlink.MeetingRecord` s (the meeting made for each booking),
    app users' preferences and daily quota counts, and it grants named locks. Tokens
    arrive already sealed: a store never sees a token in clear. Every method is safe to call from
    several threads, and a store shared by several processes (or machines) must keep these
    promises across all of them:

    * :meth:`update_grant` is a compare-and-swap on ``version``;
    * :meth:`take_attempt` hands an attempt out at most once;
    * :meth:`update_meeting_record` is a compare-and-swap on ``version``;
    * :meth:`take_quota` never counts past its limit, however many callers race;
    * :meth:`lock` excludes every other holder of the same name until released.

    Run :class:`zoomlink.testing.contracts.TokenStoreContract` against an implementation to
    check it.
    """

    def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        ...

    def find_grants(
        self,
        *,
        client_id: str | None = None,
        zoom_user_id: str | None = None,
        zoom_account_id: str | None = None,
    ) -> list[Grant]:
        """Grants matching every given filter (all grants when none is given), by id."""
        ...

    def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        ...

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when the stored version differs or the grant
        is gone; nothing is written then.
        """
        ...

    def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        ...

    def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        ...

    def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        ...

    def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        ...

    def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        ...

    def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight; may forget attempts that expired before this one began."""
        ...

    def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once: a second call (anywhere) returns ``None``."""
        ...

    def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        ...

    def find_meeting_records(
        self,
        *,
        tenant: str | None = None,
        host_id: str | None = None,
        booking_id: str | None = None,
        state: MeetingState | None = None,
        connection_id: str | None = None,
        meeting_id: int | None = None,
    ) -> list[MeetingRecord]:
        """Meeting records matching every given filter, by start time then id."""
        ...

    def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record.

        Raises :class:`~zoomlink.DuplicateRecordError` if the id exists.
        """
        ...

    def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when it differs or the record is gone.
        """
        ...

    def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        ...

    def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference (such as their default conferencing), or ``None``."""
        ...

    def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        ...

    def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        ...

    def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used.

        Returns the uses counted so far including this one, or ``None`` (and counts nothing)
        when ``limit`` are used already. A quota may be forgotten after ``expires_at``.
        """
        ...

    def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        ...

    def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        ...

    def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work (:class:`~zoomlink.PendingWork`).

        With ``expected_version=None`` it replaces whatever work the booking had (a newer call
        supersedes it); otherwise only the stored version ``expected_version``, else
        :class:`~zoomlink.StaleRecordError` (also when none is stored).
        """
        ...

    def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id (the booking's record id), or ``None``."""
        ...

    def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter (``due_before``: ``not_before`` at or
        before it), soonest due first then by id, at most ``limit``."""
        ...

    def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        ...

    def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name``, shared by everyone using the store:
        ``rate`` sends per ``window`` seconds, a burst of ``rate`` allowed, then one per
        ``window / rate``. Returns the seconds to wait before sending, counted from the moment
        the call returns: 0 when the slot is now, and less than 0 when the slot went by while
        the store answered (``-0.03``: thirty milliseconds ago), so the request knows how late
        it is. A store that cannot tell returns at least 0; a 0 then counts from the asking.

        ``pause`` (seconds) first holds every later slot back until that long from now, as a
        429's ``Retry-After`` asks: each waiter in every process then waits it out. It also
        stretches the window a little for a while (a fleet that draws 429s sends later than its
        slots). Time is the store's own clock (the database server's, where there is one), so
        machines whose clocks differ still share one pace. A store computes the slot with
        ``zoomlink._core._limits.next_slot`` and keeps its state as the text it gives.
        """
        ...

    def lock(self, name: str, *, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock ``name`` for the ``with`` block, excluding every other holder.

        Raises :class:`~zoomlink.LockTimeoutError` when not granted within ``timeout`` seconds.
        """
        ...

    def erase_deleted(self) -> None:
        """Make what was deleted or overwritten unreadable on disk, as far as this store can.

        Called after a purge. A store that keeps old bytes around (a write-ahead log, freed
        pages) clears them here; one that cannot, or keeps nothing on disk, does nothing and
        says in its documentation what its operator must do instead.
        """
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


class AsyncTokenStore(Protocol):
    """**Protocol:** :class:`TokenStore` for asyncio, with the same methods and promises."""

    async def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        ...

    async def find_grants(
        self,
        *,
        client_id: str | None = None,
        zoom_user_id: str | None = None,
        zoom_account_id: str | None = None,
    ) -> list[Grant]:
        """Grants matching every given filter (all grants when none is given), by id."""
        ...

    async def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        ...

    async def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``."""
        ...

    async def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        ...

    async def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        ...

    async def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        ...

    async def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        ...

    async def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        ...

    async def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight."""
        ...

    async def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once."""
        ...

    async def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        ...

    async def find_meeting_records(
        self,
        *,
        tenant: str | None = None,
        host_id: str | None = None,
        booking_id: str | None = None,
        state: MeetingState | None = None,
        connection_id: str | None = None,
        meeting_id: int | None = None,
    ) -> list[MeetingRecord]:
        """Meeting records matching every given filter, by start time then id."""
        ...

    async def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record.

        Raises :class:`~zoomlink.DuplicateRecordError` if the id exists.
        """
        ...

    async def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when it differs or the record is gone.
        """
        ...

    async def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        ...

    async def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference (such as their default conferencing), or ``None``."""
        ...

    async def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        ...

    async def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        ...

    async def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used.

        Returns the uses counted so far including this one, or ``None`` (and counts nothing)
        when ``limit`` are used already. A quota may be forgotten after ``expires_at``.
        """
        ...

    async def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        ...

    async def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        ...

    async def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work (:class:`~zoomlink.PendingWork`).

        With ``expected_version=None`` it replaces whatever work the booking had (a newer call
        supersedes it); otherwise only the stored version ``expected_version``, else
        :class:`~zoomlink.StaleRecordError` (also when none is stored).
        """
        ...

    async def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id (the booking's record id), or ``None``."""
        ...

    async def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter (``due_before``: ``not_before`` at or
        before it), soonest due first then by id, at most ``limit``."""
        ...

    async def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        ...

    async def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name`` (see :meth:`TokenStore.pace`)."""
        ...

    def lock(self, name: str, *, timeout: float) -> AbstractAsyncContextManager[None]:
        """Hold the lock ``name`` for the ``async with`` block, excluding every other holder."""
        ...

    async def erase_deleted(self) -> None:
        """Make what was deleted or overwritten unreadable on disk, as far as this store can."""
        ...

    async def aclose(self) -> None:
        """Release the store's resources."""
        ...


class NotificationSink(Protocol):
    """**Protocol:** delivers notifications (e-mail, chat, an in-app inbox …).

    zoomlink calls it once per event; a sink that fails should raise (ideally
    :class:`~zoomlink.DeliveryError`, saying what failed), and zoomlink logs the failure without
    undoing what caused the notification. Run
    :class:`zoomlink.testing.contracts.NotificationSinkContract` against an implementation.
    """

    def notify(self, notification: Notification) -> None:
        """Deliver one notification."""
        ...


class AsyncNotificationSink(Protocol):
    """**Protocol:** :class:`NotificationSink` for asyncio."""

    async def notify(self, notification: Notification) -> None:
        """Deliver one notification."""
        ...


class CalendarBackend(Protocol):
    """**Protocol:** the calendars of the host app's users.

    zoomlink puts one event per booking on the host's calendar, and on a client's when the
    client is an app user; it replaces the event on reschedule and removes it on cancel. Events
    are keyed by ``(tenant, owner_id, uid)``. Run
    :class:`zoomlink.testing.contracts.CalendarBackendContract` against an implementation.
    """

    def put_event(self, event: CalendarEvent) -> None:
        """Add the event, or replace the one with the same key."""
        ...

    def remove_event(self, tenant: str, owner_id: str, uid: str) -> bool:
        """Remove an event; whether it was there."""
        ...

    def events(
        self,
        tenant: str,
        owner_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CalendarEvent]:
        """The owner's events overlapping ``[start, end)`` (all when not given), by start."""
        ...


class AsyncCalendarBackend(Protocol):
    """**Protocol:** :class:`CalendarBackend` for asyncio."""

    async def put_event(self, event: CalendarEvent) -> None:
        """Add the event, or replace the one with the same key."""
        ...

    async def remove_event(self, tenant: str, owner_id: str, uid: str) -> bool:
        """Remove an event; whether it was there."""
        ...

    async def events(
        self,
        tenant: str,
        owner_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CalendarEvent]:
        """The owner's events overlapping ``[start, end)`` (all when not given), by start."""
        ...
