"""`FakeZoom`: the callable that answers Zoom requests, and the Python face of its state."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin

import attrs
import httpx

from ._clock import FakeClock
from ._consent import page_error, parse_consent_form
from ._control import handle_control
from ._delivery import DeliverySwitches
from ._dispatch import Dispatcher
from ._errors import FakeZoomError
from ._faults import Fault, dropped
from ._records import FakeApp, FakeUser, JournalEntry, WebhookCallback, WebhookDelivery
from ._routes import find_route
from ._seed import default_seed, load_seed
from ._state import ZoomState
from ._timefmt import format_utc
from ._wire import Exchange, error_response, json_response, redacted_query

if TYPE_CHECKING:
    from ._server import FakeZoomServer

T = TypeVar("T")


class FakeZoom:
    """A stateful fake of Zoom's OAuth, REST API and webhooks.

    Call it with an `httpx.Request` to get Zoom's `httpx.Response`, so that
    ``httpx.MockTransport(fake)`` serves both `httpx.Client` and `httpx.AsyncClient`; or
    `serve` it on a loopback socket. One lock guards all state: it is safe to call from many
    threads at once. See docs/fake-zoom.md.
    """

    def __init__(
        self,
        *,
        clock: FakeClock | None = None,
        seed: int | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_callback: WebhookCallback | None = None,
    ) -> None:
        self.clock = clock if clock is not None else FakeClock()
        self.latency = 0.0
        self._lock = threading.RLock()
        self._state = ZoomState(self.clock, seed)
        self._dispatch = Dispatcher(
            self._lock,
            self.clock,
            self._state,
            url=webhook_url,
            secret=webhook_secret,
            callback=webhook_callback,
        )
        self._journal: list[JournalEntry] = []
        self._faults: list[Fault] = []

    def __repr__(self) -> str:
        with self._lock:
            users, meetings = len(self._state.directory.users), len(self._state.meetings.meetings)
        return f"<FakeZoom users={users} meetings={meetings} at {format_utc(self.now())}>"

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The fake clock's time."""
        return self.clock.now()

    def advance(self, seconds: float | timedelta) -> None:
        """Move the fake clock forward, then send the webhooks that became due (retries,
        revalidations)."""
        self.clock.advance(seconds)
        with self._lock:
            jobs = self._dispatch.collect()
        self._dispatch.run(jobs)

    # -- seeding ------------------------------------------------------------------------------

    def add_account(self, account_id: str | None = None, *, plan: str = "pro") -> str:
        """Add an account (plan ``"free"``, ``"pro"`` or ``"business"``); returns its id."""
        with self._lock:
            return self._state.directory.add_account(account_id, plan, self.now()).id

    def add_user(
        self,
        email: str,
        *,
        account_id: str | None = None,
        role: str = "owner",
        user_id: str | None = None,
        first_name: str = "",
        last_name: str = "",
        timezone: str = "UTC",
        type: int = 2,
        settings: Mapping[str, Any] | None = None,
        api_url: str | None = None,
    ) -> FakeUser:
        """Add a user; without `account_id` a new Pro account is made for them.

        `api_url` is the regional API base their tokens name (e.g. ``https://api-eu.zoom.us``
        for a user served from Europe); by default the fake names its own base.
        """
        with self._lock:
            return self._state.directory.add_user(
                email,
                account_id=account_id,
                role=role,
                user_id=user_id,
                first_name=first_name,
                last_name=last_name,
                timezone=timezone,
                type=type,
                settings=settings,
                now=self.now(),
                api_url=api_url,
            )

    def add_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        kind: str = "user",
        redirect_uris: Iterable[str] = (),
        account_id: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_callback: WebhookCallback | None = None,
        events: Iterable[str] | None = None,
        scopes: Iterable[str] | None = None,
    ) -> FakeApp:
        """Register an app: ``"user"``-managed, admin-managed (``"account"``) or ``"s2s"``.

        `scopes` limits what its tokens are granted (default: every scope the fake's API needs,
        the ``:admin`` variants for admin-managed and S2S apps). With URL validation switched
        on, its endpoint is validated as Zoom does when an endpoint is saved: it gets no events
        until it answers correctly.
        """
        with self._lock:
            app = self._state.add_app(
                client_id,
                client_secret,
                kind=kind,
                redirect_uris=redirect_uris,
                account_id=account_id,
                webhook_url=webhook_url,
                webhook_secret=webhook_secret,
                webhook_callback=webhook_callback,
                events=events,
                scopes=scopes,
            )
            endpoint = self._dispatch.endpoint(app)
            validating = self._dispatch.postman.switches.url_validation and endpoint is not None
            jobs = self._dispatch.validations([endpoint]) if endpoint and validating else []
        self._dispatch.run(jobs)
        return app

    def allow_scheduling(self, assistant: str, host: str) -> None:
        """Give `assistant` Zoom's scheduling privilege for `host` (ids or e-mails, one
        account): creates with ``"schedule_for": host`` by the assistant then make the meeting
        for the host; without it Zoom refuses them (400 code 3000)."""
        with self._lock:
            self._state.directory.allow_scheduling(assistant, host)

    def seed(self, data: Mapping[str, Any]) -> None:
        """Add the accounts, users, apps and scheduling privileges of a seed mapping (see
        `default_seed`). Each is added under the lock in turn, so endpoint validations go out
        without it, as every webhook does."""
        load_seed(self, data)

    @staticmethod
    def default_seed() -> dict[str, Any]:
        """The demo data: a Pro account with owner, admin and member, a Free account, three apps."""
        return default_seed()

    def reset(self) -> None:
        """Forget everything (users, apps, tokens, meetings, faults, journal, deliveries)."""
        with self._lock:
            self._state.reset()
            self._journal.clear()
            self._dispatch.reset()
            self._faults.clear()
            self.latency = 0.0

    def user(self, user_id: str) -> FakeUser:
        """A user by id or email (KeyError if there is none)."""
        with self._lock:
            return self._state.directory.require(user_id)

    def app(self, client_id: str) -> FakeApp:
        """An app by client id (KeyError if there is none)."""
        with self._lock:
            return self._state.apps[client_id]

    # -- faults and configuration -------------------------------------------------------------

    def inject(
        self,
        route: str,
        *,
        status: int | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        retry_after: float | str | None = None,
        times: int = 1,
        delay: float = 0.0,
        drop: str | None = None,
    ) -> None:
        """Make the next `times` requests to `route` (or ``"*"``) fail, stall or drop."""
        fault = Fault.make(
            route,
            status=status,
            body=body,
            headers=headers,
            retry_after=retry_after,
            times=times,
            delay=delay,
            drop=drop,
        )
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Forget every injected fault."""
        with self._lock:
            self._faults.clear()

    def configure(
        self,
        per_second_limits: bool | None = None,
        *,
        webhook_retries: bool | None = None,
        webhook_duplicates: bool | None = None,
        webhook_reorder: bool | None = None,
        url_validation: bool | None = None,
    ) -> None:
        """Turn per-second rate limits (daily limits always apply) and webhook delivery
        behaviours on or off; ``None`` leaves a setting as it is.

        Args:
            per_second_limits: Zoom's per-second limits (on by default).
            webhook_retries: Zoom's retries of unanswered and 5xx-answered deliveries, 5, 20
                and 60 minutes apart (on by default).
            webhook_duplicates: Send every delivery again at the first retry time even though
                it succeeded, as Zoom does for an endpoint that answers too slowly.
            webhook_reorder: Deliver webhooks newest first, in pairs.
            url_validation: Validate endpoints (now, when apps are added, every 72 hours); an
                endpoint that fails gets no events. Turning it on validates every endpoint.
        """
        with self._lock:
            if per_second_limits is not None:
                self._state.limits.per_second_enabled = per_second_limits
            switches = self._dispatch.postman.switches
            for name, value in (
                ("retries", webhook_retries),
                ("duplicates", webhook_duplicates),
                ("reorder", webhook_reorder),
            ):
                if value is not None:
                    setattr(switches, name, value)
            jobs = []
            if url_validation is not None:
                newly = url_validation and not switches.url_validation
                switches.url_validation = url_validation
                if newly:
                    jobs = self._dispatch.validations(self._dispatch.endpoints())
        self._dispatch.run(jobs)

    @property
    def webhook_switches(self) -> DeliverySwitches:
        """The webhook delivery behaviours in force (a copy)."""
        with self._lock:
            return attrs.evolve(self._dispatch.postman.switches)

    def deliver_webhooks(self) -> None:
        """Send now every webhook that is due on the fake's clock (retries, revalidations)
        and any held back for reordering."""
        with self._lock:
            jobs = self._dispatch.collect(release_held=True)
        self._dispatch.run(jobs)

    def validate_endpoints(self, client_id: str | None = None) -> None:
        """Send ``endpoint.url_validation`` to every app's endpoint (or one app's) now, as
        Zoom does when the endpoint is saved or its revalidation comes round."""
        with self._lock:
            ids = None if client_id is None else [self._state.apps[client_id].client_id]
            jobs = self._dispatch.validations(self._dispatch.endpoints(ids))
        self._dispatch.run(jobs)

    # -- things that happen in Zoom -----------------------------------------------------------

    def revoke_tokens(self, user_id: str, client_id: str | None = None) -> None:
        """Every token of the user (for one app) stops working; no webhook."""
        self._act(lambda: self._state.revoke_tokens(user_id, client_id))

    def uninstall(self, user_id: str, client_id: str) -> None:
        """The user removes the app: tokens revoked, ``app_deauthorized`` delivered."""
        self._act(lambda: self._state.uninstall(user_id, client_id))

    def set_role(self, user_id: str, role: str) -> FakeUser:
        """Change a user's role; a demoted admin's admin-managed app tokens die for good."""
        return self._act(lambda: self._state.set_role(user_id, role))

    def delete_user(self, user_id: str) -> None:
        """Delete a user, their tokens and their meetings."""
        self._act(lambda: self._state.delete_user(user_id))

    def edit_meeting(self, meeting_id: int | str, **fields: Any) -> None:
        """Change a meeting as its host would in Zoom (``meeting.updated`` is delivered).

        `fields` are those of ``PATCH /v2/meetings/{id}``; ``start_time`` may be an aware datetime.
        """
        if isinstance(fields.get("start_time"), datetime):
            fields["start_time"] = format_utc(fields["start_time"])

        def edit() -> None:
            meeting = self._state.meetings.get(meeting_id)
            host = self._state.host_of(meeting)
            self._state.update_meeting(meeting, fields, None, host)

        self._act(edit)

    def delete_meeting(
        self,
        meeting_id: int | str,
        occurrence_id: str | None = None,
        *,
        and_following: bool = False,
    ) -> None:
        """Delete a meeting, one occurrence, or with `and_following` that occurrence and every
        later one (only Zoom's web portal offers that), as its host would
        (``meeting.deleted``)."""
        if and_following and occurrence_id is None:
            raise ValueError("and_following needs the occurrence_id it starts from")

        def delete() -> None:
            meeting = self._state.meetings.get(meeting_id)
            host = self._state.host_of(meeting)
            self._state.delete_meeting(meeting, occurrence_id, host, and_following=and_following)

        self._act(delete)

    def start_meeting(self, meeting_id: int | str) -> None:
        """The host starts the meeting: ``GET`` shows ``status: started`` and
        ``meeting.started`` is delivered. ValueError if it is running already."""
        self._act(lambda: self._state.start_meeting(self._state.meetings.get(meeting_id)))

    def end_meeting(self, meeting_id: int | str) -> None:
        """The host ends the running meeting (``meeting.ended``). ValueError if not running."""
        self._act(lambda: self._state.end_meeting(self._state.meetings.get(meeting_id)))

    def open_start_url(self, start_url: str) -> int:
        """Open a ``start_url`` as the host's browser would: the meeting starts
        (``meeting.started``) and its id is returned. A link more than two hours old is
        refused, as Zoom refuses it: `StartLinkError` (a ValueError) with ``reason``
        ``"expired"``, or ``"unknown"`` for a link the fake never issued."""

        def start() -> int:
            meeting_id = self._state.meetings.start_links.open(start_url, self.now())
            self._state.start_meeting(self._state.meetings.get(meeting_id), start_url)
            return meeting_id

        return self._act(start)

    # -- inspection ---------------------------------------------------------------------------

    @property
    def journal(self) -> list[JournalEntry]:
        """Every request received, in order (a copy)."""
        with self._lock:
            return list(self._journal)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every attempt to deliver a webhook, in order (a copy)."""
        with self._lock:
            return list(self._dispatch.deliveries)

    def calls(
        self, route: str | None = None, *, status: int | None = None, grant_type: str | None = None
    ) -> list[JournalEntry]:
        """The journal, filtered."""
        return [
            entry
            for entry in self.journal
            if route in (None, entry.route)
            and status in (None, entry.status)
            and grant_type in (None, entry.grant_type)
        ]

    def meetings(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Meetings (of one host, by id or email) as ``GET /v2/meetings/{id}`` shows them."""
        with self._lock:
            host_id = None if user_id is None else self._state.directory.require(user_id).id
            now = self.now()
            return [
                self._state.meetings.render(meeting, now)
                for meeting in self._state.meetings.meetings.values()
                if host_id in (None, meeting.host_id)
            ]

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token ever issued."""
        with self._lock:
            return list(self._state.oauth.issued)

    def approve(self, authorize_url: str, user_id: str) -> str:
        """Sign in as `user_id` on the consent page and Authorize; returns the redirect URL.

        Goes through the HTTP face as a browser would. ValueError if Zoom refuses.
        """
        return self._submit_consent(authorize_url, "authorize", user_id)

    def deny(self, authorize_url: str) -> str:
        """Press Cancel on the consent page; returns the ``error=access_denied`` redirect URL."""
        return self._submit_consent(authorize_url, "cancel", None)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeZoomServer:
        """Serve this fake on a socket in a background thread (a context manager)."""
        from ._server import FakeZoomServer

        return FakeZoomServer(self, host, port)

    # -- the HTTP face ------------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Zoom would."""
        try:
            request.content  # noqa: B018 - raises if the body was not read yet
        except httpx.RequestNotRead:
            request.read()
        if request.url.path.startswith("/_fake/"):
            return handle_control(self, request)
        route, params, path_known = find_route(request.method, request.url.path)
        exchange = Exchange(request, route.name if route else None, params)
        if self.latency > 0:
            time.sleep(self.latency)
        with self._lock:
            fault = next((f for f in self._faults if f.applies_to(exchange.route)), None)
            if fault is not None:
                fault.remaining -= 1
                self._faults = [f for f in self._faults if f.remaining > 0]
        if fault is not None and fault.delay > 0:
            time.sleep(fault.delay)
        if fault is not None and fault.drop == "before":
            with self._lock:
                self._record(exchange, 0)
            raise dropped(request)
        with self._lock:
            if fault is not None and fault.status is not None:
                response = fault.response(exchange.route)
            elif route is None:
                status = 405 if path_known else 404
                message = "Method Not Allowed." if path_known else "Not Found."
                response = json_response(status, {"code": status, "message": message})
            else:
                try:
                    response = route.handler(self._state, exchange)
                except FakeZoomError as error:
                    response = error_response(error)
            if request.url.path.startswith("/v2/"):
                rid = self._state.ids.hex(32, "tracking")
                response.headers["x-zm-trackingid"] = f"v=2.0;clid=us05;rid=WEB_{rid}"
            self._record(exchange, response.status_code)
            jobs = self._dispatch.collect()
        self._dispatch.run(jobs)
        if fault is not None and fault.drop == "after":
            raise dropped(request)
        return response

    # -- internals ----------------------------------------------------------------------------

    def _record(self, exchange: Exchange, status: int) -> None:
        self._journal.append(
            JournalEntry(
                at=self.now(),
                method=exchange.request.method,
                path=exchange.request.url.path,
                route=exchange.route,
                status=status,
                query=redacted_query(exchange.request),
                grant_type=exchange.grant_type,
                user_id=exchange.user_id,
                client_id=exchange.client_id,
            )
        )

    def _act(self, action: Callable[[], T]) -> T:
        """Run a state change under the lock, then deliver its webhooks."""
        with self._lock, _python_errors():
            result = action()
            jobs = self._dispatch.collect()
        self._dispatch.run(jobs)
        return result

    def _submit_consent(self, authorize_url: str, action: str, user_id: str | None) -> str:
        page = self(httpx.Request("GET", authorize_url))
        form = parse_consent_form(page.text) if page.status_code == 200 else None
        if form is None:
            raise ValueError(f"the authorize URL was refused ({page.status_code}): {page.text}")
        fields = {**form.hidden, "action": action}
        if user_id is not None:
            chosen = self.user(user_id).id
            if chosen not in form.user_ids:
                raise ValueError(f"the consent page does not offer user {user_id!r}")
            fields["user_id"] = chosen
        answer = self(httpx.Request("POST", urljoin(authorize_url, form.action), data=fields))
        if answer.status_code != 302:
            raise ValueError(page_error(answer.text) or f"consent failed ({answer.status_code})")
        return answer.headers["location"]


@contextmanager
def _python_errors() -> Iterator[None]:
    """Zoom's errors, as Python callers expect them: KeyError for 404, else ValueError."""
    try:
        yield
    except FakeZoomError as error:
        message = error.body if isinstance(error.body, str) else error.body.get("message", "")
        if error.status == 404:
            raise KeyError(message) from None
        detail = "" if isinstance(error.body, str) else str(error.body.get("errors", ""))
        raise ValueError(f"{message} {detail}".strip()) from None
