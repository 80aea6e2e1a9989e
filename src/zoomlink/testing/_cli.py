"""``zoomlink fake-zoom``: serve the fake Zoom on a loopback port for any language."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from ._clock import FakeClock
from ._fake import FakeZoom


def add_fake_zoom_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``fake-zoom`` command's options to `parser`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free port)")
    parser.add_argument(
        "--seed", type=Path, metavar="FILE", help="JSON seed file (default: demo data)"
    )
    parser.add_argument("--webhook-url", metavar="URL", help="where apps' webhooks go by default")
    parser.add_argument("--webhook-secret", metavar="S", help="default webhook secret token")
    parser.add_argument(
        "--seed-value", type=int, metavar="N", help="make ids, tokens and passcodes deterministic"
    )


def run_fake_zoom(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; the base URL is the first line of standard output."""
    fake = FakeZoom(
        clock=FakeClock(frozen=False),
        seed=args.seed_value,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    try:
        data = json.loads(args.seed.read_text("utf-8")) if args.seed else FakeZoom.default_seed()
        fake.seed(data)
    except (OSError, ValueError, KeyError) as error:
        print(f"zoomlink fake-zoom: cannot seed: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with fake.serve(args.host, args.port) as server:
            print(server.url, flush=True)
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
