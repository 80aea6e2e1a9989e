"""Spawned processes for the multi-process store tests: the store they share, started
together, joined, and killed if they outlive the test; and the fake Zoom and connected hosts
they work with."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.conftest import USER_APP, WEBHOOK_SECRET, unique_prefix
from zoomlink import Endpoints, Keyring, ZoomLink
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing import FakeClock, FakeZoom

SPAWN = multiprocessing.get_context("spawn")


@contextmanager
def started(
    target: Callable[..., None], *args_list: tuple[Any, ...], timeout: float = 120
) -> Iterator[None]:
    """Start one process of ``target`` per argument tuple; on leaving the block, wait for each
    (up to ``timeout`` seconds) and fail unless all ended with exit code 0."""
    processes = [SPAWN.Process(target=target, args=args, daemon=True) for args in args_list]
    try:
        for process in processes:
            process.start()
        yield
        for process in processes:
            process.join(timeout=timeout)
            assert process.exitcode == 0, f"{process.name} ended with {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()


StoreSpec = tuple[str, ...]
"""A store as a spawned process rebuilds it: ("sqlite", path) or ("postgres", dsn, prefix)."""


def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """The store a parametrized test (``sqlite`` or ``postgres``) shares with its processes:
    one SQLite file, or tables of its own in the suite's PostgreSQL database."""
    if request.param == "sqlite":
        return ("sqlite", str(tmp_path / "zoomlink.db"))
    return ("postgres", request.getfixturevalue("postgres_dsn"), unique_prefix())


def open_store(spec: StoreSpec) -> SQLiteTokenStore | PostgresTokenStore:
    """The store ``spec`` names, opened in this process."""
    if spec[0] == "sqlite":
        return SQLiteTokenStore(spec[1])
    return PostgresTokenStore(spec[1], table_prefix=spec[2], min_size=0, max_size=4)


@attrs.frozen
class Fleet:
    """What a multi-process test shares with its workers: the socket fake Zoom, the keyring
    they all use, and the test's own link on the shared store (hosts connected)."""

    fake: FakeZoom
    url: str
    keys: str
    link: ZoomLink
    now: datetime


@contextmanager
def worker_link(spec: StoreSpec, keys: str, url: str, **options: Any) -> Iterator[ZoomLink]:
    """The ZoomLink a worker process uses: its own store object on the shared store, the
    shared keyring, the socket fake at ``url``; ``options`` go to ZoomLink."""
    with (
        open_store(spec) as store,
        ZoomLink(
            USER_APP,
            store=store,
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(url),
            **options,
        ) as link,
    ):
        yield link


@contextmanager
def fleet(
    spec: StoreSpec, user_ids: Iterable[str], *, per_second_limits: bool = False
) -> Iterator[Fleet]:
    """A socket fake Zoom on a clock that runs with real time (webhooks kept in
    ``fake.webhook_deliveries``), and a link on the shared store with each of ``user_ids``
    connected as Zoom user ``u_<id>`` of the Pro account ``acct_demo``."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    fake = FakeZoom(
        clock=FakeClock(now, frozen=False),
        webhook_secret=WEBHOOK_SECRET,
        webhook_callback=lambda headers, body: None,  # kept in fake.webhook_deliveries
    )
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=per_second_limits)
    keys = f"k1:{Keyring.generate_key()}"
    with fake.serve() as server, worker_link(spec, keys, server.url, zoom_plan=None) as link:
        shared = Fleet(fake, server.url, keys, link, now)
        for user_id in user_ids:
            fake.add_user(f"{user_id}@example.com", account_id="acct_demo", user_id=f"u_{user_id}")
            connect(shared, user_id)
        yield shared


def connect(shared: Fleet, user_id: str) -> None:
    """The app user connects Zoom (again), clicking through the fake's consent."""
    url = shared.link.personal_connect_url(user_id)
    shared.link.complete_connect(shared.fake.approve(url, f"u_{user_id}"), user_id=user_id)
