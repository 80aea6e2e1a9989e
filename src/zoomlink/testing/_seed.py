"""Seed data: the demo data of `FakeZoom.default_seed` and loading a seed mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._fake import FakeZoom

DEMO_REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
_ACCOUNT_KEYS = {"id", "plan"}
_USER_KEYS = {
    "id", "email", "account_id", "role", "first_name", "last_name", "timezone", "type", "settings",
    "api_url",
}  # fmt: skip
_APP_KEYS = {
    "client_id", "client_secret", "kind", "redirect_uris", "account_id", "webhook_url",
    "webhook_secret", "events", "scopes",
}  # fmt: skip


def default_seed() -> dict[str, Any]:
    """A Pro account with an owner, an admin and a member; a Free account; three apps."""
    return {
        "accounts": [{"id": "acct_demo", "plan": "pro"}, {"id": "acct_solo", "plan": "free"}],
        "users": [
            _user("u_owner", "owner@example.com", "acct_demo", "owner", "Olivia", "Owner"),
            _user("u_admin", "admin@example.com", "acct_demo", "admin", "Adam", "Admin"),
            _user("u_member", "member@example.com", "acct_demo", "member", "Mia", "Member"),
            _user("u_solo", "solo@example.com", "acct_solo", "owner", "Sam", "Solo", type=1),
        ],
        "apps": [
            {
                "client_id": "fake-user-app",
                "client_secret": "fake-user-secret",
                "kind": "user",
                "redirect_uris": [DEMO_REDIRECT_URI],
            },
            {
                "client_id": "fake-admin-app",
                "client_secret": "fake-admin-secret",
                "kind": "account",
                "redirect_uris": [DEMO_REDIRECT_URI],
            },
            {
                "client_id": "fake-s2s-app",
                "client_secret": "fake-s2s-secret",
                "kind": "s2s",
                "account_id": "acct_demo",
            },
        ],
    }


def _user(
    user_id: str,
    email: str,
    account_id: str,
    role: str,
    first_name: str,
    last_name: str,
    *,
    type: int = 2,
) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": email,
        "account_id": account_id,
        "role": role,
        "first_name": first_name,
        "last_name": last_name,
        "timezone": "UTC",
        "type": type,
    }


def _items(data: Mapping[str, Any], key: str, allowed: set[str]) -> list[Mapping[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise ValueError(f"seed {key!r} must be a list of objects")
    for item in items:
        unknown = set(item) - allowed
        if unknown:
            raise ValueError(f"unknown keys in seed {key!r}: {sorted(unknown)}")
    return items


def load_seed(fake: FakeZoom, data: Mapping[str, Any]) -> None:
    """Add what `data` describes to `fake` (ValueError for malformed data)."""
    if not isinstance(data, Mapping):
        raise ValueError("a seed must be an object")
    unknown = set(data) - {"accounts", "users", "apps", "scheduling"}
    if unknown:
        raise ValueError(f"unknown seed keys: {sorted(unknown)}")
    for account in _items(data, "accounts", _ACCOUNT_KEYS):
        fake.add_account(account.get("id"), plan=account.get("plan", "pro"))
    for user in _items(data, "users", _USER_KEYS):
        if "email" not in user:
            raise ValueError("every seeded user needs an email")
        fake.add_user(
            user["email"],
            account_id=user.get("account_id"),
            role=user.get("role", "owner"),
            user_id=user.get("id"),
            first_name=user.get("first_name", ""),
            last_name=user.get("last_name", ""),
            timezone=user.get("timezone", "UTC"),
            type=user.get("type", 2),
            settings=user.get("settings"),
            api_url=user.get("api_url"),
        )
    for app in _items(data, "apps", _APP_KEYS):
        if "client_id" not in app or "client_secret" not in app:
            raise ValueError("every seeded app needs a client_id and a client_secret")
        fake.add_app(
            app["client_id"],
            app["client_secret"],
            kind=app.get("kind", "user"),
            redirect_uris=app.get("redirect_uris", ()),
            account_id=app.get("account_id"),
            webhook_url=app.get("webhook_url"),
            webhook_secret=app.get("webhook_secret"),
            events=app.get("events"),
            scopes=app.get("scopes"),
        )
    for privilege in _items(data, "scheduling", {"assistant", "host"}):
        if "assistant" not in privilege or "host" not in privilege:
            raise ValueError("every scheduling privilege needs an assistant and a host")
        fake.allow_scheduling(privilege["assistant"], privilege["host"])
