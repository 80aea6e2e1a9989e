"""Group commit in the SQLite store: writes that queue for the writer turn are made in one
transaction, and each still has its own outcome."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import attrs
import pytest

from zoomlink import DuplicateRecordError, StaleRecordError, StoreError
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores._sqlite_group_commit import MOST_PER_COMMIT, WriteQueue
from zoomlink.stores._sqlite_writer import writer_turn
from zoomlink.testing.contracts._sync.token_store import T0, make_record


class _Database:
    """A scratch database file that counts the transactions begun on it."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.begun = 0
        with self._connect() as conn:
            conn.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
            conn.execute(
                "CREATE TABLE rows (id INTEGER PRIMARY KEY, parent INTEGER"
                " REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def connection(self, action: str, *, durable: bool) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        conn.set_trace_callback(self._count)
        try:
            yield conn
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"SQLite could not {action}: {exc}") from exc
        finally:
            conn.close()

    def _count(self, statement: str) -> None:
        if statement.startswith("BEGIN"):
            self.begun += 1

    def rows(self) -> list[int]:
        with self._connect() as conn:
            return [row[0] for row in conn.execute("SELECT id FROM rows ORDER BY id")]


def _insert(row: int, parent: int | None = None) -> Callable[[sqlite3.Connection], int]:
    return lambda conn: (
        conn.execute("INSERT INTO rows (id, parent) VALUES (?, ?)", (row, parent)).rowcount
    )


def _queued_behind_a_held_turn(path: str, writes: list[Callable[[], object]]) -> list[object]:
    """Run ``writes`` on threads while the writer turn of the file ``path`` is held, then let
    it go; each write's result or error, in order."""
    outcomes: list[object] = [None] * len(writes)

    def run(index: int) -> None:
        try:
            outcomes[index] = writes[index]()
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writes))]
    with writer_turn(path, timeout=5):
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # every write is queued, waiting for the turn
    for thread in threads:
        thread.join(10)
    return outcomes


def test_writes_queued_for_the_turn_are_committed_together(tmp_path: Path) -> None:
    """Writes that queued while another writer had the turn are made in one transaction once
    it is free, and each returns its own result."""
    database = _Database(tmp_path / "scratch.db")
    queue = WriteQueue(database.path, database.connection, timeout=5)
    outcomes = _queued_behind_a_held_turn(
        database.path, [partial(queue.write, "insert", _insert(n)) for n in range(6)]
    )
    assert outcomes == [1] * 6
    assert database.rows() == list(range(6))
    assert database.begun == 1


def test_a_write_that_fails_is_undone_alone(tmp_path: Path) -> None:
    """A write of a group that fails (here a duplicate id) is rolled back to its savepoint and
    its error goes to its caller; the other writes of the group are kept."""
    database = _Database(tmp_path / "scratch.db")
    queue = WriteQueue(database.path, database.connection, timeout=5)
    writes: list[Callable[[], object]] = [
        lambda: queue.write("insert", _insert(1)),
        lambda: queue.write("insert", _insert(1)),
        lambda: queue.write("insert", _insert(2)),
    ]
    outcomes = _queued_behind_a_held_turn(database.path, writes)
    assert outcomes.count(1) == 2
    [error] = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert isinstance(error, StoreError)
    assert "could not insert" in str(error)
    assert isinstance(error.__cause__, sqlite3.IntegrityError)
    assert database.rows() == [1, 2]
    assert database.begun == 1


def test_a_commit_that_fails_keeps_no_write_of_its_group(tmp_path: Path) -> None:
    """When the group's commit fails (here a deferred foreign key), no write of the group is
    kept and every caller gets a StoreError naming what it was doing."""
    database = _Database(tmp_path / "scratch.db")
    queue = WriteQueue(database.path, database.connection, timeout=5)
    writes: list[Callable[[], object]] = [
        lambda: queue.write("insert a good row", _insert(1)),
        lambda: queue.write("insert an orphan", _insert(2, parent=99)),
        lambda: queue.write("insert another good row", _insert(3)),
    ]
    outcomes = _queued_behind_a_held_turn(database.path, writes)
    assert all(isinstance(outcome, StoreError) for outcome in outcomes)
    for outcome, action in zip(
        outcomes, ["a good row", "an orphan", "another good row"], strict=True
    ):
        assert f"could not insert {action} in" in str(outcome)
        assert "FOREIGN KEY constraint failed" in str(outcome)
    assert database.rows() == []


def test_a_write_that_waits_past_its_timeout_is_never_made(tmp_path: Path) -> None:
    """A write that does not get the turn in time fails with a StoreError and is taken off the
    queue: the writer that comes next does not make it."""
    database = _Database(tmp_path / "scratch.db")
    queue = WriteQueue(database.path, database.connection, timeout=0.2)
    with (
        writer_turn(database.path, timeout=5),
        pytest.raises(StoreError, match=r"another writer kept it for 0\.2 s"),
    ):
        queue.write("insert", _insert(1))
    assert queue.write("insert", _insert(2)) == 1
    assert database.rows() == [2]


def test_a_group_is_at_most_its_size(tmp_path: Path) -> None:
    """More writes queue than one transaction makes: they are committed in several groups,
    each at most MOST_PER_COMMIT writes, and all are made."""
    database = _Database(tmp_path / "scratch.db")
    queue = WriteQueue(database.path, database.connection, timeout=10)
    count = MOST_PER_COMMIT + 8
    outcomes = _queued_behind_a_held_turn(
        database.path, [partial(queue.write, "insert", _insert(n)) for n in range(count)]
    )
    assert outcomes == [1] * count
    assert database.rows() == list(range(count))
    assert 2 <= database.begun < count


def test_the_store_keeps_each_outcome_when_its_writes_are_grouped(tmp_path: Path) -> None:
    """Concurrent writes through the store — a quota counted by many threads, a stale update
    and a duplicate add among them — each get their own answer, as if made one by one."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        record = make_record()
        store.add_meeting_record(record)
        stale = attrs.evolve(record, version=record.version + 1)
        expires = T0.replace(year=T0.year + 1)
        writes: list[Callable[[], object]] = [
            *[partial(store.take_quota, "q", limit=100, expires_at=expires)] * 8,
            lambda: store.update_meeting_record(stale, expected_version=record.version + 5),
            lambda: store.add_meeting_record(record),
        ]
        outcomes = _queued_behind_a_held_turn(store.path, writes)
        assert sorted(outcome for outcome in outcomes[:8] if isinstance(outcome, int)) == list(
            range(1, 9)
        )
        assert isinstance(outcomes[8], StaleRecordError)
        assert isinstance(outcomes[9], DuplicateRecordError)
        assert store.quota_used("q") == 8
        assert store.get_meeting_record(record.id) == record
