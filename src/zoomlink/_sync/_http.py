# This file is generated from src/zoomlink/_async/_http.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""The one long-lived httpx client a ZoomLink talks to Zoom through."""

from __future__ import annotations

import httpx

from zoomlink._core._http import ZoomRequest, ZoomResponse
from zoomlink._version import __version__
from zoomlink.errors import ZoomTransportError

USER_AGENT = f"zoomlink/{__version__}"


def new_client(timeout: float) -> httpx.Client:
    """The httpx client zoomlink creates when the host passes none."""
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})


class HTTP:
    """Sends :class:`ZoomRequest` values and returns :class:`ZoomResponse` values.

    It owns the httpx client it creates; a client passed in stays the caller's to close.
    """

    def __init__(self, client: httpx.Client | None = None, *, timeout: float = 10.0) -> None:
        self._owns_client = client is None
        self._client = client or new_client(timeout)

    def send(self, request: ZoomRequest) -> ZoomResponse:
        """Send one request; network failures become :class:`ZoomTransportError`."""
        try:
            response = self._client.request(
                request.method,
                request.url,
                params=request.params or None,
                headers=request.headers,
                data=dict(request.form) if request.form is not None else None,
                json=request.json,
            )
        except httpx.TimeoutException as exc:
            raise ZoomTransportError(
                f"{request.method} {request.url} timed out",
                method=request.method,
                url=request.url,
                timeout=True,
            ) from exc
        except httpx.TransportError as exc:
            raise ZoomTransportError(
                f"{request.method} {request.url} failed: {type(exc).__name__}",
                method=request.method,
                url=request.url,
            ) from exc
        return ZoomResponse(
            status=response.status_code, headers=dict(response.headers), body=response.content
        )

    def close(self) -> None:
        """Close the httpx client if this object created it."""
        if self._owns_client:
            self._client.close()
