"""The fault soak: hundreds of booking operations — schedule, reschedule, cancel, recurring
bookings with one occurrence moved or cancelled, round robin — against the socket fake Zoom
while it answers with injected faults: 429s whose Retry-After comes in each of the three forms
Zoom uses (delta seconds, an HTTP date, an ISO 8601 time; zoom-api.md, rate limits), short
enough to wait out or too long to, 5xx answers, slow answers and answers so slow they time out,
and connections dropped before and after the request reached Zoom.

The host app behaves as apps do: a call that failed is tried again later, with the booking as
the app has it then; some calls pass ``defer=True`` and ``run_pending`` finishes them; a
connection lost to a refresh whose answer never arrived is connected again by its user. At the
end every booking is in a defined state that agrees with Zoom, and every message went out once.

The default suite runs a bounded soak (300 operations); for the long run:

    ZOOMLINK_RELIABILITY_SCALE=10 python -m pytest -m reliability tests/reliability
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.reliability._scale import SOAK_OPERATIONS
from tests.reliability._world import NOW, World, world
from zoomlink import (
    Booking,
    BookingOutcome,
    EventType,
    NeedsReconnectError,
    NoHostAvailableError,
    Participant,
    RetryPolicy,
    ZoomRateLimitError,
    ZoomServerError,
    ZoomTransportError,
)
from zoomlink._core._bookings import marker, marker_of
from zoomlink.stores import SQLiteTokenStore

pytestmark = pytest.mark.reliability

HOSTS = [f"host{n}" for n in range(max(6, SOAK_OPERATIONS // 40))]  # under 100 writes a day each
FAULT_RATE = 0.3  # the share of operations a fault is injected before
STEP = timedelta(seconds=12.5)  # the fake clock moves this far per operation: tokens expire
TIMEOUT = 0.1  # zoomlink's request timeout; a "timeout" fault stalls longer than this
SHORT_WAIT = 1  # seconds a short Retry-After asks for: waited out (max_wait below)
LONG_WAIT = 60  # seconds a long one asks for: past max_wait, so the call fails
# Quick retries; a short Retry-After is waited out, a long one is not.
RETRY = RetryPolicy(backoff=0.01, max_backoff=0.05, max_wait=1.5)
# The first booking starts days after the soak (and its drain) is over.
FIRST = NOW.replace(hour=0) + timedelta(days=3 + (STEP * SOAK_OPERATIONS).days)
# Recurring bookings (weekly, three occurrences) start here, in blocks of three weeks.
FIRST_SERIES = FIRST + timedelta(hours=2 * SOAK_OPERATIONS + 24 * 7)
WEEKLY = "FREQ=WEEKLY;COUNT=3"
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol Client", time_zone="UTC", email="carol@example.net")
# Failures an app meets and tries again later; anything else fails the soak.
PASSING = (ZoomServerError, ZoomTransportError, ZoomRateLimitError, NoHostAvailableError)


def host(user_id: str) -> Participant:
    """The app user ``user_id`` as a booking's host."""
    return Participant(
        name=user_id, time_zone="UTC", email=f"{user_id}@example.com", user_id=user_id
    )


@attrs.define
class Held:
    """One booking as the host app holds it: its latest times and whether it is live; for a
    recurring one, each occurrence's original start and where it is now (None: cancelled)."""

    @property
    def occurrences_cancelled(self) -> int:
        """How many occurrences were cancelled one by one."""
        return sum(1 for now in self.occurrences.values() if now is None)

    booking: Booking
    live: bool = True
    occurrences: dict[datetime, datetime | None] = attrs.field(factory=dict)
    moves: int = 0  # reschedules (of the booking or one occurrence) the app asked for


@attrs.define
class Call:
    """A call the app makes for a booking, and tries again while it fails."""

    name: str
    booking_id: str
    send: Callable[[], BookingOutcome]


@attrs.define
class Soak:
    """The host app under fault: its bookings, the calls it still has to get through, and
    what happened on the way."""

    shared: World
    rng: random.Random
    held: dict[str, Held] = attrs.field(factory=dict)
    retry_later: list[Call] = attrs.field(factory=list)
    slots: int = 0
    series: int = 0
    faults: Counter[str] = attrs.field(factory=Counter)
    calls: Counter[str] = attrs.field(factory=Counter)
    app_retries: int = 0
    deferred: int = 0
    reconnects: int = 0
    stalled: float = 0.0  # real time when the last stalled request is surely finished

    # -- what the app does -------------------------------------------------------------------

    def slot(self) -> datetime:
        """A fresh one-hour slot no booking uses: nobody is ever busy for another booking."""
        self.slots += 1
        return FIRST + timedelta(hours=self.slots)

    def operate(self) -> None:
        """One operation the app picks at random among those its bookings allow."""
        idle = [h for h in self.held.values() if h.live and not self.waiting(h.booking.id)]
        single = [h for h in idle if h.booking.recurrence is None]
        series = [h for h in idle if h.booking.recurrence is not None and self.scheduled(h)]
        choices = ["book", "book", "round_robin"]
        choices += ["series"] if self.series < SOAK_OPERATIONS // 25 else []
        choices += ["move", "move", "cancel"] if single else []
        choices += ["move_occurrence", "cancel_occurrence"] if series else []
        choice = self.rng.choice(choices)
        if choice == "book":
            self.book()
        elif choice == "round_robin":
            self.book_round_robin()
        elif choice == "series":
            self.book_series()
        elif choice == "move":
            self.move(self.rng.choice(single))
        elif choice == "cancel":
            self.cancel(self.rng.choice(single + series))
        elif choice == "move_occurrence":
            self.move_occurrence(self.rng.choice(series))
        else:
            self.cancel_occurrence(self.rng.choice(series))

    def new_booking(self, host_id: str, start: datetime, recurrence: str | None = None) -> Booking:
        """The app's next booking, by Carol with ``host_id``, for half an hour."""
        return Booking(
            id=f"soak-{len(self.held)}",
            event_type=CONSULT,
            host=host(host_id),
            clients=(CLIENT,),
            start=start,
            end=start + timedelta(minutes=30),
            title="Consultation with Carol",
            recurrence=recurrence,
        )

    def book(self) -> None:
        """A new booking with one host, its schedule deferred now and then."""
        booking = self.new_booking(self.rng.choice(HOSTS), self.slot())
        self.held[booking.id] = Held(booking)
        self.send("schedule", booking.id, defer=self.rng.random() < 0.3)

    def book_series(self) -> None:
        """A new weekly booking of three occurrences, each in an hour no one else books."""
        start = FIRST_SERIES + timedelta(weeks=3 * (self.series // 168), hours=self.series % 168)
        self.series += 1
        booking = self.new_booking(self.rng.choice(HOSTS), start, WEEKLY)
        times = [start + timedelta(weeks=n) for n in range(3)]
        self.held[booking.id] = Held(booking, occurrences={t: t for t in times})
        self.send("schedule", booking.id, defer=False)

    def book_round_robin(self) -> None:
        """A new booking for whichever of three hosts round robin picks."""
        pool = [host(user_id) for user_id in self.rng.sample(HOSTS, 3)]
        booking = self.new_booking(str(pool[0].user_id), self.slot())
        held = self.held[booking.id] = Held(booking)

        def send() -> BookingOutcome:
            outcome = self.shared.link.schedule_round_robin(held.booking, pool)
            assert outcome.record is not None
            held.booking = attrs.evolve(held.booking, host=host(outcome.record.host_id))
            return outcome

        self.attempt(Call("round_robin", booking.id, send))

    def move(self, held: Held) -> None:
        """The client moves a one-off booking to another free hour."""
        start = self.slot()
        held.booking = attrs.evolve(held.booking, start=start, end=start + timedelta(minutes=30))
        held.moves += 1
        self.send("reschedule", held.booking.id, defer=self.rng.random() < 0.3)

    def cancel(self, held: Held) -> None:
        """The client cancels a booking (a recurring one: the whole series)."""
        held.live = False
        self.send("cancel", held.booking.id, defer=self.rng.random() < 0.3)

    def move_occurrence(self, held: Held) -> None:
        """One live occurrence of a series moves 10 or 20 minutes later, within its hour."""
        original = self.rng.choice([o for o, now in held.occurrences.items() if now])
        start = original + timedelta(minutes=self.rng.choice([10, 20]))
        held.moves += held.occurrences[original] != start  # the same time again is no news
        held.occurrences[original] = start
        link = self.shared.link

        def send() -> BookingOutcome:
            end = start + timedelta(minutes=30)
            return link.reschedule_occurrence(held.booking, original, start=start, end=end)

        self.attempt(Call("reschedule_occurrence", held.booking.id, send))

    def cancel_occurrence(self, held: Held) -> None:
        """One live occurrence of a series is cancelled (the last one left never is)."""
        live = [o for o, now in held.occurrences.items() if now]
        if len(live) < 2:
            self.cancel(held)
            return
        original = self.rng.choice(live)
        held.occurrences[original] = None
        link = self.shared.link
        self.attempt(
            Call(
                "cancel_occurrence",
                held.booking.id,
                lambda: link.cancel_occurrence(held.booking, original),
            )
        )

    def send(self, name: str, booking_id: str, *, defer: bool) -> None:
        """schedule, reschedule or cancel the booking as the app holds it at each try."""
        method = getattr(self.shared.link, name)

        def send() -> BookingOutcome:
            outcome: BookingOutcome = method(self.held[booking_id].booking, defer=defer)
            self.deferred += outcome.action == "pending"
            return outcome

        self.attempt(Call(name, booking_id, send))

    def attempt(self, call: Call) -> None:
        """Try the call once; one that fails for a passing reason is tried again later."""
        self.calls[call.name] += 1
        try:
            call.send()
        except PASSING:
            self.retry_later.append(call)
        except NeedsReconnectError:
            self.reconnect()
            self.retry_later.append(call)

    def retry(self) -> None:
        """Try again every call that failed before, oldest first."""
        if time.monotonic() < self.stalled:  # an app retries later, not at once
            time.sleep(self.stalled - time.monotonic())
        calls, self.retry_later = self.retry_later, []
        for call in calls:
            self.app_retries += 1
            self.calls[call.name] -= 1  # a retry, not another operation
            self.attempt(call)

    def reconnect(self) -> None:
        """Each host whose connection was lost connects Zoom again (the consent page is not
        under fault: the user clicks through it)."""
        self.shared.fake.clear_faults()
        for user_id in HOSTS:
            if self.shared.link.connections(user_id=user_id)[0].status == "needs_reconnect":
                self.shared.connect(user_id)
                self.reconnects += 1

    def run_pending(self) -> None:
        """The app's cron job runs the work kept by deferred calls."""
        try:
            self.shared.link.run_pending()
        except PASSING:
            self.app_retries += 1
        except NeedsReconnectError:
            self.reconnect()

    # -- what the app knows ------------------------------------------------------------------

    def waiting(self, booking_id: str) -> bool:
        """Whether a failed call for the booking still waits to be tried again."""
        return any(call.booking_id == booking_id for call in self.retry_later)

    def scheduled(self, held: Held) -> bool:
        """Whether the booking has its meeting now (its schedule may still be kept)."""
        record = self.shared.link.meeting_record(held.booking.id)
        return record is not None and record.state == "scheduled"

    # -- faults --------------------------------------------------------------------------------

    def inject(self) -> None:
        """Maybe make the next request to Zoom fail in one of the ways Zoom fails."""
        if self.rng.random() >= FAULT_RATE:
            return
        fake = self.shared.fake
        kind = self.rng.choice(FAULTS)
        if kind.startswith("429"):
            wait = self.rng.choice([SHORT_WAIT, LONG_WAIT, LONG_WAIT])
            retry_after = retry_after_value(kind, fake.now() + timedelta(seconds=wait), wait)
            fake.inject("*", status=429, retry_after=retry_after)
            kind += " (waited out)" if wait == SHORT_WAIT else " (too long)"
        elif kind == "5xx":
            # Four in a row outlast zoomlink's retries: Zoom is down for this call.
            times = self.rng.choice([1, RETRY.attempts])
            fake.inject("*", status=self.rng.choice([500, 502, 503, 504]), times=times)
        elif kind == "slow":
            fake.inject("*", delay=TIMEOUT / 4)
        elif kind == "timeout":
            fake.inject("*", delay=2 * TIMEOUT)
            self.stalled = time.monotonic() + 3 * TIMEOUT
        else:
            fake.inject("*", drop=kind.split()[1])
        self.faults[kind] += 1


FAULTS = [
    "429 seconds",
    "429 http-date",
    "429 iso",
    "5xx",
    "slow",
    "timeout",
    "drop before",
    "drop after",
]


def retry_after_value(kind: str, when: datetime, seconds: int) -> str:
    """Retry-After in the form ``kind`` names: seconds, an HTTP date or an ISO 8601 time."""
    if kind == "429 seconds":
        return str(seconds)
    if kind == "429 http-date":
        return email.utils.format_datetime(when, usegmt=True)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def drain(soak: Soak) -> None:
    """Zoom is well again: the app gets every failed call through and runs the kept work until
    nothing is left, moving the clock past each retry time."""
    soak.shared.fake.clear_faults()
    link = soak.shared.link
    for _ in range(50):
        soak.retry()
        soak.shared.fake.advance(timedelta(minutes=5))
        soak.run_pending()
        if not soak.retry_later and not link.pending_work(state="waiting"):
            return
    pytest.fail(f"the soak never drained: {soak.retry_later}, {link.pending_work()}")


def zoom_time(when: datetime) -> str:
    """``when`` as Zoom writes a UTC time."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def disagreements(soak: Soak, meetings: list[dict[str, Any]], records: dict[str, Any]) -> list[str]:
    """Where Zoom's meetings and zoomlink's records disagree with the bookings the app holds:
    a live booking needs exactly one meeting at its times, a cancelled one none, and no
    meeting may belong to no booking."""
    in_zoom: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for meeting in meetings:
        in_zoom[marker_of(str(meeting.get("agenda", "")))].append(meeting)
    wrong: list[str] = []
    for booking_id, held in soak.held.items():
        made = in_zoom.pop(marker("default", booking_id), [])
        record = records[booking_id]
        if not held.live:
            if made or (record is not None and record.state != "cancelled"):
                wrong.append(f"{booking_id}: cancelled, but {len(made)} meetings, {record}")
            continue
        if len(made) != 1 or record is None or record.state != "scheduled":
            wrong.append(f"{booking_id}: live, but {len(made)} meetings, {record}")
            continue
        [meeting] = made
        if record.meeting_id != meeting["id"] or record.host_id != held.booking.host_id:
            wrong.append(f"{booking_id}: the record is not the meeting: {record}")
        if held.occurrences:
            expected = sorted(zoom_time(t) for t in held.occurrences.values() if t)
            found = sorted(str(o["start_time"]) for o in meeting.get("occurrences", []))
            if found != expected:
                wrong.append(f"{booking_id}: occurrences at {found}, not {expected}")
        elif meeting["start_time"] != zoom_time(held.booking.start):
            wrong.append(f"{booking_id}: at {meeting['start_time']}, not {held.booking.start}")
    wrong += [f"orphan meeting {m['id']}" for made in in_zoom.values() for m in made]
    return wrong


def test_bookings_under_fault_end_exactly_as_the_app_holds_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Hundreds of booking operations meet 429s (Retry-After in all three forms), 5xx, slow
    answers, timeouts and dropped connections; once the app got every call through, each live
    booking has exactly one meeting at its time (a series with its moved and cancelled
    occurrences), a cancelled one none, no meeting is orphaned, every message went out once,
    and each connection lost to a dropped refresh answer raised exactly one Action required."""
    caplog.set_level(logging.INFO, logger="zoomlink")
    started = time.monotonic()
    with (
        SQLiteTokenStore(tmp_path / "zoomlink.sqlite3") as store,
        # Zoom's own per-second limits are off: the soak's 429s are the injected ones; and
        # zoomlink's pacing (on real time) is off, so a long Retry-After fails only its call.
        world(
            store, HOSTS, retry=RETRY, per_second_limits=False, timeout=TIMEOUT, zoom_plan=None
        ) as shared,
    ):
        soak = Soak(shared, random.Random(20261207))
        for number in range(SOAK_OPERATIONS):
            soak.retry()
            soak.inject()
            soak.operate()
            shared.fake.advance(STEP)
            if number % 10 == 9:
                soak.run_pending()
        drain(soak)
        records = {booking_id: shared.link.meeting_record(booking_id) for booking_id in soak.held}
        failed = shared.link.pending_work(state="failed")
        wrong = disagreements(soak, shared.fake.meetings(), records)
        sent = shared.sink.sent
    retried = sum(1 for r in caplog.records if r.getMessage().startswith("retrying "))
    with capsys.disabled():
        print(
            f"\nfault soak: {SOAK_OPERATIONS} operations {dict(sorted(soak.calls.items()))}"
            f" on {len(soak.held)} bookings of {len(HOSTS)} hosts in"
            f" {time.monotonic() - started:.1f} s; faults {dict(sorted(soak.faults.items()))};"
            f" {retried} requests retried by zoomlink, {soak.app_retries} calls tried again by"
            f" the app, {soak.deferred} deferred, {soak.reconnects} reconnects"
        )
    assert failed == []
    assert not wrong, "\n".join(wrong)

    keys = Counter(notice.key for notice in sent)
    assert [key for key, times in keys.items() if times > 1] == [], "a message went out twice"
    told = Counter((n.booking_id, n.kind, n.role) for n in sent if n.booking_id is not None)
    for booking_id, held in soak.held.items():
        record = records[booking_id]
        made = record is not None and record.meeting_id is not None
        # One "booked" per meeting made, one "cancelled" per occurrence cancelled and for the
        # cancel; a series tells of each move, a one-off at most that often (a deferred move
        # that a newer one replaced before it ran is never told).
        cancelled = held.occurrences_cancelled + (0 if held.live else 1) if made else 0
        for role in ("client", "host"):
            assert told[booking_id, "meeting_scheduled", role] == made, (booking_id, role)
            assert told[booking_id, "meeting_cancelled", role] == cancelled, (booking_id, role)
            moved = told[booking_id, "meeting_rescheduled", role]
            expected = moved == held.moves if held.occurrences else moved <= held.moves
            assert expected, (booking_id, role, moved, held.moves, held.live, record)
    alarms = [n for n in sent if n.kind == "action_required"]
    assert len(alarms) == soak.reconnects, "one Action required per connection lost"
