"""Injected faults, latency, and things that happen "in Zoom" (revocation, demotion)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom

MEETING = {"topic": "faulty", "type": 2, "start_time": "2035-06-01T10:00:00Z", "duration": 30}


def create(zoom: Zoom, token: str) -> httpx.Response:
    """Create the standard meeting for ``me``."""
    response: httpx.Response = zoom.api("POST", "/users/me/meetings", token, body=MEETING)
    return response


def listed_ids(zoom: Zoom, token: str) -> list[int]:
    r = zoom.list_meetings(token, page_size=300)
    assert r.status_code == 200, r.text
    return [m["id"] for m in r.json()["meetings"]]


@pytest.mark.parametrize(
    "retry_after", [7, "120", "Wed, 21 Oct 2037 07:28:00 GMT", "2037-10-21T07:28:00Z"]
)
def test_injected_429_passes_retry_after_through(
    zoom: Zoom, owner_tokens: Tokens, retry_after: int | str
) -> None:
    """An injected 429 carries Zoom's per-second body and Retry-After exactly as given."""
    zoom.inject(route="meetings.create", status=429, retry_after=retry_after)
    r = create(zoom, owner_tokens.access_token)
    assert r.status_code == 429
    assert r.headers["retry-after"] == str(retry_after)
    assert r.json() == {
        "code": 429,
        "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
    }
    assert listed_ids(zoom, owner_tokens.access_token) == []


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_error_has_zoom_body(zoom: Zoom, owner_tokens: Tokens, status: int) -> None:
    """An injected 500/503 answers Zoom's {"code", "message"} body and nothing is created."""
    zoom.inject(route="meetings.create", status=status)
    r = create(zoom, owner_tokens.access_token)
    assert r.status_code == status
    body = r.json()
    assert isinstance(body["code"], int)
    assert isinstance(body["message"], str)
    assert listed_ids(zoom, owner_tokens.access_token) == []


def test_injected_body_and_headers_are_used(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A fault's explicit body and headers are what the client receives."""
    zoom.inject(
        route="users.get",
        status=400,
        body={"code": 1120, "message": "Invitation expired."},
        headers={"X-Custom": "yes"},
    )
    r = zoom.api("GET", "/users/me", owner_tokens.access_token)
    assert r.status_code == 400
    assert r.json() == {"code": 1120, "message": "Invitation expired."}
    assert r.headers["x-custom"] == "yes"


@pytest.mark.parametrize("times", [1, 3])
def test_fault_times_counts(zoom: Zoom, owner_tokens: Tokens, times: int) -> None:
    """A fault hits exactly the next ``times`` requests to its route, then the route recovers."""
    zoom.inject(route="users.get", status=503, times=times)
    statuses = [
        zoom.api("GET", "/users/me", owner_tokens.access_token).status_code
        for _ in range(times + 2)
    ]
    assert statuses == [503] * times + [200, 200]


def test_fault_is_scoped_to_its_route(zoom: Zoom, owner_tokens: Tokens) -> None:
    """A fault on one route leaves other routes alone and waits for its own route."""
    zoom.inject(route="meetings.delete", status=503)
    token = owner_tokens.access_token
    assert zoom.api("GET", "/users/me", token).status_code == 200
    mid = create(zoom, token).json()["id"]
    assert zoom.api("DELETE", f"/meetings/{mid}", token).status_code == 503
    assert zoom.api("DELETE", f"/meetings/{mid}", token).status_code == 204


def test_wildcard_fault_hits_any_route(zoom: Zoom, owner_tokens: Tokens) -> None:
    """route="*" applies to whatever route comes next."""
    zoom.inject(route="*", status=503, times=2)
    token = owner_tokens.access_token
    assert zoom.api("GET", "/users/me/settings", token).status_code == 503
    assert zoom.list_meetings(token).status_code == 503
    assert zoom.list_meetings(token).status_code == 200


def test_clear_faults(zoom: Zoom, owner_tokens: Tokens) -> None:
    """DELETE /_fake/faults removes pending faults."""
    zoom.inject(route="users.get", status=503, times=5)
    zoom.clear_faults()
    assert zoom.api("GET", "/users/me", owner_tokens.access_token).status_code == 200


def test_fault_on_token_route(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Faults apply to OAuth routes too; a 503 on refresh does not rotate the token."""
    assert owner_tokens.refresh_token is not None
    zoom.inject(route="oauth.token", status=503)
    r = zoom.refresh(zoom.app("user"), owner_tokens.refresh_token)
    assert r.status_code == 503
    zoom.tokens_of(zoom.refresh(zoom.app("user"), owner_tokens.refresh_token))


def dropped(zoom: Zoom) -> type[httpx.TransportError]:
    """What a dropped connection raises: RemoteProtocolError in process, a transport error else."""
    return httpx.RemoteProtocolError if zoom.mode == "inprocess" else httpx.TransportError


def test_drop_before_creates_nothing(zoom: Zoom, owner_tokens: Tokens) -> None:
    """drop="before": the client sees a transport error and no meeting was created."""
    zoom.inject(route="meetings.create", drop="before")
    with pytest.raises(dropped(zoom)):
        create(zoom, owner_tokens.access_token)
    assert listed_ids(zoom, owner_tokens.access_token) == []
    assert create(zoom, owner_tokens.access_token).status_code == 201


def test_drop_after_creates_the_meeting(zoom: Zoom, owner_tokens: Tokens) -> None:
    """drop="after": the client sees a transport error but the meeting exists in the list."""
    zoom.inject(route="meetings.create", drop="after")
    with pytest.raises(dropped(zoom)):
        create(zoom, owner_tokens.access_token)
    ids = listed_ids(zoom, owner_tokens.access_token)
    assert len(ids) == 1
    got = zoom.get_meeting(owner_tokens.access_token, ids[0]).json()
    assert got["topic"] == "faulty"


def test_drop_after_on_refresh_rotates(zoom: Zoom, owner_tokens: Tokens) -> None:
    """drop="after" on a refresh rotates the token anyway: the old refresh token is dead."""
    assert owner_tokens.refresh_token is not None
    zoom.inject(route="oauth.token", drop="after")
    with pytest.raises(dropped(zoom)):
        zoom.refresh(zoom.app("user"), owner_tokens.refresh_token)
    r = zoom.refresh(zoom.app("user"), owner_tokens.refresh_token)
    assert r.status_code == 400
    assert r.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}


def test_drop_before_on_refresh_keeps_token(zoom: Zoom, owner_tokens: Tokens) -> None:
    """drop="before" on a refresh does nothing: the old refresh token still works."""
    assert owner_tokens.refresh_token is not None
    zoom.inject(route="oauth.token", drop="before")
    with pytest.raises(dropped(zoom)):
        zoom.refresh(zoom.app("user"), owner_tokens.refresh_token)
    zoom.tokens_of(zoom.refresh(zoom.app("user"), owner_tokens.refresh_token))


def test_injected_delay_slows_the_answer(zoom: Zoom, owner_tokens: Tokens) -> None:
    """delay= makes the faulted request slower (generous lower bound) and still answers."""
    zoom.inject(route="users.get", delay=0.3)
    started = time.monotonic()
    r = zoom.api("GET", "/users/me", owner_tokens.access_token)
    assert time.monotonic() - started >= 0.25
    assert r.status_code == 200


def test_latency_applies_to_every_request(zoom: Zoom, owner_tokens: Tokens) -> None:
    """POST /_fake/config latency adds a real delay to requests (generous lower bound)."""
    zoom.configure(latency=0.2)
    started = time.monotonic()
    r = zoom.api("GET", "/users/me", owner_tokens.access_token)
    assert time.monotonic() - started >= 0.15
    assert r.status_code == 200
    zoom.configure(latency=0)


# ---- things that happen in Zoom -----------------------------------------------------------------


def test_revoked_tokens_are_dead_without_webhook(zoom: Zoom, owner_tokens: Tokens) -> None:
    """POST /_fake/users/{id}/revoke: API 401 code 124, refresh invalid_grant, no webhook."""
    owner = zoom.user("owner")
    zoom.revoke_user_tokens(owner)
    zoom.error(zoom.api("GET", "/users/me", owner_tokens.access_token), 401, 124)
    assert owner_tokens.refresh_token is not None
    r = zoom.refresh(zoom.app("user"), owner_tokens.refresh_token)
    assert r.status_code == 400
    assert r.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    time.sleep(0.2)
    assert not [d for d in zoom.hooks.all() if d.event == "app_deauthorized"]
    assert not [d for d in zoom.deliveries() if d["event"] == "app_deauthorized"]


def test_revoke_for_one_client_spares_other_apps(zoom: Zoom, owner_tokens: Tokens) -> None:
    """Revoking with client_id kills only that app's tokens for the user."""
    owner = zoom.user("owner")
    admin_app = zoom.connect(zoom.app("admin"), owner)
    zoom.revoke_user_tokens(owner, zoom.app("user").client_id)
    zoom.error(zoom.api("GET", "/users/me", owner_tokens.access_token), 401, 124)
    r = zoom.api("GET", f"/users/{owner.id}", admin_app.access_token)
    assert r.status_code == 200


def test_demoted_admin_breaks_admin_app_for_good(zoom: Zoom) -> None:
    """Demoting the admin who authorized an admin-managed app kills its tokens, even if re-promoted."""
    admin = zoom.user("admin")
    tokens = zoom.connect(zoom.app("admin"), admin)
    user_app = zoom.connect(zoom.app("user"), admin)
    zoom.set_role(admin, "member")
    assert tokens.refresh_token is not None
    r = zoom.refresh(zoom.app("admin"), tokens.refresh_token)
    assert r.status_code == 400
    assert r.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    zoom.error(zoom.api("GET", f"/users/{admin.id}", tokens.access_token), 401, 124)
    assert zoom.api("GET", "/users/me", user_app.access_token).status_code == 200
    zoom.set_role(admin, "admin")
    zoom.error(zoom.api("GET", f"/users/{admin.id}", tokens.access_token), 401, 124)
    again = zoom.refresh(zoom.app("admin"), tokens.refresh_token)
    assert again.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
