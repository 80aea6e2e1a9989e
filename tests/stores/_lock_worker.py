"""Code for the spawned processes of test_processes.py: contend for one store lock, hold it
until killed, keep a write open, or race for one quota.

A module of its own so a spawned child imports little; every function is a process target.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

from zoomlink import TokenStore
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore

LOCK_NAME = "grant:app:zu1"
ROUNDS = 5
HOLD = 0.01
QUOTA_NAME = "quota:zu1:2026-03-01"
QUOTA_TAKES = 10
KILL_WAIT = 60.0  # bounded: a holder nobody kills ends by itself


def contend_sqlite(store: SQLiteTokenStore, marker: Path, out: Path, start: Barrier) -> None:
    """Take the lock ROUNDS times through a store that came here pickled."""
    with store:
        _contend(store, marker, out, start)


def contend_postgres(dsn: str, prefix: str, marker: Path, out: Path, start: Barrier) -> None:
    """Take the lock ROUNDS times through a PostgreSQL store of this process."""
    with PostgresTokenStore(dsn, table_prefix=prefix, min_size=0, max_size=2) as store:
        _contend(store, marker, out, start)


def take_quota_sqlite(store: SQLiteTokenStore, limit: int, out: Path, start: Barrier) -> None:
    """Take the quota QUOTA_TAKES times through a store that came here pickled."""
    with store:
        _take_quota(store, limit, out, start)


def take_quota_postgres(dsn: str, prefix: str, limit: int, out: Path, start: Barrier) -> None:
    """Take the quota QUOTA_TAKES times through a PostgreSQL store of this process."""
    with PostgresTokenStore(dsn, table_prefix=prefix, min_size=0, max_size=2) as store:
        _take_quota(store, limit, out, start)


def hold_until_killed_sqlite(store: SQLiteTokenStore, held: Event) -> None:
    """Take the lock, say so, and hold it until the parent kills this process."""
    _hold_until_killed(store, held)


def hold_until_killed_postgres(dsn: str, prefix: str, held: Event) -> None:
    """Take the lock through PostgreSQL, say so, and hold it until the parent kills us."""
    _hold_until_killed(PostgresTokenStore(dsn, table_prefix=prefix, min_size=0, max_size=2), held)


def write_until_told_sqlite(store: SQLiteTokenStore, held: Event, done: Event) -> None:
    """Open a write transaction, say so, and keep it until told (or killed)."""

    def keep_open(conn: object) -> None:
        held.set()
        done.wait(KILL_WAIT)

    with store:
        store._pool.write("keep a write open", keep_open)


def _hold_until_killed(store: TokenStore, held: Event) -> None:
    with store.lock(LOCK_NAME, timeout=10):
        held.set()
        time.sleep(KILL_WAIT)  # the parent's SIGKILL comes long before this ends
    os._exit(3)  # not killed: the parent sees the exit code and fails


def _contend(store: TokenStore, marker: Path, out: Path, start: Barrier) -> None:
    start.wait(timeout=60)
    spans: list[tuple[float, float]] = []
    collisions = 0
    for _ in range(ROUNDS):
        with store.lock(LOCK_NAME, timeout=30):
            entered = time.monotonic()
            # O_EXCL fails if another holder is inside: overlap seen without trusting clocks.
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                collisions += 1
            else:
                time.sleep(HOLD)
                os.close(fd)
                os.unlink(marker)
            left = time.monotonic()
        spans.append((entered, left))
    out.write_text(json.dumps({"spans": spans, "collisions": collisions}), encoding="utf-8")


def _take_quota(store: TokenStore, limit: int, out: Path, start: Barrier) -> None:
    expires_at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    start.wait(timeout=60)
    counts = [
        store.take_quota(QUOTA_NAME, limit=limit, expires_at=expires_at) for _ in range(QUOTA_TAKES)
    ]
    out.write_text(json.dumps(counts), encoding="utf-8")
