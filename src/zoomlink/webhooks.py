"""What Zoom's webhooks say, as typed values, and what zoomlink answers them with.

A verified webhook becomes one of the :data:`WebhookEvent` types: :class:`UrlValidation` (Zoom
checking the endpoint), :class:`AppDeauthorized` (a user removed the app),
:class:`MeetingCreated`, :class:`MeetingUpdated` and :class:`MeetingDeleted` (a meeting was
changed in Zoom), or :class:`OtherEvent` for any other event, which is acknowledged and
ignored. :class:`~zoomlink.WebhookHandler` and :class:`~zoomlink.AsyncWebhookHandler` verify
requests, apply the events and answer with a :class:`WebhookResponse`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias

import attrs

from zoomlink.errors import InvalidInputError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TOLERANCE",
    "AppDeauthorized",
    "MeetingCreated",
    "MeetingDeleted",
    "MeetingUpdated",
    "OtherEvent",
    "UrlValidation",
    "WebhookEvent",
    "WebhookResponse",
]

DEFAULT_TOLERANCE = timedelta(minutes=90)
"""How old a webhook's ``x-zm-request-timestamp`` may be. Zoom retries a failed delivery 5, 25
and 85 minutes after the first attempt and does not say whether a retry carries a fresh
timestamp, so a shorter window could refuse the last retries of an ``app_deauthorized`` that
Zoom never sends again. Replays inside the window do no harm: processed deliveries are
remembered and every event is applied idempotently."""

DEFAULT_MAX_BODY_BYTES = 256 * 1024
"""The largest webhook body accepted; Zoom's events are a few kilobytes."""


def _utc(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.utcoffset() != timedelta(0):
        raise InvalidInputError(f"{attribute.name} must be an aware UTC datetime, not {value!r}")


def _freeze(value: Any) -> Any:
    """A read-only copy: objects become read-only mappings and arrays tuples, all the way
    down."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    frozen: Mapping[str, Any] = _freeze(value)
    return frozen


@attrs.frozen(kw_only=True)
class UrlValidation:
    """``endpoint.url_validation``: Zoom checks that the endpoint holds the Secret Token.

    Zoom sends it when the endpoint URL is saved and every 72 hours after; the answer is the
    token hashed with the secret (the handler builds it).

    Attributes:
        plain_token: The token to hash.
    """

    name: ClassVar[str] = "endpoint.url_validation"
    plain_token: str


@attrs.frozen(kw_only=True)
class AppDeauthorized:
    """``app_deauthorized``: a Zoom user removed the app (or had it removed); their tokens no
    longer work.

    Attributes:
        account_id: The user's Zoom account.
        user_id: The Zoom user.
        client_id: The app that was removed.
        deauthorized_at: When (aware, UTC).
        incident_id: Zoom's unique ID for this removal (the payload's ``signature``), the same
            in every retry of the delivery.
    """

    name: ClassVar[str] = "app_deauthorized"
    account_id: str
    user_id: str
    client_id: str
    deauthorized_at: datetime = attrs.field(validator=_utc)
    incident_id: str


@attrs.frozen(kw_only=True)
class MeetingCreated:
    """``meeting.created``: a meeting was scheduled (in Zoom itself, or through the API).

    Attributes:
        meeting_id: The meeting's ID.
        host_id: The Zoom user who hosts it.
        account_id: The host's Zoom account.
        operator: The e-mail address of whoever created it.
        operator_id: Their Zoom user ID.
    """

    name: ClassVar[str] = "meeting.created"
    meeting_id: int
    host_id: str
    account_id: str
    operator: str
    operator_id: str


@attrs.frozen(kw_only=True)
class MeetingUpdated:
    """``meeting.updated``: a meeting (or some of its occurrences) was changed.

    Attributes:
        meeting_id: The meeting's ID.
        host_id: The Zoom user who hosts it, or ``""``: Zoom rarely says in this event.
        account_id: The host's Zoom account.
        operator: The e-mail address of whoever changed it.
        operator_id: Their Zoom user ID.
        changed: The changed fields with their new values, as Zoom sent them (``start_time``,
            ``duration``, ``settings`` …; without ``id``).
        previous: The same fields with their values before the change.
        occurrence_ids: The occurrences changed, when the change was to some occurrences of a
            recurring meeting only.
        changed_at: When the change was made (Zoom's ``time_stamp``), when Zoom says.

    ``changed`` and ``previous`` are read-only: nested objects are read-only mappings and
    arrays are tuples. They take part in ``==`` but not in the hash.
    """

    name: ClassVar[str] = "meeting.updated"
    meeting_id: int
    host_id: str
    account_id: str
    operator: str
    operator_id: str
    changed: Mapping[str, Any] = attrs.field(converter=_frozen_mapping, hash=False)
    previous: Mapping[str, Any] = attrs.field(converter=_frozen_mapping, hash=False)
    occurrence_ids: tuple[str, ...] = ()
    changed_at: datetime | None = None


@attrs.frozen(kw_only=True)
class MeetingDeleted:
    """``meeting.deleted``: a meeting, or some occurrences of it, were deleted.

    Attributes:
        meeting_id: The meeting's ID.
        host_id: The Zoom user who hosted it.
        account_id: The host's Zoom account.
        operator: The e-mail address of whoever deleted it.
        operator_id: Their Zoom user ID (``""`` when Zoom does not say).
        occurrence_ids: The occurrences deleted when only some were; empty when the whole
            meeting was deleted.
        and_following: The host deleted the (first) listed occurrence and every one after it
            (Zoom's ``operation: "this_and_following"``).
    """

    name: ClassVar[str] = "meeting.deleted"
    meeting_id: int
    host_id: str
    account_id: str
    operator: str
    operator_id: str
    occurrence_ids: tuple[str, ...] = ()
    and_following: bool = False


@attrs.frozen(kw_only=True)
class OtherEvent:
    """Any other well-formed, verified event: acknowledged and ignored.

    Attributes:
        name: The event's name (``meeting.started``, ``recording.completed`` …).
    """

    name: str


WebhookEvent: TypeAlias = (
    UrlValidation | AppDeauthorized | MeetingCreated | MeetingUpdated | MeetingDeleted | OtherEvent
)
"""Every event a verified webhook can carry. Each has a ``name``: Zoom's event name."""


@attrs.frozen(kw_only=True)
class WebhookResponse:
    """The HTTP answer to a webhook request, for the web framework to send.

    Attributes:
        status: The HTTP status: 200, or 400, 401, 413 (refused; Zoom does not retry) or 500
            (not processed; Zoom retries).
        headers: The response headers, as ``(name, value)`` pairs.
        body: The response body (JSON).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def json(self) -> Any:
        """The body, decoded from JSON."""
        return json.loads(self.body)
