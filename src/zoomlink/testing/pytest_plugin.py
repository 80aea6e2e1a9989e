"""pytest fixtures for the fake Zoom (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ._clock import FakeClock
from ._fake import FakeZoom
from ._server import FakeZoomServer


@pytest.fixture
def fake_zoom() -> FakeZoom:
    """A fresh fake Zoom with a frozen clock, seeded with `FakeZoom.default_seed()`."""
    fake = FakeZoom(clock=FakeClock())
    fake.seed(FakeZoom.default_seed())
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
