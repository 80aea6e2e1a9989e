"""Run calls at the same time: coroutines on the loop, or functions on threads.

A pair by hand, used by the contract suites (the async suite's ``gather_async`` becomes
``gather_threads`` in the generated sync suite).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


async def gather_async(calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Await every call concurrently; their results in order."""
    return list(await asyncio.gather(*(call() for call in calls)))


def gather_threads(calls: Iterable[Callable[[], T]]) -> list[T]:
    """Run every call on its own thread at once; their results in order."""
    pending = list(calls)
    with ThreadPoolExecutor(max_workers=max(1, len(pending))) as pool:
        futures = [pool.submit(call) for call in pending]
        return [future.result() for future in futures]
