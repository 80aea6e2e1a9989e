"""The webhooks the fake Zoom signs and sends — as Zoom would — verify and decode into the
events they describe, and are applied through the handler."""

from __future__ import annotations

import pytest

from tests.webhooks._requests import MEMBER
from tests.webhooks.conftest import World
from zoomlink import AppDeauthorized, MeetingCreated, MeetingDeleted, MeetingUpdated
from zoomlink.testing import WebhookDelivery


def last_delivery(world: World, event: str) -> WebhookDelivery:
    """The latest webhook of this event the fake sent."""
    return [d for d in world.fake.webhook_deliveries if d.event == event][-1]


@pytest.mark.asyncio
async def test_the_fakes_meeting_created_decodes(world: World) -> None:
    """The meeting.created sent when the booking was scheduled names its meeting and host."""
    delivery = last_delivery(world, "meeting.created")
    event = await world.handler.verify(delivery.headers, delivery.body)
    assert isinstance(event, MeetingCreated)
    assert (event.meeting_id, event.host_id, event.account_id) == (
        world.meeting_id,
        MEMBER,
        "acct_demo",
    )


@pytest.mark.asyncio
async def test_the_fakes_meeting_updated_decodes_and_is_processed(world: World) -> None:
    """A change made in Zoom arrives as meeting.updated with the changed fields, and is
    processed."""
    world.fake.edit_meeting(world.meeting_id, topic="Renamed in Zoom")
    delivery = last_delivery(world, "meeting.updated")
    event = await world.handler.verify(delivery.headers, delivery.body)
    assert isinstance(event, MeetingUpdated)
    assert event.meeting_id == world.meeting_id
    assert event.changed["topic"] == "Renamed in Zoom"
    assert event.previous["topic"] == "Consultation with Carol"
    response = await world.handler.handle(delivery.headers, delivery.body)
    assert response.json()["status"] == "processed"


@pytest.mark.asyncio
async def test_the_fakes_meeting_deleted_decodes_and_is_processed(world: World) -> None:
    """A meeting deleted in Zoom arrives as meeting.deleted, and is processed once."""
    world.fake.delete_meeting(world.meeting_id)
    delivery = last_delivery(world, "meeting.deleted")
    event = await world.handler.verify(delivery.headers, delivery.body)
    assert isinstance(event, MeetingDeleted)
    assert (event.meeting_id, event.occurrence_ids) == (world.meeting_id, ())
    first = await world.handler.handle(delivery.headers, delivery.body)
    second = await world.handler.handle(delivery.headers, delivery.body)
    assert [first.json()["status"], second.json()["status"]] == ["processed", "duplicate"]


@pytest.mark.asyncio
async def test_the_fakes_app_deauthorized_decodes_and_is_processed(world: World) -> None:
    """An uninstall arrives as app_deauthorized for the user and app, and is processed."""
    world.fake.uninstall(MEMBER, "fake-user-app")
    delivery = last_delivery(world, "app_deauthorized")
    event = await world.handler.verify(delivery.headers, delivery.body)
    assert isinstance(event, AppDeauthorized)
    assert (event.user_id, event.client_id, event.account_id) == (
        MEMBER,
        "fake-user-app",
        "acct_demo",
    )
    assert event.deauthorized_at == world.fake.now()
    response = await world.handler.handle(delivery.headers, delivery.body)
    assert response.json()["status"] == "processed"
