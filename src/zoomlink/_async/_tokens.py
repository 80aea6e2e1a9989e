"""AsyncTokenKeeper: a valid access token for every call, refreshed exactly once.

Refreshing is single-flight at two levels. Callers in this process queue on a per-grant lock;
the one that gets through takes the store's lock for the grant (which excludes other processes
and machines), re-reads the grant — someone may have refreshed it while we waited, as Nango
learned — and only then asks Zoom. The new pair is stored before anyone uses it, because Zoom
has already killed the old refresh token. An ``invalid_grant`` is judged final only after a
re-read shows nobody else rotated the grant meanwhile.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TypeVar

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._notices import AsyncNotices
from zoomlink._core import _grants, _links
from zoomlink._locks import AsyncKeyedLock
from zoomlink.errors import (
    ConfigurationError,
    NotConnectedError,
    StaleRecordError,
    StoreError,
    ZoomAuthenticationError,
    ZoomOAuthError,
)
from zoomlink.keyring import Keyring
from zoomlink.models import Grant, Link, Tokens
from zoomlink.protocols import AsyncTokenStore, Clock

T = TypeVar("T")

logger = logging.getLogger("zoomlink")

_SAVE_ATTEMPTS = 5


class AsyncTokenKeeper:
    """Hands out access tokens for links, refreshing and marking broken grants as needed."""

    def __init__(
        self,
        *,
        apis: Mapping[str, AsyncZoomAPI],
        store: AsyncTokenStore,
        keyring: Keyring,
        notices: AsyncNotices,
        clock: Clock,
        refresh_margin: timedelta,
        lock_timeout: float,
        reconnect_url: str | None,
        follow_api_url: bool = False,
    ) -> None:
        self._apis = apis
        self._follow_api_url = follow_api_url
        self._regional: dict[tuple[str, str], AsyncZoomAPI] = {}
        self._store = store
        self._keyring = keyring
        self._notices = notices
        self._clock = clock
        self._margin = refresh_margin
        self._lock_timeout = lock_timeout
        self._reconnect_url = reconnect_url
        self._local = AsyncKeyedLock()

    def api_for(self, grant: Grant) -> AsyncZoomAPI:
        """The API client of the app that issued ``grant``."""
        api = self._apis.get(grant.client_id)
        if api is None:
            raise ConfigurationError(
                f"connection grant {grant.id} was made with Zoom app {grant.client_id}, which "
                "this ZoomLink was not given; pass that app too"
            )
        region = _grants.followed_api_url(grant, api.endpoints) if self._follow_api_url else None
        if region is None:
            return api
        key = (grant.client_id, region)
        if key not in self._regional:
            self._regional[key] = api.at_api_url(region)
        return self._regional[key]

    async def token(self, link: Link, *, grant: Grant | None = None) -> str:
        """A fresh access token for ``link``'s grant (``grant``: that grant, just read as
        :meth:`active_grant` returned it, so it is not read again)."""
        if grant is None:
            grant = await self.active_grant(link)
        if not _grants.is_fresh(grant, self._clock.now(), self._margin):
            grant = await self._refresh(link, rejected=None)
        return self._access(grant)

    async def call(
        self,
        link: Link,
        operation: Callable[[str], Awaitable[T]],
        *,
        grant: Grant | None = None,
    ) -> T:
        """Run ``operation(token)``; on a 401 refresh once and run it once more. ``grant``
        as for :meth:`token`."""
        token = await self.token(link, grant=grant)
        try:
            return await operation(token)
        except ZoomAuthenticationError:
            grant = await self._refresh(link, rejected=token)
            return await operation(self._access(grant))

    async def active_grant(self, link: Link) -> Grant:
        """The link's grant, when it can be used; a typed error otherwise (no Zoom call)."""
        grant = await self._store.get_grant(link.grant_id)
        if grant is None or link.disconnected_at is not None:
            raise NotConnectedError(
                f"the Zoom connection {link.id} was disconnected",
                tenant=link.tenant,
                user_id=link.owner_id,
            )
        if grant.status != "active":
            raise _links.needs_reconnect_error(link, grant, self._reconnect_url)
        return grant

    def _access(self, grant: Grant) -> str:
        token = _grants.access_token(self._keyring, grant)
        if token is None:  # an active grant always holds one; guard against a bad store
            raise StoreError(f"grant {grant.id} is active but holds no access token")
        return token

    def _usable(self, grant: Grant, rejected: str | None) -> bool:
        if not _grants.is_fresh(grant, self._clock.now(), self._margin):
            return False
        return rejected is None or self._access(grant) != rejected

    async def _refresh(self, link: Link, *, rejected: str | None) -> Grant:
        async with self._local.hold(link.grant_id, timeout=self._lock_timeout):
            grant = await self.active_grant(link)
            if self._usable(grant, rejected):
                return grant
            async with self._store.lock(f"grant:{grant.id}", timeout=self._lock_timeout):
                grant = await self.active_grant(link)  # re-read: it may have changed meanwhile
                if self._usable(grant, rejected):
                    return grant
                return await self._rotate(link, grant)

    async def _rotate(self, link: Link, grant: Grant) -> Grant:
        api = self.api_for(grant)
        try:
            if api.app.kind == "s2s":
                tokens = await api.account_token()
            else:
                refresh = _grants.refresh_token(self._keyring, grant)
                if refresh is None:
                    await self.mark_broken(grant, "no refresh token is stored for it")
                    raise await self._broken_error(link)
                tokens = await api.refresh(refresh)
        except ZoomOAuthError as exc:
            if not _grants.rejection_is_final(exc):
                raise
            latest = await self._store.get_grant(grant.id)
            if (
                latest is not None
                and latest.version != grant.version
                and self._usable(latest, None)
            ):
                return latest  # rotated by someone else meanwhile: a race, not a revocation
            await self.mark_broken(grant, f"Zoom refused the refresh token ({exc.error})")
            raise await self._broken_error(link) from exc
        return await self._save(grant, tokens)

    async def _save(self, grant: Grant, tokens: Tokens) -> Grant:
        # Zoom has already killed the old refresh token: the new pair must be stored.
        current = grant
        for _ in range(_SAVE_ATTEMPTS):
            fresh = _grants.rotated(current, tokens, self._keyring, self._clock.now())
            try:
                await self._store.update_grant(fresh, expected_version=current.version)
            except StaleRecordError:
                latest = await self._store.get_grant(grant.id)
                if latest is None:
                    raise NotConnectedError(
                        f"grant {grant.id} was removed while it was being refreshed",
                        tenant="",
                    ) from None
                current = latest
                continue
            return fresh
        raise StoreError(f"grant {grant.id} kept changing; the refreshed tokens were not stored")

    async def _broken_error(self, link: Link) -> Exception:
        grant = await self._store.get_grant(link.grant_id)
        if grant is None:
            return NotConnectedError(
                f"the Zoom connection {link.id} was disconnected", tenant=link.tenant
            )
        return _links.needs_reconnect_error(link, grant, self._reconnect_url)

    async def mark_broken(self, grant: Grant, reason: str) -> None:
        """Mark ``grant`` as needing reconnection and tell each owner once.

        Only the caller whose compare-and-swap wins announces the incident, so several
        processes noticing the same failure send one notice.
        """
        incident = secrets.token_hex(8)
        broken = _grants.broken(grant, reason, incident, self._clock.now())
        now = self._clock.now()
        links = _links.live(await self._store.find_links(grant_id=grant.id))
        # Kept before the status is stored, so a worker dying in between leaves them to
        # run_pending, which tells them only if this incident was stored (see AsyncOutbox).
        kept = await self._notices.keep(
            [_links.action_required(link, broken, self._reconnect_url, now) for link in links]
        )
        try:
            await self._store.update_grant(broken, expected_version=grant.version)
        except StaleRecordError:
            await self._notices.drop(kept)
            return  # someone else changed it first and owns the incident
        logger.warning("Zoom connection grant %s needs reconnecting: %s", grant.id, reason)
        await self._notices.send(kept)
