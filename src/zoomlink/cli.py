"""The ``zoomlink`` command: ``zoomlink demo``, ``zoomlink worker`` and ``zoomlink fake-zoom``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``zoomlink`` command."""
    from zoomlink._worker import add_worker_arguments
    from zoomlink.testing._cli import add_fake_zoom_arguments

    parser = argparse.ArgumentParser(prog="zoomlink", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the booking story against the embedded fake Zoom")
    demo.add_argument(
        "--web",
        action="store_true",
        help="serve the FastAPI example site against the fake Zoom on 127.0.0.1 instead",
    )
    demo.add_argument("--port", type=int, default=8000, help="the site's port (with --web)")
    worker = commands.add_parser(
        "worker", help="finish the pending Zoom work that defer=True calls kept for later"
    )
    add_worker_arguments(worker)
    fake = commands.add_parser("fake-zoom", help="serve the fake Zoom on a loopback port")
    add_fake_zoom_arguments(fake)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "fake-zoom":
        from zoomlink.testing._cli import run_fake_zoom

        return run_fake_zoom(args)
    if args.command == "worker":
        from zoomlink._worker import run_worker

        return run_worker(args, sys.stdout)
    if args.web:
        from zoomlink._demo_web import serve_demo_site

        return serve_demo_site(args.port, sys.stdout)
    from zoomlink._demo import run_demo

    return run_demo(sys.stdout)
