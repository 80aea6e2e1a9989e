"""``zoomlink worker`` finishes the outbox's pending Zoom work from a process of its own: one
pass with --once, passes until SIGTERM otherwise, and a clear refusal of a bad factory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from tests.conftest import USER_APP
from zoomlink import Booking, Endpoints, EventType, Keyring, Participant, ZoomLink
from zoomlink.stores import SQLiteTokenStore
from zoomlink.testing import FakeClock, FakeZoom

FACTORY = '''
import os

from zoomlink import Endpoints, Keyring, ZoomApp, ZoomLink
from zoomlink.stores import SQLiteTokenStore


def make() -> ZoomLink:
    """The app's ZoomLink, as its web workers build it."""
    return ZoomLink(
        ZoomApp(
            client_id="fake-user-app",
            client_secret="fake-user-secret",
            redirect_uri="http://127.0.0.1:8000/zoom/callback",
        ),
        store=SQLiteTokenStore(os.environ["APP_DB"]),
        keyring=Keyring.from_env("ZOOMLINK_KEYS"),
        endpoints=Endpoints.single(os.environ["APP_ZOOM_URL"]),
    )


not_a_function = 42
'''


@attrs.frozen
class App:
    """A host app with one booking kept for later, and the environment its worker runs in."""

    fake: FakeZoom
    env: dict[str, str]
    database: Path


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """Alice connected; her booking deferred while Zoom was down; Zoom back up."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fake = FakeZoom(clock=FakeClock(now, frozen=False))
    fake.seed(FakeZoom.default_seed())
    keys = f"k1:{Keyring.generate_key()}"
    database = tmp_path / "zoomlink.db"
    (tmp_path / "worker_app.py").write_text(textwrap.dedent(FACTORY), encoding="utf-8")
    with fake.serve() as server, SQLiteTokenStore(database) as store:
        # Deferred "a while ago", so the work is due for the worker's own clock.
        earlier = FakeClock(now - timedelta(minutes=5))
        endpoints = Endpoints.single(server.url)
        with ZoomLink(
            USER_APP, store=store, keyring=Keyring.from_string(keys), endpoints=endpoints,
            clock=earlier,
        ) as link:  # fmt: skip
            url = link.personal_connect_url("alice")
            link.complete_connect(fake.approve(url, "u_member"), user_id="alice")
            fake.inject("*", status=503, times=1000)
            start = now.replace(second=0) + timedelta(days=2)
            booking = Booking(
                id="bk_1",
                event_type=EventType(id="consult", location="zoom"),
                host=Participant(
                    name="Alice", time_zone="UTC", email="alice@example.com", user_id="alice"
                ),
                clients=(Participant(name="Carol", time_zone="UTC", email="carol@example.net"),),
                start=start,
                end=start + timedelta(minutes=30),
                title="Consultation",
            )
            assert link.schedule(booking, defer=True).action == "pending"
            fake.clear_faults()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
            "APP_DB": str(database),
            "APP_ZOOM_URL": server.url,
            "ZOOMLINK_KEYS": keys,
        }
        yield App(fake=fake, env=env, database=database)


def _worker(app: App, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zoomlink", "worker", *args],
        env=app.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_one_pass_makes_the_kept_meeting(app: App) -> None:
    """``zoomlink worker APP:make --once`` makes the deferred booking's meeting and exits 0."""
    process = _worker(app, "worker_app:make", "--once")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "1 done, 0 kept for later, 0 failed, 0 superseded" in output
    assert len(app.fake.meetings("u_member")) == 1
    with SQLiteTokenStore(app.database) as store:
        assert store.find_work() == []


def test_the_worker_passes_until_sigterm(app: App) -> None:
    """Without --once the worker keeps passing over the outbox and ends cleanly on SIGTERM."""
    process = _worker(app, "worker_app:make", "--interval", "0.2")
    assert process.stdout is not None
    assert "running pending Zoom work every 0.2 s" in process.stdout.readline()
    assert "1 done" in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    assert rest.strip().endswith("zoomlink worker: stopped")
    assert len(app.fake.meetings("u_member")) == 1


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        ("worker_app", "must look like package.module:function"),
        ("no_such_module:make", "cannot import 'no_such_module'"),
        ("worker_app:missing", "has no function 'missing'"),
        ("worker_app:not_a_function", "has no function 'not_a_function'"),
    ],
)
def test_a_bad_factory_is_refused_clearly(app: App, factory: str, message: str) -> None:
    """A factory that cannot be loaded ends the worker at once with exit code 2 and why."""
    process = _worker(app, factory, "--once")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert message in output
