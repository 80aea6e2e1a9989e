"""What the PostgreSQL stores promise beyond the contract: clear configuration errors, no
password in reprs, typed store errors, and locks that survive broken connections, exhausted
pools and cancelled waits."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.postgres import lock_holders
from zoomlink import ConfigurationError, LockTimeoutError, StoreError
from zoomlink._core._limits import (
    STRETCH_DECAY,
    STRETCH_MOST,
    STRETCH_STEP,
    PaceState,
    next_slot,
)
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
            [pid] = lock_holders(postgres_dsn, table_prefix, "grant:app:zu1")
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
        assert lock_holders(postgres_dsn, table_prefix, "busy") == []


def test_one_owners_nested_locks_share_one_session(postgres_dsn: str, table_prefix: str) -> None:
    """A thread holding a booking lock and several host locks uses one lock connection, so
    nested locks never wait for a connection, and its work still gets one of its own."""
    with (
        PostgresTokenStore(postgres_dsn, table_prefix=table_prefix, max_size=2) as store,
        store.lock("booking:b1", timeout=1),
        store.lock("host:h1", timeout=1),
        store.lock("host:h2", timeout=1),
        store.lock("host:h3", timeout=1),
    ):
        assert store.get_grant("none") is None  # its work still gets a connection
        [backend] = lock_holders(postgres_dsn, table_prefix, "booking:b1")
        assert lock_holders(postgres_dsn, table_prefix, "host:h3") == [backend]
    assert lock_holders(postgres_dsn, table_prefix, "host:h3") == []


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
        assert len(lock_holders(postgres_dsn, table_prefix, "busy")) == 1
    assert lock_holders(postgres_dsn, table_prefix, "busy") == []


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


# -- the send slot, taken by the server ----------------------------------------------------

_times = st.floats(min_value=1_000.0, max_value=1_010.0, allow_nan=False)
_states = st.builds(
    PaceState,
    slots=st.lists(_times, max_size=6).map(lambda slots: tuple(sorted(slots))),
    not_before=st.one_of(st.just(0.0), _times),
    stretch=st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=STRETCH_MOST)),
    stretched_at=st.one_of(st.just(0.0), _times),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    state=_states,
    now=_times,
    rate=st.integers(min_value=1, max_value=4),
    window=st.sampled_from([0.5, 1.0, 1.05, 2.0]),
    pause=st.sampled_from([0.0, 0.0, 0.5, 2.0]),
)
def test_the_servers_send_slot_is_next_slot(
    store: PostgresTokenStore,
    postgres_dsn: str,
    table_prefix: str,
    state: PaceState,
    now: float,
    rate: int,
    window: float,
    pause: float,
) -> None:
    """The PL/pgSQL function that takes a send slot in one statement answers as
    ``zoomlink._core._limits.next_slot`` does, for any kept state and moment: the same wait,
    and the same state kept."""
    store.find_grants()  # the tables and the function are made on first use
    state = PaceState.parse(state.text())  # as a store keeps it
    expected_state, expected_wait = next_slot(state, now, rate=rate, window=window, pause=pause)
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        paces, take_slot = f"{table_prefix}paces", f"{table_prefix}take_slot"
        conn.execute(
            f'INSERT INTO "{paces}" (name, state) VALUES (%s, %s)'
            " ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state",
            ["pace:p", state.text()],
        )
        row = conn.execute(
            f'SELECT "{take_slot}"(%s, %s, %s, %s, %s, %s, %s, %s)',
            ["pace:p", rate, window, pause, STRETCH_STEP, STRETCH_MOST, STRETCH_DECAY, now],
        ).fetchone()
        kept = conn.execute(f'SELECT state FROM "{paces}" WHERE name = %s', ["pace:p"]).fetchone()
    assert row is not None
    assert kept is not None
    assert row[0] == pytest.approx(expected_wait, abs=1e-9)
    got = PaceState.parse(kept[0])
    assert got.slots == pytest.approx(expected_state.slots, abs=1e-9)
    assert (got.not_before, got.stretch, got.stretched_at) == pytest.approx(
        (expected_state.not_before, expected_state.stretch, expected_state.stretched_at),
        abs=1e-9,
    )


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"a": 1}', "[null, []]"])
def test_a_send_slot_over_unreadable_state_starts_afresh(
    store: PostgresTokenStore, postgres_dsn: str, table_prefix: str, text: str
) -> None:
    """State the server's function cannot read (empty, damaged) is a new pace, as
    ``PaceState.parse`` has it: the slot is free at once."""
    store.find_grants()
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(
            f'INSERT INTO "{table_prefix}paces" (name, state) VALUES (%s, %s)', ["pace:q", text]
        )
    assert -1.0 < store.pace("pace:q", rate=1, window=1.0) <= 0.0
