"""AsyncZoomLink: what a host application holds to talk to Zoom."""

from __future__ import annotations

from types import TracebackType

import httpx

from zoomlink._async._api import AsyncZoomAPI
from zoomlink.models import Endpoints, ZoomApp
from zoomlink.protocols import Clock


class AsyncZoomLink:
    """zoomlink for asyncio hosts (FastAPI, Starlette, aiohttp …). The sync twin serves the
    others with the same methods.

    Create one per process and keep it: it holds one long-lived httpx client, so connections
    to Zoom are reused. Close it with ``aclose()`` or use it as an async context manager.

    Args:
        app: The Zoom app's credentials.
        endpoints: Zoom's OAuth and API base URLs (the real ones by default).
        http_client: An httpx client to send through; zoomlink creates and owns one if omitted.
        clock: Where the time comes from.
        timeout: Seconds before a request to Zoom times out, for the client zoomlink creates.
    """

    def __init__(
        self,
        app: ZoomApp,
        *,
        endpoints: Endpoints | None = None,
        http_client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.api = AsyncZoomAPI(
            app, endpoints=endpoints, http_client=http_client, clock=clock, timeout=timeout
        )
        """The low-level API, sharing this object's HTTP client."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.api.app.client_id!r})"

    async def __aenter__(self) -> AsyncZoomLink:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the HTTP client."""
        await self.api.aclose()
