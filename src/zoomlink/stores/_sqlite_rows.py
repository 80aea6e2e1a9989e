"""The SQLite store's rows: the statements it runs, and the value objects to and from rows.
Times are fixed-width ISO-8601 UTC text (text order is time order); tuples of strings and a
meeting's occurrences are JSON. The tables themselves are in :mod:`._sqlite_schema`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from zoomlink._core import _columns
from zoomlink.booking import MeetingOccurrence, MeetingRecord
from zoomlink.models import ConnectAttempt, Grant, Link
from zoomlink.outbox import PendingWork


def _upsert(table: str, columns: Sequence[str]) -> str:
    """Insert-or-replace by id, for tables whose names are constants here."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
    return f"{_insert(table, columns)} ON CONFLICT (id) DO UPDATE SET {updates}"


def _insert(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def _select(table: str, columns: Sequence[str]) -> str:
    return f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608 - constant names only


def _matching(filters: dict[str, Any]) -> str:
    """A WHERE clause for the filters given (those left as None match every row).

    Only the given ones are written out, so SQLite can use the index on a filtered column
    (it plans ``:x IS NULL OR x = :x`` as a full scan). The keys are column names, constant
    in the code that calls this; the values stay bound parameters.
    """
    given = [name for name, value in filters.items() if value is not None]
    if not given:
        return ""
    return " WHERE " + " AND ".join(f"{name} = :{name}" for name in given)


_SELECT_GRANTS = _select("zoomlink_grants", _columns.GRANT_COLUMNS)
_INSERT_GRANT = _insert("zoomlink_grants", _columns.GRANT_COLUMNS) + " ON CONFLICT (id) DO NOTHING"
_UPDATE_GRANT = "UPDATE zoomlink_grants SET {} WHERE id = ? AND version = ?".format(  # noqa: S608
    ", ".join(f"{column} = ?" for column in _columns.GRANT_COLUMNS[1:])
)
_SELECT_RECORDS = _select("zoomlink_meetings", _columns.RECORD_COLUMNS)
_INSERT_RECORD = (
    _insert("zoomlink_meetings", _columns.RECORD_COLUMNS) + " ON CONFLICT (id) DO NOTHING"
)
_UPDATE_RECORD = "UPDATE zoomlink_meetings SET {} WHERE id = ? AND version = ?".format(  # noqa: S608
    ", ".join(f"{column} = ?" for column in _columns.RECORD_COLUMNS[1:])
)
_SELECT_LINKS = _select("zoomlink_links", _columns.LINK_COLUMNS)
_SELECT_WORK = _select("zoomlink_work", _columns.WORK_COLUMNS)
_UPSERT_WORK = _upsert("zoomlink_work", _columns.WORK_COLUMNS)
_UPDATE_WORK = "UPDATE zoomlink_work SET {} WHERE id = ? AND version = ?".format(  # noqa: S608
    ", ".join(f"{column} = ?" for column in _columns.WORK_COLUMNS[1:])
)
# Ids sort by code point, as Python sorts strings (SQLite's default BINARY collation).
_ORDER_GRANTS = " ORDER BY id"
_ORDER_LINKS = " ORDER BY created_at, id"
# Start times are fixed-width UTC text, so text order is time order.
_ORDER_RECORDS = " ORDER BY start, id"
_UPSERT_LINK = _upsert("zoomlink_links", _columns.LINK_COLUMNS)
_UPSERT_ATTEMPT = _upsert("zoomlink_attempts", _columns.ATTEMPT_COLUMNS)
_TAKE_ATTEMPT = "DELETE FROM zoomlink_attempts WHERE id = ? RETURNING " + ", ".join(  # noqa: S608
    _columns.ATTEMPT_COLUMNS
)
_SET_PREFERENCE = (
    "INSERT INTO zoomlink_preferences (tenant, user_id, name, value) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (tenant, user_id, name) DO UPDATE SET value = excluded.value"
)
_FORGET_QUOTAS = "DELETE FROM zoomlink_quotas WHERE expires_at < ?"
# One statement: the limit check and the count cannot be split by another writer. When the
# quota is used up the WHERE leaves the row alone and nothing is returned.
_TAKE_QUOTA = (
    "INSERT INTO zoomlink_quotas (name, used, expires_at) VALUES (:name, 1, :expires_at)"
    " ON CONFLICT (name) DO UPDATE SET used = used + 1,"
    " expires_at = max(expires_at, excluded.expires_at) WHERE used < :limit RETURNING used"
)
_FILL_QUOTA = (
    "INSERT INTO zoomlink_quotas (name, used, expires_at) VALUES (:name, :limit, :expires_at)"
    " ON CONFLICT (name) DO UPDATE SET used = excluded.used,"
    " expires_at = max(expires_at, excluded.expires_at)"
)


def _time_text(moment: datetime) -> str:
    """Fixed-width ISO-8601 UTC text: ``2026-03-01T09:00:00.000000Z``."""
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _text_time(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=timezone.utc)


def _occurrences_text(occurrences: Sequence[MeetingOccurrence]) -> str:
    """A meeting's occurrences as the JSON text of the ``occurrences`` column."""
    return json.dumps(
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


def _text_occurrences(text: str) -> tuple[MeetingOccurrence, ...]:
    return tuple(
        MeetingOccurrence(
            occurrence_id=item["occurrence_id"],
            start=_text_time(item["start"]),
            end=_text_time(item["end"]),
            state=item["state"],
        )
        for item in json.loads(text)
    )


def _row(
    record: Grant | Link | ConnectAttempt | MeetingRecord | PendingWork, columns: Sequence[str]
) -> list[Any]:
    values: list[Any] = []
    for column in columns:
        value = getattr(record, column)
        if value is not None and column in _columns.TIMES:
            value = _time_text(value)
        elif column in _columns.LISTS:
            value = json.dumps(list(value))
        elif column == "occurrences":
            value = _occurrences_text(value)
        values.append(value)
    return values


def _fields(row: Sequence[Any], columns: Sequence[str]) -> dict[str, Any]:
    fields = dict(zip(columns, row, strict=True))
    for column in _columns.TIMES.intersection(fields):
        if fields[column] is not None:
            fields[column] = _text_time(fields[column])
    for column in _columns.LISTS.intersection(fields):
        fields[column] = tuple(json.loads(fields[column]))
    if "announced" in fields:
        fields["announced"] = bool(fields["announced"])
    if "occurrences" in fields:
        fields["occurrences"] = _text_occurrences(fields["occurrences"])
    return fields


def _grant(row: Sequence[Any]) -> Grant:
    return Grant(**_fields(row, _columns.GRANT_COLUMNS))


def _link(row: Sequence[Any]) -> Link:
    return Link(**_fields(row, _columns.LINK_COLUMNS))


def _attempt(row: Sequence[Any]) -> ConnectAttempt:
    return ConnectAttempt(**_fields(row, _columns.ATTEMPT_COLUMNS))


def _record(row: Sequence[Any]) -> MeetingRecord:
    return MeetingRecord(**_fields(row, _columns.RECORD_COLUMNS))


def _work(row: Sequence[Any]) -> PendingWork:
    return PendingWork(**_fields(row, _columns.WORK_COLUMNS))


def _quota_params(name: str, limit: int, expires_at: datetime) -> dict[str, Any]:
    return {"name": name, "limit": limit, "expires_at": _time_text(expires_at)}
