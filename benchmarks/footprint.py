"""What zoomlink weighs: the time of ``import zoomlink``, and the memory of 1,000 connections.

Two figures, printed side by side and never asserted:

1. ``import zoomlink`` in a fresh interpreter (a subprocess each time, so nothing is cached in
   memory), next to ``import httpx`` alone, which zoomlink needs anyway: the two take turns,
   and the figure is the median of the ratios of each pair, with the lowest and highest. The
   medians of each and the modules each import are shown too.
2. The memory zoomlink keeps for 1,000 connections in a ``MemoryTokenStore`` (tokens sealed
   with a keyring): ``tracemalloc`` traces every allocation while 1,000 hosts complete their
   connection through the fake Zoom in process (``httpx.MockTransport``: the code exchange,
   the user lookup, the sealed grant stored); what is still allocated at the end, less
   everything allocated under the fake's own frames (its tokens and journal), is zoomlink's,
   with its client and caches. The consents are given on the fake's page before tracing
   starts (that page lists every user of the fake, so rendering it is a cost of the fake that
   grows with them), and one connection made beforehand, untraced, loads what zoomlink
   imports lazily. Shown per 1,000 connections.

    python benchmarks/footprint.py [--imports N] [--connections C] [--quick] [--json PATH]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tracemalloc
from datetime import datetime, timezone

import httpx
from _support import APP, ROOT, Figure, add_json_option, median_spread, write_figures

from zoomlink import Keyring, ZoomLink
from zoomlink.stores import MemoryTokenStore
from zoomlink.testing import FakeClock, FakeZoom

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TIMED_IMPORT = """
import sys, time
started = time.perf_counter()
import {module}
took = time.perf_counter() - started
print(took, len(sys.modules))
"""
FAKE_FRAMES = "/zoomlink/testing/"


def import_once(module: str) -> tuple[float, int]:
    """Seconds ``import module`` took in a fresh interpreter, and the modules then loaded."""
    result = subprocess.run(  # noqa: S603 - this Python, our own snippet
        [sys.executable, "-c", TIMED_IMPORT.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seconds, modules = result.stdout.split()
    return float(seconds), int(modules)


def import_times(runs: int) -> dict[str, list[tuple[float, int]]]:
    """``runs`` fresh imports of zoomlink and of httpx, taking turns to go first."""
    samples: dict[str, list[tuple[float, int]]] = {"zoomlink": [], "httpx": []}
    for run in range(runs):
        order = ("zoomlink", "httpx") if run % 2 == 0 else ("httpx", "zoomlink")
        for module in order:
            samples[module].append(import_once(module))
    return samples


def _link(fake: FakeZoom, http: httpx.Client) -> ZoomLink:
    return ZoomLink(
        APP,
        store=MemoryTokenStore(),
        keyring=Keyring.from_string(f"bench:{Keyring.generate_key()}"),
        http_client=http,
        clock=fake.clock,
        zoom_plan=None,
    )


def _approved(link: ZoomLink, fake: FakeZoom, numbers: range) -> list[tuple[int, str]]:
    """Each host's consent, given on the fake's page: the redirect to complete, by host."""
    return [
        (number, fake.approve(link.personal_connect_url(f"host{number}"), f"u{number}"))
        for number in numbers
    ]


def _complete(link: ZoomLink, redirects: list[tuple[int, str]]) -> None:
    for number, redirect in redirects:
        link.complete_connect(redirect, user_id=f"host{number}")


def connection_memory(connections: int) -> tuple[int, int]:
    """Bytes still allocated after ``connections`` hosts connected: zoomlink's, the fake's."""
    fake = FakeZoom(clock=FakeClock(NOW))
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=False)
    for number in range(connections + 1):
        fake.add_user(
            f"host{number}@example.com", account_id="acct_demo", role="member", user_id=f"u{number}"
        )
    with httpx.Client(transport=httpx.MockTransport(fake)) as http:
        with _link(fake, http) as warm_up:  # modules zoomlink imports lazily, loaded untraced
            _complete(warm_up, _approved(warm_up, fake, range(connections, connections + 1)))
        with _link(fake, http) as link:
            # The consent page lists every user of the fake: a cost of the fake, left untraced.
            redirects = _approved(link, fake, range(connections))
            gc.collect()
            tracemalloc.start(40)
            _complete(link, redirects)
            gc.collect()
            snapshot = tracemalloc.take_snapshot()
            tracemalloc.stop()
    ours = theirs = 0
    for trace in snapshot.traces:
        if any(FAKE_FRAMES in frame.filename for frame in trace.traceback):
            theirs += trace.size
        else:
            ours += trace.size
    return ours, theirs


def main() -> None:
    """Print the import times side by side, then the memory per 1,000 connections."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--imports", type=int, default=21, help="fresh imports of each (21)")
    parser.add_argument("--connections", type=int, default=1000, help="connections made (1000)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    add_json_option(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.imports, arguments.connections = 2, 20
    if arguments.imports < 1 or arguments.connections < 1:
        parser.error("--imports and --connections must be at least 1")
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")

    samples = import_times(arguments.imports)
    pairs = zip(samples["zoomlink"], samples["httpx"], strict=True)
    ratio, spread = median_spread([ours[0] / theirs[0] for ours, theirs in pairs])
    print(f"Import in a fresh interpreter, {arguments.imports} times each, taking turns")
    print(f"  {'':<16} {'median ms':>10} {'modules':>8}")
    figures = [Figure("import zoomlink / import httpx, time", ratio, "x", spread=spread)]
    for module, runs in samples.items():
        median_ms = statistics.median(seconds for seconds, _ in runs) * 1000
        modules = max(count for _, count in runs)
        print(f"  import {module:<9} {median_ms:>10.1f} {modules:>8}")
        figures.append(Figure(f"import {module}, median", median_ms, "ms"))
        figures.append(Figure(f"import {module}, modules loaded", modules, "count"))
    print(f"  zoomlink / httpx: {ratio:.2f}x (lowest {spread[0]:.2f}x, highest {spread[1]:.2f}x)")

    connections: int = arguments.connections
    ours, theirs = connection_memory(connections)
    per_thousand = ours * 1000 / connections / 2**20
    print()
    print(f"Memory still allocated after {connections:,} connections (MemoryTokenStore, sealed)")
    print(f"  zoomlink, per 1,000 connections: {per_thousand:8.2f} MiB")
    print(f"  the fake Zoom, for context:      {theirs * 1000 / connections / 2**20:8.2f} MiB")
    figures.append(Figure("zoomlink memory per 1,000 connections", per_thousand, "MiB"))
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
