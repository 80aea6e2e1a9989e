# This file is generated from src/zoomlink/testing/contracts/_async/token_store.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""TokenStoreContract: what every TokenStore must do, as pytest tests to inherit.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import attrs
import pytest

from zoomlink import (
    TokenStore,
    ConnectAttempt,
    DuplicateRecordError,
    Grant,
    Keyring,
    Link,
    LockTimeoutError,
    StaleRecordError,
)
from zoomlink.booking import MeetingOccurrence, MeetingRecord
from zoomlink.outbox import PendingWork
from zoomlink.testing.contracts._concurrent import gather_threads

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
INDIA = timezone(timedelta(hours=5, minutes=30))
# Zoom's meeting IDs are 10 to 11 digits: more than a 32-bit integer holds.
MEETING_ID = 87_654_321_098


def make_grant(grant_id: str = "app:zu1", **changes: object) -> Grant:
    """A grant as zoomlink stores one (its tokens are opaque sealed strings to a store)."""
    client_id, _, zoom_user_id = grant_id.partition(":")
    grant = Grant(
        id=grant_id,
        client_id=client_id,
        app_kind="user",
        zoom_user_id=zoom_user_id,
        zoom_email=f"{zoom_user_id}@example.com",
        zoom_account_id="acct1",
        zoom_role="member",
        scopes=("meeting:write:meeting", "user:read:user"),
        api_url="https://api.zoom.us",
        sealed_access_token=f"zl1:k1:access-{grant_id}",
        sealed_refresh_token=f"zl1:k1:refresh-{grant_id}",
        expires_at=T0 + timedelta(hours=1),
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(grant, **changes)  # type: ignore[arg-type]


def make_link(link_id: str = "l1", **changes: object) -> Link:
    """A personal link of app user ``u1`` to grant ``app:zu1``."""
    link = Link(
        id=link_id,
        tenant="t1",
        kind="personal",
        owner_id="u1",
        grant_id="app:zu1",
        connected_by="u1",
        created_at=T0,
    )
    return attrs.evolve(link, **changes)  # type: ignore[arg-type]


def make_attempt(attempt_id: str = "a1", **changes: object) -> ConnectAttempt:
    """A personal connect started by ``u1``, valid for ten minutes."""
    attempt = ConnectAttempt(
        id=attempt_id,
        tenant="t1",
        kind="personal",
        user_id="u1",
        client_id="app",
        sealed_verifier="zl1:k1:verifier",
        created_at=T0,
        expires_at=T0 + timedelta(minutes=10),
    )
    return attrs.evolve(attempt, **changes)  # type: ignore[arg-type]


def make_work(work_id: str = "w1", **changes: object) -> PendingWork:
    """A booking's pending work as zoomlink keeps it (the booking JSON is opaque to a store)."""
    work = PendingWork(
        id=work_id,
        tenant="t1",
        booking_id=f"b-{work_id}",
        intent="schedule",
        booking='{"id": "b1", "title": "Consultation \u00e9"}',
        options='{"allow_overlap": false}',
        not_before=T0 + timedelta(minutes=1),
        attempts=0,
        last_error="ZoomServerError: Zoom answered 503",
        created_at=T0,
        updated_at=T0.astimezone(INDIA),
    )
    return attrs.evolve(work, **changes)  # type: ignore[arg-type]


def make_record(record_id: str = "t1:b1", **changes: object) -> MeetingRecord:
    """A scheduled half-hour meeting of host ``u1`` for booking ``b1`` of tenant ``t1``."""
    tenant, _, booking_id = record_id.partition(":")
    record = MeetingRecord(
        id=record_id,
        tenant=tenant,
        booking_id=booking_id,
        host_id="u1",
        event_type_id="intro",
        connection_id="l1",
        zoom_user="me",
        quota_user="zu1",
        marker="[zl:b1]",
        state="scheduled",
        meeting_id=MEETING_ID,
        join_url=f"https://zoom.us/j/{MEETING_ID}?pwd=abc",
        password="Xy7-q'9",
        topic="Intro call",
        start=T0 + timedelta(days=1),
        end=T0 + timedelta(days=1, minutes=30),
        timezone="Europe/Berlin",
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(record, **changes)  # type: ignore[arg-type]


def make_recurring_record(record_id: str = "t1:b1", **changes: object) -> MeetingRecord:
    """A weekly half-hour meeting of three occurrences, the second moved and the third
    cancelled; its times are given in India's time zone, with microseconds."""
    first = datetime(2026, 3, 2, 15, 30, 0, 123456, tzinfo=INDIA)
    occurrences = (
        MeetingOccurrence(
            occurrence_id="1772445600000",
            start=first,
            end=first + timedelta(minutes=30),
            state="scheduled",
        ),
        MeetingOccurrence(
            occurrence_id="1773050400000",
            start=first + timedelta(days=7, hours=2),
            end=first + timedelta(days=7, hours=2, minutes=30),
            state="scheduled",
        ),
        MeetingOccurrence(
            occurrence_id="1773655200000",
            start=first + timedelta(days=14),
            end=first + timedelta(days=14, minutes=30),
            state="cancelled",
        ),
    )
    record = make_record(
        record_id,
        start=first,
        end=first + timedelta(minutes=30),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        occurrences=occurrences,
    )
    return attrs.evolve(record, **changes)  # type: ignore[arg-type]


def count_winners(
    stores: tuple[TokenStore, TokenStore],
    update: Callable[[TokenStore, int], None],
) -> int:
    """Run eight compare-and-swap updates at once, alternating stores: how many succeeded."""

    def attempt(index: int) -> bool:
        try:
            update(stores[index % 2], index)
        except StaleRecordError:
            return False
        return True

    results = gather_threads(partial(attempt, index) for index in range(8))
    return results.count(True)


class TokenStoreContract:
    """Inherit in a test class and define a ``store`` fixture that yields a fresh, empty
    :class:`~zoomlink.TokenStore`. Define ``second_store`` too when two store objects can
    share one database (as two processes would): it must yield another store on the same data.
    Async tests need pytest-asyncio.
    """

    def _same_store(self, store: TokenStore) -> TokenStore:
        """Another store object on the same data (the same object by default)."""
        return store

    # Typed Any on purpose: a subclass overrides it with a fixture for its own store type, sync
    # or async, and no single fixture type admits them all (pytest >= 9.2 types fixtures as
    # FixtureFunctionDefinition, pytest-asyncio as plain functions).
    second_store: Any = pytest.fixture(_same_store, name="second_store")

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

    # -- meeting records ------------------------------------------------------------------

    def test_meeting_record_round_trips_unchanged(self, store: TokenStore) -> None:
        """A stored record reads back equal: an 11-digit meeting ID, aware times, every field."""
        start = datetime(2026, 3, 2, 15, 30, 0, 123456, tzinfo=INDIA)
        record = make_record(
            start=start,
            end=start + timedelta(minutes=45),
            created_at=T0 - timedelta(microseconds=1),
            recreated=2,
            announced=True,
            version=7,
        )
        store.add_meeting_record(record)
        stored = store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.meeting_id == MEETING_ID
        times = [stored.start, stored.end, stored.created_at, stored.updated_at]
        assert all(moment.utcoffset() is not None for moment in times)

    def test_pending_meeting_record_round_trips(self, store: TokenStore) -> None:
        """A pending record (no meeting ID, link or passcode yet) reads back equal."""
        record = make_record(state="pending", meeting_id=None, join_url="", password="")
        store.add_meeting_record(record)
        assert store.get_meeting_record(record.id) == record

    def test_unknown_meeting_record_is_none(self, store: TokenStore) -> None:
        """Reading a meeting record that was never stored gives None."""
        assert store.get_meeting_record("t1:nothing") is None

    def test_adding_an_existing_meeting_record_is_refused(
        self, store: TokenStore
    ) -> None:
        """A second add with the same id raises DuplicateRecordError and keeps the first."""
        store.add_meeting_record(make_record())
        with pytest.raises(DuplicateRecordError) as raised:
            store.add_meeting_record(make_record(topic="Another"))
        assert raised.value.record_id == "t1:b1"
        stored = store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.topic == "Intro call"

    def test_meeting_record_update_with_the_expected_version_replaces(
        self, store: TokenStore
    ) -> None:
        """update_meeting_record writes when the stored version is the expected one."""
        record = make_record(state="pending", meeting_id=None)
        store.add_meeting_record(record)
        newer = attrs.evolve(
            record, state="scheduled", meeting_id=MEETING_ID + 1, announced=True, version=2
        )
        store.update_meeting_record(newer, expected_version=1)
        assert store.get_meeting_record(record.id) == newer

    def test_meeting_record_update_with_a_stale_version_is_refused(
        self, store: TokenStore
    ) -> None:
        """A stale update_meeting_record raises StaleRecordError and writes nothing."""
        record = make_record()
        store.add_meeting_record(record)
        current = attrs.evolve(record, topic="Moved", version=2)
        store.update_meeting_record(current, expected_version=1)
        with pytest.raises(StaleRecordError) as raised:
            store.update_meeting_record(
                attrs.evolve(record, state="cancelled", version=2), expected_version=1
            )
        assert raised.value.record_id == record.id
        assert store.get_meeting_record(record.id) == current

    def test_update_of_a_missing_meeting_record_is_refused(
        self, store: TokenStore
    ) -> None:
        """update_meeting_record on a record that is not stored raises StaleRecordError."""
        with pytest.raises(StaleRecordError):
            store.update_meeting_record(make_record(version=2), expected_version=1)
        assert store.get_meeting_record("t1:b1") is None

    def test_concurrent_meeting_record_updates_let_exactly_one_win(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Of many record updates from the same version, through both stores, one succeeds."""
        record = make_record()
        store.add_meeting_record(record)

        def update(target: TokenStore, index: int) -> None:
            candidate = attrs.evolve(record, topic=f"topic {index}", version=2)
            target.update_meeting_record(candidate, expected_version=1)

        assert count_winners((store, second_store), update) == 1

    def test_remove_meeting_record_says_whether_it_existed(
        self, store: TokenStore
    ) -> None:
        """remove_meeting_record deletes the record and reports True, then False."""
        store.add_meeting_record(make_record())
        assert store.remove_meeting_record("t1:b1") is True
        assert store.get_meeting_record("t1:b1") is None
        assert store.remove_meeting_record("t1:b1") is False

    def test_find_meeting_records_filters_and_orders_by_start_then_id(
        self, store: TokenStore
    ) -> None:
        """find_meeting_records applies every filter given, ordered by start instant then id."""
        later = T0 + timedelta(days=2)
        # 14:00 in India is 08:30 UTC: earlier than T0 although its wall-clock text is later.
        early = datetime(2026, 3, 1, 14, 0, tzinfo=INDIA)
        store.add_meeting_record(make_record("t1:b3", start=later, end=later))
        store.add_meeting_record(make_record("t1:b2", start=T0, end=T0, host_id="u2"))
        store.add_meeting_record(make_record("t1:b1", start=T0, end=T0, state="cancelled"))
        store.add_meeting_record(make_record("t2:b1", start=early, end=early))
        ids = [r.id for r in store.find_meeting_records()]
        assert ids == ["t2:b1", "t1:b1", "t1:b2", "t1:b3"]
        found = store.find_meeting_records(tenant="t1")
        assert [r.id for r in found] == ["t1:b1", "t1:b2", "t1:b3"]
        assert [r.id for r in store.find_meeting_records(host_id="u2")] == ["t1:b2"]
        found = store.find_meeting_records(booking_id="b1")
        assert [r.id for r in found] == ["t2:b1", "t1:b1"]
        found = store.find_meeting_records(state="cancelled")
        assert [r.id for r in found] == ["t1:b1"]
        found = store.find_meeting_records(tenant="t1", host_id="u1", state="scheduled")
        assert [r.id for r in found] == ["t1:b3"]
        assert store.find_meeting_records(tenant="t1", booking_id="b9") == []

    def test_recurring_meeting_record_round_trips_unchanged(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """A recurring record's rule and occurrences (order, times, states) survive add, get,
        find and update unchanged."""
        record = make_recurring_record()
        store.add_meeting_record(record)
        stored = store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.recurrence == "FREQ=WEEKLY;BYDAY=MO;COUNT=3"
        assert [o.occurrence_id for o in stored.occurrences] == [
            o.occurrence_id for o in record.occurrences
        ]
        times = [moment for o in stored.occurrences for moment in (o.start, o.end)]
        assert all(moment.utcoffset() is not None for moment in times)
        assert second_store.find_meeting_records(tenant="t1") == [record]
        assert store.find_meeting_records(booking_id="b1", state="scheduled") == [record]
        first = record.occurrences[0]
        moved = attrs.evolve(
            first, start=first.start + timedelta(hours=1), end=first.end + timedelta(hours=1)
        )
        newer = attrs.evolve(
            record,
            recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
            occurrences=(*record.occurrences[1:], moved),
            version=2,
        )
        second_store.update_meeting_record(newer, expected_version=1)
        assert store.get_meeting_record(record.id) == newer
        assert store.find_meeting_records(tenant="t1") == [newer]

    def test_updating_only_an_occurrence_state_is_persisted(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """An update that changes nothing but one occurrence's state is stored and read back."""
        record = make_recurring_record()
        store.add_meeting_record(record)
        first, *others = record.occurrences
        cancelled = attrs.evolve(
            record, occurrences=(attrs.evolve(first, state="cancelled"), *others), version=2
        )
        store.update_meeting_record(cancelled, expected_version=1)
        stored = second_store.get_meeting_record(record.id)
        assert stored == cancelled
        assert stored is not None
        assert [o.state for o in stored.occurrences] == ["cancelled", "scheduled", "cancelled"]
        restored = attrs.evolve(cancelled, occurrences=record.occurrences, version=3)
        second_store.update_meeting_record(restored, expected_version=2)
        assert store.get_meeting_record(record.id) == restored

    def test_a_one_off_meeting_record_has_no_rule_or_occurrences(
        self, store: TokenStore
    ) -> None:
        """A record stored without a rule or occurrences reads back with "" and ()."""
        store.add_meeting_record(make_record())
        stored = store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.recurrence == ""
        assert stored.occurrences == ()

    def test_meeting_records_are_shared_by_store_objects(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """A record written through one store object is read and updated through the other."""
        record = make_record()
        store.add_meeting_record(record)
        assert second_store.get_meeting_record(record.id) == record
        assert second_store.find_meeting_records(tenant="t1") == [record]
        cancelled = attrs.evolve(record, state="cancelled", version=2)
        second_store.update_meeting_record(cancelled, expected_version=1)
        assert store.get_meeting_record(record.id) == cancelled

    def test_meeting_record_keeps_in_zoom_and_its_calendars(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Meeting records keep in_zoom and their calendars, in order, through add and update."""
        record = make_record(in_zoom="changed", calendars=("u1", "u7", "u2"))
        store.add_meeting_record(record)
        stored = second_store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.calendars == ("u1", "u7", "u2")
        assert second_store.find_meeting_records(tenant="t1") == [record]
        deleted = attrs.evolve(record, in_zoom="deleted", calendars=("u2",), version=2)
        second_store.update_meeting_record(deleted, expected_version=1)
        assert store.get_meeting_record(record.id) == deleted
        emptied = attrs.evolve(deleted, in_zoom="as_booked", calendars=(), version=3)
        store.update_meeting_record(emptied, expected_version=2)
        assert second_store.get_meeting_record(record.id) == emptied

    def test_a_record_stored_without_in_zoom_or_calendars_reads_back_with_defaults(
        self, store: TokenStore
    ) -> None:
        """A record stored without in_zoom or calendars reads back as_booked, on no calendars."""
        store.add_meeting_record(make_record())
        stored = store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.in_zoom == "as_booked"
        assert stored.calendars == ()

    def test_detached_is_a_state_records_are_stored_and_found_in(
        self, store: TokenStore
    ) -> None:
        """Detached is a state records can be stored and found in."""
        store.add_meeting_record(make_record("t1:b1"))
        record = make_record("t1:b2", state="pending", meeting_id=None)
        store.add_meeting_record(record)
        detached = attrs.evolve(
            record, state="detached", join_url="", password="", calendars=("u1",), version=2
        )
        store.update_meeting_record(detached, expected_version=1)
        assert store.get_meeting_record("t1:b2") == detached
        assert store.find_meeting_records(state="detached") == [detached]
        found = store.find_meeting_records(tenant="t1", state="scheduled")
        assert [r.id for r in found] == ["t1:b1"]

    def test_meeting_records_are_found_by_connection_id(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Records are found by connection id, ordered by start instant then id."""
        later = T0 + timedelta(days=2)
        store.add_meeting_record(make_record("t1:b3", start=later, end=later))
        store.add_meeting_record(make_record("t1:b2", start=T0, end=T0))
        store.add_meeting_record(
            make_record("t1:b1", start=T0, end=T0, connection_id="l2", meeting_id=MEETING_ID + 1)
        )
        store.add_meeting_record(
            make_record("t2:b1", start=T0, end=T0, tenant="t2", connection_id="l2")
        )
        found = second_store.find_meeting_records(connection_id="l1")
        assert [r.id for r in found] == ["t1:b2", "t1:b3"]
        found = second_store.find_meeting_records(connection_id="l2")
        assert [r.id for r in found] == ["t1:b1", "t2:b1"]
        assert store.find_meeting_records(connection_id="l9") == []

    def test_meeting_records_are_found_by_zoom_meeting_id(
        self, store: TokenStore
    ) -> None:
        """Records are found by Zoom meeting id (11 digits); pending ones have none to match."""
        later = T0 + timedelta(days=2)
        store.add_meeting_record(make_record("t1:b2", start=later, end=later))
        store.add_meeting_record(make_record("t2:b1", tenant="t2"))
        store.add_meeting_record(make_record("t1:b3", meeting_id=MEETING_ID + 1))
        store.add_meeting_record(make_record("t1:b4", state="pending", meeting_id=None))
        found = store.find_meeting_records(meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t2:b1", "t1:b2"]
        found = store.find_meeting_records(meeting_id=MEETING_ID + 1)
        assert [r.id for r in found] == ["t1:b3"]
        assert store.find_meeting_records(meeting_id=MEETING_ID + 2) == []
        assert store.find_meeting_records(meeting_id=0) == []

    def test_meeting_record_filters_combine(self, store: TokenStore) -> None:
        """Filters combine: a record is found only when it matches every filter given."""
        store.add_meeting_record(make_record("t1:b1"))
        store.add_meeting_record(make_record("t1:b2", state="cancelled"))
        store.add_meeting_record(make_record("t1:b3", connection_id="l2"))
        store.add_meeting_record(make_record("t2:b1", tenant="t2"))
        store.add_meeting_record(make_record("t1:b4", host_id="u2", connection_id="l2"))
        found = store.find_meeting_records(connection_id="l1", meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t1:b1", "t1:b2", "t2:b1"]
        found = store.find_meeting_records(
            tenant="t1", connection_id="l1", meeting_id=MEETING_ID, state="scheduled"
        )
        assert [r.id for r in found] == ["t1:b1"]
        found = store.find_meeting_records(connection_id="l2", host_id="u1")
        assert [r.id for r in found] == ["t1:b3"]
        found = store.find_meeting_records(booking_id="b1", meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t1:b1", "t2:b1"]
        assert store.find_meeting_records(tenant="t2", connection_id="l2") == []
        assert store.find_meeting_records(connection_id="l1", meeting_id=1) == []

    # -- preferences ----------------------------------------------------------------------

    def test_preference_is_set_replaced_and_read(self, store: TokenStore) -> None:
        """get_preference is None until set_preference, then the latest value set."""
        assert store.get_preference("t1", "u1", "conferencing") is None
        store.set_preference("t1", "u1", "conferencing", "zoom")
        assert store.get_preference("t1", "u1", "conferencing") == "zoom"
        store.set_preference("t1", "u1", "conferencing", "builtin")
        assert store.get_preference("t1", "u1", "conferencing") == "builtin"

    def test_preferences_are_kept_per_tenant_user_and_name(
        self, store: TokenStore
    ) -> None:
        """A preference belongs to one tenant, user and name; the others are not touched."""
        store.set_preference("t1", "u1", "conferencing", "zoom")
        store.set_preference("t2", "u1", "conferencing", "builtin")
        store.set_preference("t1", "u2", "conferencing", "builtin")
        store.set_preference("t1", "u1", "other", "x")
        assert store.get_preference("t1", "u1", "conferencing") == "zoom"
        assert store.get_preference("t2", "u1", "conferencing") == "builtin"
        assert store.get_preference("t1", "u2", "conferencing") == "builtin"
        assert store.get_preference("t2", "u2", "conferencing") is None
        assert store.remove_preference("t2", "u1", "conferencing") is True
        assert store.get_preference("t1", "u1", "conferencing") == "zoom"
        assert store.get_preference("t1", "u1", "other") == "x"

    def test_remove_preference_says_whether_it_was_set(self, store: TokenStore) -> None:
        """remove_preference forgets the value and reports True, then False."""
        store.set_preference("t1", "u1", "conferencing", "zoom")
        assert store.remove_preference("t1", "u1", "conferencing") is True
        assert store.get_preference("t1", "u1", "conferencing") is None
        assert store.remove_preference("t1", "u1", "conferencing") is False

    # -- quotas ---------------------------------------------------------------------------

    def test_take_quota_counts_up_to_the_limit(self, store: TokenStore) -> None:
        """take_quota returns 1, 2, … up to the limit, then None without counting more."""
        until = T0 + timedelta(days=1)
        counts = [
            store.take_quota("q:zu1:2026-03-01", limit=3, expires_at=until) for _ in range(4)
        ]
        assert counts == [1, 2, 3, None]
        assert store.quota_used("q:zu1:2026-03-01") == 3

    def test_quotas_are_counted_by_name(self, store: TokenStore) -> None:
        """Each quota name has its own count."""
        until = T0 + timedelta(days=1)
        assert store.take_quota("q:zu1:2026-03-01", limit=1, expires_at=until) == 1
        assert store.take_quota("q:zu2:2026-03-01", limit=1, expires_at=until) == 1
        assert store.take_quota("q:zu1:2026-03-01", limit=1, expires_at=until) is None
        assert store.quota_used("q:zu2:2026-03-01") == 1

    def test_unknown_quota_has_no_uses(self, store: TokenStore) -> None:
        """quota_used of a quota never taken is 0."""
        assert store.quota_used("q:nobody:2026-03-01") == 0

    def test_filled_quota_takes_no_more(self, store: TokenStore) -> None:
        """After fill_quota the quota counts as used up, so take_quota returns None."""
        until = T0 + timedelta(days=1)
        assert store.take_quota("q:zu1:2026-03-01", limit=100, expires_at=until) == 1
        store.fill_quota("q:zu1:2026-03-01", limit=100, expires_at=until)
        assert store.quota_used("q:zu1:2026-03-01") == 100
        assert store.take_quota("q:zu1:2026-03-01", limit=100, expires_at=until) is None
        store.fill_quota("q:zu2:2026-03-01", limit=5, expires_at=until)
        assert store.take_quota("q:zu2:2026-03-01", limit=5, expires_at=until) is None
        assert store.quota_used("q:zu2:2026-03-01") == 5

    def test_unexpired_quotas_survive_newer_ones(self, store: TokenStore) -> None:
        """Counting a quota that expires later keeps the counts of quotas not yet expired."""
        first, second = T0 + timedelta(days=1), T0 + timedelta(days=2)
        assert store.take_quota("q:zu1:2026-03-01", limit=5, expires_at=first) == 1
        assert store.take_quota("q:zu1:2026-03-02", limit=5, expires_at=second) == 1
        store.fill_quota("q:zu2:2026-03-02", limit=5, expires_at=second)
        assert store.quota_used("q:zu1:2026-03-01") == 1
        assert store.take_quota("q:zu1:2026-03-01", limit=5, expires_at=first) == 2

    def test_concurrent_quota_takes_never_pass_the_limit(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Of many concurrent takes through both stores, exactly ``limit`` are counted."""
        until = T0 + timedelta(days=1)
        results = gather_threads(
            partial(
                (store if i % 2 else second_store).take_quota,
                "q:zu1:2026-03-01",
                limit=5,
                expires_at=until,
            )
            for i in range(16)
        )
        assert sorted(count for count in results if count is not None) == [1, 2, 3, 4, 5]
        assert store.quota_used("q:zu1:2026-03-01") == 5
        assert second_store.quota_used("q:zu1:2026-03-01") == 5

    # -- locks ----------------------------------------------------------------------------

    def test_lock_excludes_other_holders(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """While one holder has a lock, no other holder (through either store) enters it."""
        inside = 0
        most = 0

        def hold(index: int) -> None:
            nonlocal inside, most
            target = store if index % 2 else second_store
            with target.lock("grant:app:zu1", timeout=10):
                inside += 1
                most = max(most, inside)
                time.sleep(0.01)
                inside -= 1

        gather_threads(partial(hold, index) for index in range(6))
        assert most == 1

    def test_lock_times_out_with_a_typed_error(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """A lock held elsewhere raises LockTimeoutError after the timeout, then frees up."""
        with store.lock("busy", timeout=5):
            with pytest.raises(LockTimeoutError):
                with second_store.lock("busy", timeout=0.2):
                    pass  # pragma: no cover - the lock must not be granted
        with second_store.lock("busy", timeout=5):
            pass

    def test_different_lock_names_do_not_block(self, store: TokenStore) -> None:
        """Locks with different names are held at the same time."""
        with store.lock("one", timeout=1), store.lock("two", timeout=1):
            pass

    def test_lock_is_released_when_the_block_raises(self, store: TokenStore) -> None:
        """An exception inside the block releases the lock."""
        with pytest.raises(RuntimeError):
            with store.lock("fails", timeout=1):
                raise RuntimeError("boom")
        with store.lock("fails", timeout=1):
            pass

    # -- the outbox ---------------------------------------------------------------------------

    def test_pending_work_round_trips_and_is_found_soonest_first(
        self, store: TokenStore
    ) -> None:
        """Pending work reads back equal, and is found by tenant, state and due time, soonest
        due first, up to a limit."""
        late = make_work("w1", not_before=T0 + timedelta(hours=2))
        soon = make_work("w2", not_before=T0 + timedelta(minutes=5), tenant="t2")
        failed = make_work("w3", not_before=T0, state="failed")
        for work in (late, soon, failed):
            store.put_work(work)
        assert store.get_work("w1") == late
        assert store.get_work("nope") is None
        assert store.find_work() == [failed, soon, late]
        assert store.find_work(state="waiting") == [soon, late]
        assert store.find_work(tenant="t2") == [soon]
        due = store.find_work(state="waiting", due_before=T0 + timedelta(hours=1))
        assert due == [soon]
        assert store.find_work(limit=2) == [failed, soon]

    def test_pending_work_is_replaced_by_version_or_outright(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """A newer call replaces a booking's work outright; a runner's update holds only if
        nobody changed it meanwhile, through either store object."""
        first = make_work("w1")
        store.put_work(first)
        tried = attrs.evolve(first, attempts=1, version=2)
        second_store.put_work(tried, expected_version=1)
        with pytest.raises(StaleRecordError):
            store.put_work(attrs.evolve(tried, version=3), expected_version=1)
        with pytest.raises(StaleRecordError):
            store.put_work(make_work("w9"), expected_version=1)
        newer = make_work("w1", intent="cancel")
        store.put_work(newer)  # supersedes, whatever the version
        assert second_store.get_work("w1") == newer

    def test_pending_work_is_removed_only_at_its_version(
        self, store: TokenStore
    ) -> None:
        """Removing at a version that changed leaves the work; without one it always goes."""
        store.put_work(make_work("w1", version=3))
        assert store.remove_work("w1", expected_version=2) is False
        assert store.get_work("w1") is not None
        assert store.remove_work("w1", expected_version=3) is True
        assert store.remove_work("w1") is False
        store.put_work(make_work("w2"))
        assert store.remove_work("w2") is True
        assert store.find_work() == []

    # -- pacing -------------------------------------------------------------------------------

    def test_pace_lets_a_burst_go_then_waits_for_the_window(
        self, store: TokenStore
    ) -> None:
        """``rate`` slots are free at once; the next waits until the first leaves the window."""
        waits = [store.pace("pace:a", rate=3, window=10.0) for _ in range(4)]
        assert waits[:3] == [0.0, 0.0, 0.0]
        assert 5.0 < waits[3] <= 10.0  # the window less the time the calls took
        assert store.pace("pace:b", rate=3, window=10.0) == 0.0  # another limit

    def test_pace_holds_every_later_slot_after_a_pause(self, store: TokenStore) -> None:
        """A pause (a 429's Retry-After) delays the caller and everyone after it."""
        assert 2.5 < store.pace("pace:a", rate=50, window=1.0, pause=5.0) <= 5.0
        assert 2.5 < store.pace("pace:a", rate=50, window=1.0) <= 5.0

    def test_pace_is_shared_by_store_objects_on_the_same_data(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Two store objects on one database (two processes) share one pace."""
        assert store.pace("pace:a", rate=2, window=10.0) == 0.0
        assert second_store.pace("pace:a", rate=2, window=10.0) == 0.0
        assert store.pace("pace:a", rate=2, window=10.0) > 5.0

    def test_concurrent_paces_each_get_a_slot_of_their_own(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Eight callers at once on two store objects: no window of the limit holds more
        than its rate of their slots."""

        def take(index: int) -> float:
            return (store if index % 2 else second_store).pace("pace:a", rate=3, window=10.0)

        waits = sorted(gather_threads(partial(take, index) for index in range(8)))
        assert waits[:3] == [0.0, 0.0, 0.0]
        assert all(5.0 < wait <= 10.0 for wait in waits[3:6])
        assert all(15.0 < wait <= 20.0 for wait in waits[6:])

    # -- erasing ------------------------------------------------------------------------------

    def test_erasing_deleted_data_keeps_what_is_live(self, store: TokenStore) -> None:
        """erase_deleted (called after every purge) removes nothing that was not deleted, and
        can be called again at once."""
        grant, link, record = make_grant(), make_link(), make_record()
        store.add_grant(grant)
        store.put_link(link)
        store.add_meeting_record(record)
        store.add_grant(make_grant("app:zu2"))
        assert store.remove_grant("app:zu2")
        store.erase_deleted()
        store.erase_deleted()
        assert store.get_grant(grant.id) == grant
        assert store.get_link(link.id) == link
        assert store.get_meeting_record(record.id) == record
        assert store.get_grant("app:zu2") is None
