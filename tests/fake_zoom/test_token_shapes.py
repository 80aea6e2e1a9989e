"""Access and refresh tokens have the shape of Zoom's: signed JWTs, opaque to clients.

Sources: Zoom's public Postman collection shows a sample token whose header is
``{"alg":"HS512","v":"2.0","kid":...}``; devforum.zoom.us/t/oauth-access-token-signature-
verification/7899 (signed with HS512); devforum.zoom.us/t/getting-zoom-userid-from-access-
token/25064 (the short claim names ``uid`` and ``aid``, and "treat the token as opaque").
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from tests.fake_zoom._client import Tokens, Zoom

CLAIMS = {"aud", "uid", "ver", "auid", "nbf", "code", "iss", "gno", "exp", "tokenType", "iat"}


def decode(part: str) -> Any:
    """One base64url part of a JWT, decoded from JSON."""
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture
def tokens(zoom: Zoom) -> dict[str, Any]:
    """A fresh token answer for the seeded member and the user-managed app."""
    answer: Tokens = zoom.connect(zoom.app("user"), zoom.user("member"))
    return answer.body


def test_tokens_are_three_base64url_parts_of_zooms_size(tokens: dict[str, Any]) -> None:
    """Both tokens are header.claims.signature in base64url, 500 to 700 characters long."""
    for name in ("access_token", "refresh_token"):
        value = tokens[name]
        parts = value.split(".")
        assert len(parts) == 3, name
        assert all(part and "=" not in part for part in parts), name
        assert 500 <= len(value) <= 700, (name, len(value))


def test_the_header_and_claims_are_zooms(zoom: Zoom, tokens: dict[str, Any]) -> None:
    """The header says HS512 with a key id; the claims use Zoom's names and times."""
    header = decode(tokens["access_token"].split(".")[0])
    assert (header["alg"], header["v"]) == ("HS512", "2.0")
    assert header["kid"]
    claims = decode(tokens["access_token"].split(".")[1])
    assert set(claims) >= CLAIMS
    assert claims["tokenType"] == "access_token"
    member = zoom.user("member")
    assert (claims["uid"], claims["aid"]) == (member.id, member.account_id)
    assert claims["exp"] - claims["iat"] == tokens["expires_in"]
    assert decode(tokens["refresh_token"].split(".")[1])["tokenType"] == "refresh_token"


def test_a_token_with_changed_claims_is_refused(zoom: Zoom, tokens: dict[str, Any]) -> None:
    """A token whose claims were altered (its signature no longer matches) gets 401 code 124."""
    header, claims, signature = tokens["access_token"].split(".")
    changed = decode(claims)
    changed["exp"] += 3600
    forged_claims = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_claims}.{signature}"
    answer = zoom.api("GET", "/users/me", forged)
    assert (answer.status_code, answer.json()["code"]) == (401, 124)
