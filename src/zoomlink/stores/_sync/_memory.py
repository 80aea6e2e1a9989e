# This file is generated from src/zoomlink/stores/_async/_memory.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""MemoryTokenStore: the token store that lives and dies with the process."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TypeVar

from zoomlink._core import _limits
from zoomlink._locks import KeyedLock
from zoomlink.booking import MeetingRecord, MeetingState
from zoomlink.errors import DuplicateRecordError, StaleRecordError
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link
from zoomlink.outbox import PendingWork, WorkState

# Quota counts are forgotten this long after they expire (measured against the expiry of the
# quota being counted: a store has no clock). Quota names carry their day, so old ones are inert.
_QUOTA_GRACE = timedelta(days=2)

# The records kept with a version, replaced by compare-and-swap.
_Versioned = TypeVar("_Versioned", Grant, MeetingRecord)


class MemoryTokenStore:
    """Keeps connections in this process's memory: for tests, demos and single-process tools.

    Everything is lost when the process ends, and other processes cannot see it; use
    :class:`~zoomlink.stores.SQLiteTokenStore` (one machine) or the PostgreSQL store (several)
    to keep connections. Tokens in it are sealed all the same.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._grants: dict[str, Grant] = {}
        self._links: dict[str, Link] = {}
        self._attempts: dict[str, ConnectAttempt] = {}
        self._records: dict[str, MeetingRecord] = {}
        self._preferences: dict[tuple[str, str, str], str] = {}
        # name -> (uses counted, expires_at)
        self._quotas: dict[str, tuple[int, datetime]] = {}
        self._paces: dict[str, _limits.PaceState] = {}
        self._work: dict[str, PendingWork] = {}
        self._locks = KeyedLock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(grants={len(self._grants)}, links={len(self._links)})"

    def get_grant(self, grant_id: str) -> Grant | None:
        """The grant with this id, or ``None``."""
        return self._grants.get(grant_id)

    def find_grants(
        self,
        *,
        client_id: str | None = None,
        zoom_user_id: str | None = None,
        zoom_account_id: str | None = None,
    ) -> list[Grant]:
        """Grants matching every given filter, by id."""
        with self._guard:
            grants = sorted(self._grants.values(), key=lambda grant: grant.id)
        return [
            grant
            for grant in grants
            if (client_id is None or grant.client_id == client_id)
            and (zoom_user_id is None or grant.zoom_user_id == zoom_user_id)
            and (zoom_account_id is None or grant.zoom_account_id == zoom_account_id)
        ]

    def add_grant(self, grant: Grant) -> None:
        """Store a new grant; :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        self._add(self._grants, grant, "grant")

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the grant if its stored version is ``expected_version``."""
        self._swap(self._grants, grant, expected_version, "grant")

    def remove_grant(self, grant_id: str) -> bool:
        """Delete a grant; whether it existed."""
        with self._guard:
            return self._grants.pop(grant_id, None) is not None

    def get_link(self, link_id: str) -> Link | None:
        """The link with this id, or ``None``."""
        return self._links.get(link_id)

    def find_links(
        self,
        *,
        tenant: str | None = None,
        kind: ConnectionKind | None = None,
        owner_id: str | None = None,
        grant_id: str | None = None,
    ) -> list[Link]:
        """Links matching every given filter, oldest first."""
        with self._guard:
            links = list(self._links.values())
        return [
            link
            for link in sorted(links, key=lambda link: (link.created_at, link.id))
            if (tenant is None or link.tenant == tenant)
            and (kind is None or link.kind == kind)
            and (owner_id is None or link.owner_id == owner_id)
            and (grant_id is None or link.grant_id == grant_id)
        ]

    def put_link(self, link: Link) -> None:
        """Insert or replace a link."""
        with self._guard:
            self._links[link.id] = link

    def remove_link(self, link_id: str) -> bool:
        """Delete a link; whether it existed."""
        with self._guard:
            return self._links.pop(link_id, None) is not None

    def add_attempt(self, attempt: ConnectAttempt) -> None:
        """Remember a connect in flight, forgetting those expired before it began."""
        with self._guard:
            for stale in [
                a.id for a in self._attempts.values() if a.expires_at < attempt.created_at
            ]:
                del self._attempts[stale]
            self._attempts[attempt.id] = attempt

    def take_attempt(self, attempt_id: str) -> ConnectAttempt | None:
        """Remove and return the attempt, once."""
        with self._guard:
            return self._attempts.pop(attempt_id, None)

    def get_meeting_record(self, record_id: str) -> MeetingRecord | None:
        """The meeting record with this id, or ``None``."""
        return self._records.get(record_id)

    def find_meeting_records(
        self,
        *,
        tenant: str | None = None,
        host_id: str | None = None,
        booking_id: str | None = None,
        state: MeetingState | None = None,
        connection_id: str | None = None,
        meeting_id: int | None = None,
    ) -> list[MeetingRecord]:
        """Meeting records matching every given filter, by start time then id."""
        with self._guard:
            records = list(self._records.values())
        return [
            record
            for record in sorted(records, key=lambda record: (record.start, record.id))
            if (tenant is None or record.tenant == tenant)
            and (host_id is None or record.host_id == host_id)
            and (booking_id is None or record.booking_id == booking_id)
            and (state is None or record.state == state)
            and (connection_id is None or record.connection_id == connection_id)
            and (meeting_id is None or record.meeting_id == meeting_id)
        ]

    def add_meeting_record(self, record: MeetingRecord) -> None:
        """Store a new meeting record; :class:`~zoomlink.DuplicateRecordError` if the id exists."""
        self._add(self._records, record, "meeting record")

    def update_meeting_record(self, record: MeetingRecord, *, expected_version: int) -> None:
        """Replace the record if its stored version is ``expected_version``."""
        self._swap(self._records, record, expected_version, "meeting record")

    def remove_meeting_record(self, record_id: str) -> bool:
        """Delete a meeting record; whether it existed."""
        with self._guard:
            return self._records.pop(record_id, None) is not None

    def put_work(self, work: PendingWork, *, expected_version: int | None = None) -> None:
        """Keep a booking's pending work, replacing what it had (only ``expected_version``,
        when given: StaleRecordError otherwise)."""
        with self._guard:
            if expected_version is not None:
                stored = self._work.get(work.id)
                if stored is None or stored.version != expected_version:
                    raise StaleRecordError(
                        f"pending work {work.id} changed since version {expected_version}",
                        record_id=work.id,
                    )
            self._work[work.id] = work

    def get_work(self, work_id: str) -> PendingWork | None:
        """The pending work with this id, or ``None``."""
        return self._work.get(work_id)

    def find_work(
        self,
        *,
        tenant: str | None = None,
        state: WorkState | None = None,
        due_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingWork]:
        """Pending work matching every given filter, soonest due first, at most ``limit``."""
        with self._guard:
            work = sorted(self._work.values(), key=lambda item: (item.not_before, item.id))
        found = [
            item
            for item in work
            if (tenant is None or item.tenant == tenant)
            and (state is None or item.state == state)
            and (due_before is None or item.not_before <= due_before)
        ]
        return found if limit is None else found[:limit]

    def remove_work(self, work_id: str, *, expected_version: int | None = None) -> bool:
        """Forget pending work (only at ``expected_version``, when given); whether it went."""
        with self._guard:
            stored = self._work.get(work_id)
            if stored is None or expected_version not in (None, stored.version):
                return False
            del self._work[work_id]
            return True

    def get_preference(self, tenant: str, user_id: str, name: str) -> str | None:
        """An app user's stored preference, or ``None``."""
        return self._preferences.get((tenant, user_id, name))

    def set_preference(self, tenant: str, user_id: str, name: str, value: str) -> None:
        """Store an app user's preference, replacing any earlier value."""
        with self._guard:
            self._preferences[tenant, user_id, name] = value

    def remove_preference(self, tenant: str, user_id: str, name: str) -> bool:
        """Forget an app user's preference; whether it was set."""
        with self._guard:
            return self._preferences.pop((tenant, user_id, name), None) is not None

    def take_quota(self, name: str, *, limit: int, expires_at: datetime) -> int | None:
        """Count one use of the quota ``name`` if fewer than ``limit`` are used: the uses
        counted including this one, or ``None`` (counting nothing) when it is used up."""
        with self._guard:
            self._forget_quotas(expires_at)
            used, ends = self._quotas.get(name, (0, expires_at))
            if used >= limit:
                return None
            self._quotas[name] = (used + 1, max(ends, expires_at))
            return used + 1

    def fill_quota(self, name: str, *, limit: int, expires_at: datetime) -> None:
        """Mark the quota ``name`` as used up until ``expires_at``."""
        with self._guard:
            self._forget_quotas(expires_at)
            _, ends = self._quotas.get(name, (0, expires_at))
            self._quotas[name] = (limit, max(ends, expires_at))

    def quota_used(self, name: str) -> int:
        """How many uses of the quota ``name`` are counted (0 when unknown)."""
        quota = self._quotas.get(name)
        return 0 if quota is None else quota[0]

    def _add(self, records: dict[str, _Versioned], record: _Versioned, kind: str) -> None:
        """Keep a new record; DuplicateRecordError if its id is taken."""
        with self._guard:
            if record.id in records:
                raise DuplicateRecordError(f"{kind} {record.id} exists", record_id=record.id)
            records[record.id] = record

    def _swap(
        self, records: dict[str, _Versioned], record: _Versioned, expected_version: int, kind: str
    ) -> None:
        """Replace a record if its stored version is ``expected_version``; else
        StaleRecordError."""
        with self._guard:
            stored = records.get(record.id)
            if stored is None or stored.version != expected_version:
                raise StaleRecordError(
                    f"{kind} {record.id} changed since version {expected_version}",
                    record_id=record.id,
                )
            records[record.id] = record

    def _forget_quotas(self, expires_at: datetime) -> None:
        """Under the guard: drop quotas that expired well before ``expires_at``."""
        forget_before = expires_at - _QUOTA_GRACE
        for stale in [key for key, (_, ends) in self._quotas.items() if ends < forget_before]:
            del self._quotas[stale]

    def pace(self, name: str, *, rate: int, window: float, pause: float = 0.0) -> float:
        """Take the next send slot of the rate limit ``name`` (within this process): the
        seconds to wait. See :meth:`zoomlink.TokenStore.pace`."""
        with self._guard:
            state = self._paces.get(name, _limits.PaceState())
            self._paces[name], delay = _limits.next_slot(
                state, time.monotonic(), rate=rate, window=window, pause=pause
            )
        return delay

    def lock(self, name: str, *, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock ``name`` (within this process) for the block."""
        return self._locks.hold(name, timeout=timeout)

    def erase_deleted(self) -> None:
        """Nothing to do: what the store forgets is gone with its Python objects."""

    def close(self) -> None:
        """Nothing to release; present for the protocol."""
