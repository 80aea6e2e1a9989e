"""One SQLite writer at a time, handed over the moment the last one commits.

SQLite lets one connection write at a time. The others wait in its busy handler, which sleeps
(1, 2, 5, 10, … up to 100 ms between tries) rather than waking when the writer commits, so on
a busy store a write mostly waits for a writer that finished long ago. Measured on one file: 6
threads taking send slots (0.14 ms each alone) waited 53 ms at p99 and 104 ms at worst. A late
send slot is a request that reaches Zoom later than the limits allow, and a host lock held
longer.

So writers take turns before SQLite sees them:

* the threads of one process queue on one lock per database file, handed over at once;
* the thread whose turn it is takes an ``flock`` on ``<database>-writer``, shared by every
  process using the file. The kernel drops it when its holder dies, and a waiter tries again
  within a millisecond, so processes hand over within one.

SQLite's own lock stays the authority: a program that writes without taking a turn is still
excluded by it, through the busy handler. A turn waits at most the busy timeout, as a write
would, then gives up with :class:`~zoomlink.StoreError`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from zoomlink.errors import StoreError

if sys.platform != "win32":
    import fcntl

__all__ = ["process_turn", "thread_turn", "writer_turn"]

# The sleeps between tries of another process's turn: short, since writes are (a try is one
# non-blocking flock, microseconds).
_FIRST_TRY = 0.0001
_LAST_TRY = 0.001


class _Turns:
    """This process's turn locks and open ``-writer`` files, one of each per database file."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.locks: dict[str, threading.Lock] = {}
        self.files: dict[str, int] = {}

    def lock(self, path: str) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(path, threading.Lock())

    def file(self, path: str) -> int:
        """The open ``-writer`` file of ``path``; only the holder of its turn lock calls."""
        descriptor = self.files.get(path)
        if descriptor is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            descriptor = self.files[path] = os.open(f"{path}-writer", flags, 0o600)
        return descriptor


_turns = _Turns()


def _forget_parent_turns() -> None:
    """In a forked child: a lock some parent thread held would never be released here, and an
    inherited file shares the parent's flock, so the child starts afresh."""
    global _turns
    for descriptor in _turns.files.values():
        os.close(descriptor)  # the parent's flock stays: it holds its own descriptor
    _turns = _Turns()


if sys.platform != "win32":
    os.register_at_fork(after_in_child=_forget_parent_turns)


@contextmanager
def writer_turn(path: str, *, timeout: float) -> Iterator[None]:
    """Hold the write turn of the database file ``path`` for the block.

    Raises:
        StoreError: The turn was not had within ``timeout`` seconds, or the ``-writer`` file
            could not be opened or locked.
    """
    deadline = time.monotonic() + timeout
    with thread_turn(path, timeout=timeout), process_turn(path, deadline, timeout=timeout):
        yield


@contextmanager
def thread_turn(path: str, *, timeout: float) -> Iterator[None]:
    """The first half of :func:`writer_turn`: this process's turn at ``path``, among its
    threads. Raises StoreError when it was not had within ``timeout`` seconds."""
    lock = _turns.lock(path)
    if not lock.acquire(timeout=timeout):
        raise _too_long(path, timeout)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def process_turn(path: str, deadline: float, *, timeout: float) -> Iterator[None]:
    """The second half of :func:`writer_turn`, taken in this process's turn: the file's turn
    among processes, tried until ``deadline`` (a :func:`time.monotonic` value, ``timeout``
    seconds after the wait began)."""
    if sys.platform == "win32":  # pragma: no cover - the SQLite store refuses Windows
        raise AssertionError("unreachable")
    try:
        descriptor = _turns.file(path)
    except OSError as exc:
        raise StoreError(f"could not open {path}-writer: {exc.strerror}") from None
    _take(descriptor, path, deadline, timeout)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _take(descriptor: int, path: str, deadline: float, timeout: float) -> None:
    """flock the ``-writer`` file, trying again until ``deadline``."""
    pause = _FIRST_TRY
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            raise StoreError(f"could not lock {path}-writer: {exc.strerror}") from None
        if time.monotonic() >= deadline:
            raise _too_long(path, timeout)
        time.sleep(pause)
        pause = min(2 * pause, _LAST_TRY)


def _too_long(path: str, timeout: float) -> StoreError:
    return StoreError(
        f"SQLite could not write to {path!r}: another writer kept it for {timeout:g} s"
    )
