"""The window a calendar backend's ``events()`` lists: its checks and its overlap rule."""

from __future__ import annotations

from datetime import datetime

from zoomlink.booking import CalendarEvent
from zoomlink.errors import InvalidInputError


def check_window(start: datetime | None, end: datetime | None) -> None:
    """Refuse a naive bound, or an end that is not after the start."""
    for name, value in (("start", start), ("end", end)):
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise InvalidInputError(
                f"events(): {name} must be timezone-aware, got naive {value.isoformat()}; "
                "zoomlink never guesses a time zone"
            )
    if start is not None and end is not None and end <= start:
        raise InvalidInputError(
            f"events(): end ({end.isoformat()}) must be after start ({start.isoformat()})"
        )


def overlaps(event: CalendarEvent, start: datetime | None, end: datetime | None) -> bool:
    """Whether the event overlaps the half-open window ``[start, end)``."""
    return (end is None or event.start < end) and (start is None or event.end > start)
