"""Availability: what a host's time is taken by, and which start times are still free.

A :class:`Conflict` names one busy time that a booking would overlap: a meeting in the host's
Zoom account, an event on the host's calendar, or another booking zoomlink holds for the host.
It carries times and ids only — never a join URL or passcode — so it is safe to show.
A :class:`Slot` is one bookable start time and the hosts who are free for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

import attrs

from zoomlink.errors import ZoomLinkError

__all__ = [
    "BookingConflictError",
    "BusySource",
    "Conflict",
    "NoHostAvailableError",
    "Slot",
    "SlotRule",
]

BusySource = Literal["zoom", "calendar", "booking"]
"""Where a busy time comes from: the host's Zoom meetings, their calendar, or a booking
zoomlink scheduled for them (seen in the store before Zoom's list shows it)."""

SlotRule = Literal["any", "all"]
"""Which hosts must be free for a slot: ``any`` one of them (round robin) or ``all``
(collective)."""


@attrs.frozen(kw_only=True)
class Conflict:
    """One busy time a booking would overlap.

    Attributes:
        host_id: The app user whose time it is.
        source: ``zoom``, ``calendar`` or ``booking``.
        start: When the busy time starts (UTC).
        end: When it ends (UTC).
        booking_start: The start of the booking (or, for a recurring booking, of the
            occurrence) that overlaps it.
        meeting_id: The Zoom meeting's ID, for Zoom meetings and zoomlink bookings.
        occurrence_id: The occurrence of a recurring Zoom meeting, when it is one.
        event_uid: The calendar event's uid, for calendar events.
        booking_id: The other booking, when zoomlink scheduled it.
    """

    host_id: str
    source: BusySource
    start: datetime
    end: datetime
    booking_start: datetime
    meeting_id: int | None = None
    occurrence_id: str | None = None
    event_uid: str | None = None
    booking_id: str | None = None

    def describe(self) -> str:
        """A short line for error messages: what, and when (UTC)."""
        what = {
            "zoom": f"Zoom meeting {self.meeting_id}",
            "calendar": "a calendar event",
            "booking": f"booking {self.booking_id!r}",
        }[self.source]
        return f"{what} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"


@attrs.frozen(kw_only=True)
class Slot:
    """A bookable start time.

    Attributes:
        start: The start, in the time zone that was asked for.
        end: ``start`` plus the duration.
        host_ids: The hosts free for it, in the order they were given.
    """

    start: datetime
    end: datetime
    host_ids: tuple[str, ...]


# The two errors live here rather than in zoomlink.errors, which sits below the value objects
# they carry; they are part of the same ZoomLinkError tree.


class BookingConflictError(ZoomLinkError):
    """The booking overlaps busy time of its host (or of a co-host); nothing was changed.

    Attributes:
        booking_id: The booking.
        conflicts: Each busy time it overlaps, by start (times and ids only, no links).
    """

    def __init__(self, message: str, *, booking_id: str, conflicts: Sequence[Conflict]) -> None:
        super().__init__(message)
        self.booking_id = booking_id
        self.conflicts = tuple(conflicts)

    @property
    def host_ids(self) -> tuple[str, ...]:
        """The hosts who are busy, each once, in order of their first conflict."""
        return tuple(dict.fromkeys(conflict.host_id for conflict in self.conflicts))


class NoHostAvailableError(ZoomLinkError):
    """No host of a round-robin pool can take the booking; nothing was changed.

    Attributes:
        booking_id: The booking.
        reasons: Why each host was passed over, by app user id.
        conflicts: The busy times of the hosts who were busy.
    """

    def __init__(
        self,
        message: str,
        *,
        booking_id: str,
        reasons: Mapping[str, str],
        conflicts: Sequence[Conflict] = (),
    ) -> None:
        super().__init__(message)
        self.booking_id = booking_id
        self.reasons = dict(reasons)
        self.conflicts = tuple(conflicts)
