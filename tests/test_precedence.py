"""Oldest operation first: when calls queue for a store's threads or connections, the
operation that began first goes first, and calls holding others up go before all."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import warnings
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from contextvars import Token
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import pytest

from zoomlink import StoreError, _precedence
from zoomlink._precedence import (
    AsyncOldestFirst,
    OldestFirst,
    began,
    holding_others_up,
    operation,
)
from zoomlink.stores import AsyncSQLiteTokenStore, _async_sqlite
from zoomlink.stores._async_sqlite import THREADS
from zoomlink.stores._sqlite_writer import writer_turn

EXPIRES = datetime(2099, 1, 1, tzinfo=timezone.utc)


async def _in_operation(started: float, call: Callable[[], Awaitable[None]]) -> None:
    """Run ``call`` inside an operation that began at ``started`` (a monotonic time)."""
    with operation():
        token = _set_began(started)
        try:
            await call()
        finally:
            _reset_began(token)


def _set_began(started: float) -> Token[float | None]:
    return _precedence._BEGAN.set(started)


def _reset_began(token: Token[float | None]) -> None:
    _precedence._BEGAN.reset(token)


async def _let_in(waiters: list[tuple[str, float, bool]]) -> list[str]:
    """Queue one call per (label, age of its operation, whether it holds others up), in that
    order, while the only permit is taken, then free it: the labels in the order let in."""
    gate = AsyncOldestFirst(1, timeout=5, name="a test permit")
    order: list[str] = []

    async def take(label: str, holding: bool) -> None:
        with holding_others_up() if holding else nullcontext():
            async with gate.turn():
                order.append(label)

    async with gate.turn():
        now = time.monotonic()
        tasks = []
        for label, age, holding in waiters:
            call = partial(take, label, holding)
            tasks.append(asyncio.create_task(_in_operation(now - age, call)))
            await asyncio.sleep(0.01)  # each waits in line before the next comes
    await asyncio.gather(*tasks)
    return order


@pytest.mark.asyncio
async def test_waiters_are_let_in_oldest_operation_first() -> None:
    """With the one permit taken, calls of younger operations that asked first still wait for
    the older operation's call."""
    waiters = [("young", 1.0, False), ("middle", 2.0, False), ("old", 3.0, False)]
    assert await _let_in(waiters) == ["old", "middle", "young"]


@pytest.mark.asyncio
async def test_a_call_holding_others_up_goes_before_older_operations() -> None:
    """A call made while holding a lock others wait for goes first, even before the calls of
    operations that began earlier; among such calls, the oldest first."""
    waiters = [
        ("oldest", 5.0, False),
        ("holding", 1.0, True),
        ("holding, older", 2.0, True),
    ]
    assert await _let_in(waiters) == ["holding, older", "holding", "oldest"]


@pytest.mark.asyncio
async def test_a_waiter_that_times_out_fails_and_the_permit_is_not_lost() -> None:
    """A call that waits past the timeout gets a StoreError naming what it waited for; the
    permit goes on to the next waiter once released."""
    gate = AsyncOldestFirst(1, timeout=0.1, name="a thread of the test store")
    async with gate.turn():
        with pytest.raises(StoreError, match=r"waited 0\.1 s for a thread of the test store"):
            async with gate.turn():
                pass  # pragma: no cover - never let in
    async with gate.turn():  # free again
        pass


@pytest.mark.asyncio
async def test_a_cancelled_waiter_leaves_the_line() -> None:
    """A waiter cancelled while in line takes no permit: the next one in line gets it."""
    gate = AsyncOldestFirst(1, timeout=5, name="a test permit")
    let_in: list[str] = []

    async def take(label: str) -> None:
        async with gate.turn():
            let_in.append(label)

    async with gate.turn():
        cancelled = asyncio.create_task(take("cancelled"))
        waiting = asyncio.create_task(take("waiting"))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        await asyncio.sleep(0.01)
    await waiting
    assert let_in == ["waiting"]
    assert cancelled.cancelled()


@pytest.mark.asyncio
async def test_a_permit_handed_to_a_cancelled_waiter_is_given_on() -> None:
    """A waiter cancelled just as the permit was handed to it gives the permit on."""
    gate = AsyncOldestFirst(1, timeout=5, name="a test permit")

    async def take() -> None:
        async with gate.turn():
            await asyncio.sleep(10)  # pragma: no cover - cancelled first

    async with gate.turn():
        waiter = asyncio.create_task(take())
        await asyncio.sleep(0.05)
    waiter.cancel()  # the hand-over is scheduled but has not run yet
    with pytest.raises(asyncio.CancelledError):
        await waiter

    async def again() -> None:
        async with gate.turn():  # the permit came back
            pass

    await asyncio.wait_for(again(), 1)


def test_a_permit_wakes_a_waiter_on_another_event_loop() -> None:
    """A permit released on one thread's event loop lets in a waiter on another's."""
    gate = AsyncOldestFirst(1, timeout=5, name="a test permit")
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        async def hold() -> None:
            async with gate.turn():
                held.set()
                await asyncio.to_thread(release.wait, 5)

        asyncio.run(hold())

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(5)

    async def wait_for_it() -> float:
        threading.Timer(0.1, release.set).start()
        start = time.monotonic()
        async with gate.turn():
            return time.monotonic() - start

    waited = asyncio.run(wait_for_it())
    thread.join(5)
    assert 0.05 < waited < 2


def test_threads_are_let_in_oldest_operation_first() -> None:
    """The thread twin lets waiting threads in oldest operation first too."""
    gate = OldestFirst(1, timeout=5, name="a test permit")
    order: list[str] = []

    def take(label: str, age: float) -> None:
        with operation():
            token = _set_began(time.monotonic() - age)
            try:
                with gate.turn():
                    order.append(label)
            finally:
                _reset_began(token)

    with gate.turn():
        threads = [
            threading.Thread(target=take, args=(label, age))
            for label, age in [("young", 1.0), ("middle", 2.0), ("old", 3.0)]
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.02)
        time.sleep(0.05)
    for thread in threads:
        thread.join(5)
    assert order == ["old", "middle", "young"]


def test_a_thread_that_waits_too_long_fails_and_leaves_the_line() -> None:
    """A thread that waits past the timeout gets a StoreError, and does not block the line."""
    gate = OldestFirst(1, timeout=0.1, name="a connection")
    with gate.turn(), pytest.raises(StoreError, match="for a connection"), gate.turn():
        pass  # pragma: no cover - never let in
    with gate.turn():
        pass


def test_an_operation_inside_another_is_part_of_it() -> None:
    """An operation begun inside another keeps the outer one's start; outside any, a call
    counts as beginning when it is made."""
    with operation():
        outer = began()
        time.sleep(0.01)
        with operation():
            assert began() == outer
    assert began() > outer


@pytest.mark.asyncio
async def test_the_sqlite_store_serves_the_oldest_operation_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every thread of the async SQLite store is busy, a queued call of an older
    operation is served before the calls of younger operations that asked earlier."""
    monkeypatch.setattr(_async_sqlite, "THREADS", 1)  # one call at a time: a strict order
    async with AsyncSQLiteTokenStore(tmp_path / "tokens.db") as store:
        await store.take_quota("warm", limit=10, expires_at=EXPIRES)  # tables made
        done: list[str] = []

        async def count(label: str) -> None:
            await store.take_quota(label, limit=10, expires_at=EXPIRES)
            done.append(label)

        now = time.monotonic()
        with writer_turn(store.path, timeout=5):  # every write waits on a thread: all busy
            busy = [asyncio.create_task(count("busy"))]
            await asyncio.sleep(0.1)
            young = [
                asyncio.create_task(_in_operation(now - 1, partial(count, f"young{n}")))
                for n in range(3)
            ]
            await asyncio.sleep(0.05)
            old = asyncio.create_task(_in_operation(now - 9, lambda: count("old")))
            await asyncio.sleep(0.05)
        await asyncio.gather(*busy, *young, old)
        assert done == ["busy", "old", "young0", "young1", "young2"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.asyncio
async def test_a_forked_child_has_the_store_threads_to_itself(tmp_path: Path) -> None:
    """A process forked while its parent's calls held every thread of the async SQLite store
    (and more waited for one) gets threads and a line of its own: its calls go through."""
    async with AsyncSQLiteTokenStore(tmp_path / "tokens.db") as store:
        await store.take_quota("warm", limit=10, expires_at=EXPIRES)
        with writer_turn(store.path, timeout=5):  # the parent's writes all wait on threads
            busy = [
                asyncio.create_task(store.take_quota("q", limit=100, expires_at=EXPIRES))
                for _ in range(THREADS + 2)
            ]
            await asyncio.sleep(0.1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads running
                pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                code = 1
                try:
                    outcome: list[int | None] = []

                    def child() -> None:
                        outcome.append(
                            asyncio.run(store.take_quota("c", limit=10, expires_at=EXPIRES))
                        )

                    thread = threading.Thread(target=child)  # this thread's loop is the parent's
                    thread.start()
                    thread.join(20)
                    code = 0 if outcome == [1] else 2
                finally:
                    os._exit(code)
        await asyncio.gather(*busy)
        _, status = await asyncio.to_thread(os.waitpid, pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
