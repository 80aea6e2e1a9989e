"""A fleet of workers on one Zoom account: how close they get to Zoom's ceiling, and 429s.

Zoom's per-second limits are per account, shared by every worker and app. Here 4 worker
processes each schedule 50 bookings at once (``asyncio.gather`` on ``AsyncZoomLink``) for the
hosts of one Business account (60 medium requests a second: creates and lists), sharing one
store, against the fake Zoom on a loopback socket with its per-second limits on. Printed side
by side, never asserted:

* pacing on (``zoom_plan="business"``): the send slots come from the store, so the fleet
  paces as one. Target: 0 x 429, and a wall time within 10 % of the least the limits allow;
* pacing off (``zoom_plan=None``): each request goes at once and the 429s are waited out.

The least time the limits allow: a burst of 60 leaves at once, then 60 more every second, so
the last of N medium requests leaves (N - 1) // 60 seconds after the first. The bookings go to
20 hosts of the account (a host's bookings are made one at a time, under its host lock). Wall
time runs from the moment every worker is ready (connected, tokens fresh) until the last
booking has its meeting. The PostgreSQL server is ``ZOOMLINK_TEST_POSTGRES_DSN`` when set,
else one started by ``scripts/postgres_server.py`` (left out when none can be had).

    python benchmarks/fleet_pacing.py [--workers N] [--bookings B] [--quick]

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
from _support import APP, postgres

from zoomlink import (
    AsyncZoomLink,
    Booking,
    Endpoints,
    EventType,
    Keyring,
    Participant,
    ZoomLink,
    ZoomPlan,
)
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore
from zoomlink.testing import FakeClock, FakeZoom

ACCOUNT = "acct_fleet"
HOSTS = 20
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
        outcomes = await asyncio.gather(*(link.schedule(booking) for booking in bookings))
        ended = time.time()
    made = sum(1 for outcome in outcomes if outcome.meeting_id is not None)
    return {"began": began, "ended": ended, "made": made}


# -- one run -------------------------------------------------------------------------------------


@attrs.frozen
class Figures:
    seconds: float
    least: float
    medium: int
    too_many: int
    made: int


def run(spec: StoreSpec, plan: Plan, zoom_plan: ZoomPlan | None, label: str) -> Figures:
    """One fleet run against a fresh fake Zoom; the wall time, the least allowed, and counts."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    fake = FakeZoom(clock=FakeClock(now, frozen=False))
    fake.seed(FakeZoom.default_seed())  # the apps
    fake.configure(per_second_limits=True)
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
    medium = sum(
        1 for e in entries if e.route in ("meetings.create", "meetings.list") and e.status != 429
    )
    made = sum(report["made"] for report in reports)
    if made != plan.workers * plan.bookings:
        raise SystemExit(f"{made} meetings for {plan.workers * plan.bookings} bookings")
    return Figures(
        seconds=max(r["ended"] for r in reports) - min(r["began"] for r in reports),
        least=float((medium - 1) // MEDIUM_PER_SECOND),
        medium=medium,
        too_many=sum(1 for e in entries if e.status == 429),
        made=made,
    )


# -- output --------------------------------------------------------------------------------------


def main() -> None:
    """Print each store's fleet run with pacing on and off, next to the least time allowed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=4, help="worker processes (4)")
    parser.add_argument("--bookings", type=int, default=50, help="bookings per worker (50)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    arguments = parser.parse_args()
    if arguments.workers < 1 or arguments.bookings < 1:
        parser.error("--workers and --bookings must be at least 1")
    workers, bookings = (2, 6) if arguments.quick else (arguments.workers, arguments.bookings)
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    first = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=3)
    # A team's account: no host near Zoom's 100 meeting creates a day.
    plan = Plan(workers, bookings, hosts=2 if arguments.quick else HOSTS, first=first)

    with tempfile.TemporaryDirectory() as folder, postgres(Path(folder)) as dsn:
        stores = ["SQLite"] + (["PostgreSQL"] if dsn is not None else [])
        print(
            f"{workers} workers x {bookings} concurrent bookings on one Business account "
            f"({plan.hosts} hosts), against the socket fake with its limits on"
        )
        print(
            f"  {'':<28} {'wall s':>8} {'least s':>8} {'ratio':>7} {'medium':>7} {'429s':>6}"
            f"  target: 0 x 429, ratio <= {TARGET:.2f}"
        )
        for label in stores:
            for pacing, zoom_plan in PACING:
                tag = f"{label.lower()}-{pacing.replace(' ', '-')}"
                # A store of its own for each run: no run sees another's bookings.
                spec: StoreSpec = (
                    ("sqlite", f"{folder}/{tag}.db")
                    if label == "SQLite"
                    else ("postgres", str(dsn), f"fleet_{uuid.uuid4().hex[:8]}_")
                )
                figures = run(spec, plan, zoom_plan, tag)
                # Fewer requests than one burst: the limits allow no wait, and no ratio.
                ratio = figures.seconds / figures.least if figures.least else None
                verdict = ""
                if zoom_plan is not None:
                    ok = figures.too_many == 0 and (ratio is None or ratio <= TARGET)
                    verdict = "ok" if ok else "MISSED"
                shown = "-" if ratio is None else f"{ratio:.2f}"
                print(
                    f"  {label + ', ' + pacing:<28} {figures.seconds:>8.2f} {figures.least:>8.2f}"
                    f" {shown:>7} {figures.medium:>7} {figures.too_many:>6}  {verdict}"
                )


if __name__ == "__main__":
    main()
