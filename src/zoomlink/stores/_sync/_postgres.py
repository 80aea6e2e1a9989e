# This file is generated from src/zoomlink/stores/_async/_postgres.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""PostgresTokenStore: the token store for several machines, on PostgreSQL (psycopg 3).

Every operation is one statement (or one short transaction) on a pooled connection, so the
store's promises hold across every process and machine using the database: the version
compare-and-swap is ``UPDATE … WHERE id = %s AND version = %s``, a take is
``DELETE … RETURNING``, a quota use is ``INSERT … ON CONFLICT DO UPDATE … WHERE used < limit``.
Named locks are session-level advisory locks: the holder keeps one pooled connection for the
whole block, and a holder whose connection or machine dies loses the lock with its session.
Waiters poll ``pg_try_advisory_lock`` and hold no connection between tries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from time import monotonic
from types import TracebackType

from psycopg import Connection, sql
from psycopg.abc import Params
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from zoomlink._core import _columns, _limits
from zoomlink._precedence import OldestFirst
from zoomlink.booking import MeetingRecord, MeetingState
from zoomlink.errors import (
    ConfigurationError,
    DuplicateRecordError,
    StaleRecordError,
    StoreError,
)
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link
from zoomlink.outbox import PendingWork, WorkState
from zoomlink.stores._postgres_locks import AdvisoryLocks
from zoomlink.stores._postgres_sql import (
    ADDED_COLUMNS,
    CREATE_TABLES,
    LOCK_KEY,
    PREFIX,
    SCHEMA_VERSION,
    describe,
    errors,
    queries,
    row_fields,
    row_values,
)

__all__ = ["SCHEMA_VERSION", "PostgresTokenStore"]


class PostgresTokenStore:
    """Keeps connections in PostgreSQL, for several app servers sharing one database.

    Tables are created on first use (``<table_prefix>grants``, ``…links``, ``…attempts``,
    ``…meetings``, ``…preferences``, ``…quotas``, ``…paces``, ``…work`` and ``…schema``), and
    the function ``…take_slot`` that takes send slots. The connection pool opens
    on first use too, or with :meth:`open`; close the store with :meth:`close` (or let
    ``with`` open and close it). A store object belongs to one event loop (its pool's).

    Named locks are PostgreSQL advisory locks, excluding holders on every machine. Every lock
    the store object holds sits on one session of its own, apart from the pool its work uses
    (the callers for one name queue in the process, and one of them polls the server): any
    number of bookings in flight hold their locks on that one connection, and a holder never
    competes for a connection with the work it does while holding them. A store opens at most
    ``max_size`` connections for its work and one for its locks (two while replacing one
    that broke).

    Args:
        conninfo: A libpq connection string or URL (``postgresql://user:pw@host/db``).
        min_size: Connections the pool keeps open.
        max_size: The most connections each pool opens (at least 2).
        table_prefix: Prefix of the table names, and namespace of the lock names, so several
            applications can share a database.

    Raises:
        ConfigurationError: The pool sizes, prefix or conninfo are not usable.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        table_prefix: str = "zoomlink_",
    ) -> None:
        if not isinstance(conninfo, str):
            raise ConfigurationError(
                f"conninfo must be a PostgreSQL connection string, not {type(conninfo).__name__}"
            )
        sizes: tuple[object, ...] = (min_size, max_size)
        if not all(type(size) is int for size in sizes):  # bool is an int
            raise ConfigurationError("min_size and max_size must be whole numbers")
        if not isinstance(table_prefix, str):
            raise ConfigurationError(f"table_prefix must be a string, got {table_prefix!r}")
        if max_size < 2:
            raise ConfigurationError(
                f"max_size must be at least 2 (a held lock keeps a connection), got {max_size}"
            )
        if not 0 <= min_size <= max_size:
            raise ConfigurationError(f"min_size must be 0 to max_size, got {min_size}")
        if table_prefix and not PREFIX.fullmatch(table_prefix):
            raise ConfigurationError(
                "table_prefix must be lower-case letters, digits and underscores, up to 32, "
                f"not starting with a digit; got {table_prefix!r}"
            )
        self._where = describe(conninfo)
        self._prefix = table_prefix
        self._sql = queries(table_prefix)
        self._pool: ConnectionPool[Connection[TupleRow]] = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            # Each statement commits by itself; multi-statement work opens a transaction.
            kwargs={"autocommit": True},
            open=False,
        )
        # The session that holds the advisory locks: never one that their holders' work needs.
        self._lock_pool: ConnectionPool[Connection[TupleRow]] = ConnectionPool(
            conninfo,
            min_size=min(min_size, 1),
            max_size=2,
            kwargs={"autocommit": True},
            open=False,
        )
        # Queries wait for a connection here, the oldest operation's first (the pool itself
        # would serve them in the order they asked: see zoomlink._precedence).
        self._turns = OldestFirst(
            max_size,
            timeout=self._pool.timeout,
            name=f"a connection of {type(self).__name__}({self._where.removesuffix(', ')})",
        )
        self._locks = AdvisoryLocks(self._opened_locks)
        self._ready = False
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._where}table_prefix={self._prefix!r})"

    def __enter__(self) -> PostgresTokenStore:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open the pools (waiting for their first connections) and create the tables if
        missing; the first use does it otherwise."""
        with errors("open the store"):
            self._opened()
            self._lock_pool.wait()

    def close(self) -> None:
        """Close the pools. Using the store afterwards raises StoreError."""
        self._closed = True
        self._locks.close()
        self._lock_pool.close()
        self._pool.close()

    # -- grants ---------------------------------------------------------------------------

    def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        rows, _ = self._run("read a grant", "get_grant", [grant_id])
        return Grant(**row_fields(rows[0], _columns.GRANT_COLUMNS)) if rows else None

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
        rows, _ = self._run("find grants", "find_grants", filters)
        return [Grant(**row_fields(row, _columns.GRANT_COLUMNS)) for row in rows]

    def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        self._add("grant", "add_grant", grant, _columns.GRANT_COLUMNS)

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when the stored version differs or the grant
        is gone; nothing is written then.
        """
        self._swap("grant", "update_grant", grant, _columns.GRANT_COLUMNS, expected_version)

    def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        _, removed = self._run("remove a grant", "remove_grant", [grant_id])
        return removed == 1

    # -- links ----------------------------------------------------------------------------

    def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        rows, _ = self._run("read a link", "get_link", [link_id])
        return Link(**row_fields(rows[0], _columns.LINK_COLUMNS)) if rows else None

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
        rows, _ = self._run("find links", "find_links", filters)
        return [Link(**row_fields(row, _columns.LINK_COLUMNS)) for row in rows]

    def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        self._run("store a link", "put_link", row_values(link, _columns.LINK_COLUMNS))

    def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        _, removed = self._run("remove a link", "remove_link", [link_id])
        return removed == 1

    # -- attempts -------------------------------------------------------------------------

    def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight, forgetting those that expired before it began."""
        with self._connection("add a connect attempt") as conn, conn.transaction():
            conn.execute(self._sql["forget_attempts"], [attempt.created_at])
            conn.execute(
                self._sql["add_attempt"], row_values(attempt, _columns.ATTEMPT_COLUMNS)
            )

    def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once: a second call (anywhere) returns ``None``."""
        # DELETE … RETURNING is one statement: of concurrent takers only one gets the row.
        rows, _ = self._run("take a connect attempt", "take_attempt", [attempt_id])
        return ConnectAttempt(**row_fields(rows[0], _columns.ATTEMPT_COLUMNS)) if rows else None

    # -- meeting records ------------------------------------------------------------------

    def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        rows, _ = self._run("read a meeting record", "get_meeting_record", [record_id])
        return MeetingRecord(**row_fields(rows[0], _columns.RECORD_COLUMNS)) if rows else None

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
        rows, _ = self._run("find meeting records", "find_meeting_records", filters)
        return [MeetingRecord(**row_fields(row, _columns.RECORD_COLUMNS)) for row in rows]

    def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record.

        Raises :class:`~zoomlink.DuplicateRecordError` if the id exists.
        """
        self._add("meeting record", "add_meeting_record", record, _columns.RECORD_COLUMNS)

    def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when it differs or the record is gone;
        nothing is written then.
        """
        self._swap(
            "meeting record",
            "update_meeting_record",
            record,
            _columns.RECORD_COLUMNS,
            expected_version,
        )

    def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        _, removed = self._run(
            "remove a meeting record", "remove_meeting_record", [record_id]
        )
        return removed == 1

    # -- preferences ----------------------------------------------------------------------

    # -- the outbox -----------------------------------------------------------------------

    def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work, replacing what it had; with ``expected_version``
        only that stored version (:class:`~zoomlink.StaleRecordError` otherwise)."""
        values = row_values(work, _columns.WORK_COLUMNS)
        if expected_version is None:
            self._run("keep pending work", "put_work", values)
            return
        params = [*values[1:], work.id, expected_version]
        _, changed = self._run("keep pending work", "update_work", params)
        if changed != 1:
            raise StaleRecordError(
                f"pending work {work.id} changed since version {expected_version}",
                record_id=work.id,
            )

    def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id, or ``None``."""
        rows, _ = self._run("read pending work", "get_work", [work_id])
        return PendingWork(**row_fields(rows[0], _columns.WORK_COLUMNS)) if rows else None

    def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter, soonest due first, at most ``limit``."""
        params = {"tenant": tenant, "state": state, "due": due_before, "limit": limit}
        rows, _ = self._run("find pending work", "find_work", params)
        return [PendingWork(**row_fields(row, _columns.WORK_COLUMNS)) for row in rows]

    def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        if expected_version is None:
            _, gone = self._run("remove pending work", "remove_work", [work_id])
        else:
            params = [work_id, expected_version]
            _, gone = self._run("remove pending work", "remove_work_at", params)
        return gone == 1

    def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference (such as their default conferencing), or ``None``."""
        rows, _ = self._run("read a preference", "get_preference", [tenant, user_id, name])
        return str(rows[0][0]) if rows else None

    def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        self._run("store a preference", "set_preference", [tenant, user_id, name, value])

    def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        _, removed = self._run(
            "remove a preference", "remove_preference", [tenant, user_id, name]
        )
        return removed == 1

    # -- quotas ---------------------------------------------------------------------------

    def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used.

        Returns the uses counted so far including this one, or ``None`` (and counts nothing)
        when ``limit`` are used already. Quotas that expired well before ``expires_at`` are
        forgotten.
        """
        if limit < 1:
            return None
        rows = self._count_quota("count a quota use", "take_quota", name, limit, expires_at)
        return int(rows[0][0]) if rows else None

    def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        self._count_quota("fill a quota", "fill_quota", name, limit, expires_at)

    def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        rows, _ = self._run("read a quota", "quota_used", [name])
        return int(rows[0][0]) if rows else 0

    def _add(
        self, kind: str, query: str, record: Grant | MeetingRecord, columns: Sequence[str]
    ) -> None:
        """Insert a new record; DuplicateRecordError if its id is taken."""
        _, added = self._run(f"add a {kind}", query, row_values(record, columns))
        if added != 1:
            raise DuplicateRecordError(f"{kind} {record.id} exists", record_id=record.id)

    def _swap(
        self,
        kind: str,
        query: str,
        record: Grant | MeetingRecord,
        columns: Sequence[str],
        expected_version: int,
    ) -> None:
        """Replace a record if its stored version is ``expected_version``; else
        StaleRecordError."""
        # One statement: the version check and the write cannot be split by another writer.
        values = [*row_values(record, columns)[1:], record.id, expected_version]
        _, updated = self._run(f"update a {kind}", query, values)
        if updated != 1:
            raise StaleRecordError(
                f"{kind} {record.id} changed since version {expected_version}",
                record_id=record.id,
            )

    def _count_quota(
        self, action: str, query: str, name: str, limit: int, expires_at: datetime
    ) -> list[TupleRow]:
        """Forget long-expired quotas, then run ``query`` on ``name``: its rows."""
        params = {"name": name, "limit": limit, "expires_at": expires_at}
        with self._connection(action) as conn, conn.transaction():
            conn.execute(self._sql["forget_quotas"], [expires_at - _columns.QUOTA_GRACE])
            cursor = conn.execute(self._sql[query], params)
            return cursor.fetchall() if cursor.description is not None else []

    # -- pacing ---------------------------------------------------------------------------

    def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name``, shared by every machine using
        the database: the seconds to wait. One statement on the server's clock (the server
        computes the slot, so the pace's row is locked only while it does); see
        :meth:`zoomlink.TokenStore.pace`.

        The wait is counted from this call's return: the time since the answer came (a busy
        event loop) is taken off, down to less than 0."""
        arguments = [
            name,
            rate,
            window,
            pause,
            _limits.STRETCH_STEP,
            _limits.STRETCH_MOST,
            _limits.STRETCH_DECAY,
        ]
        with self._connection("take a send slot") as conn:
            cursor = conn.execute(self._sql["take_slot"], arguments)
            row = cursor.fetchone()
            answered = monotonic()
        assert row is not None  # the function always returns a row
        return float(row[0]) - (monotonic() - answered)

    # -- locks ----------------------------------------------------------------------------

    def lock(self, name: str, *, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock ``name`` for the ``with`` block, excluding every other holder on
        every machine using the database.

        The lock lives as long as the session holding it: if the holder's process or machine
        dies, PostgreSQL releases it when the connection drops. Two holders in one process
        queue for it in the process.

        Raises:
            LockTimeoutError: The lock was not granted within ``timeout`` seconds (waiting in
                the process, and opening the lock session, count).
        """
        return self._locks.hold(name, self._lock_key(name), timeout)

    # -- erasing --------------------------------------------------------------------------

    def erase_deleted(self) -> None:
        """Nothing a client can do at once: PostgreSQL keeps the old versions of updated and
        deleted rows (and its write-ahead log) until ``VACUUM`` reclaims them and the log
        segments are recycled. Run ``VACUUM`` on zoomlink's tables after purges (autovacuum
        does it eventually) to remove purged values from the table files; see "Deploying
        zoomlink" in the documentation."""

    # -- plumbing -------------------------------------------------------------------------

    def _lock_key(self, name: str) -> str:
        # The prefix namespaces the locks as it does the tables.
        return f"{self._prefix}lock:{name}"

    def _opened_locks(self) -> ConnectionPool[Connection[TupleRow]]:
        """The pool of lock-holding sessions, opened (the tables are made first)."""
        self._opened()
        return self._lock_pool

    def _opened(self) -> ConnectionPool[Connection[TupleRow]]:
        """The pool, opened and with the tables in place (both done once, on first use)."""
        if self._closed:
            raise StoreError(f"{self!r} is closed")
        if not self._ready:
            # Safe to call concurrently and repeatedly: the pools open once.
            self._pool.open()
            self._lock_pool.open()
            with self._pool.connection() as conn, conn.transaction():
                # Concurrent CREATE … IF NOT EXISTS can still collide: serialise the creators.
                conn.execute(
                    sql.SQL(LOCK_KEY).format(function=sql.SQL("pg_advisory_xact_lock")),
                    [f"{self._prefix}schema"],
                )
                conn.execute(self._sql["create_schema"])
                cursor = conn.execute(self._sql["schema_version"])
                row = cursor.fetchone()
                version = None if row is None else row[0]
                if version is not None and version > SCHEMA_VERSION:
                    raise ConfigurationError(
                        f"the database holds zoomlink tables of version {version}, newer than "
                        f"this zoomlink's {SCHEMA_VERSION}; upgrade zoomlink"
                    )
                for index in range(len(CREATE_TABLES)):
                    conn.execute(self._sql[f"create_{index}"])
                conn.execute(self._sql["create_take_slot"])
                self._add_columns(conn)
                if version is None:
                    conn.execute(self._sql["set_schema_version"], [SCHEMA_VERSION])
                # Later versions migrate here, from ``version`` up to SCHEMA_VERSION.
            self._ready = True
        return self._pool

    def _add_columns(self, conn: Connection[TupleRow]) -> None:
        """Add the columns of ``ADDED_COLUMNS`` that tables made by an older zoomlink lack.

        Runs under the schema lock, inside the set-up's transaction. The columns present are
        read first, so an up-to-date table is not locked (ALTER TABLE takes an exclusive lock
        even when IF NOT EXISTS finds nothing to do).
        """
        for table, added in ADDED_COLUMNS:
            cursor = conn.execute(self._sql["table_columns"], [self._prefix + table])
            present = {str(name) for (name,) in cursor.fetchall()}
            if any(column not in present for column, _ in added):
                conn.execute(self._sql[f"add_columns_{table}"])

    @contextmanager
    def _connection(self, action: str) -> Iterator[Connection[TupleRow]]:
        """A connection of the pool for one query or transaction, taken in turn; errors
        become StoreErrors saying what ``action`` could not do."""
        with errors(action):
            pool = self._opened()
            with self._turns.turn(), pool.connection() as conn:
                yield conn

    def _run(self, action: str, query: str, params: Params) -> tuple[list[TupleRow], int]:
        """Run one statement on a pooled connection: its rows (if any) and its row count."""
        with self._connection(action) as conn:
            cursor = conn.execute(self._sql[query], params)
            rows = cursor.fetchall() if cursor.description is not None else []
            return rows, cursor.rowcount
