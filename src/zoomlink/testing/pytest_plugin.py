"""pytest fixtures for the fake Zoom and for recorded cassettes (registered through the
``pytest11`` entry point).

The recorder fixtures import vcrpy only when a test asks for them, so suites without the
``recorder`` extra still load the plugin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture
def zoom_recorder(request: pytest.FixtureRequest) -> Any:
    """``zoomlink.testing.recorder.zoom_vcr()`` keeping cassettes in a ``cassettes`` folder
    beside the test module; the record mode comes from ``ZOOMLINK_RECORD_MODE`` (default
    ``none``: playback only)."""
    from .recorder import zoom_vcr

    return zoom_vcr(Path(request.path).parent / "cassettes")


@pytest.fixture
def zoom_cassette(request: pytest.FixtureRequest, zoom_recorder: Any) -> Iterator[Any]:
    """The test's HTTP traffic recorded in (or played back from)
    ``cassettes/<module>/<test name>.yaml`` beside the test module, secrets scrubbed; yields
    vcrpy's ``Cassette``."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    with zoom_recorder.use_cassette(f"{Path(request.path).stem}/{name}.yaml") as cassette:
        yield cassette
