"""Starting and completing an OAuth connect: attempts, signed ``state``, the callback query.

The ``state`` is ``{attempt_id}.{expires_unix}.{key_id}.{hmac}``: signed so it cannot be forged,
with its expiry inside the signature so a stale one is refused before the store is asked, and
pointing at a stored attempt that can be taken only once — which makes it single-use. The PKCE
verifier stays in that attempt, sealed; it never travels through the browser.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

from zoomlink.errors import (
    AuthorizationDeniedError,
    InvalidInputError,
    InvalidStateError,
    RedirectMismatchError,
)
from zoomlink.keyring import Keyring
from zoomlink.models import ConnectAttempt, ConnectionKind, Pkce, ZoomApp

STATE_LIFETIME = timedelta(minutes=10)
"""How long a connect link works: long enough to log in to Zoom, short enough to be stale."""


def new_attempt(
    *,
    kind: ConnectionKind,
    tenant: str,
    user_id: str,
    app: ZoomApp,
    keyring: Keyring,
    now: datetime,
    lifetime: timedelta = STATE_LIFETIME,
) -> tuple[ConnectAttempt, Pkce]:
    """A fresh attempt and its PKCE pair (the verifier is sealed inside the attempt)."""
    if not tenant or not user_id:
        raise InvalidInputError("tenant and user_id must be non-empty strings")
    attempt_id = secrets.token_urlsafe(18)
    pkce = Pkce.new()
    attempt = ConnectAttempt(
        id=attempt_id,
        tenant=tenant,
        kind=kind,
        user_id=user_id,
        client_id=app.client_id,
        sealed_verifier=keyring.seal(pkce.verifier, context=f"attempt:{attempt_id}"),
        created_at=now,
        expires_at=now + lifetime,
    )
    return attempt, pkce


def open_verifier(keyring: Keyring, attempt: ConnectAttempt) -> str:
    """The attempt's PKCE verifier, in clear."""
    return keyring.open(attempt.sealed_verifier, context=f"attempt:{attempt.id}")


def encode_state(keyring: Keyring, attempt: ConnectAttempt) -> str:
    """The signed ``state`` for an attempt."""
    message = f"{attempt.id}.{int(attempt.expires_at.timestamp())}"
    return f"{message}.{keyring.sign(message)}"


def decode_state(keyring: Keyring, state: str, now: datetime) -> str:
    """The attempt id a ``state`` carries, once its signature and expiry check out.

    Raises:
        InvalidStateError: ``missing``, ``forged`` or ``expired``.
    """
    if not state:
        raise InvalidStateError("the callback carries no state", reason="missing")
    parts = state.split(".")
    if len(parts) != 4 or not parts[1].isdigit():
        raise InvalidStateError("the callback's state is not one zoomlink made", reason="forged")
    attempt_id, expires, key_id, mac = parts
    message = f"{attempt_id}.{expires}"
    if not keyring.verify(message, f"{key_id}.{mac}"):
        raise InvalidStateError(
            "the callback's state has a bad signature: forged, or signed with a key that is no "
            "longer in the keyring",
            reason="forged",
        )
    if now >= datetime.fromtimestamp(int(expires), timezone.utc):
        raise InvalidStateError(
            "the connect link has expired; start connecting again", reason="expired"
        )
    return attempt_id


def _same_endpoint(received: str, expected: str) -> bool:
    got, want = urlsplit(received), urlsplit(expected)
    return (
        got.scheme.lower() == want.scheme.lower()
        and got.netloc.lower() == want.netloc.lower()
        and (got.path or "/") == (want.path or "/")
    )


def parse_callback(callback: str | Mapping[str, str]) -> tuple[str | None, dict[str, str]]:
    """The URL the browser came back to (``None`` when only the query was given) and the
    query's parameters. A callback is the full URL, its query string (with or without ``?``)
    or a mapping of its parameters (``request.GET``, ``request.query_params``).

    Raises:
        InvalidInputError: For a callback of another type.
    """
    if isinstance(callback, str):
        parts = urlsplit(callback)
        if parts.scheme and parts.netloc:
            url = f"{parts.scheme}://{parts.netloc}{parts.path}"
            return url, dict(parse_qsl(parts.query, keep_blank_values=True))
        return None, dict(parse_qsl(callback.removeprefix("?"), keep_blank_values=True))
    if isinstance(callback, Mapping):
        return None, {str(key): str(value) for key, value in callback.items()}
    raise InvalidInputError(
        f"callback must be the callback URL, its query string or a mapping, not "
        f"{type(callback).__name__}"
    )


def check_redirect(url: str | None, redirect_uri: str) -> None:
    """Refuse a callback that reached a URL other than the app's redirect URL.

    Raises:
        RedirectMismatchError: Naming both URLs.
    """
    if url is not None and not _same_endpoint(url, redirect_uri):
        raise RedirectMismatchError(
            f"the callback came to {url}, not the app's redirect URL {redirect_uri}",
            expected=redirect_uri,
            received=url,
        )


def denial(params: Mapping[str, str], user_id: str | None) -> AuthorizationDeniedError | None:
    """The error for a redirect that carries Zoom's ``error`` (the user declined), if it does."""
    error = params.get("error", "")
    if not error:
        return None
    return AuthorizationDeniedError(
        f"Zoom returned error={error!r}: the Zoom user did not authorise the app",
        error=error,
        user_id=user_id,
    )


def authorization_code(params: Mapping[str, str]) -> str:
    """The code in the callback.

    Raises:
        InvalidInputError: When there is none.
    """
    code = params.get("code", "")
    if not code:
        raise InvalidInputError("the callback carries no authorization code")
    return code
