# This file is generated from src/zoomlink/_async/_pacer.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Client-side pacing: keep each Zoom account's requests under its per-second limits."""

from __future__ import annotations

import time
import threading
from collections import deque
from time import monotonic

from zoomlink._core import _limits
from zoomlink.models import ZoomPlan


class Pacer:
    """Spaces requests per Zoom account and rate-limit category, so a burst of bookings waits
    its turn here instead of drawing a storm of 429s from Zoom.

    The limits are account-wide at Zoom and shared with other apps; pacing covers what this
    process sends. ``plan=None`` turns pacing off.
    """

    def __init__(self, plan: ZoomPlan | None) -> None:
        self.plan = plan
        self._rates = _limits.PER_SECOND[plan] if plan is not None else None
        self._sent: dict[tuple[str, str], deque[float]] = {}
        self._guard = threading.Lock()  # held for bookkeeping only, never across a wait

    def wait(self, account_id: str, route: str) -> None:
        """Return when one more request to ``route`` for ``account_id`` may leave."""
        if self._rates is None:
            return
        category = _limits.category(route)
        with self._guard:
            sent = self._sent.setdefault((account_id, category), deque())
            tick = monotonic()
            delay = _limits.pace_delay(sent, self._rates[category], tick)
            sent.append(tick + delay)  # the slot is ours from now on
        if delay > 0:
            time.sleep(delay)
