"""Secrets stay secret: a whole life of two connections — connect, refreshes, bookings (one
recurring), Zoom answering 401 (code 124), 429 and 5xx, disconnect with its purge — runs on a
SQLite store and on PostgreSQL with every logger at DEBUG (httpx and httpcore included). Then
every access and refresh token, authorization code, client and webhook secret, keyring key and
start URL (with its ZAK) the run met is searched for in the store (SQLite's database, -wal and
-shm files byte for byte; every row of every PostgreSQL table of the store), in every log
record, in every exception's message, repr and traceback, and in the repr of every public
object the run returned. None may be found anywhere.

The join URL and passcode of a meeting are not secrets to hide from everyone: zoomlink keeps
them for the participants. They are allowed in exactly these places — the booking's meeting
record (its store row, and MeetingRecord and BookingOutcome values) until the connection is
purged, and the text of the messages sent to the participants — and nowhere else: not in a
log, an exception, another object's repr, and not in the store once the purge is done.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import psycopg
import pytest

from tests.conftest import USER_APP, WEBHOOK_SECRET, unique_prefix
from tests.reliability._world import NOW, World, world
from zoomlink import (
    Actor,
    Booking,
    BookingOutcome,
    EventType,
    MeetingRecord,
    Participant,
    RetryPolicy,
    TokenStore,
    ZoomLinkError,
)
from zoomlink.stores import SQLiteTokenStore
from zoomlink.stores.postgres import PostgresTokenStore

pytestmark = pytest.mark.reliability

HOSTS = ["alice", "bob"]
CLIENT = Participant(name="Carol", time_zone="UTC", email="carol@example.net")
ZOOM = EventType(id="consult", title="Consultation", location="zoom")
RETRY = RetryPolicy(attempts=2, backoff=0.01, max_backoff=0.02, max_wait=1.0)


class Recorder(logging.Handler):
    """Keeps every log record, formatted with its traceback, while it is not muted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.names: set[str] = set()
        self.muted = False
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not self.muted:
            self.lines.append(self.format(record))
            self.names.add(record.name)


@attrs.define
class Run:
    """What the run met: the secrets, each host's join URLs and passcodes, and what to
    search."""

    shared: World
    log: Recorder
    codes: list[str] = attrs.field(factory=list)
    starts: set[str] = attrs.field(factory=set)  # start URLs and their ZAKs
    meeting_links: dict[str, set[str]] = attrs.field(factory=dict)  # join URLs, passcodes
    errors: list[BaseException] = attrs.field(factory=list)
    objects: list[object] = attrs.field(factory=list)  # public values returned
    allowed: list[object] = attrs.field(factory=list)  # meeting records and outcomes

    def note_meetings(self) -> None:
        """Note the start URL, join URL and passcodes of every meeting Zoom has now."""
        for host in HOSTS:
            for meeting in self.shared.fake.meetings(f"u_{host}"):
                start_url = str(meeting["start_url"])
                self.starts |= {start_url, start_url.split("zak=")[1]}
                values = [meeting["join_url"], meeting["password"]]
                values.append(meeting.get("encrypted_password", ""))
                self.meeting_links.setdefault(host, set()).update(v for v in values if v)


def booking(number: int, host: str, *, hours: int = 0, recurrence: str | None = None) -> Booking:
    """Booking ``number`` of ``host``, ``hours`` later than its first time."""
    start = NOW + timedelta(days=5 + number, hours=hours)
    return Booking(
        id=f"secret-{host}-{number}",
        event_type=ZOOM,
        host=Participant(name=host, time_zone="UTC", email=f"{host}@example.com", user_id=host),
        clients=(CLIENT,),
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation",
        recurrence=recurrence,
    )


def connect(shared: World, run: Run, user_id: str) -> None:
    """``user_id`` connects Zoom; the authorization code of the callback is noted. The
    consent page is the user's browser, not zoomlink: its own requests are not logged."""
    shared.fake.add_user(f"{user_id}@example.com", account_id="acct_demo", user_id=f"u_{user_id}")
    url = shared.link.personal_connect_url(user_id)
    run.log.muted = True
    callback = shared.fake.approve(url, f"u_{user_id}")
    run.log.muted = False
    run.codes += parse_qs(urlsplit(callback).query)["code"]
    run.objects.append(shared.link.complete_connect(callback, user_id=user_id))


def attempt(run: Run, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Make the call; a zoomlink error is kept, with its traceback, to be searched."""
    try:
        result = call(*args, **kwargs)
    except ZoomLinkError as exc:
        run.errors.append(exc)
        return None
    finally:
        run.note_meetings()
    kept = run.allowed if isinstance(result, (BookingOutcome, MeetingRecord)) else run.objects
    kept.append(result)
    return result


def live(run: Run) -> None:
    """The life of the connections: bookings, refreshes, failures, a disconnect."""
    shared = run.shared
    link, fake = shared.link, shared.fake
    for host in HOSTS:
        connect(shared, run, host)
    for round_ in range(3):  # each round an hour later: every access token is refreshed
        for host in HOSTS:
            attempt(run, link.schedule, booking(round_, host))
            attempt(run, link.reschedule, booking(round_, host, hours=2))
        fake.advance(timedelta(hours=1, minutes=1))
    attempt(run, link.schedule, booking(9, "alice", recurrence="FREQ=WEEKLY;COUNT=3"))
    attempt(run, link.cancel, booking(0, "bob", hours=2))
    fake.inject("*", status=401)  # code 124: refreshed once and tried again
    attempt(run, link.schedule, booking(4, "alice"))
    fake.inject("*", status=401, times=4)  # Zoom keeps refusing the token
    attempt(run, link.schedule, booking(5, "alice"))
    fake.inject("*", status=429, retry_after="3600")
    attempt(run, link.schedule, booking(6, "bob"))
    fake.inject("*", status=503, times=4)
    attempt(run, link.reschedule, booking(6, "bob", hours=3))
    fake.inject("*", status=502, times=4)
    attempt(run, link.schedule, booking(7, "bob"), defer=True)
    fake.clear_faults()
    fake.advance(timedelta(hours=2))
    attempt(run, link.run_pending)
    alice = link.connections(user_id="alice")[0]
    run.objects.append(link.disconnect(alice.id, actor=Actor("alice")))
    run.objects.append(link.find_zoom_data(alice.id))
    attempt(run, link.schedule, booking(8, "alice"))  # no connection any more
    attempt(run, link.access_token, alice.id)
    fake.inject("*", status=503, times=4)
    attempt(run, link.schedule, booking(10, "bob"), defer=True)  # kept for later
    fake.clear_faults()
    waiting = link.pending_work()
    assert waiting, "a piece of kept work is there to be shown"
    run.objects += link.connections(user_id="alice") + link.connections(user_id="bob")
    run.objects += waiting + list(link.store.find_grants())
    run.objects += [link, link.store, link.api, USER_APP, link.keyring]
    run.allowed += link.meetings()


# -- where to look -------------------------------------------------------------------------

Dump = Callable[[], list[tuple[str, str]]]
"""Reads the whole store back as (place, text) pairs."""


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TokenStore, Dump]]:
    """A store of each kind, and how to read all of it back: SQLite's files byte for byte
    (and its tables row by row, to tell where a value sits); every row of every PostgreSQL
    table of the store."""
    if request.param == "sqlite":
        path = tmp_path / "zoomlink.sqlite3"

        def sqlite_dump() -> list[tuple[str, str]]:
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            places = [(f.name, f.read_bytes().decode("latin-1")) for f in files if f.exists()]
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                tables = db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                for (table,) in tables.fetchall():
                    places += [(table, repr(row)) for row in db.execute(f"SELECT * FROM {table}")]
            db.close()
            return places

        with SQLiteTokenStore(path) as sqlite_store:
            yield sqlite_store, sqlite_dump
        return
    dsn, prefix = request.getfixturevalue("postgres_dsn"), unique_prefix()

    def postgres_dump() -> list[tuple[str, str]]:
        places = []
        with psycopg.connect(dsn) as db:
            tables = db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_name LIKE %s",
                (prefix + "%",),
            ).fetchall()
            for (table,) in tables:
                rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
                places += [(str(table).removeprefix(prefix), repr(row)) for row in rows]
        return places

    with PostgresTokenStore(dsn, table_prefix=prefix) as postgres_store:
        yield postgres_store, postgres_dump


@contextmanager
def recording() -> Iterator[Recorder]:
    """Every logger at DEBUG, httpx and httpcore included, recorded."""
    root = logging.getLogger()
    handler, level = Recorder(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def found(values: set[str], places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Which of ``values`` appear in which place (the value's first characters only)."""
    return [(place, value[:12]) for place, text in places for value in values if value in text]


def test_no_secret_is_stored_logged_raised_or_shown(
    store: tuple[TokenStore, Dump], tmp_path: Path
) -> None:
    """After a run of connects, refreshes, bookings, 401/124, 429 and 5xx failures and a
    disconnect, no token, code, client or webhook secret, keyring key or start URL is in the
    store, a log record, an exception or a public object's repr; the join URL and passcode
    only in the meeting record and the participants' messages, and the disconnected host's
    nowhere in the store once it is purged."""
    token_store, dump = store
    with recording() as log, world(token_store, [], retry=RETRY, zoom_plan=None) as shared:
        run = Run(shared, log)
        live(run)
        stored = dump()
        secrets = set(shared.fake.issued_tokens()) | set(run.codes) | run.starts
        secrets |= {USER_APP.client_secret, WEBHOOK_SECRET}
        secrets |= {key.split(":", 1)[1] for key in shared.keys.split(",")}
        messages = [n.text for n in shared.sink.sent]
        notices = [repr(n) for n in shared.sink.sent]
    errors = [("".join(traceback.format_exception(e)) + repr(e)) for e in run.errors]
    shown = [("log", line) for line in log.lines]
    shown += [("error", text) for text in errors]
    shown += [(type(o).__name__, repr(o)) for o in run.objects]
    allowed = [(type(o).__name__, repr(o)) for o in run.allowed]
    allowed += [("message", text) for text in messages + notices]

    assert {"httpx", "httpcore.http11", "httpcore.connection", "zoomlink"} <= log.names
    assert len(run.errors) >= 5, "the failures were met"
    assert len(shared.fake.issued_tokens()) >= 12, "every token was refreshed several times"
    assert found(secrets, stored + shown + allowed) == []
    alice, bob = run.meeting_links["alice"], run.meeting_links["bob"]
    assert found(alice | bob, shown) == []
    assert found(alice, stored) == [], "the purge left the disconnected host's meetings"
    bob_in_store = {place for place, _ in found(bob, stored)}
    assert bob_in_store, "the live host's meeting records keep their join URL and passcode"
    assert bob_in_store <= {
        "zoomlink_meetings",
        "meetings",
        "zoomlink.sqlite3",
        "zoomlink.sqlite3-wal",
    }
    assert found(alice | bob, allowed), "the records and messages carry them"
