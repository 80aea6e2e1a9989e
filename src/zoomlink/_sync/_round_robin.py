# This file is generated from src/zoomlink/_async/_round_robin.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Round robin: the booking goes to the free host of a pool who was booked least recently.

Fairness is kept in the store (the preference ``round_robin_last_assigned`` of each host), so
every process sees the same order; ties go to the host listed first. Choosing is atomic across
processes: under the tenant's ``round_robin:`` store lock a booking picks the fairest free host
and takes its turn at once (a stamp later than every stamp given before, whatever the clocks
of the machines say), so a second booking made at the same moment sees that turn and picks
the next host. The meeting is then scheduled outside that lock, under the host's own lock,
which checks again: when a concurrent booking took the time meanwhile, the turn is given back
and the next host in line is tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

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

# The tenant's latest turn, kept as a preference of no user: every new turn is later.
_LAST_TURN = "round_robin_last_turn"
_TENANT_WIDE = ""
_TICK = timedelta(microseconds=1)


@attrs.frozen
class _Turn:
    """A host's turn, taken under the round-robin lock; ``previous`` is what it replaced."""

    host: Participant
    stamp: str
    previous: str | None


@attrs.define
class _Search:
    """What a round-robin search has learned so far."""

    tried: set[str] = attrs.field(factory=set)
    reasons: dict[str, str] = attrs.field(factory=dict)
    conflicts: list[Conflict] = attrs.field(factory=list)


def schedule_round_robin(
    booking: Booking,
    pool: Sequence[Participant],
    guard: Guard,
    *,
    bookings: Bookings,
    availability: Availability,
    store: TokenStore,
    clock: Clock,
    lock_timeout: float,
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
    search = _Search()
    lock = f"round_robin:{booking.tenant}"
    while True:
        with store.lock(lock, timeout=lock_timeout):
            turn = _take_turn(booking, hosts, guard, search, availability, store, clock)
        if turn is None:
            break
        assert turn.host.user_id is not None  # checked by _checked_pool
        search.tried.add(turn.host.user_id)
        try:
            return bookings.schedule(attrs.evolve(booking, host=turn.host), guard)
        except BookingConflictError as exc:
            search.reasons[turn.host.user_id] = "busy"
            search.conflicts += exc.conflicts
        except (NotConnectedError, NeedsReconnectError) as exc:
            search.reasons[turn.host.user_id] = str(exc)
        with store.lock(lock, timeout=lock_timeout):
            _give_back(turn, booking.tenant, store)
    raise NoHostAvailableError(
        f"no host of the pool can take booking {booking.id!r}: "
        + "; ".join(f"{host}: {why}" for host, why in search.reasons.items()),
        booking_id=booking.id,
        reasons=search.reasons,
        conflicts=search.conflicts,
    )


def _take_turn(
    booking: Booking,
    hosts: list[Participant],
    guard: Guard,
    search: _Search,
    availability: Availability,
    store: TokenStore,
    clock: Clock,
) -> _Turn | None:
    """Under the round-robin lock: the fairest host not tried yet who is free, with their
    turn taken; None when nobody is left."""
    untried = [host for host in hosts if host.user_id not in search.tried]
    for host, previous in _fairest_first(untried, booking.tenant, store):
        assert host.user_id is not None  # checked by _checked_pool
        if guard.check:
            candidate = attrs.evolve(booking, host=host)
            busy = availability.conflicts(
                candidate,
                _bookings.windows(candidate, _bookings.recurrence(candidate)),
                before=guard.before,
                after=guard.after,
                own=None,
                strict=False,
            )
            if busy:
                search.tried.add(host.user_id)
                search.reasons[host.user_id] = "busy"
                search.conflicts += busy
                continue
        stamp = _next_stamp(booking.tenant, store, clock)
        store.set_preference(booking.tenant, host.user_id, LAST_ASSIGNED, stamp)
        return _Turn(host, stamp, previous)
    return None


def _next_stamp(tenant: str, store: TokenStore, clock: Clock) -> str:
    """Under the round-robin lock: a stamp later than every one given in the tenant before
    (machines' clocks differ, and two turns can fall in one clock tick)."""
    now = clock.now().astimezone(timezone.utc)
    last = store.get_preference(tenant, _TENANT_WIDE, _LAST_TURN)
    if last is not None:
        now = max(now, _parsed(last) + _TICK)
    stamp = now.isoformat(timespec="microseconds")
    store.set_preference(tenant, _TENANT_WIDE, _LAST_TURN, stamp)
    return stamp


def _give_back(turn: _Turn, tenant: str, store: TokenStore) -> None:
    """Under the round-robin lock: undo a turn the host could not take, unless a later one
    was given to them meanwhile."""
    assert turn.host.user_id is not None  # checked by _checked_pool
    user_id = turn.host.user_id
    if store.get_preference(tenant, user_id, LAST_ASSIGNED) != turn.stamp:
        return
    if turn.previous is None:
        store.remove_preference(tenant, user_id, LAST_ASSIGNED)
    else:
        store.set_preference(tenant, user_id, LAST_ASSIGNED, turn.previous)


def _parsed(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(timezone.utc)


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
) -> list[tuple[Participant, str | None]]:
    """Never-booked hosts first, then by when they were last booked; ties by pool order. Each
    host comes with their last turn's stamp."""
    keyed = []
    for position, host in enumerate(hosts):
        assert host.user_id is not None  # checked by _checked_pool
        last = store.get_preference(tenant, host.user_id, LAST_ASSIGNED)
        when = None if last is None else _parsed(last)
        keyed.append(((when is not None, when or _NEVER, position), host, last))
    return [(host, last) for _, host, last in sorted(keyed, key=lambda item: item[0])]


_NEVER = datetime.min.replace(tzinfo=timezone.utc)
