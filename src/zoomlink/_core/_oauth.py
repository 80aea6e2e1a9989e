"""Zoom's OAuth endpoints: authorize URL, PKCE, token exchange, refresh, S2S token, revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from zoomlink._core._http import ZoomRequest, ZoomResponse, basic, decode_json, response_error
from zoomlink.models import Endpoints, Tokens, ZoomApp


def build_authorize_url(
    endpoints: Endpoints, app: ZoomApp, *, state: str, code_challenge: str
) -> str:
    """The URL that sends a browser to Zoom's consent page."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoints.oauth_base_url}/oauth/authorize?{query}"


def _token_request(
    endpoints: Endpoints, app: ZoomApp, form: dict[str, str], *secret_values: str
) -> ZoomRequest:
    # Tokens and codes go in the form body: Zoom refuses them in query strings.
    return ZoomRequest(
        method="POST",
        url=f"{endpoints.oauth_base_url}/oauth/token",
        route="oauth.token",
        headers=basic(app.client_id, app.client_secret),
        form=tuple(form.items()),
        secrets=(app.client_secret, *secret_values),
    )


def build_code_exchange(
    endpoints: Endpoints, app: ZoomApp, *, code: str, code_verifier: str
) -> ZoomRequest:
    """Exchange an authorization code (with its PKCE verifier) for tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uri,
        "code_verifier": code_verifier,
    }
    return _token_request(endpoints, app, form, code, code_verifier)


def build_refresh(endpoints: Endpoints, app: ZoomApp, *, refresh_token: str) -> ZoomRequest:
    """Trade a refresh token (which dies on use) for a new token pair."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _token_request(endpoints, app, form, refresh_token)


def build_account_token(endpoints: Endpoints, app: ZoomApp) -> ZoomRequest:
    """Ask for a Server-to-Server app's account token."""
    form = {"grant_type": "account_credentials", "account_id": app.account_id or ""}
    return _token_request(endpoints, app, form)


def build_revoke(endpoints: Endpoints, app: ZoomApp, *, token: str) -> ZoomRequest:
    """Revoke a grant at Zoom; Zoom then uninstalls the app for that user."""
    return ZoomRequest(
        method="POST",
        url=f"{endpoints.oauth_base_url}/oauth/revoke",
        route="oauth.revoke",
        headers=basic(app.client_id, app.client_secret),
        form=(("token", token),),
        secrets=(app.client_secret, token),
    )


def decode_tokens(request: ZoomRequest, response: ZoomResponse, now: datetime) -> Tokens:
    """The token set in a successful token answer; ``expires_in`` becomes an absolute time."""
    data: Any = decode_json(request, response, now)
    if not isinstance(data, dict):
        raise response_error(request, response, "a JSON object")
    access = data.get("access_token")
    expires_in = data.get("expires_in")
    if not isinstance(access, str) or not access:
        raise response_error(request, response, "access_token")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        raise response_error(request, response, "a positive expires_in")
    refresh = data.get("refresh_token")
    scope = data.get("scope")
    api_url = data.get("api_url")
    return Tokens(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=now + timedelta(seconds=expires_in),
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
        api_url=api_url if isinstance(api_url, str) else None,
    )


def decode_revoke(request: ZoomRequest, response: ZoomResponse, now: datetime) -> None:
    """Check that Zoom accepted a revocation."""
    decode_json(request, response, now)
