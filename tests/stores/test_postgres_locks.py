"""The PostgreSQL store's locks in one process: every lock on one session, however many are
held; holders of one name take turns; cancelled waits never lose or leak a lock."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest

from tests.postgres import lock_holders
from zoomlink import LockTimeoutError
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore

HELD_AT_ONCE = 30


@pytest.mark.asyncio
async def test_a_process_holds_any_number_of_locks_on_one_session(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Thirty tasks hold thirty locks at once on a store whose pools have two connections:
    the locks all sit on one session, so bookings in flight are not capped by the pool."""
    store = AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix, max_size=2)
    holding = 0
    everyone = asyncio.Event()
    backends: set[int] = set()

    async def hold(index: int) -> None:
        nonlocal holding
        async with store.lock(f"booking:{index}", timeout=5):
            await store.get_grant("no-such-grant")  # its work still gets a connection
            holding += 1
            if holding == HELD_AT_ONCE:
                everyone.set()
            await asyncio.wait_for(everyone.wait(), timeout=10)
            backends.update(lock_holders(postgres_dsn, table_prefix, f"booking:{index}"))

    try:
        await asyncio.gather(*(hold(index) for index in range(HELD_AT_ONCE)))
    finally:
        await store.aclose()
    assert len(backends) == 1
    assert lock_holders(postgres_dsn, table_prefix, "booking:0") == []


def test_threads_of_one_process_take_turns_on_a_name(postgres_dsn: str, table_prefix: str) -> None:
    """Two threads of one store never hold one lock together, though the session they share
    would grant PostgreSQL's lock to both; the second gets it once the first lets go."""
    events: list[str] = []
    inside = threading.Event()
    with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:

        def first() -> None:
            with store.lock("host:h1", timeout=5):
                events.append("first in")
                inside.set()
                time.sleep(0.2)
                events.append("first out")

        thread = threading.Thread(target=first)
        thread.start()
        inside.wait(timeout=5)
        with pytest.raises(LockTimeoutError), store.lock("host:h1", timeout=0.05):
            pass  # pragma: no cover - refused while the first thread holds it
        with store.lock("host:h1", timeout=5):
            events.append("second in")
        thread.join(timeout=5)
    assert events == ["first in", "first out", "second in"]


@pytest.mark.asyncio
async def test_cancelled_lock_waits_never_drop_or_leak_a_lock(
    postgres_dsn: str, table_prefix: str
) -> None:
    """Tasks cancelled at any moment of taking a lock (while its try runs at the server, too)
    neither end the locks other tasks of the process hold on the shared session, nor leave
    behind a lock that nobody holds."""
    store = AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix)
    other = AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix)
    chance = random.Random(7)

    async def take(name: str) -> None:
        async with store.lock(name, timeout=10):
            await asyncio.sleep(0.001)

    try:
        async with store.lock("keep", timeout=5), other.lock("busy", timeout=5):
            [backend] = lock_holders(postgres_dsn, table_prefix, "keep")
            for index in range(150):
                # Free locks (a try that succeeds) and one held elsewhere (tries that fail).
                name = "busy" if index % 3 == 0 else f"free:{index % 5}"
                task = asyncio.create_task(take(name))
                await asyncio.sleep(chance.uniform(0, 0.003))
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            await asyncio.sleep(0.2)  # the tries left to finish by themselves are done
            assert lock_holders(postgres_dsn, table_prefix, "keep") == [backend]
            for index in range(5):
                assert lock_holders(postgres_dsn, table_prefix, f"free:{index}") == []
        async with store.lock("busy", timeout=1):
            assert len(lock_holders(postgres_dsn, table_prefix, "busy")) == 1
        assert lock_holders(postgres_dsn, table_prefix, "busy") == []
    finally:
        await store.aclose()
        await other.aclose()
