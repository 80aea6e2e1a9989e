"""A small booking site in FastAPI with zoomlink (async): connect Zoom, book, reschedule, cancel.

Hosts connect their Zoom account (or, as organisation owner, the organisation's) on their
settings page, choose where each event type takes place, and clients book free times; each
booking gets its own Zoom meeting. Zoom's webhooks arrive at ``/zoom/webhooks``.

Run it against the fake Zoom (``python -m examples.fastapi_app``, see ``__main__``), or against
Zoom with ``ZOOMLINK_*`` variables set (docs/fastapi.md).
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the routes, which
# name dependencies made inside create_app.
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zoomlink import (
    AsyncZoomLink,
    Connection,
    EventType,
    PermissionDeniedError,
    Slot,
    ZoomLinkError,
)
from zoomlink.web import WebSettings
from zoomlink.web.starlette import ZoomRoutes

from ..booking_site import pages
from ..booking_site.data import (
    LENGTH,
    TENANT,
    Site,
    SiteBooking,
    User,
    notice,
    opening_hours,
    parse_start,
    refusal,
    slot_window,
)

__all__ = ["create_app"]

COOKIE = "demo_user"  # the demo's sign-in: a cookie naming the user (use your real auth)


def create_app(
    *, link: AsyncZoomLink | None = None, settings: WebSettings | None = None
) -> FastAPI:
    """The site. zoomlink's client is ``link``, or built from ``settings``, or from the
    ``ZOOMLINK_*`` environment variables on first use."""
    site = Site()

    def signed_in(request: Request) -> User | None:
        return site.users.get(request.cookies.get(COOKIE, ""))

    zoom = ZoomRoutes(
        user_id=lambda request: user.id if (user := signed_in(request)) else None,
        actor=lambda request: user.actor if (user := signed_in(request)) else None,
        tenant=lambda request: TENANT,
        done_url="/settings",
        login_url="/",
        link=link,
        settings=settings,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await zoom.aclose()

    app = FastAPI(title="Acme Bookings", lifespan=lifespan)
    app.mount("/zoom", zoom.app())  # /zoom/connect, /zoom/callback, /zoom/webhooks

    def host(user_id: str) -> User:
        if user_id not in site.users:
            raise HTTPException(404, "no such host")
        return site.users[user_id]

    def me(request: Request) -> User:
        user = signed_in(request)
        if user is None:
            raise HTTPException(303, headers={"Location": "/"})
        return user

    def event_type_of(event_type_id: str) -> EventType:
        if event_type_id not in site.event_types:
            raise HTTPException(404, "no such event type")
        return site.event_types[event_type_id]

    def start_of(value: str, user: User) -> datetime:
        try:
            return parse_start(value, user)
        except ValueError as exc:
            raise HTTPException(400, "not a time this site offers") from exc

    def booking_of(booking_id: str) -> SiteBooking:
        if booking_id not in site.bookings:
            raise HTTPException(404, "no such booking")
        return site.bookings[booking_id]

    Me = Annotated[User, Depends(me)]

    async def free_times(user: User) -> list[Slot]:
        start, end = slot_window(zoom.link.clock.now(), user)
        slots = await zoom.link.free_slots(
            [user.participant],
            start=start,
            end=end,
            duration=LENGTH,
            step=LENGTH,
            time_zone=user.time_zone,
            tenant=TENANT,
        )
        return opening_hours(slots)

    async def live_connection(user: User, kind: str) -> Connection | None:
        owner = user.id if kind == "personal" else None
        found = await zoom.link.connections(tenant=TENANT, user_id=owner)
        live = [c for c in found if c.kind == kind and c.status != "disconnected"]
        return live[-1] if live else None

    @app.get("/", response_class=HTMLResponse)
    async def home() -> str:
        return pages.home(list(site.users.values()), list(site.event_types.values()), form="")

    @app.post("/signin")
    async def sign_in(user_id: Annotated[str, Form()]) -> RedirectResponse:
        response = RedirectResponse("/settings", status_code=303)
        response.set_cookie(COOKIE, host(user_id).id, httponly=True, samesite="lax")
        return response

    @app.get("/settings", response_class=HTMLResponse)
    async def settings_page(request: Request, user: Me) -> str:
        message, error = notice(request.query_params)
        admin = user.actor.is_org_admin
        return pages.settings(
            user,
            personal=await live_connection(user, "personal"),
            organization=await live_connection(user, "organization") if admin else None,
            connected_users=(
                await zoom.link.connected_users(site.members(), tenant=TENANT) if admin else None
            ),
            default=await zoom.link.default_conferencing(user.id, tenant=TENANT),
            event_types=[
                (kind, await zoom.link.location(kind, user.id, tenant=TENANT))
                for kind in site.event_types.values()
            ],
            message=message,
            error=error,
            form="",
        )

    @app.post("/settings/disconnect")
    async def disconnect(user: Me, connection_id: Annotated[str, Form()]) -> RedirectResponse:
        try:
            await zoom.link.disconnect(connection_id, actor=user.actor)
        except PermissionDeniedError:
            return RedirectResponse("/settings?note=not_allowed", status_code=303)
        return RedirectResponse("/settings?note=disconnected", status_code=303)

    @app.post("/settings/default")
    async def default(user: Me, choice: Annotated[str, Form()]) -> RedirectResponse:
        if choice == "zoom":
            await zoom.link.set_default_conferencing(user.id, "zoom", tenant=TENANT)
        else:
            await zoom.link.clear_default_conferencing(user.id, tenant=TENANT)
        return RedirectResponse("/settings?note=default", status_code=303)

    @app.post("/settings/event-types/{event_type_id}")
    async def location(
        user: Me, event_type_id: str, location: Annotated[str, Form()]
    ) -> RedirectResponse:
        try:
            site.set_location(event_type_id, location)
        except (KeyError, ValueError) as exc:
            raise HTTPException(400, "no such event type or location") from exc
        return RedirectResponse("/settings?note=location", status_code=303)

    @app.get("/book/{host_id}/{event_type_id}", response_class=HTMLResponse)
    async def booking_page(host_id: str, event_type_id: str) -> str:
        user = host(host_id)
        event_type = event_type_of(event_type_id)
        try:
            slots = await free_times(user)
        except ZoomLinkError as exc:
            return pages.booking_page(
                user, event_type, [], message=refusal(exc), error=True, form=""
            )
        return pages.booking_page(user, event_type, slots, message="", form="")

    @app.post("/book/{host_id}/{event_type_id}", response_class=HTMLResponse)
    async def book(
        host_id: str,
        event_type_id: str,
        start: Annotated[str, Form()],
        name: Annotated[str, Form()],
        email: Annotated[str, Form()],
    ) -> Response:
        user = host(host_id)
        event_type = event_type_of(event_type_id)
        booking = site.new_booking(user, event_type_id, name, email, start_of(start, user))
        try:
            await zoom.link.schedule(site.for_zoomlink(booking))
        except ZoomLinkError as exc:
            page = pages.booking_page(
                user,
                event_type,
                await free_times(user),
                message=refusal(exc),
                error=True,
                form="",
                name=name,
                email=email,
            )
            return HTMLResponse(page, status_code=409)
        site.save(booking)
        return RedirectResponse(f"/bookings/{booking.id}?note=booked", status_code=303)

    async def booking_view(booking: SiteBooking, message: str, error: bool) -> str:
        user = site.users[booking.host_id]
        return pages.confirmation(
            booking,
            user,
            site.event_types[booking.event_type_id],
            await zoom.link.meeting_record(booking.id, tenant=TENANT),
            [] if booking.cancelled else await free_times(user),
            message=message,
            error=error,
            form="",
        )

    @app.get("/bookings/{booking_id}", response_class=HTMLResponse)
    async def booking_detail(request: Request, booking_id: str) -> str:
        message, error = notice(request.query_params)
        return await booking_view(booking_of(booking_id), message, error)

    @app.post("/bookings/{booking_id}/reschedule", response_class=HTMLResponse)
    async def reschedule(booking_id: str, start: Annotated[str, Form()]) -> Response:
        booking = booking_of(booking_id)
        moved = site.moved(booking, start_of(start, site.users[booking.host_id]))
        try:
            await zoom.link.reschedule(site.for_zoomlink(moved))
        except ZoomLinkError as exc:
            return HTMLResponse(await booking_view(booking, refusal(exc), True), status_code=409)
        site.save(moved)
        return RedirectResponse(f"/bookings/{booking_id}?note=moved", status_code=303)

    @app.post("/bookings/{booking_id}/cancel")
    async def cancel(booking_id: str) -> RedirectResponse:
        booking = booking_of(booking_id)
        await zoom.link.cancel(site.for_zoomlink(booking))
        booking.cancelled = True
        site.save(booking)
        return RedirectResponse(f"/bookings/{booking_id}?note=cancelled", status_code=303)

    return app
