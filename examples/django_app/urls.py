"""The site's URLs: its own pages, and zoomlink's connect, callback and webhook views."""

from __future__ import annotations

from django.urls import include, path

from zoomlink.web.django import ZoomViews

from . import views

zoom = ZoomViews(
    user_id=lambda request: user.id if (user := views.signed_in(request)) else None,
    actor=lambda request: user.actor if (user := views.signed_in(request)) else None,
    tenant=lambda request: views.TENANT,
    done_url="/settings",
    login_url="/",
)

urlpatterns = [
    path("", views.home),
    path("signin", views.sign_in),
    path("settings", views.settings_page),
    path("settings/disconnect", views.disconnect),
    path("settings/default", views.default),
    path("settings/event-types/<str:event_type_id>", views.location),
    path("book/<str:host_id>/<str:event_type_id>", views.book),
    path("bookings/<str:booking_id>", views.booking_detail),
    path("bookings/<str:booking_id>/reschedule", views.reschedule),
    path("bookings/<str:booking_id>/cancel", views.cancel),
    path("zoom/", include(zoom.urls)),  # connect, connect/organization, callback, webhooks
]
