"""Recurring meetings (type 8): occurrences, per-occurrence GET/PATCH/DELETE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom

START = "2030-07-15T10:00:00Z"  # a Monday

RECURRENCES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"type": 1, "repeat_interval": 1, "end_times": 5},
        [f"2030-07-{d}T10:00:00Z" for d in (15, 16, 17, 18, 19)],
    ),
    (
        {"type": 1, "repeat_interval": 2, "end_times": 3},
        [f"2030-07-{d}T10:00:00Z" for d in (15, 17, 19)],
    ),
    (
        {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 4},
        [f"2030-07-{d}T10:00:00Z" for d in (15, 17, 22, 24)],
    ),
    (
        {"type": 2, "repeat_interval": 2, "weekly_days": "2", "end_times": 3},
        ["2030-07-15T10:00:00Z", "2030-07-29T10:00:00Z", "2030-08-12T10:00:00Z"],
    ),
    (
        {"type": 3, "repeat_interval": 1, "monthly_day": 15, "end_times": 3},
        ["2030-07-15T10:00:00Z", "2030-08-15T10:00:00Z", "2030-09-15T10:00:00Z"],
    ),
    (
        {"type": 1, "repeat_interval": 1, "end_date_time": "2030-07-18T23:59:00Z"},
        [f"2030-07-{d}T10:00:00Z" for d in (15, 16, 17, 18)],
    ),
]


def make_series(zoom: Zoom, token: str, recurrence: dict[str, Any]) -> dict[str, Any]:
    """A type-8 series starting on START."""
    series: dict[str, Any] = zoom.create_meeting(
        token,
        topic="Weekly sync",
        type=8,
        start_time=START,
        timezone="UTC",
        duration=60,
        recurrence=recurrence,
    )
    return series


def live(occurrences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in occurrences if o.get("status", "available") != "deleted"]


@pytest.mark.parametrize(("recurrence", "starts"), RECURRENCES)
def test_recurrence_yields_occurrences(
    zoom: Zoom, owner_tokens: Tokens, recurrence: dict[str, Any], starts: list[str]
) -> None:
    """Daily and weekly recurrences expand into occurrences with ids, start times, durations."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, recurrence)
    assert created["type"] == 8
    for body in (created, zoom.get_meeting(token, created["id"]).json()):
        occurrences = body["occurrences"]
        assert [o["start_time"] for o in occurrences] == starts
        ids = [o["occurrence_id"] for o in occurrences]
        assert all(isinstance(i, str) and i for i in ids)
        assert len(set(ids)) == len(ids)
        assert all(o["duration"] == 60 for o in occurrences)
        assert body["recurrence"]["type"] == recurrence["type"]


def test_get_one_occurrence(zoom: Zoom, owner_tokens: Tokens) -> None:
    """GET ?occurrence_id= shows the meeting at that occurrence's start time."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, RECURRENCES[0][0])
    third = created["occurrences"][2]
    r = zoom.get_meeting(token, created["id"], occurrence_id=third["occurrence_id"])
    assert r.status_code == 200
    assert r.json()["id"] == created["id"]
    assert r.json()["start_time"] == third["start_time"]


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"duration": 90}, "duration", 90),
        ({"start_time": "2030-07-16T12:00:00Z"}, "start_time", "2030-07-16T12:00:00Z"),
    ],
)
def test_patch_one_occurrence_changes_only_it(
    zoom: Zoom, owner_tokens: Tokens, change: dict[str, Any], field: str, value: Any
) -> None:
    """PATCH ?occurrence_id= changes that occurrence only; the series and siblings keep theirs."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, RECURRENCES[0][0])
    target = created["occurrences"][1]["occurrence_id"]
    r = zoom.api(
        "PATCH",
        f"/meetings/{created['id']}",
        token,
        body=change,
        params={"occurrence_id": target},
    )
    assert r.status_code == 204
    assert r.content == b""
    series = zoom.get_meeting(token, created["id"]).json()
    assert series["duration"] == 60
    assert series["start_time"] == START
    before = {o["occurrence_id"]: o[field] for o in created["occurrences"]}
    after = {o["occurrence_id"]: o[field] for o in series["occurrences"]}
    assert after[target] == value
    assert {k: v for k, v in after.items() if k != target} == {
        k: v for k, v in before.items() if k != target
    }
    one = zoom.get_meeting(token, created["id"], occurrence_id=target).json()
    assert one[field] == value


def test_local_recurrence_keeps_wall_clock_across_dst(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A daily series in local time keeps its local hour across a DST change (UTC shifts)."""
    created = zoom.create_meeting(
        owner_tokens.access_token,
        type=8,
        start_time="2030-03-29T10:00:00",
        timezone="Europe/Berlin",
        recurrence={"type": 1, "repeat_interval": 1, "end_times": 4},
    )
    assert [o["start_time"] for o in created["occurrences"]] == [
        "2030-03-29T09:00:00Z",
        "2030-03-30T09:00:00Z",
        "2030-03-31T08:00:00Z",
        "2030-04-01T08:00:00Z",
    ]


def test_delete_one_occurrence(zoom: Zoom, owner_tokens: Tokens) -> None:
    """DELETE ?occurrence_id= removes that occurrence only; the series lives on."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, RECURRENCES[0][0])
    target = created["occurrences"][3]["occurrence_id"]
    r = zoom.api("DELETE", f"/meetings/{created['id']}", token, params={"occurrence_id": target})
    assert r.status_code == 204
    series = zoom.get_meeting(token, created["id"])
    assert series.status_code == 200
    remaining = live(series.json()["occurrences"])
    assert target not in [o["occurrence_id"] for o in remaining]
    assert [o["occurrence_id"] for o in remaining] == [
        o["occurrence_id"] for o in created["occurrences"] if o["occurrence_id"] != target
    ]


def test_delete_whole_series(zoom: Zoom, owner_tokens: Tokens) -> None:
    """DELETE without occurrence_id removes the whole series: then 404 code 3001."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, RECURRENCES[2][0])
    assert zoom.api("DELETE", f"/meetings/{created['id']}", token).status_code == 204
    zoom.error(zoom.get_meeting(token, created["id"]), 404, 3001)
    occurrence = created["occurrences"][0]["occurrence_id"]
    r = zoom.get_meeting(token, created["id"], occurrence_id=occurrence)
    zoom.error(r, 404, 3001)


def test_delete_unknown_occurrence_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """DELETE with an occurrence_id the series does not have is refused and deletes nothing."""
    token = owner_tokens.access_token
    created = make_series(zoom, token, RECURRENCES[0][0])
    r = zoom.api("DELETE", f"/meetings/{created['id']}", token, params={"occurrence_id": "123"})
    assert r.status_code in (400, 404)
    assert isinstance(r.json()["code"], int)
    series = zoom.get_meeting(token, created["id"]).json()
    assert len(live(series["occurrences"])) == 5
