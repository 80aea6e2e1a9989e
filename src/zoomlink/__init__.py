"""zoomlink: Zoom meetings for booking applications.

Connect your users' Zoom accounts, give every booking its own Zoom meeting, keep it in step with
the booking, and purge Zoom data when a user disconnects, with sync and async APIs of the same
shape and a faithful fake Zoom (:mod:`zoomlink.testing`) to test against.
"""

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._zoomlink import AsyncZoomLink
from zoomlink._sync._api import ZoomAPI
from zoomlink._sync._zoomlink import ZoomLink
from zoomlink._version import __version__
from zoomlink.clocks import SystemClock
from zoomlink.errors import (
    ConfigurationError,
    InvalidInputError,
    ZoomAPIError,
    ZoomAuthenticationError,
    ZoomErrorContext,
    ZoomLinkError,
    ZoomNotFoundError,
    ZoomOAuthError,
    ZoomPermissionError,
    ZoomRateLimitError,
    ZoomResponseError,
    ZoomServerError,
    ZoomTransportError,
    ZoomValidationError,
)
from zoomlink.models import (
    AppKind,
    Endpoints,
    Meeting,
    MeetingFields,
    MeetingPage,
    Occurrence,
    Pkce,
    Tokens,
    ZoomApp,
    ZoomRole,
    ZoomUser,
)
from zoomlink.protocols import Clock

__all__ = [
    "__version__",
    "AppKind",
    "AsyncZoomAPI",
    "AsyncZoomLink",
    "Clock",
    "ConfigurationError",
    "Endpoints",
    "InvalidInputError",
    "Meeting",
    "MeetingFields",
    "MeetingPage",
    "Occurrence",
    "Pkce",
    "SystemClock",
    "Tokens",
    "ZoomAPI",
    "ZoomAPIError",
    "ZoomApp",
    "ZoomAuthenticationError",
    "ZoomErrorContext",
    "ZoomLink",
    "ZoomLinkError",
    "ZoomNotFoundError",
    "ZoomOAuthError",
    "ZoomPermissionError",
    "ZoomRateLimitError",
    "ZoomResponseError",
    "ZoomRole",
    "ZoomServerError",
    "ZoomTransportError",
    "ZoomUser",
    "ZoomValidationError",
]

# Show public names as zoomlink.X in reprs, tracebacks and the docs (httpx does the same).
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = "zoomlink"
del _name, _obj
