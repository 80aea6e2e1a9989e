"""Grants: sealing their tokens, deciding when to refresh, and judging Zoom's refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import attrs

from zoomlink.errors import ZoomOAuthError
from zoomlink.keyring import Keyring
from zoomlink.models import Endpoints, Grant, Tokens, ZoomApp, ZoomUser

REFRESH_MARGIN = timedelta(minutes=5)
"""Refresh this long before the access token expires, so no call starts with a dying token."""


def grant_id_for(app: ZoomApp, zoom_user_id: str) -> str:
    """The grant id: Zoom keeps one live grant per app and user (per account for S2S apps)."""
    if app.kind == "s2s":
        return f"{app.client_id}:account:{app.account_id}"
    return oauth_grant_id(app.client_id, zoom_user_id)


def oauth_grant_id(client_id: str, zoom_user_id: str) -> str:
    """The id of a Zoom user's grant of an OAuth app, so it can be named from a webhook even
    after the grant itself was deleted."""
    return f"{client_id}:{zoom_user_id}"


def followed_api_url(grant: Grant, endpoints: Endpoints) -> str | None:
    """The regional API base to send ``grant``'s calls to, or None to stay on ``endpoints``.

    Zoom names the region serving a user in the token response's ``api_url`` (for example
    ``https://api-eu.zoom.us``) and adds that the global ``https://api.zoom.us`` keeps working
    whatever it says (Zoom's "Using Zoom APIs", Regional base URLs). Bearer tokens go only to
    an ``https`` host under ``zoom.us``, or to the configured API host itself.
    """
    if not grant.api_url:
        return None
    wanted = urlsplit(grant.api_url)
    configured = urlsplit(endpoints.api_base_url)
    host = (wanted.hostname or "").lower()
    zoom_host = wanted.scheme == "https" and (host == "zoom.us" or host.endswith(".zoom.us"))
    same_host = (wanted.scheme, wanted.netloc) == (configured.scheme, configured.netloc)
    if not (zoom_host or same_host) or wanted.query or wanted.fragment:
        return None
    followed = grant.api_url.rstrip("/")
    return None if followed == endpoints.api_base_url else followed


def _with_tokens(grant: Grant, tokens: Tokens, keyring: Keyring, **changes: object) -> Grant:
    refresh = tokens.refresh_token
    return attrs.evolve(
        grant,
        sealed_access_token=keyring.seal(tokens.access_token, context=f"{grant.id}:access"),
        sealed_refresh_token=(
            keyring.seal(refresh, context=f"{grant.id}:refresh") if refresh else None
        ),
        expires_at=tokens.expires_at,
        scopes=tokens.scopes,
        api_url=tokens.api_url,
        **changes,  # type: ignore[arg-type]
    )


def new_grant(
    app: ZoomApp, user: ZoomUser | None, tokens: Tokens, keyring: Keyring, now: datetime
) -> Grant:
    """A grant for freshly issued tokens (``user`` is ``None`` for Server-to-Server apps)."""
    grant = Grant(
        id=grant_id_for(app, user.id if user else ""),
        client_id=app.client_id,
        app_kind=app.kind,
        zoom_user_id=user.id if user else "",
        zoom_email=user.email if user else "",
        zoom_account_id=user.account_id if user else (app.account_id or ""),
        zoom_role=user.role if user else "",
        created_at=now,
        updated_at=now,
    )
    return _with_tokens(grant, tokens, keyring)


def reauthorised(current: Grant, fresh: Grant) -> Grant:
    """``current`` after a new authorisation: new tokens and identity, healthy again."""
    return attrs.evolve(
        fresh,
        created_at=current.created_at,
        version=current.version + 1,
    )


def rotated(grant: Grant, tokens: Tokens, keyring: Keyring, now: datetime) -> Grant:
    """``grant`` holding a refreshed token pair."""
    return _with_tokens(grant, tokens, keyring, updated_at=now, version=grant.version + 1)


def broken(grant: Grant, reason: str, incident_id: str, now: datetime) -> Grant:
    """``grant`` marked as needing reconnection; its dead tokens are wiped."""
    return attrs.evolve(
        grant,
        status="needs_reconnect",
        status_reason=reason,
        incident_id=incident_id,
        sealed_access_token=None,
        sealed_refresh_token=None,
        expires_at=None,
        updated_at=now,
        version=grant.version + 1,
    )


def resealed(grant: Grant, keyring: Keyring, now: datetime) -> Grant | None:
    """``grant`` with its tokens sealed under the primary key, or ``None`` if they already are."""

    def reseal(sealed: str | None, suffix: str) -> str | None:
        if sealed is None or not keyring.needs_reseal(sealed):
            return sealed
        plain = keyring.open(sealed, context=f"{grant.id}:{suffix}")
        return keyring.seal(plain, context=f"{grant.id}:{suffix}")

    access = reseal(grant.sealed_access_token, "access")
    refresh = reseal(grant.sealed_refresh_token, "refresh")
    if access == grant.sealed_access_token and refresh == grant.sealed_refresh_token:
        return None
    return attrs.evolve(
        grant,
        sealed_access_token=access,
        sealed_refresh_token=refresh,
        updated_at=now,
        version=grant.version + 1,
    )


def access_token(keyring: Keyring, grant: Grant) -> str | None:
    """The grant's access token in clear (``None`` when it has none)."""
    if grant.sealed_access_token is None:
        return None
    return keyring.open(grant.sealed_access_token, context=f"{grant.id}:access")


def refresh_token(keyring: Keyring, grant: Grant) -> str | None:
    """The grant's refresh token in clear (``None`` for Server-to-Server grants)."""
    if grant.sealed_refresh_token is None:
        return None
    return keyring.open(grant.sealed_refresh_token, context=f"{grant.id}:refresh")


def is_fresh(grant: Grant, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
    """Whether the access token will outlive ``margin`` from ``now``."""
    return (
        grant.sealed_access_token is not None
        and grant.expires_at is not None
        and now < grant.expires_at - margin
    )


def rejection_is_final(error: ZoomOAuthError) -> bool:
    """Whether a refusal of a refresh means the grant is gone (revoked, uninstalled, demoted,
    expired), rather than a fault worth retrying.

    Zoom answers a dead refresh token with ``invalid_grant`` (older tokens: ``invalid_request``
    with "Invalid Token!"), and a removed owner with 4735.
    """
    if error.error == "invalid_grant":
        return True
    if error.code in (4735, 4738, 4741):
        return True
    return error.error == "invalid_request" and "token" in error.reason.lower()
