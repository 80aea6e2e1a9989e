"""What a booking costs through zoomlink: requests to Zoom per step, and schedules per second.

Two figures, printed side by side and never asserted:

1. Requests per step on a warm connection, counted in the fake's journal (in process, through
   ``httpx.MockTransport``), for ZoomLink and AsyncZoomLink alike. A connection is warm once
   its token is fresh. Before a ``schedule`` sends its create, it checks the host's busy time,
   and the host's Zoom meetings are listed at most once per ``busy_ttl`` (60 s by default) and
   kept up to date with zoomlink's own writes in between. So two figures are reported for
   ``schedule``: the first booking of a host in a TTL window (the listing, one page here, plus
   the create) and every booking after it in the window: a *warm schedule*, whose target is
   one request. ``reschedule`` (to other times) and ``cancel`` target one request each.
2. Schedule throughput against the fake served on a loopback socket, next to raw httpx sending
   the same ``POST /v2/users/me/meetings`` requests with the same tokens, for the same Zoom
   users and the same number of bookings, one after another (sync, and sequential awaits for
   async). zoomlink runs with ``zoom_plan=None`` (no pacing) on its memory store, and the
   fake with its per-second limits off. Zoom allows 100 meeting creates per Zoom user per UTC
   day, so the bookings are spread over enough Zoom users, one host's bookings follow each other
   without overlapping, every run books days of its own, and the fake's clock moves on a day
   before every timed run (tokens are refreshed before the timing starts). zoomlink's figure
   includes listing each host's meetings once per run, as its first booking in a TTL window
   does. Target: zoomlink keeps at least 0.7x the raw rate. Each figure is the best of a few
   runs (5 by default), zoomlink and raw taking turns to go first; the median of the
   side-by-side ratios is printed too, as a check on noise.

    python benchmarks/bookings.py [--bookings N] [--repeats R] [--quick]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

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
TARGET_RATIO = 0.7


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


# -- 1. requests per step on a warm connection ---------------------------------------------

Steps = list[tuple[str, int, str]]  # (step, requests, outcome action)

# The steps, each with its target in requests; None: shown for context, no target.
STEPS: tuple[tuple[str, int | None], ...] = (
    ("schedule, host's first in a TTL window", None),
    ("schedule, view warm", TARGET_REQUESTS),
    ("reschedule", TARGET_REQUESTS),
    ("cancel", TARGET_REQUESTS),
)


def _step_bookings(host: Participant) -> tuple[Booking, Booking, Booking]:
    """A host's first booking, a second one the same day, and the second moved a day on."""
    first = _booking("bk_1", host, NOW + timedelta(days=8, hours=5))
    second = _booking("bk_2", host, NOW + timedelta(days=8, hours=7))
    return first, second, _booking("bk_2", host, NOW + timedelta(days=9))


def sync_requests_per_step() -> Steps:
    """Requests each of schedule (cold and warm view), reschedule and cancel sends, sync."""
    fake = _fake()
    first, second, moved = _step_bookings(_host("alice"))
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
        ]
        for (name, _), call in zip(STEPS, calls, strict=True):
            before = _api_requests(fake)
            outcome = call()
            steps.append((name, _api_requests(fake) - before, outcome.action))
        return steps


async def async_requests_per_step() -> Steps:
    """Requests each of schedule (cold and warm view), reschedule and cancel sends, async."""
    fake = _fake()
    first, second, moved = _step_bookings(_host("alice"))
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
        ]
        for (name, _), call in zip(STEPS, calls, strict=True):
            before = _api_requests(fake)
            outcome = await call()
            steps.append((name, _api_requests(fake) - before, outcome.action))
        return steps


# -- 2. schedule throughput over the socket ------------------------------------------------


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


# Each run books days of its own: a host's bookings of one run fill at most DAILY_CREATES
# half hours (50 hours), and the runs before it left their meetings in Zoom.
DAYS_PER_RUN = 3


def _batch(label: str, hosts: list[Participant], bookings: int, run: int) -> list[Booking]:
    """``bookings`` new bookings, round robin over ``hosts``, one after another for each host,
    on days no other run uses, all well in the future of the fake's clock."""
    first = NOW + timedelta(days=30 + DAYS_PER_RUN * run)
    return [
        _booking(
            f"{label}-{index}", hosts[index % len(hosts)], first + LENGTH * (index // len(hosts))
        )
        for index in range(bookings)
    ]


def _raw_body(booking: Booking) -> dict[str, Any]:
    """What zoomlink sends for ``booking``: UTC start, minutes, host zone, marked agenda."""
    start = booking.start.astimezone(timezone.utc)
    return {
        "topic": booking.title,
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": booking.duration_minutes,
        "timezone": booking.host.time_zone,
        "agenda": f"Booking ref {booking.id}",
        "type": 2,
    }


def _check(fake: FakeZoom, created_before: int, bookings: int, who: str) -> None:
    """Stop, rather than print a meaningless rate, unless every booking made its meeting."""
    created = _api_requests(fake, "meetings.create") - created_before
    if created != bookings:
        raise SystemExit(f"{who}: {created} meetings created, not {bookings}")


def _next_day(fake: FakeZoom) -> None:
    """A new UTC day at Zoom (and for zoomlink, which reads the same clock): fresh quotas."""
    fake.advance(timedelta(days=1))


Rates = tuple[list[float], list[float]]  # bookings/second of each run: zoomlink, raw httpx


def sync_throughput(bookings: int, repeats: int) -> Rates:
    """Bookings/second of ZoomLink.schedule and of raw httpx.Client, run by run."""
    fake = _fake()
    hosts = _add_hosts(fake, math.ceil(bookings / DAILY_CREATES))
    people = [_host(user_id) for user_id, _ in hosts]
    link_rates: list[float] = []
    raw_rates: list[float] = []
    runs = itertools.count()  # every timed run, zoomlink's and raw, books days of its own
    with (
        fake.serve() as server,
        httpx.Client() as link_http,
        httpx.Client() as raw_http,
        ZoomLink(
            APP,
            http_client=link_http,
            endpoints=Endpoints.single(server.url),
            clock=fake.clock,
            zoom_plan=None,
        ) as link,
    ):
        connections = []
        for user_id, zoom_user in hosts:
            url = link.personal_connect_url(user_id)
            redirect = fake.approve(url, zoom_user)
            connections.append(link.complete_connect(redirect, user_id=user_id).id)
        meetings_url = f"{server.url}/v2/users/me/meetings"

        def through_zoomlink(label: str) -> None:
            _next_day(fake)
            for connection_id in connections:  # refresh outside the timing
                link.access_token(connection_id)
            batch = _batch(label, people, bookings, next(runs))
            before = _api_requests(fake, "meetings.create")
            started = time.perf_counter()
            for booking in batch:
                link.schedule(booking)
            link_rates.append(bookings / (time.perf_counter() - started))
            _check(fake, before, bookings, "ZoomLink")

        def raw(label: str) -> None:
            _next_day(fake)
            tokens = [link.access_token(connection_id) for connection_id in connections]
            batch = _batch(label, people, bookings, next(runs))
            before = _api_requests(fake, "meetings.create")
            started = time.perf_counter()
            for index, booking in enumerate(batch):
                headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
                response = raw_http.post(meetings_url, json=_raw_body(booking), headers=headers)
                response.raise_for_status()
                response.json()
            raw_rates.append(bookings / (time.perf_counter() - started))
            _check(fake, before, bookings, "raw httpx.Client")

        for run in range(repeats):  # alternate which goes first, so neither always warms up
            order = (through_zoomlink, raw) if run % 2 == 0 else (raw, through_zoomlink)
            for measure in order:
                measure(f"{measure.__name__}-{run}")
    return link_rates, raw_rates


async def async_throughput(bookings: int, repeats: int) -> Rates:
    """Bookings/second of AsyncZoomLink.schedule and of raw httpx.AsyncClient, run by run."""
    fake = _fake()
    hosts = _add_hosts(fake, math.ceil(bookings / DAILY_CREATES))
    people = [_host(user_id) for user_id, _ in hosts]
    link_rates: list[float] = []
    raw_rates: list[float] = []
    runs = itertools.count()  # every timed run, zoomlink's and raw, books days of its own
    with fake.serve() as server:
        async with (
            httpx.AsyncClient() as link_http,
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
            for user_id, zoom_user in hosts:
                url = await link.personal_connect_url(user_id)
                redirect = fake.approve(url, zoom_user)
                connection = await link.complete_connect(redirect, user_id=user_id)
                connections.append(connection.id)
            meetings_url = f"{server.url}/v2/users/me/meetings"

            async def through_zoomlink(label: str) -> None:
                _next_day(fake)
                for connection_id in connections:  # refresh outside the timing
                    await link.access_token(connection_id)
                batch = _batch(label, people, bookings, next(runs))
                before = _api_requests(fake, "meetings.create")
                started = time.perf_counter()
                for booking in batch:
                    await link.schedule(booking)
                link_rates.append(bookings / (time.perf_counter() - started))
                _check(fake, before, bookings, "AsyncZoomLink")

            async def raw(label: str) -> None:
                _next_day(fake)
                tokens = [await link.access_token(connection_id) for connection_id in connections]
                batch = _batch(label, people, bookings, next(runs))
                before = _api_requests(fake, "meetings.create")
                started = time.perf_counter()
                for index, booking in enumerate(batch):
                    headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
                    response = await raw_http.post(
                        meetings_url, json=_raw_body(booking), headers=headers
                    )
                    response.raise_for_status()
                    response.json()
                raw_rates.append(bookings / (time.perf_counter() - started))
                _check(fake, before, bookings, "raw httpx.AsyncClient")

            for run in range(repeats):  # alternate which goes first
                order = (through_zoomlink, raw) if run % 2 == 0 else (raw, through_zoomlink)
                for measure in order:
                    await measure(f"{measure.__name__}-{run}")
    return link_rates, raw_rates


# -- output ------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--bookings", type=int, default=300, help="bookings per timed run (default 300)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed runs per figure; the best counts (5)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.bookings, arguments.repeats = 12, 1
    if arguments.bookings < 1 or arguments.repeats < 1:
        parser.error("--bookings and --repeats must be at least 1")
    return arguments


def _print_steps(sync_steps: Steps, async_steps: Steps) -> None:
    print("Zoom API requests per step on a warm connection (token fresh)")
    print(f"  {'step':<40} {'ZoomLink':>14} {'AsyncZoomLink':>14} {'target':>7}")
    for (step, target), sync_step, async_step in zip(STEPS, sync_steps, async_steps, strict=True):
        cells = [f"{count} ({action})" for _, count, action in (sync_step, async_step)]
        target_cell = "-" if target is None else str(target)
        print(f"  {step:<40} {cells[0]:>14} {cells[1]:>14} {target_cell:>7}")
    print(
        "  (a schedule lists the host's Zoom meetings once per busy_ttl window; "
        "the bookings after it in the window are warm schedules)"
    )


def main() -> None:
    """Print requests per step, then schedule throughput next to raw httpx."""
    arguments = _arguments()
    bookings: int = arguments.bookings
    repeats: int = arguments.repeats
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")

    _print_steps(sync_requests_per_step(), asyncio.run(async_requests_per_step()))

    users = math.ceil(bookings / DAILY_CREATES)
    rows = [
        ("sync", *sync_throughput(bookings, repeats)),
        ("async", *asyncio.run(async_throughput(bookings, repeats))),
    ]
    print()
    print(
        f"Schedule throughput over the loopback socket fake: {bookings} bookings over "
        f"{users} Zoom user(s), one after another, best of {repeats} runs each"
    )
    print(
        f"  {'':<6} {'zoomlink':>14} {'raw httpx':>14} {'ms: zl / raw':>16}"
        f" {'zoomlink/raw':>13} {'run by run':>11}  target >= {TARGET_RATIO:.2f}x"
    )
    for label, link_rates, raw_rates in rows:
        link_rate, raw_rate = max(link_rates), max(raw_rates)
        ratio = link_rate / raw_rate
        paired = statistics.median(a / b for a, b in zip(link_rates, raw_rates, strict=True))
        milliseconds = f"{1000 / link_rate:.2f} / {1000 / raw_rate:.2f}"
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(
            f"  {label:<6} {link_rate:>10.0f} b/s {raw_rate:>10.0f} b/s {milliseconds:>16}"
            f" {ratio:>12.2f}x {paired:>10.2f}x  {verdict}"
        )
    print(
        "  (zoomlink/raw compares the best runs; run by run is the median ratio of runs made "
        "side by side)"
    )


if __name__ == "__main__":
    main()
