"""The refresh race, for real: several processes of many threads share one connection across
several expiries; exactly one refresh reaches Zoom per expiry and no caller fails (SPEC S1.7),
and no token is ever stored in clear (S1.9)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import attrs
import pytest

from tests.conftest import USER_APP, unique_prefix
from tests.race_worker import HOUR, WAIT, open_store, work
from zoomlink import Endpoints, Keyring, TokenStore, ZoomLink
from zoomlink.testing import FakeZoom

PROCESSES = 4
CALLERS = 16
ROUNDS = 3
KEYS = f"k1:{Keyring.generate_key()}"


@attrs.frozen
class StoreSpec:
    """How to open one store in several processes."""

    kind: str
    where: str
    prefix: str


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreSpec]:
    """A SQLite file, or a PostgreSQL database, shared by the processes of one test."""
    if request.param == "sqlite":
        yield StoreSpec("sqlite", str(tmp_path / "zoomlink.sqlite3"), "")
    else:
        yield StoreSpec("postgres", request.getfixturevalue("postgres_dsn"), unique_prefix())


def stored_text(spec: StoreSpec, store: TokenStore) -> str:
    """Everything the store holds, as raw text from the database itself."""
    if spec.kind == "sqlite":
        data = b""
        for path in Path(spec.where).parent.glob(Path(spec.where).name + "*"):
            if path.is_file():  # the database, its WAL and shared memory (not the lock folder)
                data += path.read_bytes()
        with closing(sqlite3.connect(spec.where)) as db:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            tables = [row[0] for row in db.execute(query)]
            rows = [repr(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
        assert tables
        return data.decode("latin-1") + "\n".join(rows)
    import psycopg

    with psycopg.connect(spec.where) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE %s", (spec.prefix + "%",)
            )
        ]
        assert tables
        return "\n".join(repr(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables)


def test_one_refresh_per_expiry_across_processes(fake: FakeZoom, spec: StoreSpec) -> None:
    """4 processes x 16 threads share a connection over 3 expiries: the fake sees exactly one
    refresh per expiry, every call succeeds, and no issued token is stored in clear."""
    # 64 callers in one instant exceed Zoom's per-second limit; this test is about refresh.
    fake.configure(per_second_limits=False)
    store = open_store(spec.kind, spec.where, spec.prefix)
    with fake.serve() as server:
        link = ZoomLink(
            USER_APP,
            store=store,
            keyring=Keyring.from_string(KEYS),
            endpoints=Endpoints.single(server.url),
            clock=fake,
        )
        url = link.personal_connect_url("alice")
        connection = link.complete_connect(fake.approve(url, "u_member"))
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(PROCESSES + 1)
        results = context.Queue()
        start = fake.now().isoformat()
        workers = [
            context.Process(
                target=work,
                args=(
                    spec.kind,
                    spec.where,
                    spec.prefix,
                    KEYS,
                    server.url,
                    connection.id,
                    start,
                    ROUNDS,
                    CALLERS,
                    barrier,
                    results,
                ),
            )
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        try:
            for index in range(ROUNDS):
                fake.advance(HOUR)
                barrier.wait(timeout=WAIT)  # go
                barrier.wait(timeout=WAIT)  # done
                refreshes = fake.calls("oauth.token", grant_type="refresh_token")
                assert len(refreshes) == index + 1, f"round {index}: {len(refreshes)} refreshes"
            failures = [results.get(timeout=WAIT) for _ in workers]
        finally:
            for worker in workers:
                worker.join(timeout=WAIT)
                if worker.is_alive():
                    worker.kill()
        link.close()
    assert failures == [[]] * PROCESSES
    assert [entry.status for entry in fake.calls("oauth.token", grant_type="refresh_token")] == [
        200
    ] * ROUNDS
    assert len(fake.calls("users.get", status=200)) == PROCESSES * CALLERS * ROUNDS + 1
    assert fake.calls("users.get", status=401) == []
    text = stored_text(spec, store)
    store.close()
    issued = fake.issued_tokens()
    assert len(issued) == 2 * (ROUNDS + 1)
    assert [token for token in issued if token in text] == []
