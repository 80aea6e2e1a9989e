"""Zoom's users endpoints: who a token belongs to, and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from zoomlink._core._http import ZoomRequest, ZoomResponse, bearer, decode_json, response_error
from zoomlink.models import Endpoints, ZoomRole, ZoomUser

# Zoom's role_id values for the built-in roles; role_name is used when it is one of these words.
_ROLE_IDS: dict[str, ZoomRole] = {"0": "owner", "1": "admin", "2": "member"}
_ROLE_NAMES: dict[str, ZoomRole] = {"owner": "owner", "admin": "admin", "member": "member"}


def user_path(user: str) -> str:
    """The URL path segment for a user: ``me``, an ID or an e-mail address."""
    return quote(user, safe="@.")


def build_get_user(endpoints: Endpoints, token: str, user: str = "me") -> ZoomRequest:
    """``GET /v2/users/{user}``."""
    return ZoomRequest(
        method="GET",
        url=f"{endpoints.api_base_url}/v2/users/{user_path(user)}",
        route="users.get",
        headers=bearer(token),
        secrets=(token,),
    )


def build_get_user_settings(endpoints: Endpoints, token: str, user: str = "me") -> ZoomRequest:
    """``GET /v2/users/{user}/settings``."""
    return ZoomRequest(
        method="GET",
        url=f"{endpoints.api_base_url}/v2/users/{user_path(user)}/settings",
        route="users.settings",
        headers=bearer(token),
        secrets=(token,),
    )


def _role(data: dict[str, Any]) -> ZoomRole:
    name = str(data.get("role_name") or "").strip().lower()
    if name in _ROLE_NAMES:
        return _ROLE_NAMES[name]
    # Custom roles carry other names; role_id still tells owner and admin apart.
    return _ROLE_IDS.get(str(data.get("role_id") or ""), "member")


def decode_user(request: ZoomRequest, response: ZoomResponse, now: datetime) -> ZoomUser:
    """The user in a successful ``GET /v2/users/{id}`` answer."""
    data: Any = decode_json(request, response, now)
    if not isinstance(data, dict):
        raise response_error(request, response, "a JSON object")
    for field in ("id", "email", "account_id"):
        if not isinstance(data.get(field), str) or not data[field]:
            raise response_error(request, response, field)
    user_type = data.get("type")
    return ZoomUser(
        id=data["id"],
        email=data["email"],
        account_id=data["account_id"],
        role=_role(data),
        first_name=str(data.get("first_name") or ""),
        last_name=str(data.get("last_name") or ""),
        display_name=str(data.get("display_name") or ""),
        timezone=str(data.get("timezone") or ""),
        type=user_type if isinstance(user_type, int) else 1,
    )


def decode_settings(request: ZoomRequest, response: ZoomResponse, now: datetime) -> dict[str, Any]:
    """The nested settings mapping of a successful ``GET /v2/users/{id}/settings``."""
    data: Any = decode_json(request, response, now)
    if not isinstance(data, dict):
        raise response_error(request, response, "a JSON object")
    return data
