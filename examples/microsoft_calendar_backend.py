"""A CalendarBackend on Microsoft 365 (Outlook) calendars through Microsoft Graph, for a host app
that already holds each user's Graph access token: bookings are written on ``/me/events`` and
busy time is read with ``getSchedule``.

It speaks Graph over httpx (a zoomlink dependency), so it needs nothing new; the msgraph SDK
would do as well. Copy it into your app and adapt it; the "Calendars" page of the docs walks
through it.

Graph's facts it relies on (Graph v1.0 reference): Graph chooses event IDs, so zoomlink's key
is kept in a single-value extended property and found with ``$filter`` on it (``eq`` on a
string value, compared without regard to case); ``Prefer: outlook.timezone="UTC"`` makes Graph
answer times in UTC; ``getSchedule`` lists one item per event of the user's default calendar
with its status (free, tentative, busy, oof, workingElsewhere, unknown).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from zoomlink import CalendarEvent, InvalidInputError

if TYPE_CHECKING:
    from zoomlink import CalendarBackend

GRAPH = "https://graph.microsoft.com/v1.0"
# Extended properties of our own (a GUID namespace and a name, Graph's id format for them).
_NAMESPACE = "{8f0a5a1e-7f1c-4b55-9d7e-2a1c3b4d5e6f}"
KEY = f"String {_NAMESPACE} Name zoomlinkKey"
FIELDS = f"String {_NAMESPACE} Name zoomlinkFields"
# What getSchedule calls busy; free, workingElsewhere and unknown do not block a booking.
BUSY_STATUSES = {"busy", "tentative", "oof"}
UTC_ANSWERS = {"Prefer": 'outlook.timezone="UTC"'}


@attrs.frozen
class Mailbox:
    """An app user's Microsoft 365 mailbox: a Graph access token for it (delegated, with
    Calendars.ReadWrite) and its SMTP address."""

    access_token: str = attrs.field(repr=False)
    address: str


def event_key(tenant: str, owner_id: str, uid: str) -> str:
    """zoomlink's key for its event, in lowercase hex (Graph compares it without case)."""
    return hashlib.sha256(f"{tenant}\0{owner_id}\0{uid}".encode()).hexdigest()


class MicrosoftCalendarBackend:
    """Writes booking events on each host's Outlook calendar and reads their busy time.

    Args:
        mailboxes: ``(tenant, owner_id) -> Mailbox`` with a fresh access token.
        http: The httpx client to send with (its base URL is not used).
    """

    def __init__(self, mailboxes: Callable[[str, str], Mailbox], *, http: httpx.Client) -> None:
        self._mailboxes = mailboxes
        self._http = http

    def _send(self, mailbox: Mailbox, method: str, path: str, **options: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {mailbox.access_token}", **UTC_ANSWERS}
        url = path if path.startswith("https://") else GRAPH + path
        response = self._http.request(method, url, headers=headers, **options)
        response.raise_for_status()
        return response

    def _find(self, mailbox: Mailbox, key: str) -> str | None:
        """The Graph ID of the event holding ``key``, if there is one."""
        found = self._send(
            mailbox,
            "GET",
            "/me/events",
            params={
                "$filter": f"singleValueExtendedProperties/Any(ep: ep/id eq '{KEY}' "
                f"and ep/value eq '{key}')",
                "$select": "id",
            },
        ).json()["value"]
        return str(found[0]["id"]) if found else None

    def put_event(self, event: CalendarEvent) -> None:
        """Create the event, or update the one with the same key in place."""
        mailbox = self._mailboxes(event.tenant, event.owner_id)
        key = event_key(event.tenant, event.owner_id, event.uid)
        body = {
            "subject": event.title,
            "body": {"contentType": "text", "content": event.description},
            "location": {"displayName": event.location},
            "start": _graph_time(event.start),
            "end": _graph_time(event.end),
            "showAs": "busy",
            "singleValueExtendedProperties": [
                {"id": KEY, "value": key},
                {"id": FIELDS, "value": _fields(event)},
            ],
        }
        existing = self._find(mailbox, key)
        if existing is None:
            self._send(mailbox, "POST", "/me/events", json=body)
        else:
            self._send(mailbox, "PATCH", f"/me/events/{existing}", json=body)

    def remove_event(self, tenant: str, owner_id: str, uid: str) -> bool:
        """Delete the event; whether it was there."""
        mailbox = self._mailboxes(tenant, owner_id)
        existing = self._find(mailbox, event_key(tenant, owner_id, uid))
        if existing is None:
            return False
        self._send(mailbox, "DELETE", f"/me/events/{existing}")
        return True

    def events(
        self,
        tenant: str,
        owner_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CalendarEvent]:
        """zoomlink's events in the window, and the user's busy items from getSchedule
        (zoomlink always asks with both bounds; this backend needs them)."""
        if start is None or end is None:
            raise InvalidInputError("MicrosoftCalendarBackend.events() needs a start and an end")
        mailbox = self._mailboxes(tenant, owner_id)
        own = [
            event
            for item in self._calendar_view(mailbox, start, end)
            if (event := _own_event(item, tenant, owner_id)) is not None
        ]
        answer = self._send(
            mailbox,
            "POST",
            "/me/calendar/getSchedule",
            json={
                "schedules": [mailbox.address],
                "startTime": _graph_time(start),
                "endTime": _graph_time(end),
            },
        ).json()
        [schedule] = answer["value"]
        if "error" in schedule:
            raise RuntimeError(f"Graph could not tell the busy time of {mailbox.address}")
        own_times = {(event.start, event.end) for event in own}
        busy = []
        for item in schedule.get("scheduleItems", []):
            times = (_instant(item["start"]["dateTime"]), _instant(item["end"]["dateTime"]))
            # zoomlink's own events are listed as themselves (same times: the same event).
            if item["status"].lower() in BUSY_STATUSES and times not in own_times:
                busy.append(_busy_event(tenant, owner_id, item, *times))
        return sorted(own + busy, key=lambda event: (event.start, event.uid))

    def _calendar_view(
        self, mailbox: Mailbox, start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        """The events in the window, with zoomlink's fields where it wrote them, page by page."""
        url: str | None = "/me/calendarView"
        params: dict[str, str] | None = {
            "startDateTime": start.astimezone(timezone.utc).isoformat(),
            "endDateTime": end.astimezone(timezone.utc).isoformat(),
            "$expand": f"singleValueExtendedProperties($filter=id eq '{FIELDS}')",
        }
        while url is not None:
            answer = self._send(mailbox, "GET", url, params=params).json()
            yield from answer["value"]
            url, params = answer.get("@odata.nextLink"), None  # the link carries the query


def _graph_time(when: datetime) -> dict[str, str]:
    """A dateTimeTimeZone in UTC."""
    return {
        "dateTime": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "timeZone": "UTC",
    }


def _instant(text: str) -> datetime:
    """Graph's UTC dateTime (seven decimals, no zone) as an aware datetime."""
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def _fields(event: CalendarEvent) -> str:
    """What zoomlink reads back that Graph's event does not hold, as JSON."""
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
    """zoomlink's event read back from Graph's, or None for any other event."""
    properties = item.get("singleValueExtendedProperties") or []
    if item.get("isCancelled") or not properties:
        return None
    fields = json.loads(properties[0]["value"])
    if (fields["tenant"], fields["owner_id"]) != (tenant, owner_id):
        return None
    return CalendarEvent(
        uid=fields["uid"],
        tenant=tenant,
        owner_id=owner_id,
        booking_id=fields["booking_id"],
        title=item.get("subject") or "",
        start=_instant(item["start"]["dateTime"]),
        end=_instant(item["end"]["dateTime"]),
        time_zone=fields["time_zone"],
        location=(item.get("location") or {}).get("displayName", ""),
        description=(item.get("body") or {}).get("content", ""),
        meeting_id=fields["meeting_id"],
    )


def _busy_event(
    tenant: str, owner_id: str, item: dict[str, Any], start: datetime, end: datetime
) -> CalendarEvent:
    """A busy item made outside zoomlink."""
    return CalendarEvent(
        uid=f"busy-{start:%Y%m%dT%H%M%SZ}",
        tenant=tenant,
        owner_id=owner_id,
        booking_id="",
        title=item.get("subject") or "Busy",
        start=start,
        end=end,
        time_zone="UTC",
        location=item.get("location") or "",
        description="",
        meeting_id=0,
    )


def _fits(backend: MicrosoftCalendarBackend) -> CalendarBackend:
    """The shape check: mypy proves the class fits zoomlink's protocol."""
    return backend
