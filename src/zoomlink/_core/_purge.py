"""Planning a purge of a connection's Zoom data, and checking that none is left.

Zoom-derived values are the ones Zoom handed out: tokens; the Zoom user's id, e-mail, account
and role; meeting IDs, join URLs and passcodes; the Zoom user a meeting was scheduled for (an
organisation member's Zoom e-mail) and whose quota it used. Everything else on a record — its
times, topic, booking marker, recurrence rule — is the host app's own and stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import attrs

from zoomlink._core._messages import NO_ZOOM_TEXT, calendar_uid
from zoomlink.booking import CalendarEvent, MeetingRecord
from zoomlink.models import Grant, Link
from zoomlink.purge import ZoomDataFinding

# The fields of a meeting record that hold Zoom's values, and the value that means "none".
_RECORD_FIELDS: dict[str, object] = {
    "meeting_id": None,
    "join_url": "",
    "password": "",
    "zoom_user": "",
    "quota_user": "",
}
# A personal connection schedules for "me": a word of zoomlink's, not a Zoom value.
_NOT_ZOOM = {"me"}


def record_zoom_fields(record: MeetingRecord) -> list[str]:
    """The names of the record's fields that still hold a Zoom-derived value."""
    return [
        name
        for name, empty in _RECORD_FIELDS.items()
        if getattr(record, name) != empty and getattr(record, name) not in _NOT_ZOOM
    ]


def stripped(record: MeetingRecord, now: datetime) -> MeetingRecord | None:
    """The record without its Zoom values, or ``None`` when it holds none.

    A live booking becomes ``detached``: it keeps its times and occurrences, and zoomlink
    never calls Zoom for it again. A cancelled one stays cancelled.
    """
    if not record_zoom_fields(record) and record.state in ("cancelled", "detached"):
        return None
    return attrs.evolve(
        record,
        state="cancelled" if record.state == "cancelled" else "detached",
        meeting_id=None,
        join_url="",
        password="",
        zoom_user="",
        quota_user="",
        in_zoom="as_booked",
        announced=True,
        updated_at=now,
        version=record.version + 1,
    )


def event_uids(record: MeetingRecord) -> set[str]:
    """The uids of the calendar events zoomlink wrote for the record's booking."""
    if not record.occurrences:
        return {calendar_uid(record)}
    return {calendar_uid(record, o.occurrence_id) for o in record.occurrences}


def event_window(record: MeetingRecord) -> tuple[datetime, datetime]:
    """A window holding every event of the record's booking (a day of slack either side, for
    occurrences moved one by one)."""
    starts = [record.start, *(o.start for o in record.occurrences)]
    ends = [record.end, *(o.end for o in record.occurrences)]
    return min(starts) - timedelta(days=1), max(ends) + timedelta(days=1)


def calendar_owners(record: MeetingRecord) -> tuple[str, ...]:
    """Whose calendars hold the booking's events (records from before this was kept: the
    host's)."""
    return record.calendars or (record.host_id,)


def event_has_zoom(event: CalendarEvent) -> bool:
    """Whether a calendar event still carries a Zoom link or meeting ID."""
    return event.meeting_id != 0 or event.location != "" or event.description != NO_ZOOM_TEXT


def scrubbed(event: CalendarEvent) -> CalendarEvent:
    """The calendar event without its Zoom link and meeting ID."""
    return attrs.evolve(event, location="", description=NO_ZOOM_TEXT, meeting_id=0)


def relied_on(records: Iterable[MeetingRecord]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The hosts and event types of the bookings that were still live on a connection."""
    live = [r for r in records if r.state != "cancelled"]
    return (
        tuple(sorted({r.host_id for r in live})),
        tuple(sorted({r.event_type_id for r in live})),
    )


def uninstalled_grants(
    grants: Iterable[Grant], *, client_id: str, user_id: str, account_id: str
) -> list[Grant]:
    """The grants an uninstall ends: the Zoom user's grants of that app, and for an
    admin-managed app the whole Zoom account's (any of its admins may uninstall it)."""
    ended: dict[str, Grant] = {}
    for grant in grants:
        if grant.client_id != client_id:
            continue
        account_wide = grant.app_kind == "account" and grant.zoom_account_id == account_id
        if grant.zoom_user_id == user_id or account_wide:
            ended[grant.id] = grant
    return list(ended.values())


def findings(
    link: Link,
    grant: Grant | None,
    shared: bool,
    records: Sequence[MeetingRecord],
    events: Sequence[CalendarEvent],
    cached: int,
) -> list[ZoomDataFinding]:
    """What of the connection's Zoom data a store (and calendar and cache) still holds.

    ``shared`` says the grant also serves other live connections (the ``shared`` link policy),
    in which case it is theirs too and not counted against this one.
    """
    found: list[ZoomDataFinding] = []
    if link.grant_id and not shared:
        found.append(ZoomDataFinding(kind="connection", where=f"connection {link.id}: grant id"))
    if grant is not None and not shared:
        if grant.sealed_access_token or grant.sealed_refresh_token:
            found.append(ZoomDataFinding(kind="tokens", where=f"grant of connection {link.id}"))
        if grant.zoom_user_id or grant.zoom_email or grant.zoom_account_id:
            found.append(
                ZoomDataFinding(kind="zoom_accounts", where=f"grant of connection {link.id}")
            )
    for record in records:
        for name in record_zoom_fields(record):
            found.append(
                ZoomDataFinding(kind="meetings", where=f"meeting record {record.id}: {name}")
            )
    for event in events:
        if event_has_zoom(event):
            found.append(
                ZoomDataFinding(
                    kind="calendar_events",
                    where=f"calendar of {event.owner_id}: event {event.uid}",
                )
            )
    if cached:
        found.append(
            ZoomDataFinding(kind="busy_views", where=f"{cached} cached view(s) of Zoom meetings")
        )
    return found


def values_found(
    values: Iterable[str],
    grants: Iterable[Grant],
    links: Iterable[Link],
    records: Iterable[MeetingRecord],
    events: Iterable[CalendarEvent],
) -> list[ZoomDataFinding]:
    """Where any of ``values`` (a Zoom user id, an e-mail, a meeting ID the caller knows)
    still appears, as a whole field or inside one (a join URL, a grant id)."""
    wanted = [v.lower() for v in values if v]
    found: list[ZoomDataFinding] = []

    def scan(kind: str, where: str, fields: dict[str, object]) -> None:
        for name, value in fields.items():
            text = str(value).lower() if value is not None else ""
            if text and any(w in text for w in wanted):
                found.append(ZoomDataFinding(kind=kind, where=f"{where}: {name}"))

    for grant in grants:
        scan(
            "zoom_accounts",
            f"grant {grant.client_id}",
            {
                "id": grant.id,
                "zoom_user_id": grant.zoom_user_id,
                "zoom_email": grant.zoom_email,
                "zoom_account_id": grant.zoom_account_id,
            },
        )
    for link in links:
        scan("connection", f"connection {link.id}", {"grant_id": link.grant_id})
    for record in records:
        scan(
            "meetings",
            f"meeting record {record.id}",
            {name: getattr(record, name) for name in _RECORD_FIELDS},
        )
    for event in events:
        scan(
            "calendar_events",
            f"calendar of {event.owner_id}: event {event.uid}",
            {
                "location": event.location,
                "description": event.description,
                "meeting_id": event.meeting_id or "",
            },
        )
    return found
