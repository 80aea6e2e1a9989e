"""The FastAPI example app, driven in process through Starlette's test client against the
fake Zoom: the whole path from connecting Zoom to an uninstall on Zoom's side."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import attrs
import httpx
import httpx2
import pytest
from starlette.testclient import TestClient

from examples.booking_site import demo
from examples.fastapi_app import create_app
from tests.web._site import SITE_URL, Page, Webhook, refuses_bad_input, whole_path
from zoomlink import AsyncZoomLink
from zoomlink.testing import FakeClock, FakeZoom

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@attrs.frozen
class StarletteVisitor:
    """A visitor over Starlette's test client (redirects are not followed)."""

    client: TestClient

    def _page(self, response: httpx2.Response) -> Page:
        return Page(response.status_code, response.text, response.headers.get("location", ""))

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Page:
        return self._page(self.client.post(path, data=data))

    def post_webhook(self, path: str, body: bytes, headers: dict[str, str]) -> Page:
        return self._page(self.client.post(path, content=body, headers=headers))


@pytest.fixture
def webhooks() -> list[Webhook]:
    """What the fake Zoom sends to the app's webhook URL, for the test to deliver."""
    return []


@pytest.fixture
def fake(webhooks: list[Webhook]) -> FakeZoom:
    """A fake Zoom seeded with the demo users and the site's apps, its webhooks recorded."""
    zoom = FakeZoom(
        clock=FakeClock(NOW),
        webhook_callback=lambda headers, body: webhooks.append((dict(headers), body)),
    )
    zoom.seed(demo.seed(SITE_URL, webhooks=False))
    return zoom


@pytest.fixture
def app_client(fake: FakeZoom) -> Iterator[TestClient]:
    """The example app with an AsyncZoomLink that reaches the fake in process."""
    settings = demo.settings(SITE_URL, None)
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    link = AsyncZoomLink(*settings.apps(), http_client=http, clock=fake.clock)
    with TestClient(create_app(link=link), base_url=SITE_URL, follow_redirects=False) as client:
        yield client


def test_whole_path_against_the_fake_zoom(
    app_client: TestClient, fake: FakeZoom, webhooks: list[Webhook]
) -> None:
    """Connect, book, a refused double booking, reschedule, cancel, disconnect and an uninstall
    on Zoom's side all work through the FastAPI app's pages."""

    def other() -> StarletteVisitor:
        return StarletteVisitor(
            TestClient(app_client.app, base_url=SITE_URL, follow_redirects=False)
        )

    whole_path(StarletteVisitor(app_client), fake, webhooks, other)


def test_bad_input_gets_clear_answers(app_client: TestClient) -> None:
    """Unknown hosts and event types are 404s and a start that is no time a 400, not a 500."""
    refuses_bad_input(StarletteVisitor(app_client))
