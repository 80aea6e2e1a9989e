"""``GET /users``: an account's users, paged by ``next_page_token`` or the legacy ``page_number``.

Zoom's Users OpenAPI (``listUsers``): query ``status`` (``active`` default, ``inactive``,
``pending``), ``page_size`` (default 30, max 300), ``page_number``, ``next_page_token``; answer
``page_count``, ``page_number``, ``page_size``, ``total_records``, ``next_page_token``,
``users``. Scope ``user:read:list_users:admin``: account-level apps only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fake_zoom._seed import ACCT_PRO, USERS

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom

PRO_USERS = sorted(u.id for u in USERS.values() if u.account_id == ACCT_PRO)


def test_lists_the_accounts_users(zoom: Zoom, s2s: Tokens) -> None:
    """An S2S token lists exactly its account's users with Zoom's paging fields."""
    r = zoom.api("GET", "/users", s2s.access_token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(u["id"] for u in body["users"]) == PRO_USERS
    assert body["total_records"] == len(PRO_USERS)
    assert (body["page_size"], body["page_number"], body["page_count"]) == (30, 1, 1)
    assert body["next_page_token"] == ""
    assert {"id", "email", "type", "status", "role_id", "timezone"} <= set(body["users"][0])


def test_next_page_token_walks_every_user_once(zoom: Zoom, s2s: Tokens) -> None:
    """``page_size=1`` with ``next_page_token`` visits each user once, then the token is empty."""
    seen: list[str] = []
    params: dict[str, str | int] = {"page_size": 1}
    while True:
        body = zoom.api("GET", "/users", s2s.access_token, params=params).json()
        seen += [u["id"] for u in body["users"]]
        if not body["next_page_token"]:
            break
        params = {"page_size": 1, "next_page_token": body["next_page_token"]}
    assert sorted(seen) == PRO_USERS


def test_page_number_is_honoured(zoom: Zoom, s2s: Tokens) -> None:
    """The legacy ``page_number`` picks the page; the pages together hold every user once."""
    pages = [
        zoom.api("GET", "/users", s2s.access_token, params={"page_size": 2, "page_number": n})
        for n in (1, 2)
    ]
    bodies = [p.json() for p in pages]
    assert [b["page_number"] for b in bodies] == [1, 2]
    assert bodies[0]["page_count"] == -(-len(PRO_USERS) // 2)
    assert sorted(u["id"] for b in bodies for u in b["users"]) == PRO_USERS


def test_inactive_list_is_empty(zoom: Zoom, s2s: Tokens) -> None:
    """``status=inactive`` lists nobody (every fake user is active); a bad status is 300."""
    body = zoom.api("GET", "/users", s2s.access_token, params={"status": "inactive"}).json()
    assert (body["users"], body["total_records"]) == ([], 0)
    r = zoom.api("GET", "/users", s2s.access_token, params={"status": "asleep"})
    zoom.error(r, 400, 300)


def test_user_managed_app_lacks_the_admin_scope(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A user-managed app's token gets 400 code 4711 naming ``user:read:list_users:admin``."""
    body = zoom.error(zoom.api("GET", "/users", owner_tokens.access_token), 400, 4711)
    assert body["message"] == (
        "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
    )
