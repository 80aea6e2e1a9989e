"""The Django example app, driven through Django's test client (CSRF checks on) against the
fake Zoom on a loopback socket, with zoomlink configured by ``settings.ZOOMLINK``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs
import django
import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from examples.booking_site import demo
from examples.django_app import settings as site_settings
from tests.web._site import SITE_URL, Page, Webhook, refuses_bad_input, whole_path
from zoomlink.testing import FakeClock, FakeZoom

if not settings.configured:
    settings.configure(
        SECRET_KEY=site_settings.SECRET_KEY,
        ALLOWED_HOSTS=site_settings.ALLOWED_HOSTS,
        USE_TZ=True,
        ROOT_URLCONF=site_settings.ROOT_URLCONF,
        MIDDLEWARE=site_settings.MIDDLEWARE,
    )
    django.setup()


@attrs.define
class DjangoVisitor:
    """A visitor over Django's test client: each form posted carries the CSRF token of the
    page it came from, as a browser's would."""

    client: Client
    token: str = ""

    def _page(self, response: Any) -> Page:
        text = response.content.decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return Page(response.status_code, text, response.headers.get("Location", ""))

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Page:
        if not self.token:
            self.get("/")
        return self._page(self.client.post(path, {**data, "csrfmiddlewaretoken": self.token}))

    def post_webhook(self, path: str, body: bytes, headers: dict[str, str]) -> Page:
        response = self.client.post(path, body, content_type="application/json", headers=headers)
        return self._page(response)


@pytest.fixture
def webhooks() -> list[Webhook]:
    """What the fake Zoom sends to the app's webhook URL, for the test to deliver."""
    return []


@pytest.fixture
def fake(webhooks: list[Webhook]) -> FakeZoom:
    """A fake Zoom seeded with the demo users and the site's apps, its webhooks recorded. Its
    clock ticks, as zoomlink's does: an uninstall must come after the connect it undoes."""
    zoom = FakeZoom(
        clock=FakeClock(frozen=False),
        webhook_callback=lambda headers, body: webhooks.append((dict(headers), body)),
    )
    zoom.seed(demo.seed(SITE_URL, webhooks=False))
    return zoom


@pytest.fixture
def site(fake: FakeZoom) -> Iterator[None]:
    """The example project's settings, with ``ZOOMLINK`` pointing at the fake's socket."""
    with fake.serve() as server:
        zoomlink = {
            name.removeprefix("ZOOMLINK_"): value
            for name, value in demo.environment(SITE_URL, server.url).items()
        }
        with override_settings(
            ROOT_URLCONF=site_settings.ROOT_URLCONF,
            MIDDLEWARE=site_settings.MIDDLEWARE,
            ALLOWED_HOSTS=site_settings.ALLOWED_HOSTS,
            ZOOMLINK=zoomlink,
        ):
            yield


def _visitor() -> DjangoVisitor:
    return DjangoVisitor(Client(enforce_csrf_checks=True))


@pytest.mark.usefixtures("site")
def test_whole_path_against_the_fake_zoom(fake: FakeZoom, webhooks: list[Webhook]) -> None:
    """Connect, book, a refused double booking, reschedule, cancel, disconnect and an uninstall
    on Zoom's side all work through the Django app's pages."""
    whole_path(_visitor(), fake, webhooks, _visitor)


@pytest.mark.usefixtures("site")
def test_a_form_without_the_csrf_token_is_refused() -> None:
    """The site's forms are protected by Django's CSRF check; the webhook is exempt from it."""
    visitor = _visitor()
    refused = visitor.client.post("/signin", {"user_id": "olivia"})
    assert refused.status_code == 403
    unsigned = visitor.post_webhook("/zoom/webhooks", b"{}", {})
    assert unsigned.status == 401


@pytest.mark.usefixtures("site")
def test_bad_input_gets_clear_answers() -> None:
    """Unknown hosts and event types are 404s and a start that is no time a 400, not a 500."""
    refuses_bad_input(_visitor())
