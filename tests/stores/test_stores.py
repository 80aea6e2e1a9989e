"""Behaviour every shipped store shares beyond the contract: how ids sort, and how times and
text read back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from zoomlink import TokenStore
from zoomlink.stores import MemoryTokenStore, SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore
from zoomlink.testing.contracts._sync.token_store import make_attempt, make_grant, make_link

INDIA = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    """Each shipped sync store, fresh."""
    if request.param == "memory":
        yield MemoryTokenStore()
    elif request.param == "sqlite":
        with SQLiteTokenStore(tmp_path / "tokens.db") as sqlite_store:
            yield sqlite_store
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        prefix = request.getfixturevalue("table_prefix")
        with PostgresTokenStore(dsn, table_prefix=prefix) as postgres_store:
            yield postgres_store


@pytest.fixture(params=["sqlite", "postgres"])
def durable_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    """Each store that keeps records outside the process, fresh."""
    if request.param == "sqlite":
        with SQLiteTokenStore(tmp_path / "tokens.db") as sqlite_store:
            yield sqlite_store
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        prefix = request.getfixturevalue("table_prefix")
        with PostgresTokenStore(dsn, table_prefix=prefix) as postgres_store:
            yield postgres_store


def test_ids_sort_by_code_point(store: TokenStore) -> None:
    """find_grants orders ids as Python sorts strings, whatever the database's collation."""
    ids = ["b:zu1", "B:zu1", "_:zu1", "a:zu1", "é:zu1", "A:zu1", "a-b:zu1"]
    for grant_id in ids:
        store.add_grant(make_grant(grant_id))
    assert [grant.id for grant in store.find_grants()] == sorted(ids)


def test_links_created_at_the_same_moment_sort_by_id(store: TokenStore) -> None:
    """Links created at the same instant come back ordered by id."""
    for link_id in ["l2", "L1", "l1"]:
        store.put_link(make_link(link_id))
    assert [link.id for link in store.find_links()] == ["L1", "l1", "l2"]


def test_times_in_other_zones_read_back_equal_in_utc(durable_store: TokenStore) -> None:
    """Aware times in any zone, to the microsecond, read back as the same instants in UTC."""
    moment = datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=INDIA)
    grant = make_grant(created_at=moment, updated_at=moment, expires_at=moment)
    link = make_link(created_at=moment, disconnected_at=moment + timedelta(microseconds=1))
    attempt = make_attempt(created_at=moment, expires_at=moment + timedelta(minutes=10))
    durable_store.add_grant(grant)
    durable_store.put_link(link)
    durable_store.add_attempt(attempt)
    stored_grant = durable_store.get_grant(grant.id)
    stored_link = durable_store.get_link(link.id)
    stored_attempt = durable_store.take_attempt(attempt.id)
    assert (stored_grant, stored_link, stored_attempt) == (grant, link, attempt)
    assert stored_grant is not None
    assert stored_link is not None
    assert stored_attempt is not None
    times = [
        stored_grant.created_at,
        stored_grant.updated_at,
        stored_grant.expires_at,
        stored_link.created_at,
        stored_link.disconnected_at,
        stored_attempt.created_at,
        stored_attempt.expires_at,
    ]
    assert all(t is not None and t.tzinfo == timezone.utc for t in times)


def test_links_sort_by_instant_across_zones(store: TokenStore) -> None:
    """find_links orders by the instant of creation, not by its wall-clock text."""
    early = datetime(2026, 3, 1, 14, 0, tzinfo=INDIA)  # 08:30 UTC
    late = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    store.put_link(make_link("late", created_at=late))
    store.put_link(make_link("early", created_at=early))
    assert [link.id for link in store.find_links()] == ["early", "late"]


def test_text_round_trips_exactly(store: TokenStore) -> None:
    """Non-ASCII text, quotes and long scope lists read back unchanged."""
    grant = make_grant(
        "app:zü'1",
        zoom_email="zoë.o'brien@example.com",
        status_reason='Zoom said "no" — 拒否',
        scopes=tuple(f"scope:{n}:read" for n in range(50)),
    )
    store.add_grant(grant)
    assert store.get_grant(grant.id) == grant
