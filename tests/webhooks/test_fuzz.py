"""Fuzzing the handler: whatever arrives, handle() answers (never raises) with one of its
statuses, never says 200 to a request not signed with the secret, and verify() raises only
webhook errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import ADMIN_APP, USER_APP
from tests.webhooks._requests import (
    NOW_SECONDS,
    Headers,
    created_payload,
    deauthorized_payload,
    deleted_payload,
    encode,
    envelope,
    signature,
    signed,
    updated_payload,
    url_validation_payload,
)
from tests.webhooks.conftest import KEYRING, new_fake
from zoomlink import AsyncWebhookHandler, AsyncZoomLink, WebhookError, WebhookHandler, ZoomLink

FUZZ = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
STATUSES = {200, 400, 401, 413, 500}
SMALL_LIMIT = 2048  # a small body limit, so 413 is reached too

EVENT_NAMES = [
    "endpoint.url_validation",
    "app_deauthorized",
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "meeting.started",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["u_member", "acct_demo", "fake-user-app", "2026-03-02T09:00:00Z", "123"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
ids = st.integers(min_value=-5, max_value=2**64) | st.from_regex(r"[0-9]{1,20}", fullmatch=True)
objects = st.fixed_dictionaries(
    {},
    optional={
        "id": ids | json_values,
        "host_id": st.sampled_from(["u_member", ""]) | json_values,
        "occurrences": st.lists(
            st.fixed_dictionaries({"occurrence_id": st.text(max_size=5) | json_values}),
            max_size=2,
        )
        | json_values,
        "occurrence_id": st.text(max_size=5) | json_values,
        "start_time": scalars,
    },
)
payloads = st.fixed_dictionaries(
    {},
    optional={
        "account_id": st.just("acct_demo") | json_values,
        "user_id": st.just("u_member") | json_values,
        "client_id": st.just("fake-user-app") | json_values,
        "signature": st.text(max_size=8) | json_values,
        "deauthorization_time": st.just("2026-03-02T09:00:00.000Z") | json_values,
        "operator": st.just("member@example.com") | json_values,
        "operator_id": st.just("u_member") | json_values,
        "operation": st.sampled_from(["all", "single"]) | json_values,
        "object": objects | json_values,
        "old_object": objects | json_values,
        "plainToken": st.text(max_size=10) | json_values,
        "padding": st.integers(min_value=0, max_value=3000).map(lambda n: "x" * n),
    },
)
events = st.fixed_dictionaries(
    {},
    optional={
        "event": st.sampled_from(EVENT_NAMES) | json_values,
        "payload": payloads | json_values,
        "event_ts": scalars,
    },
)


@st.composite
def near_valid_events(draw: st.DrawFn) -> dict[str, Any]:
    """One of Zoom's events, well formed, with perhaps one payload field replaced."""
    meeting_id = draw(ids)
    name, payload = draw(
        st.sampled_from(
            [
                ("app_deauthorized", deauthorized_payload()),
                ("meeting.created", created_payload(1)),
                ("meeting.updated", updated_payload(1)),
                ("meeting.deleted", deleted_payload(1)),
                ("endpoint.url_validation", url_validation_payload()),
                ("meeting.started", {"object": {}}),
            ]
        )
    )
    if "object" in payload:
        payload["object"]["id"] = meeting_id
    if payload and draw(st.booleans()):
        payload[draw(st.sampled_from(sorted(payload)))] = draw(json_values)
    return envelope(name, payload)


bodies = (
    st.binary(max_size=200)
    | json_values.map(encode)
    | events.map(encode)
    | near_valid_events().map(encode)
)
header_names = st.sampled_from(
    ["x-zm-signature", "X-Zm-Signature", "x-zm-request-timestamp", "content-type"]
) | st.text(max_size=12)
raw_headers = st.lists(st.tuples(header_names, st.text(max_size=70)), max_size=4)
timestamps = (
    st.integers(min_value=NOW_SECONDS - 6000, max_value=NOW_SECONDS + 600).map(str)
    | st.text(max_size=14)
    | st.integers().map(str)
)


@attrs.frozen
class Fuzzed:
    """One fuzzed request, and whether it was signed with the endpoint's secret."""

    headers: Headers
    body: bytes
    genuine: bool


@st.composite
def requests(draw: st.DrawFn) -> Fuzzed:
    """A request: unsigned, forged, signed with another secret, or signed with the secret over
    a random body, with random extra headers."""
    body = draw(bodies)
    mode = draw(st.sampled_from(["unsigned", "forged", "other-secret", "genuine"]))
    stamp = draw(timestamps)
    extra = draw(raw_headers | st.just([]))
    if mode == "unsigned":
        return Fuzzed(extra, body, False)
    if mode == "forged":
        forged = draw(st.from_regex(r"v0=[0-9a-f]{64}", fullmatch=True) | st.text(max_size=70))
        headers = [("x-zm-request-timestamp", stamp), ("x-zm-signature", forged)]
        return Fuzzed(headers + extra, body, False)
    if mode == "other-secret":
        return Fuzzed(signed(body, timestamp=stamp, secret="not-the-secret") + extra, body, False)
    if draw(st.booleans()) or not stamp.isascii():
        stamp = str(draw(st.integers(min_value=NOW_SECONDS - 5400, max_value=NOW_SECONDS + 300)))
    headers = [("x-zm-request-timestamp", stamp), ("x-zm-signature", signature(body, stamp))]
    return Fuzzed(headers + extra, body, True)


def check(fuzzed: Fuzzed, status: int) -> None:
    """The status is one the handler answers with, and not 200 unless genuine."""
    assert status in STATUSES
    if not fuzzed.genuine:
        assert status != 200
    event(f"status {status}, {'genuine' if fuzzed.genuine else 'not signed with the secret'}")


@attrs.define
class SyncTarget:
    """A sync handler with a connected user."""

    handler: WebhookHandler
    link: ZoomLink


@attrs.define
class AsyncTarget:
    """An async handler with a connected user, and the loop it runs in."""

    handler: AsyncWebhookHandler
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any) -> Any:
        """Run a coroutine in the target's loop."""
        return self.loop.run_until_complete(coroutine)


@pytest.fixture(scope="module")
def sync_target() -> Iterator[SyncTarget]:
    """A WebhookHandler (small body limit) over a ZoomLink with u_member connected."""
    fake = new_fake()
    with httpx.Client(transport=httpx.MockTransport(fake)) as client:
        link = ZoomLink(USER_APP, ADMIN_APP, keyring=KEYRING, clock=fake, http_client=client)
        url = link.personal_connect_url("alice")
        link.complete_connect(fake.approve(url, "u_member"), user_id="alice")
        yield SyncTarget(WebhookHandler(link, max_body_bytes=SMALL_LIMIT), link)
        link.close()


@pytest.fixture(scope="module")
def async_target() -> Iterator[AsyncTarget]:
    """An AsyncWebhookHandler (small body limit) over an AsyncZoomLink with u_member connected."""
    fake = new_fake()
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    link = AsyncZoomLink(USER_APP, ADMIN_APP, keyring=KEYRING, clock=fake, http_client=client)

    async def connect() -> None:
        url = await link.personal_connect_url("alice")
        await link.complete_connect(fake.approve(url, "u_member"), user_id="alice")

    loop.run_until_complete(connect())
    yield AsyncTarget(AsyncWebhookHandler(link, max_body_bytes=SMALL_LIMIT), loop)
    loop.run_until_complete(link.aclose())
    loop.run_until_complete(client.aclose())
    loop.close()


@FUZZ
@given(fuzzed=requests())
def test_sync_handle_always_answers(sync_target: SyncTarget, fuzzed: Fuzzed) -> None:
    """WebhookHandler.handle never raises, answers 200/400/401/413/500, and never 200 to a
    request not signed with the secret."""
    response = sync_target.handler.handle(fuzzed.headers, fuzzed.body)
    check(fuzzed, response.status)


@FUZZ
@given(fuzzed=requests())
def test_async_handle_always_answers(async_target: AsyncTarget, fuzzed: Fuzzed) -> None:
    """AsyncWebhookHandler.handle never raises, answers 200/400/401/413/500, and never 200 to
    a request not signed with the secret."""
    response = async_target.run(async_target.handler.handle(fuzzed.headers, fuzzed.body))
    check(fuzzed, response.status)


@FUZZ
@given(fuzzed=requests())
def test_verify_raises_only_webhook_errors(sync_target: SyncTarget, fuzzed: Fuzzed) -> None:
    """verify() returns an event or raises a WebhookError, and never passes a forged request."""
    refused: WebhookError | None = None
    try:
        sync_target.handler.verify(fuzzed.headers, fuzzed.body)
    except WebhookError as error:
        refused = error
    if refused is None:
        assert fuzzed.genuine
    else:
        assert refused.status in {400, 401, 413}
