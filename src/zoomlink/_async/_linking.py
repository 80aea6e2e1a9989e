"""AsyncLinker: storing a connection's grant and linking it, and letting links go.

Zoom keeps one live grant per app and Zoom user, shared by every link to it; a link belongs to
an app user (personal) or a tenant (organisation). Links change under the tenant's
``links:<tenant>`` lock, grants under ``grant:<id>``.
"""

from __future__ import annotations

import logging
import secrets

import attrs

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._purge import AsyncPurger
from zoomlink._core import _grants, _links
from zoomlink.errors import DuplicateRecordError, StaleRecordError, ZoomAPIError
from zoomlink.keyring import Keyring
from zoomlink.models import ConnectionKind, Grant, Link, LinkPolicy
from zoomlink.protocols import AsyncTokenStore, Clock
from zoomlink.purge import PurgeReason

logger = logging.getLogger("zoomlink")


class AsyncLinker:
    """Links grants to app users and tenants, behind :class:`AsyncZoomLink`'s connects."""

    def __init__(
        self,
        *,
        apis: dict[str, AsyncZoomAPI],
        store: AsyncTokenStore,
        keyring: Keyring,
        purger: AsyncPurger,
        clock: Clock,
        link_policy: LinkPolicy,
        lock_timeout: float,
    ) -> None:
        self._apis = apis
        self._store = store
        self._keyring = keyring
        self._purger = purger
        self._clock = clock
        self._link_policy = link_policy
        self._lock_timeout = lock_timeout

    async def link(
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
        async with self._store.lock(f"links:{tenant}", timeout=self._lock_timeout):
            await self._finish_purges(tenant, kind, user_id)
            # Zoom ended the Zoom user's earlier grant when it issued this one, so the new
            # tokens are stored even if the link is refused: other links to it keep working.
            await self._store_grant(grant)
            if kind == "personal":
                _links.check_personal_link(
                    self._link_policy,
                    tenant,
                    user_id,
                    grant.zoom_user_id,
                    await self._store.find_links(grant_id=grant.id),
                )
                mine = await self._store.find_links(
                    tenant=tenant, kind="personal", owner_id=user_id
                )
            else:
                mine = await self._store.find_links(tenant=tenant, kind="organization")
            now = self._clock.now()
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
            await self._store.put_link(link)
            for stale in mine[:-1]:
                await self._store.remove_link(stale.id)
            for old in {item.grant_id for item in mine} - {grant.id}:
                await self.drop_unused_grant(old, revoke=True)
        return link

    async def _finish_purges(self, tenant: str, kind: ConnectionKind, user_id: str) -> None:
        """Finish a purge that failed midway before the same connection is made again, so
        the new one never revives the old one's Zoom values."""
        owner = user_id if kind == "personal" else None
        for link in await self._store.find_links(tenant=tenant, kind=kind, owner_id=owner):
            if link.purge == "pending":
                reason: PurgeReason = "uninstalled" if _links.uninstalled(link) else "disconnected"
                await self._purger.purge(link, reason)

    async def _store_grant(self, grant: Grant) -> None:
        async with self._store.lock(f"grant:{grant.id}", timeout=self._lock_timeout):
            for _ in range(5):
                current = await self._store.get_grant(grant.id)
                try:
                    if current is None:
                        await self._store.add_grant(grant)
                    else:
                        await self._store.update_grant(
                            _grants.reauthorised(current, grant), expected_version=current.version
                        )
                    return
                except (DuplicateRecordError, StaleRecordError):
                    continue
            raise StaleRecordError(f"grant {grant.id} kept changing", record_id=grant.id)

    async def drop_unused_grant(self, grant_id: str, *, revoke: bool) -> None:
        """Forget a grant no live link uses any more, revoking it at Zoom first if asked."""
        if _links.live(await self._store.find_links(grant_id=grant_id)):
            return
        grant = await self._store.get_grant(grant_id)
        if grant is None:
            return
        if revoke and grant.status == "active" and grant.app_kind != "s2s":
            api = self._apis.get(grant.client_id)
            token = _grants.access_token(self._keyring, grant)
            if api is not None and token is not None:
                await self.revoke_quietly(api, token)
        await self._store.remove_grant(grant_id)

    async def revoke_quietly(self, api: AsyncZoomAPI, token: str) -> None:
        try:
            await api.revoke(token)
        except ZoomAPIError as exc:
            # Already revoked or expired at Zoom: the grant is gone there either way.
            logger.info("Zoom did not revoke a token (%s); it is dead already", exc.status)

    async def release(self, zoom_user_id: str, tenant: str) -> int:
        """Forget every personal link of ``zoom_user_id`` in ``tenant``; how many."""
        released = 0
        async with self._store.lock(f"links:{tenant}", timeout=self._lock_timeout):
            for link in await self._store.find_links(tenant=tenant, kind="personal"):
                grant = await self._store.get_grant(link.grant_id)
                if grant is not None and grant.zoom_user_id == zoom_user_id:
                    await self._store.remove_link(link.id)
                    await self.drop_unused_grant(link.grant_id, revoke=False)
                    released += 1
        return released
