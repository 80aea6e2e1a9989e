"""The PostgreSQL token stores, for several app servers sharing one database.

:class:`PostgresTokenStore` (for :class:`~zoomlink.ZoomLink`) and
:class:`AsyncPostgresTokenStore` (for :class:`~zoomlink.AsyncZoomLink`) keep connections in
PostgreSQL through psycopg 3 and a connection pool; their named locks are PostgreSQL advisory
locks, so they exclude holders on every machine. They need the ``postgres`` extra::

    pip install "zoomlink[postgres]"

::

    from zoomlink.stores.postgres import PostgresTokenStore

    store = PostgresTokenStore("postgresql://app@db.internal/app", max_size=20)
"""

from zoomlink.errors import ConfigurationError

try:
    from zoomlink.stores._async._postgres import AsyncPostgresTokenStore
    from zoomlink.stores._sync._postgres import PostgresTokenStore
except ImportError as exc:  # psycopg, psycopg-pool or libpq is missing
    raise ConfigurationError(
        "the PostgreSQL token stores need psycopg 3 and psycopg-pool: "
        f'pip install "zoomlink[postgres]" ({exc})'
    ) from exc

__all__ = ["AsyncPostgresTokenStore", "PostgresTokenStore"]

# Show the classes as zoomlink.stores.postgres.X in reprs, tracebacks and the docs.
for _name in __all__:
    globals()[_name].__module__ = "zoomlink.stores.postgres"
del _name
