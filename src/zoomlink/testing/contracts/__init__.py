"""Contract suites: the tests a TokenStore must pass, for plugin authors to run on theirs.

Inherit a contract in a test class of your own and give it a ``store`` fixture::

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

zoomlink runs the same contracts against its own memory, SQLite and PostgreSQL stores.
"""

from zoomlink.testing.contracts._async.token_store import AsyncTokenStoreContract
from zoomlink.testing.contracts._sync.token_store import TokenStoreContract

__all__ = ["AsyncTokenStoreContract", "TokenStoreContract"]
