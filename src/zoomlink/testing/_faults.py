"""Injected faults: error answers, slow answers and dropped connections."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import attrs
import httpx

from ._limits import PER_SECOND_MESSAGE, ROUTE_CATEGORY
from ._routes import ROUTE_NAMES
from ._wire import json_response

DROPS = (None, "before", "after")


@attrs.define
class Fault:
    """What to do to the next `remaining` requests to `route` (``"*"``: any route)."""

    route: str
    status: int | None
    body: Any
    headers: dict[str, str]
    retry_after: str | None
    remaining: int
    delay: float
    drop: str | None

    @classmethod
    def make(
        cls,
        route: str,
        *,
        status: int | None,
        body: Any,
        headers: Mapping[str, str] | None,
        retry_after: float | str | None,
        times: int,
        delay: float,
        drop: str | None,
    ) -> Fault:
        """A checked fault (ValueError for a bad one)."""
        if route != "*" and route not in ROUTE_NAMES:
            raise ValueError(f"unknown route {route!r}; use one of {sorted(ROUTE_NAMES)} or '*'")
        if drop not in DROPS:
            raise ValueError(f"drop must be None, 'before' or 'after', not {drop!r}")
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"not an HTTP status: {status!r}")
        if times < 1 or delay < 0:
            raise ValueError("times must be at least 1 and delay not negative")
        if status is None and drop is None and delay == 0:
            raise ValueError("a fault needs a status, a delay or a drop")
        if retry_after is not None and not isinstance(retry_after, str):
            whole = retry_after == int(retry_after)
            retry_after = str(int(retry_after)) if whole else str(retry_after)
        return cls(
            route=route,
            status=status,
            body=body,
            headers=dict(headers or {}),
            retry_after=retry_after,
            remaining=times,
            delay=delay,
            drop=drop,
        )

    def applies_to(self, route: str | None) -> bool:
        """Whether this fault hits a request to `route`."""
        return self.remaining > 0 and (self.route == "*" or self.route == route)

    def response(self, route: str | None) -> httpx.Response:
        """The injected answer (Zoom's own body for the status unless one was given)."""
        assert self.status is not None
        headers: dict[str, str] = {}
        body = self.body
        if self.status == 429:
            category = ROUTE_CATEGORY.get(route or "")
            if category is not None:
                headers["X-RateLimit-Category"] = category
            headers.update({"X-RateLimit-Type": "QPS", "X-RateLimit-Remaining": "0"})
            if body is None:
                body = {"code": 429, "message": PER_SECOND_MESSAGE}
        elif body is None and self.status == 401:
            body = {"code": 124, "message": "Invalid access token."}
        elif body is None:
            body = {"code": self.status, "message": _phrase(self.status)}
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        headers.update(self.headers)
        if isinstance(body, (bytes, str)):
            content = body.encode("utf-8") if isinstance(body, str) else body
            return httpx.Response(self.status, headers=headers, content=content)
        return json_response(self.status, body, headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


def dropped(request: httpx.Request) -> httpx.RemoteProtocolError:
    """The error a client sees when the connection closes without an answer."""
    return httpx.RemoteProtocolError(
        "Server disconnected without sending a response.", request=request
    )
