"""Value objects: frozen, validated on construction, changed with :func:`attrs.evolve`.

Secrets (access and refresh tokens, the client secret, a meeting's ``start_url``) never appear in
a repr.

This module is the public path to them; each idea lives in its own private module under
``zoomlink._models`` (configuration, Zoom's values, connections, notifications).
"""

from __future__ import annotations

from zoomlink._models.config import AppKind, Endpoints, RetryPolicy, ZoomApp, ZoomPlan
from zoomlink._models.connections import (
    DEFAULT_TENANT,
    Actor,
    AppRole,
    ConnectAttempt,
    ConnectedUser,
    Connection,
    ConnectionKind,
    ConnectionStatus,
    DisconnectPolicy,
    Grant,
    GrantStatus,
    Link,
    LinkPolicy,
    Member,
    PurgeState,
    ResolvedHost,
)
from zoomlink._models.notifications import Channel, Notification, NotificationKind

# Zoom's limits on meeting fields (not in __all__): zoomlink.booking checks its fields by them.
from zoomlink._models.zoom_values import AGENDA_MAX as AGENDA_MAX
from zoomlink._models.zoom_values import PASSWORD_MAX as PASSWORD_MAX
from zoomlink._models.zoom_values import TOPIC_MAX as TOPIC_MAX
from zoomlink._models.zoom_values import (
    Meeting,
    MeetingFields,
    MeetingPage,
    Occurrence,
    Pkce,
    Tokens,
    ZoomRole,
    ZoomUser,
)

__all__ = [
    "DEFAULT_TENANT",
    "Actor",
    "AppKind",
    "AppRole",
    "Channel",
    "ConnectAttempt",
    "ConnectedUser",
    "Connection",
    "ConnectionKind",
    "ConnectionStatus",
    "DisconnectPolicy",
    "Endpoints",
    "Grant",
    "GrantStatus",
    "Link",
    "LinkPolicy",
    "Meeting",
    "MeetingFields",
    "MeetingPage",
    "Member",
    "Notification",
    "NotificationKind",
    "Occurrence",
    "Pkce",
    "PurgeState",
    "ResolvedHost",
    "RetryPolicy",
    "Tokens",
    "ZoomApp",
    "ZoomPlan",
    "ZoomRole",
    "ZoomUser",
]
