"""What availability costs through ZoomLink: conflict checks, free slots, and Zoom calls per view.

Three figures, printed side by side with their targets and never asserted. Every ZoomLink talks
to the embedded fake Zoom in process (``httpx.MockTransport``), with pacing off
(``zoom_plan=None``), the fake's per-second limits off, and the fake's clock as its clock.
Hosts connect their own Zoom users through the fake's consent page (personal connections).

1. One conflict check against a host with 10,000 Zoom meetings, cache warm. The meetings go
   straight into the fake's state (the code ``POST /v2/users/{id}/meetings`` runs, minus the
   100 creates per host per day that the HTTP route enforces); one ``check_conflicts`` then
   lists them all (300 a page). Timed, one call at a time: the interval index query alone
   (``IntervalIndex.overlapping`` on the host's cached index; target: median under 50 µs),
   a naive linear scan of the same 10,000 meetings next to it, and the whole public
   ``ZoomLink.check_conflicts(booking)`` for context (it also reads the store's bookings and
   the calendar, and builds the ``Conflict`` objects).
2. Free slots for 50 hosts over one week, 30-minute steps and duration, each host with 20-40
   meetings that week (a daily stand-up and a weekly one-to-one among them, both recurring).
   The cold first call lists every host from the fake and is shown for context; the figure is
   the median of several warm calls. Target: under 50 ms.
3. Zoom API calls caused by 1,000 booking-page views (``free_slots`` for one random host of 20
   over a week) while the fake's clock moves through three ``busy_ttl`` windows of 60 s.
   Target: at most one meeting list per host per TTL window, counted in the fake's journal;
   next to it the same views with ``busy_ttl=timedelta(0)``, which list on every view. Run
   with ZoomLink and with AsyncZoomLink.

    python benchmarks/availability.py [--queries N] [--repeats R] [--views V] [--quick]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import httpx
from _support import Figure, add_json_option, write_figures

from zoomlink import AsyncZoomLink, Booking, EventType, Participant, ZoomApp, ZoomLink
from zoomlink.calendars import AsyncMemoryCalendarBackend, MemoryCalendarBackend
from zoomlink.testing import FakeClock, FakeZoom

T = TypeVar("T")

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)
UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
ACCOUNT = "acct_demo"  # the default seed's Pro account
ZOOM = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol Client", time_zone="America/New_York", email="carol@example.net")
PAGE_ZONE = "Europe/Berlin"  # the booking page's time zone
WEEK_START = datetime(2026, 3, 9, 0, 0, tzinfo=ZoneInfo(PAGE_ZONE))  # next Monday
WEEK = timedelta(days=7)
DAY = timedelta(days=1)
HALF_HOUR = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)
SEED = 20260302

BIG_MEETINGS = 10_000
BIG_DAYS = 175  # Zoom's upcoming list reaches 183 days ahead
NAIVE_QUERIES = 200  # the scan is slow; fewer queries keep the run short
SLOT_HOSTS = 50
VIEW_HOSTS = 20
TTL = timedelta(seconds=60)
TTL_WINDOWS = 3
TARGET_QUERY_US = 50.0
TARGET_SLOTS_MS = 50.0
TARGET_LISTS = 1
HOST_ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Europe/Paris")


# -- the fake and its hosts ----------------------------------------------------------------------


def _fake() -> FakeZoom:
    fake = FakeZoom(clock=FakeClock(NOW))
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=False)
    return fake


def _zoom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_meetings(fake: FakeZoom, zoom_user: str, bodies: Sequence[dict[str, Any]]) -> None:
    """Create meetings for ``zoom_user`` as ``POST /v2/users/{id}/meetings`` does, straight in
    the fake's state: no HTTP, no auth and no daily create limit (Zoom's 100 per host per day
    would need 100 fake days for 10,000 meetings). Done before the host connects, so no
    ``meeting.created`` webhooks are queued for zoomlink's app."""
    state = fake._state
    with fake._lock:
        host = state.directory.require(zoom_user)
        for body in bodies:
            state.create_meeting(host, body, host)
        state.take_events()


def _add_host(fake: FakeZoom, user_id: str, zoom_user: str, time_zone: str) -> Participant:
    """A member Zoom user of the Pro account, and the app user whose host they are."""
    fake.add_user(
        f"{zoom_user}@example.com",
        account_id=ACCOUNT,
        role="member",
        user_id=zoom_user,
        timezone=time_zone,
    )
    return Participant(
        name=f"Host {user_id}",
        time_zone=time_zone,
        email=f"{zoom_user}@example.com",
        user_id=user_id,
    )


@contextlib.contextmanager
def in_process_link(fake: FakeZoom, busy_ttl: timedelta = TTL) -> Iterator[ZoomLink]:
    """A ZoomLink on the fake in process: pacing off, the fake's clock, a memory calendar."""
    with (
        httpx.Client(transport=httpx.MockTransport(fake)) as http,
        ZoomLink(
            APP,
            http_client=http,
            clock=fake.clock,
            zoom_plan=None,
            busy_ttl=busy_ttl,
            calendar=MemoryCalendarBackend(),
        ) as link,
    ):
        yield link


def _zoom_user(fake: FakeZoom, host: Participant) -> str:
    return fake.user(host.email or "").id


def _connect(link: ZoomLink, fake: FakeZoom, hosts: Sequence[Participant]) -> None:
    """Each host connects their own Zoom user through the fake's consent page."""
    for host in hosts:
        assert host.user_id is not None
        url = link.personal_connect_url(host.user_id)
        link.complete_connect(fake.approve(url, _zoom_user(fake, host)), user_id=host.user_id)


async def _connect_async(link: AsyncZoomLink, fake: FakeZoom, hosts: Sequence[Participant]) -> None:
    for host in hosts:
        assert host.user_id is not None
        url = await link.personal_connect_url(host.user_id)
        await link.complete_connect(fake.approve(url, _zoom_user(fake, host)), user_id=host.user_id)


def _booking(booking_id: str, host: Participant, start: datetime, minutes: int) -> Booking:
    return Booking(
        id=booking_id,
        event_type=ZOOM,
        host=host,
        clients=(CLIENT,),
        start=start,
        end=start + minutes * MINUTE,
        title="Consultation with Carol",
    )


def _api_calls(fake: FakeZoom, since: int = 0) -> Counter[str]:
    """Zoom API requests (not OAuth) of the journal from entry ``since`` on, by route."""
    return Counter(
        entry.route or entry.path for entry in fake.journal[since:] if entry.path.startswith("/v2/")
    )


def _timed(call: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call took, and what it returned."""
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _micros(samples: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile of seconds, in microseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e6, ordered[int(len(ordered) * 0.95)] * 1e6


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- 1. one conflict check against 10,000 meetings -----------------------------------------------


def _big_calendar(rng: random.Random, meetings: int) -> list[dict[str, Any]]:
    """``meetings`` of 15 minutes to 3 hours on a 15-minute grid over the next 175 days."""
    first = NOW + timedelta(hours=1)
    bodies = []
    for number in range(meetings):
        start = first + rng.randrange(BIG_DAYS * 96) * 15 * MINUTE
        bodies.append(
            {
                "topic": f"Meeting {number}",
                "type": 2,
                "start_time": _zoom_time(start),
                "duration": rng.choice([15, 30, 30, 45, 60, 60, 90, 120, 180]),
                "timezone": "Europe/Berlin",
            }
        )
    return bodies


@attrs.frozen
class ConflictFigures:
    meetings: int
    seed_s: float
    cold_s: float
    cold_lists: int
    index_us: tuple[float, float]
    naive_us: tuple[float, float]
    call_us: tuple[float, float]
    queries: int
    conflicts_per_call: float


def conflict_check(queries: int, meetings: int = BIG_MEETINGS) -> ConflictFigures:
    rng = random.Random(SEED)  # noqa: S311 - repeatable figures, not secrets
    fake = _fake()
    host = _add_host(fake, "alice", "u_busy", "Europe/Berlin")
    bodies = _big_calendar(rng, meetings)
    seed_s, _ = _timed(lambda: _add_meetings(fake, "u_busy", bodies))
    with in_process_link(fake) as link:
        _connect(link, fake, [host])
        windows = []
        for _ in range(queries):
            start = NOW + timedelta(hours=2) + rng.randrange(BIG_DAYS * 96) * 15 * MINUTE
            windows.append((start, start + rng.choice([30, 45, 60]) * MINUTE))
        bookings = [
            _booking(f"bk_{n}", host, start, (end - start) // MINUTE)
            for n, (start, end) in enumerate(windows)
        ]
        before = len(fake.journal)
        cold_s, _ = _timed(lambda: link.check_conflicts(bookings[0]))  # lists every meeting
        cold_lists = _api_calls(fake, before)["meetings.list"]

        index = link._availability.zoom_index("alice", bookings[0].tenant, host.email)
        assert index is not None, "the host's Zoom meetings can be seen"
        assert len(index) == meetings, "the cache holds every meeting"
        items = list(index)

        def naive(start: datetime, end: datetime) -> list[tuple[datetime, datetime, Any]]:
            return [item for item in items if item[0] < end and start < item[1]]

        clock = time.perf_counter
        index_samples: list[float] = []
        naive_samples: list[float] = []
        call_samples: list[float] = []
        for number, (start, end) in enumerate(windows):
            started = clock()
            found = index.overlapping(start, end)
            index_samples.append(clock() - started)
            if number < NAIVE_QUERIES:
                started = clock()
                scanned = naive(start, end)
                naive_samples.append(clock() - started)
                assert [i[2] for i in scanned] == [i[2] for i in found], "the same answer"
        calls_before = len(fake.journal)
        conflicts = 0
        for booking in bookings:
            started = clock()
            result = link.check_conflicts(booking)
            call_samples.append(clock() - started)
            conflicts += len(result)
        assert len(fake.journal) == calls_before, "a warm check asks Zoom nothing"
    return ConflictFigures(
        meetings=len(items),
        seed_s=seed_s,
        cold_s=cold_s,
        cold_lists=cold_lists,
        index_us=_micros(index_samples),
        naive_us=_micros(naive_samples),
        call_us=_micros(call_samples),
        queries=queries,
        conflicts_per_call=conflicts / len(bookings),
    )


# -- 2. free slots for 50 hosts over a week ------------------------------------------------------


def _working_week(rng: random.Random, time_zone: str) -> list[dict[str, Any]]:
    """A host's meetings in the booking week: a daily stand-up (recurring, weekdays), a weekly
    one-to-one (recurring) and 14-34 one-off meetings in local working hours: 20-40 in all."""
    zone = ZoneInfo(time_zone)
    monday = datetime(WEEK_START.year, WEEK_START.month, WEEK_START.day, tzinfo=zone)
    one_to_one = rng.randrange(5)  # Monday to Friday
    bodies: list[dict[str, Any]] = [
        {
            "topic": "Stand-up",
            "type": 8,
            "start_time": _zoom_time(monday.replace(hour=9, minute=30)),
            "duration": 15,
            "timezone": time_zone,
            # Zoom numbers week days from 1 (Sunday): Monday to Friday, for four weeks.
            "recurrence": {"type": 2, "weekly_days": "2,3,4,5,6", "end_times": 20},
        },
        {
            "topic": "One-to-one",
            "type": 8,
            "start_time": _zoom_time((monday + one_to_one * DAY).replace(hour=14)),
            "duration": 30,
            "timezone": time_zone,
            "recurrence": {"type": 2, "weekly_days": str(one_to_one + 2), "end_times": 8},
        },
    ]
    for number in range(rng.randint(14, 34)):
        day = monday + rng.randrange(5) * DAY
        local = day.replace(hour=8) + rng.randrange(40) * 15 * MINUTE  # 08:00 to 17:45
        bodies.append(
            {
                "topic": f"Meeting {number}",
                "type": 2,
                "start_time": _zoom_time(local),
                "duration": rng.choice([15, 30, 30, 45, 60, 90]),
                "timezone": time_zone,
            }
        )
    return bodies


def _busy_hosts(fake: FakeZoom, rng: random.Random, count: int, label: str) -> list[Participant]:
    hosts = []
    for number in range(count):
        zone = HOST_ZONES[number % len(HOST_ZONES)]
        host = _add_host(fake, f"{label}{number:02}", f"u_{label}{number:02}", zone)
        _add_meetings(fake, _zoom_user(fake, host), _working_week(rng, zone))
        hosts.append(host)
    return hosts


@attrs.frozen
class SlotFigures:
    hosts: int
    meetings_in_week: tuple[int, int]
    cold_ms: float
    cold_calls: Counter[str]
    warm_ms: list[float]
    slots: int
    all_slots: int
    warm_all_ms: float


def free_slots_week(repeats: int, hosts: int = SLOT_HOSTS) -> SlotFigures:
    rng = random.Random(SEED + 1)  # noqa: S311 - repeatable figures, not secrets
    fake = _fake()
    people = _busy_hosts(fake, rng, hosts, "host")
    with in_process_link(fake) as link:
        _connect(link, fake, people)

        def week(require: str = "any") -> list[Any]:
            return link.free_slots(
                people,
                start=WEEK_START,
                end=WEEK_START + WEEK,
                duration=HALF_HOUR,
                step=HALF_HOUR,
                time_zone=PAGE_ZONE,
                require="all" if require == "all" else "any",
            )

        before = len(fake.journal)
        cold_s, slots = _timed(week)
        cold_calls = _api_calls(fake, before)
        warm = []
        for _ in range(repeats):
            seconds, again = _timed(week)
            warm.append(seconds * 1000)
            assert again == slots, "a warm call answers the same"
        all_s, all_slots = min((_timed(lambda: week("all")) for _ in range(3)), key=_first)
        assert len(fake.journal) == before + sum(cold_calls.values()), "warm calls ask nothing"
        counts = []
        for host in people:
            assert host.user_id is not None
            index = link._availability.zoom_index(host.user_id, "default", host.email)
            assert index is not None
            counts.append(len(index.overlapping(WEEK_START, WEEK_START + WEEK)))
    return SlotFigures(
        hosts=len(people),
        meetings_in_week=(min(counts), max(counts)),
        cold_ms=cold_s * 1000,
        cold_calls=cold_calls,
        warm_ms=warm,
        slots=len(slots),
        all_slots=len(all_slots),
        warm_all_ms=all_s * 1000,
    )


def _first(pair: tuple[float, Any]) -> float:
    return pair[0]


# -- 3. Zoom calls per 1,000 booking-page views --------------------------------------------------


@attrs.frozen
class ViewFigures:
    views: int
    calls: Counter[str]
    lists_per_host_window: int  # the most meeting lists of one host in one TTL window
    shortest_gap_s: float | None  # the shortest time between two lists of one host
    hosts_listed: int
    seconds: float


def _view_plan(views: int) -> tuple[list[int], list[datetime]]:
    """Which host each view is for (fixed seed), and when it happens (spread evenly over
    three TTL windows of the fake's clock)."""
    rng = random.Random(SEED + 2)  # noqa: S311 - repeatable figures, not secrets
    span = TTL * TTL_WINDOWS
    return (
        [rng.randrange(VIEW_HOSTS) for _ in range(views)],
        [NOW + span * n / views for n in range(views)],
    )


def _view_figures(fake: FakeZoom, since: int, views: int, seconds: float) -> ViewFigures:
    entries = [e for e in fake.journal[since:] if e.path.startswith("/v2/")]
    lists = [e for e in entries if e.route == "meetings.list"]
    per_window = Counter((e.user_id, (e.at - NOW) // TTL) for e in lists)
    by_host: dict[str | None, list[datetime]] = {}
    for entry in lists:
        by_host.setdefault(entry.user_id, []).append(entry.at)
    gaps = [
        (later - earlier).total_seconds()
        for times in by_host.values()
        for earlier, later in itertools.pairwise(times)
    ]
    return ViewFigures(
        views=views,
        calls=Counter(e.route or e.path for e in entries),
        lists_per_host_window=max(per_window.values(), default=0),
        shortest_gap_s=min(gaps, default=None),
        hosts_listed=len(by_host),
        seconds=seconds,
    )


def _views_setup() -> tuple[FakeZoom, list[Participant]]:
    rng = random.Random(SEED + 3)  # noqa: S311 - repeatable figures, not secrets
    fake = _fake()
    return fake, _busy_hosts(fake, rng, VIEW_HOSTS, "view")


def page_views(ttl: timedelta, views: int) -> ViewFigures:
    """``views`` booking-page views through ZoomLink with ``busy_ttl=ttl``."""
    fake, hosts = _views_setup()
    who, when = _view_plan(views)
    with in_process_link(fake, busy_ttl=ttl) as link:
        _connect(link, fake, hosts)
        fake.clock.set(NOW)
        since = len(fake.journal)
        started = time.perf_counter()
        for host_number, moment in zip(who, when, strict=True):
            fake.clock.set(moment)
            link.free_slots(
                [hosts[host_number]],
                start=WEEK_START,
                end=WEEK_START + WEEK,
                duration=HALF_HOUR,
                time_zone=PAGE_ZONE,
            )
        seconds = time.perf_counter() - started
    return _view_figures(fake, since, views, seconds)


async def page_views_async(ttl: timedelta, views: int) -> ViewFigures:
    """The same views through AsyncZoomLink."""
    fake, hosts = _views_setup()
    who, when = _view_plan(views)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http,
        AsyncZoomLink(
            APP,
            http_client=http,
            clock=fake.clock,
            zoom_plan=None,
            busy_ttl=ttl,
            calendar=AsyncMemoryCalendarBackend(),
        ) as link,
    ):
        await _connect_async(link, fake, hosts)
        fake.clock.set(NOW)
        since = len(fake.journal)
        started = time.perf_counter()
        for host_number, moment in zip(who, when, strict=True):
            fake.clock.set(moment)
            await link.free_slots(
                [hosts[host_number]],
                start=WEEK_START,
                end=WEEK_START + WEEK,
                duration=HALF_HOUR,
                time_zone=PAGE_ZONE,
            )
        seconds = time.perf_counter() - started
    return _view_figures(fake, since, views, seconds)


# -- output --------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--queries", type=int, default=2000, help="conflict checks timed one by one (2000)"
    )
    parser.add_argument(
        "--repeats", type=int, default=15, help="warm free-slot calls; the median counts (15)"
    )
    parser.add_argument("--views", type=int, default=1000, help="booking-page views (1000)")
    add_json_option(parser)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    arguments = parser.parse_args()
    arguments.meetings, arguments.hosts = BIG_MEETINGS, SLOT_HOSTS
    if arguments.quick:
        arguments.queries, arguments.repeats, arguments.views = 20, 2, 30
        arguments.meetings, arguments.hosts = 400, 5
    if arguments.queries < 1 or arguments.repeats < 1 or arguments.views < 1:
        parser.error("--queries, --repeats and --views must be at least 1")
    return arguments


def _print_conflicts(figures: ConflictFigures) -> None:
    print(
        f"1. One conflict check against a host with {figures.meetings:,} Zoom meetings, cache "
        f"warm ({figures.queries:,} checks of 30-60 minutes, one at a time)"
    )
    print(
        f"   seeding the fake: {figures.seed_s:.2f} s; cold first check "
        f"{figures.cold_s * 1000:.0f} ms ({figures.cold_lists} meeting-list pages)"
    )
    print(f"   {'':<44} {'median':>10} {'p95':>10}  target")
    index_median, index_p95 = figures.index_us
    naive_median, naive_p95 = figures.naive_us
    call_median, call_p95 = figures.call_us
    rows = [
        ("IntervalIndex.overlapping (cached index)", index_median, index_p95),
        (f"naive linear scan ({NAIVE_QUERIES} queries)", naive_median, naive_p95),
        ("ZoomLink.check_conflicts (store, calendar)", call_median, call_p95),
    ]
    for number, (label, median, p95) in enumerate(rows):
        target = ""
        if number == 0:
            target = f"< {TARGET_QUERY_US:.0f} µs  {_verdict(median < TARGET_QUERY_US)}"
        print(f"   {label:<44} {median:>7.1f} µs {p95:>7.1f} µs  {target}")
    print(
        f"   index vs scan: {naive_median / index_median:,.0f}x faster; the public call is "
        f"{call_median / index_median:.1f}x the index query "
        f"({figures.conflicts_per_call:.2f} conflicts per check)"
    )


def _print_slots(figures: SlotFigures) -> None:
    low, high = figures.meetings_in_week
    median = statistics.median(figures.warm_ms)
    calls = ", ".join(f"{count} {route}" for route, count in sorted(figures.cold_calls.items()))
    print(
        f"2. Free slots for {figures.hosts} hosts over one week, 30-minute steps and duration "
        f"({low}-{high} meeting times per host that week, recurring included)"
    )
    print(f"   cold first call (lists every host): {figures.cold_ms:8.1f} ms  ({calls})")
    print(
        f"   warm, median of {len(figures.warm_ms)}:{'':<18} {median:8.1f} ms  "
        f"target < {TARGET_SLOTS_MS:.0f} ms  {_verdict(median < TARGET_SLOTS_MS)}"
    )
    print(
        f"   (warm min {min(figures.warm_ms):.1f} ms, max {max(figures.warm_ms):.1f} ms; "
        f"{figures.slots} slots with any host free; require='all': {figures.all_slots} slots "
        f"in {figures.warm_all_ms:.1f} ms)"
    )


def _print_views(rows: Sequence[tuple[str, ViewFigures, ViewFigures]]) -> None:
    views = rows[0][1].views
    print(
        f"3. Zoom API calls for {views:,} booking-page views (free_slots for one of "
        f"{VIEW_HOSTS} hosts, a week), over {TTL_WINDOWS} TTL windows of "
        f"{TTL.total_seconds():.0f} s"
    )
    header = f"busy_ttl={TTL.total_seconds():.0f}s"
    print(f"   {'':<38} {header:>13} {'busy_ttl=0':>11}  target")
    for label, cached, uncached in rows:
        ok = cached.lists_per_host_window <= TARGET_LISTS
        saved = 1 - sum(cached.calls.values()) / max(1, sum(uncached.calls.values()))
        gap = "-" if cached.shortest_gap_s is None else f"{cached.shortest_gap_s:.1f} s"
        lines = [
            ("Zoom API calls in all", sum(cached.calls.values()), sum(uncached.calls.values())),
            ("  meetings.list", cached.calls["meetings.list"], uncached.calls["meetings.list"]),
            (
                "  meetings.get (recurring)",
                cached.calls["meetings.get"],
                uncached.calls["meetings.get"],
            ),
        ]
        print(f"   {label}")
        for what, left, right in lines:
            print(f"     {what:<36} {left:>13,} {right:>11,}")
        print(
            f"     {'lists per host per TTL window (max)':<36} {cached.lists_per_host_window:>13}"
            f" {uncached.lists_per_host_window:>11}  <= {TARGET_LISTS}  {_verdict(ok)}"
        )
        print(f"     {'shortest time between two lists':<36} {gap:>13}")
        print(
            f"     {'wall time of the views':<36} {cached.seconds:>11.2f} s"
            f" {uncached.seconds:>9.2f} s"
        )
        print(
            f"     ({cached.hosts_listed} hosts listed; the cache saves {saved:.1%} of the calls)"
        )


def main() -> None:
    """Print the conflict check, the week of free slots and the calls per page view."""
    arguments = _arguments()
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    started = time.perf_counter()
    conflicts = conflict_check(arguments.queries, arguments.meetings)
    _print_conflicts(conflicts)
    print()
    slots = free_slots_week(arguments.repeats, arguments.hosts)
    _print_slots(slots)
    print()
    views: int = arguments.views
    rows = [
        ("ZoomLink", page_views(TTL, views), page_views(timedelta(0), views)),
        (
            "AsyncZoomLink",
            asyncio.run(page_views_async(TTL, views)),
            asyncio.run(page_views_async(timedelta(0), views)),
        ),
    ]
    _print_views(rows)
    print(f"\n(whole run {time.perf_counter() - started:.1f} s)")
    write_figures(arguments.json, _figures(conflicts, slots, rows))


def _figures(
    conflicts: ConflictFigures,
    slots: SlotFigures,
    views: Sequence[tuple[str, ViewFigures, ViewFigures]],
) -> list[Figure]:
    index_median, index_p95 = conflicts.index_us
    meetings = f"{conflicts.meetings:,} meetings"
    figures = [
        Figure(
            f"IntervalIndex.overlapping on {meetings}, median (p95 as spread top)",
            index_median,
            "µs",
            f"< {TARGET_QUERY_US:g}",
            (index_median, index_p95),
        ),
        Figure(
            f"linear scan / index on {meetings}, medians", conflicts.naive_us[0] / index_median, "x"
        ),
        Figure(f"ZoomLink.check_conflicts on {meetings}, median", conflicts.call_us[0], "µs"),
        Figure(
            f"free slots, {slots.hosts} hosts over a week, warm median",
            statistics.median(slots.warm_ms),
            "ms",
            f"< {TARGET_SLOTS_MS:g}",
            (min(slots.warm_ms), max(slots.warm_ms)),
        ),
    ]
    for label, cached, uncached in views:
        figures += [
            Figure(
                f"{label}: meeting lists per host per TTL window, most",
                cached.lists_per_host_window,
                "count",
                f"<= {TARGET_LISTS}",
            ),
            Figure(
                f"{label}: Zoom calls for {cached.views:,} views, busy_ttl=60s / busy_ttl=0",
                sum(cached.calls.values()) / max(1, sum(uncached.calls.values())),
                "x",
            ),
        ]
    return figures


if __name__ == "__main__":
    main()
