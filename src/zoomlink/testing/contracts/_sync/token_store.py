# This file is generated from src/zoomlink/testing/contracts/_async/token_store.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""TokenStoreContract: what every TokenStore must do, as pytest tests to inherit.

The tests live in one module per part of the store (``_connections``, ``_meeting_records``,
``_coordination``), the values they store in ``_examples``. Written once with async stores in
mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from typing import Any

import pytest

from zoomlink import TokenStore
from zoomlink.testing.contracts._sync._connections import ConnectionsContract
from zoomlink.testing.contracts._sync._coordination import CoordinationContract
from zoomlink.testing.contracts._sync._examples import (
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
from zoomlink.testing.contracts._sync._meeting_records import MeetingRecordsContract

__all__ = [
    "INDIA",
    "MEETING_ID",
    "T0",
    "TokenStoreContract",
    "count_winners",
    "make_attempt",
    "make_grant",
    "make_link",
    "make_record",
    "make_recurring_record",
    "make_work",
]


class TokenStoreContract(
    ConnectionsContract, MeetingRecordsContract, CoordinationContract
):
    """Inherit in a test class and define a ``store`` fixture that yields a fresh, empty
    :class:`~zoomlink.TokenStore`. Define ``second_store`` too when two store objects can
    share one database (as two processes would): it must yield another store on the same data.
    Async tests need pytest-asyncio.
    """

    def _same_store(self, store: TokenStore) -> TokenStore:
        """Another store object on the same data (the same object by default)."""
        return store

    # Typed Any on purpose: a subclass overrides it with a fixture for its own store type, sync
    # or async, and no single fixture type admits them all (pytest >= 9.2 types fixtures as
    # FixtureFunctionDefinition, pytest-asyncio as plain functions).
    second_store: Any = pytest.fixture(_same_store, name="second_store")
