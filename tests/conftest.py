"""Fixtures shared by zoomlink's own tests: the apps of the fake's default seed, and the two
ways of reaching the fake (in process and over a loopback socket)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
import httpx
import pytest

from zoomlink import Endpoints, ZoomApp
from zoomlink.testing import FakeClock, FakeZoom

if TYPE_CHECKING:
    from tests.radicale import Radicale

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "test-webhook-secret"
USER_APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri=REDIRECT_URI,
    webhook_secret=WEBHOOK_SECRET,
)
ADMIN_APP = ZoomApp(
    client_id="fake-admin-app",
    client_secret="fake-admin-secret",
    redirect_uri=REDIRECT_URI,
    kind="account",
    webhook_secret=WEBHOOK_SECRET,
)
S2S_APP = ZoomApp(
    client_id="fake-s2s-app", client_secret="fake-s2s-secret", kind="s2s", account_id="acct_demo"
)


@attrs.frozen
class ZoomTarget:
    """How a test reaches the fake: zoomlink's endpoints, and a transport when in process."""

    mode: str
    endpoints: Endpoints
    transport: httpx.MockTransport | None


@pytest.fixture
def fake() -> FakeZoom:
    """A fresh fake Zoom on a frozen clock, seeded with its default data, whose webhooks are
    signed with WEBHOOK_SECRET and recorded in ``fake.webhook_deliveries``."""
    zoom = FakeZoom(
        clock=FakeClock(), webhook_secret=WEBHOOK_SECRET, webhook_callback=lambda h, b: None
    )
    zoom.seed(FakeZoom.default_seed())
    return zoom


@pytest.fixture(params=["inprocess", "socket"])
def zoom_target(request: pytest.FixtureRequest, fake: FakeZoom) -> Iterator[ZoomTarget]:
    """The fake Zoom, in process and over a socket: each client test runs against both."""
    if request.param == "inprocess":
        yield ZoomTarget("inprocess", Endpoints(), httpx.MockTransport(fake))
        return
    with fake.serve() as server:
        yield ZoomTarget("socket", Endpoints.single(server.url), None)


def seeded_user_id(email: str) -> str:
    """The Zoom user ID the default seed gives the user with ``email``."""
    users: list[dict[str, Any]] = FakeZoom.default_seed()["users"]
    return next(str(user["id"]) for user in users if user["email"] == email)


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL server for the session, started by the project's own script (or the
    one ``ZOOMLINK_TEST_POSTGRES_DSN`` names). It fails, never skips, when none can start."""
    from tests.postgres import running_postgres

    with running_postgres(tmp_path_factory.mktemp("postgres")) as dsn:
        yield dsn


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """A real CalDAV server (Radicale) for the session, on 127.0.0.1. It fails, never skips,
    when it cannot start."""
    from tests.radicale import running_radicale

    with running_radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


def unique_prefix() -> str:
    """A table prefix no other test uses, so PostgreSQL tests share one server cleanly."""
    return f"t{uuid.uuid4().hex[:12]}_"
