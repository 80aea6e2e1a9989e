"""The ``zoomlink fake-zoom`` command started without ``--seed``: the documented demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Zoom
    from tests.fake_zoom.conftest import CliServer


def test_first_line_is_the_base_url(demo_cli: CliServer) -> None:
    """The command prints http://127.0.0.1:PORT (a real port) on its first line."""
    split = urlsplit(demo_cli.url)
    assert split.scheme == "http"
    assert split.hostname == "127.0.0.1"
    assert split.port is not None
    assert split.port > 0
    assert split.path in ("", "/")


def test_demo_consent_page_lists_demo_users(demo_zoom: Zoom) -> None:
    """Without --seed the demo users appear on the demo user app's consent page."""
    page = demo_zoom.consent_page(demo_zoom.authorize_query(demo_zoom.app("user")))
    assert page.status_code == 200
    for key in ("owner", "admin", "member", "solo"):
        assert demo_zoom.user(key).email in page.text


@pytest.mark.parametrize(
    ("key", "role_name"), [("owner", "Owner"), ("admin", "Admin"), ("member", "Member")]
)
def test_demo_s2s_app_reads_demo_account(demo_zoom: Zoom, key: str, role_name: str) -> None:
    """The demo S2S app gets a token for acct_demo and reads its owner, admin and member."""
    token = demo_zoom.s2s_token(demo_zoom.app("s2s")).access_token
    user = demo_zoom.user(key)
    r = demo_zoom.api("GET", f"/users/{user.email}", token)
    assert r.status_code == 200, r.text
    assert r.json()["account_id"] == "acct_demo"
    assert r.json()["role_name"] == role_name


def test_demo_admin_app_is_authorized_by_demo_admin(demo_zoom: Zoom) -> None:
    """The demo admin-managed app can be authorized by the demo admin."""
    tokens = demo_zoom.connect(demo_zoom.app("admin"), demo_zoom.user("admin"))
    r = demo_zoom.api("GET", "/users/member@example.com", tokens.access_token)
    assert r.status_code == 200


def test_demo_solo_account_is_free(demo_zoom: Zoom) -> None:
    """solo@example.com owns a separate Free account: outside acct_demo, Free per-second limits."""
    s2s = demo_zoom.s2s_token(demo_zoom.app("s2s")).access_token
    demo_zoom.error(demo_zoom.api("GET", "/users/solo@example.com", s2s), 404, 1001)
    tokens = demo_zoom.connect(demo_zoom.app("user"), demo_zoom.user("solo"))
    me = demo_zoom.api("GET", "/users/me", tokens.access_token).json()
    assert me["email"] == "solo@example.com"
    assert me["account_id"] != "acct_demo"
    statuses = [
        demo_zoom.api("GET", "/users/me/meetings", tokens.access_token).status_code
        for _ in range(8)
    ]
    assert 429 in statuses
