"""How :class:`AsyncZoomLink`'s collaborators are built and wired to one another.

Each is made once, from the settings the facade checked, and handed the others it works with;
the facade keeps them and delegates.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from zoomlink._async._api import AsyncZoomAPI
from zoomlink._async._availability import AsyncAvailability, LinkFor
from zoomlink._async._bookings import AsyncBookings
from zoomlink._async._calls import AsyncZoomCalls
from zoomlink._async._co_hosts import ResolveUser
from zoomlink._async._connecting import AsyncConnector
from zoomlink._async._linking import AsyncLinker
from zoomlink._async._notices import AsyncNotices
from zoomlink._async._outbox import AsyncOutbox
from zoomlink._async._pacer import AsyncPacer
from zoomlink._async._purge import AsyncPurger
from zoomlink._async._tokens import AsyncTokenKeeper
from zoomlink._async._zoom_events import AsyncZoomEvents
from zoomlink.keyring import Keyring
from zoomlink.models import LinkPolicy, RetryPolicy, ZoomPlan
from zoomlink.protocols import AsyncCalendarBackend, AsyncNotificationSink, AsyncTokenStore, Clock


@attrs.frozen
class Collaborators:
    """The objects that do :class:`AsyncZoomLink`'s work."""

    tokens: AsyncTokenKeeper
    availability: AsyncAvailability
    bookings: AsyncBookings
    outbox: AsyncOutbox
    purger: AsyncPurger
    linker: AsyncLinker
    connector: AsyncConnector
    events: AsyncZoomEvents


def wire(
    *,
    apis: dict[str, AsyncZoomAPI],
    store: AsyncTokenStore,
    keyring: Keyring,
    notifications: AsyncNotificationSink,
    calendar: AsyncCalendarBackend | None,
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
    notices = AsyncNotices(store=store, sink=notifications, clock=clock)
    tokens = AsyncTokenKeeper(
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
    calls = AsyncZoomCalls(
        tokens=tokens,
        pacer=AsyncPacer(zoom_plan, store, max_wait=retry_policy.max_wait, clock=clock),
        retry=retry_policy,
        clock=clock,
    )
    availability = AsyncAvailability(
        store=store,
        calls=calls,
        resolve_user=resolve_user,
        link_for=link_for,
        calendar=calendar,
        clock=clock,
        ttl=busy_ttl,
        lock_timeout=lock_timeout,
    )
    bookings = AsyncBookings(
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
    outbox = AsyncOutbox(
        store=store,
        bookings=bookings,
        notices=notices,
        clock=clock,
    )
    purger = AsyncPurger(
        store=store,
        calendar=calendar,
        availability=availability,
        hold_booking=bookings.hold,
        clock=clock,
    )
    linker = AsyncLinker(
        apis=apis,
        store=store,
        keyring=keyring,
        purger=purger,
        clock=clock,
        link_policy=link_policy,
        lock_timeout=lock_timeout,
    )
    connector = AsyncConnector(
        apis=apis,
        store=store,
        keyring=keyring,
        linker=linker,
        clock=clock,
    )
    events = AsyncZoomEvents(
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
