"""A CalendarBackend on Google Calendar, for a host app that already talks to it with
google-api-python-client: bookings are written with ``events.insert``/``patch``/``delete`` and
busy time is read with ``freebusy.query``.

zoomlink does not depend on Google's client: this module takes the service object your app
already builds for each user (``googleapiclient.discovery.build("calendar", "v3",
credentials=...)``), so it type-checks without it. Copy it into your app and adapt it; the
"Calendars" page of the docs walks through it.

Google's facts it relies on (Calendar API v3 reference): an event ID you choose may use the
characters a-v and 0-9 and be 5 to 1024 long; a deleted event keeps its ID, so writing it again
is a ``patch`` with ``status: confirmed``; ``freebusy.query`` answers merged busy blocks, without
the events that are marked free ("transparent") or cancelled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from zoomlink import CalendarEvent, InvalidInputError

if TYPE_CHECKING:
    from zoomlink import CalendarBackend

# zoomlink's fields on an event it wrote, and whose it is (to list them), as private extended
# properties: not shown to guests.
ZOOMLINK = "zoomlink"
OWNER = "zoomlink_owner"

Window = tuple[datetime, datetime]


def event_id(tenant: str, owner_id: str, uid: str) -> str:
    """The Google event ID of zoomlink's event: hex digits are valid base32hex."""
    return hashlib.sha256(f"{tenant}\0{owner_id}\0{uid}".encode()).hexdigest()


def http_status(error: Exception) -> int | None:
    """The HTTP status of a googleapiclient.errors.HttpError (``resp.status``), else None."""
    status = getattr(getattr(error, "resp", None), "status", None)
    return int(status) if status is not None else None


class GoogleCalendarBackend:
    """Writes booking events on each host's Google Calendar and reads their busy time.

    Args:
        services: ``(tenant, owner_id) -> service``: the Calendar API service built with that
            app user's Google credentials.
        calendar_id: The calendar the booking events go on.
        busy_calendars: The calendars whose busy time blocks bookings.
    """

    def __init__(
        self,
        services: Callable[[str, str], Any],
        *,
        calendar_id: str = "primary",
        busy_calendars: Sequence[str] = ("primary",),
    ) -> None:
        self._services = services
        self._calendar_id = calendar_id
        self._busy_calendars = tuple(busy_calendars)

    def put_event(self, event: CalendarEvent) -> None:
        """Write the event; a second put with the same key updates it in place."""
        events = self._services(event.tenant, event.owner_id).events()
        the_id = event_id(event.tenant, event.owner_id, event.uid)
        body = {
            "summary": event.title,
            "location": event.location,
            "description": event.description,
            "start": {"dateTime": event.start.isoformat(), "timeZone": event.time_zone},
            "end": {"dateTime": event.end.isoformat(), "timeZone": event.time_zone},
            "status": "confirmed",  # brings back an event deleted earlier
            "transparency": "opaque",
            "extendedProperties": {
                "private": {ZOOMLINK: _fields(event), OWNER: f"{event.tenant}/{event.owner_id}"}
            },
        }
        try:
            events.patch(calendarId=self._calendar_id, eventId=the_id, body=body).execute()
        except Exception as error:
            if http_status(error) != 404:
                raise
            events.insert(calendarId=self._calendar_id, body={**body, "id": the_id}).execute()

    def remove_event(self, tenant: str, owner_id: str, uid: str) -> bool:
        """Delete the event; whether it was there (Google answers 410 for one deleted)."""
        events = self._services(tenant, owner_id).events()
        the_id = event_id(tenant, owner_id, uid)
        try:
            events.delete(calendarId=self._calendar_id, eventId=the_id).execute()
        except Exception as error:
            if http_status(error) in (404, 410):
                return False
            raise
        return True

    def events(
        self,
        tenant: str,
        owner_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CalendarEvent]:
        """zoomlink's events in the window, and the busy blocks of the busy calendars
        (zoomlink always asks with both bounds; this backend needs them)."""
        if start is None or end is None:
            raise InvalidInputError("GoogleCalendarBackend.events() needs a start and an end")
        service = self._services(tenant, owner_id)
        own = [
            event
            for item in self._listed(service, f"{tenant}/{owner_id}", start, end)
            if (event := _own_event(item, tenant, owner_id)) is not None
        ]
        answer = (
            service.freebusy()
            .query(
                body={
                    "timeMin": start.astimezone(timezone.utc).isoformat(),
                    "timeMax": end.astimezone(timezone.utc).isoformat(),
                    "items": [{"id": calendar} for calendar in self._busy_calendars],
                }
            )
            .execute()
        )
        blocks: list[Window] = []
        for calendar, found in answer["calendars"].items():
            if found.get("errors"):
                raise RuntimeError(f"Google could not tell the busy time of {calendar}")
            blocks += [(_instant(b["start"]), _instant(b["end"])) for b in found["busy"]]
        # Busy blocks include zoomlink's own events: take those out, they are listed as
        # themselves (a booking must not conflict with its own event when it moves).
        busy = [
            _busy_event(tenant, owner_id, b_start, b_end)
            for b_start, b_end in _minus(blocks, [(e.start, e.end) for e in own])
        ]
        return sorted(own + busy, key=lambda event: (event.start, event.uid))

    def _listed(
        self, service: Any, owner: str, start: datetime, end: datetime
    ) -> Iterable[dict[str, Any]]:
        """The owner's zoomlink events overlapping the window, page by page."""
        page: str | None = None
        while True:
            answer = (
                service.events()
                .list(
                    calendarId=self._calendar_id,
                    timeMin=start.astimezone(timezone.utc).isoformat(),
                    timeMax=end.astimezone(timezone.utc).isoformat(),
                    singleEvents=True,
                    privateExtendedProperty=f"{OWNER}={owner}",
                    pageToken=page,
                )
                .execute()
            )
            yield from answer.get("items", [])
            page = answer.get("nextPageToken")
            if page is None:
                return


def _fields(event: CalendarEvent) -> str:
    """What zoomlink reads back that Google's event does not hold, as JSON."""
    return json.dumps(
        {
            "uid": event.uid,
            "tenant": event.tenant,
            "owner_id": event.owner_id,
            "booking_id": event.booking_id,
            "meeting_id": event.meeting_id,
            "time_zone": event.time_zone,
        }
    )


def _own_event(item: dict[str, Any], tenant: str, owner_id: str) -> CalendarEvent | None:
    """zoomlink's event, read back from Google's, or None for another owner's or a deleted one."""
    private = item.get("extendedProperties", {}).get("private", {})
    if item.get("status") == "cancelled" or ZOOMLINK not in private:
        return None
    fields = json.loads(private[ZOOMLINK])
    if (fields["tenant"], fields["owner_id"]) != (tenant, owner_id):
        return None
    return CalendarEvent(
        uid=fields["uid"],
        tenant=tenant,
        owner_id=owner_id,
        booking_id=fields["booking_id"],
        title=item.get("summary", ""),
        start=_instant(item["start"]["dateTime"]),
        end=_instant(item["end"]["dateTime"]),
        time_zone=fields["time_zone"],
        location=item.get("location", ""),
        description=item.get("description", ""),
        meeting_id=fields["meeting_id"],
    )


def _busy_event(tenant: str, owner_id: str, start: datetime, end: datetime) -> CalendarEvent:
    """A busy block made outside zoomlink."""
    return CalendarEvent(
        uid=f"busy-{start:%Y%m%dT%H%M%SZ}",
        tenant=tenant,
        owner_id=owner_id,
        booking_id="",
        title="Busy",
        start=start,
        end=end,
        time_zone="UTC",
        location="",
        description="",
        meeting_id=0,
    )


def _instant(text: str) -> datetime:
    """An RFC 3339 time from Google as an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _minus(blocks: Iterable[Window], holes: Iterable[Window]) -> list[Window]:
    """The parts of ``blocks`` outside every hole."""
    left = sorted(blocks)
    for hole_start, hole_end in holes:
        cut: list[Window] = []
        for start, end in left:
            if end <= hole_start or start >= hole_end:
                cut.append((start, end))
                continue
            if start < hole_start:
                cut.append((start, hole_start))
            if end > hole_end:
                cut.append((hole_end, end))
        left = cut
    return left


def _fits(backend: GoogleCalendarBackend) -> CalendarBackend:
    """The shape check: mypy proves the class fits zoomlink's protocol."""
    return backend
