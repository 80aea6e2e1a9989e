# This file is generated from src/zoomlink/_async/_pacer.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Client-side pacing: keep each Zoom account's requests under its per-second limits, together
with every other worker that shares the store."""

from __future__ import annotations

import time
import logging
from datetime import timedelta
from time import monotonic

from zoomlink._core import _limits
from zoomlink.errors import ZoomRateLimitError
from zoomlink.models import ZoomPlan
from zoomlink.protocols import TokenStore, Clock

logger = logging.getLogger("zoomlink")


class Pacer:
    """Spaces requests per Zoom account and rate-limit category, so a burst of bookings waits
    its turn here instead of drawing a storm of 429s from Zoom.

    Zoom's limits are per account, shared by every app and every worker, so the send slots are
    taken from the store (:meth:`~zoomlink.TokenStore.pace`): every process and machine
    using it paces as one, and a 429 met by one of them holds back all of them. ``plan=None``
    turns pacing off (a 429's pause is still waited out by the request that met it).
    """

    def __init__(
        self, plan: ZoomPlan | None, store: TokenStore, *, max_wait: float, clock: Clock
    ) -> None:
        self.plan = plan
        self._rates = _limits.PER_SECOND[plan] if plan is not None else None
        self._store = store
        self._max_wait = max_wait
        self._clock = clock

    def wait(self, account_id: str, route: str) -> None:
        """Return when one more request to ``route`` for ``account_id`` may leave.

        A request that wakes later than its slot by more than ``_limits.LATE`` (a garbage
        collection, a busy event loop, a store slow to hand the slot back) takes another slot
        instead of leaving: sent that late, it would reach Zoom close enough to the next
        window's requests to draw their 429s. The slot it missed stays taken, so no other
        request goes in its place.

        Raises:
            ZoomRateLimitError: The account is held back longer than ``max_wait`` (a 429 that
                another worker met asked for that long).
        """
        while True:
            asked = monotonic()
            delay = self._slot(account_id, route, 0.0)
            if delay > self._max_wait:
                raise ZoomRateLimitError(
                    f"Zoom's per-second limit holds the account's requests back for "
                    f"{delay:.0f} s, longer than the {self._max_wait:g} s zoomlink waits",
                    limit="per-second",
                    retry_at=self._clock.now() + timedelta(seconds=delay),
                    category=_limits.category(route).title(),
                    status=429,
                )
            # The slot on this clock: ``delay`` from the answer (before it when negative, a
            # slot that went by while the store answered). A store that says 0 may have found
            # the slot free as early as the asking, so its 0 counts from then.
            due = asked if delay == 0 else monotonic() + delay
            if delay > 0:
                time.sleep(delay)
            late = monotonic() - due
            if late <= _limits.LATE:
                return
            logger.info(
                "a %s request woke %.0f ms after its slot: taking another", route, late * 1000
            )

    def hold(self, account_id: str, route: str, pause: float) -> float:
        """Zoom answered 429 asking for ``pause`` seconds: hold every worker's requests of the
        account and category back that long. Returns the seconds until this request's own
        slot, which it may take without calling :meth:`wait` again."""
        return max(pause, self._slot(account_id, route, pause))

    def _slot(self, account_id: str, route: str, pause: float) -> float:
        if self._rates is None:
            return pause
        category = _limits.category(route)
        return self._store.pace(
            _limits.pace_name(account_id, category),
            rate=self._rates[category],
            window=_limits.WINDOW,
            pause=pause,
        )
