"""A connected world the reliability tests share: a fake Zoom on a frozen clock served on a
loopback socket, Zoom users in its Pro account, and a ZoomLink on a store with those users'
personal connections made through the consent page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import attrs

from tests.conftest import USER_APP, WEBHOOK_SECRET
from zoomlink import Endpoints, Keyring, RetryPolicy, TokenStore, ZoomLink
from zoomlink.notify import MemoryNotificationSink
from zoomlink.testing import FakeClock, FakeZoom

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@attrs.define
class World:
    """The fake, its socket URL, the link and its sink."""

    fake: FakeZoom
    url: str
    link: ZoomLink
    sink: MemoryNotificationSink
    keys: str

    def connect(self, user_id: str) -> None:
        """``user_id`` connects Zoom user ``u_<user_id>`` (again), as its user would."""
        url = self.link.personal_connect_url(user_id)
        self.link.complete_connect(self.fake.approve(url, f"u_{user_id}"), user_id=user_id)


@contextmanager
def world(
    store: TokenStore,
    user_ids: list[str],
    *,
    retry: RetryPolicy,
    per_second_limits: bool = True,
    **options: Any,
) -> Iterator[World]:
    """A World on ``store`` with each of ``user_ids`` connected; ``options`` go to ZoomLink.
    Without ``per_second_limits`` the fake answers 429 only when told to."""
    fake = FakeZoom(
        clock=FakeClock(NOW),
        webhook_secret=WEBHOOK_SECRET,
        webhook_callback=lambda headers, body: None,  # kept in fake.webhook_deliveries
    )
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=per_second_limits)
    keys = f"k1:{Keyring.generate_key()}"
    sink = MemoryNotificationSink()
    with fake.serve() as server:
        link = ZoomLink(
            USER_APP,
            store=store,
            keyring=Keyring.from_string(keys),
            notifications=sink,
            endpoints=Endpoints.single(server.url),
            clock=fake,
            retry=retry,
            **options,
        )
        with link:
            shared = World(fake, server.url, link, sink, keys)
            for user_id in user_ids:
                fake.add_user(
                    f"{user_id}@example.com", account_id="acct_demo", user_id=f"u_{user_id}"
                )
                shared.connect(user_id)
            yield shared
