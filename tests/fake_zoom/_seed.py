"""The seed every conformance test starts from: two accounts (Pro and Free), owner, admin
and member users, every kind of app, and the constants the suite shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

JSON = dict[str, Any]

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "conformance-webhook-secret-7f3a"

ROUTES = (
    "oauth.authorize",
    "oauth.token",
    "oauth.revoke",
    "users.get",
    "users.settings",
    "meetings.create",
    "meetings.list",
    "meetings.get",
    "meetings.update",
    "meetings.delete",
    "users.list",
    "meetings.upcoming",
    "meetings.invitation",
    "meetings.status",
    "past_meetings.get",
)


# --------------------------------------------------------------------------------------------
# The seed: two accounts (Pro and Free), owner/admin/member users, every kind of app.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """A seeded Zoom user."""

    key: str
    id: str
    email: str
    account_id: str
    role: str
    timezone: str
    first_name: str
    last_name: str
    type: int = 2
    settings: JSON | None = None


@dataclass(frozen=True)
class App:
    """A seeded Marketplace app."""

    key: str
    client_id: str
    client_secret: str
    kind: Literal["user", "account", "s2s"]
    account_id: str | None = None
    events: tuple[str, ...] | None = None
    own_webhook: bool = True


DEMO_USERS: dict[str, User] = {
    u.key: u
    for u in (
        User("owner", "", "owner@example.com", "acct_demo", "owner", "UTC", "", ""),
        User("admin", "", "admin@example.com", "acct_demo", "admin", "UTC", "", ""),
        User("member", "", "member@example.com", "acct_demo", "member", "UTC", "", ""),
        User("solo", "", "solo@example.com", "", "owner", "UTC", "", ""),
    )
}
DEMO_APPS: dict[str, App] = {
    a.key: a
    for a in (
        App("user", "fake-user-app", "fake-user-secret", "user"),
        App("admin", "fake-admin-app", "fake-admin-secret", "account"),
        App("s2s", "fake-s2s-app", "fake-s2s-secret", "s2s", account_id="acct_demo"),
    )
}

ACCT_PRO = "acct_conf_pro"
ACCT_FREE = "acct_conf_free"

USERS: dict[str, User] = {
    u.key: u
    for u in (
        User(
            "owner",
            "u_conf_owner",
            "owner@pro.example.com",
            ACCT_PRO,
            "owner",
            "Europe/Berlin",
            "Olive",
            "Owner",
        ),
        User(
            "admin",
            "u_conf_admin",
            "admin@pro.example.com",
            ACCT_PRO,
            "admin",
            "America/New_York",
            "Ada",
            "Admin",
        ),
        User(
            "member",
            "u_conf_member",
            "member@pro.example.com",
            ACCT_PRO,
            "member",
            "UTC",
            "Max",
            "Member",
            settings={"schedule_meeting": {"host_video": True}},
        ),
        User(
            "free",
            "u_conf_free",
            "solo@free.example.com",
            ACCT_FREE,
            "owner",
            "UTC",
            "Sol",
            "Solo",
            type=1,
        ),
        User(
            "free2",
            "u_conf_free2",
            "helper@free.example.com",
            ACCT_FREE,
            "member",
            "UTC",
            "Hal",
            "Helper",
            type=1,
        ),
    )
}

APPS: dict[str, App] = {
    a.key: a
    for a in (
        App("user", "conf-user-app", "conf-user-secret", "user"),
        App("admin", "conf-admin-app", "conf-admin-secret", "account"),
        App("s2s", "conf-s2s-app", "conf-s2s-secret", "s2s", account_id=ACCT_PRO),
        App(
            "s2s_free",
            "conf-s2s-free-app",
            "conf-s2s-free-secret",
            "s2s",
            account_id=ACCT_FREE,
            own_webhook=False,
        ),
        App(
            "quiet",
            "conf-quiet-app",
            "conf-quiet-secret",
            "user",
            events=("app_deauthorized",),
        ),
    )
}


def hook_path(name: str) -> str:
    """The receiver path where deliveries meant for ``name`` (a client id or ``default``) land."""
    return f"/hooks/{name}"


def build_seed(hook_base: str, *, events: Sequence[str] | None = None) -> JSON:
    """The seed mapping of docs/fake-zoom.md, pointing app webhooks at the loopback receiver.

    ``events`` overrides every app's subscription (tests that make hundreds of requests use it
    to keep webhook traffic out of their way).
    """
    accounts = [{"id": ACCT_PRO, "plan": "pro"}, {"id": ACCT_FREE, "plan": "free"}]
    users: list[JSON] = []
    for u in USERS.values():
        entry: JSON = {
            "id": u.id,
            "email": u.email,
            "account_id": u.account_id,
            "role": u.role,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "timezone": u.timezone,
            "type": u.type,
        }
        if u.settings is not None:
            entry["settings"] = u.settings
        users.append(entry)
    apps: list[JSON] = []
    for a in APPS.values():
        app: JSON = {"client_id": a.client_id, "client_secret": a.client_secret, "kind": a.kind}
        if a.kind != "s2s":
            app["redirect_uris"] = [REDIRECT_URI]
        if a.account_id is not None:
            app["account_id"] = a.account_id
        if a.own_webhook:
            app["webhook_url"] = hook_base + hook_path(a.client_id)
            app["webhook_secret"] = WEBHOOK_SECRET
        if events is not None:
            app["events"] = list(events)
        elif a.events is not None:
            app["events"] = list(a.events)
        apps.append(app)
    return {"accounts": accounts, "users": users, "apps": apps}
