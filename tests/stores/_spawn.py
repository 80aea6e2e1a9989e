"""Spawned processes for the multi-process store tests: started together, joined, and killed
if they outlive the test."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SPAWN = multiprocessing.get_context("spawn")


@contextmanager
def started(
    target: Callable[..., None], *args_list: tuple[Any, ...], timeout: float = 120
) -> Iterator[None]:
    """Start one process of ``target`` per argument tuple; on leaving the block, wait for each
    (up to ``timeout`` seconds) and fail unless all ended with exit code 0."""
    processes = [SPAWN.Process(target=target, args=args, daemon=True) for args in args_list]
    try:
        for process in processes:
            process.start()
        yield
        for process in processes:
            process.join(timeout=timeout)
            assert process.exitcode == 0, f"{process.name} ended with {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
