# This file is generated from src/zoomlink/_async/_ending.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Ending: how connections end — :class:`ZoomLink`'s disconnect, purge, proof check
and webhook events.

The work is done by :class:`Purger` and :class:`ZoomEvents`; these methods check
permissions, take the tenant's ``links:`` lock and document the behaviour.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import attrs

from zoomlink._sync._purge import Purger
from zoomlink._sync._tokens import TokenKeeper
from zoomlink._sync._zoom_events import ZoomEvents
from zoomlink._core import _links
from zoomlink.errors import InvalidInputError, NeedsReconnectError, NotConnectedError, ZoomAPIError
from zoomlink.models import Actor, DisconnectPolicy, Grant, Link
from zoomlink.protocols import TokenStore, Clock
from zoomlink.purge import PurgeReason, PurgeReport, ZoomDataCheck
from zoomlink.webhooks import WebhookEvent

logger = logging.getLogger("zoomlink")


class Ending:
    """Disconnecting, purging and Zoom's events; mixed into :class:`ZoomLink`."""

    store: TokenStore
    clock: Clock
    lock_timeout: float
    disconnect_policy: DisconnectPolicy
    _tokens: TokenKeeper
    _purger: Purger
    _events: ZoomEvents

    def disconnect(self, connection_id: str, *, actor: Actor) -> PurgeReport:
        """Disconnect a connection on behalf of ``actor``, if the policy lets them, and purge
        its Zoom data.

        The disconnect is recorded first, then the grant is revoked at Zoom (unless other
        connections share it), then every Zoom-derived value held for the connection is
        deleted: its tokens; the Zoom user's id,
        e-mail and account; the join URLs, meeting IDs and passcodes of its bookings, and the
        Zoom details in their calendar events; the cached view of its meetings. The bookings
        stay and stay editable: they become ``detached``, and rescheduling or cancelling them
        changes times, messages and calendars without calling Zoom. Their meetings are not
        deleted in Zoom. Connecting again later does not bring the purged links back.

        Members fall back as the precedence rules say: a member's personal connection to the
        organisation's, an organisation's members to their personal ones or to none; default
        conferencing set to Zoom falls back to built-in calls when nothing serves the user.
        Disconnecting again finishes a disconnect that stopped midway (a failure, or a worker
        that died: the revoke is sent again if it may not have happened), and otherwise does
        nothing. Because the disconnect is recorded before Zoom hears of it, Zoom's
        ``app_deauthorized`` echo of the revoke, and any worker meeting the revoked tokens
        meanwhile, see a disconnect: no one is told the app was uninstalled or the
        connection broke.

        Returns:
            What was purged, and which hosts and event types relied on the connection.

        Raises:
            NotConnectedError: No such connection.
            PermissionDeniedError: ``actor`` may not; nothing changed.
            ZoomTransportError: Zoom could not be reached to revoke; nothing changed.
        """
        link = self._link_by_id(connection_id)
        _links.check_disconnect(link, actor, self.disconnect_policy)
        with self.store.lock(f"links:{link.tenant}", timeout=self.lock_timeout):
            link = self._link_by_id(connection_id)
            if link.disconnected_at is None:
                link = self._record_and_revoke(link)
            elif link.purge == "done":
                return _nothing_left(link)
            else:
                self._revoke_if_unsure(link)
            report = self._purger.purge(link, "disconnected")
        logger.info("Zoom connection %s disconnected by %s", link.id, actor.user_id)
        return report

    def purge(self, connection_id: str, *, actor: Actor) -> PurgeReport:
        """Finish purging a connection whose purge failed midway (``Connection.purge`` is
        ``pending``); for one purged already, nothing more is done.

        Raises:
            NotConnectedError: No such connection.
            PermissionDeniedError: ``actor`` may not disconnect it.
            InvalidInputError: The connection is live: disconnect it instead.
        """
        link = self._link_by_id(connection_id)
        _links.check_disconnect(link, actor, self.disconnect_policy)
        with self.store.lock(f"links:{link.tenant}", timeout=self.lock_timeout):
            link = self._link_by_id(connection_id)
            if link.purge == "done":
                return _nothing_left(link)
            if link.purge == "none" and link.disconnected_at is None:
                raise InvalidInputError(
                    f"Zoom connection {connection_id} is live; disconnect it to purge it"
                )
            reason: PurgeReason = "uninstalled" if _links.uninstalled(link) else "disconnected"
            if reason == "disconnected":
                self._revoke_if_unsure(link)
            return self._purger.purge(link, reason)

    def find_zoom_data(
        self, connection_id: str, *, values: Iterable[str] = ()
    ) -> ZoomDataCheck:
        """Scan the store, the calendars and the busy-time cache for Zoom-derived values of a
        connection — the proof that a purge left nothing behind.

        Args:
            values: Values known to the caller (a Zoom user ID, an e-mail, meeting IDs …)
                searched for, whole or inside a field, in every grant and in the connection's
                tenant's connections, bookings and calendar events.

        Returns:
            Where each value was found (never the value itself); ``clean`` when none was.
        """
        if isinstance(values, str):
            raise InvalidInputError("values is a list of strings to look for, not one string")
        return self._purger.check(self._link_by_id(connection_id), values)

    def apply_webhook_event(self, event: WebhookEvent) -> str:
        """Apply one verified Zoom webhook event (the webhook handler calls this): purge on
        ``app_deauthorized``, mark bookings whose meeting was changed or deleted in Zoom and
        tell their hosts, refresh the busy-time cache. Safe to apply twice.

        Returns:
            What was done, in a few words.
        """
        return self._events.apply(event)

    def _record_and_revoke(self, link: Link) -> Link:
        """Record the disconnect of the live ``link``, then revoke its grant at Zoom unless
        shared; the disconnected link. A revoke that fails puts the link back as it was."""
        grant = self.store.get_grant(link.grant_id) if link.grant_id else None
        disconnected = attrs.evolve(link, disconnected_at=self.clock.now())
        # Before Zoom hears of it: should this worker die after the revoke, Zoom's echo and
        # the workers meeting the revoked tokens see a disconnect, not an uninstall or a
        # broken grant, and the next disconnect finishes the job.
        self.store.put_link(disconnected)
        try:
            if grant is not None and not self._purger.shared(link):
                self._revoke_grant(link, grant)
        except Exception:
            self.store.put_link(link)  # Zoom kept the grant: nothing changed
            raise
        return disconnected

    def _revoke_if_unsure(self, link: Link) -> None:
        """Revoke again for a disconnect recorded whose purge never started: its worker may
        have died before the revoke (a purge starts only after one). Revoking twice is
        harmless; Zoom refuses the second, which counts as done."""
        if link.purge != "none" or link.grant_id == "":
            return
        grant = self.store.get_grant(link.grant_id)
        if grant is not None and not self._purger.shared(link):
            # The tokens are used as the live link's were; a refused refresh tells no one,
            # since only live links are told.
            self._revoke_grant(attrs.evolve(link, disconnected_at=None), grant)

    def _revoke_grant(self, link: Link, grant: Grant) -> None:
        """Revoke the grant at Zoom. Only a grant Zoom has ended for good is let go without a
        revoke; a passing failure (a 5xx, a 429, no answer) raises before anything is purged,
        since the tokens that could revoke it are about to be deleted."""
        if grant.app_kind == "s2s" or grant.status != "active":
            return
        try:
            token = self._tokens.token(link)
        except (NotConnectedError, NeedsReconnectError):
            return  # Zoom ended the grant already: nothing to revoke
        api = self._tokens.api_for(grant)
        try:
            api.revoke(token)
        except ZoomAPIError as exc:
            if exc.status >= 500 or exc.status == 429:
                raise
            # Already revoked or expired at Zoom: the grant is gone there either way.
            logger.info("Zoom did not revoke a token (%s); it is dead already", exc.status)

    def _link_by_id(self, connection_id: str) -> Link:
        link = self.store.get_link(connection_id)
        if link is None:
            raise NotConnectedError(f"no Zoom connection {connection_id!r}", tenant="")
        return link


def _nothing_left(link: Link) -> PurgeReport:
    """The report of a purge that had nothing more to do."""
    reason: PurgeReason = "uninstalled" if link.uninstalled_at is not None else "disconnected"
    return PurgeReport(connection=_links.describe(link, None), reason=reason, removed={})
