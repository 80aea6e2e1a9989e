"""A fleet on one Zoom account at Zoom's ceiling: how close it gets to the limits, and 429s.

Zoom's per-second limits are per account, shared by every worker and app. Here bookings for
hosts of one Business account (60 medium requests a second: creates and lists) are scheduled
all at once (``asyncio.gather`` on ``AsyncZoomLink``), by one process and then split over 4
worker processes sharing one store, at two sizes: 200 bookings for 20 hosts (4 processes of 50
at once, the size deployment targets name) and 1,000 for 100 hosts. Against the fake Zoom on a
loopback socket with its per-second limits on and 50 ms of latency on every request
(``fake.latency``), on SQLite and on PostgreSQL. Printed side by side, never asserted:

* pacing on (``zoom_plan="business"``): the send slots come from the store, so the fleet
  paces as one. Target: 0 x 429, and a wall time within 10 % of the least the limits allow;
* pacing off (``zoom_plan=None``): each request goes at once. A booking whose create meets
  a 429 fails with ``ZoomRateLimitError`` (here zoomlink does not send the create again): such
  bookings are counted as refused, in both modes, and so are bookings that waited longer
  than ``lock_timeout`` (30 s) for their locks (``LockTimeoutError``).

The least time the limits allow: a burst of 60 leaves at once, then 60 more every second, so
the last of N medium requests leaves (N - 1) // 60 seconds after the first, and is answered
one latency later (a host's bookings take turns only to claim their times, not for Zoom's
answers, so no host's chain of requests is a floor). Wall time runs from the moment every
worker is ready (connected, tokens fresh) until the last booking has its meeting. The
PostgreSQL server is ``ZOOMLINK_TEST_POSTGRES_DSN`` when set, else one started by
``scripts/postgres_server.py`` (left out when none can be had).

    python benchmarks/fleet_pacing.py [--workers N] [--bookings B] [--hosts H]
                                      [--latency S] [--quick] [--json PATH]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from multiprocessing.synchronize import Barrier
from pathlib import Path

import attrs
from _support import APP, Figure, add_json_option, postgres, write_figures

from zoomlink import (
    AsyncZoomLink,
    Booking,
    Endpoints,
    EventType,
    Keyring,
    LockTimeoutError,
    Participant,
    ZoomLink,
    ZoomPlan,
    ZoomRateLimitError,
)
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore
from zoomlink.testing import FakeClock, FakeZoom

ACCOUNT = "acct_fleet"
# (bookings, hosts): 4 processes of 50 bookings at once, then 4 of 250.
SIZES = [(200, 20), (1000, 100)]
LATENCY = 0.05  # seconds the fake waits before answering each request
MEDIUM_PER_SECOND = 60  # Zoom's Business plan
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")
TARGET = 1.10  # wall time at most 10 % over the least the limits allow
PACING: list[tuple[str, ZoomPlan | None]] = [("pacing on", "business"), ("pacing off", None)]
SPAWN = multiprocessing.get_context("spawn")

StoreSpec = tuple[str, ...]  # ("sqlite", path) or ("postgres", dsn, table prefix)


@attrs.frozen
class Plan:
    """What one run books: who, when, and how the workers are spread."""

    workers: int
    bookings: int  # per worker
    hosts: int
    first: datetime

    def host(self, number: int) -> Participant:
        return Participant(
            name=f"Host {number}",
            time_zone="Europe/Berlin",
            email=f"host{number}@example.com",
            user_id=f"host{number}",
        )

    def booking(self, label: str, worker: int, number: int) -> Booking:
        """A booking of its own half hour on its host (every worker books other times)."""
        index = worker * self.bookings + number
        start = self.first + timedelta(minutes=30 * (index // self.hosts))
        return Booking(
            id=f"{label}-{worker}-{number}",
            event_type=CONSULT,
            host=self.host(index % self.hosts),
            clients=(CLIENT,),
            start=start,
            end=start + timedelta(minutes=30),
            title="Consultation",
        )


def _async_store(spec: StoreSpec) -> AsyncSQLiteTokenStore | AsyncPostgresTokenStore:
    if spec[0] == "sqlite":
        return AsyncSQLiteTokenStore(spec[1])
    return AsyncPostgresTokenStore(spec[1], table_prefix=spec[2], min_size=1, max_size=8)


def _store(spec: StoreSpec) -> SQLiteTokenStore | PostgresTokenStore:
    if spec[0] == "sqlite":
        return SQLiteTokenStore(spec[1])
    return PostgresTokenStore(spec[1], table_prefix=spec[2], min_size=0, max_size=4)


# -- a worker process ----------------------------------------------------------------------------


def worker(
    spec: StoreSpec,
    keys: str,
    url: str,
    plan: Plan,
    zoom_plan: ZoomPlan | None,
    label: str,
    number: int,
    start: Barrier,
    out: str,
) -> None:
    """Schedule this worker's bookings all at once when every worker is ready; write when it
    began and ended (wall clock, which every process shares)."""
    report = asyncio.run(_book(spec, keys, url, plan, zoom_plan, label, number, start))
    Path(out).write_text(json.dumps(report), encoding="utf-8")


async def _book(
    spec: StoreSpec,
    keys: str,
    url: str,
    plan: Plan,
    zoom_plan: ZoomPlan | None,
    label: str,
    number: int,
    start: Barrier,
) -> dict[str, float]:
    async with (
        _async_store(spec) as store,
        AsyncZoomLink(
            APP,
            store=store,
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(url),
            zoom_plan=zoom_plan,
        ) as link,
    ):
        for host in range(plan.hosts):
            await link.host_zoom_user(f"host{host}")  # tokens fresh before the clock starts
        await asyncio.to_thread(start.wait, 60)
        began = time.time()
        bookings = [plan.booking(label, number, n) for n in range(plan.bookings)]
        outcomes = await asyncio.gather(
            *(link.schedule(booking) for booking in bookings), return_exceptions=True
        )
        ended = time.time()
    # A create that meets a 429 is not sent again (it may have been made): the booking fails
    # with ZoomRateLimitError. A booking that waits longer than lock_timeout for its lock
    # fails with LockTimeoutError. Both are counted; any other failure stops the run.
    refused = sum(1 for outcome in outcomes if isinstance(outcome, ZoomRateLimitError))
    timed_out = sum(1 for outcome in outcomes if isinstance(outcome, LockTimeoutError))
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(
            outcome, (ZoomRateLimitError, LockTimeoutError)
        ):
            raise outcome
    made = sum(
        1
        for outcome in outcomes
        if not isinstance(outcome, BaseException) and outcome.meeting_id is not None
    )
    return {
        "began": began,
        "ended": ended,
        "made": made,
        "refused": refused,
        "timed_out": timed_out,
    }


# -- one run -------------------------------------------------------------------------------------


@attrs.frozen
class Figures:
    seconds: float
    least: float
    medium: int
    too_many: int
    made: int
    refused: int
    timed_out: int


def run(
    spec: StoreSpec, plan: Plan, zoom_plan: ZoomPlan | None, label: str, latency: float
) -> Figures:
    """One fleet run against a fresh fake Zoom; the wall time, the least allowed, and counts."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    fake = FakeZoom(clock=FakeClock(now, frozen=False))
    fake.seed(FakeZoom.default_seed())  # the apps
    fake.configure(per_second_limits=False)  # on once the hosts are connected
    fake.add_account(ACCOUNT, plan="business")
    for host in range(plan.hosts):
        fake.add_user(
            f"host{host}@example.com", account_id=ACCOUNT, role="member", user_id=f"u_host{host}"
        )
    keys = f"bench:{Keyring.generate_key()}"
    with (
        tempfile.TemporaryDirectory() as folder,
        fake.serve() as server,
        _store(spec) as store,
        ZoomLink(
            APP,
            store=store,
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(server.url),
            zoom_plan="business",
        ) as link,
    ):
        for host in range(plan.hosts):
            url = link.personal_connect_url(f"host{host}")
            link.complete_connect(fake.approve(url, f"u_host{host}"), user_id=f"host{host}")
        # From here on: the hosts connected without either (100 connects in a burst would
        # meet the limits before zoomlink knows their account, and the setup is not measured).
        fake.configure(per_second_limits=True)
        fake.latency = latency
        before = len(fake.journal)
        start = SPAWN.Barrier(plan.workers)
        outputs = [Path(folder) / f"w{n}.json" for n in range(plan.workers)]
        processes = [
            SPAWN.Process(
                target=worker,
                args=(spec, keys, server.url, plan, zoom_plan, label, n, start, str(outputs[n])),
                daemon=True,
            )
            for n in range(plan.workers)
        ]
        try:
            for process in processes:
                process.start()
            for process in processes:
                process.join(timeout=600)
                if process.exitcode != 0:
                    raise SystemExit(f"a worker ended with exit code {process.exitcode}")
        finally:
            for process in processes:
                if process.is_alive():
                    process.kill()
                    process.join()
        reports = [json.loads(path.read_text(encoding="utf-8")) for path in outputs]
    entries = fake.journal[before:]
    answered = [
        e for e in entries if e.route in ("meetings.create", "meetings.list") and e.status != 429
    ]
    medium = len(answered)
    made = sum(report["made"] for report in reports)
    refused = sum(report["refused"] for report in reports)
    timed_out = sum(report["timed_out"] for report in reports)
    if made + refused + timed_out != plan.workers * plan.bookings:
        raise SystemExit(f"{made} meetings for {plan.workers * plan.bookings} bookings")
    return Figures(
        seconds=max(r["ended"] for r in reports) - min(r["began"] for r in reports),
        least=float((medium - 1) // MEDIUM_PER_SECOND) + latency,
        medium=medium,
        too_many=sum(1 for e in entries if e.status == 429),
        made=made,
        refused=refused,
        timed_out=timed_out,
    )


# -- output --------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=4, help="processes of the fleet run (4)")
    parser.add_argument("--bookings", type=int, help="bookings in all (both sizes: 200 and 1000)")
    parser.add_argument("--hosts", type=int, help="hosts booked (20 and 100)")
    parser.add_argument(
        "--latency", type=float, default=LATENCY, help="seconds per request at the fake (0.05)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    add_json_option(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.workers, arguments.bookings, arguments.hosts = 2, 12, 2
    if (arguments.bookings is None) != (arguments.hosts is None):
        parser.error("give --bookings and --hosts together (or neither, for both sizes)")
    arguments.sizes = (
        SIZES if arguments.bookings is None else [(arguments.bookings, arguments.hosts)]
    )
    sizes: list[tuple[int, int]] = arguments.sizes
    if min(arguments.workers, *(n for size in sizes for n in size)) < 1 or arguments.latency < 0:
        parser.error("--workers, --bookings and --hosts must be at least 1, --latency >= 0")
    if any(bookings % arguments.workers for bookings, _ in sizes):
        parser.error("--bookings must split evenly over --workers")
    return arguments


def _figures(name: str, figures: Figures, ratio: float | None, paced: bool) -> list[Figure]:
    rows = [
        Figure(f"{name}: 429 responses", figures.too_many, "count", "== 0" if paced else None),
        Figure(
            f"{name}: bookings refused by a 429",
            figures.refused,
            "count",
            "== 0" if paced else None,
        ),
        Figure(
            f"{name}: bookings failed on a lock timeout",
            figures.timed_out,
            "count",
            "== 0" if paced else None,
        ),
        Figure(f"{name}: wall time", figures.seconds, "s"),
    ]
    if ratio is not None:  # fewer requests than one burst allow no wait, and no ratio
        target = f"<= {TARGET:g}" if paced else None
        rows.insert(0, Figure(f"{name}: wall / least allowed", ratio, "x", target))
    return rows


def _row(
    total: int,
    label: str,
    workers: int,
    pacing: str,
    zoom_plan: ZoomPlan | None,
    figures: Figures,
) -> list[Figure]:
    """Print one run's line of the table; its figures."""
    ratio = figures.seconds / figures.least if figures.least > 0 else None
    verdict = ""
    if zoom_plan is not None:
        ok = figures.too_many == figures.refused == figures.timed_out == 0 and (
            ratio is None or ratio <= TARGET
        )
        verdict = "ok" if ok else "MISSED"
    shown = "-" if ratio is None else f"{ratio:.2f}"
    name = f"{label}, {workers} process{'es' if workers > 1 else ''}, {pacing}"
    print(
        f"  {name:<40} {figures.seconds:>8.2f} {figures.least:>8.2f}"
        f" {shown:>7} {figures.medium:>7} {figures.too_many:>6}"
        f" {figures.refused:>8} {figures.timed_out:>8}  {verdict}"
    )
    return _figures(f"{total} bookings, {name}", figures, ratio, zoom_plan is not None)


def main() -> None:
    """Print each store's fleet runs with pacing on and off, next to the least time allowed."""
    arguments = _arguments()
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    first = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=3)
    fleets = sorted({1, arguments.workers})
    out: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder, postgres(Path(folder)) as dsn:
        stores = ["SQLite"] + (["PostgreSQL"] if dsn is not None else [])
        for total, hosts in arguments.sizes:
            print(
                f"{total} bookings at once for {hosts} hosts of one Business account, "
                f"{arguments.latency * 1000:.0f} ms per request, against the socket fake with "
                "its limits on"
            )
            print(
                f"  {'':<40} {'wall s':>8} {'least s':>8} {'ratio':>7} {'medium':>7} {'429s':>6}"
                f" {'refused':>8} {'lock t/o':>8}  target: 0 x 429, ratio <= {TARGET:.2f}"
            )
            for label in stores:
                for workers in fleets:
                    plan = Plan(workers, total // workers, hosts=hosts, first=first)
                    for pacing, zoom_plan in PACING:
                        tag = f"{label.lower()}-{total}-{workers}-{pacing.replace(' ', '-')}"
                        # A store of its own for each run: no run sees another's bookings.
                        spec: StoreSpec = (
                            ("sqlite", f"{folder}/{tag}.db")
                            if label == "SQLite"
                            else ("postgres", str(dsn), f"fleet_{uuid.uuid4().hex[:8]}_")
                        )
                        figures = run(spec, plan, zoom_plan, tag, arguments.latency)
                        out += _row(total, label, workers, pacing, zoom_plan, figures)
            print()
    write_figures(arguments.json, out)


if __name__ == "__main__":
    main()
