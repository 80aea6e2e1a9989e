"""AsyncAvailability: each host's busy time, from Zoom and the calendar, fast enough for every
booking-page view.

A host's Zoom meetings are listed once (paged through to the end, recurring meetings expanded
occurrence by occurrence) and kept as an interval index for ``ttl``. zoomlink's own creates,
moves and deletes update the cached view in place, and the webhook handler calls
:meth:`AsyncAvailability.forget` when the host changes meetings in Zoom, so the view does not
go stale between listings. Concurrent views of one host share a single listing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._core import _bookings, _busy, _intervals
from zoomlink._core._busy import Window, ZoomBusy
from zoomlink._core._intervals import IntervalIndex
from zoomlink._locks import AsyncKeyedLock
from zoomlink.availability import Conflict, Slot, SlotRule
from zoomlink.booking import Booking, MeetingRecord
from zoomlink.errors import NeedsReconnectError, NotConnectedError
from zoomlink.models import Link, ResolvedHost
from zoomlink.protocols import AsyncCalendarBackend, AsyncTokenStore, Clock

logger = logging.getLogger("zoomlink")

ResolveUser = Callable[[str, str, "str | None"], Awaitable[ResolvedHost]]
LinkFor = Callable[[str], Awaitable[Link]]

_NO_ZOOM: IntervalIndex[ZoomBusy] = IntervalIndex(())


@attrs.define
class _View:
    """One Zoom user's meetings as last listed, plus zoomlink's own changes since."""

    fetched_at: datetime
    meetings: dict[int, list[tuple[datetime, datetime, ZoomBusy]]]
    aliases: set[str]
    index: IntervalIndex[ZoomBusy] | None = None

    def built(self) -> IntervalIndex[ZoomBusy]:
        if self.index is None:
            self.index = IntervalIndex(item for items in self.meetings.values() for item in items)
        return self.index


class AsyncAvailability:
    """Busy times, conflicts and free slots for the hosts of one :class:`AsyncZoomLink`."""

    def __init__(
        self,
        *,
        store: AsyncTokenStore,
        calls: AsyncZoomCalls,
        resolve_user: ResolveUser,
        link_for: LinkFor,
        calendar: AsyncCalendarBackend | None,
        clock: Clock,
        ttl: timedelta,
        lock_timeout: float,
    ) -> None:
        self._store = store
        self._calls = calls
        self._resolve_user = resolve_user
        self._link_for = link_for
        self._calendar = calendar
        self._clock = clock
        self._ttl = ttl
        self._lock_timeout = lock_timeout
        self._views: dict[tuple[str, str], _View] = {}
        self._listing = AsyncKeyedLock()

    # -- the Zoom view -------------------------------------------------------------------------

    async def zoom_index(
        self,
        user_id: str,
        tenant: str,
        email: str | None,
        *,
        fresh: bool = False,
        unseen: Literal["none", "raise"] = "none",
    ) -> IntervalIndex[ZoomBusy] | None:
        """The host's Zoom meetings as an interval index: empty when no connection serves
        them; when their connection needs reconnecting (their time cannot be seen) ``None``,
        or with ``unseen="raise"`` the :class:`~zoomlink.NeedsReconnectError`."""
        try:
            host = await self._resolve_user(user_id, tenant, email)
        except NotConnectedError:
            return _NO_ZOOM
        except NeedsReconnectError:
            logger.warning("the Zoom meetings of %s cannot be seen: reconnect needed", user_id)
            if unseen == "raise":
                raise
            return None
        key = (host.connection.id, host.zoom_user)
        view = self._views.get(key)
        if view is not None and not fresh and self._clock.now() - view.fetched_at < self._ttl:
            return view.built()
        async with self._listing.hold(repr(key), timeout=self._lock_timeout):
            view = self._views.get(key)  # another caller may have listed meanwhile
            if view is None or fresh or self._clock.now() - view.fetched_at >= self._ttl:
                try:
                    view = await self._list(key)
                except NeedsReconnectError:
                    if unseen == "raise":
                        raise
                    return None
                self._prune(view.fetched_at)
                self._views[key] = view
            return view.built()

    async def _list(self, key: tuple[str, str]) -> _View:
        connection_id, zoom_user = key
        link = await self._link_for(connection_id)
        fetched_at = self._clock.now()
        listed = await self._calls.list_meetings(link, zoom_user, "upcoming")
        meetings: dict[int, list[tuple[datetime, datetime, ZoomBusy]]] = {}
        aliases = {zoom_user}
        grant = await self._store.get_grant(link.grant_id)
        if grant is not None and zoom_user == "me":  # webhooks name the Zoom user by ID
            aliases |= {grant.zoom_user_id, grant.zoom_email}
        for meeting in listed:
            if meeting.host_id:
                aliases.add(meeting.host_id)
            if meeting.type == 8:  # the list shows only the next occurrence
                meeting = await self._calls.get_meeting(link, meeting.id)
            meetings[meeting.id] = _busy.meeting_windows(meeting)
        return _View(fetched_at=fetched_at, meetings=meetings, aliases=aliases)

    def _prune(self, now: datetime) -> None:
        """Drop expired views (they would be listed again anyway), so memory follows the
        hosts in use, not every host ever seen."""
        expired = [key for key, view in self._views.items() if now - view.fetched_at >= self._ttl]
        for key in expired:
            del self._views[key]

    def forget(self, zoom_user: str) -> int:
        """Drop the cached views of a Zoom user (ID or e-mail); the next check lists again.
        Returns how many were dropped."""
        stale = [key for key, view in self._views.items() if zoom_user in view.aliases]
        for key in stale:
            del self._views[key]
        return len(stale)

    def forget_connection(self, connection_id: str) -> int:
        """Drop every cached view listed through a connection; returns how many."""
        stale = [key for key in self._views if key[0] == connection_id]
        for key in stale:
            del self._views[key]
        return len(stale)

    def cached_views(self, connection_id: str) -> int:
        """How many views listed through a connection are cached."""
        return sum(1 for key in self._views if key[0] == connection_id)

    def remember(self, record: MeetingRecord) -> None:
        """Fold zoomlink's own change to a meeting into the cached view, if there is one."""
        view = self._views.get((record.connection_id, record.zoom_user))
        if view is None or record.meeting_id is None:
            return
        windows = _busy.record_windows(record) if record.state == "scheduled" else []
        if windows:
            view.meetings[record.meeting_id] = windows
        else:
            view.meetings.pop(record.meeting_id, None)
        view.index = None

    # -- conflicts -----------------------------------------------------------------------------

    async def conflicts(
        self,
        booking: Booking,
        windows: Sequence[Window],
        *,
        before: timedelta,
        after: timedelta,
        own: MeetingRecord | None,
        strict: bool,
        fresh: bool = False,
    ) -> list[Conflict]:
        """What each of the booking's hosts is busy with during any window. ``strict`` adds
        the bookings zoomlink holds in the store (other processes' too)."""
        marker = own.marker if own else _bookings.marker(booking.tenant, booking.id)
        own_meeting = own.meeting_id if own else None
        found: list[Conflict] = []
        people = [booking.host, *booking.co_hosts]
        for person, host_id in zip(people, booking.host_ids, strict=True):
            # A host whose Zoom meetings cannot be seen is never taken for free.
            index = await self.zoom_index(
                host_id, booking.tenant, person.email, fresh=fresh, unseen="raise"
            )
            zoom = _busy.zoom_conflicts(
                index or _NO_ZOOM,
                host_id,
                windows,
                before=before,
                after=after,
                own_marker=marker,
                own_meeting=own_meeting,
            )
            seen = {c.meeting_id for c in zoom if c.meeting_id}
            if own_meeting:
                seen.add(own_meeting)
            found += zoom
            if strict:
                records = await self._store.find_meeting_records(
                    tenant=booking.tenant, host_id=host_id
                )
                booked = _busy.record_conflicts(
                    records,
                    host_id,
                    windows,
                    before=before,
                    after=after,
                    own_record=_bookings.record_id(booking.tenant, booking.id),
                    seen=seen,
                )
                seen |= {c.meeting_id for c in booked if c.meeting_id}
                found += booked
            found += await self._calendar_conflicts(
                booking, host_id, windows, before=before, after=after, seen=seen
            )
        return _busy.ordered(found)

    async def _calendar_conflicts(
        self,
        booking: Booking,
        host_id: str,
        windows: Sequence[Window],
        *,
        before: timedelta,
        after: timedelta,
        seen: set[int],
    ) -> list[Conflict]:
        if self._calendar is None or not windows:
            return []
        start = min(w[0] for w in windows) - before
        end = max(w[1] for w in windows) + after
        events = await self._calendar.events(booking.tenant, host_id, start=start, end=end)
        return _busy.calendar_conflicts(
            events,
            host_id,
            windows,
            before=before,
            after=after,
            own_booking=booking.id,
            seen=seen,
        )

    # -- free slots ----------------------------------------------------------------------------

    async def free_slots(
        self,
        host_ids: Sequence[str],
        *,
        tenant: str,
        start: datetime,
        end: datetime,
        duration: timedelta,
        step: timedelta,
        time_zone: str,
        before: timedelta,
        after: timedelta,
        require: SlotRule,
        emails: dict[str, str],
    ) -> list[Slot]:
        """The start times in [start, end) at which the hosts (any or all) are free."""
        start = max(start, _next_minute(self._clock.now()))
        zone = ZoneInfo(time_zone)
        starts, utc_starts = _intervals.slot_grid(start, end, duration, step, zone)
        if not starts:
            return []
        horizon = (utc_starts[0] - before, utc_starts[-1] + duration + after)
        masks: list[bytearray] = []
        for host_id in host_ids:
            busy = await self._busy_between(host_id, tenant, emails.get(host_id), *horizon)
            if busy is None:  # cannot see the host's Zoom meetings: vouch for nothing
                masks.append(bytearray(len(starts)))
                continue
            merged = _intervals.merge(busy)
            masks.append(
                _intervals.free_mask(utc_starts, duration, merged, before=before, after=after)
            )
        slots = []
        for position, when in enumerate(starts):
            free_hosts = tuple(h for h, mask in zip(host_ids, masks, strict=True) if mask[position])
            if free_hosts and (require == "any" or len(free_hosts) == len(host_ids)):
                finish = (utc_starts[position] + duration).astimezone(zone)
                slots.append(Slot(start=when, end=finish, host_ids=free_hosts))
        return slots

    async def _busy_between(
        self, host_id: str, tenant: str, email: str | None, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]] | None:
        index = await self.zoom_index(host_id, tenant, email)
        if index is None:
            return None
        busy = [(s, e) for s, e, _ in index.overlapping(start, end)]
        if self._calendar is not None:
            events = await self._calendar.events(tenant, host_id, start=start, end=end)
            busy += [(event.start, event.end) for event in events if event.end > event.start]
        return busy


def _next_minute(now: datetime) -> datetime:
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + timedelta(minutes=1)
