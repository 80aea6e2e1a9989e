"""Rate limits (per second, per plan per day, per host per day) and Zoom's error envelope."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Zoom

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
HOST_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)


def assert_429(r: httpx.Response, *, kind: str, category: str | None, limit: int | None) -> None:
    """A 429 with Zoom's X-RateLimit-* and Retry-After headers."""
    assert r.status_code == 429, f"{r.status_code}: {r.text}"
    h = r.headers
    assert h["x-ratelimit-type"] == kind
    if category is not None:
        assert h["x-ratelimit-category"].lower() == category
    if limit is not None:
        assert int(h["x-ratelimit-limit"]) == limit
    assert int(h["x-ratelimit-remaining"]) == 0
    assert h["retry-after"].strip()
    assert h.get("x-zm-trackingid")


def next_midnight(now: datetime) -> datetime:
    day = now.astimezone(timezone.utc).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


# ---- per-second limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app_key", "user_key", "route", "category", "limit"),
    [
        ("s2s_free", "free", "list", "medium", 2),
        ("s2s_free", "free", "user", "light", 4),
        ("s2s", "owner", "list", "medium", 20),
        ("s2s", "owner", "user", "light", 30),
    ],
)
def test_per_second_limit_by_plan_and_category(
    zoom: Zoom, app_key: str, user_key: str, route: str, category: str, limit: int
) -> None:
    """A burst above the plan's per-second limit gets 429 with Zoom's QPS body and headers."""
    token = zoom.s2s_token(zoom.app(app_key)).access_token
    user = zoom.user(user_key)
    path = f"/users/{user.id}/meetings" if route == "list" else f"/users/{user.id}"
    responses = [zoom.api("GET", path, token) for _ in range(limit * 3 + 3)]
    assert responses[0].status_code == 200
    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    assert all(r.status_code in (200, 429) for r in responses)
    assert limited[0].json() == {"code": 429, "message": QPS_MESSAGE}
    assert_429(limited[0], kind="QPS", category=category, limit=limit)


def test_per_second_limit_is_shared_by_the_account(zoom: Zoom) -> None:
    """Per-second limits are per account: once one user is limited, another user is too."""
    s2s_token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    user_token = zoom.connect(zoom.app("user"), zoom.user("free2")).access_token
    path = f"/users/{zoom.user('free').id}/meetings"
    statuses = []
    for _ in range(20):
        r = zoom.api("GET", path, s2s_token)
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    other = zoom.api("GET", "/users/me/meetings", user_token)
    assert_429(other, kind="QPS", category="medium", limit=2)


def test_per_second_limit_does_not_cross_accounts(zoom: Zoom) -> None:
    """A Free account at its per-second limit does not limit a Pro account."""
    free_token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    pro_token = zoom.s2s_token(zoom.app("s2s")).access_token
    for _ in range(20):
        if zoom.list_meetings(free_token, user=zoom.user("free").id).status_code == 429:
            break
    r = zoom.list_meetings(pro_token, user=zoom.user("owner").id)
    assert r.status_code == 200


def test_per_second_limits_can_be_turned_off(zoom: Zoom) -> None:
    """POST /_fake/config per_second_limits=false lets a burst through."""
    zoom.configure(per_second_limits=False)
    token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    statuses = {zoom.list_meetings(token, user=zoom.user("free").id).status_code for _ in range(10)}
    assert statuses == {200}


# ---- per-plan daily limits (Free) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "category", "limit"), [("list", "medium", 2000), ("user", "light", 6000)]
)
def test_free_plan_daily_limit(zoom: Zoom, route: str, category: str, limit: int) -> None:
    """A Free account gets 2000 Medium / 6000 Light requests a day, then 429 Daily-limit."""
    zoom.advance_to_next_utc_day(12)
    zoom.configure(per_second_limits=False)
    token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    pro_token = zoom.s2s_token(zoom.app("s2s")).access_token
    free = zoom.user("free")
    path = f"/users/{free.id}/meetings" if route == "list" else f"/users/{free.id}"
    other = f"/users/{free.id}" if route == "list" else f"/users/{free.id}/meetings"
    for i in range(limit):
        r = zoom.api("GET", path, token)
        assert r.status_code == 200, f"request {i + 1}: {r.status_code} {r.text}"
    over = zoom.api("GET", path, token)
    assert over.json() == {"code": 429, "message": DAILY_MESSAGE}
    assert_429(over, kind="Daily-limit", category=category, limit=limit)
    now = zoom.now()
    retry_at = zoom.instant(over.headers["retry-after"], now)
    assert now < retry_at <= next_midnight(now) + timedelta(seconds=5)
    assert zoom.api("GET", other, token).status_code == 200, "other categories are separate"
    pro_path = f"/users/{zoom.user('owner').id}" + ("/meetings" if route == "list" else "")
    assert zoom.api("GET", pro_path, pro_token).status_code == 200, "Pro is not limited"
    zoom.advance((next_midnight(now) - now).total_seconds() + 1)
    token = zoom.s2s_token(zoom.app("s2s_free")).access_token
    assert zoom.api("GET", path, token).status_code == 200


# ---- 100 create/update per host per UTC day -----------------------------------------------------


@pytest.mark.parametrize("last", ["create", "update"])
def test_host_daily_create_update_limit(zoom: Zoom, last: str) -> None:
    """The 101st create/update for one host in a UTC day is 429 Daily-limit until 00:00 UTC."""
    zoom.reseed_without_meeting_events()
    zoom.advance_to_next_utc_day(12)
    zoom.configure(per_second_limits=False)
    token = zoom.s2s_token(zoom.app("s2s")).access_token
    owner, member = zoom.user("owner"), zoom.user("member")
    first = zoom.create_meeting(token, user=owner.id)["id"]
    for i in range(59):
        zoom.create_meeting(token, user=owner.id, topic=f"c{i}")
    for i in range(40):
        r = zoom.api("PATCH", f"/meetings/{first}", token, body={"topic": f"u{i}"})
        assert r.status_code == 204, f"update {i + 1}: {r.status_code} {r.text}"
    if last == "create":
        over = zoom.api(
            "POST",
            f"/users/{owner.id}/meetings",
            token,
            body={"topic": "101", "type": 2, "start_time": "2035-06-01T10:00:00Z"},
        )
    else:
        over = zoom.api("PATCH", f"/meetings/{first}", token, body={"topic": "101"})
    assert over.json() == {"code": 429, "message": HOST_DAILY_MESSAGE}
    assert_429(over, kind="Daily-limit", category=None, limit=None)
    now = zoom.now()
    retry_at = zoom.instant(over.headers["retry-after"], now)
    assert abs((retry_at - next_midnight(now)).total_seconds()) <= 5, over.headers["retry-after"]

    listed = zoom.list_meetings(token, user=owner.id, page_size=300).json()
    assert listed["total_records"] == 60
    assert zoom.get_meeting(token, first).json()["topic"] == "u39"

    zoom.create_meeting(token, user=member.id, topic="other host is unaffected")
    assert zoom.api("DELETE", f"/meetings/{first}", token).status_code == 204

    zoom.advance((next_midnight(now) - now).total_seconds() + 1)
    token = zoom.s2s_token(zoom.app("s2s")).access_token
    zoom.create_meeting(token, user=owner.id, topic="a new UTC day")


def test_host_daily_limit_counts_per_host_across_apps_not_deletes(zoom: Zoom) -> None:
    """The per-host count spans every app and ignores DELETE requests."""
    zoom.reseed_without_meeting_events()
    zoom.advance_to_next_utc_day(12)
    zoom.configure(per_second_limits=False)
    owner = zoom.user("owner")
    user_token = zoom.connect(zoom.app("user"), owner).access_token
    admin_token = zoom.connect(zoom.app("admin"), zoom.user("admin")).access_token
    s2s_token = zoom.s2s_token(zoom.app("s2s")).access_token
    for i in range(50):
        mid = zoom.create_meeting(user_token, topic=f"a{i}")["id"]
        assert zoom.api("DELETE", f"/meetings/{mid}", user_token).status_code == 204
    for i in range(50):
        zoom.create_meeting(s2s_token, user=owner.id, topic=f"b{i}")
    r = zoom.api(
        "POST",
        f"/users/{owner.email}/meetings",
        admin_token,
        body={"topic": "101", "type": 2, "start_time": "2035-06-01T10:00:00Z"},
    )
    assert r.json() == {"code": 429, "message": HOST_DAILY_MESSAGE}
    assert_429(r, kind="Daily-limit", category=None, limit=None)


# ---- the error envelope and x-zm-trackingid ----------------------------------------------------


def test_every_api_response_has_a_tracking_id(zoom: Zoom) -> None:
    """Every /v2 response, success or error, carries an x-zm-trackingid header."""
    tokens = zoom.connect(zoom.app("user"), zoom.user("owner"))
    t = tokens.access_token
    seen: dict[str, httpx.Response] = {}
    seen["200 me"] = zoom.api("GET", "/users/me", t)
    seen["200 settings"] = zoom.api("GET", "/users/me/settings", t)
    create = zoom.api(
        "POST",
        "/users/me/meetings",
        t,
        body={"topic": "t", "type": 2, "start_time": "2035-06-01T10:00:00Z"},
    )
    seen["201 create"] = create
    mid = create.json()["id"]
    seen["200 get"] = zoom.api("GET", f"/meetings/{mid}", t)
    seen["200 list"] = zoom.api("GET", "/users/me/meetings", t)
    seen["204 patch"] = zoom.api("PATCH", f"/meetings/{mid}", t, body={"topic": "u"})
    seen["204 delete"] = zoom.api("DELETE", f"/meetings/{mid}", t)
    seen["404 3001"] = zoom.api("GET", f"/meetings/{mid}", t)
    seen["401 124"] = zoom.api("GET", "/users/me", None)
    seen["400 300"] = zoom.api("POST", "/users/me/meetings", t, content=b"{")
    seen["404 1001"] = zoom.api(
        "GET", "/users/u_nobody", zoom.s2s_token(zoom.app("s2s")).access_token
    )
    expected = {label.split()[0] for label in seen}
    assert {str(r.status_code) for r in seen.values()} == expected
    missing = [label for label, r in seen.items() if not r.headers.get("x-zm-trackingid")]
    assert not missing, missing


def test_error_bodies_are_json(zoom: Zoom) -> None:
    """API errors are application/json {"code", "message"} bodies."""
    r = zoom.api("GET", "/users/me", "bogus")
    assert r.headers["content-type"].startswith("application/json")
    zoom.error(r, 401, 124)
