"""Workers SIGKILLed at any moment in the middle of the outbox run, schedule, reschedule,
cancel, token refresh and disconnect (revoke and purge), on a SQLite file and on PostgreSQL:
after every kill a fresh worker finishes the job, and at the end no meeting is duplicated,
orphaned, missing or at the wrong time, every connection is disconnected and purged with
nothing left behind, and no notice is lost or sent twice under two keys.

One window cannot be closed: a worker killed after Zoom took a refresh (and retired the old
refresh token) but before the new pair is stored loses the connection. Each such loss must
surface as exactly one "Action required" at the connection's next use; the user reconnects and
the work goes on. The suite prints how many kills landed there, how wide the window is, where
every kill landed, and how soon each successor got going.

The default suite runs a bounded version (a dozen kills per store). For the long run:

    ZOOMLINK_CRASH_KILLS=200 python -m pytest -m crash tests/crash
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from tests.crash import _crash_worker as worker
from tests.stores._spawn import SPAWN, StoreSpec, connect, fleet, store_spec
from zoomlink._core._bookings import marker, marker_of
from zoomlink.testing import FakeZoom

KILLS = int(os.environ.get("ZOOMLINK_CRASH_KILLS", "12"))
BOOKINGS = 3 * KILLS  # enough work that every kill lands in some step
LATENCY = 0.04  # seconds the fake takes per request: kills land mid-call
LONGEST_LIFE = 0.5  # a worker is killed at most this long after it is up


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """A store every worker opens for itself: one SQLite file, or one PostgreSQL database."""
    return store_spec(request, tmp_path)


def alarmed(folder: Path) -> Counter[str]:
    """How many "Action required" notices (distinct keys) each connection got so far."""
    mail = folder / "mail.jsonl"
    lines = mail.read_text(encoding="utf-8").splitlines() if mail.exists() else []
    notices = {(n["connection"], n["key"]) for n in map(json.loads, lines)}
    return Counter(connection for connection, key in notices if connection is not None)


def landed_in(fake: FakeZoom, folder: Path) -> str:
    """Where the last kill landed: in a token refresh (the last request the fake took, once
    it finished taking it), else the step the worker had announced."""
    time.sleep(2 * LATENCY)  # the fake finishes the request the dead worker left in flight
    journal = fake.journal
    if journal and journal[-1].grant_type == "refresh_token":
        return "refresh"
    return (folder / "phase").read_text(encoding="utf-8")


@pytest.mark.crash
def test_killed_workers_leave_every_booking_exactly_right(
    spec: StoreSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Workers are SIGKILLed mid-step and mid-refresh again and again; their successors finish
    every booking: one meeting per live booking at its last time, none for a cancelled one, the
    connections disconnected and purged, every notice delivered under one key, and exactly one
    "Action required" per connection a kill lost in the refresh window."""
    rng = random.Random(20261207)
    kills = 0
    hosts = worker.host_ids(BOOKINGS)
    with fleet(spec, hosts) as shared:
        fake, link = shared.fake, shared.link
        fake.latency = LATENCY
        first = shared.now + timedelta(days=3)
        window = worker.refresh_window(link.store, shared.keys, shared.url, hosts[0], rounds=15)
        where: dict[str, int] = defaultdict(int)
        reconnected: Counter[str] = Counter()  # per connection
        for _ in range(2 * KILLS + 50):  # bounded: every life makes progress
            ready = SPAWN.Event()
            args = (spec, shared.keys, shared.url, BOOKINGS, first, tmp_path, ready)
            process = SPAWN.Process(target=worker.work, args=args, daemon=True)
            process.start()
            assert ready.wait(timeout=60), "the worker came up"
            process.join(timeout=rng.uniform(0.0, LONGEST_LIFE) if kills < KILLS else 300)
            if process.is_alive():
                assert process.pid is not None
                os.kill(process.pid, signal.SIGKILL)
                process.join(timeout=10)
                kills += 1
                where[landed_in(fake, tmp_path)] += 1
                continue
            if process.exitcode == worker.RECONNECT:
                # A host reconnects once told: a notice a kill delayed is delivered by the
                # next worker's outbox run first.
                told = alarmed(tmp_path)
                for user_id in hosts:
                    [connection] = link.connections(user_id=user_id)
                    broken = connection.status == "needs_reconnect"
                    if broken and told[connection.id] > reconnected[connection.id]:
                        connect(shared, user_id)
                        reconnected[connection.id] += 1
                continue
            assert process.exitcode == 0, f"a worker ended with {process.exitcode}"
            break
        else:
            pytest.fail("the workers never finished the job")
        connections = [link.connections(user_id=user_id)[0] for user_id in hosts]
        leftovers = [link.find_zoom_data(c.id).findings for c in connections]
        records = {number: link.meeting_record(f"crash-{number}") for number in range(BOOKINGS)}

    # Each life is killed at a random moment; should the work run out before the last kill
    # (a fast machine), the kills that landed still count.
    assert kills >= KILLS // 2, "the kills landed while there was work"
    assert [(c.status, c.purge) for c in connections] == [("disconnected", "done")] * len(hosts)
    assert leftovers == [()] * len(hosts)
    in_zoom: dict[str, list[dict[str, object]]] = defaultdict(list)
    for meeting in fake.meetings():
        in_zoom[marker_of(str(meeting.get("agenda", "")))].append(meeting)
    duplicates, orphans, missing, wrong = [], [], [], []
    for number, record in records.items():
        made = in_zoom.pop(marker("default", f"crash-{number}"), [])
        assert record is not None
        if number % 2:  # cancelled
            assert record.state == "cancelled", number
            orphans += made
            continue
        assert record.state == "detached", number  # purged: the meeting stays in Zoom
        moved = worker.booking(number, first, moved=True)
        duplicates += made[1:]
        missing += [number] if not made else []
        wrong += [m for m in made if m["start_time"] != moved.start.strftime("%Y-%m-%dT%H:%M:%SZ")]
    orphans += [m for meetings in in_zoom.values() for m in meetings if meetings]
    assert (duplicates, orphans, missing, wrong) == ([], [], [], [])

    keys_by_notice: dict[tuple[str | None, str, str | None], set[str]] = defaultdict(set)
    mail = (tmp_path / "mail.jsonl").read_text(encoding="utf-8").splitlines()
    for line in mail:
        notice = json.loads(line)
        keys_by_notice[notice["booking"], notice["kind"], notice["role"]].add(notice["key"])
    alarms = keys_by_notice.pop((None, "action_required", None), set())
    reconnects = reconnected.total()
    twice = {notice: k for notice, k in keys_by_notice.items() if len(k) > 1}
    lives = (tmp_path / "lives.jsonl").read_text(encoding="utf-8").splitlines()
    starts = [json.loads(line)["first_step"] for line in lives]
    with capsys.disabled():
        print(
            f"\ncrash suite ({spec[0]}): {kills} kills, by step {dict(sorted(where.items()))};"
            f" {reconnects} in the refresh window, which is {window['answer_ms']:.1f} ms waiting for"
            f" Zoom's answer + {window['local_ms']:.2f} ms from the answer to the stored pair;"
            f" a successor's first step done {statistics.median(starts) * 1e3:.0f} ms after"
            f" it was up (median; longest {max(starts) * 1e3:.0f} ms)"
        )
    assert len(alarms) == reconnects, "one Action required per connection lost, none other"
    expected = {
        (f"crash-{number}", kind, role)
        for number in range(BOOKINGS)
        for kind in ("meeting_scheduled", "meeting_rescheduled")
        + (("meeting_cancelled",) if number % 2 else ())
        for role in ("client", "host")
    }
    lost = expected - set(keys_by_notice)
    assert (twice, lost) == ({}, set())
