"""Every store zoomlink ships passes the token-store contract, sync and async.

SQLite and PostgreSQL run it with a second store object on the same data, as a second process
would have: compare-and-swap, take-once and locks must hold across the two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from zoomlink.stores import (
    AsyncMemoryTokenStore,
    AsyncSQLiteTokenStore,
    MemoryTokenStore,
    SQLiteTokenStore,
)
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore
from zoomlink.testing.contracts import AsyncTokenStoreContract, TokenStoreContract


class TestMemoryTokenStore(TokenStoreContract):
    """MemoryTokenStore keeps the contract."""

    @pytest.fixture
    def store(self) -> MemoryTokenStore:
        """A fresh memory store."""
        return MemoryTokenStore()


class TestAsyncMemoryTokenStore(AsyncTokenStoreContract):
    """AsyncMemoryTokenStore keeps the contract."""

    @pytest.fixture
    def store(self) -> AsyncMemoryTokenStore:
        """A fresh memory store."""
        return AsyncMemoryTokenStore()


class TestSQLiteTokenStore(TokenStoreContract):
    """SQLiteTokenStore keeps the contract, also across two store objects on one file."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteTokenStore]:
        """A store on a new file."""
        with SQLiteTokenStore(tmp_path / "tokens.db") as store:
            yield store

    @pytest.fixture
    def second_store(self, store: SQLiteTokenStore) -> Iterator[SQLiteTokenStore]:
        """Another store object on the same file."""
        with SQLiteTokenStore(store.path) as other:
            yield other


class TestAsyncSQLiteTokenStore(AsyncTokenStoreContract):
    """AsyncSQLiteTokenStore keeps the contract, also across two store objects on one file."""

    @pytest_asyncio.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[AsyncSQLiteTokenStore]:
        """A store on a new file."""
        async with AsyncSQLiteTokenStore(tmp_path / "tokens.db") as store:
            yield store

    @pytest_asyncio.fixture
    async def second_store(
        self, store: AsyncSQLiteTokenStore
    ) -> AsyncIterator[AsyncSQLiteTokenStore]:
        """Another store object on the same file."""
        async with AsyncSQLiteTokenStore(store.path) as other:
            yield other


class TestPostgresTokenStore(TokenStoreContract):
    """PostgresTokenStore keeps the contract, also across two store objects on one database."""

    @pytest.fixture
    def store(self, postgres_dsn: str, table_prefix: str) -> Iterator[PostgresTokenStore]:
        """A store on tables of its own."""
        with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
            yield store

    @pytest.fixture
    def second_store(
        self, store: PostgresTokenStore, postgres_dsn: str, table_prefix: str
    ) -> Iterator[PostgresTokenStore]:
        """Another store object (another pool) on the same tables."""
        with PostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as other:
            yield other


class TestAsyncPostgresTokenStore(AsyncTokenStoreContract):
    """AsyncPostgresTokenStore keeps the contract, also across two store objects on one
    database."""

    @pytest_asyncio.fixture
    async def store(
        self, postgres_dsn: str, table_prefix: str
    ) -> AsyncIterator[AsyncPostgresTokenStore]:
        """A store on tables of its own."""
        async with AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as store:
            yield store

    @pytest_asyncio.fixture
    async def second_store(
        self, store: AsyncPostgresTokenStore, postgres_dsn: str, table_prefix: str
    ) -> AsyncIterator[AsyncPostgresTokenStore]:
        """Another store object (another pool) on the same tables."""
        async with AsyncPostgresTokenStore(postgres_dsn, table_prefix=table_prefix) as other:
            yield other
