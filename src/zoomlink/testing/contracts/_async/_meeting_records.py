"""The token store contract on meeting records: a booking's meeting as zoomlink keeps it.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from zoomlink import (
    AsyncTokenStore,
    DuplicateRecordError,
    StaleRecordError,
)
from zoomlink.testing.contracts._async._examples import (
    INDIA,
    MEETING_ID,
    T0,
    count_winners,
    make_record,
    make_recurring_record,
)


class AsyncMeetingRecordsContract:
    """Part of :class:`~zoomlink.testing.contracts.AsyncTokenStoreContract`: inherit that."""

    # -- meeting records ------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_meeting_record_round_trips_unchanged(self, store: AsyncTokenStore) -> None:
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
        await store.add_meeting_record(record)
        stored = await store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.meeting_id == MEETING_ID
        times = [stored.start, stored.end, stored.created_at, stored.updated_at]
        assert all(moment.utcoffset() is not None for moment in times)

    @pytest.mark.asyncio
    async def test_pending_meeting_record_round_trips(self, store: AsyncTokenStore) -> None:
        """A pending record (no meeting ID, link or passcode yet) reads back equal."""
        record = make_record(state="pending", meeting_id=None, join_url="", password="")
        await store.add_meeting_record(record)
        assert await store.get_meeting_record(record.id) == record

    @pytest.mark.asyncio
    async def test_unknown_meeting_record_is_none(self, store: AsyncTokenStore) -> None:
        """Reading a meeting record that was never stored gives None."""
        assert await store.get_meeting_record("t1:nothing") is None

    @pytest.mark.asyncio
    async def test_adding_an_existing_meeting_record_is_refused(
        self, store: AsyncTokenStore
    ) -> None:
        """A second add with the same id raises DuplicateRecordError and keeps the first."""
        await store.add_meeting_record(make_record())
        with pytest.raises(DuplicateRecordError) as raised:
            await store.add_meeting_record(make_record(topic="Another"))
        assert raised.value.record_id == "t1:b1"
        stored = await store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.topic == "Intro call"

    @pytest.mark.asyncio
    async def test_meeting_record_update_with_the_expected_version_replaces(
        self, store: AsyncTokenStore
    ) -> None:
        """update_meeting_record writes when the stored version is the expected one."""
        record = make_record(state="pending", meeting_id=None)
        await store.add_meeting_record(record)
        newer = attrs.evolve(
            record, state="scheduled", meeting_id=MEETING_ID + 1, announced=True, version=2
        )
        await store.update_meeting_record(newer, expected_version=1)
        assert await store.get_meeting_record(record.id) == newer

    @pytest.mark.asyncio
    async def test_meeting_record_update_with_a_stale_version_is_refused(
        self, store: AsyncTokenStore
    ) -> None:
        """A stale update_meeting_record raises StaleRecordError and writes nothing."""
        record = make_record()
        await store.add_meeting_record(record)
        current = attrs.evolve(record, topic="Moved", version=2)
        await store.update_meeting_record(current, expected_version=1)
        with pytest.raises(StaleRecordError) as raised:
            await store.update_meeting_record(
                attrs.evolve(record, state="cancelled", version=2), expected_version=1
            )
        assert raised.value.record_id == record.id
        assert await store.get_meeting_record(record.id) == current

    @pytest.mark.asyncio
    async def test_update_of_a_missing_meeting_record_is_refused(
        self, store: AsyncTokenStore
    ) -> None:
        """update_meeting_record on a record that is not stored raises StaleRecordError."""
        with pytest.raises(StaleRecordError):
            await store.update_meeting_record(make_record(version=2), expected_version=1)
        assert await store.get_meeting_record("t1:b1") is None

    @pytest.mark.asyncio
    async def test_concurrent_meeting_record_updates_let_exactly_one_win(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Of many record updates from the same version, through both stores, one succeeds."""
        record = make_record()
        await store.add_meeting_record(record)

        async def update(target: AsyncTokenStore, index: int) -> None:
            candidate = attrs.evolve(record, topic=f"topic {index}", version=2)
            await target.update_meeting_record(candidate, expected_version=1)

        assert await count_winners((store, second_store), update) == 1

    @pytest.mark.asyncio
    async def test_remove_meeting_record_says_whether_it_existed(
        self, store: AsyncTokenStore
    ) -> None:
        """remove_meeting_record deletes the record and reports True, then False."""
        await store.add_meeting_record(make_record())
        assert await store.remove_meeting_record("t1:b1") is True
        assert await store.get_meeting_record("t1:b1") is None
        assert await store.remove_meeting_record("t1:b1") is False

    @pytest.mark.asyncio
    async def test_find_meeting_records_filters_and_orders_by_start_then_id(
        self, store: AsyncTokenStore
    ) -> None:
        """find_meeting_records applies every filter given, ordered by start instant then id."""
        later = T0 + timedelta(days=2)
        # 14:00 in India is 08:30 UTC: earlier than T0 although its wall-clock text is later.
        early = datetime(2026, 3, 1, 14, 0, tzinfo=INDIA)
        await store.add_meeting_record(make_record("t1:b3", start=later, end=later))
        await store.add_meeting_record(make_record("t1:b2", start=T0, end=T0, host_id="u2"))
        await store.add_meeting_record(make_record("t1:b1", start=T0, end=T0, state="cancelled"))
        await store.add_meeting_record(make_record("t2:b1", start=early, end=early))
        ids = [r.id for r in await store.find_meeting_records()]
        assert ids == ["t2:b1", "t1:b1", "t1:b2", "t1:b3"]
        found = await store.find_meeting_records(tenant="t1")
        assert [r.id for r in found] == ["t1:b1", "t1:b2", "t1:b3"]
        assert [r.id for r in await store.find_meeting_records(host_id="u2")] == ["t1:b2"]
        found = await store.find_meeting_records(booking_id="b1")
        assert [r.id for r in found] == ["t2:b1", "t1:b1"]
        found = await store.find_meeting_records(state="cancelled")
        assert [r.id for r in found] == ["t1:b1"]
        found = await store.find_meeting_records(tenant="t1", host_id="u1", state="scheduled")
        assert [r.id for r in found] == ["t1:b3"]
        assert await store.find_meeting_records(tenant="t1", booking_id="b9") == []

    @pytest.mark.asyncio
    async def test_recurring_meeting_record_round_trips_unchanged(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """A recurring record's rule and occurrences (order, times, states) survive add, get,
        find and update unchanged."""
        record = make_recurring_record()
        await store.add_meeting_record(record)
        stored = await store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.recurrence == "FREQ=WEEKLY;BYDAY=MO;COUNT=3"
        assert [o.occurrence_id for o in stored.occurrences] == [
            o.occurrence_id for o in record.occurrences
        ]
        times = [moment for o in stored.occurrences for moment in (o.start, o.end)]
        assert all(moment.utcoffset() is not None for moment in times)
        assert await second_store.find_meeting_records(tenant="t1") == [record]
        assert await store.find_meeting_records(booking_id="b1", state="scheduled") == [record]
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
        await second_store.update_meeting_record(newer, expected_version=1)
        assert await store.get_meeting_record(record.id) == newer
        assert await store.find_meeting_records(tenant="t1") == [newer]

    @pytest.mark.asyncio
    async def test_updating_only_an_occurrence_state_is_persisted(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """An update that changes nothing but one occurrence's state is stored and read back."""
        record = make_recurring_record()
        await store.add_meeting_record(record)
        first, *others = record.occurrences
        cancelled = attrs.evolve(
            record, occurrences=(attrs.evolve(first, state="cancelled"), *others), version=2
        )
        await store.update_meeting_record(cancelled, expected_version=1)
        stored = await second_store.get_meeting_record(record.id)
        assert stored == cancelled
        assert stored is not None
        assert [o.state for o in stored.occurrences] == ["cancelled", "scheduled", "cancelled"]
        restored = attrs.evolve(cancelled, occurrences=record.occurrences, version=3)
        await second_store.update_meeting_record(restored, expected_version=2)
        assert await store.get_meeting_record(record.id) == restored

    @pytest.mark.asyncio
    async def test_a_one_off_meeting_record_has_no_rule_or_occurrences(
        self, store: AsyncTokenStore
    ) -> None:
        """A record stored without a rule or occurrences reads back with "" and ()."""
        await store.add_meeting_record(make_record())
        stored = await store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.recurrence == ""
        assert stored.occurrences == ()

    @pytest.mark.asyncio
    async def test_meeting_records_are_shared_by_store_objects(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """A record written through one store object is read and updated through the other."""
        record = make_record()
        await store.add_meeting_record(record)
        assert await second_store.get_meeting_record(record.id) == record
        assert await second_store.find_meeting_records(tenant="t1") == [record]
        cancelled = attrs.evolve(record, state="cancelled", version=2)
        await second_store.update_meeting_record(cancelled, expected_version=1)
        assert await store.get_meeting_record(record.id) == cancelled

    @pytest.mark.asyncio
    async def test_meeting_record_keeps_in_zoom_and_its_calendars(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Meeting records keep in_zoom and their calendars, in order, through add and update."""
        record = make_record(in_zoom="changed", calendars=("u1", "u7", "u2"))
        await store.add_meeting_record(record)
        stored = await second_store.get_meeting_record(record.id)
        assert stored == record
        assert stored is not None
        assert stored.calendars == ("u1", "u7", "u2")
        assert await second_store.find_meeting_records(tenant="t1") == [record]
        deleted = attrs.evolve(record, in_zoom="deleted", calendars=("u2",), version=2)
        await second_store.update_meeting_record(deleted, expected_version=1)
        assert await store.get_meeting_record(record.id) == deleted
        emptied = attrs.evolve(deleted, in_zoom="as_booked", calendars=(), version=3)
        await store.update_meeting_record(emptied, expected_version=2)
        assert await second_store.get_meeting_record(record.id) == emptied

    @pytest.mark.asyncio
    async def test_a_record_stored_without_in_zoom_or_calendars_reads_back_with_defaults(
        self, store: AsyncTokenStore
    ) -> None:
        """A record stored without in_zoom or calendars reads back as_booked, on no calendars."""
        await store.add_meeting_record(make_record())
        stored = await store.get_meeting_record("t1:b1")
        assert stored is not None
        assert stored.in_zoom == "as_booked"
        assert stored.calendars == ()

    @pytest.mark.asyncio
    async def test_detached_is_a_state_records_are_stored_and_found_in(
        self, store: AsyncTokenStore
    ) -> None:
        """Detached is a state records can be stored and found in."""
        await store.add_meeting_record(make_record("t1:b1"))
        record = make_record("t1:b2", state="pending", meeting_id=None)
        await store.add_meeting_record(record)
        detached = attrs.evolve(
            record, state="detached", join_url="", password="", calendars=("u1",), version=2
        )
        await store.update_meeting_record(detached, expected_version=1)
        assert await store.get_meeting_record("t1:b2") == detached
        assert await store.find_meeting_records(state="detached") == [detached]
        found = await store.find_meeting_records(tenant="t1", state="scheduled")
        assert [r.id for r in found] == ["t1:b1"]

    @pytest.mark.asyncio
    async def test_meeting_records_are_found_by_connection_id(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Records are found by connection id, ordered by start instant then id."""
        later = T0 + timedelta(days=2)
        await store.add_meeting_record(make_record("t1:b3", start=later, end=later))
        await store.add_meeting_record(make_record("t1:b2", start=T0, end=T0))
        await store.add_meeting_record(
            make_record("t1:b1", start=T0, end=T0, connection_id="l2", meeting_id=MEETING_ID + 1)
        )
        await store.add_meeting_record(
            make_record("t2:b1", start=T0, end=T0, tenant="t2", connection_id="l2")
        )
        found = await second_store.find_meeting_records(connection_id="l1")
        assert [r.id for r in found] == ["t1:b2", "t1:b3"]
        found = await second_store.find_meeting_records(connection_id="l2")
        assert [r.id for r in found] == ["t1:b1", "t2:b1"]
        assert await store.find_meeting_records(connection_id="l9") == []

    @pytest.mark.asyncio
    async def test_meeting_records_are_found_by_zoom_meeting_id(
        self, store: AsyncTokenStore
    ) -> None:
        """Records are found by Zoom meeting id (11 digits); pending ones have none to match."""
        later = T0 + timedelta(days=2)
        await store.add_meeting_record(make_record("t1:b2", start=later, end=later))
        await store.add_meeting_record(make_record("t2:b1", tenant="t2"))
        await store.add_meeting_record(make_record("t1:b3", meeting_id=MEETING_ID + 1))
        await store.add_meeting_record(make_record("t1:b4", state="pending", meeting_id=None))
        found = await store.find_meeting_records(meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t2:b1", "t1:b2"]
        found = await store.find_meeting_records(meeting_id=MEETING_ID + 1)
        assert [r.id for r in found] == ["t1:b3"]
        assert await store.find_meeting_records(meeting_id=MEETING_ID + 2) == []
        assert await store.find_meeting_records(meeting_id=0) == []

    @pytest.mark.asyncio
    async def test_meeting_record_filters_combine(self, store: AsyncTokenStore) -> None:
        """Filters combine: a record is found only when it matches every filter given."""
        await store.add_meeting_record(make_record("t1:b1"))
        await store.add_meeting_record(make_record("t1:b2", state="cancelled"))
        await store.add_meeting_record(make_record("t1:b3", connection_id="l2"))
        await store.add_meeting_record(make_record("t2:b1", tenant="t2"))
        await store.add_meeting_record(make_record("t1:b4", host_id="u2", connection_id="l2"))
        found = await store.find_meeting_records(connection_id="l1", meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t1:b1", "t1:b2", "t2:b1"]
        found = await store.find_meeting_records(
            tenant="t1", connection_id="l1", meeting_id=MEETING_ID, state="scheduled"
        )
        assert [r.id for r in found] == ["t1:b1"]
        found = await store.find_meeting_records(connection_id="l2", host_id="u1")
        assert [r.id for r in found] == ["t1:b3"]
        found = await store.find_meeting_records(booking_id="b1", meeting_id=MEETING_ID)
        assert [r.id for r in found] == ["t1:b1", "t2:b1"]
        assert await store.find_meeting_records(tenant="t2", connection_id="l2") == []
        assert await store.find_meeting_records(connection_id="l1", meeting_id=1) == []
