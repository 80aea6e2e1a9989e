"""AsyncSQLiteTokenStore: the SQLite store for asyncio, over the same file format and locks."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from functools import partial
from typing import ParamSpec, TypeVar

from zoomlink._precedence import AsyncOldestFirst
from zoomlink.booking import MeetingRecord, MeetingState
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link
from zoomlink.outbox import PendingWork, WorkState
from zoomlink.stores._file_locks import lock_waits
from zoomlink.stores._sqlite import SQLiteTokenStore

P = ParamSpec("P")
T = TypeVar("T")
# The threads each store object runs SQLite on: as many as asyncio.to_thread would use on a
# small machine. Reads run side by side; writes queue for the file's one writer, which commits
# them in groups.
THREADS = min(8, (os.cpu_count() or 1) + 4)
# The longest a call waits for one of those threads: only a stuck or swamped store waits long.
_TURN_TIMEOUT = 30.0


class AsyncSQLiteTokenStore:
    """:class:`SQLiteTokenStore` for asyncio: the same file format, locks and promises.

    Each operation is one short transaction run on one of the store's threads, so the event
    loop never waits for the disk; when calls queue for the threads, the booking that began
    first goes first (see "Deploying zoomlink"). Waiting for a lock polls with
    :func:`asyncio.sleep` between tries (each an ``open`` and a non-blocking ``flock`` of a
    local file, too quick to hand to a thread). Sync and async stores may share one file.

    Args:
        path: The database file. Its directory must exist.

    Raises:
        ConfigurationError: The path is not usable.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._store = SQLiteTokenStore(path)
        self._threads: _Threads | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self._store.path!r})"

    def __reduce__(self) -> tuple[type[AsyncSQLiteTokenStore], tuple[str]]:
        return (type(self), (self._store.path,))

    async def __aenter__(self) -> AsyncSQLiteTokenStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def path(self) -> str:
        """The database file's absolute path."""
        return self._store.path

    async def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        return await self._call(self._store.get_grant, grant_id)

    async def find_grants(
        self,
        *,
        client_id: str | None = None,
        zoom_user_id: str | None = None,
        zoom_account_id: str | None = None,
    ) -> list[Grant]:
        """Grants matching every given filter (all grants when none is given), by id."""
        return await self._call(
            self._store.find_grants,
            client_id=client_id,
            zoom_user_id=zoom_user_id,
            zoom_account_id=zoom_account_id,
        )

    async def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        await self._call(self._store.add_grant, grant)

    async def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``; else
        :class:`~zoomlink.StaleRecordError`."""
        await self._call(self._store.update_grant, grant, expected_version=expected_version)

    async def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        return await self._call(self._store.remove_grant, grant_id)

    async def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        return await self._call(self._store.get_link, link_id)

    async def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        return await self._call(
            self._store.find_links, tenant=tenant, kind=kind, owner_id=owner_id, grant_id=grant_id
        )

    async def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        await self._call(self._store.put_link, link)

    async def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        return await self._call(self._store.remove_link, link_id)

    async def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight, forgetting those that expired before it began."""
        await self._call(self._store.add_attempt, attempt)

    async def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once: a second call (anywhere) returns ``None``."""
        return await self._call(self._store.take_attempt, attempt_id)

    async def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        return await self._call(self._store.get_meeting_record, record_id)

    async def find_meeting_records(
        self,
        *,
        tenant: str | None = None,
        host_id: str | None = None,
        booking_id: str | None = None,
        state: MeetingState | None = None,
        connection_id: str | None = None,
        meeting_id: int | None = None,
    ) -> list[MeetingRecord]:
        """Meeting records matching every given filter, by start time then id."""
        return await self._call(
            self._store.find_meeting_records,
            tenant=tenant,
            host_id=host_id,
            booking_id=booking_id,
            state=state,
            connection_id=connection_id,
            meeting_id=meeting_id,
        )

    async def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record; :class:`~zoomlink.DuplicateRecordError` if the id
        exists."""
        await self._call(self._store.add_meeting_record, record)

    async def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``; else
        :class:`~zoomlink.StaleRecordError`."""
        await self._call(
            self._store.update_meeting_record, record, expected_version=expected_version
        )

    async def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        return await self._call(self._store.remove_meeting_record, record_id)

    async def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference, or ``None``."""
        return await self._call(self._store.get_preference, tenant, user_id, name)

    async def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        await self._call(self._store.set_preference, tenant, user_id, name, value)

    async def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        return await self._call(self._store.remove_preference, tenant, user_id, name)

    async def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used:
        the uses counted including this one, or ``None`` (counting nothing) when used up."""
        return await self._call(self._store.take_quota, name, limit=limit, expires_at=expires_at)

    async def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        await self._call(self._store.fill_quota, name, limit=limit, expires_at=expires_at)

    async def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        return await self._call(self._store.quota_used, name)

    def lock(self, name: str, *, timeout: float) -> AbstractAsyncContextManager[None]:
        """Hold the lock ``name`` for the ``async with`` block, excluding every other holder
        (other coroutines and threads, and other processes using the same file).

        Held for as long as the block runs and no longer than its holder lives, as
        :meth:`SQLiteTokenStore.lock` explains.

        Raises:
            LockTimeoutError: The lock was not granted within ``timeout`` seconds.
        """
        return self._hold(name, timeout)

    @asynccontextmanager
    async def _hold(self, name: str, timeout: float) -> AsyncIterator[None]:
        waits = lock_waits(name, timeout)
        # Polling: the holder may be another process, which no asyncio.Event can hear. A try
        # is an open and a non-blocking flock of a local file, so it runs on the event loop:
        # nothing is left running on a thread when the waiting task is cancelled.
        while (held := self._store._try_lock(name)) is None:  # noqa: ASYNC110
            await asyncio.sleep(next(waits))
        try:
            yield
        finally:
            self._store._unlock(name, held)

    async def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work (see :meth:`SQLiteTokenStore.put_work`)."""
        await self._call(partial(self._store.put_work, work, expected_version=expected_version))

    async def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id, or ``None``."""
        return await self._call(self._store.get_work, work_id)

    async def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter, soonest due first, at most ``limit``."""
        return await self._call(
            partial(
                self._store.find_work,
                tenant=tenant,
                state=state,
                due_before=due_before,
                limit=limit,
            )
        )

    async def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        return await self._call(
            partial(self._store.remove_work, work_id, expected_version=expected_version)
        )

    async def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name``, as
        :meth:`SQLiteTokenStore.pace` does: the seconds to wait from when the worker thread's
        answer is back (less than 0 when the slot went by meanwhile)."""
        slot = await self._call(
            partial(self._store._pace_until, name, rate=rate, window=window, pause=pause)
        )
        return slot - time.time()

    async def erase_deleted(self) -> None:
        """Empty the write-ahead log, as :meth:`SQLiteTokenStore.erase_deleted` explains."""
        await self._call(self._store.erase_deleted)

    async def aclose(self) -> None:
        """Close the store's connections. Using the store afterwards raises StoreError."""
        await asyncio.to_thread(self._store.close)
        threads, self._threads = self._threads, None
        if threads is not None and threads.pid == os.getpid():
            threads.executor.shutdown(wait=False)

    async def _call(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run one operation of the sync store on the store's threads, the oldest operation's
        first when calls queue for them (see :mod:`zoomlink._precedence`)."""
        threads = self._own_threads()
        async with threads.turns.turn():
            return await asyncio.get_running_loop().run_in_executor(
                threads.executor, partial(function, *args, **kwargs)
            )

    def _own_threads(self) -> _Threads:
        """The store's threads and the line for them, made afresh in a process forked from
        the one that had them (whose threads, and callers in line, are not in the child)."""
        if self._threads is None or self._threads.pid != os.getpid():
            self._threads = _Threads(self.path)
        return self._threads


class _Threads:
    """The threads one store object runs SQLite on in one process, and the line for them."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.executor = ThreadPoolExecutor(THREADS, thread_name_prefix="zoomlink-sqlite")
        self.turns = AsyncOldestFirst(
            THREADS, timeout=_TURN_TIMEOUT, name=f"a thread of the SQLite store {path!r}"
        )
