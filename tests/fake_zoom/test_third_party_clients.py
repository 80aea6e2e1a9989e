"""Other people's Zoom clients against the fake on a loopback socket.

zoomus, pyzoom, zoom-python-client and Authlib's httpx OAuth 2 client each run their own
code against ``FakeZoom.serve()``, pointed there by their documented base-URL options:

- zoomus: ``ZoomClient(..., base_uri=..., oauth_uri=...)``.
- pyzoom: ``ZoomClient(access_token, base_url=...)``. Its OAuth helpers post to a hard-coded
  ``https://zoom.us/oauth/token`` with no option to change it, so the token comes from the
  fake's token endpoint here (a known difference, listed in docs/fake-fidelity.md).
- zoom-python-client: ``ZoomApiClient(..., api_endpoint=...)``; its token client has no
  option, so its ``authentication_client`` (a public attribute) is given the fake's base.
- Authlib: any URL, as an OAuth 2 client does.

The libraries are untyped and pyzoom's models warn about Pydantic 1 style config; those
warnings are theirs and are filtered only around their calls.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import zoomus  # type: ignore[import-untyped]
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.integrations.base_client.errors import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]
from zoom_python_client.api_client import ApiClient  # type: ignore[import-untyped]
from zoom_python_client.zoom_api_client import ZoomApiClient  # type: ignore[import-untyped]

from zoomlink.testing import FakeClock, FakeZoom, FakeZoomServer

S2S = ("fake-s2s-app", "fake-s2s-secret", "acct_demo")
USER_APP = ("fake-user-app", "fake-user-secret")
REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
# Their code's warnings, not ours: deprecations, and the sockets pyzoom leaves unclosed.
THEIR_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")


@pytest.fixture(autouse=True)
def _their_sockets() -> Iterator[None]:
    """pyzoom opens a requests Session per call and never closes it: its sockets are collected
    here, at the end of the test that leaked them, rather than warning in a later test."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def fake() -> FakeZoom:
    """The demo fake, on a clock that ticks (these clients read real time)."""
    zoom = FakeZoom(clock=FakeClock(frozen=False))
    zoom.seed(FakeZoom.default_seed())
    return zoom


@pytest.fixture
def server(fake: FakeZoom) -> Iterator[FakeZoomServer]:
    """The fake on a free loopback port."""
    with fake.serve() as running:
        yield running


def _when(hours: int = 24) -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=hours)


def _start(hours: int = 24) -> str:
    return _when(hours).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user_token(fake: FakeZoom, server: FakeZoomServer, user: str = "u_owner") -> dict[str, Any]:
    """A user-managed app's token pair for `user`, through the consent page and /oauth/token."""
    query = {"response_type": "code", "client_id": USER_APP[0], "redirect_uri": REDIRECT_URI}
    authorize = str(httpx.URL(server.url + "/oauth/authorize", params=query))
    code = parse_qs(urlsplit(fake.approve(authorize, user)).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    r = httpx.post(server.url + "/oauth/token", data=form, auth=USER_APP)
    assert r.status_code == 200, r.text
    token: dict[str, Any] = r.json()
    return token


# -- zoomus --------------------------------------------------------------------------------


def _zoomus(server: FakeZoomServer) -> Any:
    return zoomus.ZoomClient(
        *S2S, base_uri=server.url + "/v2", oauth_uri=server.url + "/oauth/token", timeout=5
    )


def test_zoomus_s2s_users_and_paging(server: FakeZoomServer) -> None:
    """zoomus gets an S2S token, reads me and a user, and pages the user list by number."""
    client = _zoomus(server)
    me = client.user.me()
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "owner@example.com"
    assert client.user.get(id="member@example.com").json()["id"] == "u_member"
    first = client.user.list(page_size=2, page_number=1).json()
    second = client.user.list(page_size=2, page_number=2).json()
    emails = {u["email"] for u in first["users"] + second["users"]}
    assert emails == {"owner@example.com", "admin@example.com", "member@example.com"}


def test_zoomus_meeting_crud_and_errors(server: FakeZoomServer) -> None:
    """zoomus creates, lists, gets, updates, ends and deletes a meeting; errors are Zoom's."""
    client = _zoomus(server)
    created = client.meeting.create(
        user_id="u_member", topic="Intro", type=2, start_time=_when(), duration=30
    )
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    listed = client.meeting.list(user_id="u_member").json()["meetings"]
    assert [m["id"] for m in listed] == [meeting_id]
    assert client.meeting.update(id=meeting_id, topic="Renamed").status_code == 204
    assert client.meeting.get(id=meeting_id).json()["topic"] == "Renamed"
    assert client.meeting.update_status(id=meeting_id, action="end").status_code == 204
    assert client.meeting.delete(id=meeting_id).status_code == 204
    gone = client.meeting.get(id=meeting_id)
    assert (gone.status_code, gone.json()["code"]) == (404, 3001)
    bad = client.meeting.create(user_id="u_member", topic="x" * 201, type=2)
    assert (bad.status_code, bad.json()["code"]) == (400, 300)


def test_zoomus_recurring_occurrences(server: FakeZoomServer) -> None:
    """zoomus creates a recurring meeting and deletes one occurrence of it."""
    client = _zoomus(server)
    recurrence = {"type": 1, "repeat_interval": 1, "end_times": 3}
    created = client.meeting.create(
        user_id="u_owner", topic="Weekly", type=8, start_time=_when(), recurrence=recurrence
    ).json()
    occurrences = created["occurrences"]
    assert len(occurrences) == 3
    first = occurrences[0]["occurrence_id"]
    assert client.meeting.delete(id=created["id"], occurrence_id=first).status_code == 204
    left = client.meeting.get(id=created["id"]).json()["occurrences"]
    assert [o["occurrence_id"] for o in left] == [o["occurrence_id"] for o in occurrences[1:]]


# -- pyzoom --------------------------------------------------------------------------------


def _pyzoom_module() -> Any:
    """pyzoom, imported without its own Pydantic deprecation warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import pyzoom  # type: ignore[import-untyped]
    return pyzoom


def _pyzoom(fake: FakeZoom, server: FakeZoomServer) -> Any:
    token = _user_token(fake, server)
    return _pyzoom_module().ZoomClient(
        token["access_token"], token["refresh_token"], base_url=server.url + "/v2"
    )


@THEIR_WARNINGS
def test_pyzoom_models_parse_meetings(fake: FakeZoom, server: FakeZoomServer) -> None:
    """pyzoom's create, get and list parse the fake's answers into its Pydantic models."""
    client = _pyzoom(fake, server)
    created = client.meetings.create_meeting("Consultation", start_time=_start(), duration_min=45)
    got = client.meetings.get_meeting(created.id)
    assert (got.topic, got.duration, got.settings.cn_meeting) == ("Consultation", 45, False)
    listed = client.meetings.list_meetings()
    assert [m.id for m in listed.meetings] == [created.id]
    client.meetings.update_meeting(
        "Moved", start_time=_start(48), duration_min=30, meeting_id=created.id
    )
    assert client.meetings.get_meeting(created.id).topic == "Moved"
    assert client.meetings.delete_meeting(created.id) is True


@THEIR_WARNINGS
def test_pyzoom_errors_are_its_typed_errors(fake: FakeZoom, server: FakeZoomServer) -> None:
    """pyzoom raises its NotFound for a missing meeting and BadRequest for a missing scope."""
    err = _pyzoom_module().err
    client = _pyzoom(fake, server)
    with pytest.raises(err.NotFound):
        client.meetings.get_meeting(12345678901)
    with pytest.raises(err.BadRequest):
        client.users.get_users("active")  # a user-managed app lacks user:read:list_users:admin


@THEIR_WARNINGS
def test_pyzoom_users_pages_with_an_admin_token(fake: FakeZoom, server: FakeZoomServer) -> None:
    """pyzoom's get_users walks next_page_token pages into its ZoomUserList model."""
    form = {"grant_type": "account_credentials", "account_id": S2S[2]}
    token = httpx.post(server.url + "/oauth/token", data=form, auth=S2S[:2]).json()
    client = _pyzoom_module().ZoomClient(token["access_token"], base_url=server.url + "/v2")
    users = client.users.get_users("active")
    assert users.total_records == 3
    assert sorted(u.id for u in users.users) == ["u_admin", "u_member", "u_owner"]


# -- zoom-python-client --------------------------------------------------------------------


def test_zoom_python_client_s2s(server: FakeZoomServer, tmp_path: Path) -> None:
    """zoom-python-client gets an S2S token (query-string parameters) and reads users and
    meetings, including its trailing-slash meeting list."""
    client = ZoomApiClient(S2S[2], *S2S[:2], api_endpoint=server.url + "/v2", use_path=tmp_path)
    client.authentication_client.authentication_client = ApiClient(server.url + "/oauth")
    assert client.users.get_user("admin@example.com")["id"] == "u_admin"
    created = httpx.post(
        server.url + "/v2/users/u_admin/meetings",
        json={"topic": "Listed", "type": 2, "start_time": _start(), "duration": 30},
        headers={"authorization": f"Bearer {(tmp_path / 'access_token').read_text()}"},
    ).json()
    page = client.users.get_user_meetings("u_admin", {"type": "upcoming", "page_size": 10})
    assert [m["id"] for m in page["meetings"]] == [created["id"]]
    assert client.meetings.get_meeting(str(created["id"]))["topic"] == "Listed"


# -- Authlib -------------------------------------------------------------------------------


def test_authlib_code_flow_refresh_and_revoke(fake: FakeZoom, server: FakeZoomServer) -> None:
    """Authlib's httpx OAuth2Client runs PKCE code exchange, refresh and revoke (Basic auth)."""

    verifier = generate_token(48)
    with OAuth2Client(*USER_APP, redirect_uri=REDIRECT_URI, code_challenge_method="S256") as client:
        url, state = client.create_authorization_url(
            server.url + "/oauth/authorize", code_verifier=verifier
        )
        callback = fake.approve(url, "u_member")
        token = client.fetch_token(
            server.url + "/oauth/token", authorization_response=callback, code_verifier=verifier
        )
        assert parse_qs(urlsplit(callback).query)["state"] == [state]
        me = client.get(server.url + "/v2/users/me")
        assert me.json()["id"] == "u_member"
        fresh = client.refresh_token(server.url + "/oauth/token")
        assert fresh["refresh_token"] != token["refresh_token"]
        with pytest.raises(OAuthError) as reused:
            client.refresh_token(server.url + "/oauth/token", refresh_token=token["refresh_token"])
        assert reused.value.error == "invalid_grant"
        revoked = client.revoke_token(server.url + "/oauth/revoke", token=fresh["access_token"])
        assert revoked.json() == {"status": "success"}
        assert client.get(server.url + "/v2/users/me").status_code == 401


def test_authlib_account_credentials(server: FakeZoomServer) -> None:
    """Authlib fetches a Server-to-Server token with Zoom's account_credentials grant."""

    with OAuth2Client(*S2S[:2]) as client:
        token = client.fetch_token(
            server.url + "/oauth/token", grant_type="account_credentials", account_id=S2S[2]
        )
        assert "refresh_token" not in token
        users = client.get(server.url + "/v2/users", params={"page_size": 1}).json()
        assert (users["total_records"], len(users["users"])) == (3, 1)
