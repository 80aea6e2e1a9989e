"""A purge leaves no Zoom value in the SQLite files on disk, not only none in the tables: the
write-ahead log is checkpointed and emptied, and deleted content is overwritten."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests._async import conftest as async_harness
from tests._async import test_disconnect as async_disconnect
from tests._async.test_bookings import ready as async_ready
from tests._sync import conftest as sync_harness
from tests._sync import test_disconnect as sync_disconnect
from tests._sync.test_bookings import ready as sync_ready
from zoomlink import Actor, Endpoints
from zoomlink.notify import AsyncMemoryNotificationSink, MemoryNotificationSink
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore
from zoomlink.testing import FakeZoom


def _on_disk(database: Path) -> bytes:
    """The bytes of the database file and of its write-ahead log, as a disk reader sees them."""
    files = [database, Path(f"{database}-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def _found(database: Path, values: list[str]) -> list[str]:
    data = _on_disk(database)
    return [value for value in values if value.encode() in data]


def test_disconnect_leaves_no_zoom_value_on_disk(tmp_path: Path, fake: FakeZoom) -> None:
    """After ZoomLink.disconnect on a SQLite store, no purged value is in the database's files."""
    database = tmp_path / "zoomlink.sqlite3"
    with SQLiteTokenStore(database) as store:
        zoom = sync_harness.Harness(
            store, MemoryNotificationSink(), fake, Endpoints(), httpx.MockTransport(fake)
        )
        sync_ready(zoom)
        sync_disconnect.booked(zoom)
        [connection] = zoom.link.connections(user_id="alice")
        values = sync_disconnect.zoom_values(zoom, zoom.link, connection.id)
        assert len(values) == 8  # the Zoom user, e-mail, and two meetings' ID, link, passcode
        assert _found(database, values) == values  # there before
        zoom.link.disconnect(connection.id, actor=Actor("alice"))
        assert _found(database, values) == []
        zoom.link.close()


@pytest.mark.asyncio
async def test_async_disconnect_leaves_no_zoom_value_on_disk(
    tmp_path: Path, fake: FakeZoom
) -> None:
    """After AsyncZoomLink.disconnect on an async SQLite store, no purged value is on disk."""
    database = tmp_path / "zoomlink.sqlite3"
    async with AsyncSQLiteTokenStore(database) as store:
        zoom = async_harness.Harness(
            store, AsyncMemoryNotificationSink(), fake, Endpoints(), httpx.MockTransport(fake)
        )
        await async_ready(zoom)
        await async_disconnect.booked(zoom)
        [connection] = await zoom.link.connections(user_id="alice")
        values = await async_disconnect.zoom_values(zoom, zoom.link, connection.id)
        assert _found(database, values) == values
        await zoom.link.disconnect(connection.id, actor=Actor("alice"))
        assert _found(database, values) == []
        await zoom.link.aclose()
        for client in zoom.clients:
            await client.aclose()
