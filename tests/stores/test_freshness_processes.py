"""Shared freshness across processes: a booking page in one worker process, with its view of
the host's Zoom meetings cached for an hour, sees at once what another process booked,
cancelled, or heard from Zoom's webhook — on one SQLite file and on PostgreSQL (SPEC S3.1, S8).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from tests.stores import _freshness_worker as worker
from tests.stores._spawn import SPAWN, Fleet, StoreSpec, fleet, store_spec
from zoomlink import MeetingFields, WebhookHandler


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """A store every worker opens for itself: one SQLite file, or one PostgreSQL database."""
    return store_spec(request, tmp_path)


@contextmanager
def page_process(spec: StoreSpec, shared: Fleet) -> Iterator[Connection]:
    """The booking page's worker process, and the pipe to ask it about start times."""
    mine, theirs = SPAWN.Pipe()
    process = SPAWN.Process(
        target=worker.serve_page, args=(spec, shared.keys, shared.url, theirs), daemon=True
    )
    process.start()
    try:
        yield mine
        mine.send(None)
        process.join(timeout=60)
        assert process.exitcode == 0
    finally:
        if process.is_alive():
            process.kill()
            process.join()


def conflicts(page: Connection, start: datetime) -> list[str]:
    """What the page's worker says conflicts with a booking at ``start``."""
    page.send(start)
    assert page.poll(60), "the page answered"
    answer: list[str] = page.recv()
    return answer


def lists(shared: Fleet) -> int:
    """How often Zoom was asked for a host's meetings so far."""
    return len(shared.fake.calls("meetings.list"))


def test_another_process_sees_bookings_cancels_and_webhooks_at_once(spec: StoreSpec) -> None:
    """A page whose view is cached refuses a time another process just booked and offers it
    again once cancelled, without asking Zoom; a webhook another process handled makes it list
    the host again and see the meeting made in Zoom."""
    with fleet(spec, ["ann"]) as shared, page_process(spec, shared) as page:
        link = shared.link
        noon = shared.now.replace(hour=12, minute=0) + timedelta(days=3)
        assert conflicts(page, noon) == []  # the view is now cached
        link.schedule(worker.booking("bk_1", noon))
        listed = lists(shared)
        assert len(conflicts(page, noon)) == 1
        link.cancel(worker.booking("bk_1", noon))
        assert conflicts(page, noon) == []
        assert lists(shared) == listed  # folded in from the store, not listed again

        later = noon + timedelta(hours=2)
        [connection] = link.connections(user_id="ann")
        fields = MeetingFields(topic="Made in Zoom", start=later, duration_minutes=60)
        link.api.create_meeting(link.access_token(connection.id), fields)
        assert conflicts(page, later) == []  # nobody has heard yet
        handler = WebhookHandler(link)
        answers = [handler.handle(d.headers, d.body) for d in shared.fake.webhook_deliveries]
        assert {answer.status for answer in answers} == {200}
        assert conflicts(page, later) == ["zoom"]
        assert lists(shared) == listed + 1
