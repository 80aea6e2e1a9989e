"""What a purge removed, and what a check for Zoom data found.

When a connection ends — disconnected from the host app, or the app uninstalled in Zoom —
zoomlink deletes every Zoom-derived value it holds for it: the tokens, the Zoom user's id,
e-mail and account, the join URLs, meeting IDs and passcodes of its bookings, the Zoom details
in their calendar events, and the cached view of the Zoom user's meetings. The bookings
themselves stay. A :class:`PurgeReport` says what went, in counts by kind; a
:class:`ZoomDataCheck` proves afterwards that nothing is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from zoomlink.models import Connection

__all__ = ["PURGE_KINDS", "PurgeReason", "PurgeReport", "ZoomDataCheck", "ZoomDataFinding"]

PurgeReason = Literal["disconnected", "uninstalled"]
"""Why a connection's Zoom data was purged: the host app disconnected it, or its Zoom user
uninstalled (deauthorised) the app in Zoom."""

PURGE_KINDS = ("tokens", "zoom_accounts", "meetings", "calendar_events", "busy_views")
"""The kinds a :class:`~zoomlink.PurgeReport` counts:

* ``tokens`` — sealed access and refresh tokens deleted;
* ``zoom_accounts`` — stored Zoom identities (user id, e-mail, account, role) deleted;
* ``meetings`` — bookings whose join URL, meeting ID, passcode and Zoom user were removed;
* ``calendar_events`` — calendar events whose Zoom link and meeting ID were removed;
* ``busy_views`` — cached views of the Zoom user's meetings dropped.
"""


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType({kind: int(value.get(kind, 0)) for kind in PURGE_KINDS})


@attrs.frozen(kw_only=True)
class PurgeReport:
    """What one connection's purge removed.

    Attributes:
        connection: The connection as it is now (``disconnected``, or ``needs_reconnect``
            after an uninstall), with no Zoom identity left.
        reason: ``disconnected`` or ``uninstalled``.
        removed: Counts by kind (see :data:`~zoomlink.purge.PURGE_KINDS`); a purge resumed
            after a failure counts only what it removed itself.
        hosts: The app users whose bookings lost their Zoom details.
        event_types: The event types of those bookings: the ones that relied on this
            connection and now fall back (check the host's other event types with
            :meth:`~zoomlink.ZoomLink.zoom_event_types`).
    """

    connection: Connection
    reason: PurgeReason
    removed: Mapping[str, int] = attrs.field(converter=_counts, eq=False)
    hosts: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """How many values were removed, all kinds together."""
        return sum(self.removed.values())


@attrs.frozen(kw_only=True)
class ZoomDataFinding:
    """One Zoom-derived value found in a store (the value itself is never repeated).

    Attributes:
        kind: Which kind of value (see :data:`~zoomlink.purge.PURGE_KINDS`), or ``connection`` for a
            connection that still points at its Zoom grant.
        where: Where it is, e.g. ``meeting record default/b-1: join_url``.
    """

    kind: str
    where: str


@attrs.frozen(kw_only=True)
class ZoomDataCheck:
    """The result of scanning a store for a connection's Zoom-derived values.

    Attributes:
        connection_id: The connection checked.
        findings: Each value found; empty when the store holds nothing of it.
    """

    connection_id: str
    findings: tuple[ZoomDataFinding, ...] = ()

    @property
    def clean(self) -> bool:
        """Whether nothing Zoom-derived was found."""
        return not self.findings
