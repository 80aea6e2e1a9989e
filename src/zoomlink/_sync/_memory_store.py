# This file is generated from src/zoomlink/_async/_memory_store.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""MemoryTokenStore: the token store that lives and dies with the process."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager

from zoomlink._locks import KeyedLock
from zoomlink.errors import DuplicateRecordError, StaleRecordError
from zoomlink.models import ConnectAttempt, ConnectionKind, Grant, Link


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
        with self._guard:
            if grant.id in self._grants:
                raise DuplicateRecordError(f"grant {grant.id} exists", record_id=grant.id)
            self._grants[grant.id] = grant

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        """Replace the grant if its stored version is ``expected_version``."""
        with self._guard:
            stored = self._grants.get(grant.id)
            if stored is None or stored.version != expected_version:
                raise StaleRecordError(
                    f"grant {grant.id} changed since version {expected_version}",
                    record_id=grant.id,
                )
            self._grants[grant.id] = grant

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

    def lock(self, name: str, *, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock ``name`` (within this process) for the block."""
        return self._locks.hold(name, timeout=timeout)

    def close(self) -> None:
        """Nothing to release; present for the protocol."""
