# This file is generated from src/zoomlink/_async/_round_robin.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Round robin: the booking goes to the free host of a pool who was booked least recently.

Fairness is kept in the store (the preference ``round_robin_last_assigned`` of each host), so
every process sees the same order; ties go to the host listed first. A host found free is
scheduled under their host lock, which checks again: when a concurrent booking took the time
meanwhile, the next host in line is tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timezone

import attrs

from zoomlink._sync._availability import Availability
from zoomlink._sync._bookings import Bookings
from zoomlink._core import _bookings
from zoomlink._core._busy import Guard
from zoomlink.availability import BookingConflictError, Conflict, NoHostAvailableError
from zoomlink.booking import Booking, BookingOutcome, Participant
from zoomlink.errors import InvalidBookingError, NeedsReconnectError, NotConnectedError
from zoomlink.protocols import TokenStore, Clock

LAST_ASSIGNED = "round_robin_last_assigned"
"""The preference that holds when a host was last given a round-robin booking (UTC ISO)."""


def schedule_round_robin(
    booking: Booking,
    pool: Sequence[Participant],
    guard: Guard,
    *,
    bookings: Bookings,
    availability: Availability,
    store: TokenStore,
    clock: Clock,
) -> BookingOutcome:
    """Schedule ``booking`` with the fairest free host of ``pool`` (see the module)."""
    hosts = _checked_pool(pool)
    record = bookings.record(booking.tenant, booking.id)
    if record is not None and record.state != "cancelled":  # a retry: keep the host it got
        chosen = next((p for p in hosts if p.user_id == record.host_id), None)
        if chosen is None:
            raise InvalidBookingError(
                f"booking {booking.id!r} is hosted by {record.host_id!r}, who is not in the pool",
                field="pool",
            )
        return bookings.schedule(attrs.evolve(booking, host=chosen), guard)
    reasons: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for host in _fairest_first(hosts, booking.tenant, store):
        assert host.user_id is not None  # checked above
        candidate = attrs.evolve(booking, host=host)
        if guard.check:
            plan = _bookings.recurrence(candidate)
            busy = availability.conflicts(
                candidate,
                _bookings.windows(candidate, plan),
                before=guard.before,
                after=guard.after,
                own=None,
                strict=False,
            )
            if busy:
                reasons[host.user_id] = "busy"
                conflicts += busy
                continue
        try:
            outcome = bookings.schedule(candidate, guard)
        except BookingConflictError as exc:
            reasons[host.user_id] = "busy"
            conflicts += exc.conflicts
            continue
        except (NotConnectedError, NeedsReconnectError) as exc:
            reasons[host.user_id] = str(exc)
            continue
        now = clock.now().astimezone(timezone.utc).isoformat()
        store.set_preference(booking.tenant, host.user_id, LAST_ASSIGNED, now)
        return outcome
    raise NoHostAvailableError(
        f"no host of the pool can take booking {booking.id!r}: "
        + "; ".join(f"{host}: {why}" for host, why in reasons.items()),
        booking_id=booking.id,
        reasons=reasons,
        conflicts=conflicts,
    )


def _checked_pool(pool: Sequence[Participant]) -> list[Participant]:
    hosts = list(pool)
    if not hosts:
        raise InvalidBookingError("a round-robin pool needs at least one host", field="pool")
    seen: set[str] = set()
    for host in hosts:
        if host.user_id is None:
            raise InvalidBookingError(
                "every host of a round-robin pool must be a Participant with a user_id",
                field="pool",
            )
        if host.user_id in seen:
            raise InvalidBookingError(f"{host.user_id!r} is in the pool twice", field="pool")
        seen.add(host.user_id)
    return hosts


def _fairest_first(
    hosts: list[Participant], tenant: str, store: TokenStore
) -> list[Participant]:
    """Never-booked hosts first, then by when they were last booked; ties by pool order."""
    keyed = []
    for position, host in enumerate(hosts):
        assert host.user_id is not None  # checked by _checked_pool
        last = store.get_preference(tenant, host.user_id, LAST_ASSIGNED)
        keyed.append(((last is not None, last or "", position), host))
    return [host for _, host in sorted(keyed, key=lambda item: item[0])]
