# This file is generated from src/zoomlink/testing/contracts/_async/_coordination.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""The token store contract on what workers share: preferences, quotas, locks, pending work,
send slots and erasing.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import partial

import attrs
import pytest

from zoomlink import (
    TokenStore,
    LockTimeoutError,
    StaleRecordError,
)
from zoomlink.testing.contracts._sync._examples import (
    T0,
    make_grant,
    make_link,
    make_record,
    make_work,
)
from zoomlink.testing.contracts._concurrent import gather_threads


class CoordinationContract:
    """Part of :class:`~zoomlink.testing.contracts.TokenStoreContract`: inherit that."""

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
        """``rate`` slots are free at once (a wait of 0, or a little below when the slot went
        by while the store answered); the next waits until the first leaves the window."""
        waits = [store.pace("pace:a", rate=3, window=10.0) for _ in range(4)]
        assert all(_now(wait) for wait in waits[:3]), waits
        assert 5.0 < waits[3] <= 10.0  # the window less the time the calls took
        assert _now(store.pace("pace:b", rate=3, window=10.0))  # another limit

    def test_pace_holds_every_later_slot_after_a_pause(self, store: TokenStore) -> None:
        """A pause (a 429's Retry-After) delays the caller and everyone after it."""
        assert 2.5 < store.pace("pace:a", rate=50, window=1.0, pause=5.0) <= 5.0
        assert 2.5 < store.pace("pace:a", rate=50, window=1.0) <= 5.0

    def test_pace_is_shared_by_store_objects_on_the_same_data(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Two store objects on one database (two processes) share one pace."""
        assert _now(store.pace("pace:a", rate=2, window=10.0))
        assert _now(second_store.pace("pace:a", rate=2, window=10.0))
        assert store.pace("pace:a", rate=2, window=10.0) > 5.0

    def test_concurrent_paces_each_get_a_slot_of_their_own(
        self, store: TokenStore, second_store: TokenStore
    ) -> None:
        """Eight callers at once on two store objects: no window of the limit holds more
        than its rate of their slots."""

        def take(index: int) -> float:
            return (store if index % 2 else second_store).pace("pace:a", rate=3, window=10.0)

        waits = sorted(gather_threads(partial(take, index) for index in range(8)))
        assert all(_now(wait) for wait in waits[:3]), waits
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


def _now(wait: float) -> bool:
    """Whether a pace's wait says "send now": 0, or below 0 by what answering took."""
    return -1.0 < wait <= 0.0
