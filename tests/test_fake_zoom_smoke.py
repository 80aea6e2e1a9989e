"""Smoke tests of the fake Zoom's Python-only parts: clock, consent helpers, fixtures, server, CLI.

The wire format itself is covered by tests/fake_zoom/.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from zoomlink.testing import FakeClock, FakeZoom, FakeZoomServer

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _authorize_url(client_id: str = "fake-user-app") -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "st",
    }
    return str(httpx.URL("https://zoom.us/oauth/authorize", params=params))


def test_frozen_clock_moves_only_when_told() -> None:
    """A frozen clock stands still until advanced or set."""
    clock = FakeClock(START)
    assert clock.now() == START
    clock.advance(90)
    clock.advance(timedelta(minutes=1))
    assert clock.now() == START + timedelta(seconds=150)
    clock.set(START)
    assert clock.now() == START


def test_ticking_clock_follows_real_time() -> None:
    """A ticking clock moves forward by itself."""
    clock = FakeClock(START, frozen=False)
    assert clock.now() >= START
    clock.advance(3600)
    assert clock.now() >= START + timedelta(hours=1)


def test_clock_refuses_naive_times_and_going_backwards() -> None:
    """The clock needs aware datetimes and advance() never goes back."""
    with pytest.raises(ValueError, match="aware"):
        FakeClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="forward"):
        FakeClock().advance(-1)


def test_approve_returns_the_redirect_with_code_and_state(fake_zoom: FakeZoom) -> None:
    """approve() drives the consent page over HTTP and returns the code redirect."""
    url = httpx.URL(fake_zoom.approve(_authorize_url(), "owner@example.com"))
    assert str(url).startswith(REDIRECT_URI)
    assert url.params["state"] == "st"
    assert url.params["code"]
    assert [e.method for e in fake_zoom.calls("oauth.authorize")] == ["GET", "POST"]


def test_deny_returns_access_denied(fake_zoom: FakeZoom) -> None:
    """deny() presses Cancel and returns the access_denied redirect."""
    url = httpx.URL(fake_zoom.deny(_authorize_url()))
    assert url.params["error"] == "access_denied"
    assert url.params["state"] == "st"


def test_approve_raises_when_zoom_refuses(fake_zoom: FakeZoom) -> None:
    """A member cannot authorize an admin-managed app; approve() says why."""
    with pytest.raises(ValueError, match="owner or admin"):
        fake_zoom.approve(_authorize_url("fake-admin-app"), "member@example.com")


def test_transport_fixture_answers_with_the_fake(
    fake_zoom: FakeZoom, fake_zoom_transport: httpx.MockTransport
) -> None:
    """The transport fixture serves the same state as the fake_zoom fixture."""
    with httpx.Client(transport=fake_zoom_transport) as client:
        response = client.post(
            "https://zoom.us/oauth/token",
            auth=("fake-s2s-app", "fake-s2s-secret"),
            data={"grant_type": "account_credentials", "account_id": "acct_demo"},
        )
    assert response.status_code == 200
    assert response.json()["access_token"] in fake_zoom.issued_tokens()


def test_fixture_clock_is_frozen(fake_zoom: FakeZoom) -> None:
    """The fake_zoom fixture uses a frozen clock."""
    assert fake_zoom.clock.frozen
    assert fake_zoom.now() == fake_zoom.now()


def test_server_fixture_serves_the_fake(
    fake_zoom: FakeZoom, fake_zoom_server: FakeZoomServer
) -> None:
    """The server fixture serves the fixture's fake on a loopback port."""
    assert fake_zoom_server.host == "127.0.0.1"
    assert fake_zoom_server.url == f"http://127.0.0.1:{fake_zoom_server.port}"
    response = httpx.get(f"{fake_zoom_server.url}/_fake/time")
    assert response.status_code == 200
    assert response.json()["now"].startswith(fake_zoom.now().strftime("%Y-%m-%dT%H:%M:%S"))


def test_closed_server_refuses_connections() -> None:
    """After close() nothing answers on the port any more."""
    fake = FakeZoom()
    with fake.serve() as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/_fake/journal").status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/_fake/journal", timeout=2)
    server.close()  # idempotent


def test_seed_makes_ids_deterministic() -> None:
    """Two fakes with the same seed hand out the same ids and tokens."""

    def first_token(seed: int) -> str:
        fake = FakeZoom(clock=FakeClock(START), seed=seed)
        fake.seed(FakeZoom.default_seed())
        with httpx.Client(transport=httpx.MockTransport(fake)) as client:
            response = client.post(
                "https://zoom.us/oauth/token",
                auth=("fake-s2s-app", "fake-s2s-secret"),
                data={"grant_type": "account_credentials", "account_id": "acct_demo"},
            )
        return str(response.json()["access_token"])

    assert first_token(5) == first_token(5)
    assert first_token(5) != first_token(6)


def test_reset_forgets_everything_but_the_time() -> None:
    """reset() empties the fake and keeps the clock."""
    fake = FakeZoom(clock=FakeClock(START))
    fake.seed(FakeZoom.default_seed())
    fake.approve(_authorize_url(), "u_owner")
    fake.reset()
    assert fake.journal == []
    with pytest.raises(KeyError):
        fake.user("u_owner")
    assert fake.now() == START


def test_cli_prints_the_base_url_first() -> None:
    """`python -m zoomlink fake-zoom` prints its URL on the first line and serves it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zoomlink", "fake-zoom", "--port", "0", "--seed-value", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{url}/_fake/time", timeout=5)
        assert response.status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.fake_zoom(webhook_reorder=True, webhook_retries=False)
def test_the_fake_zoom_marker_switches_delivery_behaviours(fake_zoom: FakeZoom) -> None:
    """The fake_zoom marker's keywords configure the fixture's webhook delivery."""
    switches = fake_zoom.webhook_switches
    assert (switches.reorder, switches.retries, switches.duplicates) == (True, False, False)


def test_without_the_marker_delivery_is_zooms(fake_zoom: FakeZoom) -> None:
    """Unmarked, the fixture retries failed deliveries and changes nothing else."""
    switches = fake_zoom.webhook_switches
    assert (switches.retries, switches.duplicates, switches.reorder) == (True, False, False)
    assert switches.url_validation is False


def test_a_callback_slower_than_three_seconds_counts_as_unanswered() -> None:
    """A webhook callback that answers 200 after more than 3 seconds is retried 5 minutes
    later, as Zoom retries an endpoint that did not answer in time; a prompt answer is not."""
    answered: list[bytes] = []

    def slow_endpoint(headers: object, body: bytes) -> int:
        answered.append(body)
        if len(answered) == 1:
            time.sleep(3.1)
        return 200

    fake = FakeZoom(clock=FakeClock(START), webhook_secret="s", webhook_callback=slow_endpoint)
    fake.seed(FakeZoom.default_seed())
    with httpx.Client(transport=httpx.MockTransport(fake)) as client:
        token = client.post(
            "https://zoom.us/oauth/token",
            data={"grant_type": "account_credentials", "account_id": "acct_demo"},
            auth=("fake-s2s-app", "fake-s2s-secret"),
        ).json()["access_token"]
        created = client.post(
            "https://api.zoom.us/v2/users/u_owner/meetings",
            json={"topic": "Slow", "type": 2, "start_time": "2026-03-05T10:00:00Z"},
            headers={"authorization": f"Bearer {token}"},
        )
    assert created.status_code == 201
    assert len(answered) == 1
    fake.advance(timedelta(minutes=5))
    assert len(answered) == 2
    assert answered[0] == answered[1]
    fake.advance(timedelta(hours=2))
    assert len(answered) == 2
    assert [d.attempt for d in fake.webhook_deliveries] == [0, 1]
