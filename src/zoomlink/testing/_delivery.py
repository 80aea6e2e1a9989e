"""When webhooks go out: Zoom's retries, and the switches for duplicates, reordering and
endpoint validation. Everything runs on the fake's clock; nothing here sends or locks.

Zoom's rules (developers.zoom.us/docs/api/webhooks/, "Notification delivery" and
"Revalidation"; developers.zoom.us/blog/webhook-delays):

* an endpoint must answer 200 or 204 within 3 seconds;
* an attempt answered with a status of 500 or more, or not answered (a timeout, a refused
  connection), is retried three times: 5 minutes after the first attempt, 20 minutes after
  the first retry and 60 minutes after the second; never after a 3xx or 4xx answer;
* ``event_ts`` says when the event happened, so it (not arrival) gives the order;
* ``endpoint.url_validation`` is sent when an endpoint is saved (the subscription is enabled
  only if the answer is right) and every 72 hours after; after 6 failed revalidations in a
  row Zoom stops sending the endpoint events.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import attrs

from ._webhooks import Endpoint, Outgoing, Sent, hashed_token

RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=60))
REVALIDATE_EVERY = timedelta(hours=72)
FAILED_VALIDATIONS_TO_DISABLE = 6
URL_VALIDATION = "endpoint.url_validation"
WEBHOOK_SWITCHES = ("webhook_retries", "webhook_duplicates", "webhook_reorder", "url_validation")
"""The names `FakeZoom.configure` and ``POST /_fake/config`` take for the switches."""


@attrs.define
class DeliverySwitches:
    """How the fake delivers webhooks. The defaults are Zoom's behaviour where the fake can
    always follow it (retries); the others are off until a test turns them on.

    Attributes:
        retries: Retry unanswered and 5xx-answered attempts at 5, 20 and 60 minutes.
        duplicates: Take every first attempt as answered too late, so it is sent again at the
            first retry time even though it succeeded (a slow endpoint gets it twice).
        reorder: Hold each new webhook back until the next one is ready, then send both newest
            first; a webhook still held goes out alone on demand (`deliver_webhooks`).
        url_validation: Validate each endpoint when its app is registered, on demand and every
            72 hours; an endpoint that fails is sent no events until it passes.
    """

    retries: bool = True
    duplicates: bool = False
    reorder: bool = False
    url_validation: bool = False


@attrs.frozen
class Job:
    """One attempt to make: the webhook and which attempt it is (0 first, 1-3 retries)."""

    webhook: Outgoing
    attempt: int = 0


@attrs.define
class _Validation:
    enabled: bool = False
    failures: int = 0
    last: datetime | None = None


class Postman:
    """Decides which attempts go out when; `FakeZoom` sends them and reports back."""

    def __init__(self) -> None:
        self.switches = DeliverySwitches()
        self._scheduled: list[tuple[datetime, Job]] = []
        self._held: list[Outgoing] = []
        self._validations: dict[str, _Validation] = {}

    def reset(self) -> None:
        """Defaults again, nothing scheduled."""
        self.switches = DeliverySwitches()
        self._scheduled.clear()
        self._held.clear()
        self._validations.clear()

    # -- new webhooks ----------------------------------------------------------------------

    def post(self, webhooks: list[Outgoing]) -> list[Job]:
        """New webhooks: the attempts to make now (with reordering, the previous ones held)."""
        live = [w for w in webhooks if self._accepts(w.endpoint)]
        if not self.switches.reorder:
            return [Job(w) for w in live]
        if not live:
            return []
        self._held.extend(live)
        if len(self._held) < 2:
            return []
        newest_first = sorted(self._held, key=lambda w: w.event_ts, reverse=True)
        self._held.clear()
        return [Job(w) for w in newest_first]

    def _accepts(self, endpoint: Endpoint) -> bool:
        if not self.switches.url_validation:
            return True
        return self._validations.get(endpoint.client_id, _Validation()).enabled

    # -- what is due -------------------------------------------------------------------------

    def due(self, now: datetime, *, release_held: bool) -> list[Job]:
        """Retries whose time has come, and (with `release_held`) held webhooks."""
        ready = [job for when, job in self._scheduled if when <= now]
        self._scheduled = [(when, job) for when, job in self._scheduled if when > now]
        if release_held:
            ready.extend(Job(w) for w in self._held)
            self._held.clear()
        return ready

    def revalidations(self, endpoints: list[Endpoint], now: datetime) -> list[Endpoint]:
        """Endpoints whose last validation is 72 hours old (with validation switched on),
        each claimed now so that one revalidation goes out however many ask."""
        if not self.switches.url_validation:
            return []
        stale = []
        for endpoint in endpoints:
            state = self._validations.get(endpoint.client_id)
            if (
                state is not None
                and state.last is not None
                and now - state.last >= REVALIDATE_EVERY
            ):
                state.last = now
                stale.append(endpoint)
        return stale

    # -- results -----------------------------------------------------------------------------

    def sent(self, job: Job, result: Sent, now: datetime) -> None:
        """Schedule what follows an attempt: a retry, or the validation's verdict."""
        webhook = job.webhook
        if webhook.event == URL_VALIDATION:
            self._validated(webhook, result, now)
            return
        status = result.delivery.status
        unanswered = status == 0 or status >= 500 or result.late
        slow_on_purpose = self.switches.duplicates and job.attempt == 0 and not unanswered
        if job.attempt >= len(RETRY_DELAYS):
            return
        if (unanswered and self.switches.retries) or slow_on_purpose:
            self._scheduled.append((now + RETRY_DELAYS[job.attempt], Job(webhook, job.attempt + 1)))

    def _validated(self, webhook: Outgoing, result: Sent, now: datetime) -> None:
        state = self._validations.setdefault(webhook.endpoint.client_id, _Validation())
        state.last = now
        if _valid_answer(webhook, result):
            state.enabled, state.failures = True, 0
            return
        state.failures += 1  # a new endpoint stays off; an enabled one goes off after six
        if state.failures >= FAILED_VALIDATIONS_TO_DISABLE:
            state.enabled = False


def _valid_answer(webhook: Outgoing, result: Sent) -> bool:
    """200 or 204 within 3 s, with the plain token and its hash (Zoom's "Validate your
    webhook endpoint")."""
    if result.delivery.status not in (200, 204) or result.late:
        return False
    try:
        answer = json.loads(result.answer)
        plain = json.loads(webhook.body)["payload"]["plainToken"]
    except (ValueError, KeyError, TypeError):
        return False
    return (
        isinstance(answer, dict)
        and answer.get("plainToken") == plain
        and answer.get("encryptedToken") == hashed_token(webhook.endpoint.secret, plain)
    )
