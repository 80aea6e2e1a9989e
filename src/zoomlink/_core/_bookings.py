"""Bookings to Zoom meetings: location, the fields sent, the booking marker, record states."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Literal

import attrs

from zoomlink.booking import Booking, ConferencingChoice, EventType, MeetingRecord
from zoomlink.errors import PasscodePolicyError, ZoomValidationError
from zoomlink.models import Meeting, MeetingFields

DEFAULT_CONFERENCING = "default_conferencing"
"""The preference name of a user's default conferencing."""

_MARKER_PREFIX = "Booking ref "


def record_id(tenant: str, booking_id: str) -> str:
    """The store id of a booking's meeting record (any characters in tenant and id are safe)."""
    digest = hashlib.sha256(f"{tenant}\x00{booking_id}".encode()).hexdigest()
    return f"mr_{digest[:40]}"


def marker(tenant: str, booking_id: str) -> str:
    """The short marker that starts the agenda of a booking's meeting.

    Zoom has no idempotency key; the marker lets a retry find a meeting an interrupted call
    created. It is derived from the booking alone, so every retry looks for the same one.
    """
    digest = hashlib.sha256(f"zoomlink\x00{tenant}\x00{booking_id}".encode()).hexdigest()
    return f"{_MARKER_PREFIX}zl-{digest[:12]}"


def agenda(booking: Booking, mark: str) -> str:
    """The meeting agenda: the marker first (Zoom's list keeps only 250 characters), then the
    booking's description."""
    return f"{mark}\n\n{booking.description}" if booking.description else mark


def find_marked(meetings: Iterable[Meeting], mark: str) -> Meeting | None:
    """The newest listed meeting whose agenda starts with ``mark``."""
    found = [m for m in meetings if m.agenda == mark or m.agenda.startswith(mark + "\n")]
    return max(found, key=lambda m: m.id) if found else None


def location(
    event_type: EventType, default: ConferencingChoice | None
) -> Literal["zoom", "builtin", "none"]:
    """Where a booking of ``event_type`` takes place, given the host's default conferencing
    (the host app's built-in calls when the host never chose one)."""
    if event_type.location == "default":
        return default or "builtin"
    return event_type.location


def meeting_fields(booking: Booking, mark: str) -> MeetingFields:
    """What to send Zoom to create the booking's meeting: UTC start, whole minutes, the host's
    time zone, and only the event type's settings that are set (Zoom applies the host's own
    settings to the rest)."""
    settings = booking.event_type.settings
    zoom_settings = settings.zoom_settings()
    return MeetingFields(
        topic=booking.title,
        start=booking.start,
        duration_minutes=booking.duration_minutes,
        timezone=booking.host.time_zone,
        agenda=agenda(booking, mark),
        password=settings.passcode,
        settings=zoom_settings or None,
    )


def move_fields(booking: Booking, record: MeetingRecord, mark: str) -> MeetingFields:
    """The PATCH for a reschedule: times and time zone always, topic and agenda too."""
    return MeetingFields(
        topic=booking.title if booking.title != record.topic else None,
        start=booking.start,
        duration_minutes=booking.duration_minutes,
        timezone=booking.host.time_zone,
        agenda=agenda(booking, mark),
    )


def same_times(booking: Booking, record: MeetingRecord) -> bool:
    """Whether the record already has the booking's times, zone and title (a repeated call)."""
    return (
        record.start == booking.start
        and record.end == booking.end
        and record.timezone == booking.host.time_zone
        and record.topic == booking.title
    )


def pending_record(
    booking: Booking,
    *,
    connection_id: str,
    zoom_user: str,
    quota_user: str,
    now: datetime,
    previous: MeetingRecord | None,
) -> MeetingRecord:
    """The record written before asking Zoom to create the meeting (write-ahead)."""
    return MeetingRecord(
        id=record_id(booking.tenant, booking.id),
        tenant=booking.tenant,
        booking_id=booking.id,
        host_id=booking.host_id,
        event_type_id=booking.event_type.id,
        connection_id=connection_id,
        zoom_user=zoom_user,
        quota_user=quota_user,
        marker=marker(booking.tenant, booking.id),
        state="pending",
        topic=booking.title,
        start=_utc(booking.start),
        end=_utc(booking.end),
        timezone=booking.host.time_zone,
        recreated=previous.recreated if previous else 0,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        version=previous.version + 1 if previous else 1,
    )


def scheduled(
    record: MeetingRecord, booking: Booking, meeting: Meeting, now: datetime, *, recreated: bool
) -> MeetingRecord:
    """The record once Zoom's meeting is known."""
    return attrs.evolve(
        record,
        state="scheduled",
        meeting_id=meeting.id,
        join_url=meeting.join_url,
        password=meeting.password,
        topic=booking.title,
        start=_utc(booking.start),
        end=_utc(booking.end),
        timezone=booking.host.time_zone,
        recreated=record.recreated + (1 if recreated else 0),
        announced=False,
        updated_at=now,
        version=record.version + 1,
    )


def moved(record: MeetingRecord, booking: Booking, now: datetime) -> MeetingRecord:
    """The record after Zoom accepted the reschedule (Zoom answers 204: keep what we sent)."""
    return attrs.evolve(
        record,
        topic=booking.title,
        start=_utc(booking.start),
        end=_utc(booking.end),
        timezone=booking.host.time_zone,
        announced=False,
        updated_at=now,
        version=record.version + 1,
    )


def cancelled(record: MeetingRecord, now: datetime) -> MeetingRecord:
    """The record once the meeting is deleted (or was gone already)."""
    return attrs.evolve(
        record, state="cancelled", announced=False, updated_at=now, version=record.version + 1
    )


def announced(record: MeetingRecord, now: datetime) -> MeetingRecord:
    """The record once everyone was told and calendars were written."""
    return attrs.evolve(record, announced=True, updated_at=now, version=record.version + 1)


def passcode_error(error: ZoomValidationError, booking: Booking) -> PasscodePolicyError | None:
    """Zoom's validation error as a :class:`PasscodePolicyError` when it is about the passcode."""
    problems = [
        item.get("message", "")
        for item in error.errors
        if item.get("field", "").split(".")[-1] in ("password", "passcode")
    ]
    if not problems and "passcode" not in error.message.lower():
        return None
    problem = "; ".join(p for p in problems if p) or error.message
    event_type = booking.event_type
    advice = (
        "change the passcode in the event type's meeting settings"
        if event_type.settings.passcode
        else "set a passcode in the event type's meeting settings"
    )
    return PasscodePolicyError(
        f"Zoom refused the meeting passcode for booking {booking.id!r} (event type "
        f"{event_type.id!r}): {problem}. The host's Zoom passcode rules apply; {advice} or "
        "leave it unset to let Zoom generate one.",
        booking_id=booking.id,
        event_type_id=event_type.id,
        problem=problem,
        errors=error.errors,
        status=error.status,
        code=error.code,
        tracking_id=error.tracking_id,
        method=error.method,
        url=error.url,
    )


def _utc(when: datetime) -> datetime:
    return when.astimezone(timezone.utc)
