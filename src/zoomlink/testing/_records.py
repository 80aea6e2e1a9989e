"""The fake's public records: users, apps, journal entries and webhook deliveries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import attrs

WebhookCallback = Callable[[Mapping[str, str], bytes], object]
"""A Python webhook receiver: called with the request headers and the raw body. It may return
``None`` (a 200), a status code, or a response with ``status`` and ``body`` (zoomlink's
``WebhookResponse``, an ``httpx.Response``); raising counts as no answer."""

DEFAULT_EVENTS = frozenset(
    {"app_deauthorized", "meeting.created", "meeting.deleted", "meeting.updated"}
)


@attrs.frozen
class FakeUser:
    """A Zoom user of the fake. `role` is ``"owner"``, ``"admin"`` or ``"member"``.

    `api_url` is the regional API base their tokens name (None: the fake's own base).
    """

    id: str
    email: str
    account_id: str
    role: str
    first_name: str
    last_name: str
    timezone: str
    type: int
    pmi: int
    created_at: datetime
    api_url: str | None = None


@attrs.frozen
class FakeApp:
    """A Marketplace app: `kind` is ``"user"``, ``"account"`` (admin-managed) or ``"s2s"``.

    `scopes` restricts what its tokens are granted (None: every scope its kind would have).
    """

    client_id: str
    client_secret: str = attrs.field(repr=False)
    kind: str
    redirect_uris: tuple[str, ...]
    account_id: str | None
    webhook_url: str | None = None
    webhook_secret: str | None = attrs.field(default=None, repr=False)
    webhook_callback: WebhookCallback | None = attrs.field(default=None, repr=False, eq=False)
    events: frozenset[str] = DEFAULT_EVENTS
    scopes: tuple[str, ...] | None = None


@attrs.frozen
class JournalEntry:
    """One request the fake received (control requests to ``/_fake/*`` are not journaled).

    `status` is 0 when the connection was dropped before answering. `query` never holds a
    token value: those are replaced by ``"[redacted]"``.
    """

    at: datetime
    method: str
    path: str
    route: str | None
    status: int
    query: Mapping[str, str]
    grant_type: str | None
    user_id: str | None
    client_id: str | None


@attrs.frozen
class WebhookDelivery:
    """One attempt to deliver a webhook. `url` is None for a Python callback; `status` 0 means
    no answer; `attempt` is 0 for the first attempt and 1 to 3 for Zoom's retries."""

    event: str
    url: str | None
    status: int
    headers: Mapping[str, str]
    body: bytes
    attempt: int = 0
