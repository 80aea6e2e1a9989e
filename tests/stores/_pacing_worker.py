"""Code for the spawned web workers of test_pacing_processes.py: each schedules a burst of
bookings for its own host, all on one Zoom account, as busy workers of one site would.

A module of its own so a spawned child imports little; ``book_burst`` is the process target.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier

from tests.stores._round_robin_worker import CLIENT, ZOOM
from tests.stores._spawn import StoreSpec, worker_link
from zoomlink import Booking, Participant

# App users, each connected to a Zoom user of the Pro account acct_demo.
HOSTS = ("pia", "quinn", "ravi")


def host(user_id: str) -> Participant:
    """The app user ``user_id`` as a booking's host."""
    return Participant(
        name=user_id.title(), time_zone="UTC", email=f"{user_id}@example.com", user_id=user_id
    )


def book_burst(
    spec: StoreSpec,
    keys: str,
    url: str,
    user_id: str,
    bookings: int,
    first: datetime,
    start: Barrier,
) -> None:
    """Schedule ``bookings`` half-hour bookings for ``user_id``, one after another, once every
    worker is ready; Zoom's pacing is the Pro plan's (the default)."""
    with worker_link(spec, keys, url) as link:
        link.host_zoom_user(user_id)  # warm: the token is fresh
        start.wait(timeout=60)
        for number in range(bookings):
            begins = first + timedelta(minutes=30 * number)
            link.schedule(
                Booking(
                    id=f"{user_id}-{number}",
                    event_type=ZOOM,
                    host=host(user_id),
                    clients=(CLIENT,),
                    start=begins,
                    end=begins + timedelta(minutes=30),
                    title="Consultation",
                )
            )
