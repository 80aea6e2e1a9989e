"""pytest fixtures for the fake Zoom and for recorded cassettes (registered through the
``pytest11`` entry point).

A test switches the fake's webhook delivery behaviours (and per-second limits) with the
``fake_zoom`` marker, whose keywords are those of `FakeZoom.configure`::

    @pytest.mark.fake_zoom(webhook_duplicates=True, webhook_reorder=True)
    def test_my_handler_survives(fake_zoom): ...

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
