"""What participants are told about a booking's meeting, and what goes in their calendars.

Times are shown in each recipient's own zone. The host's ``start_url`` is never part of any
message: it lets anyone start the meeting as the host, and it expires within hours anyway.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from zoomlink._core import _sms
from zoomlink._core._recurrence import describe, plan_recurrence
from zoomlink.booking import Booking, CalendarEvent, MeetingOccurrence, MeetingRecord, Participant
from zoomlink.invites import Invite, MovedOccurrence
from zoomlink.models import Notification, NotificationKind

MeetingNews = Literal["meeting_scheduled", "meeting_rescheduled", "meeting_cancelled"]

_HEADLINE: dict[MeetingNews, str] = {
    "meeting_scheduled": "Booked",
    "meeting_rescheduled": "Moved",
    "meeting_cancelled": "Cancelled",
}


def when(booking: Booking, time_zone: str) -> str:
    """The booking's time as ``time_zone`` sees it, e.g.
    ``Monday 2 November 2026, 09:00 to 09:30 EST (America/New_York)``."""
    zone = ZoneInfo(time_zone)
    start = booking.start.astimezone(zone)
    end = booking.end.astimezone(zone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    finish = f"{end:%H:%M}" if end.date() == start.date() else f"{end.day} {end:%B}, {end:%H:%M}"
    if start.tzname() != end.tzname():  # a daylight-saving switch inside the booking
        return f"{day}, {start:%H:%M %Z} to {finish} {end:%Z} ({time_zone})"
    return f"{day}, {start:%H:%M} to {finish} {start:%Z} ({time_zone})"


NO_ZOOM_TEXT = "This booking no longer has a Zoom meeting: Zoom was disconnected."
"""What a detached booking's messages and calendar events say instead of the Zoom details."""


def has_zoom(record: MeetingRecord) -> bool:
    """Whether the record still carries Zoom details (a detached one, or one cancelled after
    being detached, does not)."""
    return record.state != "detached" and (record.meeting_id is not None or bool(record.join_url))


def _join_lines(record: MeetingRecord) -> list[str]:
    if not has_zoom(record):
        return [NO_ZOOM_TEXT]
    return [
        f"Join Zoom: {record.join_url}",
        f"Meeting ID: {record.meeting_id}",
        f"Passcode: {record.password or '(none)'}",
    ]


def _answers(booking: Booking) -> list[str]:
    if not booking.answers:
        return []
    return ["", "Answers:", *(f"- {q}: {a}" for q, a in booking.answers)]


def _repeats(booking: Booking, occurrence: MeetingOccurrence | None) -> list[str]:
    """A line on the series: how it repeats, or that only one occurrence changes."""
    if occurrence is not None:
        return ["This concerns this one occurrence only; the others stay as they are."]
    if booking.recurrence is None:
        return []
    plan = plan_recurrence(booking.recurrence, booking.start, booking.host.time_zone)
    return [f"Repeats: {describe(plan, booking.host.time_zone)}"]


def _others(booking: Booking, person: Participant, role: str) -> str:
    if role == "client":
        hosts = [booking.host, *booking.co_hosts]
        return ", ".join(host.name for host in hosts)
    people = [*booking.clients, *(h for h in (booking.host, *booking.co_hosts) if h != person)]
    return ", ".join(p.name for p in people)


def _email_text(
    news: MeetingNews,
    booking: Booking,
    record: MeetingRecord,
    person: Participant,
    role: str,
    occurrence: MeetingOccurrence | None,
) -> str:
    lines = [
        f"{_HEADLINE[news]}: {booking.title}",
        f"With: {_others(booking, person, role)}",
        f"When: {when(booking, person.time_zone)}",
        *_repeats(booking, occurrence),
    ]
    if news == "meeting_cancelled" and not has_zoom(record):
        lines.append(
            "This occurrence is cancelled." if occurrence is not None else "It is cancelled."
        )
    elif news == "meeting_cancelled" and occurrence is not None:
        lines.append("This occurrence is cancelled; the Zoom link stays for the others.")
    elif news == "meeting_cancelled":
        lines.append("The Zoom meeting has been cancelled; its link no longer works.")
    else:
        if news == "meeting_rescheduled" and record.recreated:
            lines.append("The Zoom link has changed: please use the one below.")
        lines += _join_lines(record)
    return "\n".join(lines + _answers(booking))


def short_when(booking: Booking, time_zone: str) -> str:
    """The booking's time in few characters, e.g. ``Mon 2 Nov 09:00-09:30 EST``."""
    zone = ZoneInfo(time_zone)
    start = booking.start.astimezone(zone)
    end = booking.end.astimezone(zone)
    finish = f"{end:%H:%M}" if end.date() == start.date() else f"{end.day} {end:%b} {end:%H:%M}"
    zones = f"{start:%Z}" if start.tzname() == end.tzname() else f"{start:%Z}/{end:%Z}"
    return f"{start:%a} {start.day} {start:%b} {start:%H:%M}-{finish} {zones}"


_TITLE_CUTS = (60, 30, 15)  # characters of the title kept while an SMS is too long


def _sms_text(
    news: MeetingNews, booking: Booking, record: MeetingRecord, person: Participant
) -> str:
    """The SMS, in at most two parts: the details first; the answers, the long form of the
    time and then the title give way, never the time, link, meeting ID or passcode."""
    if not has_zoom(record):
        tail = ""
    elif news == "meeting_cancelled":
        tail = " The Zoom meeting is cancelled."
    else:
        changed = " New link!" if news == "meeting_rescheduled" and record.recreated else ""
        passcode = f", passcode {record.password}" if record.password else ""
        tail = f"{changed} Join: {record.join_url} (ID {record.meeting_id}{passcode})."
    answers = "".join(f" {q}: {a}." for q, a in booking.answers)
    headline = _HEADLINE[news]
    title = booking.title
    long_when, brief = when(booking, person.time_zone), short_when(booking, person.time_zone)
    titles = [title, *(f"{title[:cut].rstrip()}..." for cut in _TITLE_CUTS if len(title) > cut)]
    return _sms.first_that_fits(
        [
            f"{headline}: {title}, {long_when}.{tail}{answers}",
            f"{headline}: {title}, {long_when}.{tail}",
            *(f"{headline}: {shown}, {brief}.{tail}" for shown in titles),
            f"{headline}: {brief}.{tail}",
        ]
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def original_start(occurrence: MeetingOccurrence) -> datetime:
    """When the rule put an occurrence: Zoom names it by that start in epoch milliseconds."""
    return _EPOCH + timedelta(milliseconds=int(occurrence.occurrence_id))


def invite(
    news: MeetingNews,
    booking: Booking,
    record: MeetingRecord,
    occurrence: MeetingOccurrence | None = None,
) -> Invite:
    """The calendar invitation that goes with the booking's messages. Its sequence is the
    record's version, which every write bumps, so it grows across processes and retries
    alike; its UID is the booking's, as on the hosts' calendars.

    A cancelled occurrence is a CANCEL of that RECURRENCE-ID alone. A moved occurrence goes
    out as the whole series (its RRULE, the cancelled occurrences as EXDATEs, the moved ones
    as overriding events), so a calendar that missed a message still ends up right."""
    cancelled = news == "meeting_cancelled"
    if occurrence is not None and not cancelled:
        occurrence = None
    series = record.occurrences if occurrence is None else ()
    return Invite(
        method="CANCEL" if cancelled else "REQUEST",
        uid=calendar_uid(record),
        sequence=record.version,
        title=booking.title,
        start=occurrence.start if occurrence else booking.start,
        end=occurrence.end if occurrence else booking.end,
        time_zone=booking.host.time_zone,
        join_url=record.join_url if has_zoom(record) else "",
        meeting_id=record.meeting_id if has_zoom(record) else None,
        passcode=record.password if has_zoom(record) else "",
        description="\n".join([booking.title, *_join_lines(record)]),
        organizer=booking.host.email,
        organizer_name=booking.host.name,
        recurrence=record.recurrence,
        exdates=tuple(original_start(o) for o in series if o.state == "cancelled"),
        moved=tuple(
            MovedOccurrence(original_start=original_start(o), start=o.start, end=o.end)
            for o in series
            if o.state == "scheduled" and o.start != original_start(o)
        ),
        recurrence_id=original_start(occurrence) if occurrence else None,
    )


def notice_key(*parts: object) -> str:
    """A notice's deduplication key: a digest of what makes it this notice (never a
    secret or an address in clear)."""
    text = "\x00".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def notifications(
    news: MeetingNews,
    booking: Booking,
    record: MeetingRecord,
    now: datetime,
    occurrence: MeetingOccurrence | None = None,
) -> list[Notification]:
    """One message per client and one per host (co-hosts included), each on the recipient's
    channel, each with the booking's calendar invitation. For one occurrence of a recurring
    booking, the times are that occurrence's."""
    booking_invite = invite(news, booking, record, occurrence)
    if occurrence is not None:
        booking = attrs.evolve(booking, start=occurrence.start, end=occurrence.end)
    people: list[tuple[Participant, Literal["host", "client"]]] = [
        *((client, "client") for client in booking.clients),
        (booking.host, "host"),
        *((co_host, "host") for co_host in booking.co_hosts),
    ]
    kind: NotificationKind = news
    messages = []
    for person, role in people:
        text = (
            _sms_text(news, booking, record, person)
            if person.channel == "sms"
            else _email_text(news, booking, record, person, role, occurrence)
        )
        messages.append(
            Notification(
                kind=kind,
                tenant=booking.tenant,
                recipient_id=person.user_id,
                subject=f"{_HEADLINE[news]}: {booking.title} ({when(booking, person.time_zone)})",
                text=text,
                created_at=now,
                channel=person.channel,
                address=person.address,
                role=role,
                booking_id=booking.id,
                meeting_id=record.meeting_id,
                connection_id=record.connection_id,
                invite=booking_invite,
                # The record's version: the same until the booking's news changes.
                key=notice_key(
                    "booking",
                    record.id,
                    record.version,
                    news,
                    role,
                    person.address or person.user_id or person.name,
                    occurrence.occurrence_id if occurrence else None,
                ),
            )
        )
    return messages


def calendar_owners(booking: Booking) -> list[Participant]:
    """Whose calendars get the event: the hosts, and every client who is an app user."""
    owners = [booking.host, *booking.co_hosts]
    hosts = set(booking.host_ids)
    owners += [c for c in booking.clients if c.user_id and c.user_id not in hosts]
    return owners


def calendar_uid(record: MeetingRecord, occurrence_id: str | None = None) -> str:
    """The event's uid: the same for the booking on every calendar, stable across moves; one
    per occurrence of a recurring booking."""
    if occurrence_id is not None:
        return f"{record.id}-{occurrence_id}@zoomlink"
    return f"{record.id}@zoomlink"


def calendar_events(
    booking: Booking,
    record: MeetingRecord,
    owner: Participant,
    dropped: tuple[MeetingOccurrence, ...] = (),
) -> list[tuple[CalendarEvent, bool]]:
    """The booking's events on ``owner``'s calendar, each with whether it stays (``True``)
    or goes: one event, or one per occurrence of a recurring booking."""
    live = record.state != "cancelled"
    if not record.occurrences:
        return [(calendar_event(booking, record, owner), live)]
    changes = [(o, False) for o in dropped]
    changes += [(o, live and o.state == "scheduled") for o in record.occurrences]
    return [
        (
            calendar_event(
                attrs.evolve(booking, start=o.start, end=o.end),
                record,
                owner,
                occurrence_id=o.occurrence_id,
            ),
            keep,
        )
        for o, keep in changes
    ]


def calendar_event(
    booking: Booking,
    record: MeetingRecord,
    owner: Participant,
    *,
    occurrence_id: str | None = None,
) -> CalendarEvent:
    """The booking's event on ``owner``'s calendar, carrying the join URL and meeting ID."""
    assert owner.user_id is not None  # calendar_owners picks app users only
    description = "\n".join(_join_lines(record))
    return CalendarEvent(
        uid=calendar_uid(record, occurrence_id),
        tenant=booking.tenant,
        owner_id=owner.user_id,
        booking_id=booking.id,
        title=booking.title,
        start=booking.start,
        end=booking.end,
        time_zone=owner.time_zone,
        location=record.join_url if has_zoom(record) else "",
        description=description,
        meeting_id=record.meeting_id or 0,
    )
