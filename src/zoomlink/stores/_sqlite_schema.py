"""The SQLite store's schema: its tables, their version, and how a file is brought up to it.

Every connection checks the file once per store object (``create_schema``): a new file gets the
tables, a file of an older zoomlink gets the tables and columns added since, and a file of a
newer zoomlink is refused rather than written in a shape it does not expect.
"""

from __future__ import annotations

import sqlite3

from zoomlink.errors import ConfigurationError

__all__ = ["SCHEMA_VERSION", "create_schema"]

SCHEMA_VERSION = 1
"""The version of the tables this code writes; recorded in ``zoomlink_schema``."""

_CREATE_SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS zoomlink_schema (version INTEGER NOT NULL)"
# Times are fixed-width ISO-8601 UTC text, so text order is time order; scopes and calendars
# are JSON arrays.
_CREATE_TABLES = (
    """CREATE TABLE IF NOT EXISTS zoomlink_grants (
        id TEXT PRIMARY KEY, client_id TEXT NOT NULL, app_kind TEXT NOT NULL,
        zoom_user_id TEXT NOT NULL, zoom_email TEXT NOT NULL, zoom_account_id TEXT NOT NULL,
        zoom_role TEXT NOT NULL, scopes TEXT NOT NULL, api_url TEXT, status TEXT NOT NULL,
        status_reason TEXT NOT NULL, incident_id TEXT, sealed_access_token TEXT,
        sealed_refresh_token TEXT, expires_at TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, version INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS zoomlink_grants_client ON zoomlink_grants (client_id)",
    "CREATE INDEX IF NOT EXISTS zoomlink_grants_zoom_user ON zoomlink_grants (zoom_user_id)",
    """CREATE TABLE IF NOT EXISTS zoomlink_links (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, owner_id TEXT,
        grant_id TEXT NOT NULL, connected_by TEXT NOT NULL, completed_by TEXT,
        created_at TEXT NOT NULL, disconnected_at TEXT,
        purge TEXT NOT NULL DEFAULT 'none', uninstalled_at TEXT, incident_id TEXT)""",
    "CREATE INDEX IF NOT EXISTS zoomlink_links_tenant ON zoomlink_links (tenant, created_at)",
    "CREATE INDEX IF NOT EXISTS zoomlink_links_grant ON zoomlink_links (grant_id)",
    # The outbox: a booking's Zoom work kept for later (one row per booking: its record id).
    """CREATE TABLE IF NOT EXISTS zoomlink_work (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, booking_id TEXT NOT NULL,
        intent TEXT NOT NULL, booking TEXT NOT NULL, options TEXT NOT NULL, state TEXT NOT NULL,
        not_before TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS zoomlink_work_due ON zoomlink_work (state, not_before)",
    # state: a send limit's recent slots, in seconds since the epoch (time.time()): PaceState.
    """CREATE TABLE IF NOT EXISTS zoomlink_paces (name TEXT PRIMARY KEY, state TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS zoomlink_attempts (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, user_id TEXT NOT NULL,
        client_id TEXT NOT NULL, sealed_verifier TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS zoomlink_attempts_expiry ON zoomlink_attempts (expires_at)",
    # Added within version 1: CREATE … IF NOT EXISTS adds them to older files on first use.
    """CREATE TABLE IF NOT EXISTS zoomlink_meetings (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, booking_id TEXT NOT NULL,
        host_id TEXT NOT NULL, event_type_id TEXT NOT NULL, connection_id TEXT NOT NULL,
        zoom_user TEXT NOT NULL, quota_user TEXT NOT NULL, marker TEXT NOT NULL,
        state TEXT NOT NULL, meeting_id INTEGER, join_url TEXT NOT NULL, password TEXT NOT NULL,
        topic TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, timezone TEXT NOT NULL,
        recreated INTEGER NOT NULL, announced INTEGER NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, version INTEGER NOT NULL,
        recurrence TEXT NOT NULL DEFAULT '', occurrences TEXT NOT NULL DEFAULT '[]',
        in_zoom TEXT NOT NULL DEFAULT 'as_booked', calendars TEXT NOT NULL DEFAULT '[]')""",
    "CREATE INDEX IF NOT EXISTS zoomlink_meetings_tenant ON zoomlink_meetings (tenant, start)",
    "CREATE INDEX IF NOT EXISTS zoomlink_meetings_host ON zoomlink_meetings (host_id, start)",
    """CREATE INDEX IF NOT EXISTS zoomlink_meetings_connection
        ON zoomlink_meetings (connection_id)""",
    """CREATE INDEX IF NOT EXISTS zoomlink_meetings_meeting
        ON zoomlink_meetings (meeting_id)""",
    """CREATE TABLE IF NOT EXISTS zoomlink_preferences (
        tenant TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (tenant, user_id, name))""",
    """CREATE TABLE IF NOT EXISTS zoomlink_quotas (
        name TEXT PRIMARY KEY, used INTEGER NOT NULL, expires_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS zoomlink_quotas_expiry ON zoomlink_quotas (expires_at)",
)
# Columns added within version 1 to tables that older files already have: (table, column,
# definition). ALTER TABLE … ADD COLUMN adds each one on first use where it is missing; the
# defaults give the rows already there their meaning (a one-off meeting: no rule, no
# occurrences, as booked, on no calendar recorded; a link never purged nor uninstalled). The
# occurrences are a JSON array of {"occurrence_id", "start", "end", "state"} objects, times in
# the same fixed-width UTC text as the columns; the calendars a JSON array of app user ids.
_ADDED_COLUMNS = (
    ("zoomlink_meetings", "recurrence", "TEXT NOT NULL DEFAULT ''"),
    ("zoomlink_meetings", "occurrences", "TEXT NOT NULL DEFAULT '[]'"),
    ("zoomlink_meetings", "in_zoom", "TEXT NOT NULL DEFAULT 'as_booked'"),
    ("zoomlink_meetings", "calendars", "TEXT NOT NULL DEFAULT '[]'"),
    ("zoomlink_links", "purge", "TEXT NOT NULL DEFAULT 'none'"),
    ("zoomlink_links", "uninstalled_at", "TEXT"),
    ("zoomlink_links", "incident_id", "TEXT"),
)


def create_schema(conn: sqlite3.Connection, path: str) -> None:
    """Make the tables of the database at ``path`` ready, in one ``BEGIN IMMEDIATE``
    transaction: create what is missing and add the columns an older zoomlink did not write.

    Raises:
        ConfigurationError: The file holds tables of a newer zoomlink.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_CREATE_SCHEMA_TABLE)
        (version,) = conn.execute("SELECT max(version) FROM zoomlink_schema").fetchone()
        if version is not None and version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"{path!r} holds zoomlink tables of version {version}, newer than "
                f"this zoomlink's {SCHEMA_VERSION}; upgrade zoomlink"
            )
        for statement in _CREATE_TABLES:
            conn.execute(statement)
        _add_columns(conn)
        if version is None:
            conn.execute("INSERT INTO zoomlink_schema (version) VALUES (?)", (SCHEMA_VERSION,))
        # Later versions migrate here, from ``version`` up to SCHEMA_VERSION.
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _add_columns(conn: sqlite3.Connection) -> None:
    """Add the columns of ``_ADDED_COLUMNS`` that a table made by an older zoomlink lacks.

    Runs inside the schema set-up's ``BEGIN IMMEDIATE``, so two processes opening one file
    take turns; a column that another writer added all the same is left as it is.
    """
    present: dict[str, set[str]] = {}
    for table, column, definition in _ADDED_COLUMNS:
        if table not in present:
            # table_info rows: (cid, name, type, notnull, dflt_value, pk).
            rows = conn.execute(f"PRAGMA table_info({table})").fetchall()
            present[table] = {str(row[1]) for row in rows}
        if column in present[table]:
            continue
        try:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        except sqlite3.OperationalError as exc:
            if "duplicate column name" not in str(exc):
                raise
        present[table].add(column)
