"""Decoding verified webhooks into typed events: Zoom's shapes, its loose types (IDs as
strings, ``event_ts`` anywhere), and immutable, hashable values."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from tests.webhooks._requests import (
    NOW,
    created_payload,
    deauthorized_payload,
    deleted_payload,
    encode,
    envelope,
    signed,
    updated_payload,
)
from zoomlink import (
    AppDeauthorized,
    MeetingCreated,
    MeetingDeleted,
    MeetingUpdated,
    OtherEvent,
    UrlValidation,
    WebhookEvent,
    WebhookPayloadError,
    WebhookResponse,
)
from zoomlink._core._webhooks import decode_webhook, delivery_key, verify_webhook

MEETING = 85746065432


def decode(event: str, payload: Any) -> WebhookEvent:
    """The event a webhook body decodes to."""
    return decode_webhook(encode(envelope(event, payload)))


def test_app_deauthorized_carries_who_and_when() -> None:
    """app_deauthorized names the account, user and app, when (UTC) and the incident ID."""
    event = decode("app_deauthorized", deauthorized_payload())
    assert event == AppDeauthorized(
        account_id="acct_demo",
        user_id="u_member",
        client_id="fake-user-app",
        deauthorized_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
        incident_id="827edc3452044f0bc86bdd5684afb7d1e6becfa1a767f24df1b287853cf73000",
    )


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2020-06-17T13:52:28.632Z", datetime(2020, 6, 17, 13, 52, 28, 632000)),
        ("2020-06-17T13:52:28Z", datetime(2020, 6, 17, 13, 52, 28)),
        ("2020-06-17T15:52:28+02:00", datetime(2020, 6, 17, 13, 52, 28)),
        ("2020-06-17T13:52:28", datetime(2020, 6, 17, 13, 52, 28)),
        ("2020-06-17 13:52:28.123456789Z", datetime(2020, 6, 17, 13, 52, 28, 123456)),
    ],
    ids=["millis-z", "z", "offset", "no-offset-is-utc", "space-nanos"],
)
def test_deauthorization_times_in_zooms_forms_are_read_as_utc(
    stamp: str, expected: datetime
) -> None:
    """deauthorization_time with Z, an offset, none, or many decimals becomes aware UTC."""
    payload = deauthorized_payload() | {"deauthorization_time": stamp}
    event = decode("app_deauthorized", payload)
    assert isinstance(event, AppDeauthorized)
    assert event.deauthorized_at == expected.replace(tzinfo=timezone.utc)
    assert event.deauthorized_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("event_ts", [1740439732278, "2024-09-08 15:58:40", None])
def test_event_ts_is_accepted_wherever_and_however_zoom_sends_it(event_ts: object) -> None:
    """event_ts at the top level or in the payload, a number or a string, or absent, is fine."""
    payload = deauthorized_payload()
    payload.pop("event_ts")
    body: dict[str, Any] = {"event": "app_deauthorized", "payload": payload}
    if event_ts is not None:
        body["event_ts"] = event_ts
        payload["event_ts"] = event_ts
    assert isinstance(decode_webhook(encode(body)), AppDeauthorized)


def test_meeting_created_names_the_meeting_and_host() -> None:
    """meeting.created gives the meeting ID, host, account and operator."""
    assert decode("meeting.created", created_payload(MEETING)) == MeetingCreated(
        meeting_id=MEETING,
        host_id="u_member",
        account_id="acct_demo",
        operator="member@example.com",
        operator_id="u_member",
    )


def test_meeting_ids_sent_as_strings_are_numbers() -> None:
    """A meeting ID sent as a string of digits (as some of Zoom's events do) is an int."""
    payload = created_payload(MEETING)
    payload["object"]["id"] = str(MEETING)
    event = decode("meeting.created", payload)
    assert isinstance(event, MeetingCreated)
    assert event.meeting_id == MEETING


def test_meeting_updated_holds_only_what_changed() -> None:
    """meeting.updated keeps the changed fields and their previous values, without the ID,
    and tolerates a missing host_id."""
    event = decode("meeting.updated", updated_payload(MEETING))
    assert isinstance(event, MeetingUpdated)
    assert event.meeting_id == MEETING
    assert event.host_id == ""
    assert dict(event.changed) == {"start_time": "2026-03-11T14:00:00Z"}
    assert dict(event.previous) == {"start_time": "2026-03-10T14:00:00Z"}
    assert event.occurrence_ids == ()


def test_meeting_updated_names_the_occurrences_changed() -> None:
    """Occurrence IDs come from object.occurrence_id and object.occurrences, once each."""
    payload = updated_payload(MEETING)
    payload["object"]["occurrence_id"] = "1648194360000"
    payload["object"]["occurrences"] = [
        {"occurrence_id": "1648194360000", "start_time": "2026-03-11T14:00:00Z"},
        {"occurrence_id": "1648799160000", "start_time": "2026-03-18T14:00:00Z"},
    ]
    event = decode("meeting.updated", payload)
    assert isinstance(event, MeetingUpdated)
    assert event.occurrence_ids == ("1648194360000", "1648799160000")


def test_the_changes_of_an_update_are_read_only_and_hashing_ignores_them() -> None:
    """changed and previous cannot be modified, nested values included; the event hashes and
    compares without error."""
    payload = updated_payload(MEETING)
    payload["object"]["settings"] = {"alternative_hosts": "a@example.com", "list": [1, {"x": 2}]}
    event = decode("meeting.updated", payload)
    assert isinstance(event, MeetingUpdated)
    with pytest.raises(TypeError):
        event.changed["topic"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        event.changed["settings"]["alternative_hosts"] = "b"
    assert event.changed["settings"]["list"] == (1, {"x": 2})
    same = decode("meeting.updated", payload)
    assert event == same
    assert hash(event) == hash(same)
    assert event != attrs.evolve(event, changed={})
    assert len({event, same}) == 1


def test_building_an_update_copies_the_mappings_given() -> None:
    """A MeetingUpdated keeps its own copy: changing the dict passed in changes nothing."""
    changed = {"topic": "New"}
    event = MeetingUpdated(
        meeting_id=1,
        host_id="",
        account_id="a",
        operator="",
        operator_id="",
        changed=changed,
        previous={},
    )
    changed["topic"] = "Changed after"
    assert event.changed["topic"] == "New"


def test_meeting_deleted_names_only_the_occurrences_deleted() -> None:
    """meeting.deleted lists the occurrences when some were deleted, none for the whole."""
    whole = decode("meeting.deleted", deleted_payload(MEETING))
    assert whole == MeetingDeleted(
        meeting_id=MEETING,
        host_id="u_member",
        account_id="acct_demo",
        operator="member@example.com",
        operator_id="u_member",
    )
    payload = deleted_payload(MEETING)
    payload["object"]["occurrences"] = [{"occurrence_id": "1648194360000"}]
    some = decode("meeting.deleted", payload)
    assert isinstance(some, MeetingDeleted)
    assert some.occurrence_ids == ("1648194360000",)


def test_a_deletion_of_all_occurrences_deletes_the_meeting() -> None:
    """operation "all" means the whole meeting, whatever occurrences are listed."""
    payload = deleted_payload(MEETING)
    payload["operation"] = "all"
    payload["object"]["occurrences"] = [{"occurrence_id": "1648194360000"}]
    event = decode("meeting.deleted", payload)
    assert isinstance(event, MeetingDeleted)
    assert event.occurrence_ids == ()


def test_a_deletion_without_operator_id_is_accepted() -> None:
    """meeting.deleted without operator_id (optional in Zoom's schema) has operator_id ""."""
    payload = deleted_payload(MEETING)
    del payload["operator_id"]
    event = decode("meeting.deleted", payload)
    assert isinstance(event, MeetingDeleted)
    assert event.operator_id == ""


def test_url_validation_and_other_events() -> None:
    """endpoint.url_validation carries its token; any other event only its name."""
    assert decode("endpoint.url_validation", {"plainToken": "abc"}) == UrlValidation(
        plain_token="abc"
    )
    assert decode("recording.completed", {"whatever": [1, 2]}) == OtherEvent(
        name="recording.completed"
    )


def test_every_event_type_has_zooms_name() -> None:
    """Each event's name is Zoom's event name."""
    assert UrlValidation.name == "endpoint.url_validation"
    assert AppDeauthorized.name == "app_deauthorized"
    assert MeetingCreated.name == "meeting.created"
    assert MeetingUpdated.name == "meeting.updated"
    assert MeetingDeleted.name == "meeting.deleted"
    assert OtherEvent(name="meeting.started").name == "meeting.started"


def test_a_wrong_field_is_named() -> None:
    """A wrongly typed field is a WebhookPayloadError naming its path, not its value."""
    payload = deauthorized_payload() | {"user_id": ["secret-ish value"]}
    with pytest.raises(WebhookPayloadError) as error:
        decode("app_deauthorized", payload)
    assert error.value.field == "payload.user_id"
    assert error.value.reason == "invalid payload.user_id"
    assert "secret-ish" not in str(error.value)


def test_the_delivery_key_is_the_bodys_sha256() -> None:
    """delivery_key is "webhook:" and the SHA-256 of the raw body."""
    assert delivery_key(b"abc") == "webhook:" + hashlib.sha256(b"abc").hexdigest()


def test_a_response_decodes_its_json_body() -> None:
    """WebhookResponse.json() decodes the body."""
    response = WebhookResponse(status=200, headers=(), body=b'{"status":"ok"}')
    assert response.json() == {"status": "ok"}


def test_several_secrets_verify_and_the_matching_one_is_returned() -> None:
    """With several secrets (one per app, or during a rotation) the one that signed is named."""
    body = encode(envelope("endpoint.url_validation", {"plainToken": "t"}))
    verified = verify_webhook(
        signed(body, secret="new"),
        body,
        secrets=["old", "new"],
        now=NOW,
        tolerance=timedelta(minutes=90),
        max_bytes=1024,
    )
    assert verified.secret == "new"
    assert "new" not in repr(verified)


def test_verifying_needs_an_aware_now() -> None:
    """A naive now is a programming error (ValueError)."""
    with pytest.raises(ValueError, match="aware"):
        verify_webhook(
            [],
            b"",
            secrets=["s"],
            now=NOW.replace(tzinfo=None),
            tolerance=timedelta(minutes=5),
            max_bytes=10,
        )
