"""The token store contract on connections: grants, links and connect attempts.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import attrs
import pytest

from zoomlink import (
    AsyncTokenStore,
    DuplicateRecordError,
    Keyring,
    StaleRecordError,
)
from zoomlink.testing.contracts._async._examples import (
    INDIA,
    T0,
    count_winners,
    make_attempt,
    make_grant,
    make_link,
)
from zoomlink.testing.contracts._concurrent import gather_async


class AsyncConnectionsContract:
    """Part of :class:`~zoomlink.testing.contracts.AsyncTokenStoreContract`: inherit that."""

    # -- grants ---------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_grant_round_trips_unchanged(self, store: AsyncTokenStore) -> None:
        """A stored grant reads back equal, field for field, including aware datetimes."""
        grant = make_grant()
        await store.add_grant(grant)
        assert await store.get_grant(grant.id) == grant

    @pytest.mark.asyncio
    async def test_grant_with_empty_optional_fields_round_trips(
        self, store: AsyncTokenStore
    ) -> None:
        """A grant without tokens, scopes or expiry (a broken one) reads back equal."""
        grant = make_grant(
            status="needs_reconnect",
            status_reason="Zoom refused the refresh token (invalid_grant)",
            incident_id="inc1",
            sealed_access_token=None,
            sealed_refresh_token=None,
            expires_at=None,
            scopes=(),
            api_url=None,
        )
        await store.add_grant(grant)
        assert await store.get_grant(grant.id) == grant

    @pytest.mark.asyncio
    async def test_grant_with_jwt_sized_sealed_tokens_round_trips(
        self, store: AsyncTokenStore
    ) -> None:
        """Zoom's tokens are JWTs of 500 to 700 characters (more as they grow); sealed, they
        reach about a thousand, and a store keeps them whole."""
        keyring = Keyring.ephemeral()
        grant = make_grant(
            sealed_access_token=keyring.seal("eyJ" + "a" * 1200, context="app:zu1:access"),
            sealed_refresh_token=keyring.seal("eyJ" + "r" * 1200, context="app:zu1:refresh"),
        )
        await store.add_grant(grant)
        stored = await store.get_grant(grant.id)
        assert stored == grant
        assert stored.sealed_access_token is not None
        opened = keyring.open(stored.sealed_access_token, context="app:zu1:access")
        assert opened == "eyJ" + "a" * 1200

    @pytest.mark.asyncio
    async def test_unknown_grant_is_none(self, store: AsyncTokenStore) -> None:
        """Reading a grant that was never stored gives None."""
        assert await store.get_grant("app:nobody") is None

    @pytest.mark.asyncio
    async def test_adding_an_existing_grant_is_refused(self, store: AsyncTokenStore) -> None:
        """A second add with the same id raises DuplicateRecordError and keeps the first."""
        await store.add_grant(make_grant())
        with pytest.raises(DuplicateRecordError):
            await store.add_grant(make_grant(zoom_email="other@example.com"))
        stored = await store.get_grant("app:zu1")
        assert stored is not None
        assert stored.zoom_email == "zu1@example.com"

    @pytest.mark.asyncio
    async def test_update_with_the_expected_version_replaces(self, store: AsyncTokenStore) -> None:
        """update_grant writes when the stored version is the expected one."""
        grant = make_grant()
        await store.add_grant(grant)
        newer = attrs.evolve(grant, sealed_access_token="zl1:k1:new", version=2)
        await store.update_grant(newer, expected_version=1)
        assert await store.get_grant(grant.id) == newer

    @pytest.mark.asyncio
    async def test_update_with_a_stale_version_is_refused(self, store: AsyncTokenStore) -> None:
        """update_grant raises StaleRecordError and writes nothing when the version moved on."""
        grant = make_grant()
        await store.add_grant(grant)
        await store.update_grant(attrs.evolve(grant, version=2), expected_version=1)
        with pytest.raises(StaleRecordError):
            await store.update_grant(
                attrs.evolve(grant, sealed_access_token="zl1:k1:lost", version=2),
                expected_version=1,
            )
        stored = await store.get_grant(grant.id)
        assert stored is not None
        assert stored.sealed_access_token == grant.sealed_access_token

    @pytest.mark.asyncio
    async def test_update_of_a_missing_grant_is_refused(self, store: AsyncTokenStore) -> None:
        """update_grant on a grant that is not stored raises StaleRecordError."""
        with pytest.raises(StaleRecordError):
            await store.update_grant(make_grant(version=2), expected_version=1)

    @pytest.mark.asyncio
    async def test_concurrent_updates_let_exactly_one_win(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Of many updates from the same version, through both stores, exactly one succeeds."""
        grant = make_grant()
        await store.add_grant(grant)

        async def update(target: AsyncTokenStore, index: int) -> None:
            candidate = attrs.evolve(grant, sealed_access_token=f"zl1:k1:{index}", version=2)
            await target.update_grant(candidate, expected_version=1)

        assert await count_winners((store, second_store), update) == 1

    @pytest.mark.asyncio
    async def test_remove_grant_says_whether_it_existed(self, store: AsyncTokenStore) -> None:
        """remove_grant deletes the grant and reports True, then False."""
        await store.add_grant(make_grant())
        assert await store.remove_grant("app:zu1") is True
        assert await store.get_grant("app:zu1") is None
        assert await store.remove_grant("app:zu1") is False

    @pytest.mark.asyncio
    async def test_find_grants_filters_and_orders_by_id(self, store: AsyncTokenStore) -> None:
        """find_grants applies every filter given and returns grants ordered by id."""
        await store.add_grant(make_grant("b:zu2", zoom_account_id="acct2"))
        await store.add_grant(make_grant("a:zu1"))
        await store.add_grant(make_grant("a:zu2", zoom_account_id="acct2"))
        assert [g.id for g in await store.find_grants()] == ["a:zu1", "a:zu2", "b:zu2"]
        assert [g.id for g in await store.find_grants(client_id="a")] == ["a:zu1", "a:zu2"]
        assert [g.id for g in await store.find_grants(zoom_user_id="zu2")] == ["a:zu2", "b:zu2"]
        found = await store.find_grants(client_id="b", zoom_account_id="acct2")
        assert [g.id for g in found] == ["b:zu2"]
        assert await store.find_grants(zoom_account_id="nowhere") == []

    # -- links ----------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_link_round_trips_and_is_replaced_by_id(self, store: AsyncTokenStore) -> None:
        """put_link inserts, then replaces the link with the same id."""
        link = make_link()
        await store.put_link(link)
        assert await store.get_link("l1") == link
        moved = attrs.evolve(link, grant_id="app:zu9", disconnected_at=T0 + timedelta(days=1))
        await store.put_link(moved)
        assert await store.get_link("l1") == moved
        assert len(await store.find_links()) == 1

    @pytest.mark.asyncio
    async def test_organization_link_without_owner_round_trips(
        self, store: AsyncTokenStore
    ) -> None:
        """An organisation link (no owner, completed by someone else) reads back equal."""
        link = make_link("org", kind="organization", owner_id=None, completed_by="u7")
        await store.put_link(link)
        assert await store.get_link("org") == link

    @pytest.mark.asyncio
    async def test_find_links_filters_and_orders_oldest_first(self, store: AsyncTokenStore) -> None:
        """find_links applies every filter given and returns links oldest first."""
        await store.put_link(make_link("l3", created_at=T0 + timedelta(minutes=3), owner_id="u2"))
        await store.put_link(make_link("l1", created_at=T0 + timedelta(minutes=1)))
        await store.put_link(
            make_link(
                "l2",
                created_at=T0 + timedelta(minutes=2),
                kind="organization",
                owner_id=None,
                tenant="t2",
                grant_id="admin:zu5",
            )
        )
        assert [link.id for link in await store.find_links()] == ["l1", "l2", "l3"]
        assert [link.id for link in await store.find_links(tenant="t1")] == ["l1", "l3"]
        assert [link.id for link in await store.find_links(kind="organization")] == ["l2"]
        assert [link.id for link in await store.find_links(owner_id="u2")] == ["l3"]
        assert [link.id for link in await store.find_links(grant_id="app:zu1")] == ["l1", "l3"]
        found = await store.find_links(tenant="t1", kind="personal", owner_id="u1")
        assert [link.id for link in found] == ["l1"]

    @pytest.mark.asyncio
    async def test_link_keeps_its_purge_state_uninstall_time_and_incident_id(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Links keep their purge state, uninstall time and incident id."""
        uninstalled = datetime(2026, 3, 2, 15, 30, 0, 123456, tzinfo=INDIA)
        link = make_link(
            disconnected_at=uninstalled,
            purge="pending",
            uninstalled_at=uninstalled,
            incident_id="uninstall:zu1:1772445600",
        )
        await store.put_link(link)
        stored = await second_store.get_link("l1")
        assert stored == link
        assert stored is not None
        assert stored.uninstalled_at is not None
        assert stored.uninstalled_at.utcoffset() is not None
        assert await second_store.find_links(tenant="t1") == [link]
        purged = attrs.evolve(link, purge="done")
        await second_store.put_link(purged)
        assert await store.get_link("l1") == purged
        reconnected = attrs.evolve(
            purged, disconnected_at=None, purge="none", uninstalled_at=None, incident_id=None
        )
        await store.put_link(reconnected)
        assert await second_store.get_link("l1") == reconnected

    @pytest.mark.asyncio
    async def test_a_link_stored_without_purge_or_uninstall_reads_back_with_defaults(
        self, store: AsyncTokenStore
    ) -> None:
        """A link stored without a purge, uninstall or incident reads back "none", None, None."""
        await store.put_link(make_link())
        stored = await store.get_link("l1")
        assert stored is not None
        assert (stored.purge, stored.uninstalled_at, stored.incident_id) == ("none", None, None)

    @pytest.mark.asyncio
    async def test_remove_link_says_whether_it_existed(self, store: AsyncTokenStore) -> None:
        """remove_link deletes the link and reports True, then False."""
        await store.put_link(make_link())
        assert await store.remove_link("l1") is True
        assert await store.get_link("l1") is None
        assert await store.remove_link("l1") is False

    # -- attempts -------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_attempt_is_taken_exactly_once(self, store: AsyncTokenStore) -> None:
        """take_attempt returns the attempt once, then None."""
        attempt = make_attempt()
        await store.add_attempt(attempt)
        assert await store.take_attempt("a1") == attempt
        assert await store.take_attempt("a1") is None

    @pytest.mark.asyncio
    async def test_concurrent_takes_hand_the_attempt_to_one_caller(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Of many concurrent takes through both stores, exactly one gets the attempt."""
        await store.add_attempt(make_attempt())
        results = await gather_async(
            partial((store if i % 2 else second_store).take_attempt, "a1") for i in range(8)
        )
        assert sum(result is not None for result in results) == 1

    @pytest.mark.asyncio
    async def test_unexpired_attempts_survive_new_ones(self, store: AsyncTokenStore) -> None:
        """Adding an attempt keeps the others that have not expired."""
        await store.add_attempt(make_attempt("a1"))
        await store.add_attempt(make_attempt("a2", created_at=T0 + timedelta(minutes=5)))
        assert await store.take_attempt("a1") is not None
        assert await store.take_attempt("a2") is not None
