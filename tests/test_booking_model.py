"""The booking model refuses what Zoom cannot take, with a typed error naming the field
(SPEC S2.5)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from zoomlink import Booking, EventType, InvalidBookingError, MeetingSettings, Participant

START = datetime(2026, 5, 4, 15, 30, tzinfo=timezone.utc)
HOST = Participant(name="Alice", time_zone="Europe/Berlin", email="a@example.com", user_id="a")
CLIENT = Participant(name="Carol", time_zone="America/New_York", email="c@example.net")


def make(**changes: Any) -> Booking:
    """A valid booking with ``changes`` applied."""
    fields: dict[str, Any] = {
        "id": "bk_1",
        "event_type": EventType(id="consult", location="zoom"),
        "host": HOST,
        "clients": [CLIENT],
        "start": START,
        "end": START + timedelta(minutes=30),
        "title": "Consultation",
    }
    fields.update(changes)
    return Booking(**fields)


def test_a_valid_booking_is_built() -> None:
    """A well-formed booking keeps its values, clients as a tuple and answers as pairs."""
    booking = make(answers={"Company": "Acme"})
    assert booking.clients == (CLIENT,)
    assert booking.answers == (("Company", "Acme"),)
    assert booking.duration_minutes == 30
    assert booking.host_ids == ("a",)
    assert booking.host_id == "a"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": datetime(2026, 5, 4, 15, 30)}, "start"),
        ({"end": datetime(2026, 5, 4, 16, 0)}, "end"),
        ({"end": START}, "end"),
        ({"end": START - timedelta(minutes=5)}, "end"),
        ({"end": START + timedelta(minutes=30, seconds=20)}, "end"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 1961}, "description"),
        ({"id": ""}, "id"),
        ({"clients": []}, "clients"),
        ({"host": attrs.evolve(HOST, user_id=None)}, "host.user_id"),
        ({"answers": {"Q": "x" * 1001}}, "answers"),
        ({"answers": {" ": "blank question"}}, "answers"),
        ({"recurrence": ""}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=2;" + "X" * 500}, "recurrence"),
        ({"co_hosts": [HOST]}, "co_hosts"),
        ({"co_hosts": [attrs.evolve(CLIENT, user_id=None)]}, "co_hosts"),
        (
            {"co_hosts": [attrs.evolve(CLIENT, user_id=f"u{n}") for n in range(21)]},
            "co_hosts",
        ),
    ],
)
def test_malformed_bookings_are_refused(changes: dict[str, Any], field: str) -> None:
    """Naive or reversed times, partial minutes, blank or over-long fields are refused."""
    with pytest.raises(InvalidBookingError) as caught:
        make(**changes)
    assert caught.value.field == field
    assert field.split(".")[0] in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"email": "not-an-address"}, "email"),
        ({"email": None}, "email"),
        ({"channel": "sms"}, "phone"),
        ({"channel": "sms", "phone": "0151 123"}, "phone"),
        ({"channel": "pigeon"}, "channel"),
        ({"name": " "}, "name"),
    ],
)
def test_malformed_participants_are_refused(changes: dict[str, Any], field: str) -> None:
    """Unknown time zones, bad addresses and a channel without its address are refused."""
    with pytest.raises(InvalidBookingError) as caught:
        attrs.evolve(CLIENT, **changes)
    assert caught.value.field == field


def test_sms_participant_is_reached_by_phone() -> None:
    """A participant told by SMS is addressed by their phone number."""
    texter = Participant(name="Sid", time_zone="Asia/Tokyo", phone="+819012345678", channel="sms")
    assert texter.address == "+819012345678"
    assert CLIENT.address == "c@example.net"


def test_duration_is_real_time_across_a_daylight_saving_switch() -> None:
    """01:30 to 03:30 Berlin time on the spring switch night is one hour, not two."""
    berlin = ZoneInfo("Europe/Berlin")
    booking = make(
        start=datetime(2026, 3, 29, 1, 30, tzinfo=berlin),
        end=datetime(2026, 3, 29, 3, 30, tzinfo=berlin),
    )
    assert booking.duration_minutes == 60


def test_end_before_start_is_caught_across_zones() -> None:
    """Times in different zones are compared as instants, not wall clocks."""
    with pytest.raises(InvalidBookingError):
        make(
            start=datetime(2026, 5, 4, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
            end=datetime(2026, 5, 4, 3, 59, tzinfo=ZoneInfo("America/New_York")),
        )


@pytest.mark.parametrize(
    "changes",
    [{"passcode": "x" * 11}, {"auto_recording": "tape"}, {"waiting_room": "yes"}],
)
def test_malformed_meeting_settings_are_refused(changes: dict[str, Any]) -> None:
    """Meeting settings outside Zoom's choices are refused when built."""
    with pytest.raises(InvalidBookingError):
        MeetingSettings(**changes)


def test_unknown_location_is_refused() -> None:
    """An event type's location must be zoom, builtin, none or default."""
    with pytest.raises(InvalidBookingError) as caught:
        EventType(id="x", location="teams")  # type: ignore[arg-type]
    assert caught.value.field == "location"
