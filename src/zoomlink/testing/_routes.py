"""The routing table: (method, path pattern, route name, handler)."""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import httpx

from . import _handlers as h
from ._state import ZoomState
from ._wire import Exchange

Handler = Callable[[ZoomState, Exchange], httpx.Response]


@attrs.frozen
class Route:
    """One row of the table."""

    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler


def _route(method: str, path: str, name: str, handler: Handler) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route(method, re.compile(regex), name, handler)


ROUTES: tuple[Route, ...] = (
    _route("GET", "/oauth/authorize", "oauth.authorize", h.authorize_page),
    _route("POST", "/oauth/authorize", "oauth.authorize", h.authorize_submit),
    _route("POST", "/oauth/token", "oauth.token", h.token),
    _route("POST", "/oauth/revoke", "oauth.revoke", h.revoke),
    _route("GET", "/v2/users", "users.list", h.users_list),
    _route("GET", "/v2/users/{user_id}", "users.get", h.users_get),
    _route("GET", "/v2/users/{user_id}/settings", "users.settings", h.users_settings),
    _route("POST", "/v2/users/{user_id}/meetings", "meetings.create", h.meetings_create),
    _route("GET", "/v2/users/{user_id}/meetings", "meetings.list", h.meetings_list),
    _route(
        "GET", "/v2/users/{user_id}/upcoming_meetings", "meetings.upcoming", h.meetings_upcoming
    ),
    _route("GET", "/v2/meetings/{meeting_id}", "meetings.get", h.meetings_get),
    _route("PATCH", "/v2/meetings/{meeting_id}", "meetings.update", h.meetings_update),
    _route("DELETE", "/v2/meetings/{meeting_id}", "meetings.delete", h.meetings_delete),
    _route(
        "GET", "/v2/meetings/{meeting_id}/invitation", "meetings.invitation", h.meetings_invitation
    ),
    _route("PUT", "/v2/meetings/{meeting_id}/status", "meetings.status", h.meetings_status),
    _route("GET", "/v2/past_meetings/{meeting_id}", "past_meetings.get", h.past_meetings_get),
)
ROUTE_NAMES = frozenset(route.name for route in ROUTES)


def find_route(method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """(the route, its path parameters, whether the path exists under another method).

    One trailing slash on an API path is ignored: zoom-python-client lists meetings at
    ``/users/{userId}/meetings/`` and Zoom answers it.
    """
    if path.startswith("/v2/") and path.endswith("/"):
        path = path[:-1]
    path_known = False
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        if route.method == method:
            return route, match.groupdict(), True
        path_known = True
    return None, {}, path_known
