"""The iCalendar invitation a booking message carries, built without I/O (RFC 5545/5546)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
from dateutil import rrule

from zoomlink import Invite
from zoomlink._core._invites import ics

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
START = datetime(2026, 3, 10, 15, 0, tzinfo=BERLIN)


def invite(**changes: object) -> Invite:
    """A REQUEST for a half-hour booking in Berlin."""
    values: dict[str, object] = {
        "method": "REQUEST",
        "uid": "mr_1@zoomlink",
        "sequence": 2,
        "title": "Consultation",
        "start": START,
        "end": START + timedelta(minutes=30),
        "time_zone": "Europe/Berlin",
    }
    values.update(changes)
    return Invite(**values)  # type: ignore[arg-type]


def event_of(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    """The calendar and its one VEVENT."""
    calendar = icalendar.Calendar.from_ical(data)
    [event] = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    return calendar, event


def test_a_date_until_becomes_utc_and_keeps_the_last_local_day() -> None:
    """UNTIL given as a date ends with that day in the host's zone, written in UTC beside the
    TZID'd DTSTART; the rule still yields the same occurrences."""
    data = ics(invite(recurrence="FREQ=WEEKLY;UNTIL=20260331"), NOW)
    calendar, event = event_of(data)
    [rule] = event.rrules
    assert rule["UNTIL"] == [datetime(2026, 3, 31, 21, 59, 59, tzinfo=timezone.utc)]
    assert b"UNTIL=20260331T215959Z" in data
    assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]
    starts = list(rrule.rrulestr(rule.to_ical().decode(), dtstart=event.start))
    assert [s.date() for s in starts] == [date(2026, 3, d) for d in (10, 17, 24, 31)]


def test_a_meeting_without_zoom_has_no_location() -> None:
    """An invite for a booking whose Zoom details are gone names no link."""
    _, event = event_of(ics(invite(description="No Zoom"), NOW))
    assert "LOCATION" not in event
    assert "URL" not in event
    assert str(event["DESCRIPTION"]) == "No Zoom"


def test_a_cancel_is_cancelled_with_its_uid_and_sequence() -> None:
    """A CANCEL carries METHOD:CANCEL, STATUS:CANCELLED, the UID and the sequence."""
    calendar, event = event_of(ics(invite(method="CANCEL", sequence=7), NOW, "dana@example.org"))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert (event.uid, event.sequence) == ("mr_1@zoomlink", 7)
    assert str(event["ATTENDEE"]) == "mailto:dana@example.org"
    assert event.decoded("DTSTAMP") == NOW
