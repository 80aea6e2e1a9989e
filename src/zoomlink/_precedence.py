"""Oldest operation first: when a process is busy, the store calls of the operation that began
first go first.

A burst of bookings (say ``asyncio.gather`` of 200 schedules in one process) puts every
booking's first store call in the queue before any booking's second. Served in the order they
were asked, each booking's every step waits for every other booking's step before it: the
first request to Zoom leaves only once the whole burst has taken its first steps (0.2 s at
200 bookings), and the bookings all finish near the end. Served oldest operation first, the
first bookings go through at once and the later ones' steps fill the gaps: the same work,
finished in the order it came. What goes first is only ever a queued store call; nothing
running is interrupted.

One thing goes before age: a call made while holding a lock that other bookings wait for (a
host's lock, under which the host's next booking waits for this one to be made). Served by
age alone, the younger booking that holds the lock would wait behind every older booking's
messages and records, and the host's whole queue with it; so such calls go first, oldest
first among them.

An operation is one public call (a schedule, a cancel, one piece of pending work). Its start
is kept in a context variable, so every store call it makes, in any task it starts, carries
it; a store call made outside any operation counts as beginning when it is made. The stores
let calls in through :class:`AsyncOldestFirst` or :class:`OldestFirst`, as many at a time as
they have connections or threads.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

from zoomlink.errors import StoreError

__all__ = ["AsyncOldestFirst", "OldestFirst", "began", "holding_others_up", "operation"]

_BEGAN: ContextVar[float | None] = ContextVar("zoomlink_operation_began", default=None)
_HOLDING: ContextVar[bool] = ContextVar("zoomlink_holding_others_up", default=False)
_ORDER = itertools.count()  # breaks ties between calls of one moment: first come first


@contextmanager
def operation() -> Iterator[None]:
    """The block is one operation, begun now; inside another, it stays part of that one."""
    if _BEGAN.get() is not None:
        yield
        return
    token = _BEGAN.set(time.monotonic())
    try:
        yield
    finally:
        _BEGAN.reset(token)


@contextmanager
def holding_others_up() -> Iterator[None]:
    """In the block, the current operation holds a lock other operations wait for: its store
    calls go before all others."""
    token = _HOLDING.set(True)
    try:
        yield
    finally:
        _HOLDING.reset(token)


def began() -> float:
    """When the current operation began (a :func:`time.monotonic` value); now outside one."""
    started = _BEGAN.get()
    return time.monotonic() if started is None else started


Rank = tuple[bool, float, int]


def _rank() -> Rank:
    """Where a call made now stands in line: those holding others up first, then the oldest
    operation's, then the first to ask."""
    return (not _HOLDING.get(), began(), next(_ORDER))


class AsyncOldestFirst:
    """At most ``permits`` holders at once, for asyncio; waiters are let in oldest operation
    first. A permit can be handed to a waiter of any thread or event loop.

    Args:
        permits: How many may hold a turn at once.
        timeout: The longest a turn is waited for.
        name: What is waited for, as the StoreError of a wait too long names it.
    """

    def __init__(self, permits: int, *, timeout: float, name: str) -> None:
        self._free = permits
        self._timeout = timeout
        self._name = name
        self._guard = threading.Lock()
        self._waiting: list[tuple[Rank, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a permit for the block.

        Raises:
            StoreError: None was free within the timeout.
        """
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        loop = asyncio.get_running_loop()
        with self._guard:
            if self._free > 0:
                self._free -= 1
                return
            future: asyncio.Future[None] = loop.create_future()
            heapq.heappush(self._waiting, (_rank(), loop, future))
        try:
            await asyncio.wait_for(asyncio.shield(future), self._timeout)
        except BaseException as exc:
            with self._guard:
                waiting = [entry for entry in self._waiting if entry[2] is not future]
                handed = len(waiting) == len(self._waiting)  # popped: a permit is on its way
                self._waiting = waiting
                heapq.heapify(self._waiting)
            if handed:
                # Taken once it arrives (the hand-over runs on this loop), then given on.
                future.add_done_callback(lambda _: self._release())
            if isinstance(exc, TimeoutError):
                raise _too_long(self._name, self._timeout) from None
            raise

    def _release(self) -> None:
        with self._guard:
            while self._waiting:
                _, loop, future = heapq.heappop(self._waiting)
                try:
                    loop.call_soon_threadsafe(_hand_over, future)
                except RuntimeError:  # its loop is closed: nobody waits there any more
                    continue
                return
            self._free += 1


def _too_long(name: str, timeout: float) -> StoreError:
    return StoreError(f"waited {timeout:g} s for {name}: the store is overloaded or stuck")


def _hand_over(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class OldestFirst:
    """At most ``permits`` holders at once, for threads; waiters are let in oldest operation
    first (:class:`AsyncOldestFirst`'s twin)."""

    def __init__(self, permits: int, *, timeout: float, name: str) -> None:
        self._free = permits
        self._timeout = timeout
        self._name = name
        self._ready = threading.Condition()
        self._waiting: list[Rank] = []

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a permit for the block.

        Raises:
            StoreError: None was free within the timeout.
        """
        place = _rank()
        with self._ready:
            heapq.heappush(self._waiting, place)
            try:
                let_in = self._ready.wait_for(
                    lambda: self._free > 0 and self._waiting[0] == place, self._timeout
                )
            except BaseException:
                self._leave(place)
                raise
            if not let_in:
                self._leave(place)
                raise _too_long(self._name, self._timeout)
            heapq.heappop(self._waiting)
            self._free -= 1
            self._ready.notify_all()  # a further permit may be free for the next in line
        try:
            yield
        finally:
            with self._ready:
                self._free += 1
                self._ready.notify_all()

    def _leave(self, place: Rank) -> None:
        """Leave the line without a permit (holding the condition's lock)."""
        self._waiting.remove(place)
        heapq.heapify(self._waiting)
        self._ready.notify_all()  # the next in line may be free to go now
