"""What a booking costs through zoomlink: requests to Zoom per step, and each step's rate
next to the very same requests sent without zoomlink.

Two figures, printed side by side and never asserted:

1. Requests per step, counted in the fake's journal (in process, through
   ``httpx.MockTransport``), for ZoomLink and AsyncZoomLink alike. Warm: the token is fresh.
   Before a ``schedule`` sends its create, it checks the host's busy time, and the host's Zoom
   meetings are listed at most once per ``busy_ttl`` (60 s by default) and kept up to date
   with zoomlink's own writes in between. So ``schedule`` has two warm figures: the first
   booking of a host in a TTL window (the listing, one page here, plus the create) and every
   booking after it in the window, a *warm schedule*, whose target is one request;
   ``reschedule`` (to other times) and ``cancel`` target one request each. Cold: two hours
   later, the token has expired (its refresh at Zoom's OAuth endpoint counts) and the busy
   view is out of its window; shown for context.
2. Schedule, reschedule and cancel over the fake served on a loopback socket, one booking
   after another (sync, and sequential awaits for async), zoomlink with ``zoom_plan=None`` (no
   pacing) on its memory store and the fake with its per-second limits off. zoomlink's HTTP
   client records every Zoom request it sends (an httpx request hook); right after each step
   raw httpx sends those very requests again (same method, URL, body and token, aimed at
   meetings of its own), and so does zoomus when it is installed (sync only; "zoomus: not
   installed" otherwise). The figure is zoomlink's rate over the baseline's, the median of
   the runs side by side with the lowest and highest. Targets: zoomlink keeps at least 0.9x
   raw httpx's rate, and is at least as fast as zoomus. Zoom allows 100 meeting creates and
   updates per Zoom user per UTC day, so the bookings are spread over enough Zoom users, one
   host's bookings follow each other without overlapping, every run books days of its own, and
   the fake's clock moves on a day before every run (tokens are refreshed before the timing
   starts). The first run warms up and is not counted.

    python benchmarks/bookings.py [--bookings N] [--repeats R] [--quick] [--json PATH]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone

import attrs
import httpx
from _replay import (
    Replay,
    Sent,
    ZoomusReplay,
    async_record_into,
    record_into,
    replay_async,
    replay_sync,
    zoomus_meetings,
)
from _support import Figure, add_json_option, median_spread, write_figures

from zoomlink import (
    AsyncZoomLink,
    Booking,
    BookingOutcome,
    Endpoints,
    EventType,
    Participant,
    ZoomApp,
    ZoomLink,
)
from zoomlink.testing import FakeClock, FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ZOOM = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol Client", time_zone="America/New_York", email="carol@example.net")
DAILY_CREATES = 100  # Zoom's meeting creates/updates per Zoom user per UTC day
TARGET_REQUESTS = 1
LENGTH = timedelta(minutes=30)  # of every booking
TARGET_RATIO = 0.9  # of raw httpx's rate
TARGET_PEER = 1.0  # of zoomus's rate: ahead of the most used Python Zoom client


def _fake() -> FakeZoom:
    fake = FakeZoom(clock=FakeClock(NOW))
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=False)
    return fake


def _host(user_id: str) -> Participant:
    return Participant(
        name=f"Host {user_id}",
        time_zone="Europe/Berlin",
        email=f"{user_id}@example.com",
        user_id=user_id,
    )


def _booking(booking_id: str, host: Participant, start: datetime) -> Booking:
    return Booking(
        id=booking_id,
        event_type=ZOOM,
        host=host,
        clients=(CLIENT,),
        start=start,
        end=start + LENGTH,
        title="Consultation with Carol",
    )


def _api_requests(fake: FakeZoom, route: str | None = None) -> int:
    """Zoom API requests (not OAuth) the fake received, of ``route`` if given."""
    return sum(
        1
        for entry in fake.journal
        if entry.path.startswith("/v2/") and route in (None, entry.route)
    )


# -- 1. requests per step, warm and cold ------------------------------------------------------

Steps = list[tuple[str, int, str]]  # (step, requests, outcome action)

# The steps, each with its target in requests; None: shown for context, no target. A cold
# step comes after an hour and more without zoomlink: the token has expired (one refresh at
# Zoom's OAuth endpoint, counted) and the host's busy view is out of its TTL window.
STEPS: tuple[tuple[str, int | None], ...] = (
    ("schedule, host's first in a TTL window", None),
    ("schedule, view warm", TARGET_REQUESTS),
    ("reschedule", TARGET_REQUESTS),
    ("cancel", TARGET_REQUESTS),
    ("schedule, cold (token expired)", None),
    ("reschedule, cold (token expired)", None),
    ("cancel, cold (token expired)", None),
)
COLD_GAP = timedelta(hours=2)  # longer than a token lives (1 hour) and than busy_ttl


def _step_bookings(host: Participant) -> list[Booking]:
    """A host's first booking, a second one the same day, the second moved a day on; then a
    third booking and that one moved a day on."""
    return [
        _booking("bk_1", host, NOW + timedelta(days=8, hours=5)),
        _booking("bk_2", host, NOW + timedelta(days=8, hours=7)),
        _booking("bk_2", host, NOW + timedelta(days=9)),
        _booking("bk_3", host, NOW + timedelta(days=10)),
        _booking("bk_3", host, NOW + timedelta(days=11)),
    ]


def _requests(fake: FakeZoom) -> int:
    """Every request the fake received, OAuth included (a cold step refreshes its token)."""
    return len(fake.journal)


def sync_requests_per_step() -> Steps:
    """Requests each of schedule, reschedule and cancel sends, warm and cold, sync."""
    fake = _fake()
    first, second, moved, third, third_moved = _step_bookings(_host("alice"))
    with (
        httpx.Client(transport=httpx.MockTransport(fake)) as http,
        ZoomLink(APP, http_client=http, clock=fake.clock) as link,
    ):
        url = link.personal_connect_url("alice")
        link.complete_connect(fake.approve(url, "u_member"), user_id="alice")
        link.host_zoom_user("alice")  # warm: the token is fresh
        steps: Steps = []
        calls: list[Callable[[], BookingOutcome]] = [
            lambda: link.schedule(first),
            lambda: link.schedule(second),
            lambda: link.reschedule(moved),
            lambda: link.cancel(moved),
            lambda: link.schedule(third),
            lambda: link.reschedule(third_moved),
            lambda: link.cancel(third_moved),
        ]
        for (name, _), call in zip(STEPS, calls, strict=True):
            if "cold" in name:
                fake.advance(COLD_GAP)
            before = _requests(fake)
            outcome = call()
            steps.append((name, _requests(fake) - before, outcome.action))
        return steps


async def async_requests_per_step() -> Steps:
    """Requests each of schedule, reschedule and cancel sends, warm and cold, async."""
    fake = _fake()
    first, second, moved, third, third_moved = _step_bookings(_host("alice"))
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http,
        AsyncZoomLink(APP, http_client=http, clock=fake.clock) as link,
    ):
        url = await link.personal_connect_url("alice")
        await link.complete_connect(fake.approve(url, "u_member"), user_id="alice")
        await link.host_zoom_user("alice")  # warm: the token is fresh
        steps: Steps = []
        calls: list[Callable[[], Awaitable[BookingOutcome]]] = [
            lambda: link.schedule(first),
            lambda: link.schedule(second),
            lambda: link.reschedule(moved),
            lambda: link.cancel(moved),
            lambda: link.schedule(third),
            lambda: link.reschedule(third_moved),
            lambda: link.cancel(third_moved),
        ]
        for (name, _), call in zip(STEPS, calls, strict=True):
            if "cold" in name:
                fake.advance(COLD_GAP)
            before = _requests(fake)
            outcome = await call()
            steps.append((name, _requests(fake) - before, outcome.action))
        return steps


# -- 2. each step over the socket, next to the same requests sent without zoomlink --------------


def _add_hosts(fake: FakeZoom, count: int) -> list[tuple[str, str]]:
    """``count`` member Zoom users in acct_demo, each as (app user who connects it, Zoom user)."""
    hosts = []
    for index in range(count):
        zoom_user = f"u_bench{index}"
        fake.add_user(
            f"bench{index}@example.com", account_id="acct_demo", role="member", user_id=zoom_user
        )
        hosts.append((f"host{index}", zoom_user))
    return hosts


# Each run books days of its own: a host's bookings of one run fill at most PER_USER half
# hours, moved a day on by the reschedules.
DAYS_PER_RUN = 3
# A Zoom user's creates and updates in one run (a create and an update per booking, by
# zoomlink, raw httpx and zoomus: six writes) stay within DAILY_CREATES; the fake's clock
# moves on a day before every run, for fresh quotas.
PER_USER = DAILY_CREATES // 6
OPERATIONS = ("schedule", "reschedule", "cancel")


def _users(bookings: int) -> int:
    return math.ceil(bookings / PER_USER)


def _round(people: list[Participant], bookings: int, run: int) -> tuple[list[Booking], ...]:
    """``bookings`` new bookings, round robin over ``people``, one after another for each
    host, on days no other run uses; and the same bookings moved a day on."""
    first = NOW + timedelta(days=30 + DAYS_PER_RUN * run)
    batch = [
        _booking(
            f"r{run}-{index}", people[index % len(people)], first + LENGTH * (index // len(people))
        )
        for index in range(bookings)
    ]
    moved = [
        attrs.evolve(b, start=b.start + timedelta(days=1), end=b.end + timedelta(days=1))
        for b in batch
    ]
    return batch, moved


def _check(fake: FakeZoom, created_before: int, bookings: int) -> None:
    """Stop, rather than print a meaningless rate, unless every booking made its meeting."""
    created = _api_requests(fake, "meetings.create") - created_before
    if created != bookings:
        raise SystemExit(f"zoomlink: {created} meetings created, not {bookings}")


@attrs.define
class Timings:
    """Seconds of each timed run, by step and by who sent the requests."""

    seconds: dict[tuple[str, str], list[float]] = attrs.field(factory=dict)
    sent: dict[str, int] = attrs.field(factory=dict)  # Zoom API requests zoomlink sent, by step

    def add(self, step: str, who: str, seconds: float) -> None:
        self.seconds.setdefault((step, who), []).append(seconds)

    def ratios(self, step: str, baseline: str) -> list[float]:
        """zoomlink's rate over the baseline's, run by run (side by side)."""
        pairs = zip(self.seconds[step, "zoomlink"], self.seconds[step, baseline], strict=True)
        return [theirs / ours for ours, theirs in pairs]


def sync_steps_over_socket(bookings: int, repeats: int) -> Timings:
    """Each step through ZoomLink, then the same requests through raw httpx and zoomus."""
    fake = _fake()
    hosts = _add_hosts(fake, _users(bookings))
    people = [_host(user_id) for user_id, _ in hosts]
    log: list[Sent] = []
    timings = Timings()
    component = zoomus_meetings()
    with (
        fake.serve() as server,
        httpx.Client(event_hooks={"request": [record_into(log)]}) as link_http,
        httpx.Client() as raw_http,
        ZoomLink(
            APP,
            http_client=link_http,
            endpoints=Endpoints.single(server.url),
            clock=fake.clock,
            zoom_plan=None,
        ) as link,
    ):
        connections = [
            link.complete_connect(
                fake.approve(link.personal_connect_url(user), zoom_user), user_id=user
            ).id
            for user, zoom_user in hosts
        ]
        zoomus = None if component is None else ZoomusReplay(component, server.url)
        for run in range(repeats + 1):  # the first run warms up, untimed
            _next_day(fake)
            for connection_id in connections:  # refresh outside the timing
                link.access_token(connection_id)
            batch, moved = _round(people, bookings, run)
            raw, by_zoomus = Replay(), Replay()
            steps: list[tuple[str, list[Booking], Callable[[Booking], BookingOutcome]]] = [
                ("schedule", batch, link.schedule),
                ("reschedule", moved, link.reschedule),
                ("cancel", moved, link.cancel),
            ]
            for step, items, call in steps:
                log.clear()
                created = _api_requests(fake, "meetings.create")
                started = time.perf_counter()
                outcomes = [call(booking) for booking in items]
                took = time.perf_counter() - started
                if step == "schedule":
                    _check(fake, created, bookings)
                    raw.created = by_zoomus.created = [int(o.meeting_id or 0) for o in outcomes]
                sent = list(log)
                started = time.perf_counter()
                replay_sync(raw_http, sent, raw)
                raw_took = time.perf_counter() - started
                if run == 0:
                    continue
                timings.sent[step] = len(sent)
                timings.add(step, "zoomlink", took)
                timings.add(step, "raw httpx", raw_took)
                if zoomus is not None:
                    started = time.perf_counter()
                    zoomus.replay(sent, by_zoomus)
                    timings.add(step, "zoomus", time.perf_counter() - started)
    return timings


async def async_steps_over_socket(bookings: int, repeats: int) -> Timings:
    """Each step through AsyncZoomLink, then the same requests through raw httpx.AsyncClient."""
    fake = _fake()
    hosts = _add_hosts(fake, _users(bookings))
    people = [_host(user_id) for user_id, _ in hosts]
    log: list[Sent] = []
    timings = Timings()
    with fake.serve() as server:
        async with (
            httpx.AsyncClient(event_hooks={"request": [async_record_into(log)]}) as link_http,
            httpx.AsyncClient() as raw_http,
            AsyncZoomLink(
                APP,
                http_client=link_http,
                endpoints=Endpoints.single(server.url),
                clock=fake.clock,
                zoom_plan=None,
            ) as link,
        ):
            connections = []
            for user, zoom_user in hosts:
                url = await link.personal_connect_url(user)
                connection = await link.complete_connect(fake.approve(url, zoom_user), user_id=user)
                connections.append(connection.id)
            for run in range(repeats + 1):  # the first run warms up, untimed
                _next_day(fake)
                for connection_id in connections:  # refresh outside the timing
                    await link.access_token(connection_id)
                batch, moved = _round(people, bookings, run)
                raw = Replay()
                steps: list[
                    tuple[str, list[Booking], Callable[[Booking], Awaitable[BookingOutcome]]]
                ] = [
                    ("schedule", batch, link.schedule),
                    ("reschedule", moved, link.reschedule),
                    ("cancel", moved, link.cancel),
                ]
                for step, items, call in steps:
                    log.clear()
                    created = _api_requests(fake, "meetings.create")
                    started = time.perf_counter()
                    outcomes = [await call(booking) for booking in items]
                    took = time.perf_counter() - started
                    if step == "schedule":
                        _check(fake, created, bookings)
                        raw.created = [int(o.meeting_id or 0) for o in outcomes]
                    sent = list(log)
                    started = time.perf_counter()
                    await replay_async(raw_http, sent, raw)
                    raw_took = time.perf_counter() - started
                    if run:
                        timings.sent[step] = len(sent)
                        timings.add(step, "zoomlink", took)
                        timings.add(step, "raw httpx", raw_took)
    return timings


def _next_day(fake: FakeZoom) -> None:
    """A new UTC day at Zoom (and for zoomlink, which reads the same clock): fresh quotas."""
    fake.advance(timedelta(days=1))


# -- output ------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--bookings", type=int, default=300, help="bookings per timed run (default 300)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed runs per figure; the median counts (5)"
    )
    add_json_option(parser)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.bookings, arguments.repeats = 12, 1
    if arguments.bookings < 1 or arguments.repeats < 1:
        parser.error("--bookings and --repeats must be at least 1")
    return arguments


def _print_steps(sync_steps: Steps, async_steps: Steps) -> list[Figure]:
    print("Requests to Zoom per step (OAuth included), warm: token fresh; cold: token expired")
    print(f"  {'step':<40} {'ZoomLink':>14} {'AsyncZoomLink':>14} {'target':>7}")
    figures = []
    for (step, target), sync_step, async_step in zip(STEPS, sync_steps, async_steps, strict=True):
        cells = [f"{count} ({action})" for _, count, action in (sync_step, async_step)]
        target_cell = "-" if target is None else str(target)
        print(f"  {step:<40} {cells[0]:>14} {cells[1]:>14} {target_cell:>7}")
        for label, (_, count, _) in (("ZoomLink", sync_step), ("AsyncZoomLink", async_step)):
            figures.append(
                Figure(
                    f"{label}: {step}, requests",
                    count,
                    "requests",
                    None if target is None else f"<= {target}",
                )
            )
    print(
        "  (a schedule lists the host's Zoom meetings once per busy_ttl window; "
        "the bookings after it in the window are warm schedules)"
    )
    return figures


def _print_steps_over_socket(label: str, bookings: int, timings: Timings) -> list[Figure]:
    """One table of a mode (sync or async): each step's rate next to each baseline's."""
    baselines = sorted({who for _, who in timings.seconds} - {"zoomlink"})
    print(
        f"  {label:<6} {'step':<11} {'requests':>8} {'zoomlink ms':>12} "
        + " ".join(f"{'zoomlink / ' + who:>22}" for who in baselines)
        + f"  target >= {TARGET_RATIO:.2f}x raw, >= {TARGET_PEER:.2f}x zoomus"
    )
    figures = []
    for step in OPERATIONS:
        milliseconds = 1000 * statistics.median(timings.seconds[step, "zoomlink"]) / bookings
        cells = []
        verdict = ""
        for who in baselines:
            ratio, spread = median_spread(timings.ratios(step, who))
            cells.append(f"{ratio:>8.2f}x ({spread[0]:.2f}-{spread[1]:.2f})")
            least = TARGET_RATIO if who == "raw httpx" else TARGET_PEER
            figure = Figure(
                f"{label}: {step}, zoomlink / {who} rate", ratio, "x", f">= {least:g}", spread
            )
            figures.append(figure)
            if not figure.met():
                verdict = "BELOW TARGET"
        verdict = verdict or "ok"
        figures.append(Figure(f"{label}: {step}, zoomlink per booking", milliseconds, "ms"))
        print(
            f"  {'':<6} {step:<11} {timings.sent[step]:>8} {milliseconds:>12.2f} "
            + " ".join(f"{cell:>22}" for cell in cells)
            + f"  {verdict}"
        )
    return figures


def main() -> None:
    """Print requests per step, then each step's rate next to the same requests without it."""
    arguments = _arguments()
    bookings: int = arguments.bookings
    repeats: int = arguments.repeats
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")

    figures = _print_steps(sync_requests_per_step(), asyncio.run(async_requests_per_step()))
    print()
    print(
        f"Each step over the loopback socket fake, {bookings} bookings over "
        f"{_users(bookings)} Zoom user(s), one after another; next to it the very requests "
        f"zoomlink sent, sent again without it (median of {repeats} runs side by side, "
        "lowest-highest in brackets)"
    )
    figures += _print_steps_over_socket("sync", bookings, sync_steps_over_socket(bookings, repeats))
    figures += _print_steps_over_socket(
        "async", bookings, asyncio.run(async_steps_over_socket(bookings, repeats))
    )
    if zoomus_meetings() is None:
        print("  zoomus: not installed (its column is left out)")
    print("  (zoomus is synchronous, so it is a baseline of the sync steps only)")
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
