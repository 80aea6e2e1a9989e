"""Contract suites: the tests a TokenStore or CalendarBackend must pass, for plugin authors.

Inherit a contract in a test class of your own and give it a ``store`` fixture (a
``calendar`` fixture for the calendar contracts)::

    from zoomlink.testing.contracts import TokenStoreContract

    class TestMyStore(TokenStoreContract):
        @pytest.fixture
        def store(self) -> Iterator[MyStore]:
            store = MyStore(...)      # fresh and empty
            yield store
            store.close()

        @pytest.fixture
        def second_store(self, store) -> Iterator[MyStore]:
            ...                       # optional: another object on the same database

A calendar backend is checked the same way::

    from zoomlink.testing.contracts import CalendarBackendContract

    class TestMyCalendar(CalendarBackendContract):
        @pytest.fixture
        def calendar(self) -> MyCalendar:
            return MyCalendar(...)    # fresh and empty

zoomlink runs the same contracts against its own memory, SQLite and PostgreSQL stores, and its
memory calendar backend.
"""

from zoomlink.testing.contracts._async.calendar_backend import AsyncCalendarBackendContract
from zoomlink.testing.contracts._async.token_store import AsyncTokenStoreContract
from zoomlink.testing.contracts._sync.calendar_backend import CalendarBackendContract
from zoomlink.testing.contracts._sync.token_store import TokenStoreContract

__all__ = [
    "AsyncCalendarBackendContract",
    "AsyncTokenStoreContract",
    "CalendarBackendContract",
    "TokenStoreContract",
]
