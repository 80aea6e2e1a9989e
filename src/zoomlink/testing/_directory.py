"""Accounts, users and user settings: who exists in the fake Zoom."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from ._errors import invalid_alternative_host
from ._ids import IdSource
from ._records import FakeUser
from ._timefmt import format_utc

PLANS = ("free", "pro", "business")
ROLES: dict[str, tuple[str, str]] = {
    "owner": ("Owner", "0"),
    "admin": ("Admin", "1"),
    "member": ("Member", "2"),
}
USER_TYPES = (1, 2, 4)

DEFAULT_SETTINGS: dict[str, Any] = {
    "schedule_meeting": {
        "host_video": False,
        "participants_video": False,
        "audio_type": "voip",
        "join_before_host": False,
        "jbh_time": 0,
        "force_pmi_jbh_password": False,
        "pstn_password_protected": False,
        "use_pmi_for_scheduled_meetings": False,
        "use_pmi_for_instant_meetings": False,
        "require_password_for_scheduled_meetings": True,
        "default_password_for_scheduled_meetings": True,
        "require_password_for_instant_meetings": True,
        "require_password_for_pmi_meetings": "all",
        "personal_meeting": True,
        "embed_password_in_join_link": True,
        "mute_upon_entry": False,
    },
    "in_meeting": {
        "waiting_room": True,
        "chat": True,
        "private_chat": True,
        "auto_saving_chat": False,
        "screen_sharing": True,
        "breakout_room": False,
        "e2e_encryption": False,
        "co_host": False,
    },
    "email_notification": {
        "jbh_reminder": True,
        "cancel_meeting_reminder": True,
        "alternative_host_reminder": True,
        "schedule_for_reminder": True,
    },
    "recording": {"local_recording": True, "cloud_recording": False, "auto_recording": "none"},
    "meeting_security": {
        "auto_security": True,
        "waiting_room": True,
        "embed_password_in_join_link": True,
        "meeting_password": True,
        "phone_password": False,
        "pmi_password": True,
        "require_password_for_scheduled_meeting": True,
        "encryption_type": "enhanced_encryption",
        "meeting_password_requirement": {
            "length": 0,
            "have_letter": False,
            "have_number": False,
            "have_special_character": False,
            "only_allow_numeric": False,
            "have_upper_and_lower_characters": False,
            "consecutive_characters_length": 0,
            "weak_enhance_detection": False,
        },
    },
    "feature": {"meeting_capacity": 100, "large_meeting": False, "webinar": False},
}


def merge_settings(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` merged over `base`, nested objects merged key by key."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone, else ValueError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error
    return name


def check_api_url(value: object) -> str | None:
    """`value` if it is an absolute http(s) URL (or None), else ValueError."""
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"api_url must be an absolute http(s) URL, not {value!r}")
    return str(value).rstrip("/")


@attrs.define
class Account:
    """A Zoom account; its plan sets its rate limits."""

    id: str
    plan: str
    number: int
    created_at: datetime


class Directory:
    """The accounts and users of the fake, with each user's settings."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self.accounts: dict[str, Account] = {}
        self.users: dict[str, FakeUser] = {}
        self.settings: dict[str, dict[str, Any]] = {}
        # (assistant, host): the assistant may schedule meetings for the host.
        self.scheduling: set[tuple[str, str]] = set()

    def allow_scheduling(self, assistant_ref: str, host_ref: str) -> None:
        """Give `assistant_ref` the scheduling privilege for `host_ref` (same account only,
        as Zoom's scheduling privilege is; ValueError otherwise)."""
        assistant, host = self.require(assistant_ref), self.require(host_ref)
        if assistant.account_id != host.account_id or assistant.id == host.id:
            raise ValueError("scheduling privilege is between two users of one account")
        self.scheduling.add((assistant.id, host.id))

    def may_schedule_for(self, assistant: FakeUser, host: FakeUser) -> bool:
        """Whether `assistant` may schedule meetings for `host` (always for themselves)."""
        return assistant.id == host.id or (assistant.id, host.id) in self.scheduling

    def add_account(self, account_id: str | None, plan: str, now: datetime) -> Account:
        """A new account (ValueError for a taken id or an unknown plan)."""
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {PLANS}, not {plan!r}")
        account_id = account_id or self._ids.zoom_id("account")
        if account_id in self.accounts:
            raise ValueError(f"account {account_id!r} already exists")
        number = int(self._ids.digits(9, "account_number"))
        account = Account(id=account_id, plan=plan, number=number, created_at=now)
        self.accounts[account_id] = account
        return account

    def add_user(
        self,
        email: str,
        *,
        account_id: str | None,
        role: str,
        user_id: str | None,
        first_name: str,
        last_name: str,
        timezone: str,
        type: int,
        settings: Mapping[str, Any] | None,
        now: datetime,
        api_url: str | None = None,
    ) -> FakeUser:
        """A new user; without `account_id` a new Pro account is made for them."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {tuple(ROLES)}, not {role!r}")
        if type not in USER_TYPES:
            raise ValueError(f"type must be one of {USER_TYPES}, not {type!r}")
        if "@" not in email:
            raise ValueError(f"not an email address: {email!r}")
        check_timezone(timezone)
        if self.find(email) is not None:
            raise ValueError(f"a user with email {email!r} already exists")
        if account_id is None:
            account_id = self.add_account(None, "pro", now).id
        elif account_id not in self.accounts:
            raise KeyError(f"no account {account_id!r}; add it first")
        user_id = user_id or self._ids.zoom_id("user")
        if user_id in self.users or user_id == "me":
            raise ValueError(f"user id {user_id!r} is taken")
        user = FakeUser(
            id=user_id,
            email=email,
            account_id=account_id,
            role=role,
            first_name=first_name,
            last_name=last_name,
            timezone=timezone,
            type=type,
            pmi=int(self._ids.digits(10, "pmi")),
            created_at=now,
            api_url=check_api_url(api_url),
        )
        self.users[user_id] = user
        self.settings[user_id] = merge_settings(DEFAULT_SETTINGS, settings or {})
        return user

    def find(self, ref: str) -> FakeUser | None:
        """The user with id `ref`, or with email `ref` (case-insensitive)."""
        user = self.users.get(ref)
        if user is not None:
            return user
        folded = ref.casefold()
        return next((u for u in self.users.values() if u.email.casefold() == folded), None)

    def require(self, ref: str) -> FakeUser:
        """The user `ref` (id or email), else KeyError."""
        user = self.find(ref)
        if user is None:
            raise KeyError(f"no user {ref!r}")
        return user

    def owner_of(self, account_id: str) -> FakeUser | None:
        """The account's owner (the first seeded, if several), or None."""
        owners = (u for u in self.users.values() if u.account_id == account_id)
        return next((u for u in owners if u.role == "owner"), None)

    def licensed(self, user: FakeUser) -> bool:
        """Whether the user holds a paid licence: type 2 (Licensed) on a paid plan."""
        return user.type == 2 and self.accounts[user.account_id].plan != "free"

    def alternative_hosts(self, host: FakeUser, refs: list[str]) -> list[str]:
        """`refs` (e-mails or user ids) if each may be an alternative host of `host`'s meetings.

        Each must be a user of the host's account, not the host, and licensed; the host must be
        licensed too (Zoom: "Both the meeting host and alternative host must be licensed users"
        of "the same Zoom account"). Zoom's docs leave the error unstated: the fake takes the
        stricter reading and refuses the whole request, naming the first bad entry, with 400
        code 1114. A user named twice is kept once, as first written.
        """
        kept: list[str] = []
        seen: set[str] = set()
        for ref in refs:
            user = self.find(ref)
            if (
                user is None
                or user.id == host.id
                or user.account_id != host.account_id
                or not self.licensed(user)
                or not self.licensed(host)
            ):
                raise invalid_alternative_host(ref)
            if user.id not in seen:
                seen.add(user.id)
                kept.append(ref)
        return kept

    def set_role(self, user_id: str, role: str) -> tuple[FakeUser, FakeUser]:
        """Change a user's role; returns (before, after)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {tuple(ROLES)}, not {role!r}")
        before = self.require(user_id)
        after = attrs.evolve(before, role=role)
        self.users[before.id] = after
        return before, after

    def delete_user(self, user_id: str) -> FakeUser:
        """Remove a user."""
        user = self.require(user_id)
        del self.users[user.id]
        del self.settings[user.id]
        return user

    def user_json(self, user: FakeUser) -> dict[str, Any]:
        """The user as ``GET /v2/users/{id}`` shows them."""
        role_name, role_id = ROLES[user.role]
        account = self.accounts[user.account_id]
        return {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": f"{user.first_name} {user.last_name}".strip() or user.email,
            "email": user.email,
            "type": user.type,
            "role_name": role_name,
            "pmi": user.pmi,
            "use_pmi": False,
            "personal_meeting_url": f"https://us05web.zoom.us/j/{user.pmi}",
            "timezone": user.timezone,
            "verified": 1,
            "dept": "",
            "created_at": format_utc(user.created_at),
            "user_created_at": format_utc(user.created_at),
            "last_login_time": format_utc(user.created_at),
            "pic_url": "",
            "cms_user_id": "",
            "jid": f"{user.id.lower()}@xmpp.zoom.us",
            "group_ids": [],
            "im_group_ids": [],
            "account_id": user.account_id,
            "language": "en-US",
            "phone_number": "",
            "status": "active",
            "role_id": role_id,
            "account_number": account.number,
            "cluster": "us05",
            "login_types": [100],
        }

    def list_json(self, user: FakeUser) -> dict[str, Any]:
        """The user as ``GET /v2/users`` lists them (fewer fields than ``GET /users/{id}``)."""
        full = self.user_json(user)
        return {key: full[key] for key in _LISTED_USER_KEYS}


# The fields of a ``GET /users`` item (Zoom's listUsers response schema).
_LISTED_USER_KEYS = (
    "id", "first_name", "last_name", "display_name", "email", "type", "pmi", "timezone",
    "verified", "dept", "created_at", "user_created_at", "last_login_time", "pic_url",
    "language", "phone_number", "status", "role_id", "group_ids", "im_group_ids",
)  # fmt: skip
