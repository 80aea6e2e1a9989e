"""Contract suites: the tests a TokenStore, CalendarBackend or NotificationSink must pass, for
plugin authors.

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

A notification sink gives the sink and a way to read what its far end received; one that talks
to a server also gives a sink whose server fails, and the credential it must never show::

    from zoomlink.testing.contracts import (
        Delivered, NotificationSinkContract, NotificationSinkFailureContract,
    )

    class TestMySink(NotificationSinkContract, NotificationSinkFailureContract):
        channel = "email"             # or "sms"

        @pytest.fixture
        def sink(self, inbox) -> MySink:
            return MySink(...)        # delivering to a test server

        @pytest.fixture
        def received(self, inbox):
            return lambda: [Delivered(key=..., address=..., text=...) for m in inbox.messages]

        @pytest.fixture
        def failing_sink(self) -> MySink:
            return MySink(..., password="wrong")   # or a server that is down

        @pytest.fixture
        def secret(self) -> str:
            return "wrong"

zoomlink runs the same contracts against its own memory, SQLite and PostgreSQL stores, its
memory calendar backend, and its logging, memory, SMTP and SMS notification sinks.
"""

from zoomlink.testing.contracts._async.calendar_backend import AsyncCalendarBackendContract
from zoomlink.testing.contracts._async.notification_sink import (
    AsyncNotificationSinkContract,
    AsyncNotificationSinkFailureContract,
)
from zoomlink.testing.contracts._async.token_store import AsyncTokenStoreContract
from zoomlink.testing.contracts._delivered import Delivered
from zoomlink.testing.contracts._sync.calendar_backend import CalendarBackendContract
from zoomlink.testing.contracts._sync.notification_sink import (
    NotificationSinkContract,
    NotificationSinkFailureContract,
)
from zoomlink.testing.contracts._sync.token_store import TokenStoreContract

__all__ = [
    "AsyncCalendarBackendContract",
    "AsyncNotificationSinkContract",
    "AsyncNotificationSinkFailureContract",
    "AsyncTokenStoreContract",
    "CalendarBackendContract",
    "Delivered",
    "NotificationSinkContract",
    "NotificationSinkFailureContract",
    "TokenStoreContract",
]
