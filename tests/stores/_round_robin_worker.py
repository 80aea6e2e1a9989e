"""Code for the spawned web workers of test_round_robin_processes.py: each books round-robin
bookings in lockstep with the others, as simultaneous visitors of one booking page would.

A module of its own so a spawned child imports little; ``book_rounds`` is the process target.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

from tests.stores._spawn import StoreSpec, worker_link
from zoomlink import Booking, EventType, Participant

POOL = tuple(
    Participant(name=name.title(), time_zone="Europe/Berlin", email=f"{name}@example.com",
                user_id=name)
    for name in ("ann", "bob")
)  # fmt: skip
ZOOM = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol Client", time_zone="America/New_York", email="carol@example.net")


def round_booking(round_number: int, worker: int, workers: int, first: datetime) -> Booking:
    """The booking ``worker`` makes in ``round_number``: its own half hour, so none overlap."""
    start = first + timedelta(hours=round_number * workers + worker)
    return Booking(
        id=f"rr-{round_number}-{worker}",
        event_type=ZOOM,
        host=POOL[0],  # replaced by the host the round robin picks
        clients=(CLIENT,),
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation",
    )


def book_rounds(
    spec: StoreSpec,
    keys: str,
    url: str,
    worker: int,
    workers: int,
    rounds: int,
    first: datetime,
    start: Barrier,
    out: Path,
) -> None:
    """Book one round-robin booking per round, every worker at once; write the hosts chosen."""
    chosen = []
    with worker_link(spec, keys, url, zoom_plan=None) as link:
        for round_number in range(rounds):
            start.wait(timeout=60)
            booking = round_booking(round_number, worker, workers, first)
            outcome = link.schedule_round_robin(booking, POOL)
            assert outcome.record is not None
            chosen.append(outcome.record.host_id)
    out.write_text(json.dumps(chosen), encoding="utf-8")
