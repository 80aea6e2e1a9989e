"""What conflict checks and free-slot searches cost in zoomlink's sans-I/O core.

Two figures, printed side by side and never asserted:

1. One conflict query against an ``IntervalIndex`` of 10,000 meetings (15 minutes to 3 hours,
   over 90 days, in Europe/Berlin), next to a linear scan of the same meetings: the median and
   95th percentile of single ``any_overlap`` and ``overlapping`` calls. Target: median under
   50 µs.
2. Free slots for 50 hosts over one week in 30-minute steps: one ``slot_starts``, then per host
   a ``merge`` of its busy times and a ``free_mask`` with 5-minute buffers. The figure is the
   median of several runs. Target: under 50 ms.

    python benchmarks/availability_maths.py [--repeats R] [--quick]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from _support import Figure, add_json_option, write_figures

from zoomlink._core._intervals import IntervalIndex, free_mask, merge, slot_starts

ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 0, 0, tzinfo=ZONE)  # a Monday
MINUTE = timedelta(minutes=1)
SEED = 20260302
MEETINGS = 10_000
QUERIES = 2_000
NAIVE_QUERIES = 200  # the scan is slow; fewer queries keep the run short
HOSTS = 50
TARGET_QUERY_US = 50.0
TARGET_WEEK_MS = 50.0

Meeting = tuple[datetime, datetime, int]


def _meetings(rng: random.Random, count: int, days: int) -> list[Meeting]:
    """``count`` meetings of 15 minutes to 3 hours on a 15-minute grid over ``days`` days."""
    meetings = []
    for number in range(count):
        # Add in UTC: aware arithmetic in one zone counts wall time across DST.
        start = (
            START.astimezone(timezone.utc) + rng.randrange(days * 96) * 15 * MINUTE
        ).astimezone(ZONE)
        length = rng.choice([15, 30, 30, 45, 60, 60, 90, 120, 180]) * MINUTE
        meetings.append((start, (start + length).astimezone(ZONE), number))
    return meetings


def _queries(rng: random.Random, count: int, days: int) -> list[tuple[datetime, datetime]]:
    windows = []
    for _ in range(count):
        start = START.astimezone(timezone.utc) + rng.randrange(days * 1440) * MINUTE
        windows.append((start.astimezone(ZONE), start + rng.choice([30, 45, 60]) * MINUTE))
    return windows


def _timed_us(
    call: Callable[[datetime, datetime], object], windows: list[tuple[datetime, datetime]]
) -> list[float]:
    """Microseconds each call took, one window at a time."""
    times = []
    for start, end in windows:
        began = time.perf_counter_ns()
        call(start, end)
        times.append((time.perf_counter_ns() - began) / 1000)
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def query_figures(
    count: int = MEETINGS, queries: int = QUERIES
) -> list[tuple[str, list[float], list[float]]]:
    """Per-query microseconds of the index and of a linear scan, for each kind of query."""
    rng = random.Random(SEED)  # noqa: S311 - repeatable figures, not secrets
    meetings = _meetings(rng, count, 90)
    index = IntervalIndex(meetings)
    windows = _queries(rng, queries, 90)

    def scan_any(start: datetime, end: datetime) -> bool:
        return any(a < end and start < b for a, b, _ in meetings)

    def scan_all(start: datetime, end: datetime) -> list[Meeting]:
        return sorted((m for m in meetings if m[0] < end and start < m[1]), key=lambda m: m[:2])

    _timed_us(index.overlapping, windows[:100])  # warm up
    return [
        (
            "any_overlap",
            _timed_us(index.any_overlap, windows),
            _timed_us(scan_any, windows[:NAIVE_QUERIES]),
        ),
        (
            "overlapping",
            _timed_us(index.overlapping, windows),
            _timed_us(scan_all, windows[:NAIVE_QUERIES]),
        ),
    ]


def week_runs(repeats: int, hosts: int = HOSTS) -> tuple[list[float], int, int]:
    """Milliseconds of each run of the week search for ``hosts`` hosts, the grid size and the
    free slots."""
    rng = random.Random(SEED + 1)  # noqa: S311 - repeatable figures, not secrets
    busy = [_meetings(rng, rng.randrange(10, 40), 7) for _ in range(hosts)]
    week_end = (START.astimezone(timezone.utc) + timedelta(days=7)).astimezone(ZONE)
    runs = []
    grid = found = 0
    for _ in range(repeats):
        began = time.perf_counter()
        starts = slot_starts(START, week_end, 30 * MINUTE, 30 * MINUTE, ZONE)
        utc_starts = [start.astimezone(timezone.utc) for start in starts]
        found = 0
        for meetings in busy:
            merged = merge((start, end) for start, end, _ in meetings)
            free = free_mask(utc_starts, 30 * MINUTE, merged, before=5 * MINUTE, after=5 * MINUTE)
            found += sum(free)
        runs.append((time.perf_counter() - began) * 1000)
        grid = len(starts)
    return runs, grid, found


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=9, help="runs of the week search (9)")
    add_json_option(parser)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    arguments = parser.parse_args()
    arguments.meetings, arguments.queries, arguments.hosts = MEETINGS, QUERIES, HOSTS
    if arguments.quick:
        arguments.repeats, arguments.meetings, arguments.queries, arguments.hosts = 2, 500, 50, 5
    if arguments.repeats < 1:
        parser.error("--repeats must be at least 1")
    return arguments


def main() -> None:
    """Print conflict-query times next to a linear scan, then the 50-host week search."""
    arguments = _arguments()
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    repeats: int = arguments.repeats
    figures: list[Figure] = []
    print(f"One conflict query against {arguments.meetings:,} meetings (µs per call)")
    print(
        f"  {'query':<12} {'index median':>13} {'index p95':>10} {'scan median':>12}"
        f" {'scan p95':>10} {'speed-up':>9}  target < {TARGET_QUERY_US:.0f} µs median"
    )
    for name, indexed, scanned in query_figures(arguments.meetings, arguments.queries):
        median, scan_median = statistics.median(indexed), statistics.median(scanned)
        verdict = "ok" if median < TARGET_QUERY_US else "ABOVE TARGET"
        print(
            f"  {name:<12} {median:>13.2f} {_p95(indexed):>10.2f} {scan_median:>12.0f}"
            f" {_p95(scanned):>10.0f} {scan_median / median:>8.0f}x  {verdict}"
        )
        figures += [
            Figure(
                f"{name} on {arguments.meetings:,} meetings, median",
                median,
                "µs",
                f"< {TARGET_QUERY_US:g}",
                (min(indexed), max(indexed)),
            ),
            Figure(f"{name}: linear scan / index, medians", scan_median / median, "x"),
        ]

    runs, grid, found = week_runs(repeats, arguments.hosts)
    median = statistics.median(runs)
    verdict = "ok" if median < TARGET_WEEK_MS else "ABOVE TARGET"
    print()
    print(
        f"Free 30-minute slots for {arguments.hosts} hosts over one week, median of {repeats} runs"
    )
    print(
        f"  {'ms median':>10} {'ms best':>8} {'grid':>6} {'free (all hosts)':>17}"
        f"  target < {TARGET_WEEK_MS:.0f} ms"
    )
    print(f"  {median:>10.2f} {min(runs):>8.2f} {grid:>6} {found:>17}  {verdict}")
    figures.append(
        Figure(
            f"free slots, {arguments.hosts} hosts over a week, median",
            median,
            "ms",
            f"< {TARGET_WEEK_MS:g}",
            (min(runs), max(runs)),
        )
    )
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
