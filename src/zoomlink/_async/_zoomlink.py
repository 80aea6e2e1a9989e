"""AsyncZoomLink: what a host application holds to talk to Zoom."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import TypeVar

import attrs
import httpx

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._availability import AsyncAvailability
from zoomlink._async._bookings import AsyncBookings
from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._ending import AsyncEnding
from zoomlink._async._http import new_client
from zoomlink._async._notices import AsyncNotices
from zoomlink._async._notify import AsyncLoggingNotificationSink
from zoomlink._async._outbox import AsyncOutbox
from zoomlink._async._pacer import AsyncPacer
from zoomlink._async._purge import AsyncPurger
from zoomlink._async._scheduling import AsyncScheduling
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._async._zoom_events import AsyncZoomEvents
from zoomlink._core import _connect, _grants, _limits, _links
from zoomlink._core._arguments import check_arguments, check_settings
from zoomlink.clocks import SystemClock
from zoomlink.errors import (
    AuthorizationCodeError,
    ConfigurationError,
    DuplicateRecordError,
    InvalidStateError,
    NeedsReconnectError,
    StaleRecordError,
    ZoomAPIError,
    ZoomNotFoundError,
    ZoomOAuthError,
    ZoomRoleError,
)
from zoomlink.keyring import Keyring
from zoomlink.models import (
    DEFAULT_TENANT,
    Actor,
    AppKind,
    ConnectAttempt,
    ConnectedUser,
    Connection,
    ConnectionKind,
    DisconnectPolicy,
    Endpoints,
    Grant,
    Link,
    LinkPolicy,
    Member,
    ResolvedHost,
    RetryPolicy,
    ZoomApp,
    ZoomPlan,
    ZoomUser,
)
from zoomlink.protocols import (
    AsyncCalendarBackend,
    AsyncNotificationSink,
    AsyncTokenStore,
    Clock,
)
from zoomlink.purge import PurgeReason
from zoomlink.stores._async._memory import AsyncMemoryTokenStore

T = TypeVar("T")

logger = logging.getLogger("zoomlink")

_LINK_POLICIES = ("exclusive", "shared")
_DISCONNECT_POLICIES = ("organization_admins", "zoom_admin")


class AsyncZoomLink(AsyncScheduling, AsyncEnding):
    """zoomlink for asyncio hosts (FastAPI, Starlette, aiohttp …). The sync twin serves the
    others with the same methods.

    Create one per process and keep it: it holds one long-lived httpx client, so connections
    to Zoom are reused, and it makes concurrent callers share each token refresh. Close it with
    ``aclose()`` or use it as an async context manager.

    Args:
        apps: The Zoom apps to connect with: a user-managed app for personal connections, an
            admin-managed (``kind="account"``) app for organisation connections, and/or a
            Server-to-Server app. At most one of each kind.
        store: Where connections and their sealed tokens live; a memory store if omitted.
        keyring: The keys that seal tokens; required with a store (an ephemeral key serves the
            default memory store).
        notifications: Where "Action required" notices go; the ``zoomlink.notify`` logger if
            omitted.
        link_policy: ``exclusive`` (a Zoom user links to one app user per tenant) or
            ``shared`` (to several).
        disconnect_policy: Who may disconnect an organisation connection:
            ``organization_admins`` or ``zoom_admin`` (only who connected it).
        reconnect_url: The host's page for reconnecting Zoom, sent in notices and errors; may
            use ``{connection_id}``, ``{tenant}``, ``{user_id}`` and ``{kind}``.
        endpoints: Zoom's OAuth and API base URLs (the real ones by default).
        http_client: An httpx client to send through; zoomlink creates and owns one if omitted.
        clock: Where the time comes from.
        timeout: Seconds before a request to Zoom times out, for the client zoomlink creates.
        refresh_margin: Refresh an access token this long before it expires.
        lock_timeout: Seconds to wait for a store lock (a refresh, a booking) before giving up.
        calendar: Where bookings' calendar events go (the host's, and app-user clients');
            none are written if omitted.
        zoom_plan: The Zoom accounts' plan (``free``, ``pro``, ``business``), which sets the
            per-second limits requests are paced to; ``None`` turns pacing off.
        retry: How calls that failed for a passing reason are retried.
        busy_ttl: How long a host's Zoom meetings, once listed, serve conflict checks and
            free slots before they are listed again. zoomlink's own changes and the webhook
            handler keep the view fresh in between.
        follow_api_url: Send each connection's API calls to the regional base URL Zoom named
            when it issued the tokens (``api_url``, e.g. ``https://api-eu.zoom.us``). Off by
            default: Zoom says the global ``https://api.zoom.us`` serves every region.

    Every public method checks its arguments before anything is stored or sent: a wrong
    type, a naive datetime, or text that is blank, over 200 characters or unstorable (a NUL,
    a lone surrogate) raises :class:`~zoomlink.InvalidInputError` naming the argument.

    Raises:
        ConfigurationError: For no app, two apps of one kind, a store without a keyring, an
            unknown policy, or a setting of the wrong type.
    """

    def __init__(
        self,
        *apps: ZoomApp,
        store: AsyncTokenStore | None = None,
        keyring: Keyring | None = None,
        notifications: AsyncNotificationSink | None = None,
        link_policy: LinkPolicy = "exclusive",
        disconnect_policy: DisconnectPolicy = "organization_admins",
        reconnect_url: str | None = None,
        endpoints: Endpoints | None = None,
        http_client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        timeout: float = 10.0,
        refresh_margin: timedelta = _grants.REFRESH_MARGIN,
        lock_timeout: float = 30.0,
        calendar: AsyncCalendarBackend | None = None,
        zoom_plan: ZoomPlan | None = "pro",
        retry: RetryPolicy | None = None,
        busy_ttl: timedelta = timedelta(seconds=60),
        follow_api_url: bool = False,
    ) -> None:
        if not apps:
            raise ConfigurationError("AsyncZoomLink needs at least one ZoomApp")
        check_settings(
            apps,
            keyring=keyring,
            seconds={"timeout": timeout, "lock_timeout": lock_timeout},
            spans={"busy_ttl": busy_ttl, "refresh_margin": refresh_margin},
        )
        kinds = [app.kind for app in apps]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise ConfigurationError(f"AsyncZoomLink was given two {kind!r} apps; pass one")
        if link_policy not in _LINK_POLICIES:
            raise ConfigurationError(
                f"link_policy must be exclusive or shared, not {link_policy!r}"
            )
        if disconnect_policy not in _DISCONNECT_POLICIES:
            raise ConfigurationError(
                "disconnect_policy must be organization_admins or zoom_admin, "
                f"not {disconnect_policy!r}"
            )
        if zoom_plan is not None and zoom_plan not in ("free", "pro", "business"):
            raise ConfigurationError(
                f"zoom_plan must be free, pro, business or None, not {zoom_plan!r}"
            )
        if store is not None and keyring is None:
            raise ConfigurationError(
                "a token store needs a keyring to seal tokens with: pass "
                "keyring=Keyring.from_env() (see Keyring.generate_key())"
            )
        self._owns_client = http_client is None
        self._client = http_client or new_client(timeout)
        self.clock: Clock = clock or SystemClock()
        self.apis: dict[str, AsyncZoomAPI] = {
            app.client_id: AsyncZoomAPI(
                app, endpoints=endpoints, http_client=self._client, clock=self.clock
            )
            for app in apps
        }
        """The low-level API of each app, by client ID, sharing one HTTP client."""
        self.api = self.apis[apps[0].client_id]
        """The low-level API of the first app."""
        self.store: AsyncTokenStore = store or AsyncMemoryTokenStore()
        self.keyring = keyring or Keyring.ephemeral()
        self.notifications: AsyncNotificationSink = notifications or AsyncLoggingNotificationSink()
        self.link_policy: LinkPolicy = link_policy
        self.disconnect_policy: DisconnectPolicy = disconnect_policy
        self.reconnect_url = reconnect_url
        self.lock_timeout = lock_timeout
        notices = AsyncNotices(store=self.store, sink=self.notifications, clock=self.clock)
        self._tokens = AsyncTokenKeeper(
            apis=self.apis,
            store=self.store,
            keyring=self.keyring,
            notices=notices,
            clock=self.clock,
            refresh_margin=refresh_margin,
            lock_timeout=lock_timeout,
            reconnect_url=reconnect_url,
            follow_api_url=follow_api_url,
        )
        if busy_ttl < timedelta(0):
            raise ConfigurationError(f"busy_ttl must be a timedelta of 0 or more, not {busy_ttl!r}")
        self.calendar = calendar
        retry_policy = retry or RetryPolicy()
        calls = AsyncZoomCalls(
            tokens=self._tokens,
            pacer=AsyncPacer(
                zoom_plan, self.store, max_wait=retry_policy.max_wait, clock=self.clock
            ),
            retry=retry_policy,
            clock=self.clock,
        )
        self._availability = AsyncAvailability(
            store=self.store,
            calls=calls,
            resolve_user=self._resolve_user,
            link_for=self._link_by_id,
            calendar=calendar,
            clock=self.clock,
            ttl=busy_ttl,
            lock_timeout=lock_timeout,
        )
        self._bookings = AsyncBookings(
            store=self.store,
            tokens=self._tokens,
            calls=calls,
            availability=self._availability,
            resolve_user=self._resolve_user,
            notifications=self.notifications,
            calendar=calendar,
            clock=self.clock,
            retry_policy=retry_policy,
            lock_timeout=lock_timeout,
        )
        self._outbox = AsyncOutbox(
            store=self.store,
            bookings=self._bookings,
            notices=notices,
            clock=self.clock,
        )
        self._purger = AsyncPurger(
            store=self.store,
            calendar=calendar,
            availability=self._availability,
            hold_booking=self._bookings.hold,
            clock=self.clock,
        )
        self._events = AsyncZoomEvents(
            store=self.store,
            purger=self._purger,
            availability=self._availability,
            hold_booking=self._bookings.hold,
            notices=notices,
            clock=self.clock,
            lock_timeout=lock_timeout,
            reconnect_url=reconnect_url,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_ids={list(self.apis)!r}, store={self.store!r})"

    async def __aenter__(self) -> AsyncZoomLink:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the HTTP client zoomlink created (the store is the caller's to close)."""
        if self._owns_client:
            await self._client.aclose()

    def _app(self, kind: AppKind) -> AsyncZoomAPI:
        for api in self.apis.values():
            if api.app.kind == kind:
                return api
        wanted = {"user": "user-managed", "account": "admin-managed", "s2s": "Server-to-Server"}
        raise ConfigurationError(f"this needs a {wanted[kind]} ZoomApp (kind={kind!r})")

    # -- connecting ---------------------------------------------------------------------------

    async def personal_connect_url(self, user_id: str, *, tenant: str = DEFAULT_TENANT) -> str:
        """The Zoom consent URL that connects ``user_id``'s own Zoom account.

        Send the user's browser there. The link works once, for 10 minutes, and only for this
        user; Zoom sends the browser back to the app's redirect URL, whose query goes to
        :meth:`complete_connect`.
        """
        return await self._start("personal", tenant, user_id, self._app("user"))

    async def organization_connect_url(self, actor: Actor, *, tenant: str = DEFAULT_TENANT) -> str:
        """The Zoom consent URL that connects the organisation's Zoom account (admin-managed).

        Only the organisation's owners and admins may start it; the link may be handed to
        whoever holds the Zoom admin account to complete.

        Raises:
            PermissionDeniedError: ``actor`` is a plain member; nothing is stored.
        """
        _links.check_org_starter(actor, tenant)
        return await self._start("organization", tenant, actor.user_id, self._app("account"))

    async def _start(
        self, kind: ConnectionKind, tenant: str, user_id: str, api: AsyncZoomAPI
    ) -> str:
        attempt, pkce = _connect.new_attempt(
            kind=kind,
            tenant=tenant,
            user_id=user_id,
            app=api.app,
            keyring=self.keyring,
            now=self.clock.now(),
        )
        await self.store.add_attempt(attempt)
        state = _connect.encode_state(self.keyring, attempt)
        return api.authorization_url(state=state, code_challenge=pkce.challenge)

    async def complete_connect(
        self, callback: str | Mapping[str, str], *, user_id: str | None = None
    ) -> Connection:
        """Finish a connect from Zoom's redirect: check the state, exchange the code, read who
        connected, and store the connection.

        Args:
            callback: The URL the browser came back to, its query string, or its parameters.
            user_id: The app user whose browser this is, when known: a personal connect
                started by someone else is refused; an organisation connect records who
                completed it.

        Raises:
            InvalidStateError: The state is missing, forged, expired, reused or another user's.
            AuthorizationDeniedError: The Zoom user declined.
            RedirectMismatchError: The callback URL is not the app's redirect URL.
            AuthorizationCodeError: Zoom refused the code (used already, expired …).
            ZoomRoleError: An organisation connect by a Zoom user who is not an admin.
            OwnershipConflictError: The Zoom user is linked to another app user (exclusive
                policy).
        """
        url, params = _connect.parse_callback(callback)
        attempt = await self._take_attempt(params)
        denied = _connect.denial(params, attempt.user_id if attempt else None)
        if denied is not None:
            raise denied
        if attempt is None:
            raise InvalidStateError("the callback carries no state", reason="missing")
        if attempt.kind == "personal" and user_id is not None and user_id != attempt.user_id:
            raise InvalidStateError(
                "this connect link was started by another app user", reason="other_user"
            )
        api = self.apis.get(attempt.client_id)
        if api is None:
            raise ConfigurationError(
                f"the connect was started with Zoom app {attempt.client_id}, which this "
                "ZoomLink was not given"
            )
        _connect.check_redirect(url, api.app.redirect_uri)
        code = _connect.authorization_code(params)
        try:
            tokens = await api.exchange_code(
                code, code_verifier=_connect.open_verifier(self.keyring, attempt)
            )
        except ZoomOAuthError as exc:
            raise AuthorizationCodeError(
                f"Zoom refused the authorization code ({exc.error}: {exc.reason or exc.message})"
                "; start connecting again",
                error=exc.error,
                reason=exc.reason,
            ) from exc
        user = await api.get_user(tokens.access_token)
        if attempt.kind == "organization":
            try:
                _links.check_org_completer(user)
            except ZoomRoleError:
                await self._revoke_quietly(api, tokens.access_token)
                raise
        grant = _grants.new_grant(api.app, user, tokens, self.keyring, self.clock.now())
        link = await self._link(
            attempt.tenant, attempt.kind, attempt.user_id, grant, completed_by=user_id
        )
        logger.info("Zoom %s connection %s made in %s", attempt.kind, link.id, attempt.tenant)
        return _links.describe(link, await self.store.get_grant(link.grant_id))

    async def _take_attempt(self, params: Mapping[str, str]) -> ConnectAttempt | None:
        state = params.get("state", "")
        if not state and params.get("error"):
            return None
        attempt_id = _connect.decode_state(self.keyring, state, self.clock.now())
        attempt = await self.store.take_attempt(attempt_id)
        if attempt is None:
            raise InvalidStateError(
                "this connect link was used already (or is unknown); start connecting again",
                reason="reused",
            )
        if self.clock.now() >= attempt.expires_at:
            raise InvalidStateError(
                "the connect link has expired; start connecting again", reason="expired"
            )
        return attempt

    async def connect_server_to_server(
        self, actor: Actor, *, tenant: str = DEFAULT_TENANT
    ) -> Connection:
        """Connect the organisation through the Server-to-Server app (no browser involved).

        Raises:
            PermissionDeniedError: ``actor`` is a plain member.
            ConfigurationError: No Server-to-Server app was given.
        """
        _links.check_org_starter(actor, tenant)
        api = self._app("s2s")
        tokens = await api.account_token()
        grant = _grants.new_grant(api.app, None, tokens, self.keyring, self.clock.now())
        link = await self._link(
            tenant, "organization", actor.user_id, grant, completed_by=actor.user_id
        )
        return _links.describe(link, await self.store.get_grant(link.grant_id))

    async def _link(
        self,
        tenant: str,
        kind: ConnectionKind,
        user_id: str,
        grant: Grant,
        *,
        completed_by: str | None,
    ) -> Link:
        """Store the grant's new tokens, then link it for ``user_id`` (personal) or the tenant
        (organisation) under the tenant's link lock."""
        async with self.store.lock(f"links:{tenant}", timeout=self.lock_timeout):
            await self._finish_purges(tenant, kind, user_id)
            # Zoom ended the Zoom user's earlier grant when it issued this one, so the new
            # tokens are stored even if the link is refused: other links to it keep working.
            await self._store_grant(grant)
            if kind == "personal":
                _links.check_personal_link(
                    self.link_policy,
                    tenant,
                    user_id,
                    grant.zoom_user_id,
                    await self.store.find_links(grant_id=grant.id),
                )
                mine = await self.store.find_links(tenant=tenant, kind="personal", owner_id=user_id)
            else:
                mine = await self.store.find_links(tenant=tenant, kind="organization")
            now = self.clock.now()
            if mine:
                link = attrs.evolve(
                    mine[-1],
                    grant_id=grant.id,
                    connected_by=user_id,
                    completed_by=completed_by,
                    created_at=now,
                    disconnected_at=None,
                    purge="none",
                    uninstalled_at=None,
                    incident_id=None,
                )
            else:
                link = Link(
                    id=secrets.token_urlsafe(12),
                    tenant=tenant,
                    kind=kind,
                    owner_id=user_id if kind == "personal" else None,
                    grant_id=grant.id,
                    connected_by=user_id,
                    completed_by=completed_by,
                    created_at=now,
                )
            await self.store.put_link(link)
            for stale in mine[:-1]:
                await self.store.remove_link(stale.id)
            for old in {item.grant_id for item in mine} - {grant.id}:
                await self._drop_unused_grant(old, revoke=True)
        return link

    async def _finish_purges(self, tenant: str, kind: ConnectionKind, user_id: str) -> None:
        """Finish a purge that failed midway before the same connection is made again, so
        the new one never revives the old one's Zoom values."""
        owner = user_id if kind == "personal" else None
        for link in await self.store.find_links(tenant=tenant, kind=kind, owner_id=owner):
            if link.purge == "pending":
                reason: PurgeReason = "uninstalled" if _links.uninstalled(link) else "disconnected"
                await self._purger.purge(link, reason)

    async def _store_grant(self, grant: Grant) -> None:
        async with self.store.lock(f"grant:{grant.id}", timeout=self.lock_timeout):
            for _ in range(5):
                current = await self.store.get_grant(grant.id)
                try:
                    if current is None:
                        await self.store.add_grant(grant)
                    else:
                        await self.store.update_grant(
                            _grants.reauthorised(current, grant), expected_version=current.version
                        )
                    return
                except (DuplicateRecordError, StaleRecordError):
                    continue
            raise StaleRecordError(f"grant {grant.id} kept changing", record_id=grant.id)

    async def _drop_unused_grant(self, grant_id: str, *, revoke: bool) -> None:
        """Forget a grant no live link uses any more, revoking it at Zoom first if asked."""
        if _links.live(await self.store.find_links(grant_id=grant_id)):
            return
        grant = await self.store.get_grant(grant_id)
        if grant is None:
            return
        if revoke and grant.status == "active" and grant.app_kind != "s2s":
            api = self.apis.get(grant.client_id)
            token = _grants.access_token(self.keyring, grant)
            if api is not None and token is not None:
                await self._revoke_quietly(api, token)
        await self.store.remove_grant(grant_id)

    async def _revoke_quietly(self, api: AsyncZoomAPI, token: str) -> None:
        try:
            await api.revoke(token)
        except ZoomAPIError as exc:
            # Already revoked or expired at Zoom: the grant is gone there either way.
            logger.info("Zoom did not revoke a token (%s); it is dead already", exc.status)

    # -- releasing and disconnecting ---------------------------------------------------------------

    async def release_link(self, zoom_user_id: str, *, tenant: str = DEFAULT_TENANT) -> int:
        """Forget every personal link of ``zoom_user_id`` in ``tenant`` (for example after the
        app user who owned it was deleted), so it can be linked again. Zoom is not called.

        Returns:
            How many links were released.
        """
        released = 0
        async with self.store.lock(f"links:{tenant}", timeout=self.lock_timeout):
            for link in await self.store.find_links(tenant=tenant, kind="personal"):
                grant = await self.store.get_grant(link.grant_id)
                if grant is not None and grant.zoom_user_id == zoom_user_id:
                    await self.store.remove_link(link.id)
                    await self._drop_unused_grant(link.grant_id, revoke=False)
                    released += 1
        return released

    # -- looking up -------------------------------------------------------------------------

    async def connection(self, connection_id: str) -> Connection:
        """One connection.

        Raises:
            NotConnectedError: No such connection.
        """
        link = await self._link_by_id(connection_id)
        return _links.describe(link, await self.store.get_grant(link.grant_id))

    async def connections(
        self, *, tenant: str = DEFAULT_TENANT, user_id: str | None = None
    ) -> list[Connection]:
        """The tenant's connections (or one app user's), disconnected ones included."""
        links = await self.store.find_links(tenant=tenant, owner_id=user_id)
        return [_links.describe(link, await self.store.get_grant(link.grant_id)) for link in links]

    async def _pair(
        self, tenant: str, kind: ConnectionKind, owner_id: str | None
    ) -> tuple[Link, Grant | None] | None:
        links = await self.store.find_links(tenant=tenant, kind=kind, owner_id=owner_id)
        live = _links.live(links)
        chosen = live[-1] if live else (links[-1] if links else None)
        if chosen is None:
            return None
        return chosen, await self.store.get_grant(chosen.grant_id)

    async def resolve_host(
        self, user_id: str, *, tenant: str = DEFAULT_TENANT, email: str | None = None
    ) -> ResolvedHost:
        """Which connection hosts ``user_id``'s meetings: their personal one, else the
        organisation's (scheduling for ``email``). A broken one is never skipped silently.

        Raises:
            NeedsReconnectError: The connection that serves them needs reconnecting.
            NotConnectedError: None serves them.
        """
        personal = await self._pair(tenant, "personal", user_id)
        organization = await self._pair(tenant, "organization", None)
        return _links.resolve_host(
            tenant, user_id, email, personal, organization, self.reconnect_url
        )

    async def connected_users(
        self,
        members: Iterable[Member],
        *,
        tenant: str = DEFAULT_TENANT,
        check_zoom_accounts: bool = True,
    ) -> list[ConnectedUser]:
        """The connected-users view: per member, whether Zoom is available, through which
        connection, and its status.

        With ``check_zoom_accounts``, members served by the organisation's connection are
        looked up in its Zoom account by e-mail (one light Zoom call each).
        """
        members = list(members)
        organization = await self._pair(tenant, "organization", None)
        rows = []
        for member in members:
            personal = await self._pair(tenant, "personal", member.user_id)
            in_account: bool | None = None
            personal_live = personal is not None and personal[0].disconnected_at is None
            if check_zoom_accounts and organization is not None and not personal_live:
                try:
                    in_account = await self._in_zoom_account(organization, member)
                except NeedsReconnectError:
                    # Zoom has just rejected the organisation's connection for good, and it
                    # is marked now: the view shows it as such instead of failing.
                    return await self.connected_users(
                        members, tenant=tenant, check_zoom_accounts=False
                    )
            rows.append(_links.connected_user(member, personal, organization, in_account))
        return rows

    async def _in_zoom_account(
        self, organization: tuple[Link, Grant | None], member: Member
    ) -> bool | None:
        link, grant = organization
        if grant is None or grant.status != "active" or link.disconnected_at is not None:
            return None
        if not member.email:
            return False
        api = self._tokens.api_for(grant)
        try:
            await self._tokens.call(link, lambda token: api.get_user(token, member.email))
        except ZoomNotFoundError:
            return False
        return True

    async def host_zoom_user(
        self, user_id: str, *, tenant: str = DEFAULT_TENANT, email: str | None = None
    ) -> ZoomUser:
        """The Zoom user who hosts ``user_id``'s meetings, as Zoom describes them now."""
        host = await self.resolve_host(user_id, tenant=tenant, email=email)
        link = await self._link_by_id(host.connection.id)
        grant = await self._tokens.active_grant(link)
        api = self._tokens.api_for(grant)
        return await self._tokens.call(link, lambda token: api.get_user(token, host.zoom_user))

    # -- bookings ---------------------------------------------------------------------------

    async def meeting_writes_left(
        self, user_id: str, *, tenant: str = DEFAULT_TENANT, email: str | None = None
    ) -> int:
        """How many of Zoom's 100 meeting creates/updates for this UTC day the user's Zoom
        host has left, as zoomlink counted them: check before a batch to defer early."""
        host = await self.resolve_host(user_id, tenant=tenant, email=email)
        grant = await self._tokens.active_grant(await self._link_by_id(host.connection.id))
        quota_user = _limits.quota_user(host, grant)
        used = await self.store.quota_used(_limits.quota_name(quota_user, self.clock.now()))
        return max(0, _limits.HOST_DAILY_WRITES - used)

    async def _resolve_user(self, user_id: str, tenant: str, email: str | None) -> ResolvedHost:
        return await self.resolve_host(user_id, tenant=tenant, email=email)

    # -- tokens -----------------------------------------------------------------------------

    async def access_token(self, connection_id: str) -> str:
        """A valid access token for the connection, refreshed first if it is about to expire.

        Raises:
            NotConnectedError: No such connection, or it was disconnected.
            NeedsReconnectError: Zoom rejected it for good.
        """
        return await self._tokens.token(await self._link_by_id(connection_id))

    async def with_token(self, connection_id: str, operation: Callable[[str], Awaitable[T]]) -> T:
        """Run ``operation(access_token)``; if Zoom answers 401, refresh once and run it once
        more. The refresh is shared with every concurrent caller."""
        return await self._tokens.call(await self._link_by_id(connection_id), operation)

    async def reseal_tokens(self) -> int:
        """Re-seal every stored token under the keyring's newest key, so older keys can be
        dropped. Safe to run while the application serves traffic.

        Returns:
            How many grants were rewritten.
        """
        rewritten = 0
        for listed in await self.store.find_grants():
            async with self.store.lock(f"grant:{listed.id}", timeout=self.lock_timeout):
                grant = await self.store.get_grant(listed.id)
                if grant is None:
                    continue
                fresh = _grants.resealed(grant, self.keyring, self.clock.now())
                if fresh is not None:
                    await self.store.update_grant(fresh, expected_version=grant.version)
                    rewritten += 1
        return rewritten


check_arguments(AsyncZoomLink)
