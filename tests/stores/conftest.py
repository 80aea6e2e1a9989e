"""Fixtures for the store tests: fresh PostgreSQL tables per test (the server is the session's,
from tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql


@pytest.fixture
def table_prefix(postgres_dsn: str) -> Iterator[str]:
    """A table prefix no other test uses, so each test starts with no tables; its tables (and
    those of longer prefixes starting with it) are dropped after."""
    prefix = f"t{uuid.uuid4().hex[:12]}_"
    yield prefix
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND starts_with(tablename, %s)",
            [prefix],
        ).fetchall()
        for (table,) in tables:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))
