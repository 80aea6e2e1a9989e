"""Named locks that die with their holder: one ``flock(2)``-locked file per name.

The SQLite store's locks (booking, host, token refresh) must survive what production does to
workers: deploys and the OOM killer end them with SIGKILL mid-call. A lock kept as a row with a
lease outlives its dead holder until the lease runs out, and overtakes a live holder that runs
longer than the lease. A ``flock`` has neither fault: the kernel drops it the moment the last
descriptor of its holder closes, which process death does, and never before.

* One file per lock name, in a folder beside the database (``<database>-locks/``), named by a
  digest of the lock name: names carry booking and host ids, and any length.
* A ``flock`` belongs to an open file description, so every acquisition opens the file itself:
  threads and coroutines of one process exclude each other exactly as processes do.
* Waiters poll with ``LOCK_NB`` (the caller sleeps between tries, as ``lock_waits`` spaces
  them), so a timeout is exact and an event loop never blocks: a try is an ``open`` and a
  ``flock`` of a local file, microseconds.
* The holder removes the file before it lets go, so the folder holds only locks in use. A
  waiter that opened the file just before it was removed can win a lock on a file nobody can
  find any more; it checks after locking that the path still names its file, and else tries
  again (the usual flock-and-unlink protocol).

POSIX only (Linux, macOS, the BSDs): ``fcntl`` has no Windows counterpart with these rules.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections.abc import Iterator

from zoomlink.errors import ConfigurationError, LockTimeoutError, StoreError

if sys.platform != "win32":
    import fcntl

__all__ = ["FileLocks", "lock_waits"]

logger = logging.getLogger("zoomlink.stores")

# A waiter that keeps landing on files removed under it gives up this try and polls again.
_RACES_PER_TRY = 3
# Lock polling starts fast (a held token refresh ends quickly) and backs off.
_FIRST_POLL = 0.005
_LAST_POLL = 0.05


class FileLocks:
    """The named locks of one SQLite database, as lock files in ``<database>-locks/``.

    Args:
        database: The database file's absolute path.

    Raises:
        ConfigurationError: This platform has no ``flock`` (Windows).
    """

    def __init__(self, database: str) -> None:
        if sys.platform == "win32":
            raise ConfigurationError(
                "SQLiteTokenStore's locks need POSIX file locks (flock), which Windows lacks; "
                "use PostgresTokenStore, or MemoryTokenStore for one process"
            )
        self._folder = f"{database}-locks"

    @property
    def folder(self) -> str:
        """The folder holding the lock files of the locks in use."""
        return self._folder

    def path(self, name: str) -> str:
        """The lock file of the lock ``name``."""
        digest = hashlib.sha256(name.encode()).hexdigest()[:40]
        return os.path.join(self._folder, f"{digest}.lock")

    def try_acquire(self, name: str) -> int | None:
        """Take the lock ``name`` if no one holds it: its descriptor, or None when it is held.

        Raises:
            StoreError: The lock file could not be opened or locked (permissions, a full or
                read-only disk).
        """
        if sys.platform == "win32":  # pragma: no cover - refused in __init__
            raise AssertionError("unreachable")
        path = self.path(name)
        for _ in range(_RACES_PER_TRY):
            descriptor = self._open(name, path)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                return None
            except OSError as exc:
                os.close(descriptor)
                raise StoreError(f"could not lock {name!r} ({path}): {exc.strerror}") from None
            if _still_named(descriptor, path):
                return descriptor
            os.close(descriptor)  # the holder before removed it after we opened it: again
        return None

    def release(self, name: str, descriptor: int) -> None:
        """Give the lock ``name`` back; never raises (closing the descriptor frees it anyway)."""
        try:
            # Removed while still held, so a waiter holding the old file sees it is gone.
            os.unlink(self.path(name))
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("could not remove the lock file of %r", name, exc_info=True)
        finally:
            os.close(descriptor)

    def _open(self, name: str, path: str) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        try:
            try:
                return os.open(path, flags, 0o600)
            except FileNotFoundError:  # the folder: made on first use
                os.makedirs(self._folder, mode=0o700, exist_ok=True)
                return os.open(path, flags, 0o600)
        except OSError as exc:
            raise StoreError(f"could not open the lock file of {name!r}: {exc.strerror}") from None


def _still_named(descriptor: int, path: str) -> bool:
    """Whether ``path`` still names the file open at ``descriptor``."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _timed_out(name: str, timeout: float) -> LockTimeoutError:
    return LockTimeoutError(
        f"lock {name!r} was not granted within {timeout:g} s", name=name, timeout=timeout
    )


def lock_waits(name: str, timeout: float) -> Iterator[float]:
    """The sleeps between lock attempts, backing off; LockTimeoutError once time is up."""
    deadline = time.monotonic() + timeout
    delay = _FIRST_POLL
    while (remaining := deadline - time.monotonic()) > 0:
        yield min(delay, remaining)
        delay = min(2 * delay, _LAST_POLL)
    raise _timed_out(name, timeout)
