"""Value objects: frozen, validated on construction, changed with :func:`attrs.evolve`.

Secrets (access and refresh tokens, the client secret, a meeting's ``start_url``) never appear in
a repr.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs

from zoomlink.errors import ConfigurationError, InvalidInputError
from zoomlink.invites import Invite

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

AppKind = Literal["user", "account", "s2s"]
"""A Zoom app's type: user-managed OAuth, admin-managed (account-level) OAuth, Server-to-Server."""

ZoomRole = Literal["owner", "admin", "member"]
"""A Zoom user's role in their account."""


def _require_aware(instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}"
        )


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"base URL must be an absolute http(s) URL, got {value!r}")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base URL must not carry a query or fragment, got {value!r}")
    return value.rstrip("/")


@attrs.frozen(kw_only=True)
class Endpoints:
    """Where Zoom lives: its OAuth host and its API host.

    The defaults are Zoom's; tests point both at the fake Zoom's socket.
    """

    oauth_base_url: str = attrs.field(default="https://zoom.us", converter=_base_url)
    api_base_url: str = attrs.field(default="https://api.zoom.us", converter=_base_url)

    @classmethod
    def single(cls, base_url: str) -> Endpoints:
        """Both OAuth and API under one base URL, as the fake Zoom serves them over a socket."""
        return cls(oauth_base_url=base_url, api_base_url=base_url)


ZoomPlan = Literal["free", "pro", "business"]
"""A Zoom account plan, which sets the account's per-second rate limits."""


def _at_least_one(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"{attribute.name} must be a whole number of 1 or more, got {value!r}"
        )


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigurationError(f"{attribute.name} must be a non-negative number, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How zoomlink retries calls to Zoom that failed for a passing reason.

    Per-second 429s are always waited out (Zoom refused them, so nothing happened). Transient
    5xx answers and network failures are retried only for requests that are safe to repeat
    (GET, PATCH, DELETE); a meeting create is never repeated blindly: zoomlink first looks for
    the meeting by its booking marker.

    Attributes:
        attempts: Tries per request, the first included.
        backoff: Seconds before the first retry; doubled for each further one.
        max_backoff: The longest pause between tries.
        max_wait: The longest ``Retry-After`` zoomlink waits out; a longer one raises.
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=8.0, validator=_non_negative)
    max_wait: float = attrs.field(default=30.0, validator=_non_negative)

    def pause(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (retry - 1)))


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise ConfigurationError(
            f"ZoomApp.{attribute.name} must be a string, got {type(value).__name__}"
        )
    if not value or not value.strip():
        raise ConfigurationError(f"ZoomApp.{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class ZoomApp:
    """A Zoom app's credentials, from the Zoom App Marketplace build page.

    Attributes:
        client_id: The app's client ID.
        client_secret: The app's client secret (never shown in reprs).
        redirect_uri: The OAuth redirect URL registered for the app (OAuth apps only).
        kind: ``"user"`` (user-managed), ``"account"`` (admin-managed) or ``"s2s"``.
        account_id: The Zoom account of a Server-to-Server app.
        webhook_secret: The app's webhook Secret Token (Features → Access), which signs the
            events Zoom sends it; needed to receive them (never shown in reprs).
    """

    client_id: str = attrs.field(validator=_non_empty)
    client_secret: str = attrs.field(validator=_non_empty, repr=False)
    redirect_uri: str = ""
    kind: AppKind = "user"
    account_id: str | None = None
    webhook_secret: str = attrs.field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("redirect_uri", "kind", "webhook_secret"):
            if not isinstance(getattr(self, name), str):
                raise ConfigurationError(f"ZoomApp.{name} must be a string")
        if self.account_id is not None and not isinstance(self.account_id, str):
            raise ConfigurationError("ZoomApp.account_id must be a string")
        if self.kind not in ("user", "account", "s2s"):
            raise ConfigurationError(
                f"ZoomApp.kind must be user, account or s2s, not {self.kind!r}"
            )
        if self.kind == "s2s" and not self.account_id:
            raise ConfigurationError("a Server-to-Server ZoomApp needs its account_id")
        if self.kind != "s2s":
            parts = urlsplit(self.redirect_uri)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigurationError(
                    f"an OAuth ZoomApp needs an absolute http(s) redirect_uri, "
                    f"got {self.redirect_uri!r}"
                )


@attrs.frozen
class Pkce:
    """A PKCE pair (RFC 7636, method S256): the verifier stays with you, the challenge goes to
    Zoom in the authorization URL, and the verifier comes back with the code exchange."""

    verifier: str = attrs.field(repr=False)
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        """A fresh pair: a random 64-character verifier and its S256 challenge."""
        return cls.from_verifier(secrets.token_urlsafe(48))

    @classmethod
    def from_verifier(cls, verifier: str) -> Pkce:
        """The pair for a known verifier: the challenge is unpadded base64url of its SHA-256."""
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@attrs.frozen(kw_only=True)
class Tokens:
    """An OAuth token set as Zoom issued it (secrets never shown in reprs).

    Attributes:
        access_token: The bearer token for API calls.
        refresh_token: The one-use refresh token (``None`` for Server-to-Server apps).
        expires_at: When the access token stops working.
        scopes: The granted scopes.
        api_url: The regional API base Zoom suggested, if any.
    """

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_at: datetime = attrs.field(validator=_require_aware)
    scopes: tuple[str, ...] = ()
    api_url: str | None = None

    def expires_within(self, now: datetime, margin: timedelta) -> bool:
        """Whether the access token expires within ``margin`` of ``now``."""
        return self.expires_at - margin <= now


@attrs.frozen(kw_only=True)
class ZoomUser:
    """A Zoom user as ``GET /v2/users/{id}`` describes them."""

    id: str
    email: str
    account_id: str
    role: ZoomRole
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    timezone: str = ""
    type: int = 1

    @property
    def is_admin(self) -> bool:
        """Whether the user is an owner or admin of their Zoom account."""
        return self.role in ("owner", "admin")


@attrs.frozen(kw_only=True)
class Occurrence:
    """One occurrence of a recurring Zoom meeting."""

    occurrence_id: str
    start: datetime = attrs.field(validator=_require_aware)
    duration_minutes: int
    status: str = "available"


@attrs.frozen(kw_only=True)
class Meeting:
    """A Zoom meeting as Zoom last described it.

    Attributes:
        id: Zoom's meeting ID (an int64; may exceed ten digits).
        topic: The meeting's topic.
        type: Zoom's meeting type (2 scheduled, 8 recurring with a fixed time).
        start: The start, in UTC (``None`` for meetings without a fixed time).
        duration_minutes: The length in whole minutes.
        timezone: The IANA time zone Zoom shows the meeting in.
        join_url: The link participants join with.
        password: The meeting passcode ('' when none).
        start_url: The host's start link: a secret, never shown in reprs or sent to clients.
            It expires two hours after Zoom issued it; ``ZoomLink.start_url`` fetches a fresh
            one for a booking.
        agenda: The agenda text.
        host_id: The Zoom user ID of the host.
        uuid: Zoom's meeting UUID.
        occurrences: For recurring meetings, the occurrences still scheduled.
    """

    id: int
    topic: str
    type: int
    start: datetime | None
    duration_minutes: int
    timezone: str
    join_url: str
    password: str = ""
    start_url: str = attrs.field(default="", repr=False)
    agenda: str = ""
    host_id: str = ""
    uuid: str = ""
    occurrences: tuple[Occurrence, ...] = ()

    @property
    def end(self) -> datetime | None:
        """When the meeting is planned to end (``None`` without a fixed start)."""
        if self.start is None:
            return None
        return self.start + timedelta(minutes=self.duration_minutes)


# Zoom's documented limits on meeting fields.
TOPIC_MAX = 200
AGENDA_MAX = 2000
PASSWORD_MAX = 10


def _max_length(limit: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and len(value) > limit:
            raise InvalidInputError(
                f"{attribute.name} is {len(value)} characters; Zoom accepts at most {limit}"
            )

    return check


def _aware_or_none(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidInputError(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}: "
            "zoomlink never guesses a time zone"
        )


def _positive_minutes(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise InvalidInputError(
            f"{attribute.name} must be a positive whole number of minutes, got {value!r}"
        )


@attrs.frozen(kw_only=True)
class MeetingFields:
    """What to send when creating or changing a Zoom meeting, checked against Zoom's limits.

    ``None`` means "leave it to Zoom" on create and "unchanged" on update.

    Raises:
        InvalidInputError: For a naive ``start``, a non-positive duration, or a topic, agenda or
            passcode longer than Zoom accepts (200, 2000 and 10 characters).
    """

    topic: str | None = attrs.field(default=None, validator=_max_length(TOPIC_MAX))
    start: datetime | None = attrs.field(default=None, validator=_aware_or_none)
    duration_minutes: int | None = attrs.field(default=None, validator=_positive_minutes)
    timezone: str | None = None
    agenda: str | None = attrs.field(default=None, validator=_max_length(AGENDA_MAX))
    password: str | None = attrs.field(
        default=None, repr=False, validator=_max_length(PASSWORD_MAX)
    )
    settings: Mapping[str, Any] | None = None
    recurrence: Mapping[str, Any] | None = None


@attrs.frozen
class MeetingPage:
    """One page of a user's meeting list; an empty ``next_page_token`` ends paging.

    List items carry no passcode or ``start_url``, and Zoom cuts their agenda to 250 characters.
    """

    meetings: tuple[Meeting, ...]
    next_page_token: str
    total_records: int


# -- connections ----------------------------------------------------------------------------

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

NotificationKind = Literal[
    "action_required",
    "meeting_scheduled",
    "meeting_rescheduled",
    "meeting_cancelled",
    "meeting_changed_in_zoom",
    "meeting_deleted_in_zoom",
]
"""What a notification is about: ``action_required`` asks the recipient to reconnect Zoom; the
``meeting_*`` kinds tell a booking's participants about its Zoom meeting, and the two
``*_in_zoom`` kinds tell its host that the meeting was changed or deleted in Zoom itself."""

PurgeState = Literal["none", "pending", "done"]
"""Whether a connection's Zoom data was purged: ``pending`` while a purge is under way (one
that failed midway is finished by the next call), ``done`` once nothing of it is left."""

Channel = Literal["email", "sms"]
"""How a recipient is told: by e-mail or by SMS."""


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
    expires_at: datetime | None = attrs.field(default=None, validator=_aware_or_none)
    created_at: datetime = attrs.field(validator=_require_aware)
    updated_at: datetime = attrs.field(validator=_require_aware)
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
    created_at: datetime = attrs.field(validator=_require_aware)
    disconnected_at: datetime | None = attrs.field(default=None, validator=_aware_or_none)
    purge: PurgeState = "none"
    uninstalled_at: datetime | None = attrs.field(default=None, validator=_aware_or_none)
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
    created_at: datetime = attrs.field(validator=_require_aware)
    expires_at: datetime = attrs.field(validator=_require_aware)


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


@attrs.frozen(kw_only=True)
class Notification:
    """A message for a person, delivered through a :class:`~zoomlink.NotificationSink`.

    Attributes:
        kind: What it is about.
        tenant: The tenant.
        recipient_id: The app user it is for (``None`` for a client who is not an app user).
        subject: A one-line subject ("Action required: reconnect Zoom").
        text: The body, in plain words (short for SMS).
        action_url: Where the recipient can act (the reconnect link), when known.
        connection_id: The connection concerned, if any.
        incident_id: Identifies the incident, so a sink can de-duplicate.
        key: The same for every delivery of one notice — a retry after a crash or a failed
            send delivers it again under the same key — and different for different notices:
            a sink that remembers the keys it delivered (for as long as retries may come, a
            few days) never sends a notice twice.
        created_at: When it was raised.
        channel: ``email`` or ``sms``.
        address: The e-mail address or phone number to deliver to, when zoomlink knows it
            (booking messages); ``None`` leaves it to the sink to look the recipient up.
        role: ``host`` or ``client`` for booking messages.
        booking_id: The booking concerned, if any.
        meeting_id: The Zoom meeting concerned, if any.
        invite: For booking messages, the calendar invitation that goes with them (the
            meeting's times, link, ID and passcode, and the iCalendar method, UID and
            sequence), so a sink can attach it; ``None`` for other notices.
    """

    kind: NotificationKind
    tenant: str
    recipient_id: str | None
    subject: str
    text: str
    action_url: str | None = None
    connection_id: str | None = None
    incident_id: str | None = None
    created_at: datetime = attrs.field(validator=_require_aware)
    channel: Channel = "email"
    address: str | None = None
    role: Literal["host", "client"] | None = None
    booking_id: str | None = None
    meeting_id: int | None = None
    key: str = ""
    invite: Invite | None = None
