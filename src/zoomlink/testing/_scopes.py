"""OAuth scopes: what each app kind is granted, and what each API route needs.

Zoom's Meetings and Users OpenAPI list, per operation, the granular scope it needs; an
admin-managed or Server-to-Server app holds the ``:admin`` variant. A token without it gets
HTTP 400 ``{"code": 4711, "message": "Invalid access token, does not contain
scopes:[user:read:list_users:admin]."}`` (the body as reported in
JubaerHossain/zoom-laravel#15; Zoom's error table lists "does not contain scopes" too).
"""

from __future__ import annotations

from collections.abc import Iterable

from ._errors import FakeZoomError, api_error

# Route -> the granular scope a user-managed app needs (account apps need it + ":admin").
ROUTE_SCOPES: dict[str, str] = {
    "users.get": "user:read:user",
    "users.settings": "user:read:settings",
    "users.list": "user:read:list_users",
    "meetings.create": "meeting:write:meeting",
    "meetings.list": "meeting:read:list_meetings",
    "meetings.upcoming": "meeting:read:list_upcoming_meetings",
    "meetings.get": "meeting:read:meeting",
    "meetings.update": "meeting:update:meeting",
    "meetings.delete": "meeting:delete:meeting",
    "meetings.invitation": "meeting:read:invitation",
    "meetings.status": "meeting:update:status",
    "past_meetings.get": "meeting:read:past_meeting",
}
# Listing an account's users exists only as an admin scope.
_ADMIN_ONLY = frozenset({"users.list"})
_USER_SCOPES = tuple(scope for route, scope in ROUTE_SCOPES.items() if route not in _ADMIN_ONLY)


def default_scopes(kind: str) -> tuple[str, ...]:
    """Every scope the fake's API needs, as an app of this kind is granted them."""
    if kind == "user":
        return _USER_SCOPES
    return tuple(f"{scope}:admin" for scope in ROUTE_SCOPES.values())


def needed_scope(kind: str, route: str) -> str:
    """The scope an app of this kind needs for `route`."""
    scope = ROUTE_SCOPES[route]
    return scope if kind == "user" and route not in _ADMIN_ONLY else f"{scope}:admin"


def check_scope(granted: Iterable[str], kind: str, route: str) -> None:
    """Raise 400 code 4711 unless `granted` holds the scope `route` needs."""
    needed = needed_scope(kind, route)
    if needed not in set(granted):
        raise missing_scope(needed)


def missing_scope(scope: str) -> FakeZoomError:
    """HTTP 400 code 4711 naming the missing scope."""
    return api_error(400, 4711, f"Invalid access token, does not contain scopes:[{scope}].")
