"""What the PostgreSQL stores promise beyond the contract: clear configuration errors, no
password in reprs, typed store errors, and locks that survive broken connections, exhausted
pools and cancelled waits."""

from __future__ import annotations

import asyncio
import importlib
import sys
import threading
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
import pytest_asyncio

from zoomlink import ConfigurationError, LockTimeoutError, StoreError
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore
from zoomlink.testing.contracts._sync.token_store import make_grant


@pytest.fixture
def store(postgres_dsn: str, table_prefix: str) -> Iterator[PostgresTokenStore]:
    """A sync store on tables of its own."""
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
        yield store


@pytest_asyncio.fixture
async def async_store(
    postgres_dsn: str, table_prefix: str
) -> AsyncIterator[AsyncPostgresTokenStore]:
    """An async store on tables of its own (not yet opened)."""
    store = AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix)
    yield store
    await store.aclose()


def _lock_holders(dsn: str, prefix: str, name: str) -> list[int]:
    """The server processes holding the store lock ``name`` of tables ``prefix``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(%s, 0)",
            [f"{prefix}lock:{name}"],
        ).fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_size": 1}, "at least 2"),
        ({"min_size": 5, "max_size": 4}, "min_size"),
        ({"min_size": -1}, "min_size"),
        ({"table_prefix": "Zoomlink_"}, "table_prefix"),
        ({"table_prefix": "1st_"}, "table_prefix"),
        ({"table_prefix": "x" * 40}, "table_prefix"),
        ({"table_prefix": "a; DROP TABLE x; --"}, "table_prefix"),
    ],
)
def test_unusable_settings_are_configuration_errors(
    options: dict[str, object], message: str
) -> None:
    """Pool sizes and table prefixes that cannot work are refused at construction."""
    with pytest.raises(ConfigurationError, match=message):
        PostgresTokenStore("postgresql://localhost/app", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("conninfo", ["nosuchoption=1", "postgresql://app:s3cret-pw@[::1/db"])
def test_malformed_conninfo_is_a_configuration_error(conninfo: str) -> None:
    """A conninfo libpq cannot parse is refused at construction, without quoting it."""
    with pytest.raises(ConfigurationError, match="conninfo") as raised:
        AsyncPostgresTokenStore(conninfo)
    assert "s3cret" not in str(raised.value)


def test_repr_shows_where_but_never_the_password() -> None:
    """The repr names host, port and database, and leaves the password out."""
    sync = PostgresTokenStore("postgresql://app:s3cret-pw@db.example:5433/prod")
    other = AsyncPostgresTokenStore("host=db.example dbname=prod user=app password=s3cret-pw")
    assert repr(sync) == (
        "PostgresTokenStore(host='db.example', port='5433', dbname='prod', "
        "table_prefix='zoomlink_')"
    )
    assert repr(other) == (
        "AsyncPostgresTokenStore(host='db.example', dbname='prod', table_prefix='zoomlink_')"
    )
    assert repr(PostgresTokenStore("")) == "PostgresTokenStore(table_prefix='zoomlink_')"
    assert type(sync).__module__ == "zoomlink.stores.postgres"


def test_use_after_close_raises_store_error(store: PostgresTokenStore) -> None:
    """A closed store refuses further work, locks included."""
    store.add_grant(make_grant())
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get_grant("app:zu1")
    with pytest.raises(StoreError, match="closed"), store.lock("x", timeout=1):
        pass  # pragma: no cover - refused


def test_database_failures_are_store_errors(
    store: PostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """psycopg's errors reach the caller as StoreError, saying what could not be done."""
    store.add_grant(make_grant())
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {table_prefix}grants")
    with pytest.raises(StoreError, match="could not read a grant") as raised:
        store.get_grant("app:zu1")
    assert isinstance(raised.value.__cause__, psycopg.errors.UndefinedTable)


def test_a_lock_outlives_a_broken_holder_connection(
    store: PostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """If the holder's connection dies, leaving the block does not raise, the lock is free,
    and the pool replaces the connection."""
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as other:
        with store.lock("grant:app:zu1", timeout=1):
            [pid] = _lock_holders(postgres_dsn, table_prefix, "grant:app:zu1")
            with psycopg.connect(postgres_dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        with other.lock("grant:app:zu1", timeout=2):
            pass
        store.add_grant(make_grant())
        assert store.get_grant("app:zu1") == make_grant()


def test_a_zero_timeout_tries_once(
    store: PostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """timeout=0 takes a free lock and refuses a held one at once."""
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as other:
        with store.lock("busy", timeout=0):
            with pytest.raises(LockTimeoutError) as raised, other.lock("busy", timeout=0):
                pass  # pragma: no cover - refused
            assert (raised.value.name, raised.value.timeout) == ("busy", 0)
        assert _lock_holders(postgres_dsn, table_prefix, "busy") == []


def test_waiting_for_a_pooled_connection_counts_toward_the_timeout(
    postgres_dsn: str, table_prefix: str
) -> None:
    """With every lock connection held by other threads' locks, another thread's lock times
    out in time, and is granted once one is free."""
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix, max_size=2) as store:
        holding = threading.Barrier(3)
        release = threading.Event()

        def hold(name: str) -> None:
            with store.lock(name, timeout=5):
                holding.wait(timeout=10)
                release.wait(timeout=10)

        threads = [threading.Thread(target=hold, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        holding.wait(timeout=10)
        with (
            pytest.raises(LockTimeoutError, match="no pooled connection"),
            store.lock("three", timeout=0.2),
        ):
            pass  # pragma: no cover - refused
        release.set()
        for thread in threads:
            thread.join(timeout=10)
        with store.lock("three", timeout=1):
            pass


def test_one_owners_nested_locks_share_one_session(postgres_dsn: str, table_prefix: str) -> None:
    """A thread holding a booking lock and several host locks uses one lock connection, so
    nested locks never wait for a connection their own holder keeps."""
    with (
        PostgresTokenStore(postgres_dsn, table_prefix=table_prefix, max_size=2) as store,
        store.lock("booking:b1", timeout=1),
        store.lock("host:h1", timeout=1),
        store.lock("host:h2", timeout=1),
        store.lock("host:h3", timeout=1),
    ):
        assert store.get_grant("none") is None  # its work still gets a connection
        [backend] = _lock_holders(postgres_dsn, table_prefix, "booking:b1")
        assert _lock_holders(postgres_dsn, table_prefix, "host:h3") == [backend]
    assert _lock_holders(postgres_dsn, table_prefix, "host:h3") == []


def test_locks_are_namespaced_by_table_prefix(
    store: PostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """Two applications with different prefixes in one database do not block each other."""
    with (
        PostgresTokenStore(postgres_dsn, table_prefix=f"{table_prefix}other_") as other,
        store.lock("grant:app:zu1", timeout=1),
        other.lock("grant:app:zu1", timeout=1),
    ):
        pass


@pytest.mark.asyncio
async def test_concurrent_first_uses_open_the_store_once(
    async_store: AsyncPostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """Many coroutines using a new store at once all succeed, and the schema is recorded once."""
    results = await asyncio.gather(*(async_store.find_grants() for _ in range(10)))
    assert results == [[]] * 10
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        rows = conn.execute(f"SELECT version FROM {table_prefix}schema").fetchall()
    assert rows == [(1,)]


@pytest.mark.asyncio
async def test_a_cancelled_lock_wait_leaves_the_lock_free(
    async_store: AsyncPostgresTokenStore, postgres_dsn: str, table_prefix: str
) -> None:
    """A task cancelled while the server makes it wait for a lock does not end up holding it."""
    async with async_store.lock("busy", timeout=1):

        async def wait_for_it() -> None:
            async with async_store.lock("busy", timeout=10):
                pass  # pragma: no cover - cancelled before the lock frees

        waiter = asyncio.create_task(wait_for_it())
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    async with async_store.lock("busy", timeout=0.5):
        assert len(_lock_holders(postgres_dsn, table_prefix, "busy")) == 1
    assert _lock_holders(postgres_dsn, table_prefix, "busy") == []


def test_without_psycopg_the_module_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing zoomlink.stores.postgres without psycopg raises ConfigurationError with the
    pip command."""
    for name in list(sys.modules):
        if name.startswith(("psycopg", "zoomlink.stores.postgres")) or "._postgres" in name:
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ConfigurationError, match=r'pip install "zoomlink\[postgres\]"'):
        importlib.import_module("zoomlink.stores.postgres")


@pytest.mark.asyncio
async def test_lock_waiters_leave_the_holder_a_connection(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Many tasks queued on one lock, on a pool of three, never starve the holder of the
    connection it needs to do its work and let go."""
    store = AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix, max_size=3)
    finished: list[int] = []

    async def hold_and_work(index: int) -> None:
        async with store.lock("booking:one", timeout=20):
            await store.get_grant("no-such-grant")  # needs a second pooled connection
            finished.append(index)

    try:
        await asyncio.gather(*(hold_and_work(index) for index in range(8)))
    finally:
        await store.aclose()
    assert sorted(finished) == list(range(8))
