"""The outbox's rules, without I/O: which failures wait for later, when to try again, and the
booking or notice as the JSON a store keeps."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from zoomlink.booking import Booking, EventType, MeetingSettings, Participant
from zoomlink.errors import (
    DailyLimitError,
    LockTimeoutError,
    ZoomRateLimitError,
    ZoomServerError,
    ZoomTransportError,
)
from zoomlink.models import Notification
from zoomlink.outbox import PendingWork, WorkIntent

# Waits between tries of work Zoom could not take: doubled each time, at most an hour.
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
ERROR_MAX = 500  # characters of the last error kept
# Work written ahead of a call is due only this long after the call began: a live worker's call
# finishes long before, and one whose worker died is then finished by run_pending.
IN_FLIGHT = timedelta(minutes=5)
_NOT_NOW = (
    ZoomServerError,
    ZoomTransportError,
    ZoomRateLimitError,
    DailyLimitError,
    LockTimeoutError,
)


def deferrable(error: Exception) -> bool:
    """Whether ``error`` says "not now" rather than "no": Zoom down or unreachable, a rate
    limit, the host's daily quota, or a lock another worker holds."""
    return isinstance(error, _NOT_NOW)


def next_try(error: Exception, attempts: int, now: datetime) -> datetime:
    """When work deferred ``attempts`` times, the last time by ``error``, is due again: when
    Zoom said (``retry_at``: a Retry-After, the next 00:00 UTC), else after a growing wait."""
    retry_at: object = getattr(error, "retry_at", None)
    if isinstance(retry_at, datetime) and retry_at > now:
        return retry_at
    wait = FIRST_WAIT * (1 << min(attempts, 10))
    return now + min(wait, LONGEST_WAIT)


def error_text(error: Exception) -> str:
    """The kept reason: the error's type and message, shortened (messages carry no secret)."""
    return f"{type(error).__name__}: {error}"[:ERROR_MAX]


def new_work(
    intent: WorkIntent,
    record_id: str,
    booking: Booking,
    options: dict[str, Any],
    error: Exception,
    now: datetime,
) -> PendingWork:
    """The pending work for a call that ``error`` stopped."""
    work = written_ahead(intent, record_id, booking, options, now)
    return attrs.evolve(work, not_before=next_try(error, 0, now), last_error=error_text(error))


def written_ahead(
    intent: WorkIntent, record_id: str, booking: Booking, options: dict[str, Any], now: datetime
) -> PendingWork:
    """The work a call writes before it starts, so a worker dying mid-call leaves it to be
    finished (messages included) by whichever worker runs the outbox next."""
    return PendingWork(
        id=record_id,
        tenant=booking.tenant,
        booking_id=booking.id,
        intent=intent,
        booking=booking_json(booking),
        options=json.dumps(options, sort_keys=True),
        not_before=now + IN_FLIGHT,
        last_error="in flight: the call that kept it had not finished",
        created_at=now,
        updated_at=now,
    )


def claimed(work: PendingWork, now: datetime) -> PendingWork:
    """The work as a runner claims it before doing it: a new version, so no other runner
    does it too, and due again only if this runner dies before it is through."""
    return attrs.evolve(work, not_before=now + IN_FLIGHT, updated_at=now, version=work.version + 1)


def undelivered(work: PendingWork, recipients: Sequence[str], now: datetime) -> PendingWork:
    """The work after a try whose meeting is right but whose messages or calendar events did
    not all go out: tried again soon, to deliver the rest."""
    return attrs.evolve(
        work,
        not_before=now + FIRST_WAIT * (1 << min(work.attempts, 6)),
        attempts=work.attempts + 1,
        last_error=f"undelivered to {len(recipients)} recipient(s)"[:ERROR_MAX],
        updated_at=now,
        version=work.version + 1,
    )


def deferred_again(work: PendingWork, error: Exception, now: datetime) -> PendingWork:
    """The work after another try that ``error`` stopped."""
    return attrs.evolve(
        work,
        not_before=next_try(error, work.attempts + 1, now),
        attempts=work.attempts + 1,
        last_error=error_text(error),
        updated_at=now,
        version=work.version + 1,
    )


def failed(work: PendingWork, error: Exception, now: datetime) -> PendingWork:
    """The work after a try that ``error`` refused for good."""
    return attrs.evolve(
        work,
        state="failed",
        attempts=work.attempts + 1,
        last_error=error_text(error),
        updated_at=now,
        version=work.version + 1,
    )


# -- notices --------------------------------------------------------------------------------

NOTICE_PREFIX = "notice:"


def notice_work(notice: Notification, now: datetime) -> PendingWork:
    """The work a notice is kept as before it is handed to the sink: one piece per key, so
    telling the same notice again (a retried webhook, a worker's successor) replaces it."""
    return PendingWork(
        id=NOTICE_PREFIX + notice.key,
        tenant=notice.tenant,
        booking_id=notice.booking_id or "",
        intent="notice",
        booking=notice_json(notice),
        not_before=now + IN_FLIGHT,
        last_error="in flight: the notice had not been handed to the sink yet",
        created_at=now,
        updated_at=now,
    )


def notice_json(notice: Notification) -> str:
    """The notice as the JSON text a store keeps."""
    data = {field.name: _plain(getattr(notice, field.name)) for field in attrs.fields(Notification)}
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def notice_from_json(text: str) -> Notification:
    """The notice :func:`notice_json` kept."""
    data = json.loads(text)
    data["created_at"] = datetime.fromisoformat(data["created_at"])
    return Notification(**data)


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a notice field of type {type(value).__name__} has no JSON form")


# -- the booking as JSON ----------------------------------------------------------------------


def booking_json(booking: Booking) -> str:
    """The booking as the JSON text a store keeps (times as ISO 8601 with their offset)."""
    return json.dumps(_booking_dict(booking), sort_keys=True, ensure_ascii=False)


def booking_from_json(text: str) -> Booking:
    """The booking :func:`booking_json` kept (checked again on construction)."""
    data = json.loads(text)
    return Booking(
        id=data["id"],
        event_type=_event_type(data["event_type"]),
        host=Participant(**data["host"]),
        clients=tuple(Participant(**client) for client in data["clients"]),
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        title=data["title"],
        description=data["description"],
        answers=tuple((question, answer) for question, answer in data["answers"]),
        tenant=data["tenant"],
        co_hosts=tuple(Participant(**co_host) for co_host in data["co_hosts"]),
        recurrence=data["recurrence"],
    )


def _booking_dict(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "event_type": {
            "id": booking.event_type.id,
            "title": booking.event_type.title,
            "location": booking.event_type.location,
            "settings": attrs.asdict(booking.event_type.settings),
        },
        "host": attrs.asdict(booking.host),
        "clients": [attrs.asdict(client) for client in booking.clients],
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "title": booking.title,
        "description": booking.description,
        "answers": [list(pair) for pair in booking.answers],
        "tenant": booking.tenant,
        "co_hosts": [attrs.asdict(co_host) for co_host in booking.co_hosts],
        "recurrence": booking.recurrence,
    }


def _event_type(data: dict[str, Any]) -> EventType:
    return EventType(
        id=data["id"],
        title=data["title"],
        location=data["location"],
        settings=MeetingSettings(**data["settings"]),
    )
