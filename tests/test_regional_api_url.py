"""Which ``api_url`` from Zoom a connection's calls may follow: Zoom's own hosts only."""

from __future__ import annotations

import attrs
import pytest

from zoomlink import Endpoints
from zoomlink._core import _grants
from zoomlink.testing.contracts._sync.token_store import make_grant

GLOBAL = Endpoints()


@pytest.mark.parametrize(
    ("api_url", "followed"),
    [
        ("https://api-eu.zoom.us", "https://api-eu.zoom.us"),
        ("https://api-eu.zoom.us/", "https://api-eu.zoom.us"),
        ("https://api.zoom.us", None),
        (None, None),
        ("", None),
        ("http://api-eu.zoom.us", None),
        ("https://api-eu.zoom.us.evil.example", None),
        ("https://evilzoom.us", None),
        ("https://api-eu.zoom.us/?next=x", None),
    ],
)
def test_only_zoom_https_hosts_are_followed(api_url: str | None, followed: str | None) -> None:
    """A regional base is followed only over https to a zoom.us host, never elsewhere."""
    grant = attrs.evolve(make_grant(), api_url=api_url)
    assert _grants.followed_api_url(grant, GLOBAL) == followed


def test_the_configured_host_itself_is_followed() -> None:
    """An api_url on the configured API host (the fake's socket) is followed as given."""
    local = Endpoints.single("http://127.0.0.1:8765")
    grant = attrs.evolve(make_grant(), api_url="http://127.0.0.1:8765/")
    assert _grants.followed_api_url(grant, local) is None
    other_port = attrs.evolve(make_grant(), api_url="http://127.0.0.1:9999")
    assert _grants.followed_api_url(other_port, local) is None
