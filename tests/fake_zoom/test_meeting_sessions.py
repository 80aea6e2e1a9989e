"""Start links that expire, meetings that start and end, and what deletions and changes of
recurring meetings say about their occurrences.

Sources: the Meetings OpenAPI (``start_url`` "expires after two hours" for regular users; a
fresh one from ``GET /meetings/{meetingId}``; ``status`` ``waiting`` or ``started``);
devforum.zoom.us/t/start-url-expiration-time-in-create-meeting-api/60314 (two hours after it
was issued); developers.zoom.us/docs/api/webhooks/ (the ``meeting.started`` example);
zoom/rivet-javascript ``meetings.d.ts`` (``operation`` and ``occurrences`` on
``meeting.deleted``, ``scope`` on ``meeting.updated``).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fake_zoom._client import Tokens, Zoom
from tests.fake_zoom._hooks import Delivery
from tests.fake_zoom._seed import build_seed

TWO_HOURS = 2 * 3600
EVERY_EVENT = [
    "app_deauthorized",
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "meeting.started",
    "meeting.ended",
]


@pytest.fixture
def subscribed(zoom: Zoom) -> Zoom:
    """The fake seeded again with every app subscribed to meeting.started and .ended too."""
    zoom.control("POST", "/reset")
    zoom.control("POST", "/seed", body=build_seed(zoom.hooks.base, events=EVERY_EVENT))
    return zoom


def deliveries(zoom: Zoom, event: str, meeting_id: int) -> list[Delivery]:
    """The deliveries of ``event`` about the meeting, in order."""
    return [
        d
        for d in zoom.hooks.all()
        if d.event == event and str(d.json["payload"]["object"]["id"]) == str(meeting_id)
    ]


def open_link(zoom: Zoom, url: str) -> Any:
    """``POST /_fake/start_url``: the host opens the start link."""
    return zoom.control_raw("POST", "/start_url", body={"url": url})


def weekly_series(zoom: Zoom, token: str) -> dict[str, Any]:
    """A daily series of four occurrences."""
    return zoom.create_meeting(
        token,
        type=8,
        start_time="2030-07-15T10:00:00Z",
        timezone="UTC",
        recurrence={"type": 1, "repeat_interval": 1, "end_times": 4},
    )


def test_a_start_link_works_for_two_hours(zoom: Zoom, owner_tokens: Tokens) -> None:
    """The create answer's start link starts the meeting within two hours of being issued, and
    is refused (410, expired) after."""
    created = zoom.create_meeting(owner_tokens.access_token)
    zoom.advance(TWO_HOURS)
    refused = open_link(zoom, created["start_url"])
    assert refused.status_code == 410
    assert refused.json()["reason"] == "expired"
    token = zoom.connect(zoom.app("user"), zoom.user("owner")).access_token  # the first expired
    fresh = zoom.get_meeting(token, created["id"]).json()["start_url"]
    assert fresh != created["start_url"]
    zoom.advance(TWO_HOURS - 60)
    opened = open_link(zoom, fresh)
    assert opened.status_code == 200, opened.text
    assert opened.json() == {"meeting_id": created["id"], "status": "started"}


def test_a_start_link_carries_a_zak_jwt(zoom: Zoom, owner_tokens: Tokens) -> None:
    """start_url is https://…/s/{id}?zak=<JWT>, and a made-up zak starts nothing (404)."""
    created = zoom.create_meeting(owner_tokens.access_token)
    prefix, zak = created["start_url"].split("?zak=")
    assert prefix.endswith(f"/s/{created['id']}")
    assert zak.count(".") == 2
    assert open_link(zoom, f"{prefix}?zak=x.y.z").status_code == 404


def test_starting_and_ending_a_meeting(subscribed: Zoom) -> None:
    """Starting shows status "started" and delivers meeting.started; ending delivers
    meeting.ended with both times; the meeting waits again."""
    zoom = subscribed
    token = zoom.connect(zoom.app("user"), zoom.user("owner")).access_token
    meeting_id = zoom.create_meeting(token)["id"]
    zoom.control("POST", f"/meetings/{meeting_id}/start")
    assert zoom.get_meeting(token, meeting_id).json()["status"] == "started"
    zoom.advance(600)
    zoom.control("POST", f"/meetings/{meeting_id}/end")
    assert zoom.get_meeting(token, meeting_id).json()["status"] == "waiting"
    (started,) = deliveries(zoom, "meeting.started", meeting_id)
    (ended,) = deliveries(zoom, "meeting.ended", meeting_id)
    zoom.verify(started)
    assert started.json["payload"]["object"]["id"] == str(meeting_id)
    assert started.json["payload"]["object"]["host_id"] == zoom.user("owner").id
    ended_object = ended.json["payload"]["object"]
    assert ended_object["start_time"] == started.json["payload"]["object"]["start_time"]
    assert ended_object["end_time"] > ended_object["start_time"]


def test_ending_a_meeting_that_is_not_running_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Only a running meeting can end (400 from the control route)."""
    meeting_id = zoom.create_meeting(owner_tokens.access_token)["id"]
    assert zoom.control_raw("POST", f"/meetings/{meeting_id}/end").status_code == 400


def test_deleting_a_meeting_says_all(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A whole series deleted is operation "all", without occurrences."""
    series = weekly_series(zoom, owner_tokens.access_token)
    zoom.delete_in_zoom(series["id"])
    (deleted,) = deliveries(zoom, "meeting.deleted", series["id"])
    assert deleted.json["payload"]["operation"] == "all"
    assert "occurrences" not in deleted.json["payload"]["object"]


def test_deleting_one_occurrence_says_single(zoom: Zoom, owner_tokens: Tokens) -> None:
    """One occurrence deleted (in Zoom or through the API) is operation "single" naming it."""
    token = owner_tokens.access_token
    series = weekly_series(zoom, token)
    first, second = (o["occurrence_id"] for o in series["occurrences"][:2])
    zoom.delete_in_zoom(series["id"], first)
    answer = zoom.api(
        "DELETE", f"/meetings/{series['id']}", token, params={"occurrence_id": second}
    )
    assert answer.status_code == 204
    payloads = [d.json["payload"] for d in deliveries(zoom, "meeting.deleted", series["id"])]
    assert [p["operation"] for p in payloads] == ["single", "single"]
    listed = [[o["occurrence_id"] for o in p["object"]["occurrences"]] for p in payloads]
    assert listed == [[first], [second]]


def test_deleting_this_and_following(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Deleting an occurrence "and following" in Zoom removes it and every later one, and says
    operation "this_and_following" naming the first."""
    token = owner_tokens.access_token
    series = weekly_series(zoom, token)
    third = series["occurrences"][2]["occurrence_id"]
    zoom.control(
        "DELETE",
        f"/meetings/{series['id']}",
        params={"occurrence_id": third, "and_following": "true"},
    )
    (deleted,) = deliveries(zoom, "meeting.deleted", series["id"])
    assert deleted.json["payload"]["operation"] == "this_and_following"
    assert [o["occurrence_id"] for o in deleted.json["payload"]["object"]["occurrences"]] == [third]
    left = zoom.get_meeting(token, series["id"]).json()["occurrences"]
    assert [o["occurrence_id"] for o in left] == [
        o["occurrence_id"] for o in series["occurrences"][:2]
    ]


def test_changing_a_series_says_its_scope(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A change to one occurrence is scope "single" with that occurrence; a change to the
    series is scope "all"; a one-off meeting's change has no scope."""
    token = owner_tokens.access_token
    series = weekly_series(zoom, token)
    one_off = zoom.create_meeting(token)["id"]
    target = series["occurrences"][1]["occurrence_id"]
    params = {"occurrence_id": target}
    body = {"start_time": "2030-07-16T12:00:00Z"}
    answer = zoom.api("PATCH", f"/meetings/{series['id']}", token, body=body, params=params)
    assert answer.status_code == 204
    zoom.edit_in_zoom(series["id"], topic="Renamed series")
    zoom.edit_in_zoom(one_off, topic="Renamed one-off")
    single, whole = (d.json["payload"] for d in deliveries(zoom, "meeting.updated", series["id"]))
    assert single["scope"] == "single"
    assert [o["occurrence_id"] for o in single["object"]["occurrences"]] == [target]
    assert whole["scope"] == "all"
    (plain,) = (d.json["payload"] for d in deliveries(zoom, "meeting.updated", one_off))
    assert "scope" not in plain
