"""A booking message's invitation as iCalendar text (RFC 5545, with RFC 5546's METHOD), built
with the ``icalendar`` library: one VEVENT for the booking (a recurring one carries its RRULE and
EXDATEs), plus one per occurrence moved off its rule."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import icalendar

from zoomlink.invites import Invite

PRODUCT_ID = "-//zoomlink//Zoom bookings//EN"


def _address(email: str, name: str = "") -> icalendar.vCalAddress:
    address: icalendar.vCalAddress = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _rule(text: str, zone: ZoneInfo) -> icalendar.vRecur:
    """The RRULE, its UNTIL in UTC as RFC 5545 wants beside a DTSTART with a TZID: a date
    UNTIL ends with that local day, as zoomlink tells Zoom."""
    rule: icalendar.vRecur = icalendar.vRecur.from_ical(text)
    until = rule.get("UNTIL")
    if until and isinstance(until[0], date) and not isinstance(until[0], datetime):
        last = datetime.combine(until[0], time(23, 59, 59), zone)
        rule["UNTIL"] = [last.astimezone(timezone.utc)]
    return rule


def _event(
    invite: Invite, start: datetime, end: datetime, now: datetime, attendee: str | None
) -> icalendar.Event:
    zone = ZoneInfo(invite.time_zone)
    event = icalendar.Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", invite.title)
    event.add("description", invite.description)
    if invite.join_url:
        event.add("location", invite.join_url)
        event.add("url", invite.join_url)
    event.add("status", "CANCELLED" if invite.method == "CANCEL" else "CONFIRMED")
    if invite.organizer:
        event.add("organizer", _address(invite.organizer, invite.organizer_name))
    if attendee:
        person = _address(attendee)
        person.params["ROLE"] = "REQ-PARTICIPANT"
        person.params["PARTSTAT"] = "NEEDS-ACTION"
        event.add("attendee", person)
    return event


def ics(invite: Invite, now: datetime, attendee: str | None = None) -> bytes:
    """The invite as an iCalendar object with its METHOD, addressed to ``attendee`` (only the
    recipient is listed: one participant's address is never shown to another)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    zone = ZoneInfo(invite.time_zone)
    event = _event(invite, invite.start, invite.end, now, attendee)
    if invite.recurrence_id is not None:
        event.add("recurrence-id", invite.recurrence_id.astimezone(zone))
    elif invite.recurrence:
        event.add("rrule", _rule(invite.recurrence, zone))
        if invite.exdates:
            event.add("exdate", [when.astimezone(zone) for when in invite.exdates])
    calendar.add_component(event)
    if invite.recurrence_id is None and invite.recurrence:
        for moved in invite.moved:
            override = _event(invite, moved.start, moved.end, now, attendee)
            override.add("recurrence-id", moved.original_start.astimezone(zone))
            calendar.add_component(override)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data
