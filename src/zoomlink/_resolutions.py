"""Each host's connection resolved once per booking step.

Under a booking's host locks the conflict check and the meeting write both ask which
connection serves each host, and the write needs that connection's link and grant: three
store reads for each host, and two more for the write. Nothing they learn can change
unnoticed in between: the meeting write reads its link again after writing the pending record
(so a disconnect or a purge is seen there), a token about to expire is refreshed from the
grant as stored (read again under the grant's lock), and a token Zoom no longer takes is
answered with a 401. So inside :func:`resolving_once` the first answer for each host is kept
for the rest of the step, with the link and grant behind it, in a context variable: each
asyncio task and each thread has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

from zoomlink.models import Grant, Link, ResolvedHost

__all__ = ["keep_host", "kept_host", "kept_serving", "resolving_once"]

HostKey = tuple[str, str, str | None]  # tenant, app user id, e-mail


@attrs.define
class _Step:
    hosts: dict[HostKey, ResolvedHost] = attrs.Factory(dict)
    serving: dict[str, tuple[Link, Grant]] = attrs.Factory(dict)  # by connection id


_KEPT: ContextVar[_Step | None] = ContextVar("zoomlink_resolved_hosts", default=None)


@contextmanager
def resolving_once() -> Iterator[None]:
    """Within the block, a host's first resolution answers for it (see the module)."""
    token = _KEPT.set(_Step())
    try:
        yield
    finally:
        _KEPT.reset(token)


def kept_host(key: HostKey) -> ResolvedHost | None:
    """The host's resolution kept in this step, if any (never outside :func:`resolving_once`)."""
    step = _KEPT.get()
    return None if step is None else step.hosts.get(key)


def kept_serving(connection_id: str) -> tuple[Link, Grant] | None:
    """The link and grant of a connection that a resolution kept in this step, if any."""
    step = _KEPT.get()
    return None if step is None else step.serving.get(connection_id)


def keep_host(key: HostKey, host: ResolvedHost, link: Link, grant: Grant) -> None:
    """Keep the host's resolution, and the link and grant serving it, for the rest of the
    step (outside :func:`resolving_once`, nothing is kept)."""
    step = _KEPT.get()
    if step is not None:
        step.hosts[key] = host
        step.serving[host.connection.id] = (link, grant)
