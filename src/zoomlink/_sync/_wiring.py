# This file is generated from src/zoomlink/_async/_wiring.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""How :class:`ZoomLink`'s collaborators are built and wired to one another.

Each is made once, from the settings the facade checked, and handed the others it works with;
the facade keeps them and delegates.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from zoomlink._sync._api import ZoomAPI
from zoomlink._sync._availability import Availability, LinkFor
from zoomlink._sync._bookings import Bookings
from zoomlink._sync._calls import ZoomCalls
from zoomlink._sync._co_hosts import ResolveUser
from zoomlink._sync._connecting import Connector
from zoomlink._sync._linking import Linker
from zoomlink._sync._notices import Notices
from zoomlink._sync._outbox import Outbox
from zoomlink._sync._pacer import Pacer
from zoomlink._sync._purge import Purger
from zoomlink._sync._tokens import TokenKeeper
from zoomlink._sync._zoom_events import ZoomEvents
from zoomlink.keyring import Keyring
from zoomlink.models import LinkPolicy, RetryPolicy, ZoomPlan
from zoomlink.protocols import CalendarBackend, NotificationSink, TokenStore, Clock


@attrs.frozen
class Collaborators:
    """The objects that do :class:`ZoomLink`'s work."""

    tokens: TokenKeeper
    availability: Availability
    bookings: Bookings
    outbox: Outbox
    purger: Purger
    linker: Linker
    connector: Connector
    events: ZoomEvents


def wire(
    *,
    apis: dict[str, ZoomAPI],
    store: TokenStore,
    keyring: Keyring,
    notifications: NotificationSink,
    calendar: CalendarBackend | None,
    clock: Clock,
    link_policy: LinkPolicy,
    reconnect_url: str | None,
    zoom_plan: ZoomPlan | None,
    retry_policy: RetryPolicy,
    busy_ttl: timedelta,
    refresh_margin: timedelta,
    lock_timeout: float,
    follow_api_url: bool,
    resolve_user: ResolveUser,
    link_for: LinkFor,
) -> Collaborators:
    """Build the collaborators; ``resolve_user`` and ``link_for`` are the facade's."""
    notices = Notices(store=store, sink=notifications, clock=clock)
    tokens = TokenKeeper(
        apis=apis,
        store=store,
        keyring=keyring,
        notices=notices,
        clock=clock,
        refresh_margin=refresh_margin,
        lock_timeout=lock_timeout,
        reconnect_url=reconnect_url,
        follow_api_url=follow_api_url,
    )
    calls = ZoomCalls(
        tokens=tokens,
        pacer=Pacer(zoom_plan, store, max_wait=retry_policy.max_wait, clock=clock),
        retry=retry_policy,
        clock=clock,
    )
    availability = Availability(
        store=store,
        calls=calls,
        resolve_user=resolve_user,
        link_for=link_for,
        calendar=calendar,
        clock=clock,
        ttl=busy_ttl,
        lock_timeout=lock_timeout,
    )
    bookings = Bookings(
        store=store,
        tokens=tokens,
        calls=calls,
        availability=availability,
        resolve_user=resolve_user,
        notifications=notifications,
        calendar=calendar,
        clock=clock,
        retry_policy=retry_policy,
        lock_timeout=lock_timeout,
    )
    outbox = Outbox(
        store=store,
        bookings=bookings,
        notices=notices,
        clock=clock,
    )
    purger = Purger(
        store=store,
        calendar=calendar,
        availability=availability,
        hold_booking=bookings.hold,
        clock=clock,
    )
    linker = Linker(
        apis=apis,
        store=store,
        keyring=keyring,
        purger=purger,
        clock=clock,
        link_policy=link_policy,
        lock_timeout=lock_timeout,
    )
    connector = Connector(
        apis=apis,
        store=store,
        keyring=keyring,
        linker=linker,
        clock=clock,
    )
    events = ZoomEvents(
        store=store,
        purger=purger,
        availability=availability,
        hold_booking=bookings.hold,
        notices=notices,
        clock=clock,
        lock_timeout=lock_timeout,
        reconnect_url=reconnect_url,
    )
    return Collaborators(
        tokens=tokens,
        availability=availability,
        bookings=bookings,
        outbox=outbox,
        purger=purger,
        linker=linker,
        connector=connector,
        events=events,
    )
