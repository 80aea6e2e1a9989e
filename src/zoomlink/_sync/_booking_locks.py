# This file is generated from src/zoomlink/_async/_booking_locks.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""BookingLocks: the locks a booking's meeting changes under.

A booking's steps run under ``booking:<record id>``, so concurrent retries (several workers,
several processes) take turns. A meeting is made or moved under ``host:<tenant>:<user id>`` of
each host as well, so two bookings cannot both take the same free time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from zoomlink._core import _bookings
from zoomlink._core._busy import Guard
from zoomlink._locks import KeyedLock
from zoomlink._precedence import holding_others_up
from zoomlink._resolutions import resolving_once
from zoomlink.booking import Booking
from zoomlink.protocols import TokenStore


class BookingLocks:
    """Each lock is taken in this process first, then in the store (the other processes)."""

    def __init__(self, *, store: TokenStore, lock_timeout: float) -> None:
        self._store = store
        self._lock_timeout = lock_timeout
        self._local = KeyedLock()

    @contextmanager
    def booking(self, tenant: str, booking_id: str) -> Iterator[None]:
        """The booking's lock. Callers in this process queue here; one per booking goes on
        to the store lock, which excludes the other processes."""
        name = f"booking:{_bookings.record_id(tenant, booking_id)}"
        with (
            self._local.hold(name, timeout=self._lock_timeout),
            self._store.lock(name, timeout=self._lock_timeout),
        ):
            yield

    @contextmanager
    def hosts(self, booking: Booking, guard: Guard) -> Iterator[None]:
        """Each host's lock (in one order, so two collective bookings cannot deadlock) while
        their busy time is checked and the meeting made; each host's connection is resolved
        once in the block."""
        if not guard.check:  # overlaps allowed: nothing to hold
            with resolving_once():
                yield
            return
        names = sorted(
            f"host:{_bookings.record_id(booking.tenant, host_id)}" for host_id in booking.host_ids
        )
        with self._hold(names):
            yield

    @contextmanager
    def _hold(self, names: list[str]) -> Iterator[None]:
        if not names:  # every lock is held
            # The hosts' other bookings wait for this one: its store calls go first (see
            # zoomlink._precedence), and each host is resolved once (zoomlink._resolutions).
            with holding_others_up(), resolving_once():
                yield
            return
        with (
            self._local.hold(names[0], timeout=self._lock_timeout),
            self._store.lock(names[0], timeout=self._lock_timeout),
            self._hold(names[1:]),
        ):
            yield
