# This file is generated from src/zoomlink/_async/_webhooks.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""WebhookHandler: Zoom's webhooks in, verified events applied, Zoom's answers out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from zoomlink._sync._zoomlink import ZoomLink
from zoomlink._core._webhooks import (
    Headers,
    Verified,
    delivery_key,
    error_response,
    json_response,
    url_validation_answer,
    verify_webhook,
)
from zoomlink.errors import ConfigurationError, WebhookError, ZoomLinkError
from zoomlink.webhooks import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TOLERANCE,
    OtherEvent,
    UrlValidation,
    WebhookEvent,
    WebhookResponse,
)

logger = logging.getLogger("zoomlink")

# A processed delivery is remembered at least this long, and twice the timestamp window.
_REMEMBER = timedelta(days=1)


class WebhookHandler:
    """Zoom's webhook endpoint, for threaded hosts (Django, Flask …).
    The async twin serves the others.

    Give :meth:`handle` the request's headers and raw body and send back the
    :class:`~zoomlink.WebhookResponse` it returns (:mod:`zoomlink.web` does that for Django,
    Flask and Starlette). It answers:

    * 200 to ``endpoint.url_validation``, with the hashed token Zoom expects;
    * 401 when the signature or timestamp is wrong, 400 when the body is not a Zoom event and
      413 when it is too large: Zoom does not retry these;
    * 200 once an event was applied (``app_deauthorized`` and the meeting events), or when it
      is one zoomlink ignores or a delivery it processed already;
    * 500 when applying failed (a store or calendar failure, say): Zoom retries then, 5, 25
      and 85 minutes after the first attempt.

    Args:
        link: The link whose apps' ``webhook_secret`` verify the requests, whose store
            remembers processed deliveries and which applies the events.
        tolerance: How old a request's ``x-zm-request-timestamp`` may be. The default, 90
            minutes, covers Zoom's last retry: Zoom does not document whether a retry carries
            a fresh timestamp, and a shorter window could refuse the last retries of an
            ``app_deauthorized`` that Zoom never sends again. Replays inside the window do no
            harm, since processed deliveries are remembered and events are applied
            idempotently; pass ``timedelta(minutes=5)`` for a tight window.
        max_body_bytes: The largest body accepted (413 beyond it).
        previous_secrets: Secret Tokens still accepted while one is being rotated: Zoom signs
            with the new token as soon as it is regenerated, while requests already signed
            with the old one may still be retried.

    Raises:
        ConfigurationError: When none of the link's apps has a ``webhook_secret``, or for a
            tolerance or size limit that is not positive.
    """

    def __init__(
        self,
        link: ZoomLink,
        *,
        tolerance: timedelta = DEFAULT_TOLERANCE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        previous_secrets: Sequence[str] = (),
    ) -> None:
        if isinstance(previous_secrets, str):
            raise ConfigurationError("previous_secrets is a list of Secret Tokens, not one string")
        secrets = [api.app.webhook_secret for api in link.apis.values() if api.app.webhook_secret]
        secrets += [secret for secret in previous_secrets if secret]
        if not secrets:
            raise ConfigurationError(
                "no app of the link has a webhook_secret: set ZoomApp(webhook_secret=...) to "
                "the app's Secret Token (Zoom Marketplace, Features, Access)"
            )
        if tolerance <= timedelta(0):
            raise ConfigurationError(f"tolerance must be a positive timedelta, not {tolerance!r}")
        if max_body_bytes <= 0:
            raise ConfigurationError(
                f"max_body_bytes must be a positive number, not {max_body_bytes!r}"
            )
        self.link = link
        self.tolerance = tolerance
        self.max_body_bytes = max_body_bytes
        self._secrets = tuple(dict.fromkeys(secrets))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(apps={len(self._secrets)} secrets, "
            f"tolerance={self.tolerance!r}, max_body_bytes={self.max_body_bytes})"
        )

    def handle(self, headers: Headers, body: bytes) -> WebhookResponse:
        """Verify one webhook request, apply its event and say what to answer Zoom.

        A request that fails verification changes nothing and is answered with its 4xx; this
        method does not raise for a bad request.

        Args:
            headers: The request's headers (a mapping, or ``(name, value)`` pairs).
            body: The raw body, exactly as received: the signature covers these bytes.
        """
        try:
            verified = self._verify(headers, body)
        except WebhookError as error:
            logger.info("webhook refused with %d: %s", error.status, error.reason)
            return error_response(error)
        event = verified.event
        if isinstance(event, UrlValidation):
            return url_validation_answer(verified.secret, event.plain_token)
        key = delivery_key(body)
        try:
            # Under the delivery's store lock, so a copy arriving at the same moment (Zoom's
            # retry of a slow answer, in another worker) waits and then finds it processed.
            with self.link.store.lock(key, timeout=self.link.lock_timeout):
                return self._apply_once(key, event)
        except Exception:
            # A store, calendar or notifier failing: no 2xx, so Zoom delivers it again, and
            # the delivery is not marked as processed. (Verified events only get this far.)
            logger.exception("webhook %s could not be processed", event.name)
            return json_response(500, {"error": "processing failed"})

    def _apply_once(self, key: str, event: WebhookEvent) -> WebhookResponse:
        if self.link.store.quota_used(key) >= 1:
            return json_response(200, {"status": "duplicate"})
        if isinstance(event, OtherEvent):
            return json_response(200, {"status": "ignored", "event": event.name})
        result = self.link.apply_webhook_event(event)
        now = self.link.clock.now()
        try:
            self.link.store.fill_quota(
                key, limit=1, expires_at=now + max(_REMEMBER, 2 * self.tolerance)
            )
        except ZoomLinkError as error:
            # Applied all the same; a retry would apply it again, which changes nothing.
            logger.warning(
                "webhook %s was processed but not remembered: %s: %s",
                event.name,
                type(error).__name__,
                error,
            )
        return json_response(200, {"status": "processed", "event": event.name, "result": result})

    def verify(self, headers: Headers, body: bytes) -> WebhookEvent:
        """Verify one webhook request and decode its event, without applying it.

        Raises:
            WebhookSignatureError: The signature is missing or wrong.
            WebhookTimestampError: The timestamp is missing, malformed or outside the window.
            WebhookPayloadError: The body is too large, or not a Zoom event.
        """
        return self._verify(headers, body).event

    def _verify(self, headers: Headers, body: bytes) -> Verified:
        return verify_webhook(
            headers,
            body,
            secrets=self._secrets,
            now=self.link.clock.now(),
            tolerance=self.tolerance,
            max_bytes=self.max_body_bytes,
        )
