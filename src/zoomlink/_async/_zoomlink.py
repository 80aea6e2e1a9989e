"""AsyncZoomLink: what a host application holds to talk to Zoom."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import TypeVar

import httpx

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._ending import AsyncEnding
from zoomlink._async._http import new_client
from zoomlink._async._notify import AsyncLoggingNotificationSink
from zoomlink._async._scheduling import AsyncScheduling
from zoomlink._async._wiring import wire
from zoomlink._core import _grants, _limits, _links
from zoomlink._core._arguments import check_arguments, check_settings
from zoomlink._resolutions import keep_host, kept_host
from zoomlink.clocks import SystemClock
from zoomlink.errors import (
    ConfigurationError,
    NeedsReconnectError,
    ZoomNotFoundError,
)
from zoomlink.keyring import Keyring
from zoomlink.models import (
    DEFAULT_TENANT,
    Actor,
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
from zoomlink.stores._async._memory import AsyncMemoryTokenStore

T = TypeVar("T")

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
        if busy_ttl < timedelta(0):
            raise ConfigurationError(f"busy_ttl must be a timedelta of 0 or more, not {busy_ttl!r}")
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
        self.calendar = calendar
        parts = wire(
            apis=self.apis,
            store=self.store,
            keyring=self.keyring,
            notifications=self.notifications,
            calendar=calendar,
            clock=self.clock,
            link_policy=link_policy,
            reconnect_url=reconnect_url,
            zoom_plan=zoom_plan,
            retry_policy=retry or RetryPolicy(),
            busy_ttl=busy_ttl,
            refresh_margin=refresh_margin,
            lock_timeout=lock_timeout,
            follow_api_url=follow_api_url,
            resolve_user=self._resolve_user,
            link_for=self._link_by_id,
        )
        self._tokens = parts.tokens
        self._availability = parts.availability
        self._bookings = parts.bookings
        self._outbox = parts.outbox
        self._purger = parts.purger
        self._linker = parts.linker
        self._connector = parts.connector
        self._events = parts.events

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

    # -- connecting ---------------------------------------------------------------------------

    async def personal_connect_url(self, user_id: str, *, tenant: str = DEFAULT_TENANT) -> str:
        """The Zoom consent URL that connects ``user_id``'s own Zoom account.

        Send the user's browser there. The link works once, for 10 minutes, and only for this
        user; Zoom sends the browser back to the app's redirect URL, whose query goes to
        :meth:`complete_connect`.
        """
        api = self._connector.app("user")
        return await self._connector.start("personal", tenant, user_id, api)

    async def organization_connect_url(self, actor: Actor, *, tenant: str = DEFAULT_TENANT) -> str:
        """The Zoom consent URL that connects the organisation's Zoom account (admin-managed).

        Only the organisation's owners and admins may start it; the link may be handed to
        whoever holds the Zoom admin account to complete.

        Raises:
            PermissionDeniedError: ``actor`` is a plain member; nothing is stored.
        """
        _links.check_org_starter(actor, tenant)
        api = self._connector.app("account")
        return await self._connector.start("organization", tenant, actor.user_id, api)

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
        return await self._connector.complete(callback, user_id)

    async def connect_server_to_server(
        self, actor: Actor, *, tenant: str = DEFAULT_TENANT
    ) -> Connection:
        """Connect the organisation through the Server-to-Server app (no browser involved).

        Raises:
            PermissionDeniedError: ``actor`` is a plain member.
            ConfigurationError: No Server-to-Server app was given.
        """
        return await self._connector.server_to_server(actor, tenant)

    # -- releasing and disconnecting ---------------------------------------------------------------

    async def release_link(self, zoom_user_id: str, *, tenant: str = DEFAULT_TENANT) -> int:
        """Forget every personal link of ``zoom_user_id`` in ``tenant`` (for example after the
        app user who owned it was deleted), so it can be linked again. Zoom is not called.

        Returns:
            How many links were released.
        """
        return await self._linker.release(zoom_user_id, tenant)

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
        host, _ = await self._resolve(user_id, tenant, email)
        return host

    async def _resolve(
        self, user_id: str, tenant: str, email: str | None
    ) -> tuple[ResolvedHost, tuple[Link, Grant]]:
        """:meth:`resolve_host`, with the link and grant it found serving the host."""
        personal = await self._pair(tenant, "personal", user_id)
        organization = None
        if not _links.settles(personal):
            organization = await self._pair(tenant, "organization", None)
        host, link, grant = _links.resolve_host(
            tenant, user_id, email, personal, organization, self.reconnect_url
        )
        return host, (link, grant)

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
        # Read once per booking step: see zoomlink._resolutions.
        host = kept_host((tenant, user_id, email))
        if host is None:
            host, (link, grant) = await self._resolve(user_id, tenant, email)
            keep_host((tenant, user_id, email), host, link, grant)
        return host

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
