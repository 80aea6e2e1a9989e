"""Store locks exclude other processes: four spawned processes contend for one lock, and a
process that dies holding a lock does not keep it forever. Quotas hold across processes too:
four processes racing for one never count past its limit."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.stores import _lock_worker
from zoomlink import LockTimeoutError
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore

SPAWN = multiprocessing.get_context("spawn")
PROCESSES = 4


@contextmanager
def _started(target: Callable[..., None], *args_list: tuple[Any, ...]) -> Iterator[None]:
    processes = [SPAWN.Process(target=target, args=args, daemon=True) for args in args_list]
    try:
        for process in processes:
            process.start()
        yield
        for process in processes:
            process.join(timeout=60)
            assert process.exitcode == 0, f"{process.name} ended with {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()


def _assert_never_overlapped(outputs: list[Path]) -> None:
    results = [json.loads(path.read_text(encoding="utf-8")) for path in outputs]
    assert [r["collisions"] for r in results] == [0] * PROCESSES
    spans = sorted(tuple(span) for r in results for span in r["spans"])
    assert len(spans) == PROCESSES * _lock_worker.ROUNDS
    for (_, left), (entered, _) in itertools.pairwise(spans):
        assert left <= entered


def test_sqlite_lock_excludes_other_processes(tmp_path: Path) -> None:
    """Four processes sharing one SQLite file (a fresh one) never hold the lock at once."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")  # pickled to each child, never opened here
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    args = [(store, tmp_path / "inside", out, start) for out in outputs]
    with _started(_lock_worker.contend_sqlite, *args):
        pass
    _assert_never_overlapped(outputs)


def test_postgres_lock_excludes_other_processes(
    tmp_path: Path, postgres_dsn: str, table_prefix: str
) -> None:
    """Four processes, each with its own PostgreSQL store, never hold the lock at once."""
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    args = [(postgres_dsn, table_prefix, tmp_path / "inside", out, start) for out in outputs]
    with _started(_lock_worker.contend_postgres, *args):
        pass
    _assert_never_overlapped(outputs)


def _assert_counted_exactly(outputs: list[Path], limit: int) -> None:
    counts = [count for path in outputs for count in json.loads(path.read_text(encoding="utf-8"))]
    assert len(counts) == PROCESSES * _lock_worker.QUOTA_TAKES
    assert sorted(count for count in counts if count is not None) == list(range(1, limit + 1))


def test_sqlite_quota_is_never_passed_by_other_processes(tmp_path: Path) -> None:
    """Four processes taking one quota on one SQLite file count exactly up to its limit."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")  # pickled to each child, never opened here
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    with _started(_lock_worker.take_quota_sqlite, *[(store, 25, out, start) for out in outputs]):
        pass
    _assert_counted_exactly(outputs, 25)


def test_postgres_quota_is_never_passed_by_other_processes(
    tmp_path: Path, postgres_dsn: str, table_prefix: str
) -> None:
    """Four processes, each with its own PostgreSQL store, count one quota up to its limit."""
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    args = [(postgres_dsn, table_prefix, 25, out, start) for out in outputs]
    with _started(_lock_worker.take_quota_postgres, *args):
        pass
    _assert_counted_exactly(outputs, 25)


def test_sqlite_lock_of_a_dead_process_frees_when_its_lease_ends(tmp_path: Path) -> None:
    """A lock whose holder died stays taken until its lease ends, then is granted again."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    held = SPAWN.Event()
    with _started(_lock_worker.die_holding_sqlite, (store, held)):
        assert held.wait(timeout=30)
    with store, pytest.raises(LockTimeoutError), store.lock(_lock_worker.LOCK_NAME, timeout=0.1):
        pass  # pragma: no cover - the dead holder's lease is still running
    with sqlite3.connect(store.path) as db:  # fast-forward past the lease
        db.execute("UPDATE zoomlink_locks SET expires_at = ?", (time.time() - 1,))
    db.close()
    with SQLiteTokenStore(store.path) as again, again.lock(_lock_worker.LOCK_NAME, timeout=1):
        pass


def test_postgres_lock_of_a_dead_process_frees_at_once(
    postgres_dsn: str, table_prefix: str
) -> None:
    """A process that dies holding a PostgreSQL lock loses it with its connection."""
    held = SPAWN.Event()
    with _started(_lock_worker.die_holding_postgres, (postgres_dsn, table_prefix, held)):
        assert held.wait(timeout=30)
    with (
        PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store,
        store.lock(_lock_worker.LOCK_NAME, timeout=5),
    ):
        pass
