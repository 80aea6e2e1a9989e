"""What the SQLite stores promise beyond the contract: clear configuration errors, a private
file with a versioned schema, and safety across fork, pickling and cancellation."""

from __future__ import annotations

import asyncio
import os
import pickle
import sqlite3
import stat
import time
import warnings
from functools import partial
from pathlib import Path

import attrs
import pytest

from zoomlink import ConfigurationError, StaleRecordError, StoreError
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore
from zoomlink.stores._sqlite import SCHEMA_VERSION
from zoomlink.stores._sqlite_writer import writer_turn
from zoomlink.testing.contracts._concurrent import gather_threads
from zoomlink.testing.contracts._sync.token_store import (
    T0,
    make_attempt,
    make_grant,
    make_record,
)


def _lock_files(path: str) -> list[str]:
    """The lock files beside the database at ``path``."""
    folder = Path(f"{path}-locks")
    return sorted(entry.name for entry in folder.iterdir()) if folder.exists() else []


def test_missing_directory_is_a_configuration_error(tmp_path: Path) -> None:
    """A database path in a directory that does not exist is refused at construction."""
    with pytest.raises(ConfigurationError, match="does not exist"):
        SQLiteTokenStore(tmp_path / "missing" / "tokens.db")


@pytest.mark.parametrize("path", [":memory:", "file:tokens.db?mode=memory"])
def test_in_memory_databases_are_refused(path: str) -> None:
    """An in-memory SQLite database (one per connection) is refused with a pointer."""
    with pytest.raises(ConfigurationError, match="MemoryTokenStore"):
        SQLiteTokenStore(path)


def test_a_directory_is_not_a_database_path(tmp_path: Path) -> None:
    """A path that names a directory is refused."""
    with pytest.raises(ConfigurationError, match="is a directory"):
        AsyncSQLiteTokenStore(tmp_path)


def test_repr_shows_the_path(tmp_path: Path) -> None:
    """The repr names the class and the absolute database path."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    assert repr(store) == f"SQLiteTokenStore(path={str(tmp_path / 'tokens.db')!r})"
    assert type(store).__module__ == "zoomlink.stores"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_database_file_is_private(tmp_path: Path) -> None:
    """The file is created readable and writable by its owner only."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        store.add_grant(make_grant())
    assert stat.S_IMODE((tmp_path / "tokens.db").stat().st_mode) == 0o600


def test_schema_version_is_recorded_and_a_newer_one_refused(tmp_path: Path) -> None:
    """The tables' version is recorded; a file written by a newer zoomlink is refused."""
    path = tmp_path / "tokens.db"
    with SQLiteTokenStore(path) as store:
        store.add_grant(make_grant())
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM zoomlink_schema").fetchall() == [(SCHEMA_VERSION,)]
        db.execute("UPDATE zoomlink_schema SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    with SQLiteTokenStore(path) as store, pytest.raises(ConfigurationError, match="newer"):
        store.get_grant("app:zu1")


def test_a_file_without_the_newer_tables_gains_them(tmp_path: Path) -> None:
    """A file written before meeting records, preferences and quotas gets their tables on
    first use and keeps what it held."""
    path = tmp_path / "tokens.db"
    with SQLiteTokenStore(path) as store:
        store.add_grant(make_grant())
    with sqlite3.connect(path) as db:
        for table in ("zoomlink_meetings", "zoomlink_preferences", "zoomlink_quotas"):
            db.execute(f"DROP TABLE {table}")
    db.close()
    with SQLiteTokenStore(path) as store:
        store.add_meeting_record(make_record())
        store.set_preference("t1", "u1", "conferencing", "zoom")
        assert store.take_quota("q:zu1", limit=1, expires_at=T0) == 1
        assert store.get_meeting_record("t1:b1") == make_record()
        assert store.get_grant("app:zu1") == make_grant()


def test_journal_is_wal(tmp_path: Path) -> None:
    """The database runs in WAL mode, so readers and the writer do not block each other."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        store.add_grant(make_grant())
        with sqlite3.connect(store.path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        db.close()


def test_a_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    """SQLite's own failures reach the caller as StoreError, naming the file."""
    path = tmp_path / "tokens.db"
    path.write_bytes(b"not a database, " * 100)
    with SQLiteTokenStore(path) as store, pytest.raises(StoreError, match=r"tokens\.db"):
        store.get_grant("app:zu1")


def test_use_after_close_raises_store_error(tmp_path: Path) -> None:
    """A closed store refuses further work."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    store.add_grant(make_grant())
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get_grant("app:zu1")


def test_sync_and_async_stores_share_one_file(tmp_path: Path) -> None:
    """What the sync store writes, the async store reads, and the other way round."""
    path = tmp_path / "tokens.db"

    async def read_and_write() -> None:
        async with AsyncSQLiteTokenStore(path) as store:
            assert await store.get_grant("app:zu1") == make_grant()
            await store.add_attempt(make_attempt())

    with SQLiteTokenStore(path) as store:
        store.add_grant(make_grant())
        asyncio.run(read_and_write())
        assert store.take_attempt("a1") == make_attempt()


def test_a_pickled_store_is_its_path(tmp_path: Path) -> None:
    """A store travels to a spawned process as its path and opens the same file there."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        store.add_grant(make_grant())
        with pickle.loads(pickle.dumps(store)) as copy:
            assert repr(copy) == repr(store)
            assert copy.get_grant("app:zu1") == make_grant()
    copied = pickle.loads(pickle.dumps(AsyncSQLiteTokenStore(store.path)))
    assert isinstance(copied, AsyncSQLiteTokenStore)
    assert copied.path == store.path


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_uses_connections_of_its_own(tmp_path: Path) -> None:
    """After fork, the child works through the inherited store object on new connections, and
    the parent's store keeps working."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        store.add_attempt(make_attempt())  # the parent now has an open connection
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process with threads; this child runs no
            # code of theirs.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                code = 0 if store.take_attempt("a1") == make_attempt() else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert store.take_attempt("a1") is None
        store.add_grant(make_grant())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_takes_write_turns_with_its_parent(tmp_path: Path) -> None:
    """A child forked after its parent wrote does not share the parent's write turn: while the
    child writes, the parent waits (and gives up after its timeout with a StoreError)."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        store.add_attempt(make_attempt())  # the parent has taken a write turn
        child_writing, parent_done = os.pipe(), os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # as in the test above
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                with writer_turn(store.path, timeout=5):
                    os.write(child_writing[1], b"w")
                    os.read(parent_done[0], 1)
                code = 0
            finally:
                os._exit(code)
        try:
            assert os.read(child_writing[0], 1) == b"w"
            with (
                pytest.raises(StoreError, match="another writer"),
                writer_turn(store.path, timeout=0.3),
            ):
                pass  # pragma: no cover - the child has the turn
        finally:
            os.write(parent_done[1], b"d")
            _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        store.add_grant(make_grant())


def test_a_released_lock_leaves_no_lock_file_behind(tmp_path: Path) -> None:
    """A held lock is one private file beside the database, named without the lock's name;
    leaving the block removes it."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        with store.lock("grant:app:zu1", timeout=1):
            [name] = _lock_files(store.path)
            assert "zu1" not in name
            folder = Path(f"{store.path}-locks")
            assert folder.stat().st_mode & 0o777 == 0o700
            assert (folder / name).stat().st_mode & 0o777 == 0o600
        assert _lock_files(store.path) == []


def test_a_lock_is_exclusive_between_threads_of_one_process(tmp_path: Path) -> None:
    """Two threads of one process never hold the same lock at once (each opens its own file)."""
    with SQLiteTokenStore(tmp_path / "tokens.db") as store:
        inside: list[int] = []
        overlaps: list[int] = []

        def hold(_: int) -> None:
            with store.lock("host:h1", timeout=10):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(1)
                time.sleep(0.005)
                inside.pop()

        gather_threads(partial(hold, n) for n in range(8))
        assert overlaps == []


def test_lock_errors_are_store_errors(tmp_path: Path) -> None:
    """A lock folder that cannot be written, or a closed store, gives a StoreError naming the
    lock, not an OSError."""
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    Path(f"{store.path}-locks").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="host:h1"), store.lock("host:h1", timeout=1):
        pass  # pragma: no cover - refused
    store.close()
    with pytest.raises(StoreError, match="closed"), store.lock("host:h1", timeout=1):
        pass  # pragma: no cover - refused


@pytest.mark.asyncio
async def test_a_cancelled_lock_wait_leaves_the_lock_free(tmp_path: Path) -> None:
    """A task cancelled while waiting for a lock does not end up holding it."""
    async with AsyncSQLiteTokenStore(tmp_path / "tokens.db") as store:
        holding = store.lock("busy", timeout=1)
        await holding.__aenter__()

        async def wait_for_it() -> None:
            async with store.lock("busy", timeout=10):
                pass  # pragma: no cover - cancelled before the lock frees

        waiter = asyncio.create_task(wait_for_it())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await holding.__aexit__(None, None, None)
        async with store.lock("busy", timeout=0.5):
            pass
        await asyncio.sleep(0)
        assert _lock_files(store.path) == []


def test_many_threads_and_two_stores_keep_compare_and_swap(tmp_path: Path) -> None:
    """A burst of version-checked updates from threads on two stores applies each version
    once."""
    with SQLiteTokenStore(tmp_path / "t.db") as one, SQLiteTokenStore(one.path) as two:
        one.add_grant(make_grant())

        def bump(index: int) -> int:
            store = one if index % 2 else two
            wins = 0
            for _ in range(20):
                current = store.get_grant("app:zu1")
                assert current is not None
                try:
                    store.update_grant(
                        attrs.evolve(current, version=current.version + 1),
                        expected_version=current.version,
                    )
                except StaleRecordError:
                    continue
                wins += 1
            return wins

        wins = gather_threads(partial(bump, index) for index in range(8))
        final = one.get_grant("app:zu1")
        assert final is not None
        assert final.version == 1 + sum(wins)
