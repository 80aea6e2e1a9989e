"""zoomlink in a Django project: one client per process from ``settings.ZOOMLINK``, and the
views that connect Zoom and take its webhooks.

::

    # settings.py
    ZOOMLINK = {
        "CLIENT_ID": os.environ["ZOOM_CLIENT_ID"],
        "CLIENT_SECRET": os.environ["ZOOM_CLIENT_SECRET"],
        "REDIRECT_URI": "https://booking.example/zoom/callback",
        "WEBHOOK_SECRET": os.environ["ZOOM_WEBHOOK_SECRET"],
        "KEYRING": os.environ["ZOOMLINK_KEYS"],
        "STORE": "/var/lib/booking/zoomlink.sqlite3",
    }

    # urls.py
    from zoomlink.web.django import ZoomViews

    zoom = ZoomViews(user_id=lambda request: str(request.user.pk)
                     if request.user.is_authenticated else None,
                     done_url="/settings/zoom")
    urlpatterns = [path("zoom/", include(zoom.urls)), ...]

Django is imported when a view runs, so zoomlink does not depend on it. Django ships no type
hints, so requests and responses are ``Any`` here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from zoomlink.errors import ConfigurationError, PermissionDeniedError, ZoomLinkError
from zoomlink.models import DEFAULT_TENANT, Actor
from zoomlink.web import _answers
from zoomlink.web._settings import WebSettings
from zoomlink.web._webhook_views import django_view

if TYPE_CHECKING:
    from zoomlink import ZoomLink

__all__ = ["ZoomViews", "get_zoomlink", "settings_from_django"]

_lock = threading.Lock()
_link: ZoomLink | None = None


def settings_from_django() -> WebSettings:
    """:class:`~zoomlink.web.WebSettings` from ``settings.ZOOMLINK``.

    Raises:
        ConfigurationError: ``ZOOMLINK`` is missing or not a dict, or a setting in it is
            missing or unknown; the message names it.
    """
    from django.conf import settings

    values = getattr(settings, "ZOOMLINK", None)
    if not isinstance(values, dict):
        raise ConfigurationError(
            "settings.ZOOMLINK is not set: it must be a dict with at least CLIENT_ID, "
            "CLIENT_SECRET and REDIRECT_URI"
        )
    return WebSettings.from_mapping(values, source="settings.ZOOMLINK")


def get_zoomlink() -> ZoomLink:
    """The process's :class:`~zoomlink.ZoomLink`, built from ``settings.ZOOMLINK`` on first
    use and kept: one HTTP client and one token-refresh queue for every request the process
    serves. Changing ``ZOOMLINK`` (``override_settings`` in tests) builds a new one.
    """
    global _link
    with _lock:
        if _link is None:
            _link = settings_from_django().zoomlink()
            _forget_when_settings_change()
        return _link


def _forget_when_settings_change() -> None:
    from django.core.signals import setting_changed

    setting_changed.connect(_forget, dispatch_uid="zoomlink.web.django")


def _forget(*, setting: str, **_: object) -> None:
    global _link
    if setting != "ZOOMLINK":
        return
    with _lock:
        old, _link = _link, None
    if old is not None:
        old.close()


def _respond(answer: _answers.Answer) -> Any:
    from django.http import HttpResponse, HttpResponseRedirect

    if answer.location is not None:
        response = HttpResponseRedirect(answer.location)
        response.status_code = answer.status
        return response
    return HttpResponse(answer.html, status=answer.status, content_type="text/html; charset=utf-8")


class ZoomViews:
    """The views every Django booking site needs to connect Zoom, as a URL conf to include.

    Args:
        user_id: Who the signed-in app user is: ``request`` → their ID, or None when nobody
            is signed in.
        actor: The signed-in user as an organisation :class:`~zoomlink.Actor` (with their
            role), for the organisation connect; without it that view is not offered.
        tenant: The user's tenant (organisation) from the request; the default tenant if
            omitted.
        done_url: Where the browser goes after a connect, with ``?zoom=connected`` or
            ``?zoom=failed&reason=...`` (``denied``, ``not_zoom_admin``, ``linked_elsewhere``,
            ``code_refused``, ``zoom_error``).
        login_url: Where a visitor who is not signed in is sent (with ``?next=``); a 403 page
            if omitted.
        link: The client to use; :func:`get_zoomlink` if omitted.
    """

    def __init__(
        self,
        *,
        user_id: Callable[[Any], str | None],
        actor: Callable[[Any], Actor | None] | None = None,
        tenant: Callable[[Any], str] | None = None,
        done_url: str = "/",
        login_url: str | None = None,
        link: ZoomLink | None = None,
    ) -> None:
        self._user_id = user_id
        self._actor = actor
        self._tenant = tenant
        self.done_url = done_url
        self.login_url = login_url
        self._link = link
        self._webhook: tuple[ZoomLink, Callable[[Any], Any]] | None = None

    @property
    def link(self) -> ZoomLink:
        """The client the views use."""
        return self._link if self._link is not None else get_zoomlink()

    def tenant(self, request: Any) -> str:
        """The request's tenant."""
        return self._tenant(request) if self._tenant else DEFAULT_TENANT

    @property
    def urls(self) -> list[Any]:
        """``connect``, ``connect/organization`` (with ``actor``), ``callback`` and
        ``webhooks``, named ``zoomlink-connect``, ``zoomlink-connect-organization``,
        ``zoomlink-callback`` and ``zoomlink-webhook``. The callback's full URL must be
        ``REDIRECT_URI``."""
        from django.urls import path
        from django.views.decorators.csrf import csrf_exempt

        patterns = [
            path("connect", self.connect, name="zoomlink-connect"),
            path("callback", self.callback, name="zoomlink-callback"),
            path("webhooks", csrf_exempt(self.webhook), name="zoomlink-webhook"),
        ]
        if self._actor is not None:
            patterns.append(
                path(
                    "connect/organization",
                    self.connect_organization,
                    name="zoomlink-connect-organization",
                )
            )
        return patterns

    def connect(self, request: Any) -> Any:
        """Send the signed-in user's browser to Zoom's consent page for a personal connection
        (PKCE, and a state signed for this user that works once within ten minutes)."""
        user_id = self._user_id(request)
        if user_id is None:
            return _respond(_answers.signed_out(self.login_url, request.get_full_path()))
        url = self.link.personal_connect_url(user_id, tenant=self.tenant(request))
        return _respond(_answers.Answer(302, location=url))

    def connect_organization(self, request: Any) -> Any:
        """Send an organisation owner's or admin's browser to Zoom's consent page for the
        organisation's (admin-managed) connection; a plain member gets a 403 page."""
        actor = self._actor(request) if self._actor else None
        if actor is None:
            return _respond(_answers.signed_out(self.login_url, request.get_full_path()))
        try:
            url = self.link.organization_connect_url(actor, tenant=self.tenant(request))
        except PermissionDeniedError:
            return _respond(_answers.forbidden(self.done_url))
        return _respond(_answers.Answer(302, location=url))

    def callback(self, request: Any) -> Any:
        """Zoom's redirect: complete the connect and send the browser to ``done_url``; a
        forged, replayed or expired state gets a readable 400 page."""
        params = {key: request.GET[key] for key in request.GET}
        try:
            self.link.complete_connect(params, user_id=self._user_id(request))
        except ZoomLinkError as exc:
            return _respond(_answers.failed(self.done_url, exc))
        return _respond(_answers.connected(self.done_url))

    def webhook(self, request: Any) -> Any:
        """Zoom's webhooks (POST; CSRF-exempt, verified with the Secret Token instead)."""
        link = self.link
        if self._webhook is None or self._webhook[0] is not link:
            from zoomlink import WebhookHandler

            self._webhook = (link, django_view(WebhookHandler(link)))
        return self._webhook[1](request)
