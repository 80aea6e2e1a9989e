"""How availability costs grow with a host's Zoom meetings: 10 to 100,000 of them.

For each size, a host whose Zoom user has that many meetings (15 minutes to 3 hours, over the
next 175 days, put straight into the fake's state as ``availability.py`` does), connected to a
ZoomLink that talks to the fake in process (``httpx.MockTransport``, pacing and per-second
limits off). Printed side by side, never asserted:

* the cold listing: the first ``check_conflicts``, which lists every meeting (300 a page);
* ``check_conflicts`` for one booking, cache warm: the median of many;
* ``free_slots`` for the host over one week, 30-minute steps, cache warm: the median of a few.

Each cost is shown with its growth factor per 10x more meetings (the cost at one size over
the cost at the size ten times smaller, in the same run); the overall figure is the geometric
mean of those steps from the smallest size to the largest. A cost that grows with the number
of meetings grows about 10x per step; an indexed lookup, far less.

    python benchmarks/scale.py [--largest N] [--queries Q] [--quick] [--json PATH]

``--quick`` runs 10 and 1,000 meetings only, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import attrs
from _support import Figure, add_json_option, write_figures
from availability import (
    HALF_HOUR,
    MINUTE,
    NOW,
    PAGE_ZONE,
    SEED,
    WEEK,
    WEEK_START,
    _add_host,
    _add_meetings,
    _big_calendar,
    _booking,
    _connect,
    _fake,
    in_process_link,
)

COSTS = ("cold listing", "check_conflicts", "free_slots")
UNITS = {"cold listing": "ms", "check_conflicts": "µs", "free_slots": "ms"}
SCALE = {"ms": 1e3, "µs": 1e6}


@attrs.frozen
class Size:
    meetings: int
    seconds: dict[str, float]  # the median of each cost


def _median(call: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(meetings: int, queries: int) -> Size:
    """The three costs for a host with ``meetings`` Zoom meetings."""
    rng = random.Random(SEED + meetings)  # noqa: S311 - repeatable figures, not secrets
    fake = _fake()
    host = _add_host(fake, "alice", "u_busy", "Europe/Berlin")
    _add_meetings(fake, "u_busy", _big_calendar(rng, meetings))
    with in_process_link(fake) as link:
        _connect(link, fake, [host])
        bookings = []
        for number in range(queries):
            start = NOW + timedelta(hours=2) + rng.randrange(175 * 96) * 15 * MINUTE
            bookings.append(_booking(f"bk_{number}", host, start, rng.choice([30, 45, 60])))
        started = time.perf_counter()
        link.check_conflicts(bookings[0])  # lists every meeting
        cold = time.perf_counter() - started
        samples = []
        for booking in bookings:
            started = time.perf_counter()
            link.check_conflicts(booking)
            samples.append(time.perf_counter() - started)

        def week() -> object:
            return link.free_slots(
                [host],
                start=WEEK_START,
                end=WEEK_START + WEEK,
                duration=HALF_HOUR,
                step=HALF_HOUR,
                time_zone=PAGE_ZONE,
            )

        slots = _median(week, max(3, queries // 100))
    return Size(
        meetings,
        {"cold listing": cold, "check_conflicts": statistics.median(samples), "free_slots": slots},
    )


def main() -> None:
    """Print each cost at each size, with its growth per 10x meetings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--largest", type=int, default=100_000, help="the most meetings, a power of ten (100000)"
    )
    parser.add_argument(
        "--queries", type=int, default=500, help="warm conflict checks per size (500)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    add_json_option(parser)
    arguments = parser.parse_args()
    if arguments.largest < 10 or arguments.queries < 1:
        parser.error("--largest must be at least 10, --queries at least 1")
    sizes = [10**power for power in range(1, int(math.log10(arguments.largest)) + 1)]
    queries: int = arguments.queries
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
        sizes, queries = [10, 1000], 20
    measured = [measure(meetings, queries) for meetings in sizes]

    print(
        "Availability costs for one host by its number of Zoom meetings "
        "(the cold listing, then warm)"
    )
    header = "".join(f" {cost + ' ' + UNITS[cost]:>22}" for cost in COSTS)
    print(f"  {'meetings':>9}{header}")
    for index, size in enumerate(measured):
        cells = []
        for cost in COSTS:
            value = size.seconds[cost] * SCALE[UNITS[cost]]
            growth = ""
            if index:
                factor = size.seconds[cost] / measured[index - 1].seconds[cost]
                steps = math.log10(size.meetings / measured[index - 1].meetings)
                growth = f" (x{factor ** (1 / steps):.1f})"
            cells.append(f"{value:.1f}{growth}")
        print(f"  {size.meetings:>9,}" + "".join(f" {cell:>22}" for cell in cells))
    print("  (in brackets: the growth per 10x meetings from the size above)")

    figures = []
    first, last = measured[0], measured[-1]
    decades = math.log10(last.meetings / first.meetings)
    for cost in COSTS:
        for size in measured:
            figures.append(
                Figure(
                    f"{cost}, {size.meetings:,} meetings",
                    size.seconds[cost] * SCALE[UNITS[cost]],
                    UNITS[cost],
                )
            )
        growth = (last.seconds[cost] / first.seconds[cost]) ** (1 / decades)
        factors = [
            (b.seconds[cost] / a.seconds[cost]) ** (1 / math.log10(b.meetings / a.meetings))
            for a, b in itertools.pairwise(measured)
        ]
        figures.append(
            Figure(
                f"{cost}: growth per 10x meetings, {first.meetings:,} to {last.meetings:,}",
                growth,
                "x",
                spread=(min(factors), max(factors)),
            )
        )
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
