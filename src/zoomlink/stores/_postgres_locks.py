"""The PostgreSQL store's named locks: session-level advisory locks, every lock of a process
held on one session of its own.

A pair written by hand (asyncio's cancellation needs a shield that threads have no use for).

A lock is taken in two layers. The process's callers for one name queue on an in-process lock
(no query while they wait); the one at the front polls ``pg_try_advisory_lock`` on the
process's lock session, which excludes every other process and machine. One session holds all
of a process's locks: a session per holder capped the bookings a process could have in flight
at its pool's size, and kept that many connections open.

A statement on the shared session is never cut off half way: a caller cancelled while its try
runs lets the try finish, and gives back a lock it turns out to have got. If the session
breaks, every lock on it goes with it (PostgreSQL releases them; a holder learns nothing until
it lets go, as with any session), and the next caller opens another.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial

import psycopg
from psycopg import AsyncConnection, Connection, sql
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout

from zoomlink._locks import AsyncKeyedLock, KeyedLock
from zoomlink.stores._postgres_sql import LOCK_KEY, errors, timed_out

# Waiters poll: first after 5 ms, doubling up to 100 ms.
LOCK_POLL_FIRST = 0.005
LOCK_POLL_MAX = 0.1

TRY = sql.SQL(LOCK_KEY).format(function=sql.SQL("pg_try_advisory_lock"))
UNLOCK = sql.SQL(LOCK_KEY).format(function=sql.SQL("pg_advisory_unlock"))

AsyncLockPool = AsyncConnectionPool[AsyncConnection[TupleRow]]
LockPool = ConnectionPool[Connection[TupleRow]]


class _AsyncSession:
    """The lock-pool connection that holds the process's advisory locks."""

    def __init__(self, pool: AsyncLockPool, conn: AsyncConnection[TupleRow]) -> None:
        self.pool = pool
        self.conn = conn
        self.broken = False

    async def run(self, statement: sql.Composed, key: str) -> bool:
        """One lock statement; whether PostgreSQL answered true."""
        try:
            cursor = await self.conn.execute(statement, [key])
            row = await cursor.fetchone()
            return row is not None and row[0] is True
        except BaseException:
            # Whether it took effect is unknown: ending the session settles it, since
            # PostgreSQL then releases every lock the session held.
            await self.end()
            raise

    async def end(self) -> None:
        """Close the session (its locks go with it) and hand it back to the pool."""
        if self.broken:
            return
        self.broken = True
        await self.conn.close()
        await self.pool.putconn(self.conn)


class AsyncAdvisoryLocks:
    """The named locks of one :class:`AsyncPostgresTokenStore`.

    Args:
        pool: Opens the store's lock pool (once) and returns it.
    """

    def __init__(self, pool: Callable[[], Awaitable[AsyncLockPool]]) -> None:
        self._pool = pool
        self._local = AsyncKeyedLock()
        self._session: _AsyncSession | None = None
        self._opening: asyncio.Lock | None = None
        # Statements left to finish by callers that were cancelled (kept from the collector).
        self._finishing: set[asyncio.Future[bool]] = set()

    @asynccontextmanager
    async def hold(self, name: str, key: str, timeout: float) -> AsyncIterator[None]:
        """Hold the lock ``name`` (advisory lock ``key``) for the block.

        Raises:
            LockTimeoutError: Not granted within ``timeout`` seconds.
            StoreError: PostgreSQL could not be asked.
        """
        deadline = time.monotonic() + timeout
        async with self._local.hold(name, timeout=timeout):
            with errors(f"take lock {name!r}"):
                session = await self._take(name, key, timeout, deadline)
            try:
                yield
            finally:
                await self._give_back(session, key)

    async def aclose(self) -> None:
        """Hand the lock session back (the store is closing; nothing is held any more)."""
        session, self._session = self._session, None
        if session is not None and not session.broken:
            session.broken = True
            await session.pool.putconn(session.conn)

    async def _take(self, name: str, key: str, timeout: float, deadline: float) -> _AsyncSession:
        pause = LOCK_POLL_FIRST
        while True:
            session = await self._current(name, timeout, deadline)
            if await self._finished(session, TRY, key):
                return session
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out(name, timeout)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, LOCK_POLL_MAX)

    async def _current(self, name: str, timeout: float, deadline: float) -> _AsyncSession:
        """The process's lock session, opened when there is none (or it broke)."""
        session = self._session
        if session is not None and not session.broken:
            return session
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            session = self._session
            if session is None or session.broken:
                pool = await self._pool()
                try:
                    conn = await pool.getconn(timeout=max(deadline - time.monotonic(), 0.001))
                except PoolTimeout:
                    raise timed_out(name, timeout, " (no lock session could be opened)") from None
                session = self._session = _AsyncSession(pool, conn)
            return session

    async def _give_back(self, session: _AsyncSession, key: str) -> None:
        if session.broken or session is not self._session:
            return  # the session ended, and the lock with it
        # If the session broke meanwhile, it is closed, and the lock went with it.
        with contextlib.suppress(psycopg.Error):
            await self._finished(session, UNLOCK, key)

    async def _finished(self, session: _AsyncSession, statement: sql.Composed, key: str) -> bool:
        """Run a lock statement to its end even if the caller is cancelled meanwhile: cut off
        half way, nobody would know whether the lock is held, and only ending the session
        (every lock of the process) would settle it."""
        task = asyncio.ensure_future(session.run(statement, key))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            self._finishing.add(task)
            task.add_done_callback(partial(self._finished_alone, session, statement, key))
            raise

    def _finished_alone(
        self, session: _AsyncSession, statement: sql.Composed, key: str, task: asyncio.Future[bool]
    ) -> None:
        """A statement whose caller was cancelled is done: a lock it got is given back."""
        self._finishing.discard(task)
        if statement is not TRY or task.cancelled() or task.exception() is not None:
            return
        if task.result() and not session.broken:
            unlock = asyncio.ensure_future(self._unlock_quietly(session, key))
            self._finishing.add(unlock)
            unlock.add_done_callback(self._finishing.discard)

    async def _unlock_quietly(self, session: _AsyncSession, key: str) -> bool:
        try:
            return await session.run(UNLOCK, key)
        except psycopg.Error:
            return False  # the session broke: it is closed, and the lock went with it


class _Session:
    """The lock-pool connection that holds the process's advisory locks (threads share it:
    psycopg runs one statement of a connection at a time)."""

    def __init__(self, pool: LockPool, conn: Connection[TupleRow]) -> None:
        self.pool = pool
        self.conn = conn
        self.broken = False
        self._guard = threading.Lock()

    def run(self, statement: sql.Composed, key: str) -> bool:
        """One lock statement; whether PostgreSQL answered true."""
        try:
            row = self.conn.execute(statement, [key]).fetchone()
            return row is not None and row[0] is True
        except BaseException:
            # Whether it took effect is unknown: ending the session settles it, since
            # PostgreSQL then releases every lock the session held.
            self.end()
            raise

    def end(self) -> None:
        """Close the session (its locks go with it) and hand it back to the pool."""
        with self._guard:
            if self.broken:
                return
            self.broken = True
        self.conn.close()
        self.pool.putconn(self.conn)


class AdvisoryLocks:
    """The named locks of one :class:`PostgresTokenStore`, for all its threads.

    Args:
        pool: Opens the store's lock pool (once) and returns it.
    """

    def __init__(self, pool: Callable[[], LockPool]) -> None:
        self._pool = pool
        self._local = KeyedLock()
        self._session: _Session | None = None
        self._opening = threading.Lock()

    @contextmanager
    def hold(self, name: str, key: str, timeout: float) -> Iterator[None]:
        """Hold the lock ``name`` (advisory lock ``key``) for the block.

        Raises:
            LockTimeoutError: Not granted within ``timeout`` seconds.
            StoreError: PostgreSQL could not be asked.
        """
        deadline = time.monotonic() + timeout
        with self._local.hold(name, timeout=timeout):
            with errors(f"take lock {name!r}"):
                session = self._take(name, key, timeout, deadline)
            try:
                yield
            finally:
                self._give_back(session, key)

    def close(self) -> None:
        """Hand the lock session back (the store is closing; nothing is held any more)."""
        with self._opening:
            session, self._session = self._session, None
        if session is not None and not session.broken:
            session.broken = True
            session.pool.putconn(session.conn)

    def _take(self, name: str, key: str, timeout: float, deadline: float) -> _Session:
        pause = LOCK_POLL_FIRST
        while True:
            session = self._current(name, timeout, deadline)
            if session.run(TRY, key):
                return session
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out(name, timeout)
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, LOCK_POLL_MAX)

    def _current(self, name: str, timeout: float, deadline: float) -> _Session:
        """The process's lock session, opened when there is none (or it broke)."""
        with self._opening:
            session = self._session
            if session is None or session.broken:
                pool = self._pool()
                try:
                    conn = pool.getconn(timeout=max(deadline - time.monotonic(), 0.001))
                except PoolTimeout:
                    raise timed_out(name, timeout, " (no lock session could be opened)") from None
                session = self._session = _Session(pool, conn)
            return session

    def _give_back(self, session: _Session, key: str) -> None:
        if session.broken or session is not self._session:
            return  # the session ended, and the lock with it
        # If the session broke meanwhile, it is closed, and the lock went with it.
        with contextlib.suppress(psycopg.Error):
            session.run(UNLOCK, key)
