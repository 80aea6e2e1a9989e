"""The /_fake control routes themselves: reset, clock, input validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Zoom


def test_reset_forgets_state_but_keeps_the_clock(zoom: Zoom) -> None:
    """POST /_fake/reset forgets tokens, meetings, faults, journal and deliveries; time stays."""
    tokens = zoom.connect(zoom.app("user"), zoom.user("owner"))
    mid = zoom.create_meeting(tokens.access_token)["id"]
    zoom.hooks.wait_for(lambda d: d.event == "meeting.created")
    zoom.inject(route="users.get", status=503, times=5)
    zoom.advance(86400 * 3)
    before = zoom.now()
    zoom.control("POST", "/reset")
    assert abs((zoom.now() - before).total_seconds()) < 60
    assert zoom.journal_routes() == []
    assert zoom.deliveries() == []
    assert zoom.issued_tokens() == []
    zoom.control("POST", "/seed", body=zoom.seed_data)
    zoom.error(zoom.api("GET", "/users/me", tokens.access_token), 401, 124)
    s2s = zoom.s2s_token(zoom.app("s2s")).access_token
    zoom.error(zoom.get_meeting(s2s, mid), 404, 3001)
    assert zoom.api("GET", f"/users/{zoom.user('owner').id}", s2s).status_code == 200


def test_clock_control(zoom: Zoom) -> None:
    """GET/POST /_fake/time report, advance and set the fake clock."""
    before = zoom.now()
    zoom.advance(3600)
    after = zoom.now()
    assert 3600 <= (after - before).total_seconds() < 3660
    target = after.replace(microsecond=0) + (after - before) * 24
    zoom.set_time(target)
    assert abs((zoom.now() - target).total_seconds()) < 60


BAD_CONTROL: list[tuple[str, str, Any]] = [
    ("POST", "/time", {"advance": "soon"}),
    ("POST", "/time", {"set": "not a time"}),
    ("POST", "/faults", {"route": "users.get", "drop": "sideways"}),
    ("POST", "/users/u_conf_member/role", {"role": "emperor"}),
    ("POST", "/seed", ["not", "a", "mapping"]),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_CONTROL)
def test_control_routes_reject_bad_input(zoom: Zoom, method: str, path: str, body: Any) -> None:
    """Control routes answer 400 {"error": ...} on bad input."""
    r = zoom.control_raw(method, path, body=body)
    assert r.status_code == 400, r.text
    assert isinstance(r.json()["error"], str)
