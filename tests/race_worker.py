"""A worker process for the refresh race test: many threads sharing one connection.

Spawned by tests/test_refresh_race.py; each round it waits for the parent to move the fake
Zoom's clock past the token's expiry, then lets all its callers use the connection at once.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier
from typing import Any

from tests.conftest import USER_APP
from zoomlink import Endpoints, Keyring, TokenStore, ZoomLink
from zoomlink.testing import FakeClock

HOUR = timedelta(hours=1)
WAIT = 120.0  # seconds: generous, so a slow CI machine fails by assertion, not by hanging


def open_store(kind: str, where: str, prefix: str) -> TokenStore:
    """The store the parent set up, opened again in this process."""
    if kind == "sqlite":
        from zoomlink.stores import SQLiteTokenStore

        return SQLiteTokenStore(where)
    from zoomlink.stores.postgres import PostgresTokenStore

    return PostgresTokenStore(where, table_prefix=prefix)


def work(
    kind: str,
    where: str,
    prefix: str,
    keys: str,
    base_url: str,
    connection_id: str,
    start: str,
    rounds: int,
    callers: int,
    barrier: Barrier,
    results: Any,
) -> None:
    """Run ``rounds`` rounds of ``callers`` concurrent calls; report failures to ``results``."""
    clock = FakeClock(datetime.fromisoformat(start))
    store = open_store(kind, where, prefix)
    link = ZoomLink(
        USER_APP,
        store=store,
        keyring=Keyring.from_string(keys),
        endpoints=Endpoints.single(base_url),
        clock=clock,
    )
    failures: list[str] = []
    guard = threading.Lock()

    def call(start_line: threading.Barrier) -> None:
        start_line.wait(timeout=WAIT)
        try:
            link.with_token(connection_id, lambda token: link.api.get_user(token))
        except Exception as exc:  # every failure is reported, none may happen
            with guard:
                failures.append(repr(exc))

    try:
        for index in range(rounds):
            barrier.wait(timeout=WAIT)  # the parent has expired the token
            clock.set(datetime.fromisoformat(start) + (index + 1) * HOUR)
            start_line = threading.Barrier(callers)
            threads = [threading.Thread(target=call, args=(start_line,)) for _ in range(callers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=WAIT)
            barrier.wait(timeout=WAIT)  # the round is over
    finally:
        link.close()
        store.close()
        results.put(failures)
