"""POST /oauth/revoke: success body, dead tokens, app_deauthorized."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._hooks import Delivery


def test_revoke_answers_success_and_kills_the_grant(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Revoke answers {"status": "success"}; the access token is then 401/124, refresh invalid_grant."""
    app = zoom.app("user")
    r = zoom.revoke(app, owner_tokens.access_token)
    assert r.status_code == 200
    assert r.json() == {"status": "success"}
    zoom.error(zoom.api("GET", "/users/me", owner_tokens.access_token), 401, 124)
    assert owner_tokens.refresh_token is not None
    refreshed = zoom.refresh(app, owner_tokens.refresh_token)
    assert refreshed.status_code == 400
    assert refreshed.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}


def test_revoke_delivers_signed_app_deauthorized(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Revoke uninstalls the app for the user and delivers a signed app_deauthorized event."""
    app, owner = zoom.app("user"), zoom.user("owner")
    assert zoom.revoke(app, owner_tokens.access_token).json() == {"status": "success"}

    def wanted(d: Delivery) -> bool:
        payload: dict[str, object] = d.json["payload"]
        return d.event == "app_deauthorized" and payload.get("client_id") == app.client_id

    delivery = zoom.hooks.wait_for(wanted)
    zoom.verify(delivery)
    assert delivery.path == f"/hooks/{app.client_id}"
    payload = delivery.json["payload"]
    assert payload["user_id"] == owner.id
    assert payload["account_id"] == owner.account_id
    assert isinstance(payload["signature"], str)
    assert payload["signature"]
    zoom.iso(payload["deauthorization_time"])


def test_revoke_spares_other_users(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Revoking one user's grant leaves another user's tokens for the same app working."""
    member = zoom.connect(zoom.app("user"), zoom.user("member"))
    zoom.revoke(zoom.app("user"), owner_tokens.access_token)
    assert zoom.api("GET", "/users/me", member.access_token).status_code == 200


def test_revoke_needs_client_credentials(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Revoke with wrong Basic credentials is 400 invalid_client and the token survives."""
    r = zoom.http.post(
        zoom.oauth_url("/oauth/revoke"),
        data={"token": owner_tokens.access_token},
        auth=("conf-user-app", "wrong"),
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_client"
    assert zoom.api("GET", "/users/me", owner_tokens.access_token).status_code == 200


def test_revoke_token_in_query_string_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A token passed to revoke in the query string is refused and stays valid."""
    app = zoom.app("user")
    r = zoom.http.post(
        zoom.oauth_url("/oauth/revoke"),
        params={"token": owner_tokens.access_token},
        auth=(app.client_id, app.client_secret),
    )
    assert r.status_code in (400, 401)
    assert r.json() != {"status": "success"}
    assert zoom.api("GET", "/users/me", owner_tokens.access_token).status_code == 200


def test_reconnect_after_revoke_works(zoom: Zoom, owner_tokens: Tokens) -> None:
    """After a revoke the user can authorize the app again and get working tokens."""
    zoom.revoke(zoom.app("user"), owner_tokens.access_token)
    again = zoom.connect(zoom.app("user"), zoom.user("owner"))
    assert zoom.api("GET", "/users/me", again.access_token).status_code == 200
