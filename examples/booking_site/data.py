"""The booking site's own data: its users, event types and bookings, kept in memory.

A real site keeps these in its database. zoomlink keeps the Zoom side (connections, meetings)
in its own store; the site asks zoomlink for a booking's join URL rather than copying it, so a
disconnect that purges Zoom data leaves nothing behind here.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from zoomlink import (
    Actor,
    AppRole,
    Booking,
    BookingConflictError,
    EventType,
    LocationSetting,
    Member,
    NeedsReconnectError,
    NotConnectedError,
    Participant,
    Slot,
    ZoomLinkError,
)

TENANT = "acme"  # the one organisation of this demo
LOCATIONS: tuple[LocationSetting, ...] = ("zoom", "builtin", "none", "default")
DAYS_AHEAD = 3
OPEN = time(9, 0)  # hosts take bookings from 09:00 to 12:00, their local time
CLOSE = time(12, 0)
LENGTH = timedelta(minutes=30)  # every booking here is half an hour


@attrs.frozen
class User:
    """A user of the site: a host who takes bookings, with their role in the organisation."""

    id: str
    name: str
    email: str
    role: AppRole
    time_zone: str = "Europe/Berlin"

    @property
    def participant(self) -> Participant:
        """The user as a booking's host."""
        return Participant(
            name=self.name, time_zone=self.time_zone, email=self.email, user_id=self.id
        )

    @property
    def actor(self) -> Actor:
        """The user acting in the organisation."""
        return Actor(self.id, role=self.role)


@attrs.define
class SiteBooking:
    """A booking as the site keeps it."""

    id: str
    host_id: str
    event_type_id: str
    client_name: str
    client_email: str
    start: datetime
    end: datetime
    cancelled: bool = False


USERS = {
    user.id: user
    for user in (
        User("olivia", "Olivia Owner", "owner@example.com", "owner"),
        User("max", "Max Member", "member@example.com", "member"),
    )
}


class Site:
    """Users, event types and bookings; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.users = dict(USERS)
        self.event_types: dict[str, EventType] = {
            "intro": EventType(id="intro", title="Intro call (30 min)", location="zoom"),
            "consult": EventType(id="consult", title="Consultation (30 min)", location="default"),
        }
        self.bookings: dict[str, SiteBooking] = {}

    def members(self) -> list[Member]:
        """The organisation's members, for zoomlink's connected-users view."""
        return [Member(user.id, user.email) for user in self.users.values()]

    def set_location(self, event_type_id: str, location: str) -> EventType:
        """Change where an event type's bookings take place."""
        if location not in LOCATIONS:
            raise ValueError(f"unknown location {location!r}")
        with self._lock:
            event_type = attrs.evolve(self.event_types[event_type_id], location=location)
            self.event_types[event_type_id] = event_type
            return event_type

    def new_booking(
        self, host: User, event_type_id: str, name: str, email: str, start: datetime
    ) -> SiteBooking:
        """A booking not yet saved: saved by :meth:`save` once zoomlink took it."""
        return SiteBooking(
            id=f"bk_{next(self._ids)}",
            host_id=host.id,
            event_type_id=event_type_id,
            client_name=name.strip() or "Guest",
            client_email=email.strip(),
            start=start,
            end=start + LENGTH,
        )

    @staticmethod
    def moved(booking: SiteBooking, start: datetime) -> SiteBooking:
        """The booking at another time (saved by :meth:`save` once zoomlink moved it)."""
        return attrs.evolve(booking, start=start, end=start + LENGTH)

    def save(self, booking: SiteBooking) -> None:
        """Keep a booking (new or changed)."""
        with self._lock:
            self.bookings[booking.id] = booking

    def for_zoomlink(self, booking: SiteBooking) -> Booking:
        """The booking as zoomlink takes it."""
        host = self.users[booking.host_id]
        event_type = self.event_types[booking.event_type_id]
        client = Participant(
            name=booking.client_name, time_zone=host.time_zone, email=booking.client_email or None
        )
        return Booking(
            id=booking.id,
            tenant=TENANT,
            event_type=event_type,
            host=host.participant,
            clients=(client,),
            start=booking.start,
            end=booking.end,
            title=f"{event_type.title.split(' (')[0]} with {booking.client_name}",
        )


def slot_window(now: datetime, user: User) -> tuple[datetime, datetime]:
    """The next days the booking page offers: from tomorrow, in the host's zone."""
    zone = ZoneInfo(user.time_zone)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=zone)
    return start, start + timedelta(days=DAYS_AHEAD)


def opening_hours(slots: Iterable[Slot]) -> list[Slot]:
    """The slots within the hosts' opening hours."""
    return [slot for slot in slots if OPEN <= slot.start.time() < CLOSE]


def parse_start(value: str, user: User) -> datetime:
    """A slot's start as the form sends it (ISO, with its offset)."""
    start = datetime.fromisoformat(value)
    if start.tzinfo is None:
        raise ValueError("a slot's start carries its UTC offset")
    return start.astimezone(ZoneInfo(user.time_zone))


def refusal(error: ZoomLinkError) -> str:
    """What to tell the person booking when zoomlink refused."""
    if isinstance(error, BookingConflictError):
        return (
            "Sorry, that time is no longer free: someone booked it a moment ago. "
            "Please pick another time."
        )
    if isinstance(error, NeedsReconnectError):
        return "The host's Zoom connection needs reconnecting, so no Zoom booking can be made now."
    if isinstance(error, NotConnectedError):
        return "The host has not connected Zoom yet, so no Zoom booking can be made now."
    return f"The booking could not be made: {error}"


# What a page says after a step, by the query its redirect carries (never text from the URL).
CONNECT_RESULTS = {
    "denied": "Zoom was not connected: you pressed Cancel on Zoom's page.",
    "not_zoom_admin": "Only a Zoom account owner or admin can connect the organisation.",
    "linked_elsewhere": "That Zoom account is already linked to another user here.",
    "code_refused": "Zoom refused the sign-in; please connect again.",
    "zoom_error": "Zoom could not be reached; please try again.",
}
NOTES = {
    "disconnected": "Zoom is disconnected. Its meeting links were removed from your bookings.",
    "not_allowed": "Only the organisation's owners and admins can disconnect that.",
    "default": "Your default conferencing is saved.",
    "location": "The event type is saved.",
    "booked": "Booked! The details are below and on their way by e-mail.",
    "moved": "The booking was moved; the Zoom meeting moved with it.",
    "cancelled": "The booking was cancelled, and its Zoom meeting deleted.",
}


def notice(query: Mapping[str, str]) -> tuple[str, bool]:
    """A page's message from its query (``zoom=``/``reason=`` after a connect, or ``note=``),
    and whether it reports a failure."""
    if query.get("zoom") == "connected":
        return "Zoom is connected.", False
    if query.get("zoom") == "failed":
        return CONNECT_RESULTS.get(query.get("reason", ""), "Zoom was not connected."), True
    note = query.get("note", "")
    return NOTES.get(note, ""), note == "not_allowed"
