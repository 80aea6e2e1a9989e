"""A request that wakes later than its send slot allows takes another slot instead of leaving:
sent that late, it would reach Zoom too close to the next window's requests."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from zoomlink._async._pacer import AsyncPacer
from zoomlink._core import _limits
from zoomlink._sync import _pacer as sync_pacer
from zoomlink._sync._pacer import Pacer
from zoomlink.stores import AsyncMemoryTokenStore, MemoryTokenStore
from zoomlink.testing import FakeClock

ACCOUNT = "acct_late"
ROUTE = "meetings.create"


class _CountingPaces(AsyncMemoryTokenStore):
    """The memory store, counting the send slots taken. The first ``slow`` answers come
    ``lag`` seconds after the slot was taken; the first ``queued`` wait ``lag`` in line
    before taking it (and then say it went by a millisecond ago, the commit)."""

    def __init__(self, *, slow: int = 0, queued: int = 0, lag: float = 0.0) -> None:
        super().__init__()
        self.paces = 0
        self._slow = slow
        self._queued = queued
        self._lag = lag

    async def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        self.paces += 1
        if self.paces <= self._queued:
            await asyncio.sleep(self._lag)
            return await super().pace(name, rate=rate, window=window, pause=pause) - 0.001
        delay = await super().pace(name, rate=rate, window=window, pause=pause)
        if self.paces <= self._slow:
            await asyncio.sleep(self._lag)
            delay -= self._lag  # counted from the answer, as stores do (below 0: gone by)
        return delay


class _CountingSyncPaces(MemoryTokenStore):
    """The sync memory store, counting the send slots taken."""

    def __init__(self) -> None:
        super().__init__()
        self.paces = 0

    def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        self.paces += 1
        return super().pace(name, rate=rate, window=window, pause=pause)


def _clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, tzinfo=timezone.utc))


@pytest.mark.asyncio
async def test_a_request_woken_late_takes_another_slot() -> None:
    """When the event loop is held up past a request's slot by more than LATE, the request
    takes another slot (the missed one stays taken) and leaves by that one."""
    store = _CountingPaces()
    pacer = AsyncPacer("free", store, max_wait=5, clock=_clock())
    for _ in range(_limits.PER_SECOND["free"]["medium"]):
        await pacer.wait(ACCOUNT, ROUTE)  # the window is full: the next slot is a wait away
    assert store.paces == 2
    loop = asyncio.get_running_loop()
    loop.call_later(0.01, time.sleep, _limits.WINDOW + 0.1)  # the whole loop held up
    await pacer.wait(ACCOUNT, ROUTE)
    assert store.paces == 4  # the slot it slept through, then the one it left by


@pytest.mark.asyncio
async def test_a_request_on_time_takes_one_slot() -> None:
    """A request that wakes on time leaves by the slot it was given."""
    store = _CountingPaces()
    pacer = AsyncPacer("free", store, max_wait=5, clock=_clock())
    for _ in range(3):
        await pacer.wait(ACCOUNT, ROUTE)
    assert store.paces == 3


@pytest.mark.asyncio
async def test_a_free_slot_that_comes_back_late_is_not_used() -> None:
    """A slot that went by more than LATE before the store handed it back is not used: the
    request takes another one."""
    store = _CountingPaces(slow=1, lag=_limits.LATE * 3)
    pacer = AsyncPacer("free", store, max_wait=5, clock=_clock())
    await pacer.wait(ACCOUNT, ROUTE)
    assert store.paces == 2


@pytest.mark.asyncio
async def test_a_slow_answer_whose_slot_is_still_close_is_used() -> None:
    """A store that answered late because it waited in line, but took the slot just before
    answering (it says so with a wait just under 0), lets the request leave by that slot: a
    slow store alone wastes no slot."""
    store = _CountingPaces(queued=1, lag=_limits.LATE * 3)
    pacer = AsyncPacer("free", store, max_wait=5, clock=_clock())
    await pacer.wait(ACCOUNT, ROUTE)
    assert store.paces == 1


def test_a_thread_woken_late_takes_another_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync pacer does the same when its thread oversleeps."""
    store = _CountingSyncPaces()
    pacer = Pacer("free", store, max_wait=5, clock=_clock())
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds + (0.1 if len(slept) == 1 else 0.0))  # the first sleep overruns

    monkeypatch.setattr(sync_pacer, "time", SimpleNamespace(sleep=sleep))
    for _ in range(_limits.PER_SECOND["free"]["medium"] + 1):
        pacer.wait(ACCOUNT, ROUTE)
    assert store.paces == 4  # two on time, one overslept, one it left by
