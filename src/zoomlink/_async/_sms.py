"""AsyncSMSNotificationSink: booking messages by SMS through a provider's HTTP message API."""

from __future__ import annotations

import httpx

from zoomlink._core import _recipients
from zoomlink._core._recipients import Lookup
from zoomlink.errors import ConfigurationError, DeliveryError
from zoomlink.models import Notification

MESSAGES_PATH = "/2010-04-01/Accounts/{account}/Messages.json"


def _reason(response: httpx.Response) -> str:
    """The provider's own words: Twilio answers ``{"code": 21211, "message": "..."}``."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and "message" in body:
        return f"code {body.get('code')}: {body['message']}"
    return response.text[:200]


class AsyncSMSNotificationSink:
    """Sends each SMS notification with one request to a Twilio-shaped message API:
    ``POST {base_url}/2010-04-01/Accounts/{account}/Messages.json`` with the form fields
    ``To``, ``From`` and ``Body``, HTTP Basic auth as account and token. Booking messages
    arrive already fitted to two SMS parts. The notice's key goes in an ``Idempotency-Key``
    header, for providers that drop a repeated request under the same key.

    Args:
        account: The account id (Twilio's Account SID).
        token: The API token (Twilio's Auth Token; never shown in errors or reprs).
        sender: The From number (E.164) or sender id.
        base_url: The API's base URL (change it for another provider of this shape, or a test
            server).
        http_client: An httpx client to send with; by default the sink makes and owns one.
        timeout: Seconds to wait for the API, for the sink's own client.
        number_for: Looks up the recipient's phone number when a notice carries none.
        idempotency_header: The header carrying the notice's key (``None`` sends none).
    """

    def __init__(
        self,
        account: str,
        token: str,
        *,
        sender: str,
        base_url: str = "https://api.twilio.com",
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        number_for: Lookup | None = None,
        idempotency_header: str | None = "Idempotency-Key",
    ) -> None:
        if not account or not token or not sender:
            raise ConfigurationError("the SMS sink needs an account, a token and a sender")
        if not base_url.startswith(("https://", "http://")):
            raise ConfigurationError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.account = account
        self.sender = sender
        self.url = base_url.rstrip("/") + MESSAGES_PATH.format(account=account)
        self.number_for = number_for
        self.idempotency_header = idempotency_header
        self._token = token
        self._owns_client = http_client is None
        self._client = http_client or httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, sender={self.sender!r})"

    async def aclose(self) -> None:
        """Close the sink's own HTTP client (one passed in is left to its owner)."""
        if self._owns_client:
            await self._client.aclose()

    def _fail(self, stage: str, text: str) -> DeliveryError:
        return DeliveryError(
            f"SMS API {self.url}: {text.replace(self._token, '***')}", channel="sms", stage=stage
        )

    async def notify(self, notification: Notification) -> None:
        """Send one notification as an SMS.

        Raises:
            DeliveryError: The notice is for e-mail, has no number and none was found, the
                API could not be reached, refused the credentials (``login``) or the message
                (``provider``, with the provider's code and words).
        """
        number = _recipients.recipient(notification, "sms", self.number_for)
        headers = {}
        if self.idempotency_header and notification.key:
            headers[self.idempotency_header] = notification.key
        try:
            response = await self._client.post(
                self.url,
                data={"To": number, "From": self.sender, "Body": notification.text},
                auth=(self.account, self._token),
                headers=headers,
            )
        except httpx.HTTPError as error:
            raise self._fail(
                "connect", f"could not send ({type(error).__name__}: {error})"
            ) from None
        if response.status_code in (401, 403):
            raise self._fail("login", f"refused account {self.account!r} ({response.status_code})")
        if response.status_code >= 300:
            raise self._fail(
                "provider",
                f"refused the message to {number} ({response.status_code}, {_reason(response)})",
            )
