"""The fake Zoom's whole state and the rules that span its parts (moto's "models").

Nothing here knows about HTTP: handlers translate requests into these calls, and rule
violations raise `FakeZoomError`, which renders Zoom's own error body. Webhooks are queued in
`events`; the caller delivers them after releasing the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from ._clock import FakeClock
from ._directory import Account, Directory
from ._errors import (
    FakeZoomError,
    api_error,
    invalid_client,
    invalid_request,
    invalid_token,
    meeting_not_found,
    user_not_found,
    validation_error,
)
from ._events import (
    PendingEvent,
    deauthorized,
    meeting_created,
    meeting_deleted,
    meeting_session,
    meeting_updated,
)
from ._ids import IdSource
from ._limits import ROUTE_CATEGORY, RateLimits
from ._meetings_state import Meeting, MeetingStore
from ._oauth_state import Consent, Grant, OAuthState, TokenSet
from ._paging import Pager, PageRequest
from ._records import DEFAULT_EVENTS, FakeApp, FakeUser, WebhookCallback
from ._timefmt import format_utc

APP_KINDS = ("user", "account", "s2s")
KNOWN_EVENTS = DEFAULT_EVENTS | {"meeting.started", "meeting.ended"}


@attrs.frozen
class Caller:
    """Who is calling the API: the grant behind the token, its app, account and authorizer."""

    grant: Grant
    app: FakeApp
    account: Account
    user: FakeUser | None


class ZoomState:
    """Accounts, users, apps, OAuth, meetings and rate limits, with Zoom's rules."""

    def __init__(self, clock: FakeClock, seed: int | None) -> None:
        self.clock = clock
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        """Forget everything; ids start again from the seed."""
        self.ids = IdSource(self._seed)
        self.directory = Directory(self.ids)
        self.apps: dict[str, FakeApp] = {}
        self.oauth = OAuthState(self.ids)
        self.meetings = MeetingStore(self.ids, self.directory)
        self.user_pages = Pager(self.ids)
        self.limits = RateLimits()
        self.events: list[PendingEvent] = []

    def now(self) -> datetime:
        """The fake clock's time."""
        return self.clock.now()

    def take_events(self) -> list[PendingEvent]:
        """The webhooks queued so far (the queue empties)."""
        events, self.events = self.events, []
        return events

    # -- apps ---------------------------------------------------------------------------------

    def add_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        kind: str,
        redirect_uris: Iterable[str],
        account_id: str | None,
        webhook_url: str | None,
        webhook_secret: str | None,
        webhook_callback: WebhookCallback | None,
        events: Iterable[str] | None,
        scopes: Iterable[str] | None = None,
    ) -> FakeApp:
        """Register a Marketplace app (`scopes`: what its tokens get, default all)."""
        if kind not in APP_KINDS:
            raise ValueError(f"kind must be one of {APP_KINDS}, not {kind!r}")
        if client_id in self.apps:
            raise ValueError(f"an app with client_id {client_id!r} already exists")
        if kind == "s2s" and account_id is None:
            raise ValueError("a Server-to-Server app needs its account_id")
        if account_id is not None and account_id not in self.directory.accounts:
            raise KeyError(f"no account {account_id!r}; add it first")
        subscribed = frozenset(DEFAULT_EVENTS if events is None else events)
        if subscribed - KNOWN_EVENTS:
            raise ValueError(f"unknown events {sorted(subscribed - KNOWN_EVENTS)}")
        app = FakeApp(
            client_id=client_id,
            client_secret=client_secret,
            kind=kind,
            redirect_uris=tuple(redirect_uris),
            account_id=account_id,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_callback=webhook_callback,
            events=subscribed,
            scopes=None if scopes is None else _scope_list(scopes),
        )
        self.apps[client_id] = app
        return app

    def client(self, client_id: str | None, client_secret: str | None) -> FakeApp:
        """The app whose credentials these are, else 400 invalid_client."""
        app = self.apps.get(client_id or "")
        if app is None or client_secret != app.client_secret:
            raise invalid_client()
        return app

    # -- OAuth --------------------------------------------------------------------------------

    def authorize(self, consent: Consent, user_ref: str) -> str:
        """The user on the consent page clicked Authorize: returns the code.

        Refusals raise `FakeZoomError` with a plain-text message for the error page.
        """
        app = self.apps.get(consent.client_id)
        user = self.directory.find(user_ref)
        if app is None:
            raise FakeZoomError(400, "This app no longer exists.")
        if user is None:
            raise FakeZoomError(400, "Choose a user to sign in as.")
        if app.account_id is not None and user.account_id != app.account_id:
            raise FakeZoomError(403, "This app can only be authorized by users of its account.")
        if app.kind == "account" and user.role not in ("owner", "admin"):
            raise FakeZoomError(
                403,
                "This app is managed by your account administrator. "
                "Only an account owner or admin can authorize it.",
            )
        return self.oauth.issue_code(consent, user.id, self.now())

    def exchange_code(
        self, app: FakeApp, code: str | None, redirect_uri: str | None, verifier: str | None
    ) -> TokenSet:
        """``grant_type=authorization_code``."""
        if app.kind == "s2s":
            raise invalid_request("Unsupported grant type for this app")
        if not code:
            raise invalid_request("Missing code")
        now = self.now()
        record = self.oauth.redeem_code(app, code, redirect_uri, verifier, now)
        user = self.directory.users.get(record.user_id)
        if user is None or (app.kind == "account" and user.role == "member"):
            raise invalid_request("Invalid authorization code")
        grant = self.oauth.new_grant(app, user.account_id, user.id)
        return self.oauth.issue(grant, now, with_refresh=True)

    def account_credentials(self, app: FakeApp, account_id: str | None) -> TokenSet:
        """``grant_type=account_credentials`` (Server-to-Server apps)."""
        if app.kind != "s2s":
            raise invalid_request("Unsupported grant type for this app")
        if not account_id:
            raise invalid_request("Missing account_id")
        if account_id != app.account_id:
            raise invalid_request("Invalid account_id")
        grant = self.oauth.s2s_grant(app, account_id)
        return self.oauth.issue(grant, self.now(), with_refresh=False)

    def revoke(self, app: FakeApp, access_token: str) -> None:
        """``POST /oauth/revoke``: the grant dies and the app is uninstalled for its user."""
        grant = self.oauth.revocable(app, access_token, self.now())
        if grant.kind == "s2s" or grant.user_id is None:
            self.oauth.kill_token(access_token)
            return
        self.oauth.revoke_grant(grant)
        self._deauthorized(app, grant.account_id, grant.user_id)

    # -- the API's view of a token ------------------------------------------------------------

    def caller(self, access_token: str) -> Caller:
        """Who the access token speaks for, else 401 code 124."""
        grant = self.oauth.authenticate(access_token, self.now())
        app = self.apps.get(grant.client_id)
        account = self.directory.accounts.get(grant.account_id)
        user = self.directory.users.get(grant.user_id) if grant.user_id else None
        if app is None or account is None or (grant.user_id is not None and user is None):
            raise invalid_token()
        return Caller(grant=grant, app=app, account=account, user=user)

    def admit(self, caller: Caller, route: str) -> dict[str, str]:
        """Count the request against the account's rate limits (429 when over)."""
        return self.limits.admit(
            caller.account.id, caller.account.plan, ROUTE_CATEGORY[route], self.now()
        )

    def admit_host_write(self, host: FakeUser, route: str) -> None:
        """Count a meeting create/update against the host's 100 a day (429 when over)."""
        self.limits.admit_host_write(host.id, ROUTE_CATEGORY[route], self.now())

    def acting_user(self, caller: Caller, ref: str) -> FakeUser:
        """The user a ``/v2/users/{ref}`` path names, as this caller may see them.

        User-managed apps may only say ``me`` (anything else: 401 code 124). Admin-managed and
        Server-to-Server apps may name any user of their account by id or email (others: 404
        code 1001); ``me`` is the authorizer for admin apps, and the account's owner for S2S
        apps (the fake's stand-in for the user who created the app).
        """
        if caller.app.kind == "user":
            if ref != "me" or caller.user is None:
                raise invalid_token()
            return caller.user
        if ref == "me":
            me = caller.user or self.directory.owner_of(caller.account.id)
            if me is None:
                raise user_not_found(ref)
            return me
        user = self.directory.find(ref)
        if user is None or user.account_id != caller.account.id:
            raise user_not_found(ref)
        return user

    def users_page(self, caller: Caller, status: str, request: PageRequest) -> dict[str, Any]:
        """One page of ``GET /users``: the caller's account's users with this status.

        Every fake user is ``active``; ``inactive`` and ``pending`` lists are empty.
        """
        account_id = caller.account.id
        users = sorted(
            (u for u in self.directory.users.values() if u.account_id == account_id),
            key=lambda u: (u.created_at, u.id),
        )
        matching = users if status == "active" else []
        page, fields = self.user_pages.page((account_id, status), matching, request, self.now())
        return {**fields, "users": [self.directory.list_json(u) for u in page]}

    def visible_meeting(self, caller: Caller, meeting_id: str) -> Meeting:
        """The meeting, if the caller may touch it (else 404 code 3001)."""
        meeting = self.meetings.get(meeting_id)
        if caller.app.kind == "user":
            # An assistant with the scheduling privilege manages the host's meetings too.
            host = self.directory.users.get(meeting.host_id)
            allowed = (
                caller.user is not None
                and host is not None
                and self.directory.may_schedule_for(caller.user, host)
            )
        else:
            allowed = meeting.account_id == caller.account.id
        if not allowed:
            raise meeting_not_found(meeting_id)
        return meeting

    def operator(self, caller: Caller | None, host: FakeUser) -> FakeUser:
        """Who webhooks name as having acted: the authorizer, else the host."""
        return caller.user if caller is not None and caller.user is not None else host

    # -- meetings -----------------------------------------------------------------------------

    def host_of(self, meeting: Meeting) -> FakeUser:
        """The meeting's host."""
        return self.directory.users[meeting.host_id]

    def scheduled_for(self, scheduler: FakeUser, body: Mapping[str, Any]) -> FakeUser:
        """Whom a create body makes the meeting for: ``schedule_for`` (an id or e-mail) when
        `scheduler` holds the scheduling privilege for that user, else 400 code 3000 "You
        cannot schedule a meeting for {userId}." (the Meetings OpenAPI's 400 list; the message
        as devforum.zoom.us/t/error-updating-meeting-host-with-server-to-server-oauth-account-
        level-app/129457 quotes it). Without ``schedule_for``, `scheduler` hosts it."""
        ref = body.get("schedule_for")
        if ref is None or ref == "":
            return scheduler
        if not isinstance(ref, str):
            raise validation_error([("schedule_for", "Invalid field.")])
        host = self.directory.find(ref)
        if host is None or not self.directory.may_schedule_for(scheduler, host):
            raise api_error(400, 3000, f"You cannot schedule a meeting for {ref}.")
        if host.id != scheduler.id and body.get("type") == 1:
            raise api_error(400, 3000, "Instant meetings do not support schedule_for.")
        return host

    def create_meeting(
        self, host: FakeUser, body: Mapping[str, Any], operator: FakeUser
    ) -> dict[str, Any]:
        """Create a meeting; returns it as the API shows it and queues ``meeting.created``.

        `host` is the user the path names; with ``schedule_for`` the meeting is made for
        that user instead and shows the path's user as its ``assistant_id``.
        """
        scheduler, host = host, self.scheduled_for(host, body)
        if host.type == 4:
            raise api_error(
                400,
                3161,
                "Your user account is not allowed meeting hosting and scheduling capabilities.",
            )
        now = self.now()
        meeting = self.meetings.create(host, self.directory.settings[host.id], body, now)
        if scheduler.id != host.id:
            meeting.assistant_id = scheduler.id
        shown = self.meetings.render(meeting, now)
        event = meeting_created(shown, host.account_id, _who(operator), now)
        self._notify("meeting.created", host, event)
        return shown

    def update_meeting(
        self,
        meeting: Meeting,
        body: Mapping[str, Any],
        occurrence_id: str | None,
        operator: FakeUser,
    ) -> None:
        """Change a meeting (or one occurrence); queues ``meeting.updated`` if anything changed."""
        host = self.host_of(meeting)
        now = self.now()
        new, old = self.meetings.update(
            meeting, body, occurrence_id, self.directory.settings[host.id], now
        )
        if len(new) > 1:
            recurring = meeting.type in (3, 8)
            event = meeting_updated(
                new, old, host.account_id, _who(operator), now, recurring=recurring
            )
            self._notify("meeting.updated", host, event)

    def delete_meeting(
        self,
        meeting: Meeting,
        occurrence_id: str | None,
        operator: FakeUser,
        *,
        and_following: bool = False,
    ) -> None:
        """Delete a meeting, one occurrence, or (Zoom's web portal only) an occurrence and
        every later one; queues ``meeting.deleted``."""
        host = self.host_of(meeting)
        now = self.now()
        shown = self.meetings.render(meeting, now)
        listed: list[dict[str, Any]] = []
        operation = "all"
        if occurrence_id is not None:
            found = self.meetings.occurrence(meeting, occurrence_id)
            listed = [
                {"occurrence_id": found.occurrence_id, "start_time": format_utc(found.start_time)}
            ]
            operation = "this_and_following" if and_following else "single"
            doomed = [found]
            if and_following:
                doomed = [o for o in meeting.live_occurrences() if o.start_time >= found.start_time]
            for occurrence in doomed:
                self.meetings.delete(meeting, occurrence.occurrence_id)
        else:
            self.meetings.delete(meeting, None)
        event = meeting_deleted(shown, listed, operation, host.account_id, _who(operator), now)
        self._notify("meeting.deleted", host, event)

    def start_meeting(self, meeting: Meeting, url: str | None = None) -> None:
        """The host starts the meeting (through a start link, which must still be good);
        queues ``meeting.started``."""
        if url is not None and self.meetings.start_links.open(url, self.now()) != meeting.id:
            raise ValueError("that start link is for another meeting")
        if meeting.status == "started":
            raise ValueError(f"meeting {meeting.id} has started already")
        meeting.status = "started"
        meeting.started_at = now = self.now()
        host = self.host_of(meeting)
        shown = self.meetings.render(meeting, now)
        event = meeting_session("meeting.started", shown, host.account_id, now, now)
        self._notify("meeting.started", host, event)

    def end_meeting(self, meeting: Meeting) -> None:
        """The host ends the meeting; queues ``meeting.ended``."""
        if meeting.status != "started" or meeting.started_at is None:
            raise ValueError(f"meeting {meeting.id} has not started")
        meeting.status = "waiting"
        host = self.host_of(meeting)
        now = self.now()
        shown = self.meetings.render(meeting, now)
        event = meeting_session("meeting.ended", shown, host.account_id, meeting.started_at, now)
        meeting.started_at = None
        self._notify("meeting.ended", host, event)

    # -- things that happen in Zoom -----------------------------------------------------------

    def revoke_tokens(self, user_ref: str, client_id: str | None) -> None:
        """Every grant the user authorized (for one app) dies; no webhook."""
        user = self.directory.require(user_ref)
        for grant in self.oauth.live_grants():
            if grant.user_id == user.id and client_id in (None, grant.client_id):
                self.oauth.revoke_grant(grant)

    def uninstall(self, user_ref: str, client_id: str) -> None:
        """The user removes the app in the Marketplace: tokens die, ``app_deauthorized`` goes."""
        user = self.directory.require(user_ref)
        app = self.apps.get(client_id)
        if app is None:
            raise KeyError(f"no app {client_id!r}")
        if app.kind == "s2s":
            raise ValueError("Server-to-Server apps are not installed by users")
        revoked = False
        for grant in self.oauth.live_grants():
            mine = (
                grant.user_id == user.id
                if app.kind == "user"
                else grant.account_id == user.account_id
            )
            if grant.client_id == client_id and mine:
                self.oauth.revoke_grant(grant)
                revoked = True
        if revoked:
            self._deauthorized(app, user.account_id, user.id)

    def set_role(self, user_ref: str, role: str) -> FakeUser:
        """Change a user's role; a demoted authorizer's admin-app grants die for good."""
        before, after = self.directory.set_role(user_ref, role)
        if after.role == "member" and before.role != "member":
            for grant in self.oauth.live_grants():
                if grant.kind == "account" and grant.user_id == after.id:
                    self.oauth.revoke_grant(grant)
        return after

    def delete_user(self, user_ref: str) -> None:
        """Remove a user with their grants and meetings; no webhook."""
        user = self.directory.require(user_ref)
        for grant in self.oauth.live_grants():
            if grant.user_id == user.id:
                self.oauth.revoke_grant(grant)
        self.meetings.delete_hosted_by(user.id)
        self.directory.delete_user(user.id)

    # -- webhooks -----------------------------------------------------------------------------

    def subscribers(self, event: str, host: FakeUser) -> list[FakeApp]:
        """Apps subscribed to `event` and currently authorized for the host.

        That is: a user-managed app with a live grant from the host, or an admin-managed or
        Server-to-Server app with a live grant on the host's account (an S2S app has one once
        it has fetched a token).
        """
        grants = self.oauth.live_grants()
        found = []
        for app in self.apps.values():
            if event not in app.events:
                continue
            if app.kind == "user":
                authorized = any(
                    g.client_id == app.client_id and g.user_id == host.id for g in grants
                )
            else:
                authorized = any(
                    g.client_id == app.client_id and g.account_id == host.account_id for g in grants
                )
            if authorized:
                found.append(app)
        return found

    def _notify(self, event: str, host: FakeUser, body: dict[str, Any]) -> None:
        for app in self.subscribers(event, host):
            self.events.append(PendingEvent(app=app, event=event, body=body))

    def _deauthorized(self, app: FakeApp, account_id: str, user_id: str) -> None:
        if "app_deauthorized" in app.events:
            signature = self.ids.hex(64, "signature")
            body = deauthorized(app, account_id, user_id, signature, self.now())
            self.events.append(PendingEvent(app=app, event="app_deauthorized", body=body))


def _scope_list(scopes: Iterable[object]) -> tuple[str, ...]:
    names = () if isinstance(scopes, str) else tuple(scopes)
    if not names and not isinstance(scopes, (list, tuple)):
        raise ValueError("scopes must be a list of scope names")
    if not all(isinstance(name, str) and name for name in names):
        raise ValueError("scopes must be a list of scope names")
    return tuple(str(name) for name in names)


def _who(user: FakeUser) -> tuple[str, str]:
    return user.email, user.id
