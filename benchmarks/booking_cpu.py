"""zoomlink's own CPU time per schedule, and where it goes.

Everything runs in one process and one thread: ``ZoomLink.schedule`` against the fake Zoom in
process (``httpx.MockTransport``, per-second limits off, ``zoom_plan=None``, memory store).
``time.process_time`` is read around each round of schedules and around every request the
fake handles, so the fake's own work is taken out. Right after each round, raw httpx sends the
very requests zoomlink sent (recorded by an httpx request hook, as in ``bookings.py``) to the
same fake, timed the same way. Printed side by side, never asserted:

* zoomlink's own CPU microseconds per schedule: zoomlink's round less the fake's handling,
  less raw httpx's round of the same requests (less the fake's handling): the median of the
  rounds, with the lowest and highest;
* the CPU of a schedule through zoomlink over that of its requests through raw httpx;
* a cProfile of one more round: the ten zoomlink functions with the most cumulative time
  (zoomlink's frames only, the fake's left out), per schedule.

The first round warms up and is not counted; the fake's clock moves on a day before every
round (fresh daily quotas; tokens refreshed outside the timing).

    python benchmarks/booking_cpu.py [--bookings N] [--rounds R] [--quick] [--json PATH]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import attrs
import httpx
from _replay import Replay, Sent, record_into, replay_sync
from _support import (
    APP,
    NOW,
    Figure,
    add_json_option,
    connect_hosts,
    half_hours,
    median_spread,
    next_day,
    write_figures,
)

from zoomlink import Booking, BookingOutcome, ZoomLink
from zoomlink.testing import FakeClock, FakeZoom

PER_HOST = 40  # a host's bookings in a round, twice over (zoomlink and raw) under 100 a day
# A host's meetings, every round's kept (by zoomlink and raw), stay within one page of Zoom's
# list: a replayed list then never carries a next_page_token, which Zoom ties to its listing.
PAGE = 280
PACKAGE = f"{Path('zoomlink')}/"
FAKE = f"{Path('zoomlink', 'testing')}/"
TOP = 10
FAKE_CALL = (str(Path("zoomlink", "testing", "_fake.py")), "__call__")


@attrs.define
class TimedFake:
    """The fake Zoom as an httpx handler that adds up the CPU time it spends answering."""

    fake: FakeZoom
    seconds: float = 0.0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        started = time.process_time()
        try:
            return self.fake(request)
        finally:
            self.seconds += time.process_time() - started


class Bench:
    """A ZoomLink and a raw httpx client on one timed fake, with connected hosts."""

    def __init__(self, hosts: int) -> None:
        fake = FakeZoom(clock=FakeClock(NOW))
        fake.seed(FakeZoom.default_seed())
        fake.configure(per_second_limits=False)
        self.fake = fake
        self.handler = TimedFake(fake)
        self.log: list[Sent] = []
        transport = httpx.MockTransport(self.handler)
        hooks = {"request": [record_into(self.log)]}
        self.http = httpx.Client(transport=transport, event_hooks=hooks)
        self.raw = httpx.Client(transport=transport)
        self.link = ZoomLink(APP, http_client=self.http, clock=fake.clock, zoom_plan=None)
        self.hosts, self.connections = connect_hosts(self.link, fake, hosts)

    def close(self) -> None:
        self.link.close()
        self.http.close()
        self.raw.close()

    def batch(self, run: int, bookings: int) -> list[Booking]:
        """New bookings on days of their own; the day moves on first (fresh quotas)."""
        next_day(self.link, self.fake, self.connections)
        return half_hours(self.hosts, f"r{run}", bookings, NOW + timedelta(days=30 + run))

    def _cpu(self, work: Callable[[], object]) -> float:
        """CPU seconds ``work`` took, less the fake's share."""
        fake_before, started = self.handler.seconds, time.process_time()
        work()
        return time.process_time() - started - (self.handler.seconds - fake_before)

    def round(self, run: int, bookings: int) -> tuple[float, float]:
        """CPU seconds of a round through zoomlink and of its requests through raw httpx."""
        batch = self.batch(run, bookings)
        self.log.clear()
        outcomes: list[BookingOutcome] = []
        ours = self._cpu(lambda: outcomes.extend(self.link.schedule(b) for b in batch))
        replay = Replay(created=[int(o.meeting_id or 0) for o in outcomes])
        sent = list(self.log)
        theirs = self._cpu(lambda: replay_sync(self.raw, sent, replay))
        return ours, theirs

    def profile(self, run: int, bookings: int) -> pstats.Stats:
        batch = self.batch(run, bookings)
        profiler = cProfile.Profile()
        profiler.enable()
        for booking in batch:
            self.link.schedule(booking)
        profiler.disable()
        return pstats.Stats(profiler)


def top_zoomlink(stats: pstats.Stats, bookings: int) -> tuple[list[tuple[str, int, float]], float]:
    """zoomlink's functions with the most cumulative time (where, calls, µs per schedule), and
    the fake's answering in µs per schedule, which the cumulative times include."""
    rows = []
    fake = 0.0
    entries = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, line, function), (_, calls, _, cumulative, _) in entries:
        if filename.endswith(FAKE_CALL[0]) and function == FAKE_CALL[1]:
            fake += cumulative * 1e6 / bookings
        if PACKAGE in filename and FAKE not in filename:
            where = f"{filename.rsplit(PACKAGE, 1)[1]}:{line}({function})"
            rows.append((where, calls, cumulative * 1e6 / bookings))
    return sorted(rows, key=lambda row: row[2], reverse=True)[:TOP], fake


def main() -> None:
    """Print zoomlink's CPU per schedule next to raw httpx's, then the profile's top."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bookings", type=int, default=200, help="bookings per round (200)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (7)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    add_json_option(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.bookings, arguments.rounds = 6, 1
    if arguments.bookings < 1 or arguments.rounds < 1:
        parser.error("--bookings and --rounds must be at least 1")
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    bookings: int = arguments.bookings
    kept = bookings * (arguments.rounds + 2) * 2  # the meetings of every round, and the profile's
    bench = Bench(max(math.ceil(bookings / PER_HOST), math.ceil(kept / PAGE)))
    try:
        rounds = [bench.round(run, bookings) for run in range(arguments.rounds + 1)][1:]
        top, fake_share = top_zoomlink(bench.profile(arguments.rounds + 1, bookings), bookings)
    finally:
        bench.close()

    own, own_spread = median_spread([(ours - theirs) * 1e6 / bookings for ours, theirs in rounds])
    ratio, ratio_spread = median_spread([ours / theirs for ours, theirs in rounds])
    total = median_spread([ours * 1e6 / bookings for ours, _ in rounds])[0]
    print(
        f"CPU per schedule in process, the fake's handling taken out ({bookings} bookings a "
        f"round, median of {arguments.rounds} rounds, lowest-highest in brackets)"
    )
    print(f"  through zoomlink (zoomlink and httpx):     {total:9.0f} µs")
    print(
        f"  zoomlink's own (less raw httpx):          {own:9.0f} µs "
        f"({own_spread[0]:.0f}-{own_spread[1]:.0f})"
    )
    print(
        f"  zoomlink / raw httpx, same requests:      {ratio:9.2f}x "
        f"({ratio_spread[0]:.2f}-{ratio_spread[1]:.2f})"
    )
    print()
    print(f"Where it goes: the {TOP} zoomlink functions with the most cumulative time (cProfile)")
    print(f"  {'µs/schedule':>11} {'calls':>7}  function")
    for where, calls, micros in top:
        print(f"  {micros:>11.0f} {calls:>7}  {where}")
    print(
        f"  (the fake's answering is inside these cumulative times: {fake_share:.0f} µs per "
        "schedule; cProfile's own overhead inflates them all: compare them with each other)"
    )
    write_figures(
        arguments.json,
        [
            Figure("zoomlink's own CPU per schedule", own, "µs", spread=own_spread),
            Figure("CPU per schedule through zoomlink", total, "µs"),
            Figure("zoomlink / raw httpx CPU, same requests", ratio, "x", spread=ratio_spread),
        ],
    )


if __name__ == "__main__":
    main()
