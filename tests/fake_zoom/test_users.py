"""Users: me, by id or email, who may act for whom, settings, 1001."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.fake_zoom._client import Tokens, Zoom
    from tests.fake_zoom._seed import User


def assert_user_body(body: dict[str, object], user: User) -> None:
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert body["account_id"] == user.account_id
    assert body["first_name"] == user.first_name
    assert body["last_name"] == user.last_name
    assert body["timezone"] == user.timezone
    assert body["type"] == user.type
    assert body["role_name"] == user.role.capitalize()


@pytest.mark.parametrize("key", ["owner", "admin", "member", "free"])
def test_me_with_user_app(zoom: Zoom, key: str) -> None:
    """GET /v2/users/me with a user-app token returns the authorizing user with role_name."""
    user = zoom.user(key)
    tokens = zoom.connect(zoom.app("user"), user)
    r = zoom.api("GET", "/users/me", tokens.access_token)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert_user_body(r.json(), user)


@pytest.mark.parametrize("how", ["id", "email", "other-id", "unknown"])
def test_user_app_may_act_only_as_me(zoom: Zoom, owner_tokens: Tokens, how: str) -> None:
    """A user-managed app's token used with any userId other than ``me`` gets 401 code 124."""
    owner = zoom.user("owner")
    target = {
        "id": owner.id,
        "email": owner.email,
        "other-id": zoom.user("member").id,
        "unknown": "nobody-here",
    }[how]
    zoom.error(zoom.api("GET", f"/users/{target}", owner_tokens.access_token), 401, 124)
    zoom.error(zoom.api("GET", f"/users/{target}/settings", owner_tokens.access_token), 401, 124)


@pytest.mark.parametrize("app_key", ["admin", "s2s"])
@pytest.mark.parametrize("target_key", ["owner", "admin", "member"])
@pytest.mark.parametrize("by", ["id", "email"])
def test_account_apps_act_for_users_of_their_account(
    zoom: Zoom, app_key: str, target_key: str, by: str
) -> None:
    """Admin-managed and S2S tokens read any user of their account by id or email."""
    if app_key == "s2s":
        token = zoom.s2s_token(zoom.app("s2s")).access_token
    else:
        token = zoom.connect(zoom.app("admin"), zoom.user("admin")).access_token
    target = zoom.user(target_key)
    r = zoom.api("GET", f"/users/{target.id if by == 'id' else target.email}", token)
    assert r.status_code == 200, r.text
    assert_user_body(r.json(), target)


@pytest.mark.parametrize("app_key", ["admin", "s2s"])
def test_account_apps_cannot_reach_other_accounts(zoom: Zoom, app_key: str) -> None:
    """Admin-managed and S2S tokens cannot read a user of another account."""
    if app_key == "s2s":
        token = zoom.s2s_token(zoom.app("s2s")).access_token
    else:
        token = zoom.connect(zoom.app("admin"), zoom.user("owner")).access_token
    r = zoom.api("GET", f"/users/{zoom.user('free').id}", token)
    assert r.status_code in (401, 403, 404), r.text
    assert isinstance(r.json()["code"], int)


def test_s2s_token_me_is_the_account_owner(zoom: Zoom, s2s: Tokens) -> None:
    """An S2S token's ``me`` is a user of its account: the fake takes the account owner.

    zoomus, a Server-to-Server-only client since 1.2.0, offers ``user.me()`` as
    ``GET /users/me``; Zoom resolves it to the user who created the app.
    """
    r = zoom.api("GET", "/users/me", s2s.access_token)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == zoom.user("owner").id


@pytest.mark.parametrize("target", ["u_nobody", "nobody@pro.example.com"])
def test_unknown_user_is_1001(zoom: Zoom, s2s: Tokens, target: str) -> None:
    """An unknown user id or email answers 404 code 1001 "User does not exist"."""
    body = zoom.error(zoom.api("GET", f"/users/{target}", s2s.access_token), 404, 1001)
    assert body["message"].startswith("User does not exist")
    zoom.error(zoom.api("GET", f"/users/{target}/settings", s2s.access_token), 404, 1001)


def test_deleted_user_is_1001(zoom: Zoom, s2s: Tokens) -> None:
    """After DELETE /_fake/users/{id} the user is 404 code 1001."""
    member = zoom.user("member")
    assert zoom.api("GET", f"/users/{member.id}", s2s.access_token).status_code == 200
    zoom.delete_user(member)
    zoom.error(zoom.api("GET", f"/users/{member.id}", s2s.access_token), 404, 1001)


def test_settings_nested_shape_and_seed_merge(zoom: Zoom, s2s: Tokens) -> None:
    """Settings are sections of options; seeded settings merge over the defaults."""
    plain = zoom.api("GET", f"/users/{zoom.user('owner').id}/settings", s2s.access_token)
    custom = zoom.api("GET", f"/users/{zoom.user('member').id}/settings", s2s.access_token)
    assert plain.status_code == 200
    assert custom.status_code == 200
    defaults, merged = plain.json(), custom.json()
    assert isinstance(defaults, dict)
    assert defaults
    assert all(isinstance(section, dict) for section in defaults.values()), defaults
    assert "schedule_meeting" in defaults
    assert set(defaults) <= set(merged)
    assert merged["schedule_meeting"]["host_video"] is True


def test_settings_as_me(zoom: Zoom, owner_tokens: Tokens) -> None:
    """GET /v2/users/me/settings works for a user-app token."""
    r = zoom.api("GET", "/users/me/settings", owner_tokens.access_token)
    assert r.status_code == 200
    assert isinstance(r.json().get("schedule_meeting"), dict)


def test_role_change_shows_in_role_name(zoom: Zoom, s2s: Tokens) -> None:
    """POST /_fake/users/{id}/role changes role_name as Zoom reports it."""
    member = zoom.user("member")
    zoom.set_role(member, "admin")
    r = zoom.api("GET", f"/users/{member.id}", s2s.access_token)
    assert r.json()["role_name"] == "Admin"
