"""The generated sync twin, WebhookHandler over a ZoomLink, behaves as the async one."""

from __future__ import annotations

import pytest

from tests.conftest import WEBHOOK_SECRET
from tests.webhooks._corpus import Case, Target, hostile_cases, valid_base
from tests.webhooks._requests import encode, envelope, hmac_hex, signed
from tests.webhooks.conftest import SyncWorld
from zoomlink import MeetingDeleted, WebhookSignatureError
from zoomlink._core._webhooks import delivery_key

# One hostile request of each kind of refusal is enough here: the logic is the async one's.
SAMPLE = [case for case in hostile_cases() if case.id.startswith(("deleted-", "not-json", "too"))]


def snapshot(world: SyncWorld) -> tuple[object, ...]:
    """The store, the notices sent and what reached the fake Zoom."""
    return (
        world.store.find_grants(),
        world.store.find_links(),
        world.store.find_meeting_records(),
        world.sink.sent,
        len(world.fake.journal),
        world.fake.meetings(),
    )


def test_sync_url_validation(sync_world: SyncWorld) -> None:
    """WebhookHandler answers Zoom's URL validation with the hashed token."""
    body = encode(envelope("endpoint.url_validation", {"plainToken": "p"}))
    response = sync_world.handler.handle(signed(body), body)
    assert response.status == 200
    assert response.json() == {"plainToken": "p", "encryptedToken": hmac_hex(WEBHOOK_SECRET, b"p")}


@pytest.mark.parametrize("case", SAMPLE, ids=[case.id for case in SAMPLE])
def test_sync_hostile_request_changes_nothing(shared_sync_world: SyncWorld, case: Case) -> None:
    """WebhookHandler refuses hostile requests with their status and changes nothing."""
    world = shared_sync_world
    request = case.build(Target(world.meeting_id))
    before = snapshot(world)
    response = world.handler.handle(request.headers, request.body)
    assert response.status == case.status
    assert snapshot(world) == before


def test_sync_event_is_processed_once(sync_world: SyncWorld) -> None:
    """WebhookHandler applies a meeting.deleted once and answers its retry "duplicate"."""
    request = valid_base("deleted", Target(sync_world.meeting_id))
    event = sync_world.handler.verify(request.headers, request.body)
    assert isinstance(event, MeetingDeleted)
    first = sync_world.handler.handle(request.headers, request.body)
    assert first.json()["status"] == "processed"
    assert sync_world.store.quota_used(delivery_key(request.body)) == 1
    assert sync_world.handler.handle(request.headers, request.body).json() == {
        "status": "duplicate"
    }


def test_sync_verify_raises_typed_errors(sync_world: SyncWorld) -> None:
    """WebhookHandler.verify raises WebhookSignatureError for another secret's signature."""
    request = valid_base("deleted", Target(sync_world.meeting_id))
    with pytest.raises(WebhookSignatureError):
        sync_world.handler.verify(signed(request.body, secret="other"), request.body)
