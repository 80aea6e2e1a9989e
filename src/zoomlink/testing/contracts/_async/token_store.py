"""AsyncTokenStoreContract: what every AsyncTokenStore must do, as pytest tests to inherit.

The tests live in one module per part of the store (``_connections``, ``_meeting_records``,
``_coordination``), the values they store in ``_examples``. Written once with async stores in
mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from typing import Any

import pytest

from zoomlink import AsyncTokenStore
from zoomlink.testing.contracts._async._connections import AsyncConnectionsContract
from zoomlink.testing.contracts._async._coordination import AsyncCoordinationContract
from zoomlink.testing.contracts._async._examples import (
    INDIA,
    MEETING_ID,
    T0,
    count_winners,
    make_attempt,
    make_grant,
    make_link,
    make_record,
    make_recurring_record,
    make_work,
)
from zoomlink.testing.contracts._async._meeting_records import AsyncMeetingRecordsContract

__all__ = [
    "INDIA",
    "MEETING_ID",
    "T0",
    "AsyncTokenStoreContract",
    "count_winners",
    "make_attempt",
    "make_grant",
    "make_link",
    "make_record",
    "make_recurring_record",
    "make_work",
]


class AsyncTokenStoreContract(
    AsyncConnectionsContract, AsyncMeetingRecordsContract, AsyncCoordinationContract
):
    """Inherit in a test class and define a ``store`` fixture that yields a fresh, empty
    :class:`~zoomlink.AsyncTokenStore`. Define ``second_store`` too when two store objects can
    share one database (as two processes would): it must yield another store on the same data.
    Async tests need pytest-asyncio.
    """

    def _same_store(self, store: AsyncTokenStore) -> AsyncTokenStore:
        """Another store object on the same data (the same object by default)."""
        return store

    # Typed Any on purpose: a subclass overrides it with a fixture for its own store type, sync
    # or async, and no single fixture type admits them all (pytest >= 9.2 types fixtures as
    # FixtureFunctionDefinition, pytest-asyncio as plain functions).
    second_store: Any = pytest.fixture(_same_store, name="second_store")
