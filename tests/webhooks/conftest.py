"""A link with state worth protecting (a connected user with a scheduled booking) and a
webhook handler over it, in both the async and the sync flavour."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timezone
from typing import Any

import attrs
import httpx
import pytest
import pytest_asyncio

from tests.conftest import ADMIN_APP, USER_APP, WEBHOOK_SECRET
from tests.webhooks._requests import MEMBER, NOW
from zoomlink import (
    AsyncWebhookHandler,
    AsyncZoomLink,
    Booking,
    EventType,
    Keyring,
    Participant,
    TokenStore,
    WebhookHandler,
    ZoomLink,
)
from zoomlink.notify import AsyncMemoryNotificationSink, MemoryNotificationSink
from zoomlink.stores import AsyncMemoryTokenStore, MemoryTokenStore
from zoomlink.testing import FakeClock, FakeZoom

KEYRING = Keyring.from_string(f"k1:{Keyring.generate_key()}")
HOST = Participant(
    name="Alice Host", time_zone="Europe/Berlin", email="alice@example.com", user_id="alice"
)
CLIENT = Participant(name="Carol Client", time_zone="America/New_York", email="carol@example.net")
BOOKING = Booking(
    id="bk_1",
    event_type=EventType(id="consult", title="Consultation", location="zoom"),
    host=HOST,
    clients=(CLIENT,),
    start=datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc),
    end=datetime(2026, 3, 10, 14, 30, tzinfo=timezone.utc),
    title="Consultation with Carol",
)


@attrs.frozen
class Snapshot:
    """Everything a refused webhook must leave as it was."""

    grants: list[Any]
    links: list[Any]
    records: list[Any]
    notifications: list[Any]
    journal: int
    deliveries: int
    meetings: list[Any]


@attrs.define
class World:
    """A handler over a link whose user ``alice`` is connected with one booking scheduled."""

    fake: FakeZoom
    store: AsyncMemoryTokenStore
    sink: AsyncMemoryNotificationSink
    link: AsyncZoomLink
    handler: AsyncWebhookHandler
    meeting_id: int = 0

    async def snapshot(self) -> Snapshot:
        """The store, the notices sent and what reached the fake Zoom."""
        return Snapshot(
            grants=await self.store.find_grants(),
            links=await self.store.find_links(),
            records=await self.store.find_meeting_records(),
            notifications=self.sink.sent,
            journal=len(self.fake.journal),
            deliveries=len(self.fake.webhook_deliveries),
            meetings=self.fake.meetings(),
        )


@attrs.define
class SyncWorld:
    """The sync twin of :class:`World`."""

    fake: FakeZoom
    store: MemoryTokenStore
    sink: MemoryNotificationSink
    link: ZoomLink
    handler: WebhookHandler
    meeting_id: int = 0


def new_fake() -> FakeZoom:
    """A seeded fake Zoom standing at NOW whose webhooks are signed and recorded."""
    fake = FakeZoom(
        clock=FakeClock(NOW), webhook_secret=WEBHOOK_SECRET, webhook_callback=lambda h, b: None
    )
    fake.seed(FakeZoom.default_seed())
    return fake


@asynccontextmanager
async def open_world(fake: FakeZoom) -> AsyncIterator[World]:
    """alice connected (Zoom user u_member) with booking bk_1 scheduled, and a handler."""
    fake.clock.set(NOW)
    store = AsyncMemoryTokenStore()
    sink = AsyncMemoryNotificationSink()
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as client:
        link = AsyncZoomLink(
            USER_APP,
            ADMIN_APP,
            store=store,
            keyring=KEYRING,
            notifications=sink,
            clock=fake,
            http_client=client,
        )
        url = await link.personal_connect_url("alice")
        await link.complete_connect(fake.approve(url, MEMBER), user_id="alice")
        outcome = await link.schedule(BOOKING)
        assert outcome.meeting_id is not None
        yield World(fake, store, sink, link, AsyncWebhookHandler(link), outcome.meeting_id)
        await link.aclose()


@pytest_asyncio.fixture
async def world(fake: FakeZoom) -> AsyncIterator[World]:
    """A fresh world for one test."""
    async with open_world(fake) as world:
        yield world


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_world() -> AsyncIterator[World]:
    """One world for a module's tests that must change nothing (each compares its own
    before and after, so one that did change something is still caught)."""
    async with open_world(new_fake()) as world:
        yield world


def connected_sync_link(
    fake: FakeZoom, store: TokenStore, sink: MemoryNotificationSink, client: httpx.Client
) -> ZoomLink:
    """A ZoomLink with the user and admin apps on the fake's clock, alice connected (Zoom
    user u_member)."""
    link = ZoomLink(
        USER_APP,
        ADMIN_APP,
        store=store,
        keyring=KEYRING,
        notifications=sink,
        clock=fake,
        http_client=client,
    )
    url = link.personal_connect_url("alice")
    link.complete_connect(fake.approve(url, MEMBER), user_id="alice")
    return link


@contextmanager
def open_sync_world(fake: FakeZoom) -> Iterator[SyncWorld]:
    """The sync twin of :func:`open_world`."""
    fake.clock.set(NOW)
    store = MemoryTokenStore()
    sink = MemoryNotificationSink()
    with httpx.Client(transport=httpx.MockTransport(fake)) as client:
        link = connected_sync_link(fake, store, sink, client)
        outcome = link.schedule(BOOKING)
        assert outcome.meeting_id is not None
        yield SyncWorld(fake, store, sink, link, WebhookHandler(link), outcome.meeting_id)
        link.close()


@pytest.fixture
def sync_world(fake: FakeZoom) -> Iterator[SyncWorld]:
    """A fresh sync world for one test."""
    with open_sync_world(fake) as world:
        yield world


@pytest.fixture(scope="module")
def shared_sync_world() -> Iterator[SyncWorld]:
    """One sync world for a module's tests that must change nothing."""
    with open_sync_world(new_fake()) as world:
        yield world
