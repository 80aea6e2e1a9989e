"""Token stores: where zoomlink keeps connections, their sealed tokens and its locks.

Every store implements :class:`~zoomlink.TokenStore` (or :class:`~zoomlink.AsyncTokenStore`, for
:class:`~zoomlink.AsyncZoomLink`) and keeps its promises — a compare-and-swap on a grant's
version, a connect attempt taken at most once, named locks that exclude every other holder — for
everyone who shares it. Choose by who shares it:

* :class:`MemoryTokenStore` / :class:`AsyncMemoryTokenStore` — one process, nothing kept: tests,
  demos and scripts. Its locks exclude only the threads or coroutines of that process.
* :class:`SQLiteTokenStore` / :class:`AsyncSQLiteTokenStore` — the embedded default: one file
  on a local disk, shared safely by the threads and processes of one machine (several web
  workers, a scheduler, the CLI), with no server to run. Its locks are file locks beside the
  database, freed by the system the moment a holder dies. POSIX only.
* ``PostgresTokenStore`` / ``AsyncPostgresTokenStore`` in :mod:`zoomlink.stores.postgres` —
  several app servers sharing one PostgreSQL database; its locks are PostgreSQL advisory locks,
  freed when a dead holder's connection drops.
  Needs ``pip install "zoomlink[postgres]"``.

::

    from zoomlink.stores import SQLiteTokenStore

    store = SQLiteTokenStore("/var/lib/myapp/zoomlink.db")

A store of your own fits too: run :mod:`zoomlink.testing.contracts` against it.
"""

from zoomlink.stores._async._memory import AsyncMemoryTokenStore
from zoomlink.stores._async_sqlite import AsyncSQLiteTokenStore
from zoomlink.stores._sqlite import SQLiteTokenStore
from zoomlink.stores._sync._memory import MemoryTokenStore

__all__ = [
    "AsyncMemoryTokenStore",
    "AsyncSQLiteTokenStore",
    "MemoryTokenStore",
    "SQLiteTokenStore",
]

# Show the classes as zoomlink.stores.X in reprs, tracebacks and the docs.
for _name in __all__:
    globals()[_name].__module__ = "zoomlink.stores"
del _name
