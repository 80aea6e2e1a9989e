"""Where a sink delivers a notification: its own address, else what the host's lookup finds."""

from __future__ import annotations

from collections.abc import Callable

from zoomlink.errors import DeliveryError
from zoomlink.models import Channel, Notification

Lookup = Callable[[Notification], "str | None"]
"""Finds the address (e-mail or phone number) of a notice's recipient when it carries none."""

_WHAT = {"email": "e-mail address", "sms": "phone number"}


def recipient(notification: Notification, channel: Channel, lookup: Lookup | None) -> str:
    """The address for a sink of ``channel``.

    Raises:
        DeliveryError: (stage ``address``) for a notice of another channel, or one with no
            address that the lookup (if any) does not find either.
    """
    if notification.channel != channel:
        raise DeliveryError(
            f"the {channel} sink cannot deliver this {notification.kind} notice: it is for "
            f"{notification.channel}",
            channel=notification.channel,
            stage="address",
        )
    address = notification.address
    if not address and lookup is not None:
        address = lookup(notification)
    if not address:
        whom = notification.recipient_id or "a client"
        raise DeliveryError(
            f"the {notification.kind} notice for {whom} has no {_WHAT[channel]}, and no lookup "
            "found one",
            channel=channel,
            stage="address",
        )
    return address
