"""Signed webhooks: meeting.created/updated/deleted and app_deauthorized."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._hooks import Delivery


def about(event: str, meeting_id: int) -> Callable[[Delivery], bool]:
    """A predicate for deliveries of ``event`` about meeting ``meeting_id``."""

    def match(d: Delivery) -> bool:
        if d.event != event:
            return False
        obj = d.json.get("payload", {}).get("object", {})
        return str(obj.get("id")) == str(meeting_id)

    return match


def assert_envelope(zoom: Zoom, delivery: Delivery, event: str) -> dict[str, Any]:
    """Check signature and envelope; return the payload."""
    zoom.verify(delivery)
    body = delivery.json
    assert body["event"] == event
    assert isinstance(body["event_ts"], int)
    assert body["event_ts"] > 10**12, "event_ts is in milliseconds"
    payload: dict[str, Any] = body["payload"]
    return payload


def test_signature_is_zoom_v0_hmac(zoom: Zoom, owner_tokens: Tokens) -> None:
    """x-zm-signature is "v0=" + hex HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")."""
    mid = zoom.create_meeting(owner_tokens.access_token)["id"]
    delivery = zoom.hooks.wait_for(about("meeting.created", mid))
    ts = delivery.headers["x-zm-request-timestamp"]
    expected = zoom.signature(zoom.webhook_secret, ts, delivery.body)
    assert delivery.headers["x-zm-signature"] == expected
    assert delivery.headers["x-zm-signature"] != zoom.signature("wrong", ts, delivery.body)
    assert delivery.headers["content-type"] == "application/json; charset=utf-8"


def test_meeting_created_on_api_create(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Creating a meeting through the API delivers meeting.created with the meeting object."""
    owner = zoom.user("owner")
    created = zoom.create_meeting(owner_tokens.access_token, topic="Hooked")
    delivery = zoom.hooks.wait_for(about("meeting.created", created["id"]))
    assert delivery.path == f"/hooks/{zoom.app('user').client_id}"
    payload = assert_envelope(zoom, delivery, "meeting.created")
    assert payload["account_id"] == owner.account_id
    obj = payload["object"]
    assert obj["host_id"] == owner.id
    assert obj["topic"] == "Hooked"
    assert obj["join_url"] == created["join_url"]


@pytest.mark.parametrize("source", ["api", "zoom"])
def test_meeting_updated_carries_object_and_old_object(
    zoom: Zoom, owner_tokens: Tokens, source: str
) -> None:
    """An update (API PATCH or an edit in Zoom) delivers meeting.updated with object and old_object."""
    token = owner_tokens.access_token
    mid = zoom.create_meeting(token, topic="Old topic")["id"]
    if source == "api":
        r = zoom.api("PATCH", f"/meetings/{mid}", token, body={"topic": "New topic"})
        assert r.status_code == 204
    else:
        zoom.edit_in_zoom(mid, topic="New topic")
    assert zoom.get_meeting(token, mid).json()["topic"] == "New topic"
    delivery = zoom.hooks.wait_for(about("meeting.updated", mid))
    payload = assert_envelope(zoom, delivery, "meeting.updated")
    assert payload["object"]["topic"] == "New topic"
    assert str(payload["old_object"]["id"]) == str(mid)
    assert payload["old_object"]["topic"] == "Old topic"
    assert payload["account_id"] == zoom.user("owner").account_id


@pytest.mark.parametrize("source", ["api", "zoom"])
def test_meeting_deleted(zoom: Zoom, owner_tokens: Tokens, source: str) -> None:
    """A delete (API DELETE or in Zoom) delivers meeting.deleted; the meeting is then 3001."""
    token = owner_tokens.access_token
    mid = zoom.create_meeting(token, topic="Doomed")["id"]
    if source == "api":
        assert zoom.api("DELETE", f"/meetings/{mid}", token).status_code == 204
    else:
        zoom.delete_in_zoom(mid)
    zoom.error(zoom.get_meeting(token, mid), 404, 3001)
    delivery = zoom.hooks.wait_for(about("meeting.deleted", mid))
    payload = assert_envelope(zoom, delivery, "meeting.deleted")
    assert payload["object"]["host_id"] == zoom.user("owner").id
    assert payload["account_id"] == zoom.user("owner").account_id


def test_occurrence_deleted_in_zoom(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Deleting one occurrence in Zoom delivers meeting.deleted naming that occurrence."""
    token = owner_tokens.access_token
    created = zoom.create_meeting(
        token,
        type=8,
        start_time="2030-07-15T10:00:00Z",
        timezone="UTC",
        recurrence={"type": 1, "repeat_interval": 1, "end_times": 3},
    )
    target = created["occurrences"][1]["occurrence_id"]
    zoom.delete_in_zoom(created["id"], target)
    delivery = zoom.hooks.wait_for(about("meeting.deleted", created["id"]))
    payload = assert_envelope(zoom, delivery, "meeting.deleted")
    occurrences = payload["object"]["occurrences"]
    assert [o["occurrence_id"] for o in occurrences] == [target]
    series = zoom.get_meeting(token, created["id"]).json()
    live = [o for o in series["occurrences"] if o.get("status", "available") != "deleted"]
    assert target not in [o["occurrence_id"] for o in live]
    assert len(live) == 2


def test_uninstall_delivers_app_deauthorized(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Uninstall in the Marketplace: tokens die and app_deauthorized carries Zoom's fields."""
    owner, app = zoom.user("owner"), zoom.app("user")
    zoom.uninstall(owner, app)
    delivery = zoom.hooks.wait_for(
        lambda d: (
            d.event == "app_deauthorized"
            and d.json["payload"].get("user_id") == owner.id
            and d.path == f"/hooks/{app.client_id}"
        )
    )
    assert delivery.path == f"/hooks/{app.client_id}"
    payload = assert_envelope(zoom, delivery, "app_deauthorized")
    assert payload["user_id"] == owner.id
    assert payload["account_id"] == owner.account_id
    assert payload["client_id"] == app.client_id
    assert isinstance(payload["signature"], str)
    assert payload["signature"]
    zoom.iso(payload["deauthorization_time"])
    zoom.error(zoom.api("GET", "/users/me", owner_tokens.access_token), 401, 124)
    assert owner_tokens.refresh_token is not None
    r = zoom.refresh(app, owner_tokens.refresh_token)
    assert r.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}


def test_events_follow_the_app_subscription(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An app subscribed only to app_deauthorized gets no meeting events, but its deauth."""
    quiet = zoom.app("quiet")
    zoom.connect(quiet, zoom.user("owner"))
    mid = zoom.create_meeting(owner_tokens.access_token)["id"]
    zoom.hooks.wait_for(about("meeting.created", mid))
    time.sleep(0.3)
    assert not [d for d in zoom.hooks.all() if d.path == f"/hooks/{quiet.client_id}"]
    zoom.uninstall(zoom.user("owner"), quiet)
    delivery = zoom.hooks.wait_for(
        lambda d: d.event == "app_deauthorized" and d.path == f"/hooks/{quiet.client_id}"
    )
    zoom.verify(delivery)


def test_fake_records_the_deliveries(zoom: Zoom, owner_tokens: Tokens) -> None:
    """GET /_fake/webhooks lists each delivery with event, url, status, headers and body text."""
    mid = zoom.create_meeting(owner_tokens.access_token)["id"]
    received = zoom.hooks.wait_for(about("meeting.created", mid))
    recorded = [
        d
        for d in zoom.deliveries()
        if d["event"] == "meeting.created" and d["body"] == received.body.decode()
    ]
    assert recorded, zoom.deliveries()
    entry = recorded[0]
    assert entry["url"] == zoom.hooks.base + received.path
    assert entry["status"] == 200
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    assert headers["x-zm-signature"] == received.headers["x-zm-signature"]


def test_default_webhook_url_and_secret(zoom: Zoom) -> None:
    """An app without its own webhook settings uses the fake's default URL and secret."""
    token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    mid = zoom.create_meeting(token, user=zoom.user("free").id)["id"]
    delivery = zoom.hooks.wait_for(
        lambda d: about("meeting.created", mid)(d) and d.path == "/hooks/default"
    )
    assert_envelope(zoom, delivery, "meeting.created")
