"""Every error zoomlink raises, as one tree.

All of them derive from :class:`~zoomlink.ZoomLinkError`, so a host application can catch the
library's failures in one place and still tell them apart::

    ZoomLinkError
    ├── ConfigurationError            zoomlink was set up wrongly (a bad base URL, no secret …)
    ├── InvalidInputError             a value passed in cannot be sent to Zoom (naive datetime,
    │                                 a topic over Zoom's 200 characters …); also a ValueError
    ├── ZoomTransportError            Zoom could not be reached: connect error, timeout, dropped
    │                                 connection; the request may or may not have been carried out
    └── ZoomAPIError                  Zoom answered with an error (status, Zoom code, tracking id)
        ├── ZoomOAuthError            the OAuth endpoints refused (``error``/``reason``, e.g.
        │                             ``invalid_grant``)
        ├── ZoomAuthenticationError   401: the access token is missing, bad, expired or revoked
        │                             (Zoom code 124)
        ├── ZoomPermissionError       403: the token may not act on that resource
        ├── ZoomNotFoundError         404: no such user (1001) or meeting (3001)
        ├── ZoomValidationError       400: Zoom rejected the request's data (code 300, ``errors``)
        ├── ZoomRateLimitError        429: a per-second or daily limit; ``retry_at`` says when
        ├── ZoomServerError           5xx: Zoom failed; safe requests may be retried
        └── ZoomResponseError         Zoom said yes, but with a body zoomlink cannot read

Errors carry context (status, Zoom ``code``, ``tracking_id``), never a token, a client secret or a
``start_url``: messages from Zoom are scrubbed of every secret the request carried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "ConfigurationError",
    "InvalidInputError",
    "ZoomAPIError",
    "ZoomAuthenticationError",
    "ZoomErrorContext",
    "ZoomLinkError",
    "ZoomNotFoundError",
    "ZoomOAuthError",
    "ZoomPermissionError",
    "ZoomRateLimitError",
    "ZoomResponseError",
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
