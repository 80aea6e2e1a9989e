"""Store locks exclude other processes: four spawned processes contend for one lock, and a
process SIGKILLed while holding a lock frees it at once, while a live holder keeps it. Quotas
hold across processes too: four processes racing for one never count past its limit. SQLite
writers take turns across processes, and a killed writer holds up no one."""

from __future__ import annotations

import itertools
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import pytest

from tests.stores import _lock_worker
from tests.stores._spawn import SPAWN, started
from zoomlink import LockTimeoutError, StoreError, TokenStore
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore, _sqlite_connections
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing.contracts._sync.token_store import make_grant

PROCESSES = 4


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
    with started(_lock_worker.contend_sqlite, *args):
        pass
    _assert_never_overlapped(outputs)


def test_postgres_lock_excludes_other_processes(
    tmp_path: Path, postgres_dsn: str, table_prefix: str
) -> None:
    """Four processes, each with its own PostgreSQL store, never hold the lock at once."""
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    args = [(postgres_dsn, table_prefix, tmp_path / "inside", out, start) for out in outputs]
    with started(_lock_worker.contend_postgres, *args):
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
    with started(_lock_worker.take_quota_sqlite, *[(store, 25, out, start) for out in outputs]):
        pass
    _assert_counted_exactly(outputs, 25)


def test_postgres_quota_is_never_passed_by_other_processes(
    tmp_path: Path, postgres_dsn: str, table_prefix: str
) -> None:
    """Four processes, each with its own PostgreSQL store, count one quota up to its limit."""
    start = SPAWN.Barrier(PROCESSES)
    outputs = [tmp_path / f"out{i}.json" for i in range(PROCESSES)]
    args = [(postgres_dsn, table_prefix, 25, out, start) for out in outputs]
    with started(_lock_worker.take_quota_postgres, *args):
        pass
    _assert_counted_exactly(outputs, 25)


@contextmanager
def _killed_holding(target: Callable[..., None], *args: Any) -> Iterator[float]:
    """Start a process that takes the lock, then SIGKILL it while it holds the lock; yields the
    monotonic time of the kill."""
    held = SPAWN.Event()
    process = SPAWN.Process(target=target, args=(*args, held), daemon=True)
    process.start()
    try:
        assert held.wait(timeout=30), "the holder took the lock"
        yield _kill(process)
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)


def _kill(process: BaseProcess) -> float:
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    process.join(timeout=10)
    assert process.exitcode == -signal.SIGKILL
    return killed_at


def _refused_while_held(store: TokenStore) -> None:
    with pytest.raises(LockTimeoutError), store.lock(_lock_worker.LOCK_NAME, timeout=0.3):
        pass  # pragma: no cover - the holder is alive


def test_sqlite_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    """A process SIGKILLed while holding a SQLite lock frees it at once: the next taker gets it
    in well under a second, while no one got it as long as the holder lived."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    with _killed_holding(_lock_worker.hold_until_killed_sqlite, store) as killed_at:
        pass
    with SQLiteTokenStore(store.path) as again, again.lock(_lock_worker.LOCK_NAME, timeout=1):
        assert time.monotonic() - killed_at < 1.0


def test_sqlite_live_holder_is_never_overtaken(tmp_path: Path) -> None:
    """While the holder lives the lock stays its own, however long it holds it."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    held = SPAWN.Event()
    process = SPAWN.Process(
        target=_lock_worker.hold_until_killed_sqlite, args=(store, held), daemon=True
    )
    process.start()
    try:
        assert held.wait(timeout=30)
        with SQLiteTokenStore(store.path) as other:
            for _ in range(3):
                _refused_while_held(other)
        _kill(process)
        with SQLiteTokenStore(store.path) as other, other.lock(_lock_worker.LOCK_NAME, timeout=1):
            pass
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)


@contextmanager
def _writing(store: SQLiteTokenStore) -> Iterator[tuple[BaseProcess, Event]]:
    """A process in the middle of a write to ``store``'s file; set the event to end it."""
    held, done = SPAWN.Event(), SPAWN.Event()
    process = SPAWN.Process(
        target=_lock_worker.write_until_told_sqlite, args=(store, held, done), daemon=True
    )
    process.start()
    try:
        assert held.wait(timeout=30), "the writer began its write"
        yield process, done
    finally:
        if process.is_alive():  # a killed waiter would leave done.set() waiting for it
            done.set()
            process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join(timeout=10)


def _grant_written_in_a_thread(store: SQLiteTokenStore) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def write() -> None:
        try:
            store.add_grant(make_grant())
            outcome.append("written")
        except StoreError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread, outcome


def test_sqlite_write_waits_for_a_writer_in_another_process_and_follows_it(
    tmp_path: Path,
) -> None:
    """A write waits while another process is in the middle of one, and goes through as soon
    as that one ends."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    with _writing(store) as (_, done), SQLiteTokenStore(store.path) as other:
        thread, outcome = _grant_written_in_a_thread(other)
        thread.join(timeout=0.3)
        assert outcome == []  # the other process is still writing
        done.set()
        thread.join(timeout=10)
        assert outcome == ["written"]
        assert other.get_grant(make_grant().id) == make_grant()


def test_sqlite_write_of_a_killed_writer_is_free_at_once(tmp_path: Path) -> None:
    """A process SIGKILLed in the middle of a write holds up no one: the next write goes
    through within a second."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    with _writing(store) as (process, _), SQLiteTokenStore(store.path) as other:
        killed_at = _kill(process)
        other.add_grant(make_grant())
        assert time.monotonic() - killed_at < 1.0


def test_sqlite_writer_that_keeps_the_file_too_long_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that another process keeps waiting past the busy timeout fails with a
    StoreError naming the file, and writes nothing."""
    monkeypatch.setattr(_sqlite_connections, "BUSY_TIMEOUT", 0.3)
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    with _writing(store), SQLiteTokenStore(store.path) as other:
        with pytest.raises(StoreError, match="another writer kept it") as raised:
            other.add_grant(make_grant())
        assert store.path in str(raised.value)
    with SQLiteTokenStore(store.path) as again:
        assert again.get_grant(make_grant().id) is None


@pytest.mark.asyncio
async def test_async_sqlite_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    """AsyncSQLiteTokenStore, too, gets a lock whose holder was SIGKILLed at once."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    with _killed_holding(_lock_worker.hold_until_killed_sqlite, store) as killed_at:
        pass
    async with (
        AsyncSQLiteTokenStore(store.path) as again,
        again.lock(_lock_worker.LOCK_NAME, timeout=1),
    ):
        assert time.monotonic() - killed_at < 1.0


def test_postgres_lock_of_a_killed_process_is_free_at_once(
    postgres_dsn: str, table_prefix: str
) -> None:
    """PostgreSQL frees the session advisory lock of a SIGKILLed holder when its connection
    drops: the next taker, on another connection, gets it within a second."""
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
        with _killed_holding(
            _lock_worker.hold_until_killed_postgres, postgres_dsn, table_prefix
        ) as killed_at:
            pass
        with store.lock(_lock_worker.LOCK_NAME, timeout=5):
            assert time.monotonic() - killed_at < 1.0
