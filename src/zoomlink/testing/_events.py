"""The bodies of the webhooks the fake sends: ``app_deauthorized`` and meeting events.

Shapes follow Zoom's webhook reference and its JS SDK's types (zoom/rivet-javascript
``meetings.d.ts``: ``MeetingDeletedEvent`` has ``operation`` and ``occurrences`` of
``{occurrence_id, start_time}``; ``MeetingUpdatedEvent`` has ``object``, ``old_object`` and
``time_stamp``, and its twin ``WebinarUpdatedEvent`` shows the payload's ``scope``;
``MeetingStartedEvent`` types ``id`` as a string, as the ``meeting.started`` example of
developers.zoom.us/docs/api/webhooks/ sends it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._records import FakeApp
from ._timefmt import epoch_ms, format_utc, format_utc_ms

_CREATED_KEYS = (
    "uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone", "agenda",
    "join_url", "password", "recurrence", "occurrences",
)  # fmt: skip
_DELETED_KEYS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")
_SESSION_KEYS = ("uuid", "host_id", "topic", "type", "timezone", "duration")
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
    *,
    recurring: bool,
) -> dict[str, Any]:
    """``meeting.updated``: `new` and `old` hold the id and the changed fields. A recurring
    meeting's change says its ``scope``: ``single`` (one occurrence, listed in
    ``occurrences``) or ``all``."""
    payload = _payload(account_id, operator, new)
    if recurring:
        payload["scope"] = "single" if "occurrences" in new else "all"
    payload.update(time_stamp=epoch_ms(now), old_object=old)
    return envelope("meeting.updated", now, payload)


def meeting_deleted(
    meeting: Mapping[str, Any],
    occurrences: list[dict[str, Any]],
    operation: str,
    account_id: str,
    operator: tuple[str, str],
    now: datetime,
) -> dict[str, Any]:
    """``meeting.deleted`` with its ``operation``: ``all`` (the meeting), ``single`` (the one
    occurrence in ``occurrences``) or ``this_and_following`` (the listed occurrence and every
    later one)."""
    obj = {key: meeting[key] for key in _DELETED_KEYS if key in meeting}
    if occurrences:
        obj["occurrences"] = occurrences
    payload = _payload(account_id, operator, obj)
    payload["operation"] = operation
    return envelope("meeting.deleted", now, payload)


def meeting_session(
    event: str, meeting: Mapping[str, Any], account_id: str, started: datetime, now: datetime
) -> dict[str, Any]:
    """``meeting.started`` or ``meeting.ended`` (with ``end_time``) of one meeting session."""
    obj: dict[str, Any] = {"id": str(meeting["id"])}
    obj.update((key, meeting[key]) for key in _SESSION_KEYS if key in meeting)
    obj["start_time"] = format_utc(started)
    if event == "meeting.ended":
        obj["end_time"] = format_utc(now)
    return envelope(event, now, {"account_id": account_id, "object": obj})


def _payload(account_id: str, operator: tuple[str, str], obj: dict[str, Any]) -> dict[str, Any]:
    email, user_id = operator
    return {"account_id": account_id, "operator": email, "operator_id": user_id, "object": obj}
