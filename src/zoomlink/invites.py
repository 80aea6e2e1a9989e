"""What a booking message's calendar invitation says: the structured meeting data that goes with
a :class:`~zoomlink.Notification` so a sink can attach an iCalendar invite (RFC 5545/5546)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

InviteMethod = Literal["REQUEST", "CANCEL"]
"""``REQUEST`` adds or updates the event in the recipient's calendar; ``CANCEL`` removes it."""


@attrs.frozen(kw_only=True)
class MovedOccurrence:
    """One occurrence of a recurring booking that no longer follows the rule.

    Attributes:
        original_start: When the rule puts it (its RECURRENCE-ID).
        start: When it happens now.
        end: When it ends now.
    """

    original_start: datetime
    start: datetime
    end: datetime


@attrs.frozen(kw_only=True)
class Invite:
    """The calendar invitation for one booking message. It never holds the host's
    ``start_url``: clients and hosts get the same participants' link.

    Attributes:
        method: ``REQUEST`` on booking and reschedule, ``CANCEL`` on cancel.
        uid: The event's UID, the same for the booking in every message and across moves.
        sequence: Grows with every change to the booking (the meeting record's version), so a
            calendar applies the newest message even when messages arrive out of order.
        title: The event's summary (the booking's title).
        start: When it starts (aware); the first occurrence for a recurring booking.
        end: When it ends (aware).
        time_zone: The IANA zone the event is written in (the host's: a recurring rule is read
            on the host's wall clock).
        join_url: The participants' Zoom link ("" once the meeting has no Zoom details).
        meeting_id: Zoom's meeting ID, when there is a meeting.
        passcode: The meeting passcode ("" when none).
        description: The plain-text details for the event's DESCRIPTION.
        organizer: The host's e-mail address, when known (a sink falls back to its sender).
        organizer_name: The host's name.
        recurrence: The RRULE text of a recurring booking ("" for a single meeting).
        exdates: The original starts of a recurring booking's cancelled occurrences.
        moved: Occurrences moved off the rule, each sent as its own event.
        recurrence_id: When the message concerns one occurrence only, that occurrence's
            original start: the invite then updates or cancels that occurrence alone.
    """

    method: InviteMethod
    uid: str
    sequence: int
    title: str
    start: datetime
    end: datetime
    time_zone: str
    join_url: str = ""
    meeting_id: int | None = None
    passcode: str = attrs.field(default="", repr=False)
    description: str = ""
    organizer: str | None = None
    organizer_name: str = ""
    recurrence: str = ""
    exdates: tuple[datetime, ...] = ()
    moved: tuple[MovedOccurrence, ...] = ()
    recurrence_id: datetime | None = None
