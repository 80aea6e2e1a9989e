"""Spawned processes for the multi-process store tests: the store they share, started
together, joined, and killed if they outlive the test."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import unique_prefix
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore

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
