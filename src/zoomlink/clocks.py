"""Clocks zoomlink reads the time from."""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["SystemClock"]


class SystemClock:
    """The real time, in UTC: the default :class:`~zoomlink.Clock`."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"
