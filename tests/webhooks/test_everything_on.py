"""zoomlink against the fake Zoom with every webhook delivery behaviour switched on: retries of
deliveries the endpoint could not take, duplicates of ones it took, pairs delivered newest
first, and endpoint validation when the endpoint is saved and every 72 hours.

Bookings are made, changed and deleted in Zoom, and the app is uninstalled. Whatever order and
however often the events arrive, each is applied once, none is lost, and no notice goes out
twice. The store is SQLite, which every worker of a host shares.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import httpx
import pytest

from tests.conftest import USER_APP, WEBHOOK_SECRET
from tests.webhooks._requests import MEMBER, NOW
from tests.webhooks.conftest import CLIENT, HOST, connected_sync_link
from zoomlink import (
    Booking,
    EventType,
    MeetingRecord,
    WebhookHandler,
    WebhookResponse,
    ZoomLink,
)
from zoomlink.notify import MemoryNotificationSink
from zoomlink.stores import SQLiteTokenStore
from zoomlink.testing import FakeClock, FakeZoom

ZOOM = EventType(id="consult", title="Consultation", location="zoom")
# The endpoint is down for the first attempt of these: Zoom must retry them.
DOWN_FOR = frozenset({"meeting.updated", "app_deauthorized"})


def booking(booking_id: str, day: int, recurrence: str | None = None) -> Booking:
    """Carol's half hour with Alice on March ``day`` at 14:00 UTC."""
    start = datetime(2026, 3, day, 14, 0, tzinfo=timezone.utc)
    return Booking(
        id=booking_id,
        event_type=ZOOM,
        host=HOST,
        clients=(CLIENT,),
        start=start,
        end=start + timedelta(minutes=30),
        title=f"Consultation {booking_id}",
        recurrence=recurrence,
    )


@attrs.define
class Endpoint:
    """The host app's webhook endpoint: it answers Zoom at once and hands the body to the
    handler as soon as the request that caused the webhook has been answered (Zoom delivers
    after it answered), except URL validations, which it answers itself."""

    handler: WebhookHandler | None = None
    queued: list[tuple[Mapping[str, str], bytes]] = attrs.field(factory=list)
    refused: set[bytes] = attrs.field(factory=set)
    answers: list[WebhookResponse] = attrs.field(factory=list)

    def __call__(self, headers: Mapping[str, str], body: bytes) -> object:
        assert self.handler is not None
        event = json.loads(body)["event"]
        if event == "endpoint.url_validation":
            return self.handler.handle(headers, body)
        if event in DOWN_FOR and body not in self.refused:
            self.refused.add(body)
            return 503
        self.queued.append((dict(headers), body))
        return 200

    def drain(self) -> None:
        """Let the handler take every delivery received so far, in arrival order."""
        assert self.handler is not None
        while self.queued:
            headers, body = self.queued.pop(0)
            self.answers.append(self.handler.handle(headers, body))


@attrs.define
class World:
    """The fake, the link over a SQLite store, its notices and the endpoint."""

    fake: FakeZoom
    link: ZoomLink
    sink: MemoryNotificationSink
    endpoint: Endpoint

    def advance(self, minutes: float) -> None:
        """Move the clock on; Zoom's due retries and revalidations go out and are taken."""
        self.fake.advance(timedelta(minutes=minutes))
        self.endpoint.drain()

    def settle(self) -> None:
        """Release what reordering holds back, then let every retry and duplicate arrive."""
        self.fake.deliver_webhooks()
        self.endpoint.drain()
        for minutes in (5, 20, 60):
            self.advance(minutes)

    def record(self, booking_id: str) -> MeetingRecord:
        """The booking's meeting record."""
        record = self.link.meeting_record(booking_id)
        assert record is not None
        return record


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """Every delivery behaviour on; alice (Zoom user u_member) connected."""
    endpoint = Endpoint()
    fake = FakeZoom(clock=FakeClock(NOW), webhook_secret=WEBHOOK_SECRET, webhook_callback=endpoint)
    fake.seed(FakeZoom.default_seed())
    sink = MemoryNotificationSink()
    store = SQLiteTokenStore(tmp_path / "zoomlink.sqlite3")
    with httpx.Client(transport=httpx.MockTransport(fake)) as client:
        link = connected_sync_link(fake, store, sink, client)
        endpoint.handler = WebhookHandler(link)
        fake.configure(
            webhook_retries=True,
            webhook_duplicates=True,
            webhook_reorder=True,
            url_validation=True,
        )
        yield World(fake, link, sink, endpoint)
        link.close()
    store.close()


def test_everything_on_applies_each_event_once_and_tells_each_thing_once(world: World) -> None:
    """With retries, duplicates, reordering and URL validation all on, bookings changed and
    deleted in Zoom and an uninstall end as they would with none on: every booking marked as
    Zoom has it, the connection purged, each notice sent once."""
    fake, link = world.fake, world.link
    validations = [d for d in fake.webhook_deliveries if d.event == "endpoint.url_validation"]
    assert validations
    assert all(d.status == 200 for d in validations)

    moved, deleted, series = (
        booking("bk_moved", 10),
        booking("bk_deleted", 11),
        booking("bk_series", 12, "FREQ=WEEKLY;COUNT=4"),
    )
    for each in (moved, deleted, series):
        link.schedule(each)
    world.settle()

    moved_id = world.record("bk_moved").meeting_id
    deleted_id = world.record("bk_deleted").meeting_id
    series_record = world.record("bk_series")
    assert moved_id is not None
    assert deleted_id is not None
    assert series_record.meeting_id is not None
    fake.edit_meeting(moved_id, topic="Renamed in Zoom")
    fake.advance(60)
    fake.edit_meeting(moved_id, start_time=datetime(2026, 3, 10, 16, 0, tzinfo=timezone.utc))
    fake.advance(60)
    fake.delete_meeting(deleted_id)
    fake.advance(60)
    second = series_record.occurrences[1].occurrence_id
    fake.delete_meeting(series_record.meeting_id, second, and_following=True)
    world.settle()

    assert world.record("bk_moved").in_zoom == "changed"
    assert world.record("bk_deleted").in_zoom == "deleted"
    states = [o.state for o in world.record("bk_series").occurrences]
    assert states == ["scheduled", "cancelled", "cancelled", "cancelled"]

    world.advance(72 * 60)  # Zoom revalidates the endpoint, which still answers right
    fake.uninstall(MEMBER, USER_APP.client_id)
    world.settle()

    [connection] = link.connections(user_id="alice")
    assert connection.status == "needs_reconnect"
    assert link.find_zoom_data(connection.id, values=[MEMBER]).clean
    assert all(r.state == "detached" for r in link.meetings())

    attempts = [d for d in fake.webhook_deliveries if d.event != "endpoint.url_validation"]
    assert {d.attempt for d in attempts} >= {0, 1}, "retries and duplicates were delivered"
    assert any(d.status == 503 for d in attempts), "some first attempts were refused"
    answers = [a.json()["status"] for a in world.endpoint.answers]
    assert set(answers) <= {"processed", "duplicate", "ignored"}
    assert "duplicate" in answers

    sent = world.sink.sent
    assert len({n.key for n in sent}) == len(sent), "a notice went out twice"
    told = [(n.kind, n.booking_id) for n in sent if n.kind.endswith("_in_zoom")]
    assert sorted(told) == [
        ("meeting_changed_in_zoom", "bk_moved"),
        ("meeting_changed_in_zoom", "bk_moved"),
        ("meeting_changed_in_zoom", "bk_series"),
        ("meeting_deleted_in_zoom", "bk_deleted"),
    ]
    [uninstalled] = [n for n in sent if n.kind == "action_required"]
    assert uninstalled.recipient_id == "alice"
