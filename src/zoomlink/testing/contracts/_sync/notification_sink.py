# This file is generated from src/zoomlink/testing/contracts/_async/notification_sink.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""NotificationSinkContract: what every NotificationSink must do, as tests to inherit.

Written once with async sinks in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, get_args

import pytest

from zoomlink import (
    NotificationSink,
    Channel,
    DeliveryError,
    Invite,
    Notification,
    NotificationKind,
)
from zoomlink.testing.contracts._delivered import Delivered

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ADDRESSES: dict[Channel, str] = {"email": "dana@example.org", "sms": "+4915123456789"}
KINDS: tuple[NotificationKind, ...] = get_args(NotificationKind)

Received = Callable[[], "list[Delivered]"]


def make_notification(channel: Channel, key: str = "a" * 32, **changes: Any) -> Notification:
    """A booking message for Dana on ``channel``, with its calendar invitation."""
    start = T0 + timedelta(days=7)
    values: dict[str, Any] = {
        "kind": "meeting_scheduled",
        "tenant": "t1",
        "recipient_id": None,
        "subject": "Booked: Consultation",
        "text": "Booked: Consultation, Mon 9 Mar 10:00-10:30 CET. Join: https://zoom.us/j/85746065432",
        "created_at": T0,
        "channel": channel,
        "address": ADDRESSES[channel],
        "role": "client",
        "booking_id": "bk_1",
        "meeting_id": 85746065432,
        "key": key,
        "invite": Invite(
            method="REQUEST",
            uid="t1:bk_1@zoomlink",
            sequence=1,
            title="Consultation",
            start=start,
            end=start + timedelta(minutes=30),
            time_zone="Europe/Berlin",
            join_url="https://zoom.us/j/85746065432",
            meeting_id=85746065432,
            passcode="123456",
            description="Join Zoom: https://zoom.us/j/85746065432",
        ),
    }
    values.update(changes)
    return Notification(**values)


class NotificationSinkContract:
    """Inherit in a test class and define two fixtures: ``sink``, a fresh
    :class:`~zoomlink.NotificationSink`, and ``received``, a function returning what its
    far end has received so far as :class:`Delivered` values, oldest first. Set ``channel`` to
    ``"sms"`` for an SMS sink. Async tests need pytest-asyncio.
    """

    channel: Channel = "email"

    @pytest.mark.parametrize("kind", KINDS)
    def test_every_kind_is_delivered_under_its_key(
        self, sink: NotificationSink, received: Received, kind: NotificationKind
    ) -> None:
        """A notification of every kind arrives once, under its key, at its address."""
        notification = make_notification(self.channel, kind=kind, key=f"key-{kind}")
        sink.notify(notification)
        [delivered] = received()
        assert delivered.key == notification.key
        assert delivered.address in (None, notification.address)
        assert notification.text in delivered.text

    def test_a_notice_without_an_invite_is_delivered(
        self, sink: NotificationSink, received: Received
    ) -> None:
        """A notice that is no booking message (no invite, no booking) arrives too."""
        notice = make_notification(
            self.channel, kind="action_required", invite=None, booking_id=None, meeting_id=None
        )
        sink.notify(notice)
        assert [d.key for d in received()] == [notice.key]

    def test_the_text_arrives_intact(
        self, sink: NotificationSink, received: Received
    ) -> None:
        """Text beyond ASCII arrives as written."""
        text = "Grüße aus Köln — 東京 23:00 ✓"
        sink.notify(make_notification(self.channel, text=text))
        [delivered] = received()
        assert text in delivered.text

    def test_deliveries_arrive_in_order(
        self, sink: NotificationSink, received: Received
    ) -> None:
        """Notifications delivered one after another arrive in that order."""
        keys = [f"{n}" * 32 for n in range(3)]
        for key in keys:
            sink.notify(make_notification(self.channel, key=key))
        assert [d.key for d in received()] == keys

    def test_a_resent_notice_keeps_its_key(
        self, sink: NotificationSink, received: Received
    ) -> None:
        """A notice delivered again (a retry) arrives under the same key, so the far end can
        drop it; a sink that drops it itself delivers it once."""
        notice = make_notification(self.channel)
        sink.notify(notice)
        sink.notify(notice)
        keys = [d.key for d in received()]
        assert keys in ([notice.key], [notice.key] * 2)


class NotificationSinkFailureContract:
    """For sinks that can fail (anything that talks to a server): inherit beside
    :class:`NotificationSinkContract` and define ``failing_sink``, a sink whose far end
    refuses or cannot be reached, and ``secret``, a credential it holds (a password, a token).
    """

    channel: Channel = "email"

    def test_a_failed_delivery_raises_delivery_error(
        self, failing_sink: NotificationSink
    ) -> None:
        """A delivery that fails raises DeliveryError for the notice's channel, saying what
        failed, so the outbox keeps the notice for a retry."""
        with pytest.raises(DeliveryError) as caught:
            failing_sink.notify(make_notification(self.channel))
        assert caught.value.channel == self.channel
        assert caught.value.stage
        assert str(caught.value).strip()

    def test_the_error_names_no_secret(
        self, failing_sink: NotificationSink, secret: str
    ) -> None:
        """Neither the error nor the sink's repr shows the credential."""
        with pytest.raises(DeliveryError) as caught:
            failing_sink.notify(make_notification(self.channel))
        assert secret not in str(caught.value)
        assert secret not in repr(caught.value.args)
        assert secret not in repr(failing_sink)
