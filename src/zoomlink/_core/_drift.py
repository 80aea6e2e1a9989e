"""Judging Zoom's meeting events against zoomlink's records, and telling the host.

Zoom sends ``meeting.updated`` and ``meeting.deleted`` for zoomlink's own writes as well as for
the host's edits in Zoom. An event is the host's doing when it disagrees with the record: a
change whose values the record already holds is zoomlink's own echo and means nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from zoomlink._core._messages import notice_key
from zoomlink.booking import InZoom, MeetingOccurrence, MeetingRecord
from zoomlink.models import Notification


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _shown(record: MeetingRecord, moment: datetime) -> str:
    zone = ZoneInfo(record.timezone) if record.timezone else None
    try:
        local = moment.astimezone(zone) if zone else moment
    except (OverflowError, ValueError):  # a signed but absurd time (year 1 west of UTC)
        local = moment
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


def _target(record: MeetingRecord, occurrence_ids: Iterable[str]) -> tuple[datetime, datetime]:
    """The times the change is about: one occurrence's, or the meeting's."""
    wanted = set(occurrence_ids)
    for occurrence in record.occurrences:
        if occurrence.occurrence_id in wanted:
            return occurrence.start, occurrence.end
    return record.start, record.end


def changes(
    record: MeetingRecord, changed: Mapping[str, Any], occurrence_ids: Iterable[str] = ()
) -> list[str]:
    """What a ``meeting.updated`` changed that the record does not hold, in words (empty for
    zoomlink's own echo). Passcodes and links are named, never shown."""
    start, end = _target(record, occurrence_ids)
    found: list[str] = []
    new_start = _parse_time(changed.get("start_time"))
    if new_start is not None and new_start != start:
        found.append(f"start moved from {_shown(record, start)} to {_shown(record, new_start)}")
    duration = changed.get("duration")
    minutes = (end - start) // timedelta(minutes=1)
    if isinstance(duration, int) and not isinstance(duration, bool) and duration != minutes:
        found.append(f"length changed from {minutes} to {duration} minutes")
    topic = changed.get("topic")
    if isinstance(topic, str) and topic != record.topic:
        found.append(f"topic changed to {topic!r}")
    password = changed.get("password")
    if isinstance(password, str) and password != record.password:
        found.append("passcode changed (the join link changed with it)")
    join_url = changed.get("join_url")
    if isinstance(join_url, str) and join_url != record.join_url and password is None:
        found.append("join link changed")
    kind = changed.get("type")
    expected = 8 if record.recurrence else 2
    if isinstance(kind, int) and kind != expected:
        found.append(f"meeting type changed to {kind}")
    return found


def deleted_occurrences(
    record: MeetingRecord, occurrence_ids: Iterable[str], *, and_following: bool
) -> list[MeetingOccurrence]:
    """The record's scheduled occurrences a ``meeting.deleted`` took away: those it names,
    and with `and_following` every one from the earliest named on. Zoom's occurrence ids are
    the occurrences' original starts in epoch milliseconds, so they order the series even
    after an occurrence was moved."""
    named = set(occurrence_ids)
    scheduled = [o for o in record.occurrences if o.state == "scheduled"]
    if not and_following:
        return [o for o in scheduled if o.occurrence_id in named]
    firsts = [int(i) for i in named if i.isdigit()]
    if not firsts:
        return [o for o in scheduled if o.occurrence_id in named]
    return [
        o
        for o in scheduled
        if o.occurrence_id in named
        or (o.occurrence_id.isdigit() and int(o.occurrence_id) >= min(firsts))
    ]


def without(record: MeetingRecord, gone: Iterable[MeetingOccurrence]) -> MeetingRecord:
    """The record with occurrences deleted in Zoom marked cancelled (as Zoom has them)."""
    ids = {o.occurrence_id for o in gone}
    return attrs.evolve(
        record,
        occurrences=tuple(
            attrs.evolve(o, state="cancelled") if o.occurrence_id in ids else o
            for o in record.occurrences
        ),
    )


def drifted(record: MeetingRecord, now: datetime, state: InZoom) -> MeetingRecord:
    """The record marked ``changed`` or ``deleted`` in Zoom."""
    return attrs.evolve(record, in_zoom=state, updated_at=now, version=record.version + 1)


def _notice(
    record: MeetingRecord, kind: str, subject: str, text: str, now: datetime
) -> Notification:
    return Notification(
        kind=kind,  # type: ignore[arg-type]
        tenant=record.tenant,
        recipient_id=record.host_id,
        subject=f"{subject}: {record.topic}",
        text=text,
        connection_id=record.connection_id,
        created_at=now,
        role="host",
        booking_id=record.booking_id,
        meeting_id=record.meeting_id,
        key=notice_key(kind, record.id, record.version),
    )


_PUT_RIGHT = (
    "The booking itself is unchanged. Reschedule it to put its Zoom meeting back in step "
    "(a deleted meeting is made again, with a new link), or cancel it."
)


def deleted_notice(record: MeetingRecord, now: datetime) -> Notification:
    """Tells the host their booking's meeting was deleted in Zoom."""
    text = (
        f"The Zoom meeting of booking {record.booking_id} ({record.topic}, "
        f"{_shown(record, record.start)}) was deleted in Zoom, so its link no longer works. "
        + _PUT_RIGHT
    )
    return _notice(record, "meeting_deleted_in_zoom", "Zoom meeting deleted in Zoom", text, now)


def occurrences_deleted_notice(
    record: MeetingRecord, gone: Iterable[MeetingOccurrence], now: datetime
) -> Notification:
    """Tells the host that occurrences of their recurring booking were deleted in Zoom."""
    when = ", ".join(_shown(record, o.start) for o in gone)
    text = (
        f"In Zoom, the occurrence(s) of booking {record.booking_id} ({record.topic}) on "
        f"{when} were deleted; the others stay. " + _PUT_RIGHT
    )
    return _notice(record, "meeting_changed_in_zoom", "Zoom meeting changed in Zoom", text, now)


def changed_notice(record: MeetingRecord, found: Iterable[str], now: datetime) -> Notification:
    """Tells the host their booking's meeting was changed in Zoom, and how."""
    text = (
        f"The Zoom meeting of booking {record.booking_id} ({record.topic}, "
        f"{_shown(record, record.start)}) was changed in Zoom: " + "; ".join(found) + ". "
        "Participants were told the booking's times, not Zoom's. " + _PUT_RIGHT
    )
    return _notice(record, "meeting_changed_in_zoom", "Zoom meeting changed in Zoom", text, now)
