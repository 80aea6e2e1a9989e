"""Fixtures for the wire-format conformance suite of ``zoomlink.testing.FakeZoom``.

Every test drives the fake only through HTTP: Zoom's own routes (``/oauth/*``, ``/v2/*``) and the
fake's documented control routes (``/_fake/*``). The ``zoom`` fixture runs each test three times:
in process (``httpx.MockTransport``), over a loopback socket (``fake.serve()``) and against the
``python -m zoomlink fake-zoom`` command.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest

JSON = dict[str, Any]
Mode = Literal["inprocess", "socket", "cli"]

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "conformance-webhook-secret-7f3a"
CLI_START_TIMEOUT = 30.0
WEBHOOK_WAIT = 5.0

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


# --------------------------------------------------------------------------------------------
# Webhook receiver: a loopback ThreadingHTTPServer collecting (path, headers, raw body).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One webhook POST as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> JSON:
        """The parsed JSON body."""
        parsed: JSON = json.loads(self.body)
        return parsed

    @property
    def event(self) -> str:
        """The ``event`` field of the body."""
        return str(self.json.get("event"))


def zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Zoom's webhook signature: ``v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{body}``)."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class HookReceiver:
    """Collects webhook deliveries posted to a loopback HTTP server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self.answer: Callable[[Delivery], tuple[int, bytes]] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                delivery = Delivery(self.path, headers, body)
                with receiver._lock:
                    receiver._deliveries.append(delivery)
                    answer = receiver.answer
                status, content = answer(delivery) if answer is not None else (200, b"")
                self.send_response(status)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, name: str) -> str:
        """The absolute URL of ``hook_path(name)``."""
        return self.base + hook_path(name)

    def clear(self) -> None:
        """Forget everything received so far, and answer 200 again."""
        with self._lock:
            self._deliveries.clear()
            self.answer = None

    def all(self) -> list[Delivery]:
        """Everything received so far, in order."""
        with self._lock:
            return list(self._deliveries)

    def wait_for(
        self, predicate: Callable[[Delivery], bool], *, timeout: float = WEBHOOK_WAIT
    ) -> Delivery:
        """The first delivery matching ``predicate``; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for delivery in self.all():
                if predicate(delivery):
                    return delivery
            if time.monotonic() >= deadline:
                seen = [(d.path, d.body[:200]) for d in self.all()]
                raise AssertionError(f"no matching webhook within {timeout}s; got {seen}")
            time.sleep(0.02)

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------------------------
# A browser's view of the consent page: forms, their controls, and how a click submits them.
# --------------------------------------------------------------------------------------------


@dataclass
class Option:
    """An ``<option>`` of a ``<select>``."""

    value: str | None
    text: str = ""
    selected: bool = False

    @property
    def submitted(self) -> str:
        """The value a browser submits for the option."""
        return self.value if self.value is not None else self.text.strip()


@dataclass
class Control:
    """A form control: input, select, button or textarea."""

    tag: str
    type: str
    name: str | None
    value: str
    checked: bool = False
    text: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What a person sees for the control (button text / input value / following text)."""
        if self.tag == "button":
            return self.text.strip() or self.value
        if self.type in ("submit", "button", "reset"):
            return self.value
        return self.text.strip()


@dataclass
class Form:
    """An HTML form."""

    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def button(self, label: str) -> Control | None:
        """The submit button whose visible label contains ``label`` (case-insensitive)."""
        for c in self.controls:
            is_submit = (c.tag == "button" and c.type == "submit") or (
                c.tag == "input" and c.type in ("submit", "image")
            )
            if is_submit and label.lower() in c.label.lower():
                return c
        return None


class PageParser(HTMLParser):
    """Collects the forms of a page and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.text: list[str] = []
        self._form: Form | None = None
        self._labelled: Control | None = None
        self._option: Option | None = None
        self._in_button: Control | None = None
        self._in_textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get") or "get")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            c = Control(
                "input",
                a.get("type", "text").lower() or "text",
                a.get("name") or None,
                a.get("value", "on" if a.get("type", "").lower() in ("radio", "checkbox") else ""),
                checked="checked" in a,
            )
            self._form.controls.append(c)
            self._labelled = c if c.type in ("radio", "checkbox") else None
        elif tag == "select":
            c = Control("select", "select", a.get("name") or None, "")
            self._form.controls.append(c)
            self._labelled = c
        elif tag == "option" and self._labelled is not None and self._labelled.tag == "select":
            self._option = Option(a.get("value"), selected="selected" in a)
            self._labelled.options.append(self._option)
        elif tag == "button":
            c = Control("button", a.get("type", "submit").lower(), a.get("name") or None, "")
            c.value = a.get("value", "")
            self._form.controls.append(c)
            self._in_button = c
            self._labelled = None
        elif tag == "textarea":
            c = Control("textarea", "textarea", a.get("name") or None, "")
            self._form.controls.append(c)
            self._in_textarea = c
            self._labelled = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
            self._labelled = None
        elif tag == "button":
            self._in_button = None
        elif tag == "textarea":
            self._in_textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select":
            self._labelled = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_button is not None:
            self._in_button.text += data
        elif self._in_textarea is not None:
            self._in_textarea.value += data
        elif self._option is not None:
            self._option.text += data
        elif self._labelled is not None and self._labelled.tag == "input":
            self._labelled.text += data


def parse_page(html: str) -> PageParser:
    """Parse an HTML page into forms and text."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def _pick_user(form: Form, user: User) -> bool:
    """Select ``user`` in the form the way a person would; False when there is no such choice."""
    wanted = {user.id, user.email}

    def matches(value: str | None, text: str) -> bool:
        return value in wanted or user.email in text

    for c in form.controls:
        if c.tag == "input" and c.type == "radio" and matches(c.value, c.text):
            for other in form.controls:
                if other.type == "radio" and other.name == c.name:
                    other.checked = False
            c.checked = True
            return True
        if c.tag == "select":
            hit = [o for o in c.options if matches(o.value, o.text)]
            if hit:
                for o in c.options:
                    o.selected = o is hit[0]
                return True
    for c in form.controls:
        if c.tag == "input" and c.type in ("email", "text") and c.name and not c.value:
            c.value = user.email
            return True
    return False


def form_fields(form: Form, clicked: Control) -> list[tuple[str, str]]:
    """The name/value pairs a browser submits when ``clicked`` is pressed."""
    pairs: list[tuple[str, str]] = []
    for c in form.controls:
        if not c.name:
            continue
        if c.tag == "input":
            if c.type in ("radio", "checkbox"):
                if c.checked:
                    pairs.append((c.name, c.value))
            elif c.type in ("submit", "image", "button", "reset", "file"):
                if c is clicked:
                    pairs.append((c.name, c.value))
            else:
                pairs.append((c.name, c.value))
        elif c.tag == "select":
            chosen = [o for o in c.options if o.selected] or c.options[:1]
            if chosen:
                pairs.append((c.name, chosen[0].submitted))
        elif c.tag == "textarea" or (c.tag == "button" and c is clicked):
            pairs.append((c.name, c.value))
    return pairs


# --------------------------------------------------------------------------------------------
# The handle every test gets.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    """A token endpoint answer."""

    access_token: str
    refresh_token: str | None
    expires_in: int
    body: JSON


@dataclass(frozen=True)
class Redirect:
    """Where the consent page sent the browser."""

    url: str
    params: dict[str, str]

    @property
    def code(self) -> str:
        """The authorization code."""
        return self.params["code"]

    @property
    def state(self) -> str | None:
        """The echoed state."""
        return self.params.get("state")


def pkce_pair() -> tuple[str, str]:
    """A fresh (verifier, S256 challenge) pair as RFC 7636 defines it."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def parse_instant(value: str, now: datetime) -> datetime:
    """A ``Retry-After`` value (seconds, HTTP date or ISO time) as an aware datetime."""
    text = value.strip()
    if text.isdigit():
        return now + timedelta(seconds=int(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_iso(value: str) -> datetime:
    """An ISO 8601 time (``Z`` allowed) as an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


@dataclass
class Zoom:
    """One running fake, reached over HTTP, plus helpers speaking Zoom's wire format."""

    mode: Mode
    http: httpx.Client
    oauth_base: str
    api_base: str
    hooks: HookReceiver
    seed_data: JSON
    redirect_uri: str = REDIRECT_URI
    webhook_secret: str = WEBHOOK_SECRET
    users: Mapping[str, User] = field(default_factory=lambda: USERS)
    apps: Mapping[str, App] = field(default_factory=lambda: APPS)

    # ---- addressing -------------------------------------------------------------------------

    def oauth_url(self, path: str) -> str:
        """Absolute URL of an OAuth path (``/oauth/...``)."""
        return self.oauth_base + path

    def api_url(self, path: str) -> str:
        """Absolute URL of an API path (``/v2/...``)."""
        return self.api_base + path

    def control_url(self, path: str) -> str:
        """Absolute URL of a control path (``/_fake/...``)."""
        return self.api_base + "/_fake" + path

    def user(self, key: str) -> User:
        """A seeded user by key (owner, admin, member, free, free2)."""
        return self.users[key]

    def app(self, key: str) -> App:
        """A seeded app by key (user, admin, s2s, s2s_free, quiet)."""
        return self.apps[key]

    # ---- control routes ---------------------------------------------------------------------

    def control_raw(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Call a ``/_fake`` route and return the raw response."""
        return self.http.request(
            method, self.control_url(path), json=body, params=dict(params or {})
        )

    def control(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """Call a ``/_fake`` route, insist on 200/204, return the JSON (or None)."""
        r = self.control_raw(method, path, body=body, params=params)
        assert r.status_code in (200, 204), f"{method} /_fake{path}: {r.status_code} {r.text}"
        if r.status_code == 204 or not r.content:
            return None
        return r.json()

    def prepare(self) -> None:
        """Reset, seed, restore default config; clear faults and captured webhooks."""
        self.control("POST", "/reset")
        self.control("POST", "/seed", body=self.seed_data)
        self.control("DELETE", "/faults")
        self.configure(latency=0, per_second_limits=True)
        self.hooks.clear()

    def reseed_without_meeting_events(self) -> None:
        """Reset and seed again with every app subscribed to ``app_deauthorized`` only."""
        self.control("POST", "/reset")
        self.control("POST", "/seed", body=build_seed(self.hooks.base, events=["app_deauthorized"]))

    def now(self) -> datetime:
        """The fake's clock."""
        return parse_iso(str(self.control("GET", "/time")["now"]))

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward."""
        self.control("POST", "/time", body={"advance": seconds})

    def set_time(self, when: datetime) -> None:
        """Set the fake's clock."""
        self.control("POST", "/time", body={"set": when.isoformat()})

    def advance_to_next_utc_day(self, hour: int) -> datetime:
        """Advance the clock to ``hour``:00 UTC of the next day; returns the new time."""
        now = self.now().astimezone(timezone.utc)
        target = datetime(now.year, now.month, now.day, hour, tzinfo=timezone.utc) + timedelta(
            days=1
        )
        self.advance((target - now).total_seconds())
        return target

    def inject(self, **fault: Any) -> None:
        """``POST /_fake/faults``."""
        self.control("POST", "/faults", body=fault)

    def clear_faults(self) -> None:
        """``DELETE /_fake/faults``."""
        self.control("DELETE", "/faults")

    def configure(self, **config: Any) -> None:
        """``POST /_fake/config``."""
        self.control("POST", "/config", body=config)

    def revoke_user_tokens(self, user: User, client_id: str | None = None) -> None:
        """``POST /_fake/users/{id}/revoke``."""
        body = {"client_id": client_id} if client_id is not None else {}
        self.control("POST", f"/users/{user.id}/revoke", body=body)

    def uninstall(self, user: User, app: App) -> None:
        """``POST /_fake/users/{id}/uninstall``."""
        self.control("POST", f"/users/{user.id}/uninstall", body={"client_id": app.client_id})

    def set_role(self, user: User, role: str) -> None:
        """``POST /_fake/users/{id}/role``."""
        self.control("POST", f"/users/{user.id}/role", body={"role": role})

    def delete_user(self, user: User) -> None:
        """``DELETE /_fake/users/{id}``."""
        self.control("DELETE", f"/users/{user.id}")

    def edit_in_zoom(self, meeting_id: int, **fields: Any) -> None:
        """``PATCH /_fake/meetings/{id}``: the host edits the meeting in Zoom's UI."""
        self.control("PATCH", f"/meetings/{meeting_id}", body=fields)

    def delete_in_zoom(self, meeting_id: int, occurrence_id: str | None = None) -> None:
        """``DELETE /_fake/meetings/{id}``: the host deletes it in Zoom's UI."""
        params = {"occurrence_id": occurrence_id} if occurrence_id else None
        self.control("DELETE", f"/meetings/{meeting_id}", params=params)

    def journal(self) -> list[JSON]:
        """``GET /_fake/journal`` entries."""
        entries: list[JSON] = self.control("GET", "/journal")["entries"]
        return entries

    def journal_routes(self) -> list[JSON]:
        """Journal entries for Zoom's own routes (control requests left out)."""
        return [e for e in self.journal() if e.get("route") in ROUTES]

    def issued_tokens(self) -> list[str]:
        """``GET /_fake/tokens``."""
        tokens: list[str] = self.control("GET", "/tokens")["tokens"]
        return tokens

    def deliveries(self) -> list[JSON]:
        """``GET /_fake/webhooks`` deliveries."""
        found: list[JSON] = self.control("GET", "/webhooks")["deliveries"]
        return found

    # ---- OAuth --------------------------------------------------------------------------------

    def authorize_query(
        self,
        app: App,
        *,
        state: str | None = "st-123",
        redirect_uri: str | None = REDIRECT_URI,
        code_challenge: str | None = None,
        code_challenge_method: str | None = "S256",
        response_type: str = "code",
    ) -> dict[str, str]:
        """Query parameters of an authorize URL."""
        q = {"response_type": response_type, "client_id": app.client_id}
        if redirect_uri is not None:
            q["redirect_uri"] = redirect_uri
        if state is not None:
            q["state"] = state
        if code_challenge is not None:
            q["code_challenge"] = code_challenge
            if code_challenge_method is not None:
                q["code_challenge_method"] = code_challenge_method
        return q

    def consent_page(self, query: Mapping[str, str]) -> httpx.Response:
        """GET the authorize page."""
        return self.http.get(self.oauth_url("/oauth/authorize"), params=dict(query))

    def submit_consent(
        self, page: httpx.Response, *, user: User | None, button: str
    ) -> httpx.Response:
        """Press ``button`` on the consent page after picking ``user``, as a browser would."""
        assert page.status_code == 200, page.text
        assert "text/html" in page.headers.get("content-type", ""), page.headers
        parsed = parse_page(page.text)
        forms = [f for f in parsed.forms if f.button(button) is not None]
        assert forms, f"no form with a {button!r} button on the page: {page.text[:2000]}"
        form = forms[0]
        clicked = form.button(button)
        assert clicked is not None
        if user is not None:
            assert _pick_user(form, user), f"cannot pick {user.email} on: {page.text[:2000]}"
        pairs = form_fields(form, clicked)
        action = urljoin(str(page.request.url), form.action or str(page.request.url))
        if form.method.lower() == "post":
            return self.http.post(
                action,
                content=urlencode(pairs).encode(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
        split = urlsplit(action)
        target = split._replace(query=urlencode(pairs)).geturl()
        return self.http.get(target)

    @staticmethod
    def redirect_of(response: httpx.Response, redirect_uri: str = REDIRECT_URI) -> Redirect:
        """The 302 redirect back to the app, with its query parsed."""
        assert response.status_code == 302, f"{response.status_code}: {response.text[:500]}"
        location = response.headers["location"]
        assert location.startswith(redirect_uri + "?"), location
        query = parse_qs(urlsplit(location).query, keep_blank_values=True)
        return Redirect(location, {k: v[0] for k, v in query.items()})

    def authorize(
        self,
        app: App,
        user: User,
        *,
        state: str = "st-123",
        code_challenge: str | None = None,
        code_challenge_method: str | None = "S256",
    ) -> Redirect:
        """The consent dance through HTTP up to the redirect carrying ``code`` and ``state``."""
        query = self.authorize_query(
            app,
            state=state,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
        )
        page = self.consent_page(query)
        assert page.status_code == 200, page.text
        assert user.email in page.text, f"{user.email} not offered on the consent page"
        return self.redirect_of(self.submit_consent(page, user=user, button="Authorize"))

    def token_request(
        self,
        app: App | None,
        form: Mapping[str, str] | None,
        *,
        params: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """``POST /oauth/token`` with HTTP Basic auth and a form body."""
        credentials = (
            auth
            if auth is not None
            else ((app.client_id, app.client_secret) if app is not None else None)
        )
        if credentials is None:
            return self.http.post(
                self.oauth_url("/oauth/token"),
                data=dict(form) if form is not None else None,
                params=dict(params or {}),
            )
        return self.http.post(
            self.oauth_url("/oauth/token"),
            data=dict(form) if form is not None else None,
            params=dict(params or {}),
            auth=credentials,
        )

    def exchange(
        self,
        app: App,
        code: str,
        *,
        redirect_uri: str | None = REDIRECT_URI,
        code_verifier: str | None = None,
    ) -> httpx.Response:
        """Exchange an authorization code."""
        form = {"grant_type": "authorization_code", "code": code}
        if redirect_uri is not None:
            form["redirect_uri"] = redirect_uri
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        return self.token_request(app, form)

    def refresh(self, app: App, refresh_token: str) -> httpx.Response:
        """Refresh a token pair."""
        return self.token_request(
            app, {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )

    @staticmethod
    def tokens_of(response: httpx.Response) -> Tokens:
        """Decode a successful token answer."""
        assert response.status_code == 200, f"{response.status_code}: {response.text}"
        body: JSON = response.json()
        return Tokens(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
            expires_in=body["expires_in"],
            body=body,
        )

    def connect(self, app: App, user: User, *, state: str = "st-123") -> Tokens:
        """Authorize ``app`` as ``user`` (with PKCE) and exchange the code."""
        verifier, challenge = pkce_pair()
        redirect = self.authorize(app, user, state=state, code_challenge=challenge)
        assert redirect.state == state
        return self.tokens_of(self.exchange(app, redirect.code, code_verifier=verifier))

    def s2s_token(self, app: App) -> Tokens:
        """An account_credentials token for an S2S app."""
        assert app.account_id is not None
        return self.tokens_of(
            self.token_request(
                app, {"grant_type": "account_credentials", "account_id": app.account_id}
            )
        )

    def revoke(self, app: App, token: str) -> httpx.Response:
        """``POST /oauth/revoke`` with Basic auth and form ``token=``."""
        return self.http.post(
            self.oauth_url("/oauth/revoke"),
            data={"token": token},
            auth=(app.client_id, app.client_secret),
        )

    # ---- API ----------------------------------------------------------------------------------

    def api(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        body: Any = None,
        params: Mapping[str, str | int] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Call ``/v2{path}`` with a Bearer token."""
        headers: dict[str, str] = {}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        if content is not None:
            headers["content-type"] = "application/json"
        return self.http.request(
            method,
            self.api_url("/v2" + path),
            json=body,
            content=content,
            params={k: str(v) for k, v in (params or {}).items()},
            headers=headers,
        )

    def create_meeting(self, token: str, user: str = "me", **fields: Any) -> JSON:
        """Create a meeting (201) and return its body."""
        body: JSON = {
            "topic": "Conformance",
            "type": 2,
            "start_time": "2035-06-01T10:00:00Z",
            "duration": 30,
        }
        body.update(fields)
        r = self.api("POST", f"/users/{user}/meetings", token, body=body)
        assert r.status_code == 201, f"{r.status_code}: {r.text}"
        created: JSON = r.json()
        return created

    def get_meeting(self, token: str, meeting_id: int, **params: str) -> httpx.Response:
        """``GET /v2/meetings/{id}``."""
        return self.api("GET", f"/meetings/{meeting_id}", token, params=params)

    def list_meetings(self, token: str, user: str = "me", **params: str | int) -> httpx.Response:
        """``GET /v2/users/{user}/meetings``."""
        return self.api("GET", f"/users/{user}/meetings", token, params=params)

    # ---- wire-format assertions and helpers ------------------------------------------------------

    @staticmethod
    def error(response: httpx.Response, status: int, code: int) -> JSON:
        """Assert Zoom's ``{"code", "message"}`` error body."""
        return assert_zoom_error(response, status, code)

    @staticmethod
    def oauth_error(response: httpx.Response, status: int, error: str) -> JSON:
        """Assert an OAuth ``{"reason", "error"}`` error body."""
        return assert_oauth_error(response, status, error)

    @staticmethod
    def signature(secret: str, timestamp: str, body: bytes) -> str:
        """Zoom's webhook signature."""
        return zoom_signature(secret, timestamp, body)

    @staticmethod
    def pkce() -> tuple[str, str]:
        """A (verifier, S256 challenge) pair."""
        return pkce_pair()

    @staticmethod
    def instant(value: str, now: datetime) -> datetime:
        """A Retry-After value as a time."""
        return parse_instant(value, now)

    @staticmethod
    def iso(value: str) -> datetime:
        """An ISO time."""
        return parse_iso(value)

    @staticmethod
    def page(html: str) -> PageParser:
        """Parse an HTML page."""
        return parse_page(html)

    def verify(self, delivery: Delivery) -> None:
        """Assert a webhook carries Zoom's headers and a valid signature."""
        h = delivery.headers
        assert h.get("content-type") == "application/json; charset=utf-8", h
        ts = h["x-zm-request-timestamp"]
        assert ts.isdigit(), ts
        assert len(ts) <= 10, f"timestamp must be whole seconds: {ts}"
        assert hmac.compare_digest(
            h["x-zm-signature"], zoom_signature(self.webhook_secret, ts, delivery.body)
        )


def assert_zoom_error(response: httpx.Response, status: int, code: int) -> JSON:
    """Assert Zoom's ``{"code", "message"}`` error body with the given status and code."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body: JSON = response.json()
    assert body.get("code") == code, body
    assert isinstance(body.get("message"), str), body
    assert body["message"], body
    return body


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> JSON:
    """Assert an OAuth error body ``{"reason", "error"}``."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body: JSON = response.json()
    assert body.get("error") == error, body
    assert isinstance(body.get("reason"), str), body
    return body


# --------------------------------------------------------------------------------------------
# Fixtures.
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def hooks() -> Iterator[HookReceiver]:
    """The session's webhook receiver."""
    receiver = HookReceiver()
    yield receiver
    receiver.close()


@dataclass
class CliServer:
    """A ``python -m zoomlink fake-zoom`` process."""

    process: subprocess.Popen[str]
    url: str
    stdout_rest: list[str]
    pump: threading.Thread

    def stop(self) -> None:
        """Terminate the process and release its pipe."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.pump.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _start_cli(argv: Sequence[str], log: Path) -> CliServer:
    with log.open("w") as stderr:
        process = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    lines: queue.Queue[str] = queue.Queue()
    rest: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        first = True
        for line in process.stdout:
            if first:
                lines.put(line)
                first = False
            else:
                rest.append(line)
        if first:
            lines.put("")

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        first_line = lines.get(timeout=CLI_START_TIMEOUT).strip()
    except queue.Empty:
        first_line = ""
    server = CliServer(process, first_line.rstrip("/"), rest, thread)
    if not first_line.startswith("http://127.0.0.1:"):
        server.stop()
        raise AssertionError(f"unexpected first line {first_line!r}; stderr: {log.read_text()}")
    return server


@pytest.fixture(scope="session")
def cli_server(
    hooks: HookReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliServer]:
    """One fake-zoom process for the session, seeded from a file."""
    directory = tmp_path_factory.mktemp("fake_zoom_cli")
    seed_file = directory / "seed.json"
    seed_file.write_text(json.dumps(build_seed(hooks.base)))
    server = _start_cli(
        [
            sys.executable,
            "-m",
            "zoomlink",
            "fake-zoom",
            "--port",
            "0",
            "--seed",
            str(seed_file),
            "--webhook-url",
            hooks.url("default"),
            "--webhook-secret",
            WEBHOOK_SECRET,
        ],
        directory / "stderr.log",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    """``fake-zoom --port 0`` with no seed file: the demo data of ``default_seed()``."""
    directory = tmp_path_factory.mktemp("fake_zoom_demo")
    server = _start_cli(
        [sys.executable, "-m", "zoomlink", "fake-zoom", "--port", "0"], directory / "stderr.log"
    )
    yield server
    server.stop()


@pytest.fixture
def demo_zoom(demo_cli: CliServer, hooks: HookReceiver) -> Iterator[Zoom]:
    """A handle on the demo-seeded CLI fake (its users and apps are the documented demo ones)."""
    with httpx.Client(timeout=30.0) as http:
        yield Zoom(
            "cli",
            http,
            demo_cli.url,
            demo_cli.url,
            hooks,
            {},
            users=DEMO_USERS,
            apps=DEMO_APPS,
        )


@pytest.fixture(params=["inprocess", "socket", "cli"])
def zoom(request: pytest.FixtureRequest, hooks: HookReceiver) -> Iterator[Zoom]:
    """The fake, reached in one of the three ways, freshly reset and seeded."""
    mode: Mode = request.param
    seed = build_seed(hooks.base)
    if mode == "cli":
        server: CliServer = request.getfixturevalue("cli_server")
        assert server.process.poll() is None, "the fake-zoom process died"
        with httpx.Client(timeout=30.0) as http:
            handle = Zoom(mode, http, server.url, server.url, hooks, seed)
            handle.prepare()
            yield handle
        return

    from zoomlink.testing import FakeClock, FakeZoom

    fake = FakeZoom(
        clock=FakeClock(), webhook_url=hooks.url("default"), webhook_secret=WEBHOOK_SECRET
    )
    if mode == "inprocess":
        with httpx.Client(transport=httpx.MockTransport(fake), timeout=30.0) as http:
            handle = Zoom(mode, http, "https://zoom.us", "https://api.zoom.us", hooks, seed)
            handle.prepare()
            yield handle
        return
    with fake.serve() as served, httpx.Client(timeout=30.0) as http:
        url = served.url.rstrip("/")
        assert url.startswith("http://127.0.0.1:"), url
        handle = Zoom(mode, http, url, url, hooks, seed)
        handle.prepare()
        yield handle


@pytest.fixture
def owner_tokens(zoom: Zoom) -> Tokens:
    """The Pro owner connected through the user-managed app."""
    return zoom.connect(zoom.app("user"), zoom.user("owner"))


@pytest.fixture
def s2s(zoom: Zoom) -> Tokens:
    """An S2S token for the Pro account."""
    return zoom.s2s_token(zoom.app("s2s"))
