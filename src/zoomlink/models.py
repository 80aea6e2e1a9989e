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

__all__ = [
    "AppKind",
    "Endpoints",
    "Meeting",
    "MeetingFields",
    "MeetingPage",
    "Occurrence",
    "Pkce",
    "Tokens",
    "ZoomApp",
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


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
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
    """

    client_id: str = attrs.field(validator=_non_empty)
    client_secret: str = attrs.field(validator=_non_empty, repr=False)
    redirect_uri: str = ""
    kind: AppKind = "user"
    account_id: str | None = None

    def __attrs_post_init__(self) -> None:
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
