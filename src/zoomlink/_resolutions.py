"""Each host's connection resolved once per booking step.

Under a booking's host locks the conflict check and the meeting write both ask which
connection serves each host: three store reads each time. Nothing they learn can change
unnoticed in between: the meeting write reads its link again after writing the pending record
(so a disconnect or a purge is seen there), and a token Zoom no longer takes is answered with
a 401. So inside :func:`resolving_once` the first answer for each host is kept for the rest
of the step, in a context variable: each asyncio task and each thread has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from zoomlink.models import ResolvedHost

__all__ = ["keep_host", "kept_host", "resolving_once"]

HostKey = tuple[str, str, str | None]  # tenant, app user id, e-mail

_KEPT: ContextVar[dict[HostKey, ResolvedHost] | None] = ContextVar(
    "zoomlink_resolved_hosts", default=None
)


@contextmanager
def resolving_once() -> Iterator[None]:
    """Within the block, a host's first resolution answers for it (see the module)."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def kept_host(key: HostKey) -> ResolvedHost | None:
    """The host's resolution kept in this step, if any (never outside :func:`resolving_once`)."""
    memo = _KEPT.get()
    return None if memo is None else memo.get(key)


def keep_host(key: HostKey, host: ResolvedHost) -> None:
    """Keep the host's resolution for the rest of the step (outside :func:`resolving_once`,
    nothing is kept)."""
    memo = _KEPT.get()
    if memo is not None:
        memo[key] = host
