"""Group commit: the writes that queue for SQLite's one writer are made in one transaction.

Every write waits for its file's writer turn (:mod:`._sqlite_writer`). The thread whose turn
it is makes every write queued on the store object by then — its own, and those of the threads
waiting behind it — each in a savepoint of one ``BEGIN IMMEDIATE`` transaction, and commits
once. The threads behind find their writes done when the turn comes to them, and return.

One commit (one wait for the disk, one turn among processes) then stands for many writes: on a
busy store the writer keeps up with many more of them, which is what bounds how fast a process
books. Each write keeps its own outcome all the same:

* a write that fails (a stale version, a duplicate id) is rolled back to its savepoint alone,
  and its error goes to its own caller;
* a commit that fails, or a transaction SQLite abandons, fails every write in it with a
  :class:`~zoomlink.StoreError`, and none of them is kept;
* each caller returns only once the commit holding its write is made, so a write that
  returned is as durable as if it had been committed alone.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, Protocol, TypeVar

from zoomlink.errors import StoreError
from zoomlink.stores._sqlite_writer import process_turn, thread_turn

__all__ = ["WriteQueue"]

T = TypeVar("T")
# The most writes one transaction makes: enough to empty the queue of a busy process, few
# enough that the file's write lock is never held long (a write is tens of microseconds).
MOST_PER_COMMIT = 32


class Connections(Protocol):
    """The pool's lending of a connection for one transaction (see ConnectionPool)."""

    def __call__(
        self, action: str, *, durable: bool
    ) -> AbstractContextManager[sqlite3.Connection]: ...


class _Write(Generic[T]):
    """One queued write: its work, and once done, its result or error."""

    __slots__ = ("action", "body", "done", "durable", "error", "result")

    def __init__(self, action: str, body: Callable[[sqlite3.Connection], T], durable: bool):
        self.action = action
        self.body = body
        self.durable = durable
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set by a body that returned


class WriteQueue:
    """The writes of one store object to the database file ``path``, committed in groups.

    Args:
        path: The database file's absolute path.
        connection: Lends a connection for one transaction (the pool's), as a context manager
            that rolls back and turns sqlite3 and OS errors into StoreError on the way out.
        timeout: How long a write waits for the writer turn before failing.
    """

    def __init__(
        self,
        path: str,
        connection: Connections,
        *,
        timeout: float,
    ) -> None:
        self._path = path
        self._connection = connection
        self._timeout = timeout
        self._guard = threading.Lock()
        self._queued: deque[_Write[Any]] = deque()

    def write(
        self, action: str, body: Callable[[sqlite3.Connection], T], *, durable: bool = True
    ) -> T:
        """Run ``body`` on a connection inside a write transaction, and commit; what it
        returned. ``durable=False`` lets a group of such writes alone commit without waiting
        for the disk.

        Raises:
            StoreError: The writer turn was not had within the timeout, or SQLite failed
                (``action`` says what was being done); nothing of the write is kept.
            Exception: What ``body`` raised; nothing of the write is kept.
        """
        write = _Write(action, body, durable)
        with self._guard:
            self._queued.append(write)
        deadline = time.monotonic() + self._timeout
        try:
            with thread_turn(self._path, timeout=self._timeout):
                if not write.done.is_set():  # nobody ahead took it along: make the group
                    self._commit_group(write, deadline)
        except StoreError:
            if not self._withdraw(write):
                write.done.wait()  # a group holding it is being committed: take its outcome
            else:
                raise
        return write.outcome()

    def _withdraw(self, write: _Write[Any]) -> bool:
        """Take a write that waited too long off the queue; False when a group took it."""
        with self._guard:
            try:
                self._queued.remove(write)
            except ValueError:
                return False
            return True

    def _commit_group(self, own: _Write[Any], deadline: float) -> None:
        """In the thread turn: make ``own`` and the writes queued with it, and commit."""
        with self._guard:
            group = [own]
            self._queued.remove(own)
            while self._queued and len(group) < MOST_PER_COMMIT:
                group.append(self._queued.popleft())
        try:
            with process_turn(self._path, deadline, timeout=self._timeout):
                self._transaction(group)
        except BaseException as exc:
            # Nothing of the group was kept: every write in it fails, with an error of its own.
            for write in group:
                write.result = None
                if write.error is None:
                    write.error = self._lost(write, exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            for write in group:
                write.done.set()

    def _own_error(self, write: _Write[Any], exc: Exception) -> Exception:
        """What a write's caller sees for the error its body raised."""
        if isinstance(exc, (sqlite3.Error, OSError)):
            return self._error(write, exc)
        return exc

    def _lost(self, write: _Write[Any], exc: BaseException) -> StoreError:
        """The error of a write whose group was not committed because of ``exc``."""
        if isinstance(exc, StoreError) and exc.__cause__ is None:
            return StoreError(str(exc))  # the turn was not had: said the same for each
        reason = exc.__cause__ if isinstance(exc, StoreError) else exc
        return self._error(write, reason or exc)

    def _error(self, write: _Write[Any], reason: BaseException) -> StoreError:
        text = str(reason) or type(reason).__name__
        error = StoreError(f"SQLite could not {write.action} in {self._path!r}: {text}")
        error.__cause__ = reason
        return error

    def _transaction(self, group: list[_Write[Any]]) -> None:
        """One transaction: each write in a savepoint, then one commit."""
        durable = any(write.durable for write in group)
        with self._connection(group[0].action, durable=durable) as conn:
            conn.execute("BEGIN IMMEDIATE")
            for write in group:
                conn.execute("SAVEPOINT zoomlink_write")
                try:
                    write.result = write.body(conn)
                except Exception as exc:
                    if not conn.in_transaction:  # SQLite gave the whole transaction up
                        raise
                    conn.execute("ROLLBACK TO zoomlink_write")
                    write.error = self._own_error(write, exc)
                conn.execute("RELEASE zoomlink_write")
            conn.execute("COMMIT")
