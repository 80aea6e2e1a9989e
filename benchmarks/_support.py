"""What several benchmarks share: the fake Zoom's user-managed app, and a PostgreSQL server.

Not a benchmark itself (the leading underscore keeps it out of the quick-mode test).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

from zoomlink import ZoomApp

ROOT = Path(__file__).resolve().parent.parent
APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[str | None]:
    """A PostgreSQL DSN: ``ZOOMLINK_TEST_POSTGRES_DSN`` when set, else a throwaway server
    started by ``scripts/postgres_server.py`` under ``folder``; None when none can be had."""
    dsn = os.environ.get("ZOOMLINK_TEST_POSTGRES_DSN")
    if dsn:
        yield dsn
        return
    spec = importlib.util.spec_from_file_location(
        "zoomlink_bench_postgres", ROOT / "scripts" / "postgres_server.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        bin_dir = module.install_binaries()
    except RuntimeError as exc:
        print(f"(PostgreSQL left out: {exc})")
        yield None
        return
    with module.PostgresServer(folder / "postgres", bin_dir=bin_dir) as server:
        yield server.dsn
