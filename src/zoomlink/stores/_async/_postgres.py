"""AsyncPostgresTokenStore: the token store for several machines, on PostgreSQL (psycopg 3).

Every operation is one statement (or one short transaction) on a pooled connection, so the
store's promises hold across every process and machine using the database: the version
compare-and-swap is ``UPDATE … WHERE id = %s AND version = %s``, a take is
``DELETE … RETURNING``, a quota use is ``INSERT … ON CONFLICT DO UPDATE … WHERE used < limit``.
Named locks are session-level advisory locks: the holder keeps one pooled connection for the
whole block, and a holder whose connection or machine dies loses the lock with its session.
Waiters poll ``pg_try_advisory_lock`` and hold no connection between tries.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import datetime, timezone
from time import monotonic
from types import TracebackType
from typing import Any

import attrs
import psycopg
from psycopg import AsyncConnection, sql
from psycopg.abc import Params
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from zoomlink._core import _columns, _limits
from zoomlink._locks import current_owner
from zoomlink.booking import MeetingOccurrence, MeetingRecord, MeetingState
from zoomlink.errors import (
    ConfigurationError,
    DuplicateRecordError,
    LockTimeoutError,
    StaleRecordError,
    StoreError,
)
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link
from zoomlink.outbox import PendingWork, WorkState

__all__ = ["SCHEMA_VERSION", "AsyncPostgresTokenStore"]

SCHEMA_VERSION = 1
"""The version of the tables this code writes; recorded in ``<prefix>schema``."""

# Table names are built from the prefix: lower-case letters, digits and underscores, short
# enough that the longest index name stays within PostgreSQL's 63 bytes.
_PREFIX = re.compile(r"[a-z_][a-z0-9_]{0,31}")

_CREATE_TABLES = (
    """CREATE TABLE IF NOT EXISTS {grants} (
        id text PRIMARY KEY, client_id text NOT NULL, app_kind text NOT NULL,
        zoom_user_id text NOT NULL, zoom_email text NOT NULL, zoom_account_id text NOT NULL,
        zoom_role text NOT NULL, scopes text[] NOT NULL, api_url text, status text NOT NULL,
        status_reason text NOT NULL, incident_id text, sealed_access_token text,
        sealed_refresh_token text, expires_at timestamptz, created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL, version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {grants_client} ON {grants} (client_id)",
    "CREATE INDEX IF NOT EXISTS {grants_zoom_user} ON {grants} (zoom_user_id)",
    """CREATE TABLE IF NOT EXISTS {links} (
        id text PRIMARY KEY, tenant text NOT NULL, kind text NOT NULL, owner_id text,
        grant_id text NOT NULL, connected_by text NOT NULL, completed_by text,
        created_at timestamptz NOT NULL, disconnected_at timestamptz,
        purge text NOT NULL DEFAULT 'none', uninstalled_at timestamptz, incident_id text)""",
    "CREATE INDEX IF NOT EXISTS {links_tenant} ON {links} (tenant, created_at)",
    "CREATE INDEX IF NOT EXISTS {links_grant} ON {links} (grant_id)",
    """CREATE TABLE IF NOT EXISTS {attempts} (
        id text PRIMARY KEY, tenant text NOT NULL, kind text NOT NULL, user_id text NOT NULL,
        client_id text NOT NULL, sealed_verifier text NOT NULL,
        created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {attempts_expiry} ON {attempts} (expires_at)",
    # Added within version 1: CREATE … IF NOT EXISTS adds them to older databases on first use.
    """CREATE TABLE IF NOT EXISTS {meetings} (
        id text PRIMARY KEY, tenant text NOT NULL, booking_id text NOT NULL,
        host_id text NOT NULL, event_type_id text NOT NULL, connection_id text NOT NULL,
        zoom_user text NOT NULL, quota_user text NOT NULL, marker text NOT NULL,
        state text NOT NULL, meeting_id bigint, join_url text NOT NULL, password text NOT NULL,
        topic text NOT NULL, start timestamptz NOT NULL, "end" timestamptz NOT NULL,
        timezone text NOT NULL, recreated integer NOT NULL, announced boolean NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
        version bigint NOT NULL, recurrence text NOT NULL DEFAULT '',
        occurrences jsonb NOT NULL DEFAULT '[]', in_zoom text NOT NULL DEFAULT 'as_booked',
        calendars text[] NOT NULL DEFAULT '{{}}')""",
    "CREATE INDEX IF NOT EXISTS {meetings_tenant} ON {meetings} (tenant, start)",
    "CREATE INDEX IF NOT EXISTS {meetings_host} ON {meetings} (host_id, start)",
    "CREATE INDEX IF NOT EXISTS {meetings_connection} ON {meetings} (connection_id)",
    "CREATE INDEX IF NOT EXISTS {meetings_meeting} ON {meetings} (meeting_id)",
    """CREATE TABLE IF NOT EXISTS {preferences} (
        tenant text NOT NULL, user_id text NOT NULL, name text NOT NULL, value text NOT NULL,
        PRIMARY KEY (tenant, user_id, name))""",
    """CREATE TABLE IF NOT EXISTS {quotas} (
        name text PRIMARY KEY, used integer NOT NULL, expires_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {quotas_expiry} ON {quotas} (expires_at)",
    # The outbox: a booking's Zoom work kept for later (one row per booking: its record id).
    """CREATE TABLE IF NOT EXISTS {work} (
        id text PRIMARY KEY, tenant text NOT NULL, booking_id text NOT NULL,
        intent text NOT NULL, booking text NOT NULL, options text NOT NULL, state text NOT NULL,
        not_before timestamptz NOT NULL, attempts integer NOT NULL, last_error text NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {work_due} ON {work} (state, not_before)",
    # state: a send limit's recent slots, in seconds of the server's clock: PaceState.
    """CREATE TABLE IF NOT EXISTS {paces} (name text PRIMARY KEY, state text NOT NULL)""",
)
# Columns added within version 1 to tables that older databases already have: the table's
# name (a key of _NAMES), then the columns with their definitions. The defaults give the rows
# already there their meaning (a one-off meeting: no rule, no occurrences, as booked, on no
# calendar recorded; a link never purged nor uninstalled). The occurrences are a JSON array of
# {"occurrence_id", "start", "end", "state"} objects, times as fixed-width ISO-8601 UTC text
# (``2026-03-01T09:00:00.000000Z``); the calendars an array of app user ids.
_ADDED_COLUMNS = (
    (
        "meetings",
        (
            ("recurrence", "text NOT NULL DEFAULT ''"),
            ("occurrences", "jsonb NOT NULL DEFAULT '[]'"),
            ("in_zoom", "text NOT NULL DEFAULT 'as_booked'"),
            ("calendars", "text[] NOT NULL DEFAULT '{}'"),
        ),
    ),
    (
        "links",
        (
            ("purge", "text NOT NULL DEFAULT 'none'"),
            ("uninstalled_at", "timestamptz"),
            ("incident_id", "text"),
        ),
    ),
)
_NAMES = (
    "schema",
    "grants",
    "grants_client",
    "grants_zoom_user",
    "links",
    "links_tenant",
    "links_grant",
    "attempts",
    "attempts_expiry",
    "meetings",
    "meetings_tenant",
    "meetings_host",
    "meetings_connection",
    "meetings_meeting",
    "preferences",
    "quotas",
    "quotas_expiry",
    "paces",
    "work",
    "work_due",
)
# Ids sort as Python sorts strings (by code point), whatever the database's collation.
_FIND_GRANTS = """SELECT {columns} FROM {grants}
    WHERE (%(client_id)s::text IS NULL OR client_id = %(client_id)s::text)
    AND (%(zoom_user_id)s::text IS NULL OR zoom_user_id = %(zoom_user_id)s::text)
    AND (%(zoom_account_id)s::text IS NULL OR zoom_account_id = %(zoom_account_id)s::text)
    ORDER BY id COLLATE "C"
"""
_FIND_LINKS = """SELECT {columns} FROM {links}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(kind)s::text IS NULL OR kind = %(kind)s::text)
    AND (%(owner_id)s::text IS NULL OR owner_id = %(owner_id)s::text)
    AND (%(grant_id)s::text IS NULL OR grant_id = %(grant_id)s::text)
    ORDER BY created_at, id COLLATE "C"
"""
_FIND_WORK = """SELECT {columns} FROM {work}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(state)s::text IS NULL OR state = %(state)s::text)
    AND (%(due)s::timestamptz IS NULL OR not_before <= %(due)s::timestamptz)
    ORDER BY not_before, id COLLATE "C"
    LIMIT %(limit)s
"""
_FIND_MEETINGS = """SELECT {columns} FROM {meetings}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(host_id)s::text IS NULL OR host_id = %(host_id)s::text)
    AND (%(booking_id)s::text IS NULL OR booking_id = %(booking_id)s::text)
    AND (%(state)s::text IS NULL OR state = %(state)s::text)
    AND (%(connection_id)s::text IS NULL OR connection_id = %(connection_id)s::text)
    AND (%(meeting_id)s::bigint IS NULL OR meeting_id = %(meeting_id)s::bigint)
    ORDER BY start, id COLLATE "C"
"""
# Rows another transaction is forgetting (or counting) are skipped, so forgetters never wait.
_FORGET_QUOTAS = """DELETE FROM {quotas} WHERE name IN (
    SELECT name FROM {quotas} WHERE expires_at < %s FOR UPDATE SKIP LOCKED)"""
# A send limit is read and written in one transaction, its row locked, on the server's clock
# (so every machine shares one pace); zoomlink._core._limits.next_slot computes the slot.
_NEW_PACE = "INSERT INTO {paces} (name, state) VALUES (%s, '') ON CONFLICT (name) DO NOTHING"
_LOCK_PACE = """SELECT state, extract(epoch FROM clock_timestamp())::float8
    FROM {paces} WHERE name = %s FOR UPDATE"""
_SET_PACE = "UPDATE {paces} SET state = %s WHERE name = %s"
# One statement: the limit check and the count cannot be split by another writer. When the
# quota is used up the WHERE leaves the row alone and nothing is returned.
_TAKE_QUOTA = """INSERT INTO {quotas} AS q (name, used, expires_at)
    VALUES (%(name)s, 1, %(expires_at)s)
    ON CONFLICT (name) DO UPDATE
    SET used = q.used + 1, expires_at = GREATEST(q.expires_at, EXCLUDED.expires_at)
    WHERE q.used < %(limit)s
    RETURNING used"""
_FILL_QUOTA = """INSERT INTO {quotas} AS q (name, used, expires_at)
    VALUES (%(name)s, %(limit)s, %(expires_at)s)
    ON CONFLICT (name) DO UPDATE
    SET used = EXCLUDED.used, expires_at = GREATEST(q.expires_at, EXCLUDED.expires_at)"""
_LOCK_KEY = "SELECT {function}(hashtextextended(%s, 0))"
# How long a lock waiter sleeps between tries: doubling from the first to the most.
_LOCK_POLL_FIRST = 0.005
_LOCK_POLL_MAX = 0.1


def _time_text(moment: datetime) -> str:
    """Fixed-width ISO-8601 UTC text: ``2026-03-01T09:00:00.000000Z``."""
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _text_time(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=timezone.utc)


def _occurrences_json(occurrences: Sequence[MeetingOccurrence]) -> Jsonb:
    """A meeting's occurrences as the value of the ``occurrences`` column."""
    return Jsonb(
        [
            {
                "occurrence_id": occurrence.occurrence_id,
                "start": _time_text(occurrence.start),
                "end": _time_text(occurrence.end),
                "state": occurrence.state,
            }
            for occurrence in occurrences
        ]
    )


def _json_occurrences(items: Sequence[dict[str, Any]]) -> tuple[MeetingOccurrence, ...]:
    return tuple(
        MeetingOccurrence(
            occurrence_id=item["occurrence_id"],
            start=_text_time(item["start"]),
            end=_text_time(item["end"]),
            state=item["state"],
        )
        for item in items
    )


def _values(
    record: Grant | Link | ConnectAttempt | MeetingRecord | PendingWork, columns: Sequence[str]
) -> list[Any]:
    values: list[Any] = []
    for column in columns:
        value = getattr(record, column)
        if column in _columns.LISTS:
            value = list(value)
        elif column == "occurrences":
            value = _occurrences_json(value)
        values.append(value)
    return values


def _fields(row: Sequence[Any], columns: Sequence[str]) -> dict[str, Any]:
    fields = dict(zip(columns, row, strict=True))
    for column in _columns.TIMES.intersection(fields):
        if fields[column] is not None:
            # Read back in UTC, whatever the session's TimeZone.
            fields[column] = fields[column].astimezone(timezone.utc)
    for column in _columns.LISTS.intersection(fields):
        fields[column] = tuple(fields[column])
    if "occurrences" in fields:
        # psycopg reads jsonb as Python lists and dicts.
        fields["occurrences"] = _json_occurrences(fields["occurrences"])
    return fields


def _queries(prefix: str) -> dict[str, sql.Composed]:
    """Every statement, with this store's table names filled in."""
    names = {name: sql.Identifier(prefix + name) for name in _NAMES}

    def columns(names: Sequence[str]) -> sql.Composed:
        return sql.SQL(", ").join(map(sql.Identifier, names))

    def marks(names: Sequence[str]) -> sql.Composed:
        return sql.SQL(", ").join(sql.Placeholder() for _ in names)

    def assignments(names: Sequence[str], source: str) -> sql.Composed:
        # Every column but the id: "name = %s" or "name = EXCLUDED.name".
        template = sql.SQL("{0} = %s") if source == "%s" else sql.SQL("{0} = EXCLUDED.{0}")
        return sql.SQL(", ").join(template.format(sql.Identifier(name)) for name in names[1:])

    def upsert(table: str, names: Sequence[str]) -> sql.Composed:
        return sql.SQL(
            "INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {set}"
        ).format(
            table=sql.Identifier(prefix + table),
            columns=columns(names),
            marks=marks(names),
            set=assignments(names, "EXCLUDED"),
        )

    grant_columns, link_columns = columns(_columns.GRANT_COLUMNS), columns(_columns.LINK_COLUMNS)
    record_columns = columns(_columns.RECORD_COLUMNS)
    queries = {
        f"create_{index}": sql.SQL(statement).format(**names)
        for index, statement in enumerate(_CREATE_TABLES)
    }
    for table, added in _ADDED_COLUMNS:
        queries[f"add_columns_{table}"] = sql.SQL("ALTER TABLE {table} {columns}").format(
            table=names[table],
            columns=sql.SQL(", ").join(
                sql.SQL("ADD COLUMN IF NOT EXISTS {} {}").format(
                    sql.Identifier(column), sql.SQL(definition)
                )
                for column, definition in added
            ),
        )
    queries.update(
        create_schema=sql.SQL(
            "CREATE TABLE IF NOT EXISTS {schema} (version integer NOT NULL)"
        ).format(**names),
        schema_version=sql.SQL("SELECT max(version) FROM {schema}").format(**names),
        # The columns a table has, resolved by name as every other statement resolves it.
        table_columns=sql.SQL(
            "SELECT attname FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
        ).format(),
        set_schema_version=sql.SQL("INSERT INTO {schema} (version) VALUES (%s)").format(**names),
        get_grant=sql.SQL("SELECT {c} FROM {grants} WHERE id = %s").format(
            c=grant_columns, **names
        ),
        find_grants=sql.SQL(_FIND_GRANTS).format(columns=grant_columns, **names),
        add_grant=sql.SQL(
            "INSERT INTO {grants} ({c}) VALUES ({m}) ON CONFLICT (id) DO NOTHING"
        ).format(c=grant_columns, m=marks(_columns.GRANT_COLUMNS), **names),
        update_grant=sql.SQL("UPDATE {grants} SET {a} WHERE id = %s AND version = %s").format(
            a=assignments(_columns.GRANT_COLUMNS, "%s"), **names
        ),
        remove_grant=sql.SQL("DELETE FROM {grants} WHERE id = %s").format(**names),
        get_link=sql.SQL("SELECT {c} FROM {links} WHERE id = %s").format(c=link_columns, **names),
        find_links=sql.SQL(_FIND_LINKS).format(columns=link_columns, **names),
        put_link=upsert("links", _columns.LINK_COLUMNS),
        remove_link=sql.SQL("DELETE FROM {links} WHERE id = %s").format(**names),
        forget_attempts=sql.SQL("DELETE FROM {attempts} WHERE expires_at < %s").format(**names),
        add_attempt=upsert("attempts", _columns.ATTEMPT_COLUMNS),
        take_attempt=sql.SQL("DELETE FROM {attempts} WHERE id = %s RETURNING {c}").format(
            c=columns(_columns.ATTEMPT_COLUMNS), **names
        ),
        get_meeting_record=sql.SQL("SELECT {c} FROM {meetings} WHERE id = %s").format(
            c=record_columns, **names
        ),
        find_meeting_records=sql.SQL(_FIND_MEETINGS).format(columns=record_columns, **names),
        add_meeting_record=sql.SQL(
            "INSERT INTO {meetings} ({c}) VALUES ({m}) ON CONFLICT (id) DO NOTHING"
        ).format(c=record_columns, m=marks(_columns.RECORD_COLUMNS), **names),
        update_meeting_record=sql.SQL(
            "UPDATE {meetings} SET {a} WHERE id = %s AND version = %s"
        ).format(a=assignments(_columns.RECORD_COLUMNS, "%s"), **names),
        remove_meeting_record=sql.SQL("DELETE FROM {meetings} WHERE id = %s").format(**names),
        get_preference=sql.SQL(
            "SELECT value FROM {preferences} WHERE tenant = %s AND user_id = %s AND name = %s"
        ).format(**names),
        set_preference=sql.SQL(
            "INSERT INTO {preferences} (tenant, user_id, name, value) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (tenant, user_id, name) DO UPDATE SET value = EXCLUDED.value"
        ).format(**names),
        remove_preference=sql.SQL(
            "DELETE FROM {preferences} WHERE tenant = %s AND user_id = %s AND name = %s"
        ).format(**names),
        forget_quotas=sql.SQL(_FORGET_QUOTAS).format(**names),
        take_quota=sql.SQL(_TAKE_QUOTA).format(**names),
        fill_quota=sql.SQL(_FILL_QUOTA).format(**names),
        quota_used=sql.SQL("SELECT used FROM {quotas} WHERE name = %s").format(**names),
        put_work=upsert("work", _columns.WORK_COLUMNS),
        update_work=sql.SQL("UPDATE {work} SET {a} WHERE id = %s AND version = %s").format(
            a=assignments(_columns.WORK_COLUMNS, "%s"), **names
        ),
        get_work=sql.SQL("SELECT {c} FROM {work} WHERE id = %s").format(
            c=columns(_columns.WORK_COLUMNS), **names
        ),
        find_work=sql.SQL(_FIND_WORK).format(columns=columns(_columns.WORK_COLUMNS), **names),
        remove_work=sql.SQL("DELETE FROM {work} WHERE id = %s").format(**names),
        remove_work_at=sql.SQL("DELETE FROM {work} WHERE id = %s AND version = %s").format(**names),
        new_pace=sql.SQL(_NEW_PACE).format(**names),
        lock_pace=sql.SQL(_LOCK_PACE).format(**names),
        set_pace=sql.SQL(_SET_PACE).format(**names),
    )
    return queries


@contextmanager
def _errors(action: str) -> Iterator[None]:
    """Turn psycopg's errors (and the pool's) into :class:`~zoomlink.StoreError`."""
    try:
        yield
    except psycopg.Error as exc:
        # The primary message only: DETAIL can quote a row, sealed tokens and all.
        reason = exc.diag.message_primary or next(iter(str(exc).splitlines()), "")
        reason = reason or type(exc).__name__
        raise StoreError(f"PostgreSQL could not {action}: {reason}") from exc


def _timed_out(name: str, timeout: float, why: str = "") -> LockTimeoutError:
    return LockTimeoutError(
        f"lock {name!r} was not granted within {timeout:g} s{why}", name=name, timeout=timeout
    )


def _describe(conninfo: str) -> str:
    """Where the database is, for reprs: host, port and database, never the password."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        # Not libpq's message: it can quote the whole string, password and all.
        raise ConfigurationError("the PostgreSQL conninfo cannot be parsed") from None
    return "".join(
        f"{key}={params[key]!r}, " for key in ("host", "port", "dbname") if params.get(key)
    )


class AsyncPostgresTokenStore:
    """Keeps connections in PostgreSQL, for several app servers sharing one database.

    Tables are created on first use (``<table_prefix>grants``, ``…links``, ``…attempts``,
    ``…meetings``, ``…preferences``, ``…quotas`` and ``…schema``). The connection pool opens
    on first use too, or with :meth:`open`; close the store with :meth:`aclose` (or let
    ``async with`` open and close it). A store object belongs to one event loop (its pool's).

    Named locks are PostgreSQL advisory locks, excluding holders on every machine. The locks a
    task (or thread) holds share one session, taken from a second pool kept for locks alone
    (waiters poll and hold none): a holder never needs a second lock connection for a nested
    lock, and never competes with the work it does while holding them, so no number of
    concurrent bookings can starve the pools into a standstill. A store opens at most
    ``max_size`` connections for its work and ``max_size`` for lock holders.

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
        if table_prefix and not _PREFIX.fullmatch(table_prefix):
            raise ConfigurationError(
                "table_prefix must be lower-case letters, digits and underscores, up to 32, "
                f"not starting with a digit; got {table_prefix!r}"
            )
        self._where = _describe(conninfo)
        self._prefix = table_prefix
        self._sql = _queries(table_prefix)
        self._pool: AsyncConnectionPool[AsyncConnection[TupleRow]] = AsyncConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            # Each statement commits by itself; multi-statement work opens a transaction.
            kwargs={"autocommit": True},
            open=False,
        )
        # The sessions that hold advisory locks: never the ones their holders' queries need.
        self._lock_pool: AsyncConnectionPool[AsyncConnection[TupleRow]] = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, kwargs={"autocommit": True}, open=False
        )
        # The session each task or thread holding locks has, with how many locks it holds.
        self._sessions: dict[object, _Session] = {}
        self._ready = False
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._where}table_prefix={self._prefix!r})"

    async def __aenter__(self) -> AsyncPostgresTokenStore:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Open the pools (waiting for their first connections) and create the tables if
        missing; the first use does it otherwise."""
        with _errors("open the store"):
            await self._opened()
            await self._lock_pool.wait()

    async def aclose(self) -> None:
        """Close the pools. Using the store afterwards raises StoreError."""
        self._closed = True
        await self._lock_pool.close()
        await self._pool.close()

    # -- grants ---------------------------------------------------------------------------

    async def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        rows, _ = await self._run("read a grant", "get_grant", [grant_id])
        return Grant(**_fields(rows[0], _columns.GRANT_COLUMNS)) if rows else None

    async def find_grants(
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
        rows, _ = await self._run("find grants", "find_grants", filters)
        return [Grant(**_fields(row, _columns.GRANT_COLUMNS)) for row in rows]

    async def add_grant(self, grant: Grant) -> None:
        """Store a new grant. Raises :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        await self._add("grant", "add_grant", grant, _columns.GRANT_COLUMNS)

    async def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the stored grant if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when the stored version differs or the grant
        is gone; nothing is written then.
        """
        await self._swap("grant", "update_grant", grant, _columns.GRANT_COLUMNS, expected_version)

    async def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        _, removed = await self._run("remove a grant", "remove_grant", [grant_id])
        return removed == 1

    # -- links ----------------------------------------------------------------------------

    async def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        rows, _ = await self._run("read a link", "get_link", [link_id])
        return Link(**_fields(rows[0], _columns.LINK_COLUMNS)) if rows else None

    async def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        filters = {"tenant": tenant, "kind": kind, "owner_id": owner_id, "grant_id": grant_id}
        rows, _ = await self._run("find links", "find_links", filters)
        return [Link(**_fields(row, _columns.LINK_COLUMNS)) for row in rows]

    async def put_link(self, link: Link) -> None:
        """Insert the link, or replace the one with the same id."""
        await self._run("store a link", "put_link", _values(link, _columns.LINK_COLUMNS))

    async def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        _, removed = await self._run("remove a link", "remove_link", [link_id])
        return removed == 1

    # -- attempts -------------------------------------------------------------------------

    async def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight, forgetting those that expired before it began."""
        with _errors("add a connect attempt"):
            pool = await self._opened()
            async with pool.connection() as conn, conn.transaction():
                await conn.execute(self._sql["forget_attempts"], [attempt.created_at])
                await conn.execute(
                    self._sql["add_attempt"], _values(attempt, _columns.ATTEMPT_COLUMNS)
                )

    async def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once: a second call (anywhere) returns ``None``."""
        # DELETE … RETURNING is one statement: of concurrent takers only one gets the row.
        rows, _ = await self._run("take a connect attempt", "take_attempt", [attempt_id])
        return ConnectAttempt(**_fields(rows[0], _columns.ATTEMPT_COLUMNS)) if rows else None

    # -- meeting records ------------------------------------------------------------------

    async def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        rows, _ = await self._run("read a meeting record", "get_meeting_record", [record_id])
        return MeetingRecord(**_fields(rows[0], _columns.RECORD_COLUMNS)) if rows else None

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
        filters = {
            "tenant": tenant,
            "host_id": host_id,
            "booking_id": booking_id,
            "state": state,
            "connection_id": connection_id,
            "meeting_id": meeting_id,
        }
        rows, _ = await self._run("find meeting records", "find_meeting_records", filters)
        return [MeetingRecord(**_fields(row, _columns.RECORD_COLUMNS)) for row in rows]

    async def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record.

        Raises :class:`~zoomlink.DuplicateRecordError` if the id exists.
        """
        await self._add("meeting record", "add_meeting_record", record, _columns.RECORD_COLUMNS)

    async def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the stored record if its version is still ``expected_version``.

        Raises :class:`~zoomlink.StaleRecordError` when it differs or the record is gone;
        nothing is written then.
        """
        await self._swap(
            "meeting record",
            "update_meeting_record",
            record,
            _columns.RECORD_COLUMNS,
            expected_version,
        )

    async def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        _, removed = await self._run(
            "remove a meeting record", "remove_meeting_record", [record_id]
        )
        return removed == 1

    # -- preferences ----------------------------------------------------------------------

    # -- the outbox -----------------------------------------------------------------------

    async def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work, replacing what it had; with ``expected_version``
        only that stored version (:class:`~zoomlink.StaleRecordError` otherwise)."""
        values = _values(work, _columns.WORK_COLUMNS)
        if expected_version is None:
            await self._run("keep pending work", "put_work", values)
            return
        params = [*values[1:], work.id, expected_version]
        _, changed = await self._run("keep pending work", "update_work", params)
        if changed != 1:
            raise StaleRecordError(
                f"pending work {work.id} changed since version {expected_version}",
                record_id=work.id,
            )

    async def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id, or ``None``."""
        rows, _ = await self._run("read pending work", "get_work", [work_id])
        return PendingWork(**_fields(rows[0], _columns.WORK_COLUMNS)) if rows else None

    async def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter, soonest due first, at most ``limit``."""
        params = {"tenant": tenant, "state": state, "due": due_before, "limit": limit}
        rows, _ = await self._run("find pending work", "find_work", params)
        return [PendingWork(**_fields(row, _columns.WORK_COLUMNS)) for row in rows]

    async def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        if expected_version is None:
            _, gone = await self._run("remove pending work", "remove_work", [work_id])
        else:
            params = [work_id, expected_version]
            _, gone = await self._run("remove pending work", "remove_work_at", params)
        return gone == 1

    async def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference (such as their default conferencing), or ``None``."""
        rows, _ = await self._run("read a preference", "get_preference", [tenant, user_id, name])
        return str(rows[0][0]) if rows else None

    async def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        await self._run("store a preference", "set_preference", [tenant, user_id, name, value])

    async def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        _, removed = await self._run(
            "remove a preference", "remove_preference", [tenant, user_id, name]
        )
        return removed == 1

    # -- quotas ---------------------------------------------------------------------------

    async def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Atomically count one use of the quota ``name`` if fewer than ``limit`` are used.

        Returns the uses counted so far including this one, or ``None`` (and counts nothing)
        when ``limit`` are used already. Quotas that expired well before ``expires_at`` are
        forgotten.
        """
        if limit < 1:
            return None
        rows = await self._count_quota("count a quota use", "take_quota", name, limit, expires_at)
        return int(rows[0][0]) if rows else None

    async def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up (Zoom said so), until ``expires_at``."""
        await self._count_quota("fill a quota", "fill_quota", name, limit, expires_at)

    async def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown or forgotten)."""
        rows, _ = await self._run("read a quota", "quota_used", [name])
        return int(rows[0][0]) if rows else 0

    async def _add(
        self, kind: str, query: str, record: Grant | MeetingRecord, columns: Sequence[str]
    ) -> None:
        """Insert a new record; DuplicateRecordError if its id is taken."""
        _, added = await self._run(f"add a {kind}", query, _values(record, columns))
        if added != 1:
            raise DuplicateRecordError(f"{kind} {record.id} exists", record_id=record.id)

    async def _swap(
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
        values = [*_values(record, columns)[1:], record.id, expected_version]
        _, updated = await self._run(f"update a {kind}", query, values)
        if updated != 1:
            raise StaleRecordError(
                f"{kind} {record.id} changed since version {expected_version}",
                record_id=record.id,
            )

    async def _count_quota(
        self, action: str, query: str, name: str, limit: int, expires_at: datetime
    ) -> list[TupleRow]:
        """Forget long-expired quotas, then run ``query`` on ``name``: its rows."""
        params = {"name": name, "limit": limit, "expires_at": expires_at}
        with _errors(action):
            pool = await self._opened()
            async with pool.connection() as conn, conn.transaction():
                await conn.execute(self._sql["forget_quotas"], [expires_at - _columns.QUOTA_GRACE])
                cursor = await conn.execute(self._sql[query], params)
                return await cursor.fetchall() if cursor.description is not None else []

    # -- pacing ---------------------------------------------------------------------------

    async def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name``, shared by every machine using
        the database: the seconds to wait. One transaction on the server's clock; see
        :meth:`zoomlink.TokenStore.pace`."""
        with _errors("take a send slot"):
            pool = await self._opened()
            async with pool.connection() as conn, conn.transaction():
                await conn.execute(self._sql["new_pace"], [name])
                cursor = await conn.execute(self._sql["lock_pace"], [name])
                row = await cursor.fetchone()
                assert row is not None  # inserted above, and never deleted
                state, delay = _limits.next_slot(
                    _limits.PaceState.parse(row[0]),
                    float(row[1]),
                    rate=rate,
                    window=window,
                    pause=pause,
                )
                await conn.execute(self._sql["set_pace"], [state.text(), name])
        return delay

    # -- locks ----------------------------------------------------------------------------

    def lock(self, name: str, *, timeout: float) -> AbstractAsyncContextManager[None]:
        """Hold the lock ``name`` for the ``async with`` block, excluding every other holder on
        every machine using the database.

        The lock lives as long as the session holding it: if the holder's process or machine
        dies, PostgreSQL releases it when the connection drops.

        Raises:
            LockTimeoutError: The lock was not granted within ``timeout`` seconds (waiting for
                a free pooled connection counts).
        """
        return _AdvisoryLock(self, name, timeout)

    # -- erasing --------------------------------------------------------------------------

    async def erase_deleted(self) -> None:
        """Nothing a client can do at once: PostgreSQL keeps the old versions of updated and
        deleted rows (and its write-ahead log) until ``VACUUM`` reclaims them and the log
        segments are recycled. Run ``VACUUM`` on zoomlink's tables after purges (autovacuum
        does it eventually) to remove purged values from the table files; see "Deploying
        zoomlink" in the documentation."""

    # -- plumbing -------------------------------------------------------------------------

    def _lock_key(self, name: str) -> str:
        # The prefix namespaces the locks as it does the tables.
        return f"{self._prefix}lock:{name}"

    async def _opened_locks(self) -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
        """The pool of lock-holding sessions, opened (the tables are made first)."""
        await self._opened()
        return self._lock_pool

    async def _opened(self) -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
        """The pool, opened and with the tables in place (both done once, on first use)."""
        if self._closed:
            raise StoreError(f"{self!r} is closed")
        if not self._ready:
            # Safe to call concurrently and repeatedly: the pools open once.
            await self._pool.open()
            await self._lock_pool.open()
            async with self._pool.connection() as conn, conn.transaction():
                # Concurrent CREATE … IF NOT EXISTS can still collide: serialise the creators.
                await conn.execute(
                    sql.SQL(_LOCK_KEY).format(function=sql.SQL("pg_advisory_xact_lock")),
                    [f"{self._prefix}schema"],
                )
                await conn.execute(self._sql["create_schema"])
                cursor = await conn.execute(self._sql["schema_version"])
                row = await cursor.fetchone()
                version = None if row is None else row[0]
                if version is not None and version > SCHEMA_VERSION:
                    raise ConfigurationError(
                        f"the database holds zoomlink tables of version {version}, newer than "
                        f"this zoomlink's {SCHEMA_VERSION}; upgrade zoomlink"
                    )
                for index in range(len(_CREATE_TABLES)):
                    await conn.execute(self._sql[f"create_{index}"])
                await self._add_columns(conn)
                if version is None:
                    await conn.execute(self._sql["set_schema_version"], [SCHEMA_VERSION])
                # Later versions migrate here, from ``version`` up to SCHEMA_VERSION.
            self._ready = True
        return self._pool

    async def _add_columns(self, conn: AsyncConnection[TupleRow]) -> None:
        """Add the columns of ``_ADDED_COLUMNS`` that tables made by an older zoomlink lack.

        Runs under the schema lock, inside the set-up's transaction. The columns present are
        read first, so an up-to-date table is not locked (ALTER TABLE takes an exclusive lock
        even when IF NOT EXISTS finds nothing to do).
        """
        for table, added in _ADDED_COLUMNS:
            cursor = await conn.execute(self._sql["table_columns"], [self._prefix + table])
            present = {str(name) for (name,) in await cursor.fetchall()}
            if any(column not in present for column, _ in added):
                await conn.execute(self._sql[f"add_columns_{table}"])

    async def _run(self, action: str, query: str, params: Params) -> tuple[list[TupleRow], int]:
        """Run one statement on a pooled connection: its rows (if any) and its row count."""
        with _errors(action):
            pool = await self._opened()
            async with pool.connection() as conn:
                cursor = await conn.execute(self._sql[query], params)
                rows = await cursor.fetchall() if cursor.description is not None else []
                return rows, cursor.rowcount


@attrs.define
class _Session:
    """A lock-pool connection and how many advisory locks its owner holds on it."""

    pool: AsyncConnectionPool[AsyncConnection[TupleRow]]
    conn: AsyncConnection[TupleRow]
    held: int = 0


class _AdvisoryLock:
    """One :meth:`AsyncPostgresTokenStore.lock` block: a session of the lock pool holds a
    session-level advisory lock from entry to exit; the owner's other locks share it."""

    def __init__(self, store: AsyncPostgresTokenStore, name: str, timeout: float) -> None:
        self._store = store
        self._name = name
        self._timeout = timeout
        self._key = store._lock_key(name)
        self._owner = current_owner()
        self._session: _Session | None = None

    async def __aenter__(self) -> None:
        deadline = monotonic() + self._timeout
        session = self._store._sessions.get(self._owner)
        with _errors(f"take lock {self._name!r}"):
            if session is not None:
                await self._nested(session, deadline)
            else:
                await self._first(deadline)

    async def _nested(self, session: _Session, deadline: float) -> None:
        """Take the lock on the session of the locks the owner already holds."""
        pause = _LOCK_POLL_FIRST
        while not await self._try(session.conn):
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise _timed_out(self._name, self._timeout)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, _LOCK_POLL_MAX)
        session.held += 1
        self._session = session

    async def _first(self, deadline: float) -> None:
        """Take the owner's first lock on a session of the lock pool."""
        # Waiters poll with pg_try_advisory_lock and hand their connection back between tries:
        # a waiter blocked inside PostgreSQL would keep a pooled connection, and enough of them
        # would starve the holders of the connections they need to finish and let go.
        pause = _LOCK_POLL_FIRST
        pool = await self._store._opened_locks()
        while True:
            try:
                conn = await pool.getconn(timeout=max(deadline - monotonic(), 0.001))
            except PoolTimeout:
                free = " (no pooled connection free)"
                raise _timed_out(self._name, self._timeout, free) from None
            try:
                taken = await self._try(conn)
            except BaseException:
                await pool.putconn(conn)
                raise
            if taken:
                self._session = _Session(pool, conn, held=1)
                self._store._sessions[self._owner] = self._session
                return
            await pool.putconn(conn)
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise _timed_out(self._name, self._timeout)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, _LOCK_POLL_MAX)

    async def _try(self, conn: AsyncConnection[TupleRow]) -> bool:
        try:
            cursor = await conn.execute(
                sql.SQL(_LOCK_KEY).format(function=sql.SQL("pg_try_advisory_lock")), [self._key]
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
                sql.SQL(_LOCK_KEY).format(function=sql.SQL("pg_advisory_unlock")), [self._key]
            )
        except psycopg.Error:
            # The session broke, and its locks went with it; the pool replaces the connection.
            await session.conn.close()
        except BaseException:
            await session.conn.close()
            raise
        finally:
            if session.held == 0:
                del self._store._sessions[self._owner]
                await session.pool.putconn(session.conn)
