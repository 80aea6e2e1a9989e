"""The PostgreSQL stores' schema, statements and row conversions: what the async store and its
generated sync twin share, with no I/O of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from zoomlink._core import _columns
from zoomlink.booking import MeetingOccurrence, MeetingRecord
from zoomlink.errors import ConfigurationError, LockTimeoutError, StoreError
from zoomlink.models import ConnectAttempt, Grant, Link
from zoomlink.outbox import PendingWork

SCHEMA_VERSION = 1
"""The version of the tables this code writes; recorded in ``<prefix>schema``."""

# Table names are built from the prefix: lower-case letters, digits and underscores, short
# enough that the longest index name stays within PostgreSQL's 63 bytes.
PREFIX = re.compile(r"[a-z_][a-z0-9_]{0,31}")

CREATE_TABLES = (
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
# name (a key of NAMES), then the columns with their definitions. The defaults give the rows
# already there their meaning (a one-off meeting: no rule, no occurrences, as booked, on no
# calendar recorded; a link never purged nor uninstalled). The occurrences are a JSON array of
# {"occurrence_id", "start", "end", "state"} objects, times as fixed-width ISO-8601 UTC text
# (``2026-03-01T09:00:00.000000Z``); the calendars an array of app user ids.
ADDED_COLUMNS = (
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
NAMES = (
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
    "take_slot",
    "work",
    "work_due",
)
# Ids sort as Python sorts strings (by code point), whatever the database's collation.
FIND_GRANTS = """SELECT {columns} FROM {grants}
    WHERE (%(client_id)s::text IS NULL OR client_id = %(client_id)s::text)
    AND (%(zoom_user_id)s::text IS NULL OR zoom_user_id = %(zoom_user_id)s::text)
    AND (%(zoom_account_id)s::text IS NULL OR zoom_account_id = %(zoom_account_id)s::text)
    ORDER BY id COLLATE "C"
"""
FIND_LINKS = """SELECT {columns} FROM {links}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(kind)s::text IS NULL OR kind = %(kind)s::text)
    AND (%(owner_id)s::text IS NULL OR owner_id = %(owner_id)s::text)
    AND (%(grant_id)s::text IS NULL OR grant_id = %(grant_id)s::text)
    ORDER BY created_at, id COLLATE "C"
"""
FIND_WORK = """SELECT {columns} FROM {work}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(state)s::text IS NULL OR state = %(state)s::text)
    AND (%(due)s::timestamptz IS NULL OR not_before <= %(due)s::timestamptz)
    ORDER BY not_before, id COLLATE "C"
    LIMIT %(limit)s
"""
FIND_MEETINGS = """SELECT {columns} FROM {meetings}
    WHERE (%(tenant)s::text IS NULL OR tenant = %(tenant)s::text)
    AND (%(host_id)s::text IS NULL OR host_id = %(host_id)s::text)
    AND (%(booking_id)s::text IS NULL OR booking_id = %(booking_id)s::text)
    AND (%(state)s::text IS NULL OR state = %(state)s::text)
    AND (%(connection_id)s::text IS NULL OR connection_id = %(connection_id)s::text)
    AND (%(meeting_id)s::bigint IS NULL OR meeting_id = %(meeting_id)s::bigint)
    ORDER BY start, id COLLATE "C"
"""
# Rows another transaction is forgetting (or counting) are skipped, so forgetters never wait.
FORGET_QUOTAS = """DELETE FROM {quotas} WHERE name IN (
    SELECT name FROM {quotas} WHERE expires_at < %s FOR UPDATE SKIP LOCKED)"""
# A send limit is read and written in one transaction, its row locked, on the server's clock
# (so every machine shares one pace); zoomlink._core._limits.next_slot computes the slot.
# A send slot is taken in one statement: the pace's row stays locked only while the server
# runs this (microseconds), never across round trips to a client whose event loop may be busy.
# It is zoomlink._core._limits.next_slot written again in PL/pgSQL, on the same text state;
# a test holds the two to the same answers (at a ``p_now`` it gives). Its constants come in as
# arguments.
CREATE_TAKE_SLOT = """CREATE OR REPLACE FUNCTION {take_slot}(
    p_name text, p_rate integer, p_window float8, p_pause float8,
    p_step float8, p_most float8, p_decay float8, p_now float8 DEFAULT NULL
) RETURNS float8 LANGUAGE plpgsql AS $fn$
DECLARE
    now_ float8;
    state_ text;
    fields jsonb;
    not_before float8 := 0;
    slots float8[] := ARRAY[]::float8[];
    stretch0 float8 := 0;
    stretched_at float8 := 0;
    stretch float8;
    kept_stretch float8 := 0;
    kept_at float8 := 0;
    span float8;
    slot float8;
    n integer;
BEGIN
    INSERT INTO {paces} (name, state) VALUES (p_name, '') ON CONFLICT (name) DO NOTHING;
    SELECT state INTO state_ FROM {paces} WHERE name = p_name FOR UPDATE;
    now_ := coalesce(p_now, extract(epoch FROM clock_timestamp()));  -- p_now: for tests
    IF state_ <> '' THEN
        BEGIN  -- text it cannot read is a new state, as PaceState.parse has it
            fields := state_::jsonb;
            not_before := (fields->>0)::float8;
            slots := ARRAY(
                SELECT value::float8
                FROM jsonb_array_elements_text(fields->1) WITH ORDINALITY AS e(value, i)
                ORDER BY i
            );
            IF jsonb_array_length(fields) >= 4 THEN
                stretch0 := (fields->>2)::float8;
                stretched_at := (fields->>3)::float8;
            END IF;
        EXCEPTION WHEN others THEN
            not_before := 0;
            slots := ARRAY[]::float8[];
            stretch0 := 0;
            stretched_at := 0;
        END;
    END IF;
    not_before := coalesce(not_before, 0);
    stretch := greatest(0, stretch0 - greatest(0, now_ - stretched_at) * p_decay);
    IF stretch > 0 THEN
        kept_stretch := stretch0;
        kept_at := stretched_at;
    END IF;
    IF p_pause > 0 THEN
        not_before := greatest(not_before, now_ + p_pause);
        IF now_ - stretched_at >= p_window THEN
            stretch := least(p_most, stretch + p_step);
            kept_stretch := stretch;
            kept_at := now_;
        END IF;
    END IF;
    span := p_window + stretch;
    slots := ARRAY(
        SELECT s FROM unnest(slots) WITH ORDINALITY AS t(s, i) WHERE s > now_ - span ORDER BY i
    );
    n := coalesce(array_length(slots, 1), 0);
    slot := greatest(now_, not_before);
    IF n > 0 THEN
        slot := greatest(slot, slots[n]);
    END IF;
    IF n >= p_rate THEN
        slot := greatest(slot, slots[n - p_rate + 1] + span);
    END IF;
    slots := slots || slot;
    n := n + 1;
    IF n > p_rate THEN
        slots := slots[n - p_rate + 1 : n];
    END IF;
    UPDATE {paces} SET state = (
        CASE WHEN kept_stretch > 0
            THEN jsonb_build_array(not_before, to_jsonb(slots), kept_stretch, kept_at)
            ELSE jsonb_build_array(not_before, to_jsonb(slots))
        END
    )::text WHERE name = p_name;
    RETURN slot - now_;
END
$fn$"""
TAKE_SLOT = "SELECT {take_slot}(%s, %s, %s, %s, %s, %s, %s)"
# One statement: the limit check and the count cannot be split by another writer. When the
# quota is used up the WHERE leaves the row alone and nothing is returned.
TAKE_QUOTA = """INSERT INTO {quotas} AS q (name, used, expires_at)
    VALUES (%(name)s, 1, %(expires_at)s)
    ON CONFLICT (name) DO UPDATE
    SET used = q.used + 1, expires_at = GREATEST(q.expires_at, EXCLUDED.expires_at)
    WHERE q.used < %(limit)s
    RETURNING used"""
FILL_QUOTA = """INSERT INTO {quotas} AS q (name, used, expires_at)
    VALUES (%(name)s, %(limit)s, %(expires_at)s)
    ON CONFLICT (name) DO UPDATE
    SET used = EXCLUDED.used, expires_at = GREATEST(q.expires_at, EXCLUDED.expires_at)"""
LOCK_KEY = "SELECT {function}(hashtextextended(%s, 0))"


def time_text(moment: datetime) -> str:
    """Fixed-width ISO-8601 UTC text: ``2026-03-01T09:00:00.000000Z``."""
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def text_time(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=timezone.utc)


def occurrences_json(occurrences: Sequence[MeetingOccurrence]) -> Jsonb:
    """A meeting's occurrences as the value of the ``occurrences`` column."""
    return Jsonb(
        [
            {
                "occurrence_id": occurrence.occurrence_id,
                "start": time_text(occurrence.start),
                "end": time_text(occurrence.end),
                "state": occurrence.state,
            }
            for occurrence in occurrences
        ]
    )


def json_occurrences(items: Sequence[dict[str, Any]]) -> tuple[MeetingOccurrence, ...]:
    return tuple(
        MeetingOccurrence(
            occurrence_id=item["occurrence_id"],
            start=text_time(item["start"]),
            end=text_time(item["end"]),
            state=item["state"],
        )
        for item in items
    )


def row_values(
    record: Grant | Link | ConnectAttempt | MeetingRecord | PendingWork, columns: Sequence[str]
) -> list[Any]:
    values: list[Any] = []
    for column in columns:
        value = getattr(record, column)
        if column in _columns.LISTS:
            value = list(value)
        elif column == "occurrences":
            value = occurrences_json(value)
        values.append(value)
    return values


def row_fields(row: Sequence[Any], columns: Sequence[str]) -> dict[str, Any]:
    fields = dict(zip(columns, row, strict=True))
    for column in _columns.TIMES.intersection(fields):
        if fields[column] is not None:
            # Read back in UTC, whatever the session's TimeZone.
            fields[column] = fields[column].astimezone(timezone.utc)
    for column in _columns.LISTS.intersection(fields):
        fields[column] = tuple(fields[column])
    if "occurrences" in fields:
        # psycopg reads jsonb as Python lists and dicts.
        fields["occurrences"] = json_occurrences(fields["occurrences"])
    return fields


def queries(prefix: str) -> dict[str, sql.Composed]:
    """Every statement, with this store's table names filled in."""
    names = {name: sql.Identifier(prefix + name) for name in NAMES}

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
        for index, statement in enumerate(CREATE_TABLES)
    }
    for table, added in ADDED_COLUMNS:
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
        find_grants=sql.SQL(FIND_GRANTS).format(columns=grant_columns, **names),
        add_grant=sql.SQL(
            "INSERT INTO {grants} ({c}) VALUES ({m}) ON CONFLICT (id) DO NOTHING"
        ).format(c=grant_columns, m=marks(_columns.GRANT_COLUMNS), **names),
        update_grant=sql.SQL("UPDATE {grants} SET {a} WHERE id = %s AND version = %s").format(
            a=assignments(_columns.GRANT_COLUMNS, "%s"), **names
        ),
        remove_grant=sql.SQL("DELETE FROM {grants} WHERE id = %s").format(**names),
        get_link=sql.SQL("SELECT {c} FROM {links} WHERE id = %s").format(c=link_columns, **names),
        find_links=sql.SQL(FIND_LINKS).format(columns=link_columns, **names),
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
        find_meeting_records=sql.SQL(FIND_MEETINGS).format(columns=record_columns, **names),
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
        forget_quotas=sql.SQL(FORGET_QUOTAS).format(**names),
        take_quota=sql.SQL(TAKE_QUOTA).format(**names),
        fill_quota=sql.SQL(FILL_QUOTA).format(**names),
        quota_used=sql.SQL("SELECT used FROM {quotas} WHERE name = %s").format(**names),
        put_work=upsert("work", _columns.WORK_COLUMNS),
        update_work=sql.SQL("UPDATE {work} SET {a} WHERE id = %s AND version = %s").format(
            a=assignments(_columns.WORK_COLUMNS, "%s"), **names
        ),
        get_work=sql.SQL("SELECT {c} FROM {work} WHERE id = %s").format(
            c=columns(_columns.WORK_COLUMNS), **names
        ),
        find_work=sql.SQL(FIND_WORK).format(columns=columns(_columns.WORK_COLUMNS), **names),
        remove_work=sql.SQL("DELETE FROM {work} WHERE id = %s").format(**names),
        remove_work_at=sql.SQL("DELETE FROM {work} WHERE id = %s AND version = %s").format(**names),
        create_take_slot=sql.SQL(CREATE_TAKE_SLOT).format(**names),
        take_slot=sql.SQL(TAKE_SLOT).format(**names),
    )
    return queries


@contextmanager
def errors(action: str) -> Iterator[None]:
    """Turn psycopg's errors (and the pool's) into :class:`~zoomlink.StoreError`."""
    try:
        yield
    except psycopg.Error as exc:
        # The primary message only: DETAIL can quote a row, sealed tokens and all.
        reason = exc.diag.message_primary or next(iter(str(exc).splitlines()), "")
        reason = reason or type(exc).__name__
        raise StoreError(f"PostgreSQL could not {action}: {reason}") from exc


def timed_out(name: str, timeout: float, why: str = "") -> LockTimeoutError:
    return LockTimeoutError(
        f"lock {name!r} was not granted within {timeout:g} s{why}", name=name, timeout=timeout
    )


def describe(conninfo: str) -> str:
    """Where the database is, for reprs: host, port and database, never the password."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        # Not libpq's message: it can quote the whole string, password and all.
        raise ConfigurationError("the PostgreSQL conninfo cannot be parsed") from None
    return "".join(
        f"{key}={params[key]!r}, " for key in ("host", "port", "dbname") if params.get(key)
    )
