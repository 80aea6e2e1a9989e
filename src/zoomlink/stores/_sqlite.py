"""SQLiteTokenStore: the embedded token store, one SQLite file (AsyncSQLiteTokenStore wraps it).

A pair written by hand: :mod:`sqlite3` has no async twin, so the async store runs the sync
store's short transactions on worker threads and polls for locks with :func:`asyncio.sleep`.

How it stays safe for many threads and several processes on one machine:

* the database runs in WAL mode (readers never block the writer) with a busy timeout, and every
  read-then-write runs in one ``BEGIN IMMEDIATE`` transaction or as one statement (the version
  compare-and-swap is ``UPDATE … WHERE id = ? AND version = ?``; a take is
  ``DELETE … RETURNING``; a quota use is ``INSERT … ON CONFLICT DO UPDATE … WHERE used <
  limit``);
* connections are pooled per store object and used by one thread at a time; a process that
  inherits the store through ``fork`` leaves its parent's connections alone and opens its own,
  and a pickled store (``spawn``) carries only its path;
* named locks are ``flock`` locks on files beside the database (:mod:`._file_locks`): the kernel
  frees a lock the moment its holder dies, however it dies, and never overtakes a live one.
  Every acquisition opens its own file, so threads and coroutines of one process exclude each
  other as other processes do.

This module holds the store's operations. Beside it: the connections and their pool
(:mod:`._sqlite_connections`), the tables and their version (:mod:`._sqlite_schema`), and the
statements and row conversions (:mod:`._sqlite_rows`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import (
    AbstractContextManager,
    contextmanager,
)
from datetime import datetime
from typing import Any

from zoomlink._core import _columns, _limits
from zoomlink.booking import MeetingRecord, MeetingState
from zoomlink.errors import (
    ConfigurationError,
    DuplicateRecordError,
    StaleRecordError,
    StoreError,
)
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link
from zoomlink.outbox import PendingWork, WorkState
from zoomlink.stores._file_locks import FileLocks, lock_waits
from zoomlink.stores._sqlite_connections import BUSY_TIMEOUT, ConnectionPool, checked_path
from zoomlink.stores._sqlite_rows import (
    _FILL_QUOTA,
    _FORGET_QUOTAS,
    _INSERT_GRANT,
    _INSERT_RECORD,
    _ORDER_GRANTS,
    _ORDER_LINKS,
    _ORDER_RECORDS,
    _SELECT_GRANTS,
    _SELECT_LINKS,
    _SELECT_RECORDS,
    _SELECT_WORK,
    _SET_PREFERENCE,
    _TAKE_ATTEMPT,
    _TAKE_QUOTA,
    _UPDATE_GRANT,
    _UPDATE_RECORD,
    _UPDATE_WORK,
    _UPSERT_ATTEMPT,
    _UPSERT_LINK,
    _UPSERT_WORK,
    _attempt,
    _grant,
    _link,
    _matching,
    _quota_params,
    _record,
    _row,
    _time_text,
    _work,
)
from zoomlink.stores._sqlite_schema import SCHEMA_VERSION
from zoomlink.stores._sqlite_writer import writer_turn

__all__ = ["SCHEMA_VERSION", "SQLiteTokenStore"]


class SQLiteTokenStore:
    """Keeps connections in one SQLite file: the embedded default.

    Safe for many threads and for several processes on one machine (web workers, a
    scheduler, a CLI) sharing the file; named locks exclude all of them, and a lock whose holder
    died is free at once. The file must be on a local disk (WAL mode and file locks do not work
    over network file systems); for several machines use the PostgreSQL store. The file and
    its tables are created on first use, private to the user (mode 0600) when the file is new;
    the locks live in the folder ``<path>-locks`` beside it, and writers take turns through the
    file ``<path>-writer``. POSIX systems only (Linux, macOS).

    Args:
        path: The database file. Its directory must exist.

    Raises:
        ConfigurationError: The path is not usable (its directory is missing, it is a
            directory, or it names an in-memory database), or this is Windows.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if sqlite3.sqlite_version_info < (3, 35):
            raise ConfigurationError(
                "SQLiteTokenStore needs SQLite 3.35 or newer (for RETURNING); "
                f"this Python has {sqlite3.sqlite_version}"
            )
        self._path = checked_path(path)
        self._locks = FileLocks(self._path)
        self._pool = ConnectionPool(self._path, owner=repr(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self._path!r})"

    def __reduce__(self) -> tuple[type[SQLiteTokenStore], tuple[str]]:
        # Pickled (for a spawned process) as its path alone: the new process opens its own.
        return (type(self), (self._path,))

    def __enter__(self) -> SQLiteTokenStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def path(self) -> str:
        """The database file's absolute path."""
        return self._path

    # -- grants ---------------------------------------------------------------------------

    def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        with self._pool.connection("read a grant") as conn:
            row = conn.execute(_SELECT_GRANTS + " WHERE id = ?", (grant_id,)).fetchone()
        return None if row is None else _grant(row)

    def find_grants(
        self,
        *,
        client_id: str | None = None,
        zoom_user_id: str | None = None,
        zoom_account_id: str | None = None,
    ) -> list[Grant]:
        """Grants matching every given filter (all grants when none is given), by id."""
        filters = {
            "client_id": client_id,
            "zoom_user_id": zoom_user_id,
            "zoom_account_id": zoom_account_id,
        }
        with self._pool.connection("find grants") as conn:
            rows = conn.execute(
                _SELECT_GRANTS + _matching(filters) + _ORDER_GRANTS, filters
            ).fetchall()
        return [_grant(row) for row in rows]

    def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        self._add("grant", _INSERT_GRANT, grant, _columns.GRANT_COLUMNS)

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when the stored version differs or the grant
        is gone; nothing is written then.
        """
        self._swap("grant", _UPDATE_GRANT, grant, _columns.GRANT_COLUMNS, expected_version)

    def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        return self._remove("remove a grant", "DELETE FROM zoomlink_grants WHERE id = ?", grant_id)

    # -- links ----------------------------------------------------------------------------

    def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        with self._pool.connection("read a link") as conn:
            row = conn.execute(_SELECT_LINKS + " WHERE id = ?", (link_id,)).fetchone()
        return None if row is None else _link(row)

    def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        filters = {"tenant": tenant, "kind": kind, "owner_id": owner_id, "grant_id": grant_id}
        with self._pool.connection("find links") as conn:
            rows = conn.execute(
                _SELECT_LINKS + _matching(filters) + _ORDER_LINKS, filters
            ).fetchall()
        return [_link(row) for row in rows]

    def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        values = _row(link, _columns.LINK_COLUMNS)
        self._pool.write("store a link", lambda conn: conn.execute(_UPSERT_LINK, values))

    def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        return self._remove("remove a link", "DELETE FROM zoomlink_links WHERE id = ?", link_id)

    # -- attempts -------------------------------------------------------------------------

    def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight, forgetting those that expired before it began."""
        expired = (_time_text(attempt.created_at),)
        values = _row(attempt, _columns.ATTEMPT_COLUMNS)

        def add(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM zoomlink_attempts WHERE expires_at < ?", expired)
            conn.execute(_UPSERT_ATTEMPT, values)

        self._pool.write("add a connect attempt", add)

    def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once: a second call (anywhere) returns ``None``."""
        # DELETE … RETURNING is one statement: of concurrent takers only one gets the row.
        rows = self._pool.write(
            "take a connect attempt",
            lambda conn: conn.execute(_TAKE_ATTEMPT, (attempt_id,)).fetchall(),
        )
        return _attempt(rows[0]) if rows else None

    # -- meeting records ------------------------------------------------------------------

    def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        with self._pool.connection("read a meeting record") as conn:
            row = conn.execute(_SELECT_RECORDS + " WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else _record(row)

    def find_meeting_records(
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
        filters = {
            "tenant": tenant,
            "host_id": host_id,
            "booking_id": booking_id,
            "state": state,
            "connection_id": connection_id,
            "meeting_id": meeting_id,
        }
        with self._pool.connection("find meeting records") as conn:
            rows = conn.execute(
                _SELECT_RECORDS + _matching(filters) + _ORDER_RECORDS, filters
            ).fetchall()
        return [_record(row) for row in rows]

    def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record.

        Raises :class:`~zoomlink.DuplicateRecordError` if the id exists.
        """
        self._add("meeting record", _INSERT_RECORD, record, _columns.RECORD_COLUMNS)

    def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when it differs or the record is gone;
        nothing is written then.
        """
        self._swap(
            "meeting record", _UPDATE_RECORD, record, _columns.RECORD_COLUMNS, expected_version
        )

    def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        return self._remove(
            "remove a meeting record", "DELETE FROM zoomlink_meetings WHERE id = ?", record_id
        )

    # -- preferences ----------------------------------------------------------------------

    def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference (such as their default conferencing), or ``None``."""
        with self._pool.connection("read a preference") as conn:
            row = conn.execute(
                "SELECT value FROM zoomlink_preferences"
                " WHERE tenant = ? AND user_id = ? AND name = ?",
                (tenant, user_id, name),
            ).fetchone()
        return None if row is None else str(row[0])

    def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        values = (tenant, user_id, name, value)
        self._pool.write("store a preference", lambda conn: conn.execute(_SET_PREFERENCE, values))

    def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        return self._remove(
            "remove a preference",
            "DELETE FROM zoomlink_preferences WHERE tenant = ? AND user_id = ? AND name = ?",
            tenant,
            user_id,
            name,
        )

    # -- quotas ---------------------------------------------------------------------------

    def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used.

        Returns the uses counted so far including this one, or ``None`` (and counts nothing)
        when ``limit`` are used already. Quotas that expired well before ``expires_at`` are
        forgotten.
        """
        if limit < 1:
            return None
        expired = (_time_text(expires_at - _columns.QUOTA_GRACE),)
        params = _quota_params(name, limit, expires_at)

        def take(conn: sqlite3.Connection) -> list[Any]:
            conn.execute(_FORGET_QUOTAS, expired)
            return conn.execute(_TAKE_QUOTA, params).fetchall()

        rows = self._pool.write("count a quota use", take)
        return int(rows[0][0]) if rows else None

    def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        expired = (_time_text(expires_at - _columns.QUOTA_GRACE),)
        params = _quota_params(name, limit, expires_at)

        def fill(conn: sqlite3.Connection) -> None:
            conn.execute(_FORGET_QUOTAS, expired)
            conn.execute(_FILL_QUOTA, params)

        self._pool.write("fill a quota", fill)

    def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        with self._pool.connection("read a quota") as conn:
            row = conn.execute(
                "SELECT used FROM zoomlink_quotas WHERE name = ?", (name,)
            ).fetchone()
        return 0 if row is None else int(row[0])

    # -- versioned records (grants, meeting records) ---------------------------------------

    def _add(
        self, kind: str, statement: str, record: Grant | MeetingRecord, columns: Sequence[str]
    ) -> None:
        """Insert a new record; DuplicateRecordError if its id is taken."""
        values = _row(record, columns)
        added = self._pool.write(
            f"add a {kind}", lambda conn: conn.execute(statement, values).rowcount
        )
        if added != 1:
            raise DuplicateRecordError(f"{kind} {record.id} exists", record_id=record.id)

    def _swap(
        self,
        kind: str,
        statement: str,
        record: Grant | MeetingRecord,
        columns: Sequence[str],
        expected_version: int,
    ) -> None:
        """Replace a record if its stored version is ``expected_version``; else
        StaleRecordError."""
        values = [*_row(record, columns)[1:], record.id, expected_version]
        # One statement: the version check and the write cannot be split by another writer.
        updated = self._pool.write(
            f"update a {kind}", lambda conn: conn.execute(statement, values).rowcount
        )
        if updated != 1:
            raise StaleRecordError(
                f"{kind} {record.id} changed since version {expected_version}",
                record_id=record.id,
            )

    def _remove(self, action: str, statement: str, *key: object) -> bool:
        """Run a ``DELETE`` of one row; whether it was there."""
        return self._pool.write(action, lambda conn: conn.execute(statement, key).rowcount == 1)

    # -- locks ----------------------------------------------------------------------------

    def lock(self, name: str, *, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock ``name`` for the ``with`` block, excluding every other holder (other
        threads, and other processes using the same file).

        The lock is held for as long as the block runs, and no longer than its holder lives:
        should the holder's process die, however it dies, the lock is free at once.

        Raises:
            LockTimeoutError: The lock was not granted within ``timeout`` seconds.
        """
        return self._hold(name, timeout)

    @contextmanager
    def _hold(self, name: str, timeout: float) -> Iterator[None]:
        waits = lock_waits(name, timeout)
        while (held := self._try_lock(name)) is None:
            time.sleep(next(waits))
        try:
            yield
        finally:
            self._unlock(name, held)

    def _try_lock(self, name: str) -> int | None:
        """Take the lock ``name`` if it is free: its handle for :meth:`_unlock`, else None."""
        self._pool.check_open()
        return self._locks.try_acquire(name)

    def _unlock(self, name: str, held: int) -> None:
        """Give back the lock ``name`` taken as ``held``; never raises."""
        self._locks.release(name, held)

    # -- the outbox -----------------------------------------------------------------------

    def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work, replacing what it had; with ``expected_version``
        only that stored version (:class:`~zoomlink.StaleRecordError` otherwise)."""
        values = _row(work, _columns.WORK_COLUMNS)
        if expected_version is None:
            self._pool.write("keep pending work", lambda conn: conn.execute(_UPSERT_WORK, values))
            return
        swapped = [*values[1:], work.id, expected_version]
        changed = self._pool.write(
            "keep pending work", lambda conn: conn.execute(_UPDATE_WORK, swapped).rowcount
        )
        if changed != 1:
            raise StaleRecordError(
                f"pending work {work.id} changed since version {expected_version}",
                record_id=work.id,
            )

    def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id, or ``None``."""
        with self._pool.connection("read pending work") as conn:
            row = conn.execute(_SELECT_WORK + " WHERE id = ?", (work_id,)).fetchone()
        return None if row is None else _work(row)

    def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter, soonest due first, at most ``limit``."""
        where = _matching({"tenant": tenant, "state": state})
        params: dict[str, Any] = {"tenant": tenant, "state": state}
        if due_before is not None:
            where += (" AND" if where else " WHERE") + " not_before <= :due"
            params["due"] = _time_text(due_before)
        query = _SELECT_WORK + where + " ORDER BY not_before, id"
        if limit is not None:
            query += " LIMIT :limit"
            params["limit"] = limit
        with self._pool.connection("find pending work") as conn:
            rows = conn.execute(query, params).fetchall()
        return [_work(row) for row in rows]

    def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        if expected_version is None:
            return self._remove(
                "remove pending work", "DELETE FROM zoomlink_work WHERE id = ?", work_id
            )
        return self._remove(
            "remove pending work",
            "DELETE FROM zoomlink_work WHERE id = ? AND version = ?",
            work_id,
            expected_version,
        )

    # -- pacing ---------------------------------------------------------------------------

    def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name``, shared by every process using
        the file: the seconds to wait from now (less than 0 when the slot went by during the
        commit). See :meth:`zoomlink.TokenStore.pace`.

        One short write on the wall clock (every process of the machine shares it), which
        need not wait for the disk (it does when committed with writes that must): a pace lost
        to a power cut only lets the next second's requests out a little early.
        """
        return self._pace_until(name, rate=rate, window=window, pause=pause) - time.time()

    def _pace_until(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of ``name``, as :meth:`pace` does: the slot itself, a
        :func:`time.time` value.

        The wait is counted from the slot, not from this call's return: the commit, and the
        hop back to an event loop, must not make the request later than its slot, or requests
        reach Zoom closer together than their slots allow.
        """

        def take(conn: sqlite3.Connection) -> float:
            row = conn.execute(
                "SELECT state FROM zoomlink_paces WHERE name = ?", (name,)
            ).fetchone()
            now = time.time()
            state, delay = _limits.next_slot(
                _limits.PaceState.parse(None if row is None else row[0]),
                now,
                rate=rate,
                window=window,
                pause=pause,
            )
            conn.execute(
                "INSERT INTO zoomlink_paces (name, state) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
                (name, state.text()),
            )
            return now + delay

        return self._pool.write("take a send slot", take, durable=False)

    # -- erasing --------------------------------------------------------------------------

    def erase_deleted(self) -> None:
        """Copy the write-ahead log into the database and empty it, so that old versions of
        purged rows are not left in the ``-wal`` file.

        Deleted content in the database file itself is already zeroed (``secure_delete``). The
        checkpoint waits, up to the busy timeout, for readers of older snapshots to finish.

        Raises:
            StoreError: The log could not be emptied (a reader held an old snapshot throughout);
                the purged values stay in the log until a later checkpoint.
        """
        with (
            writer_turn(self._path, timeout=BUSY_TIMEOUT),
            self._pool.connection("empty the write-ahead log") as conn,
        ):
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise StoreError(
                f"SQLite could not empty the write-ahead log of {self._path!r}: "
                "another connection kept reading an older snapshot"
            )

    # -- closing --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store's connections. Using the store afterwards raises StoreError."""
        self._pool.close()
