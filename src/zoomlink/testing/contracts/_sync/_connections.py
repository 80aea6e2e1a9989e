# This file is generated from src/zoomlink/testing/contracts/_async/_connections.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""The token store contract on connections: grants, links and connect attempts.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import attrs
import pytest

from zoomlink import (
    TokenStore,
    DuplicateRecordError,
    Keyring,
    StaleRecordError,
)
from zoomlink.testing.contracts._sync._examples import (
    INDIA,
    T0,
    count_winners,
    make_attempt,
    make_grant,
    make_link,
)
from zoomlink.testing.contracts._concurrent import gather_threads


class ConnectionsContract:
    """Part of :class:`~zoomlink.testing.contracts.TokenStoreContract`: inherit that."""

    # -- grants ---------------------------------------------------------------------------

    def test_grant_round_trips_unchanged(self, store: TokenStore) -> None:
        """A stored grant reads back equal, field for field, including aware datetimes."""
        grant = make_grant()
        store.add_grant(grant)
        assert store.get_grant(grant.id) == grant

    def test_grant_with_empty_optional_fields_round_trips(
        self, store: TokenStore
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
        store.add_grant(grant)
        assert store.get_grant(grant.id) == grant

    def test_grant_with_jwt_sized_sealed_tokens_round_trips(
        self, store: TokenStore
    ) -> None:
        """Zoom's tokens are JWTs of 500 to 700 characters (more as they grow); sealed, they
        reach about a thousand, and a store keeps them whole."""
        keyring = Keyring.ephemeral()
        grant = make_grant(
            sealed_access_token=keyring.seal("eyJ" + "a" * 1200, context="app:zu1:access"),
            sealed_refresh_token=keyring.seal("eyJ" + "r" * 1200, context="app:zu1:refresh"),
        )
        store.add_grant(grant)
        stored = store.get_grant(grant.id)
        assert stored == grant
        assert stored.sealed_access_token is not None
        opened = keyring.open(stored.sealed_access_token, context="app:zu1:access")
        assert opened == "eyJ" + "a" * 1200

    def test_unknown_grant_is_none(self, store: TokenStore) -> None:
        """Reading a grant that was never stored gives None."""
        assert store.get_grant("app:nobody") is None

    def test_adding_an_existing_grant_is_refused(self, store: TokenStore) -> None:
        """A second add with the same id raises DuplicateRecordError and keeps the first."""
        store.add_grant(make_grant())
        with pytest.raises(DuplicateRecordError):
            store.add_grant(make_grant(zoom_email="other@example.com"))
        stored = store.get_grant("app:zu1")
        assert stored is not None
        assert stored.zoom_email == "zu1@example.com"

    def test_update_with_the_expected_version_replaces(self, store: TokenStore) -> None:
        """update_grant writes when the stored version is the expected one."""
        grant = make_grant()
        store.add_grant(grant)
        newer = attrs.evolve(grant, sealed_access_token="zl1:k1:new", version=2)
        store.update_grant(newer, expected_version=1)
        assert store.get_grant(grant.id) == newer

    def test_update_with_a_stale_version_is_refused(self, store: TokenStore) -> None:
        """update_grant raises StaleRecordError and writes nothing when the version moved on."""
        grant = make_grant()
        store.add_grant(grant)
        store.update_grant(attrs.evolve(grant, version=2), expected_version=1)
        with pytest.raises(StaleRecordError):
            store.update_grant(
                attrs.evolve(grant, sealed_access_token="zl1:k1:lost", version=2),
                expected_version=1,
            )
        stored = store.get_grant(grant.id)
        assert stored is not None
        assert stored.sealed_access_token == grant.sealed_access_token

    def test_update_of_a_missing_grant_is_refused(self, store: TokenStore) -> None:
        """update_grant on a grant that is not stored raises StaleRecordError."""
        with pytest.raises(StaleRecordError):
            store.update_grant(make_grant(version=2), expected_version=1)

    def test_concurrent_updates_let_exactly_one_win(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Of many updates from the same version, through both stores, exactly one succeeds."""
        grant = make_grant()
        store.add_grant(grant)

        def update(target: TokenStore, index: int) -> None:
            candidate = attrs.evolve(grant, sealed_access_token=f"zl1:k1:{index}", version=2)
            target.update_grant(candidate, expected_version=1)

        assert count_winners((store, second_store), update) == 1

    def test_remove_grant_says_whether_it_existed(self, store: TokenStore) -> None:
        """remove_grant deletes the grant and reports True, then False."""
        store.add_grant(make_grant())
        assert store.remove_grant("app:zu1") is True
        assert store.get_grant("app:zu1") is None
        assert store.remove_grant("app:zu1") is False

    def test_find_grants_filters_and_orders_by_id(self, store: TokenStore) -> None:
        """find_grants applies every filter given and returns grants ordered by id."""
        store.add_grant(make_grant("b:zu2", zoom_account_id="acct2"))
        store.add_grant(make_grant("a:zu1"))
        store.add_grant(make_grant("a:zu2", zoom_account_id="acct2"))
        assert [g.id for g in store.find_grants()] == ["a:zu1", "a:zu2", "b:zu2"]
        assert [g.id for g in store.find_grants(client_id="a")] == ["a:zu1", "a:zu2"]
        assert [g.id for g in store.find_grants(zoom_user_id="zu2")] == ["a:zu2", "b:zu2"]
        found = store.find_grants(client_id="b", zoom_account_id="acct2")
        assert [g.id for g in found] == ["b:zu2"]
        assert store.find_grants(zoom_account_id="nowhere") == []

    # -- links ----------------------------------------------------------------------------

    def test_link_round_trips_and_is_replaced_by_id(self, store: TokenStore) -> None:
        """put_link inserts, then replaces the link with the same id."""
        link = make_link()
        store.put_link(link)
        assert store.get_link("l1") == link
        moved = attrs.evolve(link, grant_id="app:zu9", disconnected_at=T0 + timedelta(days=1))
        store.put_link(moved)
        assert store.get_link("l1") == moved
        assert len(store.find_links()) == 1

    def test_organization_link_without_owner_round_trips(
        self, store: TokenStore
    ) -> None:
        """An organisation link (no owner, completed by someone else) reads back equal."""
        link = make_link("org", kind="organization", owner_id=None, completed_by="u7")
        store.put_link(link)
        assert store.get_link("org") == link

    def test_find_links_filters_and_orders_oldest_first(self, store: TokenStore) -> None:
        """find_links applies every filter given and returns links oldest first."""
        store.put_link(make_link("l3", created_at=T0 + timedelta(minutes=3), owner_id="u2"))
        store.put_link(make_link("l1", created_at=T0 + timedelta(minutes=1)))
        store.put_link(
            make_link(
                "l2",
                created_at=T0 + timedelta(minutes=2),
                kind="organization",
                owner_id=None,
                tenant="t2",
                grant_id="admin:zu5",
            )
        )
        assert [link.id for link in store.find_links()] == ["l1", "l2", "l3"]
        assert [link.id for link in store.find_links(tenant="t1")] == ["l1", "l3"]
        assert [link.id for link in store.find_links(kind="organization")] == ["l2"]
        assert [link.id for link in store.find_links(owner_id="u2")] == ["l3"]
        assert [link.id for link in store.find_links(grant_id="app:zu1")] == ["l1", "l3"]
        found = store.find_links(tenant="t1", kind="personal", owner_id="u1")
        assert [link.id for link in found] == ["l1"]

    def test_link_keeps_its_purge_state_uninstall_time_and_incident_id(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Links keep their purge state, uninstall time and incident id."""
        uninstalled = datetime(2026, 3, 2, 15, 30, 0, 123456, tzinfo=INDIA)
        link = make_link(
            disconnected_at=uninstalled,
            purge="pending",
            uninstalled_at=uninstalled,
            incident_id="uninstall:zu1:1772445600",
        )
        store.put_link(link)
        stored = second_store.get_link("l1")
        assert stored == link
        assert stored is not None
        assert stored.uninstalled_at is not None
        assert stored.uninstalled_at.utcoffset() is not None
        assert second_store.find_links(tenant="t1") == [link]
        purged = attrs.evolve(link, purge="done")
        second_store.put_link(purged)
        assert store.get_link("l1") == purged
        reconnected = attrs.evolve(
            purged, disconnected_at=None, purge="none", uninstalled_at=None, incident_id=None
        )
        store.put_link(reconnected)
        assert second_store.get_link("l1") == reconnected

    def test_a_link_stored_without_purge_or_uninstall_reads_back_with_defaults(
        self, store: TokenStore
    ) -> None:
        """A link stored without a purge, uninstall or incident reads back "none", None, None."""
        store.put_link(make_link())
        stored = store.get_link("l1")
        assert stored is not None
        assert (stored.purge, stored.uninstalled_at, stored.incident_id) == ("none", None, None)

    def test_remove_link_says_whether_it_existed(self, store: TokenStore) -> None:
        """remove_link deletes the link and reports True, then False."""
        store.put_link(make_link())
        assert store.remove_link("l1") is True
        assert store.get_link("l1") is None
        assert store.remove_link("l1") is False

    # -- attempts -------------------------------------------------------------------------

    def test_attempt_is_taken_exactly_once(self, store: TokenStore) -> None:
        """take_attempt returns the attempt once, then None."""
        attempt = make_attempt()
        store.add_attempt(attempt)
        assert store.take_attempt("a1") == attempt
        assert store.take_attempt("a1") is None

    def test_concurrent_takes_hand_the_attempt_to_one_caller(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Of many concurrent takes through both stores, exactly one gets the attempt."""
        store.add_attempt(make_attempt())
        results = gather_threads(
            partial((store if i % 2 else second_store).take_attempt, "a1") for i in range(8)
        )
        assert sum(result is not None for result in results) == 1

    def test_unexpired_attempts_survive_new_ones(self, store: TokenStore) -> None:
        """Adding an attempt keeps the others that have not expired."""
        store.add_attempt(make_attempt("a1"))
        store.add_attempt(make_attempt("a2", created_at=T0 + timedelta(minutes=5)))
        assert store.take_attempt("a1") is not None
        assert store.take_attempt("a2") is not None
