"""Zoom's own values, as its OAuth and meeting APIs send and take them.

Tokens, users and meetings as Zoom describes them, the PKCE pair of an authorisation, and the
meeting fields zoomlink sends, checked against Zoom's limits before they leave.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

import attrs

from zoomlink._models.validators import aware_or_none, require_aware
from zoomlink.errors import InvalidInputError

ZoomRole = Literal["owner", "admin", "member"]
"""A Zoom user's role in their account."""


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
    expires_at: datetime = attrs.field(validator=require_aware)
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
    start: datetime = attrs.field(validator=require_aware)
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
    start: datetime | None = attrs.field(default=None, validator=aware_or_none)
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
