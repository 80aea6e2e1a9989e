"""Per-key locks inside one process: the first layer of single-flight token refresh.

A pair written by hand (``threading`` and ``asyncio`` locks time out differently): concurrent
callers in one process queue here, so only one of them goes on to the store's lock — which is
what excludes other processes and machines.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from zoomlink.errors import LockTimeoutError

__all__ = ["AsyncKeyedLock", "KeyedLock", "current_owner"]


def _timed_out(name: str, timeout: float) -> LockTimeoutError:
    return LockTimeoutError(
        f"lock {name!r} was not granted within {timeout:g} s", name=name, timeout=timeout
    )


class KeyedLock:
    """One :class:`threading.Lock` per key, created on demand and dropped when unused."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, list[int]]] = {}

    @contextmanager
    def hold(self, key: str, *, timeout: float) -> Iterator[None]:
        """Hold the lock for ``key``; :class:`~zoomlink.LockTimeoutError` after ``timeout`` s."""
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        try:
            if not lock.acquire(timeout=timeout):
                raise _timed_out(key, timeout)
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                users[0] -= 1
                if users[0] == 0:
                    del self._locks[key]


class AsyncKeyedLock:
    """One :class:`asyncio.Lock` per key, for the coroutines of one event loop."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, key: str, *, timeout: float) -> AsyncIterator[None]:
        """Hold the lock for ``key``; :class:`~zoomlink.LockTimeoutError` after ``timeout`` s."""
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout)
            except asyncio.TimeoutError:
                raise _timed_out(key, timeout) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[key]


def current_owner() -> object:
    """Who is running: the asyncio task, or else the thread. Locks a store holds for one owner
    can share one database session, since an owner does one thing at a time."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop runs in this thread
        task = None
    return task if task is not None else threading.get_ident()
