"""``zoomlink worker``: a process that finishes the outbox's pending Zoom work.

The host app names a factory, ``package.module:function``, that builds its
:class:`~zoomlink.ZoomLink` (or :class:`~zoomlink.AsyncZoomLink`) with the same store, keyring,
notification sink and calendar as its web workers; the worker calls
:meth:`~zoomlink.ZoomLink.run_pending` every ``--interval`` seconds until SIGTERM or SIGINT,
finishing the pass it is in. ``--once`` makes one pass and exits, for cron.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

from zoomlink import AsyncZoomLink, PendingReport, StoreError, ZoomLink

Factory = Callable[[], object]  # what it returns is checked: a ZoomLink or an AsyncZoomLink


class WorkerError(Exception):
    """The worker cannot start: a message for the person running it."""


def add_worker_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``zoomlink worker`` arguments."""
    parser.add_argument(
        "factory",
        help="the function that builds your ZoomLink or AsyncZoomLink, as package.module:name",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=30.0,
        help="seconds between passes over the pending work (default 30)",
    )
    parser.add_argument(
        "--limit", type=int, default=100, help="most pieces of work per pass (default 100)"
    )
    parser.add_argument("--once", action="store_true", help="make one pass, then exit")


def load_factory(spec: str) -> Factory:
    """The factory ``package.module:name`` names.

    Raises:
        WorkerError: It cannot be imported or is not callable.
    """
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise WorkerError(f"the factory must look like package.module:function, not {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise WorkerError(f"cannot import {module_name!r}: {exc}") from None
    factory: object = getattr(module, name, None)
    if not callable(factory):
        raise WorkerError(f"{module_name!r} has no function {name!r}")
    return factory


def run_worker(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``zoomlink worker``; returns the exit code (0 done, 1 a pass failed with --once,
    2 the worker could not start)."""
    if args.interval <= 0 or args.limit < 1:
        out.write("zoomlink worker: --interval must be more than 0 and --limit at least 1\n")
        return 2
    try:
        link = load_factory(args.factory)()
    except WorkerError as exc:
        out.write(f"zoomlink worker: {exc}\n")
        return 2
    if not isinstance(link, (ZoomLink, AsyncZoomLink)):
        out.write(f"zoomlink worker: {args.factory} returned {type(link).__name__}, not ZoomLink\n")
        return 2
    stop = threading.Event()
    previous = _stop_on_signals(stop)
    out.write(f"zoomlink worker: running pending Zoom work every {args.interval:g} s\n")
    out.flush()
    try:
        if isinstance(link, AsyncZoomLink):
            return asyncio.run(_async_passes(link, args, stop, out))
        with link:
            while True:
                try:
                    outcome: PendingReport | StoreError = link.run_pending(limit=args.limit)
                except StoreError as exc:
                    outcome = exc
                code = _after_pass(outcome, args, out)
                if code is not None or stop.wait(args.interval):
                    return _stopped(code, out)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


async def _async_passes(
    link: AsyncZoomLink, args: argparse.Namespace, stop: threading.Event, out: TextIO
) -> int:
    """The passes of an AsyncZoomLink, on one event loop (its pools and client live there)."""
    async with link:
        while True:
            try:
                outcome: PendingReport | StoreError = await link.run_pending(limit=args.limit)
            except StoreError as exc:
                outcome = exc
            code = _after_pass(outcome, args, out)
            if code is not None or await asyncio.to_thread(stop.wait, args.interval):
                return _stopped(code, out)


def _after_pass(
    report: PendingReport | StoreError, args: argparse.Namespace, out: TextIO
) -> int | None:
    """Print what one pass did; the exit code when the worker ends here."""
    if isinstance(report, StoreError):
        # The store is the queue: nothing was lost, and the next pass tries again.
        out.write(f"zoomlink worker: this pass failed: {report}\n")
        out.flush()
        return 1 if args.once else None
    if report.total or args.once:
        out.write(f"zoomlink worker: {_summary(report)}\n")
        out.flush()
    return 0 if args.once else None


def _stopped(code: int | None, out: TextIO) -> int:
    out.write("zoomlink worker: stopped\n")
    out.flush()
    return 0 if code is None else code


def _summary(report: PendingReport) -> str:
    parts = [
        f"{len(report.done)} done",
        f"{len(report.deferred)} kept for later",
        f"{len(report.failed)} failed",
        f"{len(report.superseded)} superseded",
    ]
    return ", ".join(parts)


def _stop_on_signals(stop: threading.Event) -> dict[int, object]:
    """SIGTERM and SIGINT end the worker after the pass it is in; the old handlers."""

    def handle(number: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, object] = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        previous[number] = signal.signal(number, handle)
    return previous
