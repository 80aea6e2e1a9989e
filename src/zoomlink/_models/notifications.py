"""Notifications: the messages zoomlink hands to a sink, for people to read."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

from zoomlink._models.validators import require_aware
from zoomlink.invites import Invite

NotificationKind = Literal[
    "action_required",
    "meeting_scheduled",
    "meeting_rescheduled",
    "meeting_cancelled",
    "meeting_changed_in_zoom",
    "meeting_deleted_in_zoom",
]
"""What a notification is about: ``action_required`` asks the recipient to reconnect Zoom; the
``meeting_*`` kinds tell a booking's participants about its Zoom meeting, and the two
``*_in_zoom`` kinds tell its host that the meeting was changed or deleted in Zoom itself."""

Channel = Literal["email", "sms"]
"""How a recipient is told: by e-mail or by SMS."""


@attrs.frozen(kw_only=True)
class Notification:
    """A message for a person, delivered through a :class:`~zoomlink.NotificationSink`.

    Attributes:
        kind: What it is about.
        tenant: The tenant.
        recipient_id: The app user it is for (``None`` for a client who is not an app user).
        subject: A one-line subject ("Action required: reconnect Zoom").
        text: The body, in plain words (short for SMS).
        action_url: Where the recipient can act (the reconnect link), when known.
        connection_id: The connection concerned, if any.
        incident_id: Identifies the incident, so a sink can de-duplicate.
        key: The same for every delivery of one notice — a retry after a crash or a failed
            send delivers it again under the same key — and different for different notices:
            a sink that remembers the keys it delivered (for as long as retries may come, a
            few days) never sends a notice twice.
        created_at: When it was raised.
        channel: ``email`` or ``sms``.
        address: The e-mail address or phone number to deliver to, when zoomlink knows it
            (booking messages); ``None`` leaves it to the sink to look the recipient up.
        role: ``host`` or ``client`` for booking messages.
        booking_id: The booking concerned, if any.
        meeting_id: The Zoom meeting concerned, if any.
        invite: For booking messages, the calendar invitation that goes with them (the
            meeting's times, link, ID and passcode, and the iCalendar method, UID and
            sequence), so a sink can attach it; ``None`` for other notices.
    """

    kind: NotificationKind
    tenant: str
    recipient_id: str | None
    subject: str
    text: str
    action_url: str | None = None
    connection_id: str | None = None
    incident_id: str | None = None
    created_at: datetime = attrs.field(validator=require_aware)
    channel: Channel = "email"
    address: str | None = None
    role: Literal["host", "client"] | None = None
    booking_id: str | None = None
    meeting_id: int | None = None
    key: str = ""
    invite: Invite | None = None
