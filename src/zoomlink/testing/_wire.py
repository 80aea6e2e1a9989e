"""Reading Zoom requests and writing Zoom responses: the wire details the handlers share."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx

from ._consent import error_page
from ._errors import FakeZoomError, bad_json, invalid_token, token_in_query

JSON_TYPE = "application/json;charset=UTF-8"
HTML_TYPE = "text/html;charset=utf-8"
SECRET_PARAMETERS = frozenset(
    {"access_token", "refresh_token", "token", "code", "code_verifier", "client_secret"}
)


@attrs.define
class Exchange:
    """One request being answered, and what the journal should say about it."""

    request: httpx.Request
    route: str | None
    params: dict[str, str]
    user_id: str | None = None
    client_id: str | None = None
    grant_type: str | None = None

    def query(self) -> dict[str, str]:
        """The query string's parameters (the last value of a repeated one)."""
        return dict(self.request.url.params.items())

    def form(self) -> dict[str, str]:
        """The form body's fields ({} unless the body is x-www-form-urlencoded)."""
        content_type = self.request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return {}
        return dict(parse_qsl(self.request.content.decode("utf-8", "replace")))

    def json_object(self) -> dict[str, Any]:
        """The JSON object body, else 400 code 300."""
        try:
            body = json.loads(self.request.content)
        except ValueError:
            raise bad_json() from None
        if not isinstance(body, dict):
            raise bad_json()
        return body

    def basic_auth(self) -> tuple[str | None, str | None]:
        """(client_id, client_secret) from an HTTP Basic header, or (None, None)."""
        scheme, _, value = self.request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None, None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, colon, secret = decoded.partition(":")
        return (client_id, secret) if colon else (None, None)

    def bearer_token(self) -> str:
        """The access token of an API request, else 401 code 124."""
        if "access_token" in self.request.url.params:
            raise token_in_query()
        header: str = self.request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise invalid_token()
        return token.strip()


def redacted_query(request: httpx.Request) -> dict[str, str]:
    """The query string for the journal, with token values replaced."""
    return {
        key: "[redacted]" if key in SECRET_PARAMETERS else value
        for key, value in request.url.params.items()
    }


def json_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """A JSON answer, compact as Zoom sends it."""
    content = json.dumps(body, separators=(",", ":")).encode("utf-8")
    return httpx.Response(
        status, headers={"content-type": JSON_TYPE, **(headers or {})}, content=content
    )


def html_response(
    status: int, page: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """An HTML answer."""
    return httpx.Response(
        status, headers={"content-type": HTML_TYPE, **(headers or {})}, content=page.encode("utf-8")
    )


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> httpx.Response:
    """An answer without a body (204)."""
    return httpx.Response(status, headers=dict(headers or {}))


def redirect(location: str) -> httpx.Response:
    """A 302 to `location`."""
    return httpx.Response(302, headers={"location": location, "content-length": "0"})


def error_response(error: FakeZoomError) -> httpx.Response:
    """Zoom's error body (JSON), or the consent page's error page (text)."""
    if isinstance(error.body, str):
        return html_response(error.status, error_page(error.body), error.headers)
    return json_response(error.status, error.body, error.headers)
