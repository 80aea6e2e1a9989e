"""The web worker the crash suite kills: it first runs the outbox as a cron job would, then
walks each booking through its steps (schedule, reschedule, and for odd bookings cancel) as a
host app would, each host disconnecting (revoke and purge) once its bookings are through. It
records each step in its own "database" (a JSON file) only after zoomlink returned, so a killed
worker's successor repeats the step that was in flight. Its access tokens are refreshed every
few tenths of a second, so kills land in refreshes too. Its mailer appends every notice to a file, fsync'd.

A module of its own so a spawned child imports little; ``work`` is the process target.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import USER_APP
from tests.stores._spawn import StoreSpec, open_store
from zoomlink import (
    Actor,
    Booking,
    Endpoints,
    EventType,
    Grant,
    Keyring,
    NeedsReconnectError,
    Notification,
    Participant,
    TokenStore,
    ZoomLink,
)

# A host takes at most this many bookings: two meeting writes each, plus the writes of steps
# repeated after kills, stay under Zoom's 100 per host per UTC day (zoomlink counts every
# write it sends, including those a kill cut short).
BOOKINGS_PER_HOST = 20


def host_ids(bookings: int) -> list[str]:
    """The app users hosting ``bookings`` bookings (each connects Zoom user ``u_<id>``)."""
    return [f"host{n}" for n in range(-(-bookings // BOOKINGS_PER_HOST))]


CLIENT = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
STEPS = ("schedule", "reschedule", "cancel")
MOVE = timedelta(hours=1)
TOKEN_LIFETIME = timedelta(seconds=3599)  # Zoom's expires_in, which the fake gives too
# Every access token is refreshed once it is this old, so kills land in refreshes too.
REFRESH_AFTER = timedelta(seconds=0.3)
# The outbox runner's clock runs this far ahead: what a killed worker wrote ahead is due for it.
AHEAD = timedelta(minutes=10)
# A worker's exit code when a host's connection needs reconnecting (its user must act).
RECONNECT = 3


class Ahead:
    """The clock of a cron job running later: work a killed worker left is due for it."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + AHEAD


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


def plan(bookings: int) -> Iterator[tuple[str, str]]:
    """Every step in order, as (booking number or host, step): each host's bookings walked
    through their steps, then the host disconnects Zoom (revoke and purge)."""
    for index, user_id in enumerate(host_ids(bookings)):
        last = min(bookings, (index + 1) * BOOKINGS_PER_HOST)
        for number in range(index * BOOKINGS_PER_HOST, last):
            yield from ((str(number), step) for step in steps_for(number))
        yield user_id, "disconnect"


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
                "connection": notification.connection_id,
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
    """Run the outbox, then do every booking step not yet recorded as done, one after
    another; ``ready`` is set once the worker is up. A step refused because its host must
    reconnect Zoom ends the worker with exit code :data:`RECONNECT`."""
    progress_path = folder / "progress.json"
    done: dict[str, list[str]] = (
        json.loads(progress_path.read_text(encoding="utf-8")) if progress_path.exists() else {}
    )
    settings: dict[str, Any] = {
        "keyring": Keyring.from_string(keys),
        "endpoints": Endpoints.single(url),
        "notifications": FileMailer(folder / "mail.jsonl"),
        "zoom_plan": None,
    }
    with (
        open_store(spec) as store,
        ZoomLink(
            USER_APP, store=store, refresh_margin=TOKEN_LIFETIME - REFRESH_AFTER, **settings
        ) as link,
        ZoomLink(USER_APP, store=store, clock=Ahead(), **settings) as cron,
    ):
        ready.set()
        up = time.monotonic()
        _phase(folder, "outbox")
        cron.run_pending()
        first_step = True
        try:
            for key, step in plan(bookings):
                if step in done.get(key, []):
                    continue
                _phase(folder, step)
                if step == "disconnect":
                    [connection] = link.connections(user_id=key)
                    link.disconnect(connection.id, actor=Actor(key))
                elif step == "schedule":
                    link.schedule(booking(int(key), first))
                elif step == "reschedule":
                    link.reschedule(booking(int(key), first, moved=True))
                else:
                    link.cancel(booking(int(key), first, moved=True))
                done.setdefault(key, []).append(step)
                _save(progress_path, done)
                if first_step:  # how long a successor took to get going
                    _append(folder / "lives.jsonl", {"first_step": time.monotonic() - up})
                    first_step = False
        except NeedsReconnectError:
            sys.exit(RECONNECT)  # the host app asks its user to reconnect; work resumes after


def _phase(folder: Path, phase: str) -> None:
    """What the worker is doing now, for the suite to attribute a kill."""
    temporary = folder / "phase.tmp"
    temporary.write_text(phase, encoding="utf-8")
    os.replace(temporary, folder / "phase")


def _append(path: Path, entry: dict[str, object]) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(entry) + "\n")


class _Timed:
    """A store whose grant writes are timed: when each refreshed pair became durable."""

    def __init__(self, store: TokenStore) -> None:
        self._store = store
        self.stored: list[float] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def update_grant(self, grant: Grant, *, expected_version: int) -> None:
        self._store.update_grant(grant, expected_version=expected_version)
        self.stored.append(time.perf_counter())


def refresh_window(
    store: TokenStore, keys: str, url: str, user_id: str, rounds: int
) -> dict[str, float]:
    """How wide the window is in which a killed worker loses a connection, in milliseconds
    (median of ``rounds`` refreshes): from sending the refresh (Zoom retires the old token on
    receipt) to storing the new pair, split into the wait for Zoom's answer and what zoomlink
    does between the answer and the durable write."""
    sent: list[float] = []
    answered: list[float] = []

    def on_request(request: httpx.Request) -> None:
        if request.url.path == "/oauth/token":
            sent.append(time.perf_counter())

    def on_response(response: httpx.Response) -> None:
        if response.request.url.path == "/oauth/token":
            answered.append(time.perf_counter())

    timed = _Timed(store)
    hooks: dict[str, list[Callable[..., None]]] = {
        "request": [on_request],
        "response": [on_response],
    }
    with (
        httpx.Client(event_hooks=hooks) as client,
        ZoomLink(
            USER_APP,
            store=timed,  # type: ignore[arg-type]
            keyring=Keyring.from_string(keys),
            endpoints=Endpoints.single(url),
            http_client=client,
            refresh_margin=TOKEN_LIFETIME,  # every use refreshes
        ) as measuring,
    ):
        [connection] = measuring.connections(user_id=user_id)
        for _ in range(rounds):
            measuring.access_token(connection.id)
    waits = sorted(b - a for a, b in zip(sent, answered, strict=True))
    local = sorted(c - b for b, c in zip(answered, timed.stored, strict=True))
    return {"answer_ms": waits[len(waits) // 2] * 1e3, "local_ms": local[len(local) // 2] * 1e3}


def _save(path: Path, done: dict[str, list[str]]) -> None:
    """The app's own record of the steps done, written after zoomlink returned."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(done), encoding="utf-8")
    os.replace(temporary, path)
