"""Booking events as iCalendar, and a calendar's objects read back as events and busy time.

zoomlink writes each :class:`~zoomlink.CalendarEvent` as one VEVENT (built with ``icalendar``)
that carries the fields the protocol needs to read it back (``X-ZOOMLINK-*``). Everything else
on the calendar was made outside zoomlink: it is read as busy time the way a calendar app shows
it, so recurring series are expanded, all-day and floating times are read on the calendar's
time zone, and events marked free (``TRANSP:TRANSPARENT``) or cancelled are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from zoomlink._core._calendar_window import overlaps
from zoomlink._version import __version__
from zoomlink.booking import CalendarEvent
from zoomlink.errors import CalendarDataError

PRODID = f"-//zoomlink//zoomlink {__version__}//EN"

# The properties that mark a VEVENT as zoomlink's and carry what the protocol reads back.
TENANT = "X-ZOOMLINK-TENANT"
OWNER = "X-ZOOMLINK-OWNER"
BOOKING = "X-ZOOMLINK-BOOKING"
MEETING = "X-ZOOMLINK-MEETING"
TIME_ZONE = "X-ZOOMLINK-TIME-ZONE"

# A series without an end is listed this far past the window's start (or its own first
# occurrence) when the window has no end: "all events" of an endless series is endless.
OPEN_END_HORIZON = timedelta(days=366)
# Servers place all-day and floating times on a time zone of their own: ask for a day more on
# each side and cut the window exactly here, on the calendar's time zone.
QUERY_SLACK = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_ics(event: CalendarEvent, *, stamp: datetime) -> str:
    """The event as an iCalendar object: one VEVENT on the owner's time zone, with the
    time zone's VTIMEZONE, stamped ``stamp``."""
    zone = ZoneInfo(event.time_zone)
    vevent = icalendar.Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", stamp.astimezone(timezone.utc))
    vevent.add("DTSTART", event.start.astimezone(zone))
    vevent.add("DTEND", event.end.astimezone(zone))
    vevent.add("SUMMARY", event.title)
    if event.location:
        vevent.add("LOCATION", event.location)
    if event.description:
        vevent.add("DESCRIPTION", event.description)
    vevent.add("TRANSP", "OPAQUE")
    vevent.add("STATUS", "CONFIRMED")
    vevent.add(TENANT, event.tenant)
    vevent.add(OWNER, event.owner_id)
    vevent.add(BOOKING, event.booking_id)
    vevent.add(MEETING, str(event.meeting_id))
    vevent.add(TIME_ZONE, event.time_zone)
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


def query_window(
    start: datetime | None, end: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """The time range to ask the server for: the window with a day's slack on each side."""
    return (
        None if start is None else start - QUERY_SLACK,
        None if end is None else end + QUERY_SLACK,
    )


def read_events(
    data: str,
    *,
    href: str,
    tenant: str,
    owner_id: str,
    start: datetime | None,
    end: datetime | None,
    zone: ZoneInfo,
) -> list[CalendarEvent]:
    """The events of one calendar object (a resource of the calendar) that overlap
    ``[start, end)``: zoomlink's own event as written, or the busy occurrences of an event
    made outside zoomlink. Raises :class:`~zoomlink.CalendarDataError` naming ``href`` when
    the object cannot be read."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
        vevents = [c for c in calendar.walk("VEVENT") if isinstance(c, icalendar.Event)]
        if any(OWNER in c for c in vevents):
            found = [_own_event(c) for c in vevents if OWNER in c]
            found = [e for e in found if (e.tenant, e.owner_id) == (tenant, owner_id)]
        else:
            found = _busy_occurrences(calendar, vevents, href, tenant, owner_id, start, end, zone)
    except CalendarDataError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # icalendar and the expansion signal malformed data with these; the text is theirs
        # and names a property, never a credential.
        raise CalendarDataError(
            f"the calendar object at {href} is not iCalendar zoomlink can read: {error}",
            url=href,
        ) from error
    return [e for e in found if overlaps(e, start, end)]


def _own_event(vevent: icalendar.Event) -> CalendarEvent:
    """A VEVENT zoomlink wrote, read back as the event it was written from."""
    time_zone = str(vevent[TIME_ZONE])
    zone = ZoneInfo(time_zone)
    return CalendarEvent(
        uid=str(vevent["UID"]),
        tenant=str(vevent[TENANT]),
        owner_id=str(vevent[OWNER]),
        booking_id=str(vevent[BOOKING]),
        title=str(vevent.get("SUMMARY", "")),
        start=_aware(vevent.start, zone),
        end=_aware(vevent.end, zone),
        time_zone=time_zone,
        location=str(vevent.get("LOCATION", "")),
        description=str(vevent.get("DESCRIPTION", "")),
        meeting_id=int(str(vevent[MEETING])),
    )


def _busy_occurrences(
    calendar: icalendar.Calendar,
    vevents: list[icalendar.Event],
    href: str,
    tenant: str,
    owner_id: str,
    start: datetime | None,
    end: datetime | None,
    zone: ZoneInfo,
) -> list[CalendarEvent]:
    """The occurrences of an event made outside zoomlink that make its owner busy."""
    if not vevents:
        return []
    first = min(_aware(v.start, zone) for v in vevents)
    low = (start or _EPOCH) - QUERY_SLACK
    high = end + QUERY_SLACK if end is not None else max(start or first, first) + OPEN_END_HORIZON
    occurrences: Iterable[icalendar.Component] = recurring_ical_events.of(calendar).between(
        low, high
    )
    return [
        _external_event(occurrence, href, tenant, owner_id, zone)
        for occurrence in occurrences
        if isinstance(occurrence, icalendar.Event) and _is_busy(occurrence)
    ]


def _is_busy(vevent: icalendar.Event) -> bool:
    """Whether the event takes its time, as calendar apps read it: not when marked free or
    cancelled."""
    transparent = str(vevent.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    cancelled = str(vevent.get("STATUS", "")).upper() == "CANCELLED"
    return not (transparent or cancelled)


def _external_event(
    vevent: icalendar.Event, href: str, tenant: str, owner_id: str, zone: ZoneInfo
) -> CalendarEvent:
    """One occurrence of an event made outside zoomlink: no booking, no meeting."""
    begins = _aware(vevent.start, zone)
    ends = _aware(vevent.end, zone)
    own_zone = getattr(begins.tzinfo, "key", None)
    return CalendarEvent(
        uid=str(vevent.get("UID", href)),
        tenant=tenant,
        owner_id=owner_id,
        booking_id="",
        title=str(vevent.get("SUMMARY", "")),
        start=begins,
        end=max(ends, begins),
        time_zone=own_zone if isinstance(own_zone, str) else zone.key,
        location=str(vevent.get("LOCATION", "")),
        description=str(vevent.get("DESCRIPTION", "")),
        meeting_id=0,
    )


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    """An iCalendar DATE or DATE-TIME as an aware datetime: dates start at midnight and
    floating times are read on ``zone`` (RFC 5545 3.3.4, 3.3.5)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone)
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value
