"""The web worker the crash suite kills: it walks each booking through its steps (schedule,
reschedule, and for odd bookings cancel) as a host app would, then disconnects every host
(revoke and purge), recording each step in its own "database" (a JSON file) only after zoomlink
returned, so a killed worker's successor repeats the step that was in flight. Its mailer
appends every notice to a file, fsync'd.

A module of its own so a spawned child imports little; ``work`` is the process target.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path

from tests.conftest import USER_APP
from tests.stores._spawn import StoreSpec, open_store
from zoomlink import (
    Actor,
    Booking,
    Endpoints,
    EventType,
    Keyring,
    Notification,
    Participant,
    ZoomLink,
)

# A host takes at most this many bookings: two meeting writes each stay well under Zoom's 100
# per host per day.
BOOKINGS_PER_HOST = 40


def host_ids(bookings: int) -> list[str]:
    """The app users hosting ``bookings`` bookings (each connects Zoom user ``u_<id>``)."""
    return [f"host{n}" for n in range(-(-bookings // BOOKINGS_PER_HOST))]


CLIENT = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
STEPS = ("schedule", "reschedule", "cancel")
MOVE = timedelta(hours=1)


def booking(number: int, first: datetime, *, moved: bool = False) -> Booking:
    """Booking ``number`` of its host: its own slot, at its first or its moved time."""
    user_id = f"host{number // BOOKINGS_PER_HOST}"
    slot = number % BOOKINGS_PER_HOST
    start = first + timedelta(hours=3 * slot) + (MOVE if moved else timedelta(0))
    host = Participant(
        name=user_id.title(), time_zone="Europe/Berlin", email=f"{user_id}@example.com",
        user_id=user_id,
    )  # fmt: skip
    return Booking(
        id=f"crash-{number}",
        event_type=CONSULT,
        host=host,
        clients=(CLIENT,),
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation",
    )


def steps_for(number: int) -> tuple[str, ...]:
    """Even bookings end scheduled at their moved time; odd ones end cancelled."""
    return STEPS if number % 2 else STEPS[:2]


class FileMailer:
    """The host app's mailer: every notice it is handed, appended to a file and synced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def notify(self, notification: Notification) -> None:
        line = json.dumps(
            {
                "booking": notification.booking_id,
                "kind": notification.kind,
                "role": notification.role,
                "key": notification.key,
            }
        )
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())


def work(
    spec: StoreSpec,
    keys: str,
    url: str,
    bookings: int,
    first: datetime,
    folder: Path,
    ready: Event,
) -> None:
    """Do every booking step not yet recorded as done, one after another; ``ready`` is set
    once the worker is up and about to start."""
    progress_path = folder / "progress.json"
    done: dict[str, list[str]] = (
        json.loads(progress_path.read_text(encoding="utf-8")) if progress_path.exists() else {}
    )
    with (
        open_store(spec) as store,
        ZoomLink(
            USER_APP,
            store=store,
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(url),
            notifications=FileMailer(folder / "mail.jsonl"),
            zoom_plan=None,
        ) as link,
    ):
        ready.set()
        for number in range(bookings):
            for step in steps_for(number):
                if step in done.get(str(number), []):
                    continue
                if step == "schedule":
                    link.schedule(booking(number, first))
                elif step == "reschedule":
                    link.reschedule(booking(number, first, moved=True))
                else:
                    link.cancel(booking(number, first, moved=True))
                done.setdefault(str(number), []).append(step)
                _save(progress_path, done)
        for user_id in host_ids(bookings):  # then every host disconnects Zoom
            if "disconnect" in done.get(user_id, []):
                continue
            [connection] = link.connections(user_id=user_id)
            link.disconnect(connection.id, actor=Actor(user_id))
            done.setdefault(user_id, []).append("disconnect")
            _save(progress_path, done)


def _save(path: Path, done: dict[str, list[str]]) -> None:
    """The app's own record of the steps done, written after zoomlink returned."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(done), encoding="utf-8")
    os.replace(temporary, path)
