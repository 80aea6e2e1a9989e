# This file is generated from src/zoomlink/_async/_zoom_events.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""ZoomEvents: what zoomlink does with the events Zoom's webhooks bring.

* ``app_deauthorized`` — the Zoom user uninstalled the app: every connection on their grant (in
  every tenant, or the whole Zoom account's for an admin-managed app) is purged and marked as
  needing reconnection, and each owner is sent one "Action required" notice.
* ``meeting.deleted`` / ``meeting.updated`` — the host deleted or changed a booking's meeting in
  Zoom: the record is marked ``deleted``/``changed`` and the host told; zoomlink's own echoes
  change nothing.
* every meeting event drops the host's cached busy time.

Each event may arrive more than once (Zoom retries, and a retried delivery can race the first):
applying one twice leaves the same state and sends no second notice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from zoomlink._sync._availability import Availability
from zoomlink._sync._notices import Notices
from zoomlink._sync._purge import Purger, HoldBooking
from zoomlink._core import _drift, _grants, _links, _purge
from zoomlink.booking import MeetingRecord
from zoomlink.models import Link, Notification
from zoomlink.protocols import TokenStore, Clock
from zoomlink.purge import PurgeReport
from zoomlink.webhooks import (
    AppDeauthorized,
    MeetingCreated,
    MeetingDeleted,
    MeetingUpdated,
    WebhookEvent,
)

logger = logging.getLogger("zoomlink")

# What a meeting event means for a booking: its record marked, and the host's notice; or
# ``None`` when it means nothing (zoomlink's own change, or one told already).
Verdict = tuple[MeetingRecord, Notification] | None


class ZoomEvents:
    """Applies Zoom's webhook events to the store, the cache and the host's notices."""

    def __init__(
        self,
        *,
        store: TokenStore,
        purger: Purger,
        availability: Availability,
        hold_booking: HoldBooking,
        notices: Notices,
        clock: Clock,
        lock_timeout: float,
        reconnect_url: str | None,
    ) -> None:
        self._store = store
        self._purger = purger
        self._availability = availability
        self._hold_booking = hold_booking
        self._notices = notices
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._reconnect_url = reconnect_url

    def apply(self, event: WebhookEvent) -> str:
        """Apply one verified event; returns what was done, in a few words."""
        if isinstance(event, AppDeauthorized):
            reports = self.uninstalled(event)
            return f"purged {len(reports)} connection(s)"
        if isinstance(event, MeetingCreated):
            return f"forgot {self._forget(event.host_id, event.operator)} cached view(s)"
        if isinstance(event, MeetingDeleted):
            marked = self._meeting_deleted(event)
            return f"marked {marked} booking(s) deleted in Zoom"
        if isinstance(event, MeetingUpdated):
            marked = self._meeting_updated(event)
            return f"marked {marked} booking(s) changed in Zoom"
        return "nothing to do"

    # -- uninstall ---------------------------------------------------------------------------

    def uninstalled(self, event: AppDeauthorized) -> list[PurgeReport]:
        """Purge and mark every connection the uninstall ended; one report each."""
        grants = _purge.uninstalled_grants(
            self._store.find_grants(client_id=event.client_id),
            client_id=event.client_id,
            user_id=event.user_id,
            account_id=event.account_id,
        )
        # The grant may be gone already (a purge that failed after deleting it): its links
        # still name it, so they are found by the id it had.
        grant_ids = {grant.id for grant in grants}
        grant_ids.add(_grants.oauth_grant_id(event.client_id, event.user_id))
        links: dict[str, Link] = {}
        for grant_id in sorted(grant_ids):
            for link in self._store.find_links(grant_id=grant_id):
                links[link.id] = link
        reports = []
        for link in links.values():
            report = self._uninstall_link(link.id, grant_ids, event)
            if report is not None:
                reports.append(report)
        return reports

    def _uninstall_link(
        self, link_id: str, grant_ids: set[str], event: AppDeauthorized
    ) -> PurgeReport | None:
        link = self._store.get_link(link_id)
        if link is None:
            return None
        with self._store.lock(f"links:{link.tenant}", timeout=self._lock_timeout):
            link = self._store.get_link(link_id)
            if link is None or link.grant_id not in grant_ids:
                return None  # purged already, or connected to another Zoom user since
            if link.disconnected_at is not None:
                # Disconnected from the host app (this is Zoom's echo of its revoke): finish
                # a purge that failed midway, but raise no alarm.
                if link.purge == "done":
                    return None
                return self._purger.purge(link, "disconnected")
            if _links.connected_after(link, event.deauthorized_at):
                return None  # connected again after this uninstall
            grant = self._store.get_grant(link.grant_id)
            # A call that hit the dead tokens first told the owner already (one incident), and
            # so did an earlier delivery of this event that got as far as starting the purge.
            told = (grant is not None and grant.status == "needs_reconnect") or (
                link.uninstalled_at is not None
            )
            link = attrs.evolve(
                link, uninstalled_at=event.deauthorized_at, incident_id=event.incident_id
            )
            if not told:
                # Told before the purge: a worker dying in between tells again when Zoom
                # retries the event (the link is not purged yet), under the same key; told
                # after, a retry would find nothing to do and the notice would be lost.
                purged = attrs.evolve(link, purge="done", grant_id="")
                notice = _links.uninstall_notice(purged, self._reconnect_url, self._clock.now())
                self._tell(notice)
            report = self._purger.purge(link, "uninstalled")
        return report

    # -- meetings changed in Zoom ---------------------------------------------------------------

    def _forget(self, *zoom_users: str) -> int:
        return self._availability.announce(zoom_users)

    def _meeting_deleted(self, event: MeetingDeleted) -> int:
        self._forget(event.host_id, event.operator, event.operator_id)

        def judge(record: MeetingRecord, now: datetime) -> Verdict:
            if event.occurrence_ids:
                gone = _drift.deleted_occurrences(
                    record, event.occurrence_ids, and_following=event.and_following
                )
                if not gone:
                    return None  # zoomlink's own cancel_occurrence, or told already
                notice = _drift.occurrences_deleted_notice(record, gone, now)
                return _drift.without(_drift.drifted(record, now, "changed"), gone), notice
            if record.in_zoom == "deleted":
                return None  # told already
            return _drift.drifted(record, now, "deleted"), _drift.deleted_notice(record, now)

        return self._mark(event.meeting_id, judge)

    def _meeting_updated(self, event: MeetingUpdated) -> int:
        self._forget(event.host_id, event.operator, event.operator_id)

        def judge(record: MeetingRecord, now: datetime) -> Verdict:
            if record.in_zoom == "deleted":
                return None  # deleted in Zoom since: a change delivered late means nothing
            written = record.in_zoom == "as_booked"  # else updated_at is when it was marked
            if written and event.changed_at is not None and event.changed_at < record.updated_at:
                return None  # zoomlink wrote the meeting since: an old echo, or overwritten
            found = _drift.changes(record, event.changed, event.occurrence_ids)
            if not found:
                return None  # zoomlink's own write, echoed
            return _drift.drifted(record, now, "changed"), _drift.changed_notice(record, found, now)

        return self._mark(event.meeting_id, judge)

    def _mark(
        self, meeting_id: int, judge: Callable[[MeetingRecord, datetime], Verdict]
    ) -> int:
        """Mark each scheduled booking on the meeting as ``judge`` decides, under the
        booking's lock (so zoomlink's own change in flight finishes first), and tell its
        host; returns how many were marked."""
        marked = 0
        for record in self._records(meeting_id):
            with self._hold_booking(record.tenant, record.booking_id):
                current = self._current(record, meeting_id)
                verdict = judge(current, self._clock.now()) if current is not None else None
                if current is None or verdict is None:
                    continue
                # Told before the mark is stored, under a key of the unmarked record: a worker
                # dying in between tells again when Zoom retries, under the same key.
                self._tell(verdict[1])
                self._store.update_meeting_record(
                    verdict[0], expected_version=current.version
                )
            marked += 1
        return marked

    def _records(self, meeting_id: int) -> Sequence[MeetingRecord]:
        return self._store.find_meeting_records(meeting_id=meeting_id)

    def _current(self, record: MeetingRecord, meeting_id: int) -> MeetingRecord | None:
        """The record as it is now, if it still has that scheduled meeting."""
        current = self._store.get_meeting_record(record.id)
        if current is None or current.state != "scheduled" or current.meeting_id != meeting_id:
            return None  # cancelled, detached or recreated meanwhile: nothing of the host's
        return current

    def _tell(self, notice: Notification) -> None:
        self._notices.tell(notice)
