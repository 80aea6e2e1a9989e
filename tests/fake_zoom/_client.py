"""A client of the fake that speaks only HTTP: OAuth with PKCE, the REST routes and the
control routes, with helpers to check Zoom's error shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
from tests.fake_zoom._hooks import Delivery, HookReceiver, zoom_signature
from tests.fake_zoom._pages import PageParser, form_fields, parse_page, pick_user
from tests.fake_zoom._seed import (
    APPS,
    JSON,
    REDIRECT_URI,
    ROUTES,
    USERS,
    WEBHOOK_SECRET,
    App,
    User,
    build_seed,
)

Mode = Literal["inprocess", "socket", "cli"]


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
            assert pick_user(form, user), f"cannot pick {user.email} on: {page.text[:2000]}"
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
