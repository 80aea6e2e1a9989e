"""AsyncAvailability: each host's busy time, from Zoom and the calendar, fast enough for every
booking-page view.

A host's Zoom meetings are listed once (paged through to the end, recurring meetings expanded
occurrence by occurrence) and kept as an interval index for ``ttl``. Concurrent views of one
host share a single listing.

The view is each process's own, but never staler than the store says. Two counters in the
store (quotas, which every store counts atomically) are read before a cached view is trusted:

* one per Zoom user (ID or e-mail), bumped when Zoom announces a change to their meetings
  (:meth:`AsyncAvailability.announce`, from the webhook handler in any worker): the view is
  listed again;
* one per host, bumped by every create, move and delete zoomlink makes for them
  (:meth:`AsyncAvailability.changed`, in any worker): the store's meeting records of the host
  are folded into the view, without asking Zoom.

A booking lists its hosts' meetings before it takes their host locks (:meth:`warm`), when this
process has no fresh view of them: under the lock the view is checked like any cached one, so
the answer is the same, but the first bookings of many hosts reach Zoom at once instead of one
host lock at a time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._co_hosts import ResolveUser
from zoomlink._core import _bookings, _busy, _intervals
from zoomlink._core._busy import Guard, Window, ZoomBusy
from zoomlink._core._intervals import IntervalIndex
from zoomlink._core._recurrence import ZoomRecurrence
from zoomlink._locks import AsyncKeyedLock
from zoomlink.availability import BookingConflictError, Conflict, Slot, SlotRule
from zoomlink.booking import Booking, MeetingRecord
from zoomlink.errors import NeedsReconnectError, NotConnectedError
from zoomlink.models import Link
from zoomlink.protocols import AsyncCalendarBackend, AsyncTokenStore, Clock

logger = logging.getLogger("zoomlink")

LinkFor = Callable[[str], Awaitable[Link]]

_NO_ZOOM: IntervalIndex[ZoomBusy] = IntervalIndex(())

# The change counters: never full, and kept a day after their last change (a view lives a TTL).
_COUNTER_LIMIT = 2**31 - 1
_COUNTER_LIFE = timedelta(days=1)

ViewKey = tuple[str, str]  # (connection id, Zoom user as listed)


def _zoom_counter(zoom_user: str) -> str:
    """The store counter of Zoom's announced changes for a Zoom user (ID or e-mail)."""
    digest = hashlib.sha256(zoom_user.strip().lower().encode()).hexdigest()[:32]
    return f"busy-zoom:{digest}"


def _own_counter(tenant: str, host_id: str) -> str:
    """The store counter of zoomlink's own meeting changes for a host."""
    digest = hashlib.sha256(f"{tenant}\x00{host_id}".encode()).hexdigest()[:32]
    return f"busy-own:{digest}"


@attrs.define
class _View:
    """One Zoom user's meetings as last listed, plus zoomlink's own changes since, and the
    store's change counters as they were when it was listed (or folded)."""

    fetched_at: datetime
    meetings: dict[int, list[tuple[datetime, datetime, ZoomBusy]]]
    aliases: set[str]
    zoom_versions: dict[str, int]
    own_version: int
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
        # The view each host was last resolved to, and the hosts being warmed (see warm).
        self._host_views: dict[tuple[str, str], ViewKey] = {}
        self._warming: set[tuple[str, str]] = set()

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
        self._host_views[(tenant, user_id)] = key
        view = self._views.get(key)
        if view is not None and not fresh and await self._usable(view, key, tenant, user_id):
            return view.built()
        async with self._listing.hold(repr(key), timeout=self._lock_timeout):
            view = self._views.get(key)  # another caller may have listed meanwhile
            if view is None or fresh or not await self._usable(view, key, tenant, user_id):
                try:
                    view = await self._list(key, tenant, user_id)
                except NeedsReconnectError:
                    if unseen == "raise":
                        raise
                    return None
                self._views[key] = view
                self._prune(view.fetched_at)
            return view.built()

    async def warm(self, booking: Booking, guard: Guard) -> None:
        """List the Zoom meetings of the booking's hosts that this process has no fresh view
        of, before their host locks are taken.

        The conflict check under the lock then finds the view cached and checks it against
        the store's counters, as it does any cached view: a meeting made or announced
        meanwhile is folded in or listed again, so no answer changes. Listing early lets a
        burst's first bookings of many hosts reach Zoom together, and keeps the host lock
        only as long as the create. One booking per host lists; the others go on to the lock.
        """
        if not guard.check:
            return
        now = self._clock.now()
        people = [booking.host, *booking.co_hosts]
        for person, host_id in zip(people, booking.host_ids, strict=True):
            seen = (booking.tenant, host_id)
            view = self._views.get(self._host_views.get(seen, ("", "")))
            if seen in self._warming or (view is not None and now - view.fetched_at < self._ttl):
                continue
            self._warming.add(seen)
            try:
                await self.zoom_index(host_id, booking.tenant, person.email)
            finally:
                self._warming.discard(seen)

    async def _usable(self, view: _View, key: ViewKey, tenant: str, host_id: str) -> bool:
        """Whether the cached view may answer: younger than the TTL, and no worker has heard
        from Zoom of a change since it was listed. Changes zoomlink made since, in any worker,
        are folded in from the store's records first."""
        if self._clock.now() - view.fetched_at >= self._ttl:
            return False
        if await self._zoom_versions(view.zoom_versions) != view.zoom_versions:
            return False
        own = await self._store.quota_used(_own_counter(tenant, host_id))
        if own != view.own_version:
            for record in await self._store.find_meeting_records(tenant=tenant, host_id=host_id):
                if (record.connection_id, record.zoom_user) == key:
                    _fold(view, record)
            view.own_version = own
        return True

    async def _zoom_versions(self, aliases: Iterable[str]) -> dict[str, int]:
        return {alias: await self._store.quota_used(_zoom_counter(alias)) for alias in aliases}

    async def _list(self, key: ViewKey, tenant: str, host_id: str) -> _View:
        connection_id, zoom_user = key
        link = await self._link_for(connection_id)
        aliases = {zoom_user}
        grant = await self._store.get_grant(link.grant_id)
        if grant is not None and zoom_user == "me":  # webhooks name the Zoom user by ID
            aliases |= {grant.zoom_user_id, grant.zoom_email}
        # The counters are read before the listing: a change announced while Zoom answers
        # makes the next use list again.
        known = {alias for alias in aliases if alias and alias != "me"}
        zoom_versions = await self._zoom_versions(known)
        own_version = await self._store.quota_used(_own_counter(tenant, host_id))
        fetched_at = self._clock.now()
        listed = await self._calls.list_meetings(link, zoom_user, "upcoming")
        meetings: dict[int, list[tuple[datetime, datetime, ZoomBusy]]] = {}
        for meeting in listed:
            if meeting.host_id:
                aliases.add(meeting.host_id)
            if meeting.type == 8:  # the list shows only the next occurrence
                meeting = await self._calls.get_meeting(link, meeting.id)
            meetings[meeting.id] = _busy.meeting_windows(meeting)
        zoom_versions |= await self._zoom_versions(aliases - known - {"me", ""})
        return _View(
            fetched_at=fetched_at,
            meetings=meetings,
            aliases=aliases,
            zoom_versions=zoom_versions,
            own_version=own_version,
        )

    def _prune(self, now: datetime) -> None:
        """Drop expired views (they would be listed again anyway), so memory follows the
        hosts in use, not every host ever seen."""
        expired = [key for key, view in self._views.items() if now - view.fetched_at >= self._ttl]
        for key in expired:
            del self._views[key]
        kept = set(self._views)
        self._host_views = {host: key for host, key in self._host_views.items() if key in kept}

    async def announce(self, zoom_users: Iterable[str]) -> int:
        """Zoom announced a change to these Zoom users' meetings (IDs or e-mails): every
        worker's view of them is stale from now on, and this process's views are dropped.
        Returns how many views of this process were dropped."""
        dropped = 0
        expires_at = self._clock.now() + _COUNTER_LIFE
        for zoom_user in {user for user in zoom_users if user}:
            await self._store.take_quota(
                _zoom_counter(zoom_user), limit=_COUNTER_LIMIT, expires_at=expires_at
            )
            dropped += self.forget(zoom_user)
        return dropped

    def forget(self, zoom_user: str) -> int:
        """Drop this process's cached views of a Zoom user (ID or e-mail); the next check here
        lists again. Returns how many were dropped."""
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

    async def changed(self, record: MeetingRecord) -> None:
        """zoomlink changed the record's meeting (made, moved or deleted it; the record is
        stored): fold it into this process's view, and tell every other worker's view to fold
        it in from the store."""
        version = await self._store.take_quota(
            _own_counter(record.tenant, record.host_id),
            limit=_COUNTER_LIMIT,
            expires_at=self._clock.now() + _COUNTER_LIFE,
        )
        view = self._views.get((record.connection_id, record.zoom_user))
        if view is None:
            return
        _fold(view, record)
        if version is not None and version == view.own_version + 1:
            view.own_version = version  # nobody else changed anything meanwhile

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

    async def refuse_conflicts(
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
        found = await self.conflicts(
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


def _fold(view: _View, record: MeetingRecord) -> None:
    """Put the record's meeting into the view as zoomlink last left it."""
    if record.meeting_id is None:
        return
    windows = _busy.record_windows(record) if record.state == "scheduled" else []
    if windows:
        view.meetings[record.meeting_id] = windows
    else:
        view.meetings.pop(record.meeting_id, None)
    view.index = None


def _next_minute(now: datetime) -> datetime:
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + timedelta(minutes=1)
