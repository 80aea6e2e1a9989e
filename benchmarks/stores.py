"""What each token store costs a schedule: store calls, SQL statements, and schedules per second.

``ZoomLink.schedule`` on the memory store, SQLite and PostgreSQL, each with a keyring (tokens and
join URLs sealed), each against a fake Zoom of its own in process (``httpx.MockTransport``, its
per-second limits off, ``zoom_plan=None``), so the store's share of the work shows. Printed side
by side, never asserted:

* store calls per schedule: the store is wrapped in a proxy that counts each method call
  (``get_grant``, ``lock``, ``put_meeting_record`` …);
* SQL statements per schedule, counted where each store's driver runs them: for SQLite a
  ``set_trace_callback`` on every connection the store opens (its ``_connect`` is wrapped, a
  private hook this benchmark reaches for; ``BEGIN`` and ``COMMIT`` count too); for PostgreSQL
  ``psycopg.Cursor.execute`` and ``executemany`` are wrapped, as every statement of psycopg's
  ``Connection.execute`` goes through them (``pg_stat_statements`` needs the extension
  preloaded in the server, and the server log needs a superuser's settings: neither is
  assured on a shared server);
* schedules per second, the stores taking turns round after round; the figure is each store's
  rate over the memory store's in the same round, the median with the lowest and highest.

Zoom allows 100 meeting creates per Zoom user per UTC day: the bookings are spread over enough
hosts and each fake's clock moves on a day before every round (tokens refreshed outside the
timing). The first round warms up and is not counted. The PostgreSQL server is
``ZOOMLINK_TEST_POSTGRES_DSN`` when set, else one started by ``scripts/postgres_server.py``.

    python benchmarks/stores.py [--bookings N] [--rounds R] [--quick] [--json PATH]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from _support import (
    APP,
    NOW,
    Figure,
    add_json_option,
    connect_hosts,
    half_hours,
    median_spread,
    next_day,
    postgres,
    write_figures,
)

from zoomlink import Keyring, TokenStore, ZoomLink
from zoomlink.stores import MemoryTokenStore, SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing import FakeClock, FakeZoom

PER_HOST = 50  # bookings of one host in a round, well under Zoom's 100 creates a day
SQL: Counter[str] = Counter()  # statements run, by store


class CountingStore:
    """A store that counts every call made on it, by method, and passes it on."""

    def __init__(self, inner: TokenStore) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


@contextlib.contextmanager
def _counting_psycopg() -> Iterator[None]:
    """Count every statement psycopg's cursors run, while inside."""
    originals = {name: getattr(psycopg.Cursor, name) for name in ("execute", "executemany")}

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            SQL["PostgreSQL"] += 1
            return original(self, *args, **kwargs)

        return counted

    for name, original in originals.items():
        setattr(psycopg.Cursor, name, wrap(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(psycopg.Cursor, name, original)


def _traced(store: SQLiteTokenStore) -> SQLiteTokenStore:
    """Count every statement of every connection the SQLite store opens from now on."""
    pool = store._pool
    connect = pool._connect

    def traced_connect() -> sqlite3.Connection:
        connection = connect()
        connection.set_trace_callback(lambda _statement: SQL.update(["SQLite"]))
        return connection

    pool._connect = traced_connect  # type: ignore[method-assign]
    return store


@contextlib.contextmanager
def open_store(kind: str, folder: str, dsn: str | None) -> Iterator[TokenStore]:
    if kind == "memory":
        yield MemoryTokenStore()
    elif kind == "SQLite":
        with _traced(SQLiteTokenStore(f"{folder}/zoomlink.db")) as store:
            yield store
    else:
        assert dsn is not None
        prefix = f"bench_{uuid.uuid4().hex[:8]}_"
        with PostgresTokenStore(dsn, table_prefix=prefix, min_size=1, max_size=4) as store:
            yield store


class Bench:
    """One store's ZoomLink, its own fake Zoom and its connected hosts."""

    def __init__(self, kind: str, store: TokenStore, hosts: int, stack: contextlib.ExitStack):
        self.kind = kind
        self.fake = FakeZoom(clock=FakeClock(NOW))
        self.fake.seed(FakeZoom.default_seed())
        self.fake.configure(per_second_limits=False)
        self.store = CountingStore(store)
        http = stack.enter_context(httpx.Client(transport=httpx.MockTransport(self.fake)))
        self.link = stack.enter_context(
            ZoomLink(
                APP,
                store=self.store,
                keyring=Keyring.from_string(f"bench:{Keyring.generate_key()}"),
                http_client=http,
                clock=self.fake.clock,
                zoom_plan=None,
            )
        )
        self.hosts, self.connections = connect_hosts(self.link, self.fake, hosts)

    def round(self, run: int, bookings: int) -> tuple[float, int, int]:
        """Schedule ``bookings`` new bookings: seconds, store calls and SQL statements."""
        next_day(self.link, self.fake, self.connections)
        batch = half_hours(self.hosts, f"r{run}", bookings, NOW + timedelta(days=30 + 2 * run))
        calls, statements = sum(self.store.calls.values()), SQL[self.kind]
        started = time.perf_counter()
        for booking in batch:
            if self.link.schedule(booking).meeting_id is None:
                raise SystemExit(f"{self.kind}: {booking.id} has no meeting")
        seconds = time.perf_counter() - started
        return (
            seconds,
            sum(self.store.calls.values()) - calls,
            SQL[self.kind] - statements,
        )


def main() -> None:
    """Print each store's calls and statements per schedule, and its rate next to memory's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bookings", type=int, default=200, help="bookings per round (200)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (5)")
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
    hosts = math.ceil(bookings / PER_HOST)
    rounds: dict[str, list[tuple[float, int, int]]] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        postgres(Path(folder)) as dsn,
        _counting_psycopg(),
        contextlib.ExitStack() as stack,
    ):
        kinds = ["memory", "SQLite"] + (["PostgreSQL"] if dsn is not None else [])
        benches = [
            Bench(kind, stack.enter_context(open_store(kind, folder, dsn)), hosts, stack)
            for kind in kinds
        ]
        for run in range(arguments.rounds + 1):  # the first round warms up, untimed
            order = benches if run % 2 == 0 else benches[::-1]  # none always goes first
            for bench in order:
                figures = bench.round(run, bookings)
                if run:
                    rounds.setdefault(bench.kind, []).append(figures)

    print(
        f"ZoomLink.schedule on each store (sealed), {bookings} bookings a round over {hosts} "
        f"host(s), in process; {arguments.rounds} rounds, the stores taking turns"
    )
    print(
        f"  {'':<11} {'store calls':>12} {'SQL':>6} {'schedules/s':>12}"
        f" {'rate / memory (lowest-highest)':>31}"
    )
    out: list[Figure] = []
    memory_rates = [bookings / seconds for seconds, _, _ in rounds["memory"]]
    for kind in ("memory", "SQLite", "PostgreSQL"):
        if kind not in rounds:
            continue
        runs = rounds[kind]
        calls = statistics.median(c for _, c, _ in runs) / bookings
        sql = statistics.median(s for _, _, s in runs) / bookings
        rates = [bookings / seconds for seconds, _, _ in runs]
        ratio, spread = median_spread([r / m for r, m in zip(rates, memory_rates, strict=True)])
        shown_sql = "-" if kind == "memory" else f"{sql:.1f}"
        print(
            f"  {kind:<11} {calls:>12.1f} {shown_sql:>6} {statistics.median(rates):>12.0f}"
            f" {ratio:>11.2f}x ({spread[0]:.2f}-{spread[1]:.2f})"
        )
        out += [
            Figure(f"{kind}: store calls per schedule", calls, "count"),
            Figure(f"{kind}: schedules per second", statistics.median(rates), "1/s"),
        ]
        if kind != "memory":
            out += [
                Figure(f"{kind}: SQL statements per schedule", sql, "count"),
                Figure(f"{kind}: rate / memory store's rate", ratio, "x", spread=spread),
            ]
    write_figures(arguments.json, out)


if __name__ == "__main__":
    main()
