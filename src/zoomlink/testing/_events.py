"""The bodies of the webhooks the fake sends: ``app_deauthorized`` and meeting events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._records import FakeApp
from ._timefmt import epoch_ms, format_utc_ms

_CREATED_KEYS = (
    "uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone", "agenda",
    "join_url", "password", "recurrence", "occurrences",
)  # fmt: skip
_DELETED_KEYS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")
_CREATED_SETTINGS = ("use_pmi", "alternative_hosts", "join_before_host", "jbh_time")


@attrs.frozen
class PendingEvent:
    """A webhook waiting to be delivered to one app once the state lock is released."""

    app: FakeApp
    event: str
    body: dict[str, Any]


def envelope(event: str, now: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    """``{"event", "event_ts", "payload"}``."""
    return {"event": event, "event_ts": epoch_ms(now), "payload": payload}


def deauthorized(
    app: FakeApp, account_id: str, user_id: str, signature: str, now: datetime
) -> dict[str, Any]:
    """The ``app_deauthorized`` event."""
    payload = {
        "account_id": account_id,
        "user_id": user_id,
        "signature": signature,
        "deauthorization_time": format_utc_ms(now),
        "client_id": app.client_id,
        "event_ts": epoch_ms(now),
    }
    return envelope("app_deauthorized", now, payload)


def meeting_created(
    meeting: Mapping[str, Any], account_id: str, operator: tuple[str, str], now: datetime
) -> dict[str, Any]:
    """``meeting.created``; `meeting` is the meeting as GET shows it."""
    obj = {key: meeting[key] for key in _CREATED_KEYS if key in meeting}
    obj["settings"] = {key: meeting["settings"][key] for key in _CREATED_SETTINGS}
    return envelope("meeting.created", now, _payload(account_id, operator, obj))


def meeting_updated(
    new: dict[str, Any],
    old: dict[str, Any],
    account_id: str,
    operator: tuple[str, str],
    now: datetime,
) -> dict[str, Any]:
    """``meeting.updated``: `new` and `old` hold the id and the changed fields."""
    payload = _payload(account_id, operator, new)
    payload.update(time_stamp=epoch_ms(now), old_object=old)
    return envelope("meeting.updated", now, payload)


def meeting_deleted(
    meeting: Mapping[str, Any],
    occurrence: Mapping[str, Any] | None,
    account_id: str,
    operator: tuple[str, str],
    now: datetime,
) -> dict[str, Any]:
    """``meeting.deleted``, with ``occurrences`` when only one occurrence was deleted."""
    obj = {key: meeting[key] for key in _DELETED_KEYS if key in meeting}
    if occurrence is not None:
        obj["occurrences"] = [
            {"occurrence_id": occurrence["occurrence_id"], "start_time": occurrence["start_time"]}
        ]
    return envelope("meeting.deleted", now, _payload(account_id, operator, obj))


def _payload(account_id: str, operator: tuple[str, str], obj: dict[str, Any]) -> dict[str, Any]:
    email, user_id = operator
    return {"account_id": account_id, "operator": email, "operator_id": user_id, "object": obj}
