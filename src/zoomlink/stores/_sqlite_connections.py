"""The SQLite store's connections: opening the database file and pooling its connections.

* Every connection runs in WAL mode (readers never block the writer) with a busy timeout,
  commits with the disk (refresh tokens are one-use), and zeroes what it deletes; the first one
  a pool opens also brings the file's tables up to date (:mod:`._sqlite_schema`).
* Connections are pooled per store object and used by one thread at a time; a process that
  inherits the pool through ``fork`` leaves its parent's connections alone and opens its own.
* Writes go through the pool's :class:`~._sqlite_group_commit.WriteQueue`: made in the file's
  writer turn, together with the writes queued behind them, and committed once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from zoomlink.errors import ConfigurationError, StoreError
from zoomlink.stores._sqlite_group_commit import WriteQueue
from zoomlink.stores._sqlite_schema import create_schema
from zoomlink.stores._sqlite_writer import writer_turn

__all__ = ["BUSY_TIMEOUT", "ConnectionPool", "checked_path"]

T = TypeVar("T")

# How long a statement waits for another connection's write before failing: writes are short,
# so reaching this means something is badly stuck.
BUSY_TIMEOUT = 10.0
# The pause between tries to switch a new file to WAL mode, which SQLite may refuse at once.
_WAL_RETRY = 0.005
# Idle connections kept per store object; more are closed when returned.
_MAX_IDLE = 8

# Connections a forked child inherited: never used or closed there (SQLite forbids carrying a
# connection across fork), only kept from being garbage-collected, which would close them.
_INHERITED: list[sqlite3.Connection] = []


def checked_path(path: str | os.PathLike[str]) -> str:
    """The absolute path of the database file ``path`` names, checked before anything opens it.

    Raises:
        ConfigurationError: The path is not usable (its directory is missing, it is a
            directory, or it names an in-memory database).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigurationError(f"SQLiteTokenStore needs a file path, got {type(path).__name__}")
    text: object = os.fspath(path)
    if not isinstance(text, str) or "\x00" in text:
        raise ConfigurationError(f"SQLiteTokenStore needs a file path, not {text!r}")
    if text == ":memory:" or text.startswith("file:"):
        raise ConfigurationError(
            f"SQLiteTokenStore needs a file path, not {text!r}; "
            "use MemoryTokenStore for a store in memory"
        )
    absolute = os.path.abspath(text)
    if os.path.isdir(absolute):
        raise ConfigurationError(f"SQLite database path {absolute!r} is a directory")
    directory = os.path.dirname(absolute)
    if not os.path.isdir(directory):
        raise ConfigurationError(
            f"the directory of the SQLite database {absolute!r} does not exist; create it first"
        )
    return absolute


def _durable_again(conn: sqlite3.Connection) -> None:
    """Back to committing with the disk (refresh tokens are one-use: see _connect)."""
    try:
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error:
        conn.close()  # never handed out again with the weaker setting


class ConnectionPool:
    """The connections of one store object to its database file.

    Args:
        path: The database file's absolute path (see :func:`checked_path`).
        owner: How errors name the store the pool serves ("… is closed").
    """

    def __init__(self, path: str, *, owner: str) -> None:
        self._path = path
        self._owner = owner
        self._guard = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._schema_ready = False
        self._closed = False
        self._writes = WriteQueue(path, self.connection, timeout=BUSY_TIMEOUT)

    def close(self) -> None:
        """Close the idle connections; checking one out afterwards raises StoreError."""
        self._leave_parent_connections()
        with self._guard:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    @contextmanager
    def connection(self, action: str, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A connection for one short operation that only reads (writes go through
        :meth:`write`); ``durable=False`` commits without waiting for the disk. sqlite3 and OS
        errors become :class:`~zoomlink.StoreError`, after a rollback."""
        try:
            conn = self._checkout()
            try:
                if not durable:
                    conn.execute("PRAGMA synchronous = NORMAL")
                yield conn
            except BaseException:
                self._checkin(conn, rollback=True)
                raise
            finally:
                if not durable:
                    _durable_again(conn)
            self._checkin(conn)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"SQLite could not {action} in {self._path!r}: {exc}") from exc

    def write(
        self, action: str, body: Callable[[sqlite3.Connection], T], *, durable: bool = True
    ) -> T:
        """Run ``body`` in a write transaction, in this file's writer turn, committed with
        the writes queued behind it (see :mod:`._sqlite_group_commit`); what it returned.
        ``durable=False`` lets it commit without waiting for the disk when no write in its
        group needs to. ``action`` names it in errors."""
        self._leave_parent_connections()
        if not self._schema_ready:  # made in a writer turn of its own, before this one's
            with self.connection(action):
                pass
        return self._writes.write(action, body, durable=durable)

    def check_open(self) -> None:
        """Raise StoreError if the pool was closed."""
        if self._closed:
            raise StoreError(f"{self._owner} is closed")

    def _checkout(self) -> sqlite3.Connection:
        self._leave_parent_connections()
        with self._guard:
            if self._closed:
                raise StoreError(f"{self._owner} is closed")
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _checkin(self, conn: sqlite3.Connection, *, rollback: bool = False) -> None:
        if rollback and conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                conn.close()
                return
        with self._guard:
            if not self._closed and self._pid == os.getpid() and len(self._idle) < _MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def _leave_parent_connections(self) -> None:
        """In a process forked from the one that opened them, set the connections aside."""
        if self._pid == os.getpid():
            return
        # The guard may have been held by a thread that does not exist in this process.
        self._guard = threading.Lock()
        self._writes = WriteQueue(self._path, self.connection, timeout=BUSY_TIMEOUT)
        _INHERITED.extend(self._idle)
        self._idle = []
        self._pid = os.getpid()

    def _connect(self) -> sqlite3.Connection:
        if not os.path.exists(self._path):
            # Sealed tokens are still nobody else's business: a new file is private.
            os.close(os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600))
        # Autocommit (isolation_level=None): transactions are explicit BEGIN IMMEDIATE. Used by
        # one thread at a time, never shared, so check_same_thread is not needed.
        conn = sqlite3.connect(
            self._path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            mode = _switch_to_wal(conn)
            if mode != "wal":
                raise ConfigurationError(
                    f"SQLite could not switch {self._path!r} to WAL mode (got {mode!r})"
                )
            # Refresh tokens are one-use: a committed rotation must survive a power cut.
            conn.execute("PRAGMA synchronous = FULL")
            # Deleted and overwritten content is zeroed, not left in free space: a purged
            # token or join URL must not be readable from the file (see
            # SQLiteTokenStore.erase_deleted).
            conn.execute("PRAGMA secure_delete = ON")
            if not self._schema_ready:
                with writer_turn(self._path, timeout=BUSY_TIMEOUT):
                    create_schema(conn, self._path)
                self._schema_ready = True
        except BaseException:
            conn.close()
            raise
        return conn


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Set WAL mode (once per file; a no-op after); the journal mode now in force."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return str(mode)
        except sqlite3.OperationalError as exc:
            # While other connections open a new file, SQLite can refuse the switch at
            # once, without its busy timeout: wait here instead.
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(_WAL_RETRY)
