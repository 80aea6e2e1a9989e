"""The PostgreSQL store's named locks: session-level advisory locks held on a pool of their
own, one session per owner (task or thread) whatever how many locks it holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import monotonic
from types import TracebackType

import attrs
import psycopg
from psycopg import AsyncConnection, sql
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from zoomlink._locks import current_owner
from zoomlink.stores._postgres_sql import (
    LOCK_KEY,
    errors,
    timed_out,
)

# Waiters poll: first after 5 ms, doubling up to 100 ms.
LOCK_POLL_FIRST = 0.005
LOCK_POLL_MAX = 0.1


LockPool = AsyncConnectionPool[AsyncConnection[TupleRow]]


@attrs.define
class Session:
    """A lock-pool connection and how many advisory locks its owner holds on it."""

    pool: LockPool
    conn: AsyncConnection[TupleRow]
    held: int = 0


class AdvisoryLock:
    """One :meth:`AsyncPostgresTokenStore.lock` block: a session of the lock pool holds a
    session-level advisory lock from entry to exit; the owner's other locks share it.

    Args:
        name: The lock's name, for errors.
        timeout: Seconds to wait for it.
        key: The advisory lock's key (the store's digest of the name).
        sessions: The store's sessions, by owner (task or thread).
        pool: Opens the store's lock pool (once) and returns it.
    """

    def __init__(
        self,
        name: str,
        timeout: float,
        *,
        key: str,
        sessions: dict[object, Session],
        pool: Callable[[], Awaitable[LockPool]],
    ) -> None:
        self._name = name
        self._timeout = timeout
        self._key = key
        self._sessions = sessions
        self._pool = pool
        self._owner = current_owner()
        self._session: Session | None = None

    async def __aenter__(self) -> None:
        deadline = monotonic() + self._timeout
        session = self._sessions.get(self._owner)
        with errors(f"take lock {self._name!r}"):
            if session is not None:
                await self._nested(session, deadline)
            else:
                await self._first(deadline)

    async def _nested(self, session: Session, deadline: float) -> None:
        """Take the lock on the session of the locks the owner already holds."""
        pause = LOCK_POLL_FIRST
        while not await self._try(session.conn):
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise timed_out(self._name, self._timeout)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, LOCK_POLL_MAX)
        session.held += 1
        self._session = session

    async def _first(self, deadline: float) -> None:
        """Take the owner's first lock on a session of the lock pool."""
        # Waiters poll with pg_try_advisory_lock and hand their connection back between tries:
        # a waiter blocked inside PostgreSQL would keep a pooled connection, and enough of them
        # would starve the holders of the connections they need to finish and let go.
        pause = LOCK_POLL_FIRST
        pool = await self._pool()
        while True:
            try:
                conn = await pool.getconn(timeout=max(deadline - monotonic(), 0.001))
            except PoolTimeout:
                free = " (no pooled connection free)"
                raise timed_out(self._name, self._timeout, free) from None
            try:
                taken = await self._try(conn)
            except BaseException:
                await pool.putconn(conn)
                raise
            if taken:
                self._session = Session(pool, conn, held=1)
                self._sessions[self._owner] = self._session
                return
            await pool.putconn(conn)
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise timed_out(self._name, self._timeout)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, LOCK_POLL_MAX)

    async def _try(self, conn: AsyncConnection[TupleRow]) -> bool:
        try:
            cursor = await conn.execute(
                sql.SQL(LOCK_KEY).format(function=sql.SQL("pg_try_advisory_lock")), [self._key]
            )
            row = await cursor.fetchone()
            return row is not None and row[0] is True
        except BaseException:
            # Whether the lock was granted is unknown: ending the session releases it for sure
            # (and every other lock its owner held on it).
            await conn.close()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        session.held -= 1
        try:
            await session.conn.execute(
                sql.SQL(LOCK_KEY).format(function=sql.SQL("pg_advisory_unlock")), [self._key]
            )
        except psycopg.Error:
            # The session broke, and its locks went with it; the pool replaces the connection.
            await session.conn.close()
        except BaseException:
            await session.conn.close()
            raise
        finally:
            if session.held == 0:
                del self._sessions[self._owner]
                await session.pool.putconn(session.conn)
