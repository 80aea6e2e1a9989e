"""`Dispatcher`: the fake's outgoing webhooks, from queued events to recorded attempts.

It turns the state's queued events into signed webhooks for each app's endpoint, asks the
`Postman` which attempts are due, sends them outside the fake's lock and records every
attempt. Retries, held (reordered) webhooks and revalidations wait for the fake's clock.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable

import httpx

from ._clock import FakeClock
from ._delivery import URL_VALIDATION, Job, Postman
from ._events import envelope
from ._records import FakeApp, WebhookCallback, WebhookDelivery
from ._state import ZoomState
from ._webhooks import DELIVERY_TIMEOUT, Endpoint, outgoing, send


class Dispatcher:
    """Sends the webhooks of one fake; `lock` is the fake's state lock."""

    def __init__(
        self,
        lock: threading.RLock,
        clock: FakeClock,
        state: ZoomState,
        *,
        url: str | None,
        secret: str | None,
        callback: WebhookCallback | None,
    ) -> None:
        self._lock = lock
        self._clock = clock
        self._state = state
        self._url = url
        self._secret = secret
        self._callback = callback
        self._http: httpx.Client | None = None
        self.postman = Postman()
        self.deliveries: list[WebhookDelivery] = []

    def reset(self) -> None:
        """Forget every attempt and switch, as a fresh fake."""
        self.postman.reset()
        self.deliveries.clear()

    def endpoint(self, app: FakeApp) -> Endpoint | None:
        """Where the app's webhooks go (its own target, else the fake's default), if anywhere."""
        url, callback = app.webhook_url, app.webhook_callback
        if url is None and callback is None:
            url, callback = self._url, self._callback
        if url is None and callback is None:
            return None
        return Endpoint(app.client_id, url, callback, app.webhook_secret or self._secret or "")

    def endpoints(self, client_ids: Iterable[str] | None = None) -> list[Endpoint]:
        """The endpoints of the named apps (every app's by default)."""
        wanted = None if client_ids is None else set(client_ids)
        found = []
        for app in self._state.apps.values():
            endpoint = self.endpoint(app)
            if endpoint is not None and (wanted is None or app.client_id in wanted):
                found.append(endpoint)
        return found

    # -- called under the lock ---------------------------------------------------------------

    def collect(self, *, release_held: bool = False) -> list[Job]:
        """The attempts to make now: the state's new events, due retries and revalidations."""
        webhooks = []
        for event in self._state.take_events():
            endpoint = self.endpoint(event.app)
            if endpoint is not None:
                request_id = self._state.ids.hex(32, "webhook")
                webhooks.append(outgoing(event.event, event.body, endpoint, request_id))
        now = self._clock.now()
        jobs = self.postman.post(webhooks)
        jobs += self.postman.due(now, release_held=release_held)
        stale = self.postman.revalidations(self.endpoints(), now)
        return jobs + self.validations(stale)

    def validations(self, endpoints: list[Endpoint]) -> list[Job]:
        """An ``endpoint.url_validation`` attempt for each endpoint."""
        now = self._clock.now()
        jobs = []
        for endpoint in endpoints:
            plain = self._state.ids.secret("plain-token", 16)
            body = envelope(URL_VALIDATION, now, {"plainToken": plain})
            request_id = self._state.ids.hex(32, "webhook")
            jobs.append(Job(outgoing(URL_VALIDATION, body, endpoint, request_id)))
        return jobs

    # -- called without the lock ---------------------------------------------------------------

    def run(self, jobs: list[Job]) -> None:
        """Make the attempts in order, recording each and scheduling what follows."""
        for job in jobs:
            result = send(job.webhook, self._client(), self._clock.now(), job.attempt)
            with self._lock:
                self.deliveries.append(result.delivery)
                self.postman.sent(job, result, self._clock.now())

    def _client(self) -> httpx.Client:
        # One kept-alive client for every delivery: a new connection per webhook costs ~25 ms.
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(timeout=DELIVERY_TIMEOUT)
                weakref.finalize(self, self._http.close)
            return self._http
