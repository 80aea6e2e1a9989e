"""The framework adapters, through each framework's own test client: Zoom's URL validation
answered, a forged request refused with 401, other methods with 405."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Iterator

import django
import flask
import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import path
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import USER_APP, WEBHOOK_SECRET
from tests.webhooks._requests import NOW, encode, envelope, hmac_hex, signed
from tests.webhooks.conftest import KEYRING, SyncWorld
from zoomlink import AsyncWebhookHandler, AsyncZoomLink
from zoomlink.testing import FakeClock
from zoomlink.web import django_view, flask_view, starlette_endpoint

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="not-a-secret-tests-only",
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        ROOT_URLCONF=__name__,
    )
    django.setup()

urlpatterns: list[object] = []  # the test's own URLs are set with override_settings

VALIDATION = encode(envelope("endpoint.url_validation", {"plainToken": "tok"}))
ANSWER = {"plainToken": "tok", "encryptedToken": hmac_hex(WEBHOOK_SECRET, b"tok")}
FORGED = [
    ("x-zm-request-timestamp", str(int(NOW.timestamp()))),
    ("x-zm-signature", "v0=" + "0" * 64),
]


@pytest.fixture
def django_client(sync_world: SyncWorld) -> Iterator[Client]:
    """Django's test client (CSRF checks on) for a URL conf with the webhook view."""
    urls = types.ModuleType("webhook_urls")
    urls.urlpatterns = [path("zoom/webhooks", django_view(sync_world.handler))]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urls):
        yield Client(enforce_csrf_checks=True)


def test_django_view_answers_url_validation(django_client: Client) -> None:
    """The Django view answers Zoom's URL validation with 200 and the hashed token."""
    response = django_client.post(
        "/zoom/webhooks",
        data=VALIDATION,
        content_type="application/json",
        headers=dict(signed(VALIDATION)),
    )
    assert response.status_code == 200
    assert response["content-type"] == "application/json"
    assert response.json() == ANSWER


def test_django_view_refuses_forgeries_and_other_methods(django_client: Client) -> None:
    """The Django view answers a forged POST with 401 and a GET with 405."""
    forged = django_client.post(
        "/zoom/webhooks", data=VALIDATION, content_type="application/json", headers=dict(FORGED)
    )
    assert forged.status_code == 401
    assert forged.json() == {"error": "signature mismatch"}
    assert django_client.get("/zoom/webhooks").status_code == 405


@pytest.fixture
def flask_client(sync_world: SyncWorld) -> flask.testing.FlaskClient:
    """Flask's test client for an app with the webhook view."""
    app = flask.Flask(__name__)
    app.add_url_rule("/zoom/webhooks", view_func=flask_view(sync_world.handler), methods=["POST"])
    return app.test_client()


def test_flask_view_answers_url_validation(flask_client: flask.testing.FlaskClient) -> None:
    """The Flask view answers Zoom's URL validation with 200 and the hashed token."""
    response = flask_client.post("/zoom/webhooks", data=VALIDATION, headers=signed(VALIDATION))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.get_json() == ANSWER


def test_flask_view_refuses_forgeries(flask_client: flask.testing.FlaskClient) -> None:
    """The Flask view answers a forged POST, or one with two signatures, with 401."""
    forged = flask_client.post("/zoom/webhooks", data=VALIDATION, headers=FORGED)
    assert forged.status_code == 401
    twice = [*signed(VALIDATION), FORGED[1]]
    assert flask_client.post("/zoom/webhooks", data=VALIDATION, headers=twice).status_code == 401
    assert flask_client.get("/zoom/webhooks").status_code == 405


@pytest.fixture
def starlette_client() -> Iterator[TestClient]:
    """Starlette's test client for an app with the webhook endpoint (its own event loop)."""
    http = httpx.AsyncClient()
    link = AsyncZoomLink(USER_APP, keyring=KEYRING, clock=FakeClock(NOW), http_client=http)
    route = Route("/zoom/webhooks", starlette_endpoint(AsyncWebhookHandler(link)), methods=["POST"])
    with TestClient(Starlette(routes=[route])) as client:
        yield client
    asyncio.run(link.aclose())
    asyncio.run(http.aclose())


def test_starlette_endpoint_answers_url_validation(starlette_client: TestClient) -> None:
    """The Starlette endpoint answers Zoom's URL validation with 200 and the hashed token."""
    response = starlette_client.post(
        "/zoom/webhooks", content=VALIDATION, headers=signed(VALIDATION)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == ANSWER


def test_starlette_endpoint_refuses_forgeries(starlette_client: TestClient) -> None:
    """The Starlette endpoint answers a forged POST with 401, and an unknown event with 200."""
    forged = starlette_client.post("/zoom/webhooks", content=VALIDATION, headers=FORGED)
    assert forged.status_code == 401
    other = encode(envelope("meeting.started", {"object": {"id": 1}}))
    ignored = starlette_client.post("/zoom/webhooks", content=other, headers=signed(other))
    assert ignored.json() == {"status": "ignored", "event": "meeting.started"}
    assert starlette_client.get("/zoom/webhooks").status_code == 405
