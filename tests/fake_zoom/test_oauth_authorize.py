"""The authorize page: validation, consent, cancel, admin-managed apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Zoom


def test_consent_page_offers_seeded_users_and_authorize(zoom: Zoom) -> None:
    """GET /oauth/authorize renders an HTML consent page with an Authorize button and the users."""
    page = zoom.consent_page(zoom.authorize_query(zoom.app("user")))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parsed = zoom.page(page.text)
    assert any(f.button("Authorize") is not None for f in parsed.forms)
    for key in ("owner", "admin", "member", "free", "free2"):
        assert zoom.user(key).email in page.text


def test_authorize_redirects_with_code_and_state(zoom: Zoom) -> None:
    """Authorize redirects to the exact redirect URI with a code and the state echoed."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("member"), state="xyz-42")
    assert redirect.state == "xyz-42"
    assert redirect.code
    assert set(redirect.params) == {"code", "state"}


def test_cancel_redirects_with_access_denied(zoom: Zoom) -> None:
    """Cancel redirects with error=access_denied and the state, and no code."""
    page = zoom.consent_page(zoom.authorize_query(zoom.app("user"), state="cancel-me"))
    redirect = zoom.redirect_of(zoom.submit_consent(page, user=None, button="Cancel"))
    assert redirect.params.get("error") == "access_denied"
    assert redirect.state == "cancel-me"
    assert "code" not in redirect.params


def test_unknown_client_id_is_4702(zoom: Zoom) -> None:
    """An unknown client_id answers 400 with Zoom's errorCode 4702 JSON."""
    query = zoom.authorize_query(zoom.app("user"))
    query["client_id"] = "no-such-app"
    r = zoom.consent_page(query)
    assert r.status_code == 400
    assert r.json() == {
        "status": False,
        "errorCode": 4702,
        "errorMessage": "Invalid client_id: no-such-app",
        "result": None,
    }


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:8000/zoom/callback/",
        "http://127.0.0.1:8000/zoom/other",
        "https://127.0.0.1:8000/zoom/callback",
        "http://localhost:8000/zoom/callback",
        "https://evil.example.com/zoom/callback",
    ],
)
def test_redirect_uri_must_match_exactly(zoom: Zoom, redirect_uri: str) -> None:
    """A redirect_uri that is not exactly registered answers 400 with errorCode 4700."""
    r = zoom.consent_page(zoom.authorize_query(zoom.app("user"), redirect_uri=redirect_uri))
    assert r.status_code == 400
    assert r.json() == {
        "status": False,
        "errorCode": 4700,
        "errorMessage": f"Invalid redirect: {redirect_uri}",
        "result": None,
    }


@pytest.mark.parametrize("response_type", ["token", "", "code id_token"])
def test_response_type_must_be_code(zoom: Zoom, response_type: str) -> None:
    """response_type other than ``code`` is refused with HTTP 400 and no consent form."""
    r = zoom.consent_page(zoom.authorize_query(zoom.app("user"), response_type=response_type))
    assert r.status_code == 400
    assert not any(f.button("Authorize") for f in zoom.page(r.text).forms)


@pytest.mark.parametrize("key", ["owner", "admin"])
def test_admin_app_authorized_by_owner_or_admin(zoom: Zoom, key: str) -> None:
    """An admin-managed app can be authorized by an account owner or admin."""
    tokens = zoom.connect(zoom.app("admin"), zoom.user(key))
    me = zoom.api("GET", f"/users/{zoom.user(key).id}", tokens.access_token)
    assert me.status_code == 200


@pytest.mark.parametrize("key", ["member", "free2"])
def test_admin_app_refused_for_members(zoom: Zoom, key: str) -> None:
    """A member authorizing an admin-managed app gets an HTTP 403 error page, no redirect."""
    page = zoom.consent_page(zoom.authorize_query(zoom.app("admin")))
    r = zoom.submit_consent(page, user=zoom.user(key), button="Authorize")
    assert r.status_code == 403
    assert "location" not in r.headers


def test_plain_pkce_is_refused(zoom: Zoom) -> None:
    """code_challenge_method=plain is refused: no code obtained with it can be exchanged."""
    verifier = "plain-verifier-" + "a" * 40
    query = zoom.authorize_query(
        zoom.app("user"), code_challenge=verifier, code_challenge_method="plain"
    )
    page = zoom.consent_page(query)
    if page.status_code != 200:
        assert page.status_code == 400
        return
    r = zoom.submit_consent(page, user=zoom.user("owner"), button="Authorize")
    if r.status_code != 302:
        assert r.status_code == 400
        return
    redirect = zoom.redirect_of(r)
    if "code" not in redirect.params:
        assert redirect.params.get("error")
        return
    exchange = zoom.exchange(zoom.app("user"), redirect.code, code_verifier=verifier)
    zoom.oauth_error(exchange, 400, "invalid_request")
