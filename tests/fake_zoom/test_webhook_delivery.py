"""How webhooks are delivered: Zoom's retries, and the switches for duplicates, reordering and
endpoint validation, all on the fake's clock.

Sources: developers.zoom.us/docs/api/webhooks/ ("Notification delivery": answer 200 or 204
within 3 seconds; attempts answered 5xx or not at all are retried three times, 5 minutes after
the first attempt, 20 minutes after the first retry and 60 minutes after the second; never
after a 3xx or 4xx. "Validate your webhook endpoint" and "Revalidation": the
``endpoint.url_validation`` challenge, repeated every 72 hours); developers.zoom.us/blog/
webhook-delays (the same schedule; ``event_ts`` gives the order of events).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Callable

import pytest
from tests.fake_zoom._client import Tokens, Zoom
from tests.fake_zoom._hooks import Delivery

MINUTE = 60


def about(event: str, meeting_id: int) -> Callable[[Delivery], bool]:
    """A predicate for deliveries of ``event`` about meeting ``meeting_id``."""

    def match(d: Delivery) -> bool:
        return d.event == event and str(d.json["payload"]["object"]["id"]) == str(meeting_id)

    return match


def received(zoom: Zoom, event: str, meeting_id: int) -> list[Delivery]:
    """Every delivery of ``event`` about the meeting the receiver got so far."""
    return [d for d in zoom.hooks.all() if about(event, meeting_id)(d)]


def created_meeting(zoom: Zoom, tokens: Tokens) -> int:
    """A new meeting whose meeting.created was attempted once; its id."""
    meeting_id: int = zoom.create_meeting(tokens.access_token)["id"]
    zoom.hooks.wait_for(about("meeting.created", meeting_id))
    return meeting_id


def validation_answer(secret: str) -> Callable[[Delivery], tuple[int, bytes]]:
    """An endpoint that answers ``endpoint.url_validation`` correctly and anything else 200."""

    def answer(delivery: Delivery) -> tuple[int, bytes]:
        if delivery.event != "endpoint.url_validation":
            return 200, b""
        plain = delivery.json["payload"]["plainToken"]
        hashed = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
        return 200, json.dumps({"plainToken": plain, "encryptedToken": hashed}).encode()

    return answer


def test_a_5xx_answer_is_retried_at_5_20_and_60_minutes(zoom: Zoom, owner_tokens: Tokens) -> None:
    """An endpoint answering 500 gets the same body three more times, 5, 25 and 85 minutes
    after the first attempt, each signed anew; then never again."""
    zoom.hooks.answer = lambda d: (500, b"")
    meeting_id = created_meeting(zoom, owner_tokens)
    # Webhooks go out before the fake answers the request that caused them.
    for wait, expected in ((5 * MINUTE - 1, 1), (1, 2), (20 * MINUTE, 3), (60 * MINUTE, 4)):
        zoom.advance(wait)
        assert len(received(zoom, "meeting.created", meeting_id)) == expected
    zoom.advance(24 * 60 * MINUTE)
    attempts = received(zoom, "meeting.created", meeting_id)
    assert len(attempts) == 4
    assert len({a.body for a in attempts}) == 1
    assert len({a.headers["x-zm-request-id"] for a in attempts}) == 1
    for attempt in attempts:
        zoom.verify(attempt)
    stamps = [int(a.headers["x-zm-request-timestamp"]) for a in attempts]
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert all(gap >= n * MINUTE for gap, n in zip(gaps, (5, 20, 60), strict=True)), gaps
    assert [d["attempt"] for d in zoom.deliveries() if d["event"] == "meeting.created"][-4:] == [
        0,
        1,
        2,
        3,
    ]


@pytest.mark.parametrize("status", [301, 401, 404, 429])
def test_a_3xx_or_4xx_answer_is_never_retried(
    zoom: Zoom, owner_tokens: Tokens, status: int
) -> None:
    """An endpoint answering a 3xx or 4xx status gets the event once."""
    zoom.hooks.answer = lambda d: (status, b"")
    meeting_id = created_meeting(zoom, owner_tokens)
    zoom.advance(3 * 60 * MINUTE)
    assert len(received(zoom, "meeting.created", meeting_id)) == 1


def test_retries_can_be_switched_off(zoom: Zoom, owner_tokens: Tokens) -> None:
    """With ``webhook_retries`` off, a 5xx answer is final."""
    zoom.configure(webhook_retries=False)
    zoom.hooks.answer = lambda d: (503, b"")
    meeting_id = created_meeting(zoom, owner_tokens)
    zoom.advance(3 * 60 * MINUTE)
    assert len(received(zoom, "meeting.created", meeting_id)) == 1


def test_duplicates_send_a_successful_delivery_again(zoom: Zoom, owner_tokens: Tokens) -> None:
    """With ``webhook_duplicates`` on, a delivery answered 200 comes again 5 minutes later,
    byte for byte, as it does to an endpoint that answered too slowly; only once."""
    zoom.configure(webhook_duplicates=True)
    meeting_id = created_meeting(zoom, owner_tokens)
    zoom.advance(5 * MINUTE)
    assert len(received(zoom, "meeting.created", meeting_id)) == 2
    zoom.advance(3 * 60 * MINUTE)
    copies = received(zoom, "meeting.created", meeting_id)
    assert len(copies) == 2
    assert copies[0].body == copies[1].body


def test_reordering_delivers_newer_events_first(zoom: Zoom, owner_tokens: Tokens) -> None:
    """With ``webhook_reorder`` on, two changes arrive newest first; their ``event_ts`` still
    says which happened first; a lone held webhook goes out when asked."""
    meeting_id = created_meeting(zoom, owner_tokens)
    zoom.configure(webhook_reorder=True)
    zoom.edit_in_zoom(meeting_id, topic="First change")
    zoom.advance(1)
    zoom.edit_in_zoom(meeting_id, topic="Second change")
    first, second = received(zoom, "meeting.updated", meeting_id)
    assert first.json["payload"]["object"]["topic"] == "Second change"
    assert second.json["payload"]["object"]["topic"] == "First change"
    assert first.json["event_ts"] > second.json["event_ts"]
    zoom.edit_in_zoom(meeting_id, topic="Third change")
    assert len(received(zoom, "meeting.updated", meeting_id)) == 2
    zoom.control("POST", "/webhooks/deliver")
    assert len(received(zoom, "meeting.updated", meeting_id)) == 3


def test_url_validation_challenges_the_endpoint(zoom: Zoom) -> None:
    """Switching URL validation on sends each endpoint a signed ``endpoint.url_validation``
    with a plain token; a correct answer keeps events flowing, and it comes again every
    72 hours and on demand."""
    zoom.hooks.answer = validation_answer(zoom.webhook_secret)
    zoom.configure(url_validation=True)
    hook = zoom.app("user").client_id
    challenge = zoom.hooks.wait_for(
        lambda d: d.event == "endpoint.url_validation" and d.path.endswith(hook)
    )
    zoom.verify(challenge)
    assert challenge.json["payload"]["plainToken"]
    tokens = zoom.connect(zoom.app("user"), zoom.user("owner"))
    created_meeting(zoom, tokens)

    def challenges() -> int:
        return sum(
            1
            for d in zoom.hooks.all()
            if d.event == "endpoint.url_validation" and d.path.endswith(hook)
        )

    zoom.advance(72 * 60 * MINUTE - 1)
    assert challenges() == 1
    zoom.advance(1)
    assert challenges() == 2
    zoom.control("POST", "/webhooks/validate", body={"client_id": hook})
    assert challenges() == 3


def test_an_endpoint_failing_validation_gets_no_events(zoom: Zoom) -> None:
    """An endpoint that answers the challenge wrongly is not enabled: it gets no events until
    it passes a validation."""
    zoom.hooks.answer = lambda d: (200, b'{"plainToken": "x", "encryptedToken": "y"}')
    zoom.configure(url_validation=True)
    hook = zoom.app("user").client_id
    zoom.hooks.wait_for(lambda d: d.event == "endpoint.url_validation" and d.path.endswith(hook))
    tokens = zoom.connect(zoom.app("user"), zoom.user("owner"))
    meeting_id = zoom.create_meeting(tokens.access_token)["id"]
    assert received(zoom, "meeting.created", meeting_id) == []
    zoom.hooks.answer = validation_answer(zoom.webhook_secret)
    zoom.control("POST", "/webhooks/validate", body={"client_id": hook})
    zoom.edit_in_zoom(meeting_id, topic="Now you hear me")
    assert len(received(zoom, "meeting.updated", meeting_id)) == 1


def test_switches_are_checked(zoom: Zoom) -> None:
    """A switch that is not true or false is refused with 400."""
    answer = zoom.control_raw("POST", "/config", body={"webhook_reorder": "yes"})
    assert answer.status_code == 400
    assert "webhook_reorder" in answer.json()["error"]


def test_six_failed_revalidations_in_a_row_stop_the_events(zoom: Zoom) -> None:
    """A validated endpoint that then fails its 72-hourly revalidation keeps getting events
    after five failures in a row and none after the sixth."""
    zoom.hooks.answer = validation_answer(zoom.webhook_secret)
    zoom.configure(url_validation=True)
    tokens = zoom.connect(zoom.app("user"), zoom.user("owner"))
    meeting_id = created_meeting(zoom, tokens)
    zoom.hooks.answer = lambda d: (200, b"")  # events still answered, validations wrong
    for failures in range(1, 7):
        zoom.advance(72 * 60 * MINUTE)
        zoom.edit_in_zoom(meeting_id, topic=f"After {failures} failed revalidations")
        expected = min(failures, 5)
        assert len(received(zoom, "meeting.updated", meeting_id)) == expected, failures
