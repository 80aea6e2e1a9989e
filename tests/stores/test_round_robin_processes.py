"""Round-robin assignment is atomic across processes: web workers booking at the same moment,
each with its own store object on one SQLite file or PostgreSQL database, never give two
simultaneous bookings to one host while another is free."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import USER_APP
from tests.stores import _round_robin_worker as worker
from tests.stores._spawn import SPAWN, StoreSpec, open_store, started, store_spec
from zoomlink import Endpoints, Keyring, ZoomLink
from zoomlink.testing import FakeClock, FakeZoom

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
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    fake = FakeZoom(clock=FakeClock(now, frozen=False))
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=False)
    for host in worker.POOL:
        email = f"{host.user_id}@example.com"
        fake.add_user(email, account_id="acct_demo", role="member", user_id=f"u_{host.user_id}")
    keys = f"k1:{Keyring.generate_key()}"
    with (
        fake.serve() as server,
        open_store(spec) as store,
        ZoomLink(
            USER_APP,
            store=store,
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(server.url),
            zoom_plan=None,
        ) as link,
    ):
        for host in worker.POOL:
            assert host.user_id is not None
            url = link.personal_connect_url(host.user_id)
            link.complete_connect(fake.approve(url, f"u_{host.user_id}"), user_id=host.user_id)
        start = SPAWN.Barrier(WORKERS)
        outputs = [tmp_path / f"chosen{n}.json" for n in range(WORKERS)]
        first = now + timedelta(days=3)
        with started(
            worker.book_rounds,
            *[
                (spec, keys, server.url, n, WORKERS, ROUNDS, first, start, outputs[n])
                for n in range(WORKERS)
            ],
        ):
            pass
    chosen = [json.loads(path.read_text(encoding="utf-8")) for path in outputs]
    rounds = [sorted(picks) for picks in zip(*chosen, strict=True)]
    assert rounds == [["ann", "bob"]] * ROUNDS
