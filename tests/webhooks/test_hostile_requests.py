"""Refusing hostile webhook requests: every one is answered 401, 400 or 413, never raises, and
changes nothing — not the store, not the notices sent, not what was asked of Zoom."""

from __future__ import annotations

import pytest

from tests.webhooks._corpus import BASES, Case, Target, hostile_cases, valid_base
from tests.webhooks.conftest import World
from zoomlink import AppDeauthorized, MeetingDeleted, MeetingUpdated, UrlValidation
from zoomlink._core._webhooks import delivery_key

CASES = hostile_cases()


def test_the_corpus_is_large_and_covers_every_refusal() -> None:
    """The corpus holds over a hundred requests, refused with each of 401, 400 and 413."""
    assert len(CASES) > 100
    assert {case.status for case in CASES} == {400, 401, 413}


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(BASES))
async def test_the_unbroken_requests_are_accepted(world: World, name: str) -> None:
    """Each base request the corpus breaks verifies when left whole (so each refusal is due to
    the one thing broken)."""
    request = valid_base(name, Target(world.meeting_id))
    event = await world.handler.verify(request.headers, request.body)
    expected = {
        "deauthorized": AppDeauthorized,
        "deleted": MeetingDeleted,
        "updated": MeetingUpdated,
        "url_validation": UrlValidation,
    }[name]
    assert isinstance(event, expected)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_hostile_request_is_refused_and_changes_nothing(
    shared_world: World, case: Case
) -> None:
    """A hostile request gets its 4xx with a JSON error and leaves every state as it was."""
    world = shared_world
    request = case.build(Target(world.meeting_id))
    before = await world.snapshot()
    response = await world.handler.handle(request.headers, request.body)
    assert response.status == case.status
    assert set(response.json()) == {"error"}
    assert dict(response.headers)["content-type"] == "application/json"
    assert await world.snapshot() == before
    assert await world.store.quota_used(delivery_key(request.body)) == 0
