"""pytest fixtures for the fake Zoom (registered through the ``pytest11`` entry point).

A test switches the fake's webhook delivery behaviours (and per-second limits) with the
``fake_zoom`` marker, whose keywords are those of `FakeZoom.configure`::

    @pytest.mark.fake_zoom(webhook_duplicates=True, webhook_reorder=True)
    def test_my_handler_survives(fake_zoom): ...
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ._clock import FakeClock
from ._fake import FakeZoom
from ._server import FakeZoomServer


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``fake_zoom`` marker."""
    config.addinivalue_line(
        "markers",
        "fake_zoom(**switches): configure the fake_zoom fixture with FakeZoom.configure "
        "(webhook_retries, webhook_duplicates, webhook_reorder, url_validation, "
        "per_second_limits)",
    )


@pytest.fixture
def fake_zoom(request: pytest.FixtureRequest) -> FakeZoom:
    """A fresh fake Zoom with a frozen clock, seeded with `FakeZoom.default_seed()` and
    configured by the test's ``fake_zoom`` marker, if any."""
    fake = FakeZoom(clock=FakeClock())
    fake.seed(FakeZoom.default_seed())
    for marker in reversed(list(request.node.iter_markers("fake_zoom"))):
        if marker.args:
            raise TypeError("the fake_zoom marker takes keywords only, e.g. webhook_reorder=True")
        fake.configure(**marker.kwargs)
    return fake


@pytest.fixture
def fake_zoom_server(fake_zoom: FakeZoom) -> Iterator[FakeZoomServer]:
    """The `fake_zoom` fixture served on a loopback socket; closed after the test."""
    with fake_zoom.serve() as server:
        yield server


@pytest.fixture
def fake_zoom_transport(fake_zoom: FakeZoom) -> httpx.MockTransport:
    """An `httpx.MockTransport` answering with the `fake_zoom` fixture (sync and async clients)."""
    return httpx.MockTransport(fake_zoom)
