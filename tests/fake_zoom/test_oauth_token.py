"""POST /oauth/token: codes, PKCE, client auth, rotation, S2S, lifetimes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from tests.fake_zoom._seed import ACCT_PRO, User

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom

INVALID_GRANT = {"reason": "Invalid Token!", "error": "invalid_grant"}
EU_API = "https://api-eu.zoom.us"
INVALID_CLIENT = {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}


def assert_access_works(zoom: Zoom, token: str) -> None:
    r = zoom.api("GET", "/users/me", token)
    assert r.status_code == 200, r.text


def assert_access_dead(zoom: Zoom, token: str) -> None:
    zoom.error(zoom.api("GET", "/users/me", token), 401, 124)


def test_authorization_code_exchange_answers_zoom_token_shape(zoom: Zoom) -> None:
    """The code exchange answers access/refresh tokens, bearer type, expires_in 3599, scope."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    r = zoom.exchange(zoom.app("user"), redirect.code)
    tokens = zoom.tokens_of(r)
    assert r.headers["content-type"].startswith("application/json")
    assert tokens.body["token_type"].lower() == "bearer"
    assert tokens.expires_in == 3599
    assert isinstance(tokens.body["scope"], str)
    assert isinstance(tokens.body["api_url"], str)
    assert tokens.refresh_token
    assert tokens.refresh_token != tokens.access_token
    me = zoom.api("GET", "/users/me", tokens.access_token)
    assert me.json()["id"] == zoom.user("owner").id


def test_pkce_right_verifier_succeeds(zoom: Zoom) -> None:
    """A code issued with an S256 challenge is exchanged with the matching verifier."""
    verifier, challenge = zoom.pkce()
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"), code_challenge=challenge)
    tokens = zoom.tokens_of(zoom.exchange(zoom.app("user"), redirect.code, code_verifier=verifier))
    assert_access_works(zoom, tokens.access_token)


@pytest.mark.parametrize("verifier", ["wrong-verifier-" + "x" * 40, None])
def test_pkce_wrong_or_missing_verifier_is_invalid_request(
    zoom: Zoom, verifier: str | None
) -> None:
    """A wrong or missing code_verifier for an S256 code gives 400 invalid_request."""
    _, challenge = zoom.pkce()
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"), code_challenge=challenge)
    r = zoom.exchange(zoom.app("user"), redirect.code, code_verifier=verifier)
    zoom.oauth_error(r, 400, "invalid_request")


def test_code_is_single_use(zoom: Zoom) -> None:
    """An authorization code works once; the second exchange is 400 invalid_request."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    zoom.tokens_of(zoom.exchange(zoom.app("user"), redirect.code))
    zoom.oauth_error(zoom.exchange(zoom.app("user"), redirect.code), 400, "invalid_request")


@pytest.mark.parametrize(("seconds", "works"), [(290, True), (301, False), (3600, False)])
def test_code_lives_five_minutes(zoom: Zoom, seconds: int, works: bool) -> None:
    """Authorization codes expire 5 minutes after issue (fake clock)."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    zoom.advance(seconds)
    r = zoom.exchange(zoom.app("user"), redirect.code)
    if works:
        zoom.tokens_of(r)
    else:
        zoom.oauth_error(r, 400, "invalid_request")


@pytest.mark.parametrize(
    "redirect_uri", ["http://127.0.0.1:8000/zoom/callback/", "http://127.0.0.1:8000/other", None]
)
def test_exchange_redirect_uri_must_equal_authorized(zoom: Zoom, redirect_uri: str | None) -> None:
    """The exchange's redirect_uri must equal the one authorized, else 400 invalid_request."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    r = zoom.exchange(zoom.app("user"), redirect.code, redirect_uri=redirect_uri)
    zoom.oauth_error(r, 400, "invalid_request")


def test_garbage_code_is_invalid_request(zoom: Zoom) -> None:
    """A code that was never issued is 400 invalid_request."""
    zoom.oauth_error(zoom.exchange(zoom.app("user"), "not-a-code"), 400, "invalid_request")


def test_code_is_bound_to_its_client(zoom: Zoom) -> None:
    """A code issued to one app cannot be exchanged with another app's credentials."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    r = zoom.exchange(zoom.app("quiet"), redirect.code)
    assert r.status_code == 400
    assert "access_token" not in r.json()


@pytest.mark.parametrize(
    "auth",
    [
        ("conf-user-app", "wrong-secret"),
        ("no-such-client", "conf-user-secret"),
        ("conf-admin-app", "conf-user-secret"),
    ],
)
def test_bad_client_credentials_are_invalid_client(zoom: Zoom, auth: tuple[str, str]) -> None:
    """Wrong Basic client credentials answer 400 with Zoom's invalid_client body."""
    redirect = zoom.authorize(zoom.app("user"), zoom.user("owner"))
    r = zoom.token_request(
        None,
        {
            "grant_type": "authorization_code",
            "code": redirect.code,
            "redirect_uri": zoom.redirect_uri,
        },
        auth=auth,
    )
    assert r.status_code == 400
    assert r.json() == INVALID_CLIENT


def test_bad_client_on_refresh_is_invalid_client(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Refreshing with a wrong client secret is 400 invalid_client and leaves the token alive."""
    assert owner_tokens.refresh_token is not None
    r = zoom.token_request(
        None,
        {"grant_type": "refresh_token", "refresh_token": owner_tokens.refresh_token},
        auth=("conf-user-app", "nope"),
    )
    assert r.status_code == 400
    assert r.json() == INVALID_CLIENT
    zoom.tokens_of(zoom.refresh(zoom.app("user"), owner_tokens.refresh_token))


def test_refresh_rotates_and_old_refresh_token_dies(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Refresh returns a new working pair; reusing the old refresh token is invalid_grant."""
    assert owner_tokens.refresh_token is not None
    app = zoom.app("user")
    fresh = zoom.tokens_of(zoom.refresh(app, owner_tokens.refresh_token))
    assert fresh.refresh_token
    assert fresh.refresh_token != owner_tokens.refresh_token
    assert fresh.access_token != owner_tokens.access_token
    assert fresh.expires_in == 3599
    assert_access_works(zoom, fresh.access_token)
    reused = zoom.refresh(app, owner_tokens.refresh_token)
    assert reused.status_code == 400
    assert reused.json() == INVALID_GRANT
    again = zoom.tokens_of(zoom.refresh(app, fresh.refresh_token))
    assert_access_works(zoom, again.access_token)


def test_unknown_refresh_token_is_invalid_grant(zoom: Zoom) -> None:
    """A refresh token that was never issued answers 400 with Zoom's invalid_grant body."""
    r = zoom.refresh(zoom.app("user"), "never-issued")
    assert r.status_code == 400
    assert r.json() == INVALID_GRANT


def test_empty_refresh_token_is_refused(zoom: Zoom) -> None:
    """An empty refresh_token answers 400 (invalid_grant or invalid_request), no tokens."""
    r = zoom.refresh(zoom.app("user"), "")
    assert r.status_code == 400
    assert r.json()["error"] in ("invalid_grant", "invalid_request")


def test_refresh_token_of_another_app_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A refresh token cannot be used with a different app's credentials."""
    assert owner_tokens.refresh_token is not None
    r = zoom.refresh(zoom.app("quiet"), owner_tokens.refresh_token)
    assert r.status_code in (400, 401)
    assert "access_token" not in r.json()


def test_access_token_is_not_a_refresh_token(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Presenting an access token as refresh_token gives 400 invalid_grant."""
    r = zoom.refresh(zoom.app("user"), owner_tokens.access_token)
    assert r.status_code == 400
    assert r.json() == INVALID_GRANT


def test_second_authorization_invalidates_earlier_tokens(zoom: Zoom) -> None:
    """Authorizing the same user and app again kills the earlier access and refresh tokens."""
    app, owner = zoom.app("user"), zoom.user("owner")
    first = zoom.connect(app, owner)
    other_user = zoom.connect(app, zoom.user("member"))
    second = zoom.connect(app, owner)
    assert first.refresh_token is not None
    assert_access_dead(zoom, first.access_token)
    r = zoom.refresh(app, first.refresh_token)
    assert r.status_code == 400
    assert r.json() == INVALID_GRANT
    assert_access_works(zoom, second.access_token)
    assert_access_works(zoom, other_user.access_token)


def test_account_credentials_for_s2s(zoom: Zoom) -> None:
    """account_credentials gives an S2S app a bearer token with no refresh token."""
    r = zoom.token_request(
        zoom.app("s2s"), {"grant_type": "account_credentials", "account_id": "acct_conf_pro"}
    )
    tokens = zoom.tokens_of(r)
    assert "refresh_token" not in tokens.body or not tokens.body["refresh_token"]
    assert tokens.body["token_type"].lower() == "bearer"
    assert 0 < tokens.expires_in <= 3600
    assert isinstance(tokens.body["scope"], str)
    u = zoom.api("GET", f"/users/{zoom.user('member').id}", tokens.access_token)
    assert u.status_code == 200


def test_account_credentials_in_query_string(zoom: Zoom) -> None:
    """Zoom's documented S2S form: grant_type and account_id as query parameters."""
    r = zoom.token_request(
        zoom.app("s2s"),
        None,
        params={"grant_type": "account_credentials", "account_id": "acct_conf_pro"},
    )
    zoom.tokens_of(r)


def test_s2s_tokens_can_coexist(zoom: Zoom) -> None:
    """A second S2S token does not invalidate the first (multiple tokens are allowed)."""
    first = zoom.s2s_token(zoom.app("s2s"))
    second = zoom.s2s_token(zoom.app("s2s"))
    for token in (first.access_token, second.access_token):
        r = zoom.api("GET", f"/users/{zoom.user('owner').id}", token)
        assert r.status_code == 200


def test_account_credentials_for_other_account_refused(zoom: Zoom) -> None:
    """An S2S app cannot get a token for an account it is not bound to."""
    r = zoom.token_request(
        zoom.app("s2s"), {"grant_type": "account_credentials", "account_id": "acct_conf_free"}
    )
    assert r.status_code in (400, 401)
    assert "access_token" not in r.json()


@pytest.mark.parametrize("app_key", ["user", "admin"])
def test_account_credentials_refused_for_oauth_apps(zoom: Zoom, app_key: str) -> None:
    """Only S2S apps may use account_credentials."""
    r = zoom.token_request(
        zoom.app(app_key), {"grant_type": "account_credentials", "account_id": "acct_conf_pro"}
    )
    assert r.status_code in (400, 401)
    assert "access_token" not in r.json()


@pytest.mark.parametrize("grant_type", ["password", "implicit", "client_secret"])
def test_unsupported_grant_type(zoom: Zoom, grant_type: str) -> None:
    """An unknown grant_type answers 400 unsupported_grant_type."""
    r = zoom.token_request(zoom.app("user"), {"grant_type": grant_type})
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"


def test_refresh_token_in_query_string_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A refresh token in the URL query is refused and the token is not consumed."""
    assert owner_tokens.refresh_token is not None
    r = zoom.token_request(
        zoom.app("user"),
        None,
        params={"grant_type": "refresh_token", "refresh_token": owner_tokens.refresh_token},
    )
    assert r.status_code in (400, 401)
    assert "access_token" not in r.json()
    zoom.tokens_of(zoom.refresh(zoom.app("user"), owner_tokens.refresh_token))


def test_access_token_in_query_string_is_refused(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An access token in the API query string (no header) answers 401 code 124."""
    r = zoom.api("GET", "/users/me", None, params={"access_token": owner_tokens.access_token})
    zoom.error(r, 401, 124)


@pytest.mark.parametrize(("seconds", "alive"), [(3500, True), (3600, False), (86400, False)])
def test_access_token_expires_after_3599_seconds(
    zoom: Zoom, owner_tokens: Tokens, seconds: int, alive: bool
) -> None:
    """Access tokens die after expires_in seconds on the fake clock: 401 code 124."""
    zoom.advance(seconds)
    if alive:
        assert_access_works(zoom, owner_tokens.access_token)
    else:
        assert_access_dead(zoom, owner_tokens.access_token)


def test_expired_access_token_is_renewed_by_refresh(zoom: Zoom, owner_tokens: Tokens) -> None:
    """After the access token expires the refresh token still yields a working pair."""
    assert owner_tokens.refresh_token is not None
    zoom.advance(7200)
    fresh = zoom.tokens_of(zoom.refresh(zoom.app("user"), owner_tokens.refresh_token))
    assert_access_works(zoom, fresh.access_token)


def test_s2s_token_expires(zoom: Zoom, s2s: Tokens) -> None:
    """An S2S token dies after its expires_in on the fake clock."""
    target = f"/users/{zoom.user('owner').id}"
    zoom.advance(s2s.expires_in - 60)
    assert zoom.api("GET", target, s2s.access_token).status_code == 200
    zoom.advance(61)
    zoom.error(zoom.api("GET", target, s2s.access_token), 401, 124)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense-token", "Basic Zm9vOmJhcg=="])
def test_missing_or_bad_token_is_124(zoom: Zoom, header: str | None) -> None:
    """A missing, malformed or unknown access token answers 401 code 124."""
    headers = {"authorization": header} if header is not None else {}
    r = zoom.http.get(zoom.api_url("/v2/users/me"), headers=headers)
    zoom.error(r, 401, 124)


def test_client_secret_in_form_alone_is_invalid_client(zoom: Zoom) -> None:
    """Client credentials only in the form body (``client_secret_post``) are 400 invalid_client.

    Zoom documents HTTP Basic client authentication only, for every grant (OAuth and S2S
    docs); no source shows a body-only request succeeding.
    """
    app = zoom.app("s2s")
    r = zoom.token_request(
        None,
        {
            "grant_type": "account_credentials",
            "account_id": app.account_id or "",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        auth=None,
    )
    assert r.status_code == 400
    assert r.json() == INVALID_CLIENT


def test_client_secret_in_form_next_to_basic_is_accepted(zoom: Zoom) -> None:
    """Basic credentials with the same credentials repeated in the form are accepted.

    The Server-to-Server snippet in licht1stein/pyzoom#152 sends both.
    """
    app = zoom.app("s2s")
    r = zoom.token_request(
        None,
        {
            "grant_type": "account_credentials",
            "account_id": app.account_id or "",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        auth=(app.client_id, app.client_secret),
    )
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"


def test_api_url_names_the_users_region(zoom: Zoom) -> None:
    """A user seeded with a regional ``api_url`` gets it in the token response.

    Zoom: ``api_url`` "indicates the region serving that user" (e.g. ``https://api-eu.zoom.us``).
    """
    eu = User("eu", "u_conf_eu", "eu@pro.example.com", ACCT_PRO, "member", "UTC", "Eu", "Ro")
    seed_user = {"id": eu.id, "email": eu.email, "account_id": eu.account_id, "role": eu.role}
    zoom.control("POST", "/seed", body={"users": [{**seed_user, "api_url": EU_API}]})
    tokens = zoom.connect(zoom.app("user"), eu)
    assert tokens.body["api_url"] == EU_API
    owner = zoom.connect(zoom.app("user"), zoom.user("owner"))
    assert owner.body["api_url"] != EU_API
