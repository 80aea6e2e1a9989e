"""AsyncNotices: notices told at least once, and never under two keys.

A notice (Action required, an uninstall, a meeting changed or deleted in Zoom) is kept in the
store under its deduplication key before the sink gets it, and dropped once the sink took it.
A failing sink keeps it, due again after a growing wait; a worker killed in between leaves it,
due a few minutes later. Either way :meth:`AsyncZoomLink.run_pending` hands it to the sink
again under the same key, so a sink that remembers keys never sends it twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from zoomlink._core import _outbox
from zoomlink.errors import StaleRecordError
from zoomlink.models import Notification
from zoomlink.outbox import PendingWork
from zoomlink.protocols import AsyncNotificationSink, AsyncTokenStore, Clock

logger = logging.getLogger("zoomlink")


class AsyncNotices:
    """Keeps notices in the store until the sink has taken them."""

    def __init__(
        self, *, store: AsyncTokenStore, sink: AsyncNotificationSink, clock: Clock
    ) -> None:
        self._store = store
        self._sink = sink
        self._clock = clock

    async def keep(self, notices: Sequence[Notification]) -> list[PendingWork]:
        """Write the notices ahead, before the state they report is stored: a worker dying
        after the state write still has them kept."""
        kept = []
        for notice in notices:
            work = _outbox.notice_work(notice, self._clock.now())
            await self._store.put_work(work)
            kept.append(work)
        return kept

    async def drop(self, kept: Sequence[PendingWork]) -> None:
        """Forget notices written ahead for a state that was not stored after all."""
        for work in kept:
            await self._store.remove_work(work.id)

    async def send(self, kept: Sequence[PendingWork]) -> None:
        """Hand kept notices to the sink; those it refuses stay kept for ``run_pending``."""
        for work in kept:
            await self.deliver(work)

    async def tell(self, notice: Notification) -> None:
        """Keep and send one notice."""
        await self.send(await self.keep([notice]))

    async def finish(self, work: PendingWork) -> bool | None:
        """Deliver a kept notice found by ``run_pending``: whether the sink took it, or
        ``None`` when it was dropped because what it reports no longer holds: its teller died
        before storing the incident (the next use of the connection raises its own), or the
        connection was reconnected since (nothing is left to act on)."""
        if await self._stands(_outbox.notice_from_json(work.booking)):
            return await self.deliver(work)
        with contextlib.suppress(StaleRecordError):
            await self._store.remove_work(work.id, expected_version=work.version)
        return None

    async def _stands(self, notice: Notification) -> bool:
        """An "Action required" stands only for an incident its connection or grant recorded;
        any other notice reports what Zoom told, and always stands."""
        if notice.kind != "action_required" or notice.connection_id is None:
            return True
        link = await self._store.get_link(notice.connection_id)
        if link is None:
            return False  # purged since: nobody left to tell
        if link.incident_id == notice.incident_id:
            return True  # an uninstall, recorded
        grant = await self._store.get_grant(link.grant_id) if link.grant_id else None
        return grant is not None and grant.incident_id == notice.incident_id

    async def deliver(self, work: PendingWork) -> bool:
        """Hand one kept notice to the sink: dropped if it took it, else kept for later;
        whether the sink took it."""
        notice = _outbox.notice_from_json(work.booking)
        try:
            await self._sink.notify(notice)
        except Exception as exc:
            logger.exception("could not deliver the %s notice; kept to try again", notice.kind)
            again = _outbox.deferred_again(work, exc, self._clock.now())
            with contextlib.suppress(StaleRecordError):  # kept again meanwhile, by its teller
                await self._store.put_work(again, expected_version=work.version)
            return False
        with contextlib.suppress(StaleRecordError):
            await self._store.remove_work(work.id, expected_version=work.version)
        return True
