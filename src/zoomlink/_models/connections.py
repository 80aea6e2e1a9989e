"""Connections: who may use which Zoom authorisation, as stores keep it and the host app sees it.

A store keeps a :class:`Grant` (the tokens) per Zoom user and a :class:`Link` per app user or
organisation using it; :class:`Connection` is the host-facing join of the two, without secrets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import attrs

from zoomlink._models.config import AppKind
from zoomlink._models.validators import aware_or_none, require_aware
from zoomlink.errors import InvalidInputError

DEFAULT_TENANT = "default"
"""The tenant used when a host application has only one (most have)."""

ConnectionKind = Literal["personal", "organization"]
"""A personal connection serves its owner; an organisation one serves every member."""

GrantStatus = Literal["active", "needs_reconnect"]
"""Whether Zoom still honours a grant's tokens."""

ConnectionStatus = Literal["active", "needs_reconnect", "disconnected"]
"""What the connected-users view shows for a connection."""

AppRole = Literal["owner", "admin", "member"]
"""An app user's role in their organisation (the host application's, not Zoom's)."""

LinkPolicy = Literal["exclusive", "shared"]
"""``exclusive``: a Zoom user links to one app user per tenant. ``shared``: to several."""

DisconnectPolicy = Literal["organization_admins", "zoom_admin"]
"""Who may disconnect an organisation connection: the organisation's owners and admins, or only
the app user who completed it with their Zoom admin account."""

PurgeState = Literal["none", "pending", "done"]
"""Whether a connection's Zoom data was purged: ``pending`` while a purge is under way (one
that failed midway is finished by the next call), ``done`` once nothing of it is left."""


def _not_blank(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{attribute.name} must be a non-empty string, got {value!r}")


def _string(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidInputError(f"{attribute.name} must be a string, got {type(value).__name__}")


def _one_of(*allowed: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in allowed:
            raise InvalidInputError(
                f"{attribute.name} must be one of {', '.join(allowed)}; got {value!r}"
            )

    return check


@attrs.frozen
class Actor:
    """An app user acting in their organisation, as the host application vouches for them.

    Attributes:
        user_id: The app user's ID in the host application.
        role: Their role in the organisation (``owner``, ``admin`` or ``member``).
    """

    user_id: str = attrs.field(validator=_not_blank)
    role: AppRole = attrs.field(default="member", validator=_one_of("owner", "admin", "member"))

    @property
    def is_org_admin(self) -> bool:
        """Whether the actor is an owner or admin of the organisation."""
        return self.role in ("owner", "admin")


@attrs.frozen
class Member:
    """An organisation member, as the connected-users view and host resolution need them.

    Attributes:
        user_id: The app user's ID.
        email: Their e-mail address, which names them in the organisation's Zoom account.
    """

    user_id: str = attrs.field(validator=_not_blank)
    email: str = attrs.field(default="", validator=_string)


@attrs.frozen(kw_only=True)
class Grant:
    """One Zoom authorisation and its tokens, as a token store keeps them.

    Zoom keeps one live grant per app and Zoom user (a new authorisation ends the earlier one),
    so every link to that Zoom user shares this record. Tokens are sealed by the keyring; the
    ``sealed_*`` values are ciphertext and still never shown in reprs.

    Attributes:
        id: ``"{client_id}:{zoom_user_id}"``, or ``"{client_id}:account:{account_id}"`` for a
            Server-to-Server app.
        client_id: The Zoom app the grant belongs to.
        app_kind: The app's type.
        zoom_user_id: The Zoom user who authorised ('' for Server-to-Server).
        zoom_email: Their e-mail address.
        zoom_account_id: Their Zoom account.
        zoom_role: Their role in the Zoom account when last checked.
        scopes: The granted scopes.
        api_url: The regional API base Zoom suggested, if any.
        status: ``active`` or ``needs_reconnect``.
        status_reason: Why the grant needs reconnecting ('' when active).
        incident_id: Identifies the current "needs reconnect" incident (one notice each).
        sealed_access_token: The access token, sealed.
        sealed_refresh_token: The refresh token, sealed (``None`` for Server-to-Server).
        expires_at: When the access token expires.
        created_at: When the grant was first stored.
        updated_at: When it last changed.
        version: Bumped by every change; stores compare it to refuse lost updates.
    """

    id: str
    client_id: str
    app_kind: AppKind
    zoom_user_id: str
    zoom_email: str
    zoom_account_id: str
    zoom_role: str
    scopes: tuple[str, ...] = ()
    api_url: str | None = None
    status: GrantStatus = "active"
    status_reason: str = ""
    incident_id: str | None = None
    sealed_access_token: str | None = attrs.field(default=None, repr=False)
    sealed_refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    created_at: datetime = attrs.field(validator=require_aware)
    updated_at: datetime = attrs.field(validator=require_aware)
    version: int = 1


@attrs.frozen(kw_only=True)
class Link:
    """An app user's (or an organisation's) claim on a grant, as a token store keeps it.

    Attributes:
        id: The connection's ID (opaque, random).
        tenant: The host application's organisation or workspace.
        kind: ``personal`` (owned by ``owner_id``) or ``organization`` (serves every member).
        owner_id: The owning app user (``None`` for organisation connections).
        grant_id: The :class:`Grant` holding the tokens.
        connected_by: The app user who started the connect.
        completed_by: The app user who completed it, when known (organisation links can be
            handed to someone else).
        created_at: When the connection was made.
        disconnected_at: When it was disconnected (kept so the view can say so).
        purge: Whether its Zoom data was purged (``none``, ``pending``, ``done``).
        uninstalled_at: When the Zoom user uninstalled the app, which ended the connection
            until it is connected again.
        incident_id: The uninstall's id, so its "Action required" notice goes out once.
    """

    id: str
    tenant: str
    kind: ConnectionKind
    owner_id: str | None
    grant_id: str
    connected_by: str
    completed_by: str | None = None
    created_at: datetime = attrs.field(validator=require_aware)
    disconnected_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    purge: PurgeState = "none"
    uninstalled_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    incident_id: str | None = None


@attrs.frozen(kw_only=True)
class Connection:
    """A Zoom connection as the host application sees it: a link and its grant, no secrets.

    Attributes:
        id: The connection's ID.
        tenant: Its tenant.
        kind: ``personal`` or ``organization``.
        owner_id: The owning app user (``None`` for organisation connections).
        status: ``active``, ``needs_reconnect`` or ``disconnected``.
        status_reason: Why it needs reconnecting, if it does.
        zoom_user_id: The Zoom user behind it.
        zoom_email: Their e-mail address, to show as "Connected as …".
        zoom_account_id: Their Zoom account.
        zoom_role: Their role in the Zoom account.
        client_id: The Zoom app.
        scopes: The granted scopes.
        connected_by: The app user who started the connect.
        completed_by: The app user who completed it, when known.
        created_at: When it was made.
        purge: Whether its Zoom data was purged: ``pending`` means a purge failed midway and
            :meth:`~zoomlink.ZoomLink.purge` (or disconnecting again) finishes it.
    """

    id: str
    tenant: str
    kind: ConnectionKind
    owner_id: str | None
    status: ConnectionStatus
    status_reason: str
    zoom_user_id: str
    zoom_email: str
    zoom_account_id: str
    zoom_role: str
    client_id: str
    scopes: tuple[str, ...]
    connected_by: str
    completed_by: str | None
    created_at: datetime
    purge: PurgeState = "none"

    @property
    def usable(self) -> bool:
        """Whether the connection can host meetings now."""
        return self.status == "active"


@attrs.frozen(kw_only=True)
class ConnectAttempt:
    """A connect started and not yet completed: what the signed ``state`` points at.

    Attributes:
        id: The attempt's random ID, carried in the ``state``.
        tenant: The tenant.
        kind: ``personal`` or ``organization``.
        user_id: The app user who started it.
        client_id: The Zoom app it was started with.
        sealed_verifier: The PKCE verifier, sealed (it never leaves the server).
        created_at: When it was started.
        expires_at: When its ``state`` stops being accepted.
    """

    id: str
    tenant: str
    kind: ConnectionKind
    user_id: str
    client_id: str
    sealed_verifier: str = attrs.field(repr=False)
    created_at: datetime = attrs.field(validator=require_aware)
    expires_at: datetime = attrs.field(validator=require_aware)


@attrs.frozen(kw_only=True)
class ResolvedHost:
    """Which connection hosts an app user's meetings, and as which Zoom user.

    Attributes:
        connection: The connection used (personal before organisation).
        zoom_user: The Zoom user to schedule for: ``me`` through a personal connection, the
            member's e-mail address through an organisation's.
    """

    connection: Connection
    zoom_user: str

    @property
    def via(self) -> ConnectionKind:
        """``personal`` or ``organization``."""
        return self.connection.kind


@attrs.frozen(kw_only=True)
class ConnectedUser:
    """One row of the connected-users view.

    Attributes:
        user_id: The member.
        email: Their e-mail address.
        available: Whether Zoom meetings can be created for them now.
        via: Through which connection (``None`` when none serves them).
        status: That connection's status (``None`` when none serves them).
        connection_id: That connection's ID.
        zoom_email: The Zoom user meetings are hosted by.
        detail: Why Zoom is not available, in words, when it is not.
    """

    user_id: str
    email: str
    available: bool
    via: ConnectionKind | None
    status: ConnectionStatus | None
    connection_id: str | None
    zoom_email: str | None
    detail: str = ""
