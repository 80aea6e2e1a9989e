"""Code for the spawned web worker of test_freshness_processes.py: a booking page that keeps
its view of the host's Zoom meetings cached and answers, on request, which times conflict.

A module of its own so a spawned child imports little; ``serve_page`` is the process target.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from multiprocessing.connection import Connection

from tests.stores._round_robin_worker import CLIENT, ZOOM
from tests.stores._spawn import StoreSpec, worker_link
from zoomlink import Booking, Participant

HOST = Participant(
    name="Ann", time_zone="Europe/Berlin", email="ann@example.com", user_id="ann"
)  # fmt: skip


def booking(booking_id: str, start: datetime) -> Booking:
    """A half-hour consultation with Ann."""
    return Booking(
        id=booking_id,
        event_type=ZOOM,
        host=HOST,
        clients=(CLIENT,),
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation",
    )


def serve_page(spec: StoreSpec, keys: str, url: str, requests: Connection) -> None:
    """Answer each start time received with the sources of its conflicts, from a view of Ann's
    Zoom meetings kept for an hour; stop at ``None``."""
    with worker_link(spec, keys, url, busy_ttl=timedelta(hours=1), zoom_plan=None) as link:
        while (start := requests.recv()) is not None:
            conflicts = link.check_conflicts(booking("visitor", start))
            requests.send([conflict.source for conflict in conflicts])
