"""The fake's clock: frozen until moved by hand, or ticking with real time."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("FakeClock needs an aware datetime (with a tzinfo)")
    return when.astimezone(timezone.utc)


class FakeClock:
    """The time as the fake Zoom sees it.

    Frozen (the default), it stands still until `advance` or `set` moves it. With
    ``frozen=False`` it ticks with real (monotonic) time plus whatever was advanced. Token
    lifetimes, code expiry and daily limits follow this clock.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = True) -> None:
        self._lock = threading.Lock()
        self._base = _aware(start) if start is not None else datetime.now(timezone.utc)
        self._frozen = frozen
        self._ticking_since = time.monotonic()

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still between moves."""
        return self._frozen

    def now(self) -> datetime:
        """The current fake time (aware, UTC)."""
        with self._lock:
            if self._frozen:
                return self._base
            return self._base + timedelta(seconds=time.monotonic() - self._ticking_since)

    def advance(self, seconds: float | timedelta) -> None:
        """Move the clock forward by `seconds` (a number or a timedelta)."""
        delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        if delta < timedelta(0):
            raise ValueError("advance() only moves forward; use set() to go back")
        with self._lock:
            self._base += delta

    def set(self, when: datetime) -> None:
        """Jump to `when` (aware); a ticking clock goes on ticking from there."""
        aware = _aware(when)
        with self._lock:
            self._base = aware
            self._ticking_since = time.monotonic()

    def __repr__(self) -> str:
        state = "frozen" if self._frozen else "ticking"
        return f"FakeClock({self.now().isoformat()}, {state})"
