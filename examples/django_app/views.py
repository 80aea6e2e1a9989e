"""The site's views. zoomlink's client is the process's one, from ``settings.ZOOMLINK``.

Django ships no type hints, so requests and responses are ``Any`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any, TypeVar

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.views.decorators.http import require_POST

from zoomlink import Connection, PermissionDeniedError, Slot, ZoomLinkError
from zoomlink.web.django import get_zoomlink

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

__all__ = ["TENANT", "signed_in"]

COOKIE = "demo_user"  # the demo's sign-in: a signed cookie naming the user (use Django's auth)
site = Site()

View = TypeVar("View", bound=Callable[..., Any])
# Django's require_POST (405 for other methods), typed for mypy: Django ships no hints.
post_only: Callable[[View], View] = require_POST


def signed_in(request: Any) -> User | None:
    """The signed-in user, if any."""
    user_id = request.get_signed_cookie(COOKIE, default=None)
    return site.users.get(user_id) if user_id else None


def _form(request: Any) -> str:
    """What every form carries: Django's CSRF token."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'


def _redirect(url: str) -> Any:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _me(request: Any) -> User:
    user = signed_in(request)
    if user is None:
        raise Http404("sign in first")
    return user


def _host(user_id: str) -> User:
    if user_id not in site.users:
        raise Http404("no such host")
    return site.users[user_id]


def _start(request: Any, user: User) -> datetime:
    try:
        return parse_start(request.POST.get("start", ""), user)
    except ValueError as exc:
        raise BadRequest("not a time this site offers") from exc


def _booking(booking_id: str) -> SiteBooking:
    if booking_id not in site.bookings:
        raise Http404("no such booking")
    return site.bookings[booking_id]


def _free_times(user: User) -> list[Slot]:
    zoom = get_zoomlink()
    start, end = slot_window(zoom.clock.now(), user)
    slots = zoom.free_slots(
        [user.participant],
        start=start,
        end=end,
        duration=LENGTH,
        step=LENGTH,
        time_zone=user.time_zone,
        tenant=TENANT,
    )
    return opening_hours(slots)


def _live_connection(user: User, kind: str) -> Connection | None:
    owner = user.id if kind == "personal" else None
    found = get_zoomlink().connections(tenant=TENANT, user_id=owner)
    live = [c for c in found if c.kind == kind and c.status != "disconnected"]
    return live[-1] if live else None


def home(request: Any) -> Any:
    """Sign in as a demo user, or open a booking page."""
    users, kinds = list(site.users.values()), list(site.event_types.values())
    return HttpResponse(pages.home(users, kinds, form=_form(request)))


@post_only
def sign_in(request: Any) -> Any:
    """Sign in as the chosen demo user."""
    response = _redirect("/settings")
    response.set_signed_cookie(COOKIE, _host(request.POST["user_id"]).id, httponly=True)
    return response


def settings_page(request: Any) -> Any:
    """Zoom connections, default conferencing and event types of the signed-in user."""
    user = signed_in(request)
    if user is None:
        return _redirect("/")
    zoom = get_zoomlink()
    message, error = notice(request.GET)
    admin = user.actor.is_org_admin
    page = pages.settings(
        user,
        personal=_live_connection(user, "personal"),
        organization=_live_connection(user, "organization") if admin else None,
        connected_users=zoom.connected_users(site.members(), tenant=TENANT) if admin else None,
        default=zoom.default_conferencing(user.id, tenant=TENANT),
        event_types=[
            (kind, zoom.location(kind, user.id, tenant=TENANT))
            for kind in site.event_types.values()
        ],
        message=message,
        error=error,
        form=_form(request),
    )
    return HttpResponse(page)


@post_only
def disconnect(request: Any) -> Any:
    """Disconnect a Zoom connection: its owner's, or the organisation's for its admins."""
    try:
        get_zoomlink().disconnect(request.POST["connection_id"], actor=_me(request).actor)
    except PermissionDeniedError:
        return _redirect("/settings?note=not_allowed")
    return _redirect("/settings?note=disconnected")


@post_only
def default(request: Any) -> Any:
    """Make Zoom, or the site's built-in calls, the user's default conferencing."""
    user, zoom = _me(request), get_zoomlink()
    if request.POST.get("choice") == "zoom":
        zoom.set_default_conferencing(user.id, "zoom", tenant=TENANT)
    else:
        zoom.clear_default_conferencing(user.id, tenant=TENANT)
    return _redirect("/settings?note=default")


@post_only
def location(request: Any, event_type_id: str) -> Any:
    """Change where an event type's bookings take place."""
    _me(request)
    try:
        site.set_location(event_type_id, request.POST.get("location", ""))
    except (KeyError, ValueError) as exc:
        raise Http404("no such event type or location") from exc
    return _redirect("/settings?note=location")


def book(request: Any, host_id: str, event_type_id: str) -> Any:
    """The booking page (GET), and booking a time (POST): a time taken meanwhile is refused
    with a readable message."""
    user = _host(host_id)
    if event_type_id not in site.event_types:
        raise Http404("no such event type")
    event_type = site.event_types[event_type_id]
    if request.method != "POST":
        try:
            slots = _free_times(user)
        except ZoomLinkError as exc:
            page = pages.booking_page(
                user, event_type, [], message=refusal(exc), error=True, form=_form(request)
            )
            return HttpResponse(page)
        return HttpResponse(
            pages.booking_page(user, event_type, slots, message="", form=_form(request))
        )
    name, email = request.POST.get("name", ""), request.POST.get("email", "")
    booking = site.new_booking(user, event_type_id, name, email, _start(request, user))
    try:
        get_zoomlink().schedule(site.for_zoomlink(booking))
    except ZoomLinkError as exc:
        page = pages.booking_page(
            user,
            event_type,
            _free_times(user),
            message=refusal(exc),
            error=True,
            form=_form(request),
            name=name,
            email=email,
        )
        return HttpResponse(page, status=409)
    site.save(booking)
    return _redirect(f"/bookings/{booking.id}?note=booked")


def _booking_page(request: Any, booking: SiteBooking, message: str, error: bool) -> str:
    user = site.users[booking.host_id]
    return pages.confirmation(
        booking,
        user,
        site.event_types[booking.event_type_id],
        get_zoomlink().meeting_record(booking.id, tenant=TENANT),
        [] if booking.cancelled else _free_times(user),
        message=message,
        error=error,
        form=_form(request),
    )


def booking_detail(request: Any, booking_id: str) -> Any:
    """The booking, its Zoom meeting, and reschedule and cancel."""
    message, error = notice(request.GET)
    return HttpResponse(_booking_page(request, _booking(booking_id), message, error))


@post_only
def reschedule(request: Any, booking_id: str) -> Any:
    """Move the booking (and its meeting) to another free time."""
    booking = _booking(booking_id)
    moved = site.moved(booking, _start(request, site.users[booking.host_id]))
    try:
        get_zoomlink().reschedule(site.for_zoomlink(moved))
    except ZoomLinkError as exc:
        return HttpResponse(_booking_page(request, booking, refusal(exc), True), status=409)
    site.save(moved)
    return _redirect(f"/bookings/{booking_id}?note=moved")


@post_only
def cancel(request: Any, booking_id: str) -> Any:
    """Cancel the booking and delete its meeting."""
    booking = _booking(booking_id)
    get_zoomlink().cancel(site.for_zoomlink(booking))
    booking.cancelled = True
    site.save(booking)
    return _redirect(f"/bookings/{booking_id}?note=cancelled")
