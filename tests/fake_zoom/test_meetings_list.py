"""GET /v2/users/{id}/meetings: paging, page_size limit, agenda truncation."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom

ISO = "%Y-%m-%dT%H:%M:%SZ"


def walk(zoom: Zoom, token: str, page_size: int | None) -> list[dict[str, Any]]:
    """Every page of the owner's list, following next_page_token until it is empty."""
    pages: list[dict[str, Any]] = []
    params: dict[str, str | int] = {}
    if page_size is not None:
        params["page_size"] = page_size
    for _ in range(50):
        r = zoom.api("GET", "/users/me/meetings", token, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        pages.append(page)
        nxt = page.get("next_page_token") or ""
        if not nxt:
            return pages
        params["next_page_token"] = nxt
    raise AssertionError("paging did not end within 50 pages")


@pytest.mark.parametrize(("count", "page_size", "sizes"), [(7, 3, [3, 3, 1]), (31, None, [30, 1])])
def test_paging_to_the_end(
    zoom: Zoom, owner_tokens: Tokens, count: int, page_size: int | None, sizes: list[int]
) -> None:
    """page_size (default 30) and next_page_token walk every meeting exactly once."""
    zoom.configure(per_second_limits=False)
    token = owner_tokens.access_token
    ids = {
        zoom.create_meeting(token, topic=f"m{i}", start_time=f"2035-06-{i % 28 + 1:02d}T10:00:00Z")[
            "id"
        ]
        for i in range(count)
    }
    pages = walk(zoom, token, page_size)
    assert [len(p["meetings"]) for p in pages] == sizes
    seen = [m["id"] for p in pages for m in p["meetings"]]
    assert len(seen) == len(set(seen))
    assert set(seen) == ids
    for p in pages:
        assert p["total_records"] == count
        assert p["page_size"] == (page_size or 30)


def test_list_items_carry_zoom_fields(zoom: Zoom, owner_tokens: Tokens) -> None:
    """List items carry id, uuid, host_id, topic, type, start_time, duration, join_url."""
    token = owner_tokens.access_token
    created = zoom.create_meeting(token, topic="Listed", agenda="short")
    r = zoom.list_meetings(token)
    [item] = r.json()["meetings"]
    assert item["id"] == created["id"]
    assert item["host_id"] == zoom.user("owner").id
    assert item["uuid"]
    for key in ("topic", "type", "start_time", "duration", "join_url", "agenda"):
        assert item[key] == created[key], key


@pytest.mark.parametrize("page_size", [301, 1000])
def test_page_size_out_of_range_is_refused(
    zoom: Zoom, owner_tokens: Tokens, page_size: int
) -> None:
    """page_size above 300 answers 400 code 300."""
    zoom.error(zoom.list_meetings(owner_tokens.access_token, page_size=page_size), 400, 300)


def test_page_size_300_is_accepted(zoom: Zoom, owner_tokens: Tokens) -> None:
    """page_size=300 is the documented maximum and is accepted."""
    r = zoom.list_meetings(owner_tokens.access_token, page_size=300)
    assert r.status_code == 200
    assert r.json()["page_size"] == 300


def test_agenda_cut_to_250_in_list_not_in_get(zoom: Zoom, owner_tokens: Tokens) -> None:
    """The list cuts agendas to 250 characters; GET returns the whole agenda."""
    token = owner_tokens.access_token
    agenda = "".join(chr(ord("a") + i % 26) for i in range(2000))
    created = zoom.create_meeting(token, agenda=agenda)
    [item] = zoom.list_meetings(token).json()["meetings"]
    assert item["agenda"] == agenda[:250]
    assert zoom.get_meeting(token, created["id"]).json()["agenda"] == agenda


def test_list_excludes_deleted_and_other_hosts(zoom: Zoom, s2s: Tokens) -> None:
    """A host's list shows only that host's live meetings."""
    token = s2s.access_token
    owner, member = zoom.user("owner"), zoom.user("member")
    keep = zoom.create_meeting(token, user=owner.id)["id"]
    gone = zoom.create_meeting(token, user=owner.id)["id"]
    other = zoom.create_meeting(token, user=member.id)["id"]
    assert zoom.api("DELETE", f"/meetings/{gone}", token).status_code == 204
    ids = [m["id"] for m in zoom.list_meetings(token, user=owner.id).json()["meetings"]]
    assert ids == [keep]
    member_ids = [m["id"] for m in zoom.list_meetings(token, user=member.email).json()["meetings"]]
    assert member_ids == [other]


def test_list_type_filters(zoom: Zoom, s2s: Tokens) -> None:
    """type=upcoming lists meetings still ahead, previous_meetings those already over."""
    zoom.configure(per_second_limits=False)
    token, owner = s2s.access_token, zoom.user("owner")
    now = zoom.now()
    soon = zoom.create_meeting(
        token, user=owner.id, start_time=(now + timedelta(hours=2)).strftime(ISO), duration=30
    )["id"]
    later = zoom.create_meeting(
        token, user=owner.id, start_time=(now + timedelta(days=7)).strftime(ISO), duration=30
    )["id"]
    zoom.advance(86400)
    token = zoom.s2s_token(zoom.app("s2s")).access_token

    def ids(kind: str) -> list[int]:
        r = zoom.list_meetings(token, user=owner.id, type=kind)
        assert r.status_code == 200, r.text
        return [m["id"] for m in r.json()["meetings"]]

    assert ids("upcoming") == [later]
    assert soon in ids("previous_meetings")
    assert later not in ids("previous_meetings")


def test_list_unknown_type_is_300(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An unknown list ``type`` answers 400 code 300."""
    zoom.error(zoom.list_meetings(owner_tokens.access_token, type="bogus"), 400, 300)


def test_list_for_unknown_user_is_1001(zoom: Zoom, s2s: Tokens) -> None:
    """Listing meetings of an unknown user answers 404 code 1001."""
    zoom.error(zoom.list_meetings(s2s.access_token, user="u_nobody"), 404, 1001)


def test_list_needs_me_for_user_apps(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A user-app token listing by user id gets 401 code 124."""
    r = zoom.list_meetings(owner_tokens.access_token, user=zoom.user("owner").id)
    zoom.error(r, 401, 124)
