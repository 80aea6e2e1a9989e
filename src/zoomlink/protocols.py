"""The seams a host application plugs into: small :class:`typing.Protocol` s.

Any object with the right methods fits; nothing needs to inherit from zoomlink.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = ["Clock"]


class Clock(Protocol):
    """**Protocol:** tells zoomlink the current time.

    zoomlink reads time only through a clock, so tests can share one with the fake Zoom
    (:class:`zoomlink.testing.FakeClock` fits).
    """

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...
