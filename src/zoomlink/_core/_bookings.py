"""Bookings to Zoom meetings: location, the fields sent, the booking marker, record states."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import attrs

from zoomlink._core._messages import calendar_owners
from zoomlink._core._recurrence import ZoomRecurrence, occurrence_id, plan_recurrence
from zoomlink.booking import (
    Booking,
    ConferencingChoice,
    EventType,
    MeetingOccurrence,
    MeetingRecord,
    Participant,
)
from zoomlink.errors import PasscodePolicyError, ZoomValidationError
from zoomlink.models import Meeting, MeetingFields

Window = tuple[datetime, datetime]

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


def marker_of(agenda: str) -> str:
    """The booking marker that starts ``agenda``, or ''."""
    first = agenda.split("\n", 1)[0]
    return first if first.startswith(_MARKER_PREFIX) else ""


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


def recurrence(booking: Booking) -> ZoomRecurrence | None:
    """A recurring booking's rule as Zoom will hold it (``None`` for a single meeting).

    Raises:
        InvalidBookingError: The rule is one Zoom cannot express (``field="recurrence"``).
    """
    if booking.recurrence is None:
        return None
    return plan_recurrence(booking.recurrence, booking.start, booking.host.time_zone)


def windows(booking: Booking, plan: ZoomRecurrence | None) -> list[Window]:
    """The times the booking takes (in UTC, where arithmetic is safe): each occurrence of a
    recurring one, else its own."""
    if plan is None:
        return [(_utc(booking.start), _utc(booking.end))]
    length = timedelta(minutes=booking.duration_minutes)
    return [(start, start + length) for start in plan.starts]


def meeting_fields(
    booking: Booking,
    mark: str,
    plan: ZoomRecurrence | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> MeetingFields:
    """What to send Zoom to create the booking's meeting: UTC start, whole minutes, the host's
    time zone, a recurring booking's rule, and only the settings that are set (Zoom applies
    the host's own settings to the rest)."""
    settings = booking.event_type.settings
    zoom_settings = {**settings.zoom_settings(), **(extra_settings or {})}
    return MeetingFields(
        topic=booking.title,
        start=booking.start,
        duration_minutes=booking.duration_minutes,
        timezone=booking.host.time_zone,
        agenda=agenda(booking, mark),
        password=settings.passcode,
        settings=zoom_settings or None,
        recurrence=plan.zoom_fields() if plan else None,
    )


def move_fields(
    booking: Booking, record: MeetingRecord, mark: str, plan: ZoomRecurrence | None = None
) -> MeetingFields:
    """The PATCH for a reschedule: times and time zone always, topic, agenda and a recurring
    booking's rule too."""
    return MeetingFields(
        topic=booking.title if booking.title != record.topic else None,
        start=booking.start,
        duration_minutes=booking.duration_minutes,
        timezone=booking.host.time_zone,
        agenda=agenda(booking, mark),
        recurrence=plan.zoom_fields() if plan else None,
    )


def same_times(booking: Booking, record: MeetingRecord) -> bool:
    """Whether the record already has the booking's times, zone, title and rule (a repeated
    call)."""
    plan = recurrence(booking)
    return (
        record.start == booking.start
        and record.end == booking.end
        and record.timezone == booking.host.time_zone
        and record.topic == booking.title
        and record.recurrence == (plan.rule if plan else "")
    )


def occurrences(
    booking: Booking, plan: ZoomRecurrence | None, meeting: Meeting | None = None
) -> tuple[MeetingOccurrence, ...]:
    """A recurring meeting's occurrences: as Zoom listed them when it did, else as the rule
    expands (Zoom names each by its start in epoch milliseconds)."""
    if plan is None:
        return ()
    length = timedelta(minutes=booking.duration_minutes)
    if meeting is not None and meeting.occurrences:
        return tuple(
            MeetingOccurrence(
                occurrence_id=o.occurrence_id,
                start=_utc(o.start),
                end=_utc(o.start) + timedelta(minutes=o.duration_minutes),
            )
            for o in meeting.occurrences
        )
    return tuple(
        MeetingOccurrence(occurrence_id=occurrence_id(start), start=start, end=start + length)
        for start in plan.starts
    )


def find_occurrence(record: MeetingRecord, when: datetime) -> MeetingOccurrence | None:
    """The record's occurrence that starts (or originally started) at ``when``."""
    wanted = occurrence_id(when)
    for occurrence in record.occurrences:
        if occurrence.occurrence_id == wanted or occurrence.start == when:
            return occurrence
    return None


def with_occurrence(
    record: MeetingRecord, changed: MeetingOccurrence, now: datetime
) -> MeetingRecord:
    """The record with one occurrence replaced."""
    return attrs.evolve(
        record,
        occurrences=tuple(
            changed if o.occurrence_id == changed.occurrence_id else o for o in record.occurrences
        ),
        announced=False,
        updated_at=now,
        version=record.version + 1,
    )


def pending_record(
    booking: Booking,
    *,
    connection_id: str,
    zoom_user: str,
    quota_user: str,
    now: datetime,
    previous: MeetingRecord | None,
    plan: ZoomRecurrence | None = None,
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
        recurrence=plan.rule if plan else "",
        occurrences=occurrences(booking, plan),
        calendars=calendar_ids(booking),
    )


def calendar_ids(booking: Booking) -> tuple[str, ...]:
    """The app users whose calendars get the booking's events."""
    return tuple(p.user_id for p in calendar_owners(booking) if p.user_id)


def scheduled(
    record: MeetingRecord,
    booking: Booking,
    meeting: Meeting,
    now: datetime,
    *,
    recreated: bool,
    plan: ZoomRecurrence | None = None,
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
        recurrence=plan.rule if plan else "",
        occurrences=occurrences(booking, plan, meeting),
        in_zoom="as_booked",
        calendars=calendar_ids(booking),
    )


def moved(
    record: MeetingRecord, booking: Booking, now: datetime, plan: ZoomRecurrence | None = None
) -> MeetingRecord:
    """The record after Zoom accepted the reschedule (Zoom answers 204: keep what we sent; a
    moved series has its occurrences laid out afresh by its rule). A detached booking moves
    the same way, with no Zoom call."""
    return attrs.evolve(
        record,
        topic=booking.title,
        start=_utc(booking.start),
        end=_utc(booking.end),
        timezone=booking.host.time_zone,
        recurrence=plan.rule if plan else "",
        occurrences=occurrences(booking, plan),
        in_zoom="as_booked",
        calendars=calendar_ids(booking),
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


def co_host_settings(
    co_hosts: Iterable[tuple[Participant, tuple[str, str] | None]],
    account_id: str,
    host_email: str,
) -> dict[str, Any]:
    """Zoom settings for a collective booking's co-hosts, each given with their Zoom identity
    (e-mail, account id) or ``None``: users of the meeting's Zoom account become alternative
    hosts (Zoom allows no others); everyone else is invited by e-mail."""
    alternative: list[str] = []
    invited: list[str] = []
    for person, identity in co_hosts:
        if identity is not None and identity[1] == account_id:
            if identity[0].lower() != host_email.lower():
                alternative.append(identity[0])
        elif person.email:
            invited.append(person.email)
        elif identity is not None:
            invited.append(identity[0])
    settings: dict[str, Any] = {}
    if alternative:
        settings["alternative_hosts"] = ";".join(alternative)
        settings["alternative_hosts_email_notification"] = False  # zoomlink tells them itself
    if invited:
        settings["meeting_invitees"] = [{"email": email} for email in invited]
    return settings


ALTERNATIVE_HOST_REFUSED = 1114
"""Zoom's code when it cannot make someone an alternative host (not licensed, not allowed)."""


def invite_instead(fields: MeetingFields) -> MeetingFields | None:
    """The create with the alternative hosts invited instead, or ``None`` if it had none:
    Zoom refuses unlicensed users as alternative hosts, and they can still join as guests."""
    settings = dict(fields.settings or {})
    hosts = [h for h in str(settings.pop("alternative_hosts", "")).split(";") if h]
    if not hosts:
        return None
    settings.pop("alternative_hosts_email_notification", None)
    invited = list(settings.get("meeting_invitees", []))
    settings["meeting_invitees"] = invited + [{"email": email} for email in hosts]
    return attrs.evolve(fields, settings=settings)


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
