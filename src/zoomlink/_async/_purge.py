"""AsyncPurger: deleting a connection's Zoom data, all of it or — after a failure — resumably.

A store offers no transaction across its methods, so a purge is made all-or-nothing in effect:
the connection is marked ``purge="pending"`` before anything is removed and ``done`` only after
everything is. A purge that fails midway leaves the mark, and the next call (disconnecting
again, :meth:`AsyncZoomLink.purge`, or Zoom's retry of its uninstall webhook) runs every step
again; each step skips what is gone already. Callers hold the tenant's ``links:`` lock.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager

import attrs

from zoomlink._async._availability import AsyncAvailability
from zoomlink._core import _links, _purge
from zoomlink.booking import CalendarEvent, MeetingRecord
from zoomlink.models import Grant, Link
from zoomlink.protocols import AsyncCalendarBackend, AsyncTokenStore, Clock
from zoomlink.purge import PurgeReason, PurgeReport, ZoomDataCheck

logger = logging.getLogger("zoomlink")

HoldBooking = Callable[[str, str], AbstractAsyncContextManager[None]]

# At most this many listings of a connection's bookings per purge.
_PASSES = 3


class AsyncPurger:
    """Purges connections' Zoom data and checks that none is left."""

    def __init__(
        self,
        *,
        store: AsyncTokenStore,
        calendar: AsyncCalendarBackend | None,
        availability: AsyncAvailability,
        hold_booking: HoldBooking,
        clock: Clock,
    ) -> None:
        self._store = store
        self._calendar = calendar
        self._availability = availability
        self._hold_booking = hold_booking
        self._clock = clock

    async def purge(self, link: Link, reason: PurgeReason) -> PurgeReport:
        """Delete every Zoom-derived value held for ``link`` (already marked disconnected or
        uninstalled by the caller) and mark it purged.

        The grant goes too unless other live connections share it (the ``shared`` link
        policy) — after an uninstall it goes regardless, as Zoom ended it for all of them.
        """
        link = attrs.evolve(link, purge="pending")
        await self._store.put_link(link)
        removed: Counter[str] = Counter()
        grant = await self._store.get_grant(link.grant_id) if link.grant_id else None
        records: list[MeetingRecord] = []
        for _ in range(_PASSES):
            # Listed again until a pass finds nothing to strip: a booking whose create was
            # answered just before the revoke may write its record after the first listing.
            listed = await self._store.find_meeting_records(connection_id=link.id)
            stripped = 0
            for record in listed:
                meetings, events = await self._strip(record)
                stripped += meetings + events
                removed["meetings"] += meetings
                removed["calendar_events"] += events
            records = listed
            if not stripped:
                break
        removed["busy_views"] += self._availability.forget_connection(link.id)
        for alias in _aliases(grant, records):
            removed["busy_views"] += self._availability.forget(alias)
        drop = grant is not None and (reason == "uninstalled" or not await self.shared(link))
        if grant is not None and drop and await self._store.remove_grant(grant.id):
            removed["tokens"] += bool(grant.sealed_access_token)
            removed["tokens"] += bool(grant.sealed_refresh_token)
            removed["zoom_accounts"] += 1
        link = attrs.evolve(link, purge="done", grant_id="")
        await self._store.put_link(link)
        # Last, after the final write: gone from the tables is not gone from the disk.
        await self._store.erase_deleted()
        hosts, event_types = _purge.relied_on(records)
        logger.info(
            "Zoom data of connection %s purged (%s): %s",
            link.id,
            reason,
            ", ".join(f"{count} {kind}" for kind, count in sorted(removed.items()) if count)
            or "nothing left to remove",
        )
        return PurgeReport(
            connection=_links.describe(link, None),
            reason=reason,
            removed=removed,
            hosts=hosts,
            event_types=event_types,
        )

    async def _strip(self, record: MeetingRecord) -> tuple[int, int]:
        """Remove one booking's Zoom values under its booking lock (so no reschedule or
        cancel is halfway through it); returns how many records and events changed."""
        async with self._hold_booking(record.tenant, record.booking_id):
            current = await self._store.get_meeting_record(record.id)
            if current is None:
                return 0, 0
            events = 0
            for event in await self._events(current):
                if _purge.event_has_zoom(event):
                    assert self._calendar is not None  # events come from it
                    await self._calendar.put_event(_purge.scrubbed(event))
                    events += 1
            plain = _purge.stripped(current, self._clock.now())
            if plain is None:
                return 0, events
            await self._store.update_meeting_record(plain, expected_version=current.version)
            return 1, events

    async def _events(self, record: MeetingRecord) -> list[CalendarEvent]:
        """The calendar events zoomlink wrote for the record's booking."""
        if self._calendar is None:
            return []
        uids = _purge.event_uids(record)
        start, end = _purge.event_window(record)
        found = []
        for owner in _purge.calendar_owners(record):
            events = await self._calendar.events(record.tenant, owner, start=start, end=end)
            found += [event for event in events if event.uid in uids]
        return found

    async def shared(self, link: Link) -> bool:
        """Whether another live connection uses the link's grant."""
        others = await self._store.find_links(grant_id=link.grant_id)
        return any(
            other.id != link.id and other.disconnected_at is None and other.uninstalled_at is None
            for other in others
        )

    async def check(self, link: Link, values: Iterable[str] = ()) -> ZoomDataCheck:
        """Scan the store, the calendars and the cache for the connection's Zoom values
        (and, anywhere in its tenant, for the given ``values``)."""
        grant = await self._store.get_grant(link.grant_id) if link.grant_id else None
        shared = grant is not None and await self.shared(link)
        records = await self._store.find_meeting_records(connection_id=link.id)
        events = [event for record in records for event in await self._events(record)]
        found = _purge.findings(
            link, grant, shared, records, events, self._availability.cached_views(link.id)
        )
        wanted = [value for value in values if value]
        if wanted:
            tenant_records = await self._store.find_meeting_records(tenant=link.tenant)
            tenant_events = [e for r in tenant_records for e in await self._events(r)]
            found += _purge.values_found(
                wanted,
                await self._store.find_grants(),
                await self._store.find_links(tenant=link.tenant),
                tenant_records,
                tenant_events,
            )
        return ZoomDataCheck(connection_id=link.id, findings=tuple(found))


def _aliases(grant: Grant | None, records: Iterable[MeetingRecord]) -> set[str]:
    """The names the connection's Zoom users go by in the busy-time cache."""
    names = {grant.zoom_user_id, grant.zoom_email} if grant is not None else set()
    for record in records:
        names |= {record.zoom_user, record.quota_user}
    return {name for name in names if name and name != "me"}
