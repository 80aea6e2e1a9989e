"""zoomlink in a Starlette or FastAPI app: one client per process from the environment (or a
mapping), and the routes that connect Zoom and take its webhooks.

::

    from fastapi import FastAPI
    from zoomlink.web.starlette import ZoomRoutes

    zoom = ZoomRoutes(user_id=lambda request: request.session.get("user_id"),
                      done_url="/settings")  # reads ZOOMLINK_* from the environment

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await zoom.aclose()

    app = FastAPI(lifespan=lifespan)
    app.mount("/zoom", zoom.app())  # /zoom/connect, /zoom/callback, /zoom/webhooks

Starlette is imported when the routes are made, so zoomlink does not depend on it; its
requests, responses and routes are ``Any`` here, as in :func:`zoomlink.web.starlette_endpoint`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from zoomlink.errors import PermissionDeniedError, ZoomLinkError
from zoomlink.models import DEFAULT_TENANT, Actor
from zoomlink.web import _answers
from zoomlink.web._settings import WebSettings
from zoomlink.web._webhook_views import starlette_endpoint

if TYPE_CHECKING:
    from zoomlink import AsyncZoomLink

__all__ = ["ZoomRoutes"]

T = TypeVar("T")


async def _ask(lookup: Callable[[Any], T | Awaitable[T]], request: Any) -> T:
    """What the app tells about a request: plain or awaited (a session may be either)."""
    value = lookup(request)
    if inspect.isawaitable(value):
        return await value
    return value


def _here(request: Any) -> str:
    """The request's path and query, for ``next=`` (never another site's address)."""
    url = request.url
    return f"{url.path}?{url.query}" if url.query else str(url.path)


def _respond(answer: _answers.Answer) -> Any:
    from starlette.responses import HTMLResponse, RedirectResponse

    if answer.location is not None:
        return RedirectResponse(answer.location, status_code=answer.status)
    return HTMLResponse(answer.html, status_code=answer.status)


class ZoomRoutes:
    """The routes every Starlette or FastAPI booking site needs to connect Zoom.

    Args:
        user_id: Who the signed-in app user is: ``request`` → their ID (or an awaitable of
            it), or None when nobody is signed in.
        actor: The signed-in user as an organisation :class:`~zoomlink.Actor` (with their
            role), for the organisation connect; without it that route is not offered.
        tenant: The user's tenant (organisation) from the request; the default tenant if
            omitted.
        done_url: Where the browser goes after a connect, with ``?zoom=connected`` or
            ``?zoom=failed&reason=...`` (``denied``, ``not_zoom_admin``, ``linked_elsewhere``,
            ``code_refused``, ``zoom_error``).
        login_url: Where a visitor who is not signed in is sent (with ``?next=``); a 403 page
            if omitted.
        link: The client to use. If omitted, one is built on first use from ``settings``, or
            from the ``ZOOMLINK_*`` environment variables
            (:meth:`~zoomlink.web.WebSettings.from_env`), and
            closed by :meth:`aclose`.
        settings: The settings to build the client from.
    """

    def __init__(
        self,
        *,
        user_id: Callable[[Any], str | Awaitable[str | None] | None],
        actor: Callable[[Any], Actor | Awaitable[Actor | None] | None] | None = None,
        tenant: Callable[[Any], str | Awaitable[str]] | None = None,
        done_url: str = "/",
        login_url: str | None = None,
        link: AsyncZoomLink | None = None,
        settings: WebSettings | None = None,
    ) -> None:
        self._user_id = user_id
        self._actor = actor
        self._tenant = tenant
        self.done_url = done_url
        self.login_url = login_url
        self._link = link
        self._owns_link = link is None
        self._settings = settings
        self._webhook: Callable[[Any], Awaitable[Any]] | None = None

    @property
    def link(self) -> AsyncZoomLink:
        """The client the routes use (the one given, or one built once from the settings).

        Raises:
            ConfigurationError: A setting is missing; the message names it.
        """
        if self._link is None:
            settings = self._settings or WebSettings.from_env()
            self._link = settings.async_zoomlink()
        return self._link

    async def aclose(self) -> None:
        """Close the client if these routes built it (call it from the app's lifespan)."""
        if self._owns_link and self._link is not None:
            await self._link.aclose()
            self._link = None

    async def tenant(self, request: Any) -> str:
        """The request's tenant."""
        return await _ask(self._tenant, request) if self._tenant else DEFAULT_TENANT

    def routes(self) -> list[Any]:
        """``/connect``, ``/connect/organization`` (with ``actor``), ``/callback`` and
        ``/webhooks``, named ``zoomlink-connect`` … as in the Django views. Mounted under a
        prefix, the callback's full URL must be ``REDIRECT_URI``."""
        from starlette.routing import Route

        routes = [
            Route("/connect", self.connect, name="zoomlink-connect"),
            Route("/callback", self.callback, name="zoomlink-callback"),
            Route("/webhooks", self.webhook, methods=["POST"], name="zoomlink-webhook"),
        ]
        if self._actor is not None:
            routes.append(
                Route(
                    "/connect/organization",
                    self.connect_organization,
                    name="zoomlink-connect-organization",
                )
            )
        return routes

    def app(self) -> Any:
        """The routes as one ASGI app, to mount: ``app.mount("/zoom", zoom.app())``."""
        from starlette.routing import Router

        return Router(routes=self.routes())

    async def connect(self, request: Any) -> Any:
        """Send the signed-in user's browser to Zoom's consent page for a personal connection
        (PKCE, and a state signed for this user that works once within ten minutes)."""
        user_id = await _ask(self._user_id, request)
        if user_id is None:
            return _respond(_answers.signed_out(self.login_url, _here(request)))
        tenant = await self.tenant(request)
        url = await self.link.personal_connect_url(user_id, tenant=tenant)
        return _respond(_answers.Answer(302, location=url))

    async def connect_organization(self, request: Any) -> Any:
        """Send an organisation owner's or admin's browser to Zoom's consent page for the
        organisation's (admin-managed) connection; a plain member gets a 403 page."""
        actor = await _ask(self._actor, request) if self._actor else None
        if actor is None:
            return _respond(_answers.signed_out(self.login_url, _here(request)))
        tenant = await self.tenant(request)
        try:
            url = await self.link.organization_connect_url(actor, tenant=tenant)
        except PermissionDeniedError:
            return _respond(_answers.forbidden(self.done_url))
        return _respond(_answers.Answer(302, location=url))

    async def callback(self, request: Any) -> Any:
        """Zoom's redirect: complete the connect and send the browser to ``done_url``; a
        forged, replayed or expired state gets a readable 400 page."""
        params = dict(request.query_params)
        try:
            await self.link.complete_connect(params, user_id=await _ask(self._user_id, request))
        except ZoomLinkError as exc:
            return _respond(_answers.failed(self.done_url, exc))
        return _respond(_answers.connected(self.done_url))

    async def webhook(self, request: Any) -> Any:
        """Zoom's webhooks (POST), verified with the Secret Token."""
        if self._webhook is None:
            from zoomlink import AsyncWebhookHandler

            self._webhook = starlette_endpoint(AsyncWebhookHandler(self.link))
        return await self._webhook(request)
