"""Zoom-shaped signed tokens: OAuth access and refresh tokens, and the ``zak`` of start links.

Zoom's tokens are JWTs that clients must treat as opaque (Zoom changed their claim names
without notice, devforum.zoom.us/t/getting-zoom-userid-from-access-token/25064). The fake's
have the same shape, so a client that stores or logs them meets the real sizes:

* OAuth tokens: header ``{"alg": "HS512", "v": "2.0", "kid": ...}`` (Zoom's public Postman
  collection's sample token; HS512 per devforum.zoom.us/t/oauth-access-token-signature-
  verification/7899) and Zoom's short claim names ``aud``, ``uid``, ``ver``, ``auid``,
  ``nbf``, ``code``, ``iss``, ``gno``, ``exp``, ``tokenType``, ``iat``, ``aid``, ``jti``
  (``uid``/``aid`` replaced ``userId``/``accountId`` in version 7, devforum 25064); about
  600 characters.
* ``zak`` (start links): header ``{"zm_skm": "zm_o2m", "alg": "HS256", "typ": "JWT"}`` and
  claims ``aud``, ``uid``, ``iss``, ``sty``, ``wcd``, ``clt``, ``stk``, ``exp``, ``iat``,
  ``aid``, ``cid``, as seen in a start link's ``zak`` (github.com/crinny/zoomrip/issues/22).

Each is signed with the fake's own key (HMAC), so it cannot be forged; the fake still looks
every token up in its state, so a token it did not issue is unknown whatever its signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from ._ids import IdSource

OAUTH_AUDIENCE = "https://oauth.zoom.us"
_OAUTH_VERSION = 10


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _part(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def sign(key: bytes, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """``base64url(header).base64url(claims).base64url(HMAC(key, the two))``."""
    digest = hashlib.sha512 if header.get("alg") == "HS512" else hashlib.sha256
    signing_input = f"{_part(header)}.{_part(claims)}"
    signature = hmac.new(key, signing_input.encode("ascii"), digest).digest()
    return f"{signing_input}.{_b64(signature)}"


def _seconds(when: datetime) -> int:
    return int(when.timestamp())


def oauth_token(
    ids: IdSource,
    key: bytes,
    *,
    kind: str,
    client_id: str,
    account_id: str,
    user_id: str | None,
    issued: datetime,
    expires: datetime,
) -> str:
    """An access (``kind="access"``) or refresh token as Zoom's token endpoint returns one."""
    header = {"alg": "HS512", "v": "2.0", "kid": ids.uuid_text("kid")}
    claims: dict[str, Any] = {"aud": OAUTH_AUDIENCE}
    if user_id is not None:
        claims["uid"] = user_id
    claims.update(
        ver=_OAUTH_VERSION,
        auid=ids.hex(64, "auid"),
        nbf=_seconds(issued),
        code=ids.secret("token-code", 24),
        iss=f"zm:cid:{client_id}",
        gno=0,
        exp=_seconds(expires),
        tokenType=f"{kind}_token",
        iat=_seconds(issued),
        aid=account_id,
        jti=ids.uuid_text("jti"),
    )
    return sign(key, header, claims)


def zak_token(
    ids: IdSource, key: bytes, *, user_id: str, account_id: str, issued: datetime, ttl: timedelta
) -> str:
    """The ``zak`` carried by a meeting's ``start_url``."""
    header = {"zm_skm": "zm_o2m", "alg": "HS256", "typ": "JWT"}
    claims = {
        "aud": "clientsm",
        "uid": user_id,
        "iss": "web",
        "sty": 100,
        "wcd": "us05",
        "clt": 0,
        "stk": ids.secret("zak-stk", 96),
        "exp": _seconds(issued + ttl),
        "iat": _seconds(issued),
        "aid": account_id,
        "cid": "",
    }
    return sign(key, header, claims)
