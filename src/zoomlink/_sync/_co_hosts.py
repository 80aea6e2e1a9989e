# This file is generated from src/zoomlink/_async/_co_hosts.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Co-hosts of a collective booking, as Zoom meeting settings.

Zoom lets only users of the meeting host's own Zoom account be alternative hosts; any other
co-host is invited by e-mail. Whether a co-host shares the account is read from the Zoom
connection that serves them, if any.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zoomlink._core import _bookings
from zoomlink.booking import Booking, MeetingRecord
from zoomlink.errors import NeedsReconnectError, NotConnectedError
from zoomlink.models import Link, ResolvedHost
from zoomlink.protocols import TokenStore

ResolveUser = Callable[[str, str, "str | None"], ResolvedHost]


def co_host_settings(
    booking: Booking,
    link: Link,
    record: MeetingRecord,
    *,
    store: TokenStore,
    resolve_user: ResolveUser,
) -> dict[str, Any]:
    """The ``alternative_hosts`` and ``meeting_invitees`` settings for the booking's
    co-hosts (none for a booking without co-hosts)."""
    if not booking.co_hosts:
        return {}
    grant = store.get_grant(link.grant_id)
    account = grant.zoom_account_id if grant else ""
    host_email = grant.zoom_email if grant else ""
    if "@" in record.zoom_user:  # scheduled for a member of an organisation's account
        host_email = record.zoom_user
    people = []
    for co_host in booking.co_hosts:
        assert co_host.user_id is not None  # checked on construction
        identity = _zoom_identity(
            co_host.user_id, co_host.email, booking.tenant, store, resolve_user
        )
        people.append((co_host, identity))
    return _bookings.co_host_settings(people, account, host_email)


def _zoom_identity(
    user_id: str,
    email: str | None,
    tenant: str,
    store: TokenStore,
    resolve_user: ResolveUser,
) -> tuple[str, str] | None:
    """(Zoom e-mail, Zoom account id) of the user's Zoom host, or ``None`` without one."""
    try:
        host = resolve_user(user_id, tenant, email)
    except (NotConnectedError, NeedsReconnectError):
        return None
    link = store.get_link(host.connection.id)
    grant = store.get_grant(link.grant_id) if link else None
    if grant is None:
        return None
    zoom_email = host.zoom_user if "@" in host.zoom_user else grant.zoom_email
    return zoom_email, grant.zoom_account_id
