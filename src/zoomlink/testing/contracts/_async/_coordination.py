"""The token store contract on what workers share: preferences, quotas, locks, pending work,
send slots and erasing.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

import attrs
import pytest

from zoomlink import (
    AsyncTokenStore,
    LockTimeoutError,
    StaleRecordError,
)
from zoomlink.testing.contracts._async._examples import (
    T0,
    make_grant,
    make_link,
    make_record,
    make_work,
)
from zoomlink.testing.contracts._concurrent import gather_async


class AsyncCoordinationContract:
    """Part of :class:`~zoomlink.testing.contracts.AsyncTokenStoreContract`: inherit that."""

    # -- preferences ----------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_preference_is_set_replaced_and_read(self, store: AsyncTokenStore) -> None:
        """get_preference is None until set_preference, then the latest value set."""
        assert await store.get_preference("t1", "u1", "conferencing") is None
        await store.set_preference("t1", "u1", "conferencing", "zoom")
        assert await store.get_preference("t1", "u1", "conferencing") == "zoom"
        await store.set_preference("t1", "u1", "conferencing", "builtin")
        assert await store.get_preference("t1", "u1", "conferencing") == "builtin"

    @pytest.mark.asyncio
    async def test_preferences_are_kept_per_tenant_user_and_name(
        self, store: AsyncTokenStore
    ) -> None:
        """A preference belongs to one tenant, user and name; the others are not touched."""
        await store.set_preference("t1", "u1", "conferencing", "zoom")
        await store.set_preference("t2", "u1", "conferencing", "builtin")
        await store.set_preference("t1", "u2", "conferencing", "builtin")
        await store.set_preference("t1", "u1", "other", "x")
        assert await store.get_preference("t1", "u1", "conferencing") == "zoom"
        assert await store.get_preference("t2", "u1", "conferencing") == "builtin"
        assert await store.get_preference("t1", "u2", "conferencing") == "builtin"
        assert await store.get_preference("t2", "u2", "conferencing") is None
        assert await store.remove_preference("t2", "u1", "conferencing") is True
        assert await store.get_preference("t1", "u1", "conferencing") == "zoom"
        assert await store.get_preference("t1", "u1", "other") == "x"

    @pytest.mark.asyncio
    async def test_remove_preference_says_whether_it_was_set(self, store: AsyncTokenStore) -> None:
        """remove_preference forgets the value and reports True, then False."""
        await store.set_preference("t1", "u1", "conferencing", "zoom")
        assert await store.remove_preference("t1", "u1", "conferencing") is True
        assert await store.get_preference("t1", "u1", "conferencing") is None
        assert await store.remove_preference("t1", "u1", "conferencing") is False

    # -- quotas ---------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_take_quota_counts_up_to_the_limit(self, store: AsyncTokenStore) -> None:
        """take_quota returns 1, 2, … up to the limit, then None without counting more."""
        until = T0 + timedelta(days=1)
        counts = [
            await store.take_quota("q:zu1:2026-03-01", limit=3, expires_at=until) for _ in range(4)
        ]
        assert counts == [1, 2, 3, None]
        assert await store.quota_used("q:zu1:2026-03-01") == 3

    @pytest.mark.asyncio
    async def test_quotas_are_counted_by_name(self, store: AsyncTokenStore) -> None:
        """Each quota name has its own count."""
        until = T0 + timedelta(days=1)
        assert await store.take_quota("q:zu1:2026-03-01", limit=1, expires_at=until) == 1
        assert await store.take_quota("q:zu2:2026-03-01", limit=1, expires_at=until) == 1
        assert await store.take_quota("q:zu1:2026-03-01", limit=1, expires_at=until) is None
        assert await store.quota_used("q:zu2:2026-03-01") == 1

    @pytest.mark.asyncio
    async def test_unknown_quota_has_no_uses(self, store: AsyncTokenStore) -> None:
        """quota_used of a quota never taken is 0."""
        assert await store.quota_used("q:nobody:2026-03-01") == 0

    @pytest.mark.asyncio
    async def test_filled_quota_takes_no_more(self, store: AsyncTokenStore) -> None:
        """After fill_quota the quota counts as used up, so take_quota returns None."""
        until = T0 + timedelta(days=1)
        assert await store.take_quota("q:zu1:2026-03-01", limit=100, expires_at=until) == 1
        await store.fill_quota("q:zu1:2026-03-01", limit=100, expires_at=until)
        assert await store.quota_used("q:zu1:2026-03-01") == 100
        assert await store.take_quota("q:zu1:2026-03-01", limit=100, expires_at=until) is None
        await store.fill_quota("q:zu2:2026-03-01", limit=5, expires_at=until)
        assert await store.take_quota("q:zu2:2026-03-01", limit=5, expires_at=until) is None
        assert await store.quota_used("q:zu2:2026-03-01") == 5

    @pytest.mark.asyncio
    async def test_unexpired_quotas_survive_newer_ones(self, store: AsyncTokenStore) -> None:
        """Counting a quota that expires later keeps the counts of quotas not yet expired."""
        first, second = T0 + timedelta(days=1), T0 + timedelta(days=2)
        assert await store.take_quota("q:zu1:2026-03-01", limit=5, expires_at=first) == 1
        assert await store.take_quota("q:zu1:2026-03-02", limit=5, expires_at=second) == 1
        await store.fill_quota("q:zu2:2026-03-02", limit=5, expires_at=second)
        assert await store.quota_used("q:zu1:2026-03-01") == 1
        assert await store.take_quota("q:zu1:2026-03-01", limit=5, expires_at=first) == 2

    @pytest.mark.asyncio
    async def test_concurrent_quota_takes_never_pass_the_limit(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Of many concurrent takes through both stores, exactly ``limit`` are counted."""
        until = T0 + timedelta(days=1)
        results = await gather_async(
            partial(
                (store if i % 2 else second_store).take_quota,
                "q:zu1:2026-03-01",
                limit=5,
                expires_at=until,
            )
            for i in range(16)
        )
        assert sorted(count for count in results if count is not None) == [1, 2, 3, 4, 5]
        assert await store.quota_used("q:zu1:2026-03-01") == 5
        assert await second_store.quota_used("q:zu1:2026-03-01") == 5

    # -- locks ----------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_lock_excludes_other_holders(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """While one holder has a lock, no other holder (through either store) enters it."""
        inside = 0
        most = 0

        async def hold(index: int) -> None:
            nonlocal inside, most
            target = store if index % 2 else second_store
            async with target.lock("grant:app:zu1", timeout=10):
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.01)
                inside -= 1

        await gather_async(partial(hold, index) for index in range(6))
        assert most == 1

    @pytest.mark.asyncio
    async def test_lock_times_out_with_a_typed_error(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """A lock held elsewhere raises LockTimeoutError after the timeout, then frees up."""
        async with store.lock("busy", timeout=5):
            with pytest.raises(LockTimeoutError):
                async with second_store.lock("busy", timeout=0.2):
                    pass  # pragma: no cover - the lock must not be granted
        async with second_store.lock("busy", timeout=5):
            pass

    @pytest.mark.asyncio
    async def test_different_lock_names_do_not_block(self, store: AsyncTokenStore) -> None:
        """Locks with different names are held at the same time."""
        async with store.lock("one", timeout=1), store.lock("two", timeout=1):
            pass

    @pytest.mark.asyncio
    async def test_lock_is_released_when_the_block_raises(self, store: AsyncTokenStore) -> None:
        """An exception inside the block releases the lock."""
        with pytest.raises(RuntimeError):
            async with store.lock("fails", timeout=1):
                raise RuntimeError("boom")
        async with store.lock("fails", timeout=1):
            pass

    # -- the outbox ---------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_pending_work_round_trips_and_is_found_soonest_first(
        self, store: AsyncTokenStore
    ) -> None:
        """Pending work reads back equal, and is found by tenant, state and due time, soonest
        due first, up to a limit."""
        late = make_work("w1", not_before=T0 + timedelta(hours=2))
        soon = make_work("w2", not_before=T0 + timedelta(minutes=5), tenant="t2")
        failed = make_work("w3", not_before=T0, state="failed")
        for work in (late, soon, failed):
            await store.put_work(work)
        assert await store.get_work("w1") == late
        assert await store.get_work("nope") is None
        assert await store.find_work() == [failed, soon, late]
        assert await store.find_work(state="waiting") == [soon, late]
        assert await store.find_work(tenant="t2") == [soon]
        due = await store.find_work(state="waiting", due_before=T0 + timedelta(hours=1))
        assert due == [soon]
        assert await store.find_work(limit=2) == [failed, soon]

    @pytest.mark.asyncio
    async def test_pending_work_is_replaced_by_version_or_outright(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """A newer call replaces a booking's work outright; a runner's update holds only if
        nobody changed it meanwhile, through either store object."""
        first = make_work("w1")
        await store.put_work(first)
        tried = attrs.evolve(first, attempts=1, version=2)
        await second_store.put_work(tried, expected_version=1)
        with pytest.raises(StaleRecordError):
            await store.put_work(attrs.evolve(tried, version=3), expected_version=1)
        with pytest.raises(StaleRecordError):
            await store.put_work(make_work("w9"), expected_version=1)
        newer = make_work("w1", intent="cancel")
        await store.put_work(newer)  # supersedes, whatever the version
        assert await second_store.get_work("w1") == newer

    @pytest.mark.asyncio
    async def test_pending_work_is_removed_only_at_its_version(
        self, store: AsyncTokenStore
    ) -> None:
        """Removing at a version that changed leaves the work; without one it always goes."""
        await store.put_work(make_work("w1", version=3))
        assert await store.remove_work("w1", expected_version=2) is False
        assert await store.get_work("w1") is not None
        assert await store.remove_work("w1", expected_version=3) is True
        assert await store.remove_work("w1") is False
        await store.put_work(make_work("w2"))
        assert await store.remove_work("w2") is True
        assert await store.find_work() == []

    # -- pacing -------------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_pace_lets_a_burst_go_then_waits_for_the_window(
        self, store: AsyncTokenStore
    ) -> None:
        """``rate`` slots are free at once (a wait of 0, or a little below when the slot went
        by while the store answered); the next waits until the first leaves the window."""
        waits = [await store.pace("pace:a", rate=3, window=10.0) for _ in range(4)]
        assert all(_now(wait) for wait in waits[:3]), waits
        assert 5.0 < waits[3] <= 10.0  # the window less the time the calls took
        assert _now(await store.pace("pace:b", rate=3, window=10.0))  # another limit

    @pytest.mark.asyncio
    async def test_pace_holds_every_later_slot_after_a_pause(self, store: AsyncTokenStore) -> None:
        """A pause (a 429's Retry-After) delays the caller and everyone after it."""
        assert 2.5 < await store.pace("pace:a", rate=50, window=1.0, pause=5.0) <= 5.0
        assert 2.5 < await store.pace("pace:a", rate=50, window=1.0) <= 5.0

    @pytest.mark.asyncio
    async def test_pace_is_shared_by_store_objects_on_the_same_data(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Two store objects on one database (two processes) share one pace."""
        assert _now(await store.pace("pace:a", rate=2, window=10.0))
        assert _now(await second_store.pace("pace:a", rate=2, window=10.0))
        assert await store.pace("pace:a", rate=2, window=10.0) > 5.0

    @pytest.mark.asyncio
    async def test_concurrent_paces_each_get_a_slot_of_their_own(
        self, store: AsyncTokenStore, second_store: AsyncTokenStore
    ) -> None:
        """Eight callers at once on two store objects: no window of the limit holds more
        than its rate of their slots."""

        async def take(index: int) -> float:
            return await (store if index % 2 else second_store).pace("pace:a", rate=3, window=10.0)

        waits = sorted(await gather_async(partial(take, index) for index in range(8)))
        assert all(_now(wait) for wait in waits[:3]), waits
        assert all(5.0 < wait <= 10.0 for wait in waits[3:6])
        assert all(15.0 < wait <= 20.0 for wait in waits[6:])

    # -- erasing ------------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_erasing_deleted_data_keeps_what_is_live(self, store: AsyncTokenStore) -> None:
        """erase_deleted (called after every purge) removes nothing that was not deleted, and
        can be called again at once."""
        grant, link, record = make_grant(), make_link(), make_record()
        await store.add_grant(grant)
        await store.put_link(link)
        await store.add_meeting_record(record)
        await store.add_grant(make_grant("app:zu2"))
        assert await store.remove_grant("app:zu2")
        await store.erase_deleted()
        await store.erase_deleted()
        assert await store.get_grant(grant.id) == grant
        assert await store.get_link(link.id) == link
        assert await store.get_meeting_record(record.id) == record
        assert await store.get_grant("app:zu2") is None


def _now(wait: float) -> bool:
    """Whether a pace's wait says "send now": 0, or below 0 by what answering took."""
    return -1.0 < wait <= 0.0
