"""The connect and callback views of zoomlink.web, in Starlette and in Django: who may start a
connect, and what each failure of the callback answers."""

from __future__ import annotations

import types
from collections.abc import Iterator

import django
import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import include, path
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount
from starlette.testclient import TestClient

from examples.booking_site import demo
from tests.web._site import SITE_URL, path_of
from zoomlink import Actor, AppRole, AsyncZoomLink, ConfigurationError, ZoomLink
from zoomlink.testing import FakeZoom
from zoomlink.web.django import ZoomViews, get_zoomlink
from zoomlink.web.starlette import ZoomRoutes

if not settings.configured:
    settings.configure(
        SECRET_KEY="not-a-secret-tests-only",
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    )
    django.setup()

ROLES: dict[str, AppRole] = {"olivia": "owner", "max": "member"}


def _who(request: Request) -> str | None:
    return request.headers.get("x-user")


def _actor(request: Request) -> Actor | None:
    user = _who(request)
    return Actor(user, role=ROLES[user]) if user else None


@pytest.fixture
def fake() -> FakeZoom:
    """The fake Zoom, seeded with the demo users and the site's apps."""
    zoom = FakeZoom()
    zoom.seed(demo.seed(SITE_URL, webhooks=False))
    return zoom


@pytest.fixture
def starlette(fake: FakeZoom) -> Iterator[TestClient]:
    """ZoomRoutes mounted at /zoom, the user named by an x-user header."""
    app_settings = demo.settings(SITE_URL, None)
    link = AsyncZoomLink(
        *app_settings.apps(), http_client=httpx.AsyncClient(transport=httpx.MockTransport(fake))
    )
    zoom = ZoomRoutes(user_id=_who, actor=_actor, done_url="/settings", link=link)
    app = Starlette(routes=[Mount("/zoom", zoom.app())])
    with TestClient(app, base_url=SITE_URL, follow_redirects=False) as client:
        yield client


def test_signed_out_visitor_is_sent_to_sign_in(fake: FakeZoom) -> None:
    """Without a signed-in user, connect sends the browser to login_url with next=."""
    zoom = ZoomRoutes(user_id=_who, login_url="/login", settings=demo.settings(SITE_URL, None))
    with TestClient(Starlette(routes=zoom.routes()), base_url=SITE_URL) as client:
        answer = client.get("/connect", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fconnect"


def test_signed_out_visitor_without_login_url_gets_a_page(starlette: TestClient) -> None:
    """Without a signed-in user and no login_url, connect answers a readable 403 page."""
    answer = starlette.get("/zoom/connect")
    assert answer.status_code == 403
    assert "Sign in first" in answer.text


def test_connect_sends_the_browser_to_zoom_with_pkce(starlette: TestClient) -> None:
    """Connect redirects to Zoom's consent URL with a state and an S256 code challenge."""
    answer = starlette.get("/zoom/connect", headers={"x-user": "olivia"})
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert location.path == "/oauth/authorize"
    assert location.params["code_challenge_method"] == "S256"
    assert location.params["state"]


def test_member_may_not_start_the_organisation_connect(starlette: TestClient) -> None:
    """A plain member starting the organisation connect gets a readable 403 page."""
    answer = starlette.get("/zoom/connect/organization", headers={"x-user": "max"})
    assert answer.status_code == 403
    assert "owners and admins" in answer.text


def test_cancel_on_zoom_goes_back_flagged_denied(starlette: TestClient, fake: FakeZoom) -> None:
    """Pressing Cancel on Zoom's page brings the user back to done_url, flagged denied."""
    to_zoom = starlette.get("/zoom/connect", headers={"x-user": "olivia"})
    back = starlette.get(
        path_of(fake.deny(to_zoom.headers["location"])), headers={"x-user": "olivia"}
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/settings?zoom=failed&reason=denied"


def test_someone_elses_connect_is_refused_with_a_page(
    starlette: TestClient, fake: FakeZoom
) -> None:
    """A callback completed in another user's browser gets a 400 page and connects nothing."""
    to_zoom = starlette.get("/zoom/connect", headers={"x-user": "olivia"})
    callback = fake.approve(to_zoom.headers["location"], "u_owner")
    answer = starlette.get(path_of(callback), headers={"x-user": "max"})
    assert answer.status_code == 400
    assert "started by someone else" in answer.text
    assert answer.headers["content-type"].startswith("text/html")


def test_callback_without_state_is_refused_with_a_page(starlette: TestClient) -> None:
    """A callback that carries no state is a 400 page, not a traceback."""
    answer = starlette.get("/zoom/callback?code=x", headers={"x-user": "olivia"})
    assert answer.status_code == 400
    assert "carried no connection request" in answer.text


@pytest.fixture
def django_client(fake: FakeZoom) -> Iterator[Client]:
    """ZoomViews included at zoom/, with a ZoomLink reaching the fake in process."""
    link = ZoomLink(
        *demo.settings(SITE_URL, None).apps(),
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
    )
    zoom = ZoomViews(
        user_id=lambda request: request.headers.get("x-user"),
        actor=lambda request: Actor("max", role="member"),
        done_url="/settings",
        link=link,
    )
    urls = types.ModuleType("zoom_urls")
    urls.urlpatterns = [path("zoom/", include(zoom.urls))]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urls, MIDDLEWARE=[]):
        yield Client()
    link.close()


def test_django_views_connect_and_refuse_a_replay(django_client: Client, fake: FakeZoom) -> None:
    """The Django views connect through Zoom's consent page, and refuse the replayed callback
    with a 400 page."""
    to_zoom = django_client.get("/zoom/connect", headers={"x-user": "olivia"})
    assert to_zoom.status_code == 302
    callback = path_of(fake.approve(to_zoom.headers["Location"], "u_owner"))
    done = django_client.get(callback, headers={"x-user": "olivia"})
    assert done.status_code == 303
    assert done.headers["Location"] == "/settings?zoom=connected"
    replayed = django_client.get(callback, headers={"x-user": "olivia"})
    assert replayed.status_code == 400
    assert b"already used" in replayed.content


def test_django_member_may_not_start_the_organisation_connect(django_client: Client) -> None:
    """A plain member starting the organisation connect gets a 403 page from Django too."""
    answer = django_client.get("/zoom/connect/organization")
    assert answer.status_code == 403


def test_django_client_comes_from_settings_once_per_process() -> None:
    """get_zoomlink builds one client from settings.ZOOMLINK and keeps it until the setting
    changes; without the setting it names what is missing."""
    values = {
        "CLIENT_ID": "fake-user-app",
        "CLIENT_SECRET": "fake-user-secret",
        "REDIRECT_URI": f"{SITE_URL}/zoom/callback",
    }
    with override_settings(ZOOMLINK=values):
        first = get_zoomlink()
        assert get_zoomlink() is first
    with override_settings(ZOOMLINK={**values, "CLIENT_ID": "other-app"}):
        assert get_zoomlink() is not first
        assert list(get_zoomlink().apis) == ["other-app"]
    with override_settings(ZOOMLINK=None), pytest.raises(ConfigurationError, match="ZOOMLINK"):
        get_zoomlink()
