"""A real PostgreSQL server for the tests: the DSN of one, as a context manager for a fixture.

``ZOOMLINK_TEST_POSTGRES_DSN`` names an existing server to use instead; otherwise the project's
``scripts/postgres_server.py`` installs the binaries if they are missing and starts a throwaway
server on 127.0.0.1. Failing to get a server raises: a suite that needs PostgreSQL must not turn
green by skipping the tests that use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Protocol

from tests.scripts import load_script

__all__ = ["DSN_ENV_VAR", "lock_holders", "running_postgres"]

DSN_ENV_VAR = "ZOOMLINK_TEST_POSTGRES_DSN"


class _Server(Protocol):
    """What the tests use of scripts/postgres_server.py's PostgresServer."""

    @property
    def dsn(self) -> str: ...


def _server_module() -> ModuleType:
    """scripts/postgres_server.py."""
    return load_script("postgres_server")


@contextmanager
def running_postgres(base_dir: Path) -> Iterator[str]:
    """Yield the DSN of a PostgreSQL server for the tests; stop the server on exit if started.

    With ``ZOOMLINK_TEST_POSTGRES_DSN`` set (and not empty), its value is yielded as is and
    nothing is started. Otherwise the binaries are found, or installed (Debian, as root), and a
    fresh server is started with its files under ``base_dir``; the DSN looks like
    ``postgresql://postgres@127.0.0.1:PORT/zoomlink_test``. Raises RuntimeError when no server
    can be had.
    """
    dsn = os.environ.get(DSN_ENV_VAR)
    if dsn:
        yield dsn
        return
    module = _server_module()
    # The module's own types are invisible to mypy here; these annotations restate them.
    install_binaries: Callable[[], Path] = module.install_binaries
    server_class: Callable[..., AbstractContextManager[_Server]] = module.PostgresServer
    bin_dir = install_binaries()
    with server_class(base_dir, bin_dir=bin_dir) as server:
        yield server.dsn


def lock_holders(dsn: str, prefix: str, name: str) -> list[int]:
    """The server processes holding the store lock ``name`` of tables ``prefix``."""
    import psycopg  # only the PostgreSQL tests call this

    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(%s, 0)",
            [f"{prefix}lock:{name}"],
        ).fetchall()
    return [pid for (pid,) in rows]
