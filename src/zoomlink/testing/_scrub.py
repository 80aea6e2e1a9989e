"""Replacing the secrets in recorded HTTP traffic with stable placeholders (pure functions).

What counts as a secret, and where Zoom puts it:

- OAuth (Zoom's "Using OAuth 2.0" and Server-to-Server OAuth guides): ``access_token`` and
  ``refresh_token`` in token responses and ``Authorization: Bearer`` headers; the app's
  ``client_id:client_secret`` in ``Authorization: Basic``; the authorization ``code`` on the
  redirect and in the token request; the PKCE ``code_verifier``; the ``token`` sent to
  ``/oauth/revoke``; a ``client_secret`` sent in a form body (client_secret_post).
- Meetings (Zoom's OpenAPI, "Create a meeting" 201 schema): ``start_url`` logs anyone in as the
  host (its ``zak`` query value is the host's token); ``join_url`` embeds the passcode as
  ``pwd``; ``password``, ``encrypted_password``, ``h323_password``, ``pstn_password`` and
  ``dynamic_host_key``; a registrant's join link carries ``tk``; ``GET /users/me/token``
  answers a ZAK as ``token``.
- Webhooks (Zoom's webhook docs): ``x-zm-signature`` is an HMAC made with the Secret Token,
  and ``endpoint.url_validation`` sends a ``plainToken`` that the app answers with an
  ``encryptedToken`` (another HMAC with the Secret Token); ``app_deauthorized`` carries a
  ``signature`` for Zoom's data compliance API.

Placeholders keep the shape of what they replace (a JSON string stays a JSON string, a form
value stays percent-encoded), so a scrubbed body still parses when it is played back. Every
function here is idempotent: scrubbing a scrubbed value changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

# JSON fields whose whole value is a secret, wherever they are nested.
JSON_SECRETS: Mapping[str, str] = {
    "access_token": "<ACCESS_TOKEN>",
    "refresh_token": "<REFRESH_TOKEN>",
    "id_token": "<ID_TOKEN>",
    "client_secret": "<CLIENT_SECRET>",
    "code_verifier": "<CODE_VERIFIER>",
    "token": "<TOKEN>",
    "zak": "<ZAK>",
    "password": "<PASSCODE>",
    "encrypted_password": "<ENCRYPTED_PASSCODE>",
    "h323_password": "<H323_PASSCODE>",
    "pstn_password": "<PSTN_PASSCODE>",
    "host_key": "<HOST_KEY>",
    "dynamic_host_key": "<HOST_KEY>",
    "plainToken": "<PLAIN_TOKEN>",
    "encryptedToken": "<ENCRYPTED_TOKEN>",
    "secretToken": "<WEBHOOK_SECRET>",
    "signature": "<SIGNATURE>",
}

# Query-string and form parameters whose value is a secret, in any URL, form body or text.
PARAMETER_SECRETS: Mapping[str, str] = {
    "access_token": "<ACCESS_TOKEN>",
    "refresh_token": "<REFRESH_TOKEN>",
    "client_secret": "<CLIENT_SECRET>",
    "code": "<AUTHORIZATION_CODE>",
    "code_verifier": "<CODE_VERIFIER>",
    "token": "<TOKEN>",
    "zak": "<ZAK>",
    "pwd": "<JOIN_PASSCODE>",
    "tk": "<REGISTRANT_TOKEN>",
    "password": "<PASSCODE>",
}

# A start_url is the host's key to the meeting: every query value in it is a secret.
START_URL_FIELD = "start_url"
START_URL_TOKEN = "<START_URL_TOKEN>"

BEARER = "Bearer <ACCESS_TOKEN>"
BASIC = "Basic <CLIENT_CREDENTIALS>"
AUTHORIZATION = "<AUTHORIZATION>"
SIGNATURE = "v0=<SIGNATURE>"
COOKIE = "<COOKIE>"

_PARAMETER = re.compile(
    r"(?P<lead>(?:^|[?#&;\s\"'(])(?P<name>"
    + "|".join(sorted(map(re.escape, PARAMETER_SECRETS), key=len, reverse=True))
    + r")=)(?P<value>[^&#\s\"'<>]*)",
)
_ANY_PARAMETER = re.compile(r"(?P<lead>[?#&](?P<name>[^=&#\s]+)=)(?P<value>[^&#\s\"'<>]*)")


def _encoded(placeholder: str) -> str:
    """A placeholder as it stands in a query string or form body (percent-encoded)."""
    return quote(placeholder, safe="")


def _already(value: str) -> bool:
    """Nothing to hide: an empty value, or a placeholder already."""
    return value == "" or value.startswith(("<", "%3C"))


def scrub_parameters(text: str) -> str:
    """`text` with the value of every secret query or form parameter replaced."""

    def replace(match: re.Match[str]) -> str:
        if _already(match["value"]):
            return match[0]
        return match["lead"] + _encoded(PARAMETER_SECRETS[match["name"]])

    return _PARAMETER.sub(replace, text)


def scrub_start_url(url: str) -> str:
    """A ``start_url`` with every query value replaced (``zak`` and whatever Zoom adds)."""

    def replace(match: re.Match[str]) -> str:
        if _already(match["value"]):
            return match[0]
        placeholder = PARAMETER_SECRETS.get(match["name"], START_URL_TOKEN)
        return match["lead"] + _encoded(placeholder)

    return _ANY_PARAMETER.sub(replace, url)


def scrub_json_value(value: Any, key: str | None = None) -> Any:
    """A decoded JSON value with its secrets replaced; `key` is the field it sits in."""
    if isinstance(value, dict):
        return {k: scrub_json_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json_value(item, key) for item in value]
    if key is not None and key in JSON_SECRETS and isinstance(value, str) and value:
        return JSON_SECRETS[key]
    if key == START_URL_FIELD and isinstance(value, str):
        return scrub_start_url(value)
    if isinstance(value, str):
        return scrub_parameters(value)
    return value


def scrub_text(text: str) -> str:
    """A body's text with its secrets replaced: field by field when it is JSON, else every
    secret parameter (form bodies, HTML pages, plain text)."""
    try:
        document = json.loads(text)
    except ValueError:
        return scrub_parameters(text)
    scrubbed = scrub_json_value(document)
    if scrubbed == document:
        return text  # nothing secret: keep the bytes exactly as they were
    return json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"))


def scrub_body(body: bytes | str | None) -> bytes | str | None:
    """A request or response body with its secrets replaced (same type as given). Bodies that
    are not UTF-8 text are returned as they are: zoomlink's traffic is all text."""
    if body is None or body in (b"", ""):
        return body
    if isinstance(body, str):
        return scrub_text(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    scrubbed = scrub_text(text)
    return body if scrubbed == text else scrubbed.encode("utf-8")


def scrub_header(name: str, value: str) -> str:
    """One header value with its secrets replaced."""
    lowered = name.lower()
    if lowered in {"authorization", "proxy-authorization"}:
        scheme = value.split(" ", 1)[0].lower()
        if scheme == "bearer":
            return BEARER
        if scheme == "basic":
            return BASIC
        return AUTHORIZATION
    if lowered == "x-zm-signature":
        return SIGNATURE
    if lowered in {"cookie", "set-cookie"}:
        return COOKIE
    return scrub_parameters(value)
