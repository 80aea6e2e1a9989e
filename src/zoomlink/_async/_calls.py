"""AsyncZoomCalls: the meeting calls bookings and availability make, each paced to Zoom's
per-second limits, refreshed once on a 401 and retried only where that is safe."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._pacer import AsyncPacer
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._core import _limits
from zoomlink.errors import ZoomAPIError, ZoomRateLimitError, ZoomTransportError
from zoomlink.models import Grant, Link, Meeting, MeetingPage, RetryPolicy
from zoomlink.protocols import Clock

T = TypeVar("T")

logger = logging.getLogger("zoomlink")


class AsyncZoomCalls:
    """Sends meeting calls for a connection (a :class:`~zoomlink.Link`)."""

    def __init__(
        self, *, tokens: AsyncTokenKeeper, pacer: AsyncPacer, retry: RetryPolicy, clock: Clock
    ) -> None:
        self._tokens = tokens
        self._pacer = pacer
        self._retry = retry
        self._clock = clock

    async def send(
        self,
        link: Link,
        route: str,
        operation: Callable[[AsyncZoomAPI, str], Awaitable[T]],
        *,
        safe: bool,
        grant: Grant | None = None,
    ) -> T:
        """One Zoom call: paced, refreshed once on a 401, retried only where that is safe.
        ``grant``: the link's grant as :meth:`AsyncTokenKeeper.active_grant` returned it just
        now, so it is not read again."""
        if grant is None:
            grant = await self._tokens.active_grant(link)
        client = self._tokens.api_for(grant)
        retry = 0
        held = [False]  # whether the pacer already gave the next request its slot

        async def paced(token: str) -> T:
            # The slot is taken right before the request leaves, with the token in hand: any
            # time spent between the two would let requests reach Zoom closer together than
            # their slots.
            if not held[0]:
                await self._pacer.wait(grant.zoom_account_id, route)
            held[0] = False
            return await operation(client, token)

        while True:
            try:
                # The grant was read just now; after a pause it is read again.
                fresh = grant if retry == 0 else None
                return await self._tokens.call(link, paced, grant=fresh)
            except (ZoomAPIError, ZoomTransportError) as exc:
                retry += 1
                pause = await self._pause(exc, retry, grant.zoom_account_id, route, safe=safe)
                if pause is None:
                    raise
                held[0] = isinstance(exc, ZoomRateLimitError)
                logger.info("retrying %s in %.2fs after: %s", route, pause, exc)
                await asyncio.sleep(pause)

    async def _pause(
        self, error: Exception, retry: int, account_id: str, route: str, *, safe: bool
    ) -> float | None:
        """Seconds to wait before retry number ``retry`` after ``error``, or None to give up.

        A per-second 429's pause is shared with every worker on the account first (the pacer
        holds their requests back too), even when this request gives up.
        """
        now = self._clock.now()
        if isinstance(error, ZoomRateLimitError) and error.limit == "per-second":
            pause = await self._pacer.hold(account_id, route, _limits.asked_pause(error, now))
            return pause if retry < self._retry.attempts and pause <= self._retry.max_wait else None
        return _limits.retry_pause(error, retry, self._retry, now, safe=safe)

    async def list_meetings(self, link: Link, zoom_user: str, list_type: str) -> list[Meeting]:
        """Every meeting of the list, paged through to the end (300 per page)."""
        meetings: list[Meeting] = []
        cursor = ""
        while True:

            async def page_of(api: AsyncZoomAPI, token: str, cursor: str = cursor) -> MeetingPage:
                return await api.list_meetings_page(
                    token, user=zoom_user, type=list_type, next_page_token=cursor
                )

            page = await self.send(link, "meetings.list", page_of, safe=True)
            meetings += page.meetings
            if not page.next_page_token:
                return meetings
            cursor = page.next_page_token

    async def get_meeting(self, link: Link, meeting_id: int) -> Meeting:
        """The meeting as Zoom has it now (with a recurring meeting's occurrences)."""
        return await self.send(
            link, "meetings.get", lambda api, token: api.get_meeting(token, meeting_id), safe=True
        )
