"""What a notification sink's far end received, as the notification sink contracts read it."""

from __future__ import annotations

import attrs


@attrs.frozen
class Delivered:
    """One delivery, as seen where the sink delivers to (the mail server, the SMS API, the log).

    Attributes:
        key: The notification key it was delivered under (from the Message-ID, an
            idempotency header, the log line …).
        address: Where it went (the e-mail address or phone number), or ``None`` for a far end
            that has no addresses (a log).
        text: What the recipient reads: the body, which holds the notification's text.
    """

    key: str
    address: str | None
    text: str
