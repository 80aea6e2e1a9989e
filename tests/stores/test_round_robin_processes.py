"""Round-robin assignment is atomic across processes: web workers booking at the same moment,
each with its own store object on one SQLite file or PostgreSQL database, never give two
simultaneous bookings to one host while another is free."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.stores import _round_robin_worker as worker
from tests.stores._spawn import SPAWN, StoreSpec, fleet, started, store_spec

WORKERS = 2
ROUNDS = 3


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """A store every worker opens for itself: one SQLite file, or one PostgreSQL database."""
    return store_spec(request, tmp_path)


def test_simultaneous_round_robin_bookings_go_to_different_hosts(
    spec: StoreSpec, tmp_path: Path
) -> None:
    """Two workers booking round robin in lockstep over a pool of two free hosts: every
    round's two bookings go to the two different hosts."""
    user_ids = [host.user_id for host in worker.POOL if host.user_id is not None]
    with fleet(spec, user_ids) as shared:
        start = SPAWN.Barrier(WORKERS)
        outputs = [tmp_path / f"chosen{n}.json" for n in range(WORKERS)]
        first = shared.now + timedelta(days=3)
        with started(
            worker.book_rounds,
            *[
                (spec, shared.keys, shared.url, n, WORKERS, ROUNDS, first, start, outputs[n])
                for n in range(WORKERS)
            ],
        ):
            pass
    chosen = [json.loads(path.read_text(encoding="utf-8")) for path in outputs]
    rounds = [sorted(picks) for picks in zip(*chosen, strict=True)]
    assert rounds == [["ann", "bob"]] * ROUNDS
