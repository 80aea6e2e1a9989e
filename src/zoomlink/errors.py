"""Every error zoomlink raises, as one tree.

All of them derive from :class:`~zoomlink.ZoomLinkError`, so a host application can catch the
library's failures in one place and still tell them apart::

    ZoomLinkError
    ├── ConfigurationError            zoomlink was set up wrongly (a bad base URL, no secret …)
    │   └── KeyringError              no encryption key, or a key that cannot open stored tokens
    ├── InvalidInputError             a value passed in cannot be sent to Zoom (naive datetime,
    │                                 a topic over Zoom's 200 characters …); also a ValueError
    │   └── InvalidBookingError       a booking is malformed (``field`` names what and why)
    ├── ConnectError                  an OAuth callback could not complete a connection
    │   ├── InvalidStateError         the ``state`` is forged, expired, reused or someone else's
    │   ├── AuthorizationDeniedError  the user declined on Zoom's consent page
    │   ├── RedirectMismatchError     the browser came back to a URL other than the redirect URL
    │   ├── AuthorizationCodeError    Zoom refused the code (already used, expired …)
    │   └── ZoomRoleError             an organisation connect by a Zoom user who is not an admin
    ├── OwnershipConflictError        the Zoom user is already linked to another app user
    ├── PermissionDeniedError         the acting app user may not do this (policy named)
    ├── NotConnectedError             the app user has no Zoom connection to use
    ├── NeedsReconnectError           Zoom rejected the connection for good; reconnect it
    ├── BookingStateError             the booking's meeting is not in a state that allows this
    ├── DailyLimitError               the host's 100 meeting creates/updates for this UTC day
    │                                 are used up; ``retry_at`` says when the quota resets
    ├── BookingConflictError          the booking overlaps the host's busy time (``conflicts``)
    ├── NoHostAvailableError          no host of a round-robin pool is free (``reasons``)
    ├── CalendarError                 a calendar server could not do what was asked (``url``)
    │   ├── CalendarUnavailableError  the server could not be reached: connect error, timeout
    │   ├── CalendarAuthError         401/403: the server refused the user name and password
    │   ├── CalendarNotFoundError     no calendar at the URL
    │   └── CalendarDataError         an answer or an event on the calendar cannot be read
    ├── StoreError                    a token store could not do what was asked
    │   ├── StaleRecordError          a record changed since it was read (compare-and-swap)
    │   ├── DuplicateRecordError      a record with that id is already stored
    │   └── LockTimeoutError          a store lock was not granted in time
    ├── WebhookError                  a webhook request was refused; ``status`` is the HTTP answer
    │   ├── WebhookSignatureError     ``x-zm-signature`` missing or wrong (401)
    │   ├── WebhookTimestampError     ``x-zm-request-timestamp`` missing, malformed or outside
    │   │                             the window (401)
    │   └── WebhookPayloadError       not JSON, not a Zoom event's shape (400), or too large (413)
    ├── DeliveryError                 a notification sink could not deliver (``channel``,
    │                                 ``stage``: connect, login, recipient, address, provider …)
    ├── ZoomTransportError            Zoom could not be reached: connect error, timeout, dropped
    │                                 connection; the request may or may not have been carried out
    └── ZoomAPIError                  Zoom answered with an error (status, Zoom code, tracking id)
        ├── ZoomOAuthError            the OAuth endpoints refused (``error``/``reason``, e.g.
        │                             ``invalid_grant``)
        ├── ZoomAuthenticationError   401: the access token is missing, bad, expired or revoked
        │                             (Zoom code 124)
        ├── ZoomPermissionError       403: the token may not act on that resource
        │   └── ZoomScopeError        the token lacks a scope the request needs (Zoom code
        │                             4711, HTTP 400); ``missing_scopes`` names them
        ├── ZoomNotFoundError         404: no such user (1001) or meeting (3001)
        ├── ZoomValidationError       400: Zoom rejected the request's data (code 300, ``errors``)
        │   └── PasscodePolicyError   the passcode breaks the host's Zoom passcode rules
        ├── ZoomRateLimitError        429: a per-second or daily limit; ``retry_at`` says when
        ├── ZoomServerError           5xx: Zoom failed; safe requests may be retried
        └── ZoomResponseError         Zoom said yes, but with a body zoomlink cannot read

``BookingConflictError`` and ``NoHostAvailableError`` are defined in :mod:`zoomlink.availability`
next to the :class:`~zoomlink.Conflict` values they carry; ``zoomlink`` exports them all.

Errors carry context (status, Zoom ``code``, ``tracking_id``), never a token, a client secret or a
``start_url``: messages from Zoom are scrubbed of every secret the request carried. Calendar
errors name the calendar's URL, never its password.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "AuthorizationCodeError",
    "AuthorizationDeniedError",
    "BookingStateError",
    "CalendarAuthError",
    "CalendarDataError",
    "CalendarError",
    "CalendarNotFoundError",
    "CalendarUnavailableError",
    "ConfigurationError",
    "ConnectError",
    "DailyLimitError",
    "DeliveryError",
    "DuplicateRecordError",
    "InvalidBookingError",
    "InvalidInputError",
    "InvalidStateError",
    "KeyringError",
    "LockTimeoutError",
    "NeedsReconnectError",
    "NotConnectedError",
    "OwnershipConflictError",
    "PasscodePolicyError",
    "PermissionDeniedError",
    "RedirectMismatchError",
    "StaleRecordError",
    "StoreError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "ZoomRoleError",
    "ZoomAPIError",
    "ZoomAuthenticationError",
    "ZoomErrorContext",
    "ZoomLinkError",
    "ZoomNotFoundError",
    "ZoomOAuthError",
    "ZoomPermissionError",
    "ZoomRateLimitError",
    "ZoomResponseError",
    "ZoomScopeError",
    "ZoomServerError",
    "ZoomTransportError",
    "ZoomValidationError",
]


class ZoomLinkError(Exception):
    """The root of every error zoomlink raises."""


class ConfigurationError(ZoomLinkError):
    """zoomlink was configured wrongly; the message says which setting and why."""


class InvalidInputError(ZoomLinkError, ValueError):
    """A value passed to zoomlink cannot be sent to Zoom; the message names it and says why."""


class InvalidBookingError(InvalidInputError):
    """A booking (or one of its parts) is malformed; nothing was sent to Zoom.

    Attributes:
        field: The field at fault (``start``, ``end``, ``host.time_zone``, ``title`` …).
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class KeyringError(ConfigurationError):
    """The token keyring is missing, malformed, or lacks the key that sealed a stored token.

    Attributes:
        key_id: The key the stored value names, when the problem is with one stored value.
    """

    def __init__(self, message: str, *, key_id: str | None = None) -> None:
        super().__init__(message)
        self.key_id = key_id


class ConnectError(ZoomLinkError):
    """Zoom's OAuth redirect could not be turned into a connection; nothing was stored."""


class InvalidStateError(ConnectError):
    """The callback's ``state`` cannot be trusted.

    Attributes:
        reason: ``"missing"``, ``"forged"`` (bad signature or shape), ``"expired"``,
            ``"reused"`` (already completed, or unknown) or ``"other_user"`` (started by another
            app user).
    """

    def __init__(
        self,
        message: str,
        *,
        reason: Literal["missing", "forged", "expired", "reused", "other_user"],
    ) -> None:
        super().__init__(message)
        self.reason = reason


class AuthorizationDeniedError(ConnectError):
    """Zoom sent the browser back with an ``error`` (``access_denied`` when the user declined).

    Attributes:
        error: The OAuth ``error`` from the redirect.
        user_id: The app user who started the connect, when the state was valid.
    """

    def __init__(self, message: str, *, error: str, user_id: str | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.user_id = user_id


class RedirectMismatchError(ConnectError):
    """The callback URL is not the app's registered redirect URL.

    Attributes:
        expected: The app's redirect URL.
        received: The URL the browser came back to (without its query).
    """

    def __init__(self, message: str, *, expected: str, received: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.received = received


class AuthorizationCodeError(ConnectError):
    """Zoom refused to exchange the authorization code (used already, expired, or not ours).

    Attributes:
        error: Zoom's OAuth ``error``.
        reason: Zoom's ``reason`` text.
    """

    def __init__(self, message: str, *, error: str, reason: str = "") -> None:
        super().__init__(message)
        self.error = error
        self.reason = reason


class ZoomRoleError(ConnectError):
    """An organisation connection was completed by a Zoom user who is not an owner or admin.

    Attributes:
        zoom_user_id: The Zoom user who completed the consent.
        zoom_role: Their role in their Zoom account.
    """

    def __init__(self, message: str, *, zoom_user_id: str, zoom_role: str) -> None:
        super().__init__(message)
        self.zoom_user_id = zoom_user_id
        self.zoom_role = zoom_role


class OwnershipConflictError(ZoomLinkError):
    """Linking refused: the Zoom user is already linked to another app user in the tenant.

    Attributes:
        policy: The link policy that refused (``"exclusive"``).
        tenant: The tenant.
        zoom_user_id: The Zoom user.
        linked_user_id: The app user the Zoom user is linked to now.
    """

    def __init__(
        self, message: str, *, policy: str, tenant: str, zoom_user_id: str, linked_user_id: str
    ) -> None:
        super().__init__(message)
        self.policy = policy
        self.tenant = tenant
        self.zoom_user_id = zoom_user_id
        self.linked_user_id = linked_user_id


class PermissionDeniedError(ZoomLinkError):
    """The acting app user may not do this; nothing was changed.

    Attributes:
        action: What was refused (``"start organisation connect"``, ``"disconnect"`` …).
        actor_id: The app user who asked.
        policy: The rule that refused.
    """

    def __init__(self, message: str, *, action: str, actor_id: str, policy: str) -> None:
        super().__init__(message)
        self.action = action
        self.actor_id = actor_id
        self.policy = policy


class NotConnectedError(ZoomLinkError):
    """No Zoom connection serves this app user (none made, or all disconnected).

    Attributes:
        tenant: The tenant.
        user_id: The app user, or ``None`` for a tenant-wide lookup.
    """

    def __init__(self, message: str, *, tenant: str, user_id: str | None = None) -> None:
        super().__init__(message)
        self.tenant = tenant
        self.user_id = user_id


class NeedsReconnectError(ZoomLinkError):
    """Zoom rejected the connection for good (revoked, uninstalled, admin role lost, refresh
    token dead); it must be connected again. Raised fast, without calling Zoom.

    Attributes:
        connection_id: The connection that needs reconnecting.
        reason: Why Zoom's rejection was judged final.
        reconnect_url: Where the owner can reconnect, when the host configured one.
    """

    def __init__(
        self, message: str, *, connection_id: str, reason: str, reconnect_url: str | None = None
    ) -> None:
        super().__init__(message)
        self.connection_id = connection_id
        self.reason = reason
        self.reconnect_url = reconnect_url


class BookingStateError(ZoomLinkError):
    """The booking's meeting is in a state that does not allow this (a cancelled booking
    cannot be rescheduled; schedule it again instead).

    Attributes:
        booking_id: The booking.
        state: The state its meeting record is in.
    """

    def __init__(self, message: str, *, booking_id: str, state: str) -> None:
        super().__init__(message)
        self.booking_id = booking_id
        self.state = state


class DailyLimitError(ZoomLinkError):
    """The host has used Zoom's 100 meeting create/update requests for this UTC day.

    Raised before calling Zoom when zoomlink's own count says the quota is spent, and when Zoom
    answers with its per-host daily 429. Nothing was changed; defer the work until
    ``retry_at``.

    Attributes:
        zoom_user: The Zoom user (ID or e-mail) whose quota is spent.
        limit: The daily limit (100).
        retry_at: When the quota resets (the next 00:00 UTC).
        booking_id: The booking being served, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        zoom_user: str,
        limit: int,
        retry_at: datetime,
        booking_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.zoom_user = zoom_user
        self.limit = limit
        self.retry_at = retry_at
        self.booking_id = booking_id


class CalendarError(ZoomLinkError):
    """A calendar server could not do what was asked; the message says what and why.

    Attributes:
        url: The calendar's URL (never with a password in it).
        status: The server's HTTP status, when it answered.
    """

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class CalendarUnavailableError(CalendarError):
    """The calendar server could not be reached (connect error, timeout, dropped connection)."""


class CalendarAuthError(CalendarError):
    """The calendar server refused the credentials (401) or the access (403)."""


class CalendarNotFoundError(CalendarError):
    """There is no calendar at the URL (the server answered 404, or 409 to a write)."""


class CalendarDataError(CalendarError):
    """The server's answer, or an event stored on the calendar, cannot be read or was refused
    as malformed; the message names the event's resource when one is at fault."""


class StoreError(ZoomLinkError):
    """A token store could not do what was asked."""


class StaleRecordError(StoreError):
    """The record changed since it was read; re-read it and decide again.

    Attributes:
        record_id: The record's id.
    """

    def __init__(self, message: str, *, record_id: str) -> None:
        super().__init__(message)
        self.record_id = record_id


class DuplicateRecordError(StoreError):
    """A record with this id is already stored.

    Attributes:
        record_id: The record's id.
    """

    def __init__(self, message: str, *, record_id: str) -> None:
        super().__init__(message)
        self.record_id = record_id


class LockTimeoutError(StoreError):
    """A store lock was not granted within the timeout.

    Attributes:
        name: The lock's name.
        timeout: The seconds waited.
    """

    def __init__(self, message: str, *, name: str, timeout: float) -> None:
        super().__init__(message)
        self.name = name
        self.timeout = timeout


class WebhookError(ZoomLinkError):
    """A webhook request was refused; nothing was done with it.

    The message names what was wrong (a header, a field) but never carries the body, a
    signature or a secret.

    Attributes:
        status: The HTTP status to answer with (400, 401 or 413).
        reason: A short, stable description for the answer's body (``"signature mismatch"``,
            ``"stale timestamp"``, ``"invalid payload.object.id"`` …).
    """

    def __init__(self, message: str, *, status: int, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class WebhookSignatureError(WebhookError):
    """``x-zm-signature`` is missing, sent twice, malformed, or not made with any of the apps'
    Secret Tokens (401)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, status=401, reason=reason)


class WebhookTimestampError(WebhookError):
    """``x-zm-request-timestamp`` is missing, sent twice, not a number of seconds, or outside
    the accepted window (401)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, status=401, reason=reason)


class WebhookPayloadError(WebhookError):
    """The body is too large (413), or not a JSON object of a Zoom event's shape (400).

    Attributes:
        field: The field at fault (``payload.object.id`` …), when one is.
    """

    def __init__(
        self, message: str, *, reason: str, field: str | None = None, too_large: bool = False
    ) -> None:
        super().__init__(message, status=413 if too_large else 400, reason=reason)
        self.field = field


class DeliveryError(ZoomLinkError):
    """A notification sink could not deliver a notification; the outbox keeps it for a retry.
    The message names what failed (the server, the login name, the refused recipient, the
    provider's answer), never a password or token.

    Attributes:
        channel: ``email`` or ``sms``.
        stage: What failed: ``connect``, ``tls``, ``login``, ``sender``, ``recipient``,
            ``send``, ``address`` (no address to deliver to, or a notice of another channel)
            or ``provider`` (the SMS provider refused the message).
    """

    def __init__(self, message: str, *, channel: str, stage: str) -> None:
        super().__init__(message)
        self.channel = channel
        self.stage = stage


class ZoomTransportError(ZoomLinkError):
    """Zoom could not be reached, or the connection failed before an answer arrived.

    Attributes:
        method: The HTTP method of the request.
        url: The URL of the request, without its query string.
        timeout: True when the request timed out.
    """

    def __init__(self, message: str, *, method: str, url: str, timeout: bool = False) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.timeout = timeout


class ZoomErrorContext(TypedDict, total=False):
    """Where an API error happened: the keyword arguments every :class:`ZoomAPIError` takes."""

    status: int
    code: int | None
    tracking_id: str | None
    method: str
    url: str


class ZoomAPIError(ZoomLinkError):
    """Zoom answered with an error.

    Attributes:
        status: The HTTP status code.
        code: Zoom's numeric error ``code`` when the body carried one (124, 300, 1001, 3001 …).
        message: Zoom's message, scrubbed of secrets.
        tracking_id: Zoom's ``x-zm-trackingid`` header, which Zoom support asks for.
        method: The HTTP method of the request.
        url: The URL of the request, without its query string.
    """

    def __init__(self, message: str, **context: Unpack[ZoomErrorContext]) -> None:
        super().__init__(message)
        self.message = message
        self.status = context.get("status", 0)
        self.code = context.get("code")
        self.tracking_id = context.get("tracking_id")
        self.method = context.get("method", "")
        self.url = context.get("url", "")

    def __str__(self) -> str:
        code = f" code {self.code}" if self.code is not None else ""
        where = f" ({self.method} {self.url})" if self.method else ""
        return f"Zoom answered {self.status}{code}: {self.message}{where}"


class ZoomOAuthError(ZoomAPIError):
    """Zoom's OAuth endpoints refused a request.

    Attributes:
        error: The OAuth ``error`` (``invalid_grant``, ``invalid_client``, ``invalid_request`` …).
        reason: Zoom's ``reason`` text.
    """

    def __init__(
        self, message: str, *, error: str, reason: str = "", **context: Unpack[ZoomErrorContext]
    ) -> None:
        super().__init__(message, **context)
        self.error = error
        self.reason = reason


class ZoomAuthenticationError(ZoomAPIError):
    """401: the access token is missing, malformed, expired or revoked (Zoom code 124)."""


class ZoomPermissionError(ZoomAPIError):
    """403: the token is valid but may not act on this resource."""


class ZoomScopeError(ZoomPermissionError):
    """The access token lacks a scope the request needs.

    Zoom answers HTTP 400 with code 4711, ``"Invalid access token, does not contain
    scopes:[user:read:list_users:admin]."``: the app's scopes (set on Zoom's Marketplace page)
    or the user's authorization do not cover this call. Add the scope to the app, then have the
    user authorize again.

    Attributes:
        missing_scopes: The scopes Zoom named, e.g. ``("user:read:list_users:admin",)``.
    """

    def __init__(
        self,
        message: str,
        *,
        missing_scopes: Sequence[str] = (),
        **context: Unpack[ZoomErrorContext],
    ) -> None:
        super().__init__(message, **context)
        self.missing_scopes = tuple(missing_scopes)


class ZoomNotFoundError(ZoomAPIError):
    """404: the user (code 1001) or meeting (code 3001) does not exist."""


class ZoomValidationError(ZoomAPIError):
    """400: Zoom rejected the request's data.

    Attributes:
        errors: Zoom's per-field details, as ``{"field": ..., "message": ...}`` mappings.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        **context: Unpack[ZoomErrorContext],
    ) -> None:
        super().__init__(message, **context)
        self.errors = tuple(errors)


class PasscodePolicyError(ZoomValidationError):
    """Zoom refused the meeting passcode: it breaks the host's passcode requirements (length,
    letters, digits, special characters …) or a passcode is required and none was given.

    Attributes:
        booking_id: The booking being served.
        event_type_id: The event type whose meeting settings carry the passcode.
        problem: Zoom's words about the passcode.
    """

    def __init__(
        self,
        message: str,
        *,
        booking_id: str,
        event_type_id: str,
        problem: str,
        errors: Sequence[Mapping[str, str]] = (),
        **context: Unpack[ZoomErrorContext],
    ) -> None:
        super().__init__(message, errors=errors, **context)
        self.booking_id = booking_id
        self.event_type_id = event_type_id
        self.problem = problem

    def __str__(self) -> str:
        return self.message


class ZoomRateLimitError(ZoomAPIError):
    """429: a Zoom rate limit was reached.

    Attributes:
        limit: ``"per-second"``, ``"daily"`` (an account's daily quota) or ``"host-daily"`` (the
            100 meeting create/update requests per host per UTC day).
        retry_at: When Zoom says the request may be made again, if it said so or it is known
            (the next 00:00 UTC for the daily limits).
        category: Zoom's rate-limit category (``Light``, ``Medium``, ``Heavy``), when sent.
    """

    def __init__(
        self,
        message: str,
        *,
        limit: Literal["per-second", "daily", "host-daily"],
        retry_at: datetime | None = None,
        category: str | None = None,
        **context: Unpack[ZoomErrorContext],
    ) -> None:
        super().__init__(message, **context)
        self.limit = limit
        self.retry_at = retry_at
        self.category = category


class ZoomServerError(ZoomAPIError):
    """5xx: Zoom failed to answer the request."""


class ZoomResponseError(ZoomAPIError):
    """Zoom answered with success, but the body is not what its API documents."""
