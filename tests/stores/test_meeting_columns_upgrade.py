"""Databases made before meeting records had ``recurrence`` and ``occurrences`` columns are
upgraded when a store opens them: the columns are added, and the rows already there read back
as one-off meetings (no rule, no occurrences)."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import attrs
import psycopg
from psycopg import sql

from zoomlink.booking import MeetingRecord
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing.contracts._concurrent import gather_threads
from zoomlink.testing.contracts._sync.token_store import make_record, make_recurring_record

# The meetings table as zoomlink created it before the two columns, with the schema table.
_OLD_SQLITE_TABLES = (
    "CREATE TABLE zoomlink_schema (version INTEGER NOT NULL)",
    "INSERT INTO zoomlink_schema (version) VALUES (1)",
    """CREATE TABLE zoomlink_meetings (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, booking_id TEXT NOT NULL,
        host_id TEXT NOT NULL, event_type_id TEXT NOT NULL, connection_id TEXT NOT NULL,
        zoom_user TEXT NOT NULL, quota_user TEXT NOT NULL, marker TEXT NOT NULL,
        state TEXT NOT NULL, meeting_id INTEGER, join_url TEXT NOT NULL, password TEXT NOT NULL,
        topic TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, timezone TEXT NOT NULL,
        recreated INTEGER NOT NULL, announced INTEGER NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, version INTEGER NOT NULL)""",
)
_OLD_POSTGRES_TABLES = (
    "CREATE TABLE {schema} (version integer NOT NULL)",
    "INSERT INTO {schema} (version) VALUES (1)",
    """CREATE TABLE {meetings} (
        id text PRIMARY KEY, tenant text NOT NULL, booking_id text NOT NULL,
        host_id text NOT NULL, event_type_id text NOT NULL, connection_id text NOT NULL,
        zoom_user text NOT NULL, quota_user text NOT NULL, marker text NOT NULL,
        state text NOT NULL, meeting_id bigint, join_url text NOT NULL, password text NOT NULL,
        topic text NOT NULL, start timestamptz NOT NULL, "end" timestamptz NOT NULL,
        timezone text NOT NULL, recreated integer NOT NULL, announced boolean NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
)
_OLD_COLUMNS = tuple(
    field.name
    for field in attrs.fields(MeetingRecord)
    if field.name not in {"recurrence", "occurrences"}
)


def _old_values(record: MeetingRecord) -> list[object]:
    """The record's values for the old columns, times as SQLite's UTC text."""
    values: list[object] = []
    for column in _OLD_COLUMNS:
        value = getattr(record, column)
        if column in {"start", "end", "created_at", "updated_at"}:
            value = value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values.append(value)
    return values


def _old_sqlite_file(path: Path) -> None:
    """A database file as an older zoomlink left it, holding one meeting record."""
    with sqlite3.connect(path) as db:
        for statement in _OLD_SQLITE_TABLES:
            db.execute(statement)
        marks = ", ".join("?" for _ in _OLD_COLUMNS)
        db.execute(
            f"INSERT INTO zoomlink_meetings ({', '.join(_OLD_COLUMNS)}) VALUES ({marks})",
            _old_values(make_record()),
        )
    db.close()


def _sqlite_columns(path: Path) -> dict[str, tuple[str, int, str | None]]:
    """The meetings table's columns: name to (type, notnull, default)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("PRAGMA table_info(zoomlink_meetings)").fetchall()
    db.close()
    return {row[1]: (row[2], row[3], row[4]) for row in rows}


def test_an_old_sqlite_meetings_table_gains_the_new_columns(tmp_path: Path) -> None:
    """Opening a file with the old meetings table adds recurrence and occurrences; the old row
    reads back as a one-off meeting, and recurring records can be written."""
    path = tmp_path / "tokens.db"
    _old_sqlite_file(path)
    assert "recurrence" not in _sqlite_columns(path)
    with SQLiteTokenStore(path) as store:
        stored = store.get_meeting_record("t1:b1")
        assert stored == make_record()
        assert stored is not None
        assert stored.recurrence == ""
        assert stored.occurrences == ()
        assert store.find_meeting_records(tenant="t1") == [make_record()]
        recurring = make_recurring_record("t1:b2")
        store.add_meeting_record(recurring)
        assert store.get_meeting_record("t1:b2") == recurring
        updated = attrs.evolve(make_recurring_record(), version=2)
        store.update_meeting_record(updated, expected_version=1)
        assert store.get_meeting_record("t1:b1") == updated
    columns = _sqlite_columns(path)
    assert columns["recurrence"] == ("TEXT", 1, "''")
    assert columns["occurrences"] == ("TEXT", 1, "'[]'")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM zoomlink_schema").fetchall() == [(1,)]
    db.close()


def test_stores_opening_an_old_sqlite_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Several store objects (as several processes would) upgrading one file at once all
    succeed, and the columns are added once."""
    path = tmp_path / "tokens.db"
    _old_sqlite_file(path)
    stores = [SQLiteTokenStore(path) for _ in range(6)]
    try:
        results = gather_threads(partial(store.get_meeting_record, "t1:b1") for store in stores)
    finally:
        for store in stores:
            store.close()
    assert results == [make_record()] * 6
    names = list(_sqlite_columns(path))
    assert names.count("recurrence") == names.count("occurrences") == 1


def _old_postgres_tables(dsn: str, prefix: str) -> None:
    """Tables as an older zoomlink left them, holding one meeting record."""
    names = {
        "schema": sql.Identifier(f"{prefix}schema"),
        "meetings": sql.Identifier(f"{prefix}meetings"),
    }
    record = make_record()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in _OLD_POSTGRES_TABLES:
            conn.execute(sql.SQL(statement).format(**names))
        conn.execute(
            sql.SQL("INSERT INTO {meetings} ({columns}) VALUES ({marks})").format(
                columns=sql.SQL(", ").join(map(sql.Identifier, _OLD_COLUMNS)),
                marks=sql.SQL(", ").join(sql.Placeholder() for _ in _OLD_COLUMNS),
                **names,
            ),
            [getattr(record, column) for column in _OLD_COLUMNS],
        )


def _postgres_columns(dsn: str, prefix: str) -> dict[str, tuple[str, bool, str | None]]:
    """The meetings table's columns: name to (type, not null, default)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull,"
            " pg_get_expr(adbin, adrelid) FROM pg_attribute"
            " LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [f"{prefix}meetings"],
        ).fetchall()
    return {name: (kind, not_null, default) for name, kind, not_null, default in rows}


def test_an_old_postgres_meetings_table_gains_the_new_columns(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Opening a database with the old meetings table adds recurrence and occurrences; the old
    row reads back as a one-off meeting, and recurring records can be written."""
    _old_postgres_tables(postgres_dsn, table_prefix)
    assert "recurrence" not in _postgres_columns(postgres_dsn, table_prefix)
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
        stored = store.get_meeting_record("t1:b1")
        assert stored == make_record()
        assert stored is not None
        assert stored.recurrence == ""
        assert stored.occurrences == ()
        assert store.find_meeting_records(tenant="t1") == [make_record()]
        recurring = make_recurring_record("t1:b2")
        store.add_meeting_record(recurring)
        assert store.get_meeting_record("t1:b2") == recurring
        updated = attrs.evolve(make_recurring_record(), version=2)
        store.update_meeting_record(updated, expected_version=1)
        assert store.get_meeting_record("t1:b1") == updated
    columns = _postgres_columns(postgres_dsn, table_prefix)
    assert columns["recurrence"] == ("text", True, "''::text")
    assert columns["occurrences"] == ("jsonb", True, "'[]'::jsonb")
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        rows = conn.execute(
            sql.SQL("SELECT version FROM {}").format(sql.Identifier(f"{table_prefix}schema"))
        ).fetchall()
    assert rows == [(1,)]


def test_stores_opening_an_old_postgres_database_at_once_all_succeed(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Several store objects upgrading one database at once all succeed."""
    _old_postgres_tables(postgres_dsn, table_prefix)
    count = 4
    stores = [PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) for _ in range(count)]
    try:
        results = gather_threads(partial(store.get_meeting_record, "t1:b1") for store in stores)
    finally:
        for store in stores:
            store.close()
    assert results == [make_record()] * count
    assert {"recurrence", "occurrences"} <= set(_postgres_columns(postgres_dsn, table_prefix))
