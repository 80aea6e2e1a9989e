"""Busy times: a host's Zoom meetings as intervals, and the conflicts a booking has with them.

Zoom's meeting list shows a recurring meeting once, at its next occurrence; the occurrences
come from the meeting itself. Meetings without a fixed time (type 3) take no time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

import attrs

from zoomlink._core._bookings import marker_of
from zoomlink._core._intervals import IntervalIndex
from zoomlink.availability import Conflict
from zoomlink.booking import CalendarEvent, MeetingRecord
from zoomlink.models import Meeting

Window = tuple[datetime, datetime]


@attrs.frozen
class ZoomBusy:
    """What one interval of a host's Zoom view is: which meeting (and occurrence), and the
    booking marker at the start of its agenda, if zoomlink made it."""

    meeting_id: int
    occurrence_id: str | None
    marker: str


def meeting_windows(meeting: Meeting) -> list[tuple[datetime, datetime, ZoomBusy]]:
    """The times a meeting takes: each live occurrence of a recurring one, else its own."""
    mark = marker_of(meeting.agenda)
    if meeting.occurrences:
        return [
            (
                occurrence.start,
                occurrence.start + timedelta(minutes=occurrence.duration_minutes),
                ZoomBusy(meeting.id, occurrence.occurrence_id, mark),
            )
            for occurrence in meeting.occurrences
            if occurrence.status != "deleted"
        ]
    if meeting.start is None or meeting.end is None or meeting.type not in (2, 8):
        return []
    return [(meeting.start, meeting.end, ZoomBusy(meeting.id, None, mark))]


def record_windows(record: MeetingRecord) -> list[tuple[datetime, datetime, ZoomBusy]]:
    """The times a meeting zoomlink made takes, as its record knows them (a detached
    booking's too: it goes on without Zoom)."""
    unmade = record.meeting_id is None and record.state not in ("pending", "detached")
    if record.state == "cancelled" or unmade:
        return []
    meeting_id = record.meeting_id or 0
    if record.occurrences:
        return [
            (o.start, o.end, ZoomBusy(meeting_id, o.occurrence_id, record.marker))
            for o in record.occurrences
            if o.state == "scheduled"
        ]
    return [(record.start, record.end, ZoomBusy(meeting_id, None, record.marker))]


def same_busy_time(before: MeetingRecord, after: MeetingRecord) -> bool:
    """Whether two versions of a record take the same times of the same Zoom user: a save
    that only notes, say, who was told makes no worker's view of the host stale."""
    return (
        before.connection_id == after.connection_id
        and before.zoom_user == after.zoom_user
        and before.meeting_id == after.meeting_id
        and before.state == after.state
        and record_windows(before) == record_windows(after)
    )


def zoom_conflicts(
    index: IntervalIndex[ZoomBusy],
    host_id: str,
    windows: Sequence[Window],
    *,
    before: timedelta,
    after: timedelta,
    own_marker: str,
    own_meeting: int | None,
) -> list[Conflict]:
    """The host's Zoom meetings that overlap any window (UTC, widened by the buffers), leaving
    out the booking's own meeting."""
    found = []
    for start, end in windows:
        for busy_start, busy_end, busy in index.overlapping(start - before, end + after):
            if busy.marker == own_marker or busy.meeting_id == own_meeting:
                continue
            found.append(
                Conflict(
                    host_id=host_id,
                    source="zoom",
                    start=utc(busy_start),
                    end=utc(busy_end),
                    booking_start=utc(start),
                    meeting_id=busy.meeting_id,
                    occurrence_id=busy.occurrence_id,
                )
            )
    return found


def record_conflicts(
    records: Iterable[MeetingRecord],
    host_id: str,
    windows: Sequence[Window],
    *,
    before: timedelta,
    after: timedelta,
    own_record: str,
    seen: set[int],
) -> list[Conflict]:
    """Other bookings zoomlink holds for the host that overlap any window (ones Zoom's list
    already showed, in ``seen``, are not repeated)."""
    items = [
        (start, end, (record, busy))
        for record in records
        if record.id != own_record
        for start, end, busy in record_windows(record)
        if not (busy.meeting_id and busy.meeting_id in seen)
    ]
    index = IntervalIndex(items)
    found = []
    for start, end in windows:
        for busy_start, busy_end, (record, busy) in index.overlapping(start - before, end + after):
            found.append(
                Conflict(
                    host_id=host_id,
                    source="booking",
                    start=utc(busy_start),
                    end=utc(busy_end),
                    booking_start=utc(start),
                    meeting_id=record.meeting_id,
                    occurrence_id=busy.occurrence_id,
                    booking_id=record.booking_id,
                )
            )
    return found


def calendar_conflicts(
    events: Iterable[CalendarEvent],
    host_id: str,
    windows: Sequence[Window],
    *,
    before: timedelta,
    after: timedelta,
    own_booking: str,
    seen: set[int],
) -> list[Conflict]:
    """Calendar events that overlap any window, leaving out the booking's own events and the
    events of meetings already reported (zoomlink writes an event for each booking)."""
    items = [
        (event.start, event.end, event)
        for event in events
        if event.booking_id != own_booking
        and not (event.meeting_id and event.meeting_id in seen)
        and event.end > event.start
    ]
    index = IntervalIndex(items)
    return [
        Conflict(
            host_id=host_id,
            source="calendar",
            start=utc(busy_start),
            end=utc(busy_end),
            booking_start=utc(start),
            event_uid=event.uid,
            booking_id=event.booking_id or None,
        )
        for start, end in windows
        for busy_start, busy_end, event in index.overlapping(start - before, end + after)
    ]


def series_conflicts(
    record: MeetingRecord,
    occurrence_id: str,
    windows: Sequence[Window],
    *,
    before: timedelta,
    after: timedelta,
) -> list[Conflict]:
    """The series' other occurrences that a moved occurrence would overlap (the series' own
    meeting is otherwise left out of conflict checks)."""
    return [
        Conflict(
            host_id=record.host_id,
            source="booking",
            start=other.start,
            end=other.end,
            booking_start=start,
            meeting_id=record.meeting_id,
            occurrence_id=other.occurrence_id,
            booking_id=record.booking_id,
        )
        for start, end in windows
        for other in record.occurrences
        if other.state == "scheduled"
        and other.occurrence_id != occurrence_id
        and other.start < end + after
        and start - before < other.end
    ]


def ordered(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Conflicts by start, each once."""
    unique = dict.fromkeys(conflicts)
    return sorted(unique, key=lambda c: (c.start, c.end, c.host_id, c.source))


def conflict_message(booking_id: str, conflicts: Sequence[Conflict]) -> str:
    """The error message: the booking, then each overlap on one line."""
    lines = [f"booking {booking_id!r} overlaps {len(conflicts)} busy time(s) of its host(s):"]
    lines += [f"- {c.host_id}: {c.describe()}" for c in conflicts[:20]]
    if len(conflicts) > 20:
        lines.append(f"- … and {len(conflicts) - 20} more")
    return "\n".join(lines)


def utc(when: datetime) -> datetime:
    """``when`` in UTC."""
    return when.astimezone(timezone.utc)


@attrs.frozen
class Guard:
    """How a schedule or reschedule checks busy time: the buffers kept free before and after
    the booking, and whether to check at all (``check=False`` overrides deliberately)."""

    before: timedelta = timedelta(0)
    after: timedelta = timedelta(0)
    check: bool = True
