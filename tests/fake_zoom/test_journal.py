"""The journal and the token list: what was called, never which token was used."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fake_zoom._client import Zoom


def test_journal_records_routes_in_order(zoom: Zoom) -> None:
    """Each request is journaled in order with its route name, method, path and status."""
    app, owner = zoom.app("user"), zoom.user("owner")
    tokens = zoom.connect(app, owner)
    t = tokens.access_token
    zoom.api("GET", "/users/me", t)
    zoom.api("GET", "/users/me/settings", t)
    mid = zoom.create_meeting(t)["id"]
    zoom.list_meetings(t)
    zoom.get_meeting(t, mid)
    zoom.api("PATCH", f"/meetings/{mid}", t, body={"topic": "x"})
    zoom.api("DELETE", f"/meetings/{mid}", t)
    zoom.get_meeting(t, mid)
    zoom.revoke(app, t)
    entries = zoom.journal_routes()
    assert [(e["route"], e["status"]) for e in entries] == [
        ("oauth.authorize", 200),
        ("oauth.authorize", 302),
        ("oauth.token", 200),
        ("users.get", 200),
        ("users.settings", 200),
        ("meetings.create", 201),
        ("meetings.list", 200),
        ("meetings.get", 200),
        ("meetings.update", 204),
        ("meetings.delete", 204),
        ("meetings.get", 404),
        ("oauth.revoke", 200),
    ]
    assert entries[0]["method"] == "GET"
    assert entries[0]["path"] == "/oauth/authorize"
    assert entries[5]["method"] == "POST"
    assert entries[5]["path"] == "/v2/users/me/meetings"
    assert entries[8]["method"] == "PATCH"
    assert entries[8]["path"] == f"/v2/meetings/{mid}"
    times = [zoom.iso(e["at"]) for e in entries]
    assert times == sorted(times)


def test_journal_records_grant_types_and_clients(zoom: Zoom) -> None:
    """Token requests are journaled with their grant_type and client_id."""
    app = zoom.app("user")
    tokens = zoom.connect(app, zoom.user("owner"))
    assert tokens.refresh_token is not None
    zoom.tokens_of(zoom.refresh(app, tokens.refresh_token))
    zoom.refresh(app, tokens.refresh_token)
    zoom.s2s_token(zoom.app("s2s"))
    token_entries = [e for e in zoom.journal_routes() if e["route"] == "oauth.token"]
    assert [(e["grant_type"], e["status"]) for e in token_entries] == [
        ("authorization_code", 200),
        ("refresh_token", 200),
        ("refresh_token", 400),
        ("account_credentials", 200),
    ]
    assert [e["client_id"] for e in token_entries] == [app.client_id] * 3 + [
        zoom.app("s2s").client_id
    ]


def test_journal_records_acting_user_and_client(zoom: Zoom) -> None:
    """API entries name the user and client the token belongs to."""
    app, owner = zoom.app("user"), zoom.user("owner")
    tokens = zoom.connect(app, owner)
    zoom.create_meeting(tokens.access_token)
    [entry] = [e for e in zoom.journal_routes() if e["route"] == "meetings.create"]
    assert entry["user_id"] == owner.id
    assert entry["client_id"] == app.client_id


def test_journal_never_holds_token_values(zoom: Zoom) -> None:
    """No token from /_fake/tokens appears anywhere in the journal, even ones sent in a query."""
    app = zoom.app("user")
    first = zoom.connect(app, zoom.user("owner"))
    assert first.refresh_token is not None
    second = zoom.tokens_of(zoom.refresh(app, first.refresh_token))
    member = zoom.connect(app, zoom.user("member"))
    s2s = zoom.s2s_token(zoom.app("s2s"))
    assert second.refresh_token is not None
    zoom.api("GET", "/users/me", second.access_token)
    zoom.api("GET", "/users/me", None, params={"access_token": member.access_token})
    zoom.token_request(
        app, None, params={"grant_type": "refresh_token", "refresh_token": second.refresh_token}
    )
    zoom.http.post(
        zoom.oauth_url("/oauth/revoke"),
        params={"token": member.access_token},
        auth=(app.client_id, app.client_secret),
    )
    zoom.revoke(app, second.access_token)
    zoom.refresh(app, first.refresh_token)
    issued = zoom.issued_tokens()
    ours = {
        first.access_token,
        first.refresh_token,
        second.access_token,
        second.refresh_token,
        member.access_token,
        s2s.access_token,
    }
    assert ours <= set(issued)
    text = json.dumps(zoom.journal())
    leaked = [token for token in issued if token in text]
    assert not leaked
    assert app.client_secret not in text
