"""Zoom's list paging: ``page_size``, ``next_page_token`` and the legacy ``page_number``.

Zoom's OpenAPI gives list endpoints (``GET /users``, ``GET /users/{userId}/meetings``) the
query parameters ``page_size`` (default 30, max 300), ``next_page_token`` ("This token's
expiration period is 15 minutes") and ``page_number`` (legacy, 1-based), and answers with
``page_size``, ``page_number``, ``page_count``, ``total_records`` and ``next_page_token``.
A token is tied to the list it came from; when both are sent the token wins.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs

from ._errors import invalid_parameter
from ._ids import IdSource

PAGE_SIZE_DEFAULT = 30
PAGE_SIZE_MAX = 300
PAGE_TOKEN_LIFETIME = timedelta(minutes=15)

T = TypeVar("T")


@attrs.frozen
class PageRequest:
    """The paging parameters of one list request, checked."""

    size: int
    number: int
    token: str | None


def page_request(query: Mapping[str, str]) -> PageRequest:
    """Read ``page_size``, ``page_number`` and ``next_page_token`` (400 code 300 when bad)."""
    raw_size = query.get("page_size", str(PAGE_SIZE_DEFAULT))
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= PAGE_SIZE_MAX:
        raise invalid_parameter("page_size")
    raw_number = query.get("page_number", "1")
    if not raw_number.isdigit() or int(raw_number) < 1:
        raise invalid_parameter("page_number")
    return PageRequest(int(raw_size), int(raw_number), query.get("next_page_token") or None)


@attrs.define
class _Cursor:
    key: Hashable
    offset: int
    expires_at: datetime


class Pager:
    """Cuts lists into pages and remembers the page tokens it hands out."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self._cursors: dict[str, _Cursor] = {}

    def page(
        self, key: Hashable, items: Sequence[T], request: PageRequest, now: datetime
    ) -> tuple[list[T], dict[str, Any]]:
        """(the page's items, the paging fields of the answer); `key` names the list."""
        offset = (request.number - 1) * request.size
        if request.token is not None:
            cursor = self._cursors.pop(request.token, None)
            if cursor is None or now >= cursor.expires_at or cursor.key != key:
                raise invalid_parameter("next_page_token")
            offset = cursor.offset
        self._cursors = {k: c for k, c in self._cursors.items() if now < c.expires_at}
        next_token = ""
        if offset + request.size < len(items):
            next_token = self._ids.secret("page_token", 24)
            self._cursors[next_token] = _Cursor(
                key, offset + request.size, now + PAGE_TOKEN_LIFETIME
            )
        fields = {
            "page_count": -(-len(items) // request.size),
            "page_number": offset // request.size + 1,
            "page_size": request.size,
            "total_records": len(items),
            "next_page_token": next_token,
        }
        return list(items[offset : offset + request.size]), fields
