"""Databases made by an older zoomlink are upgraded in place when a store opens them.

Columns were added within schema version 1: to meeting records ``recurrence`` and
``occurrences``, then ``in_zoom`` and ``calendars``; to links ``purge``, ``uninstalled_at`` and
``incident_id``. A store adds the ones a table lacks, and the rows already there read back with
the defaults (a one-off meeting, as booked, on no calendars; a link never purged nor
uninstalled). Files are tested from two ages: before any meeting column was added, and with
the recurrence columns but not the later ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from zoomlink.booking import MeetingRecord
from zoomlink.models import Link
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing.contracts._concurrent import gather_threads
from zoomlink.testing.contracts._sync.token_store import (
    INDIA,
    MEETING_ID,
    T0,
    make_link,
    make_record,
    make_recurring_record,
)

# The meetings table as zoomlink first created it, the recurrence columns as they were added
# to it next, and the links table before its purge and uninstall columns.
_OLD_SQLITE_MEETINGS = """CREATE TABLE zoomlink_meetings (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, booking_id TEXT NOT NULL,
        host_id TEXT NOT NULL, event_type_id TEXT NOT NULL, connection_id TEXT NOT NULL,
        zoom_user TEXT NOT NULL, quota_user TEXT NOT NULL, marker TEXT NOT NULL,
        state TEXT NOT NULL, meeting_id INTEGER, join_url TEXT NOT NULL, password TEXT NOT NULL,
        topic TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, timezone TEXT NOT NULL,
        recreated INTEGER NOT NULL, announced INTEGER NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, version INTEGER NOT NULL{recurrence})"""
_SQLITE_RECURRENCE = ", recurrence TEXT NOT NULL DEFAULT '', occurrences TEXT NOT NULL DEFAULT '[]'"
_OLD_SQLITE_LINKS = """CREATE TABLE zoomlink_links (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, owner_id TEXT,
        grant_id TEXT NOT NULL, connected_by TEXT NOT NULL, completed_by TEXT,
        created_at TEXT NOT NULL, disconnected_at TEXT)"""
_OLD_POSTGRES_MEETINGS = """CREATE TABLE {meetings} (
        id text PRIMARY KEY, tenant text NOT NULL, booking_id text NOT NULL,
        host_id text NOT NULL, event_type_id text NOT NULL, connection_id text NOT NULL,
        zoom_user text NOT NULL, quota_user text NOT NULL, marker text NOT NULL,
        state text NOT NULL, meeting_id bigint, join_url text NOT NULL, password text NOT NULL,
        topic text NOT NULL, start timestamptz NOT NULL, "end" timestamptz NOT NULL,
        timezone text NOT NULL, recreated integer NOT NULL, announced boolean NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
        version bigint NOT NULL{recurrence})"""
_POSTGRES_RECURRENCE = (
    ", recurrence text NOT NULL DEFAULT '', occurrences jsonb NOT NULL DEFAULT '[]'"
)
_OLD_POSTGRES_LINKS = """CREATE TABLE {links} (
        id text PRIMARY KEY, tenant text NOT NULL, kind text NOT NULL, owner_id text,
        grant_id text NOT NULL, connected_by text NOT NULL, completed_by text,
        created_at timestamptz NOT NULL, disconnected_at timestamptz)"""

_RECURRENCE_COLUMNS = ("recurrence", "occurrences")
_NEW_RECORD_COLUMNS = ("in_zoom", "calendars")
_NEW_LINK_COLUMNS = ("purge", "uninstalled_at", "incident_id")
_OLD_LINK_COLUMNS = tuple(
    field.name for field in attrs.fields(Link) if field.name not in _NEW_LINK_COLUMNS
)
_NEW_INDEXES = ("meetings_connection", "meetings_meeting")

# The rows the old tables hold: a one-off meeting record and a disconnected link.
OLD_RECORD = make_record()
OLD_LINK = make_link(disconnected_at=T0 + timedelta(days=3))

AGES = pytest.mark.parametrize("with_recurrence", [False, True], ids=["first", "recurrence"])


def _old_record_columns(with_recurrence: bool) -> tuple[str, ...]:
    """The meeting record columns a table of that age has."""
    left_out = set(_NEW_RECORD_COLUMNS)
    if not with_recurrence:
        left_out.update(_RECURRENCE_COLUMNS)
    return tuple(field.name for field in attrs.fields(MeetingRecord) if field.name not in left_out)


def _values(value: MeetingRecord | Link, columns: Sequence[str], *, as_text: bool) -> list[Any]:
    """The values for those columns, times as SQLite's fixed-width UTC text if ``as_text``."""
    values: list[Any] = []
    for column in columns:
        item = getattr(value, column)
        if column == "occurrences":
            # Only one-off records are written to old tables.
            item = "[]" if as_text else Jsonb([])
        elif as_text and isinstance(item, datetime):
            item = item.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values.append(item)
    return values


def _new_values() -> tuple[MeetingRecord, MeetingRecord, Link]:
    """Values using the new columns: the old record changed in Zoom and on two calendars, a
    recurring record detached from Zoom, and the old link uninstalled with its purge pending."""
    changed = attrs.evolve(OLD_RECORD, in_zoom="changed", calendars=("u1", "u7"), version=2)
    detached = make_recurring_record(
        "t1:b2", state="detached", in_zoom="deleted", calendars=("u7",)
    )
    uninstalled = datetime(2026, 3, 4, 10, 15, 0, 654321, tzinfo=INDIA)
    link = attrs.evolve(
        OLD_LINK, purge="pending", uninstalled_at=uninstalled, incident_id="uninstall:zu1:1"
    )
    return changed, detached, link


def _check_upgraded(store: SQLiteTokenStore | PostgresTokenStore) -> None:
    """The old rows read back with the defaults, and the new columns take new values."""
    stored = store.get_meeting_record(OLD_RECORD.id)
    assert stored == OLD_RECORD
    assert stored is not None
    assert (stored.recurrence, stored.occurrences) == ("", ())
    assert (stored.in_zoom, stored.calendars) == ("as_booked", ())
    link = store.get_link(OLD_LINK.id)
    assert link == OLD_LINK
    assert link is not None
    assert (link.purge, link.uninstalled_at, link.incident_id) == ("none", None, None)
    assert store.find_meeting_records(tenant="t1") == [OLD_RECORD]
    assert store.find_meeting_records(connection_id="l1") == [OLD_RECORD]
    assert store.find_meeting_records(meeting_id=MEETING_ID) == [OLD_RECORD]
    assert store.find_links(tenant="t1") == [OLD_LINK]

    changed, detached, uninstalled = _new_values()
    store.update_meeting_record(changed, expected_version=1)
    store.add_meeting_record(detached)
    store.put_link(uninstalled)
    assert store.get_meeting_record(OLD_RECORD.id) == changed
    assert store.get_meeting_record(detached.id) == detached
    assert store.find_meeting_records(state="detached") == [detached]
    assert store.get_link(OLD_LINK.id) == uninstalled


# -- SQLite ----------------------------------------------------------------------------------


def _old_sqlite_file(path: Path, *, with_recurrence: bool) -> None:
    """A database file as an older zoomlink left it, holding one meeting record and one link."""
    columns = _old_record_columns(with_recurrence)
    recurrence = _SQLITE_RECURRENCE if with_recurrence else ""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE zoomlink_schema (version INTEGER NOT NULL)")
        db.execute("INSERT INTO zoomlink_schema (version) VALUES (1)")
        db.execute(_OLD_SQLITE_MEETINGS.format(recurrence=recurrence))
        db.execute(_OLD_SQLITE_LINKS)
        for table, row_columns, value in (
            ("zoomlink_meetings", columns, OLD_RECORD),
            ("zoomlink_links", _OLD_LINK_COLUMNS, OLD_LINK),
        ):
            marks = ", ".join("?" for _ in row_columns)
            db.execute(
                f"INSERT INTO {table} ({', '.join(row_columns)}) VALUES ({marks})",
                _values(value, row_columns, as_text=True),
            )
    db.close()


def _sqlite_columns(path: Path, table: str) -> dict[str, tuple[str, int, str | None]]:
    """A table's columns: name to (type, notnull, default)."""
    with sqlite3.connect(path) as db:
        rows = db.execute(f"PRAGMA table_info({table})").fetchall()
    db.close()
    return {row[1]: (row[2], row[3], row[4]) for row in rows}


def _sqlite_indexes(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(f"PRAGMA index_list({table})").fetchall()
    db.close()
    return {str(row[1]) for row in rows}


@AGES
def test_an_old_sqlite_file_gains_the_new_columns(tmp_path: Path, with_recurrence: bool) -> None:
    """Opening an old file adds the missing columns and indexes; the old rows read back with the
    defaults, new values are written, and the schema version stays 1."""
    path = tmp_path / "tokens.db"
    _old_sqlite_file(path, with_recurrence=with_recurrence)
    assert "in_zoom" not in _sqlite_columns(path, "zoomlink_meetings")
    assert "purge" not in _sqlite_columns(path, "zoomlink_links")
    with SQLiteTokenStore(path) as store:
        _check_upgraded(store)
    meetings = _sqlite_columns(path, "zoomlink_meetings")
    assert meetings["recurrence"] == ("TEXT", 1, "''")
    assert meetings["occurrences"] == ("TEXT", 1, "'[]'")
    assert meetings["in_zoom"] == ("TEXT", 1, "'as_booked'")
    assert meetings["calendars"] == ("TEXT", 1, "'[]'")
    links = _sqlite_columns(path, "zoomlink_links")
    assert links["purge"] == ("TEXT", 1, "'none'")
    assert links["uninstalled_at"] == ("TEXT", 0, None)
    assert links["incident_id"] == ("TEXT", 0, None)
    indexes = _sqlite_indexes(path, "zoomlink_meetings")
    assert {f"zoomlink_{name}" for name in _NEW_INDEXES} <= indexes
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM zoomlink_schema").fetchall() == [(1,)]
        # The new values are stored as the documented text.
        row = db.execute(
            "SELECT in_zoom, calendars FROM zoomlink_meetings WHERE id = 't1:b1'"
        ).fetchone()
        assert row == ("changed", '["u1", "u7"]')
        row = db.execute("SELECT purge, uninstalled_at, incident_id FROM zoomlink_links").fetchone()
        assert row == ("pending", "2026-03-04T04:45:00.654321Z", "uninstall:zu1:1")
    db.close()
    # Opening the upgraded file again changes nothing.
    changed, detached, uninstalled = _new_values()
    with SQLiteTokenStore(path) as store:
        assert store.find_meeting_records(tenant="t1") == [changed, detached]
        assert store.get_link(OLD_LINK.id) == uninstalled
    assert _sqlite_columns(path, "zoomlink_meetings") == meetings


def test_stores_opening_an_old_sqlite_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Several store objects (as several processes would) upgrading one file at once all
    succeed, and each column is added once."""
    path = tmp_path / "tokens.db"
    _old_sqlite_file(path, with_recurrence=False)
    stores = [SQLiteTokenStore(path) for _ in range(6)]
    try:
        results = gather_threads(partial(store.get_meeting_record, "t1:b1") for store in stores)
    finally:
        for store in stores:
            store.close()
    assert results == [OLD_RECORD] * 6
    meetings = list(_sqlite_columns(path, "zoomlink_meetings"))
    for column in (*_RECURRENCE_COLUMNS, *_NEW_RECORD_COLUMNS):
        assert meetings.count(column) == 1
    links = list(_sqlite_columns(path, "zoomlink_links"))
    for column in _NEW_LINK_COLUMNS:
        assert links.count(column) == 1


# -- PostgreSQL ------------------------------------------------------------------------------


def _old_postgres_tables(dsn: str, prefix: str, *, with_recurrence: bool) -> None:
    """Tables as an older zoomlink left them, holding one meeting record and one link."""
    names = {name: sql.Identifier(f"{prefix}{name}") for name in ("schema", "meetings", "links")}
    recurrence = _POSTGRES_RECURRENCE if with_recurrence else ""
    columns = _old_record_columns(with_recurrence)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE TABLE {schema} (version integer NOT NULL)").format(**names))
        conn.execute(sql.SQL("INSERT INTO {schema} (version) VALUES (1)").format(**names))
        conn.execute(
            sql.SQL(_OLD_POSTGRES_MEETINGS).format(recurrence=sql.SQL(recurrence), **names)
        )
        conn.execute(sql.SQL(_OLD_POSTGRES_LINKS).format(**names))
        for table, row_columns, value in (
            ("meetings", columns, OLD_RECORD),
            ("links", _OLD_LINK_COLUMNS, OLD_LINK),
        ):
            conn.execute(
                sql.SQL("INSERT INTO {table} ({columns}) VALUES ({marks})").format(
                    table=names[table],
                    columns=sql.SQL(", ").join(map(sql.Identifier, row_columns)),
                    marks=sql.SQL(", ").join(sql.Placeholder() for _ in row_columns),
                ),
                _values(value, row_columns, as_text=False),
            )


def _postgres_columns(dsn: str, table: str) -> dict[str, tuple[str, bool, str | None]]:
    """A table's columns: name to (type, not null, default)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull,"
            " pg_get_expr(adbin, adrelid) FROM pg_attribute"
            " LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        ).fetchall()
    return {name: (kind, not_null, default) for name, kind, not_null, default in rows}


@AGES
def test_an_old_postgres_database_gains_the_new_columns(
    postgres_dsn: str, table_prefix: str, with_recurrence: bool
) -> None:
    """Opening old tables adds the missing columns and indexes; the old rows read back with the
    defaults, new values are written, and the schema version stays 1."""
    _old_postgres_tables(postgres_dsn, table_prefix, with_recurrence=with_recurrence)
    assert "in_zoom" not in _postgres_columns(postgres_dsn, f"{table_prefix}meetings")
    assert "purge" not in _postgres_columns(postgres_dsn, f"{table_prefix}links")
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
        _check_upgraded(store)
    meetings = _postgres_columns(postgres_dsn, f"{table_prefix}meetings")
    assert meetings["recurrence"] == ("text", True, "''::text")
    assert meetings["occurrences"] == ("jsonb", True, "'[]'::jsonb")
    assert meetings["in_zoom"] == ("text", True, "'as_booked'::text")
    assert meetings["calendars"] == ("text[]", True, "'{}'::text[]")
    links = _postgres_columns(postgres_dsn, f"{table_prefix}links")
    assert links["purge"] == ("text", True, "'none'::text")
    assert links["uninstalled_at"] == ("timestamp with time zone", False, None)
    assert links["incident_id"] == ("text", False, None)
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        rows = conn.execute(
            sql.SQL("SELECT version FROM {}").format(sql.Identifier(f"{table_prefix}schema"))
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [f"{table_prefix}meetings"]
        ).fetchall()
    assert rows == [(1,)]
    assert {f"{table_prefix}{name}" for name in _NEW_INDEXES} <= {name for (name,) in indexes}
    # Opening the upgraded tables again changes nothing.
    changed, detached, uninstalled = _new_values()
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
        assert store.find_meeting_records(tenant="t1") == [changed, detached]
        assert store.get_link(OLD_LINK.id) == uninstalled
    assert _postgres_columns(postgres_dsn, f"{table_prefix}meetings") == meetings


def test_stores_opening_an_old_postgres_database_at_once_all_succeed(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Several store objects upgrading one database at once all succeed."""
    _old_postgres_tables(postgres_dsn, table_prefix, with_recurrence=False)
    count = 4
    stores = [PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) for _ in range(count)]
    try:
        results = gather_threads(partial(store.get_meeting_record, "t1:b1") for store in stores)
    finally:
        for store in stores:
            store.close()
    assert results == [OLD_RECORD] * count
    meetings = _postgres_columns(postgres_dsn, f"{table_prefix}meetings")
    assert {*_RECURRENCE_COLUMNS, *_NEW_RECORD_COLUMNS} <= set(meetings)
    links = _postgres_columns(postgres_dsn, f"{table_prefix}links")
    assert set(_NEW_LINK_COLUMNS) <= set(links)
