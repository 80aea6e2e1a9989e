"""Answering Zoom's valid webhooks: the URL validation, events applied once, failures that
make Zoom retry, and the remembered deliveries that make a retry harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import attrs
import httpx
import pytest

from tests.conftest import ADMIN_APP, USER_APP, WEBHOOK_SECRET
from tests.webhooks._corpus import Target, valid_base
from tests.webhooks._requests import (
    NOW_SECONDS,
    deleted_payload,
    encode,
    envelope,
    hmac_hex,
    signature,
    signed,
    url_validation_payload,
)
from tests.webhooks.conftest import KEYRING, World
from zoomlink import (
    AsyncWebhookHandler,
    AsyncZoomLink,
    ConfigurationError,
    StoreError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
    ZoomApp,
)
from zoomlink._core._webhooks import delivery_key
from zoomlink.testing import FakeZoom


def new_link(fake: FakeZoom, *apps: ZoomApp) -> AsyncZoomLink:
    """An AsyncZoomLink with these apps on the fake's clock (no requests are sent)."""
    return AsyncZoomLink(*apps, keyring=KEYRING, clock=fake)


# -- URL validation ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_url_validation_is_answered_as_zoom_expects(world: World) -> None:
    """endpoint.url_validation gets 200 and exactly {plainToken, encryptedToken = HMAC hex}."""
    body = encode(envelope("endpoint.url_validation", url_validation_payload("tok_123")))
    before = await world.snapshot()
    response = await world.handler.handle(signed(body), body)
    assert response.status == 200
    assert dict(response.headers) == {"content-type": "application/json"}
    assert response.json() == {
        "plainToken": "tok_123",
        "encryptedToken": hmac_hex(WEBHOOK_SECRET, b"tok_123"),
    }
    assert await world.snapshot() == before
    assert await world.store.quota_used(delivery_key(body)) == 0


@pytest.mark.asyncio
async def test_url_validation_is_answered_with_the_secret_that_signed_it(fake: FakeZoom) -> None:
    """With one secret per app, the validation answer uses the secret whose signature matched."""
    fake.clock.set(fake.now())
    user_app = attrs.evolve(USER_APP, webhook_secret="user-app-secret")
    admin_app = attrs.evolve(ADMIN_APP, webhook_secret="admin-app-secret")
    link = new_link(fake, user_app, admin_app)
    handler = AsyncWebhookHandler(link)
    body = encode(envelope("endpoint.url_validation", url_validation_payload("abc")))
    stamp = int(fake.now().timestamp())
    for secret in ("user-app-secret", "admin-app-secret"):
        response = await handler.handle(signed(body, timestamp=stamp, secret=secret), body)
        assert response.json()["encryptedToken"] == hmac_hex(secret, b"abc")
    refused = await handler.handle(signed(body, timestamp=stamp), body)
    assert refused.status == 401
    await link.aclose()


@pytest.mark.asyncio
async def test_a_previous_secret_is_accepted_while_it_is_rotated(fake: FakeZoom) -> None:
    """During a Secret Token rotation both tokens verify; a token never given is refused."""
    fake.clock.set(fake.now())
    link = new_link(fake, attrs.evolve(USER_APP, webhook_secret="new-secret"))
    handler = AsyncWebhookHandler(link, previous_secrets=["old-secret"])
    body = encode(envelope("endpoint.url_validation", url_validation_payload("abc")))
    stamp = int(fake.now().timestamp())
    for secret in ("new-secret", "old-secret"):
        response = await handler.handle(signed(body, timestamp=stamp, secret=secret), body)
        assert response.json()["encryptedToken"] == hmac_hex(secret, b"abc")
    refused = await handler.handle(signed(body, timestamp=stamp, secret="other"), body)
    assert refused.status == 401
    with pytest.raises(ConfigurationError):
        AsyncWebhookHandler(link, previous_secrets="old-secret")
    await link.aclose()


# -- events -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_event_zoomlink_does_not_use_is_acknowledged_and_ignored(world: World) -> None:
    """A valid event of another kind gets 200 "ignored", changes nothing and is not remembered."""
    body = encode(envelope("meeting.started", {"account_id": "acct_demo", "object": {"id": 1}}))
    before = await world.snapshot()
    response = await world.handler.handle(signed(body), body)
    assert response.status == 200
    assert response.json() == {"status": "ignored", "event": "meeting.started"}
    assert await world.snapshot() == before
    assert await world.store.quota_used(delivery_key(body)) == 0


@pytest.mark.asyncio
async def test_a_valid_event_is_applied_and_remembered(world: World) -> None:
    """A valid app_deauthorized is applied (the connection changes) and the delivery is marked."""
    request = valid_base("deauthorized", Target(world.meeting_id))
    before = await world.snapshot()
    response = await world.handler.handle(request.headers, request.body)
    assert response.status == 200
    answer = response.json()
    assert answer["status"] == "processed"
    assert answer["event"] == "app_deauthorized"
    assert isinstance(answer["result"], str)
    assert await world.snapshot() != before
    assert [c.status for c in await world.link.connections(user_id="alice")] != ["active"]
    assert await world.store.quota_used(delivery_key(request.body)) == 1


@pytest.mark.asyncio
async def test_the_same_delivery_twice_is_applied_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery seen again, even re-signed with a later timestamp, is answered "duplicate"
    without applying it again."""
    applied: list[WebhookEvent] = []
    apply = world.link.apply_webhook_event

    async def counting(event: WebhookEvent) -> str:
        applied.append(event)
        return await apply(event)

    monkeypatch.setattr(world.link, "apply_webhook_event", counting)
    request = valid_base("deleted", Target(world.meeting_id))
    first = await world.handler.handle(request.headers, request.body)
    assert first.json()["status"] == "processed"
    after_first = await world.snapshot()
    world.fake.advance(300)  # Zoom's first retry, five minutes later
    retry = signed(request.body, timestamp=NOW_SECONDS + 300)
    for headers in (request.headers, retry):
        again = await world.handler.handle(headers, request.body)
        assert again.status == 200
        assert again.json() == {"status": "duplicate"}
    assert len(applied) == 1
    assert await world.snapshot() == after_first


@pytest.mark.asyncio
async def test_two_copies_arriving_at_once_are_applied_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of one delivery handled at the same moment (Zoom's retry of a slow answer
    reaching another worker) apply it once: one is "processed", the other "duplicate", and
    the host is told once."""
    applied: list[WebhookEvent] = []
    apply = world.link.apply_webhook_event

    async def slow(event: WebhookEvent) -> str:
        applied.append(event)
        await asyncio.sleep(0.05)  # the second copy arrives while the first is applied
        return await apply(event)

    monkeypatch.setattr(world.link, "apply_webhook_event", slow)
    world.fake.edit_meeting(world.meeting_id, topic="Renamed in Zoom")
    delivery = world.fake.webhook_deliveries[-1]
    answers = await asyncio.gather(
        world.handler.handle(delivery.headers, delivery.body),
        world.handler.handle(delivery.headers, delivery.body),
    )
    assert sorted(a.json()["status"] for a in answers) == ["duplicate", "processed"]
    assert len(applied) == 1
    told = [n for n in world.sink.sent if n.kind == "meeting_changed_in_zoom"]
    assert len(told) == 1


@pytest.mark.asyncio
async def test_a_failure_to_apply_answers_500_and_the_retry_applies_it(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A ZoomLinkError while applying answers 500 (Zoom retries), is logged without secrets,
    and leaves the delivery unmarked, so the retry is processed."""
    apply = world.link.apply_webhook_event

    async def failing(event: WebhookEvent) -> str:
        raise StoreError("the store is down")

    request = valid_base("deleted", Target(world.meeting_id))
    monkeypatch.setattr(world.link, "apply_webhook_event", failing)
    with caplog.at_level(logging.ERROR, logger="zoomlink"):
        response = await world.handler.handle(request.headers, request.body)
    assert response.status == 500
    assert response.json() == {"error": "processing failed"}
    assert "StoreError: the store is down" in caplog.text
    assert WEBHOOK_SECRET not in caplog.text
    assert await world.store.quota_used(delivery_key(request.body)) == 0
    monkeypatch.setattr(world.link, "apply_webhook_event", apply)
    retried = await world.handler.handle(request.headers, request.body)
    assert retried.json()["status"] == "processed"


@pytest.mark.asyncio
async def test_a_store_that_cannot_look_up_deliveries_answers_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the store cannot say whether a delivery was processed, the answer is 500."""

    async def broken(name: str) -> int:
        raise StoreError("no connection")

    monkeypatch.setattr(world.store, "quota_used", broken)
    request = valid_base("deleted", Target(world.meeting_id))
    before = await world.snapshot()
    response = await world.handler.handle(request.headers, request.body)
    assert response.status == 500
    assert await world.snapshot() == before


@pytest.mark.asyncio
async def test_an_applied_event_that_cannot_be_remembered_is_still_acknowledged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """If marking the delivery fails after it was applied, the answer is 200 and a warning is
    logged (a retry would be applied again, which changes nothing)."""

    async def broken(name: str, *, limit: int, expires_at: object) -> None:
        raise StoreError("no connection")

    monkeypatch.setattr(world.store, "fill_quota", broken)
    request = valid_base("deleted", Target(world.meeting_id))
    with caplog.at_level(logging.WARNING, logger="zoomlink"):
        response = await world.handler.handle(request.headers, request.body)
    assert response.json()["status"] == "processed"
    assert "not remembered" in caplog.text


@pytest.mark.asyncio
async def test_deliveries_are_remembered_for_twice_the_window(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A processed delivery is remembered for a day, or twice the timestamp window if longer."""
    marked: list[object] = []

    async def fill(name: str, *, limit: int, expires_at: object) -> None:
        marked.append(expires_at)

    monkeypatch.setattr(world.store, "fill_quota", fill)
    world.handler = AsyncWebhookHandler(world.link, tolerance=timedelta(hours=20))
    request = valid_base("deleted", Target(world.meeting_id))
    await world.handler.handle(request.headers, request.body)
    assert marked == [world.fake.now() + timedelta(hours=40)]


# -- the window, the headers --------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "offset",
    [-90 * 60, -60, 0, 299, 300],
    ids=["window-edge", "a-minute-old", "now", "clock-skew", "skew-edge"],
)
async def test_timestamps_inside_the_window_are_accepted(world: World, offset: int) -> None:
    """Timestamps from 90 minutes old to 5 minutes ahead verify."""
    body = encode(envelope("endpoint.url_validation", url_validation_payload()))
    response = await world.handler.handle(signed(body, timestamp=NOW_SECONDS + offset), body)
    assert response.status == 200


@pytest.mark.asyncio
async def test_a_tight_window_refuses_what_the_default_accepts(world: World) -> None:
    """With tolerance=5 minutes, a 6-minute-old request is refused as stale."""
    tight = AsyncWebhookHandler(world.link, tolerance=timedelta(minutes=5))
    body = encode(envelope("endpoint.url_validation", url_validation_payload()))
    headers = signed(body, timestamp=NOW_SECONDS - 360)
    assert (await world.handler.handle(headers, body)).status == 200
    response = await tight.handle(headers, body)
    assert (response.status, response.json()) == (401, {"error": "stale timestamp"})


@pytest.mark.asyncio
async def test_header_names_are_matched_in_any_case_and_repeats_of_one_value_pass(
    world: World,
) -> None:
    """X-ZM-Signature in capitals, upper-case hex, padding spaces and a header repeated with
    the same value are all accepted; a mapping works as well as pairs."""
    body = encode(envelope("endpoint.url_validation", url_validation_payload()))
    sig = signature(body, str(NOW_SECONDS))
    variants = [
        [("X-ZM-SIGNATURE", sig), ("X-Zm-Request-Timestamp", str(NOW_SECONDS))],
        [("x-zm-signature", "v0=" + sig[3:].upper()), ("x-zm-request-timestamp", str(NOW_SECONDS))],
        [("x-zm-signature", f" {sig} "), ("x-zm-request-timestamp", f" {NOW_SECONDS}")],
        [*signed(body), ("x-zm-signature", sig)],
    ]
    for headers in variants:
        assert (await world.handler.handle(headers, body)).status == 200
    mapping = httpx.Headers(signed(body))
    assert (await world.handler.handle(mapping, body)).status == 200


@pytest.mark.asyncio
async def test_an_unverified_body_is_never_parsed(world: World) -> None:
    """A forged or stale request is refused for its signature or timestamp (401), however
    malformed its body: the body is read only once it is verified."""
    body = b"not json at all"
    forged = [("x-zm-signature", "v0=" + "0" * 64), ("x-zm-request-timestamp", str(NOW_SECONDS))]
    response = await world.handler.handle(forged, body)
    assert (response.status, response.json()) == (401, {"error": "signature mismatch"})
    stale = signed(body, timestamp=NOW_SECONDS - 7200)
    response = await world.handler.handle(stale, body)
    assert (response.status, response.json()) == (401, {"error": "stale timestamp"})


@pytest.mark.asyncio
async def test_verify_raises_the_typed_error(world: World) -> None:
    """verify() raises WebhookSignatureError, WebhookTimestampError and WebhookPayloadError
    with their statuses, and no secret or body in the message."""
    body = encode(envelope("meeting.deleted", deleted_payload(world.meeting_id)))
    with pytest.raises(WebhookSignatureError) as signature_error:
        await world.handler.verify(signed(body, secret="wrong"), body)
    with pytest.raises(WebhookTimestampError) as timestamp_error:
        await world.handler.verify(signed(body, timestamp="x"), body)
    bad = encode({"event": "meeting.deleted", "payload": {"object": {"id": "abc"}}})
    with pytest.raises(WebhookPayloadError) as payload_error:
        await world.handler.verify(signed(bad), bad)
    big = b" " * (256 * 1024 + 1)
    with pytest.raises(WebhookPayloadError) as size_error:
        await world.handler.verify(signed(big), big)
    errors = [signature_error.value, timestamp_error.value, payload_error.value, size_error.value]
    assert [e.status for e in errors] == [401, 401, 400, 413]
    assert payload_error.value.field == "payload.object.id"
    for error in errors:
        assert WEBHOOK_SECRET not in str(error)
        assert "member@example.com" not in str(error)


# -- construction -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_handler_needs_a_webhook_secret_and_sane_limits(fake: FakeZoom) -> None:
    """No app with a webhook_secret, a tolerance of 0 or a body limit of 0 is a
    ConfigurationError."""
    bare = new_link(fake, attrs.evolve(USER_APP, webhook_secret=""))
    with pytest.raises(ConfigurationError, match="webhook_secret"):
        AsyncWebhookHandler(bare)
    link = new_link(fake, USER_APP)
    with pytest.raises(ConfigurationError, match="tolerance"):
        AsyncWebhookHandler(link, tolerance=timedelta(0))
    with pytest.raises(ConfigurationError, match="max_body_bytes"):
        AsyncWebhookHandler(link, max_body_bytes=0)
    assert WEBHOOK_SECRET not in repr(AsyncWebhookHandler(link))
    await bare.aclose()
    await link.aclose()
