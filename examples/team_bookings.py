"""Busy time, free slots and team bookings with ZoomLink and the embedded fake Zoom.

Two hosts of one Zoom account connect; a booking page asks for free slots; bookings go round
robin, to both hosts at once (collective) and weekly (recurring), and a booking over busy time
is refused. The fake's clock stands on a fixed Monday, so the output is the same on every run.

    python examples/team_bookings.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx

from zoomlink import (
    Booking,
    BookingConflictError,
    EventType,
    MeetingFields,
    Participant,
    ZoomApp,
    ZoomLink,
)
from zoomlink.calendars import MemoryCalendarBackend
from zoomlink.notify import MemoryNotificationSink
from zoomlink.testing import FakeClock, FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 16, 8, 0, tzinfo=timezone.utc)  # 09:00 in Berlin
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
ALICE = Participant(
    name="Alice", time_zone="Europe/Berlin", email="alice@example.com", user_id="alice"
)
BOB = Participant(name="Bob", time_zone="Europe/Berlin", email="bob@example.com", user_id="bob")
CAROL = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")


def booking(
    booking_id: str,
    start: datetime,
    host: Participant = ALICE,
    *,
    co_hosts: tuple[Participant, ...] = (),
    recurrence: str | None = None,
) -> Booking:
    """An hour's consultation for Carol with ``host`` (and ``co_hosts``)."""
    return Booking(
        id=booking_id,
        event_type=CONSULT,
        host=host,
        clients=[CAROL],
        start=start,
        end=start + timedelta(hours=1),
        title=f"Consultation {booking_id}",
        co_hosts=co_hosts,
        recurrence=recurrence,
    )


def local(when: datetime) -> str:
    """``when`` on the Berlin wall clock."""
    return f"{when.astimezone(BERLIN):%a %d %b %H:%M}"


def main() -> None:
    """Connect two hosts, find free slots, book round robin, collective and weekly."""
    fake = FakeZoom(clock=FakeClock(MONDAY))
    fake.seed(FakeZoom.default_seed())
    sink = MemoryNotificationSink()
    calendar = MemoryCalendarBackend()
    with ZoomLink(
        APP,
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake.clock,
        notifications=sink,
        calendar=calendar,
    ) as zoom:
        # 1. Alice and Bob connect their Zoom accounts (both users of the account acct_demo).
        for user_id, zoom_user in (("alice", "u_owner"), ("bob", "u_admin")):
            url = zoom.personal_connect_url(user_id)
            zoom.complete_connect(fake.approve(url, zoom_user), user_id=user_id)

        # 2. Bob made a meeting in Zoom himself: Tuesday 10:00-11:00 Berlin time.
        tuesday = datetime(2026, 3, 17, 9, 0, tzinfo=BERLIN)
        [bobs] = zoom.connections(user_id="bob")
        zoom.api.create_meeting(
            zoom.access_token(bobs.id),
            MeetingFields(
                topic="Made in Zoom",
                start=tuesday + timedelta(hours=1),
                duration_minutes=60,
                timezone="Europe/Berlin",
            ),
        )

        # 3. The booking page: hour-long slots on Tuesday morning, on the Berlin wall clock.
        hour = timedelta(hours=1)
        until = tuesday + timedelta(hours=4)  # 13:00
        berlin = "Europe/Berlin"
        anyone = zoom.free_slots(
            [ALICE, BOB], start=tuesday, end=until, duration=hour, step=hour, time_zone=berlin
        )
        for slot in anyone:  # "any": a slot at least one host has free (for round robin)
            print(f"free {local(slot.start)}: {', '.join(slot.host_ids)}")
        both = zoom.free_slots(  # "all": time every host has free (for a collective booking)
            [ALICE, BOB],
            start=tuesday,
            end=until,
            duration=hour,
            step=hour,
            time_zone=berlin,
            require="all",
        )
        print("free for both:", ", ".join(local(slot.start) for slot in both))

        # 4. Round robin: each booking goes to the free host booked least recently (never
        #    booked first, ties to the one listed first); a minute passes between them.
        for booking_id, start in (("rr_1", both[0].start), ("rr_2", both[1].start)):
            outcome = zoom.schedule_round_robin(booking(booking_id, start), [ALICE, BOB])
            assert outcome.record is not None
            print(f"round robin {booking_id} at {local(start)}: {outcome.record.host_id}")
            fake.advance(60)

        # 5. Collective: one meeting on Alice's account; Bob becomes its alternative host.
        outcome = zoom.schedule(booking("team_1", both[2].start, co_hosts=(BOB,)))
        [meeting] = [m for m in fake.meetings() if m["id"] == outcome.meeting_id]
        print(
            f"collective at {local(both[2].start)}: {outcome.action}, alternative host "
            f"{meeting['settings']['alternative_hosts']}"
        )
        told = sorted({str(m.address) for m in sink.sent if m.booking_id == "team_1"})
        owners = sorted(e.owner_id for e in calendar.all_events() if e.booking_id == "team_1")
        print(f"  told {', '.join(told)}; events for {', '.join(owners)}")

        # 6. Weekly on Thursdays at 17:00 Berlin time, across the switch to summer time.
        weekly = booking(
            "weekly_1",
            datetime(2026, 3, 19, 17, 0, tzinfo=BERLIN),
            recurrence="FREQ=WEEKLY;COUNT=4",
        )
        outcome = zoom.schedule(weekly)
        assert outcome.record is not None
        [meeting] = [m for m in fake.meetings() if m["id"] == outcome.meeting_id]
        print(f"weekly: {outcome.action}, one Zoom meeting of type {meeting['type']}")
        occurrences = outcome.record.occurrences
        for occurrence in occurrences:
            print(f"  {local(occurrence.start)} ({occurrence.start:%H:%M} UTC)")

        # Move the second one to Friday, cancel the third; each is named by its original start.
        second, third = occurrences[1].start, occurrences[2].start
        friday = second + timedelta(days=1)
        zoom.reschedule_occurrence(weekly, second, start=friday, end=friday + hour)
        outcome = zoom.cancel_occurrence(weekly, third)
        assert outcome.record is not None
        for occurrence in outcome.record.occurrences:
            print(f"  now {local(occurrence.start)}: {occurrence.state}")
        events = [e for e in calendar.events("default", "alice") if e.booking_id == "weekly_1"]
        print(f"  Alice's calendar: {len(events)} events, one per live occurrence")

        # 7. Booking Bob over the meeting he made in Zoom is refused, naming what it overlaps.
        try:
            zoom.schedule(booking("bk_busy", tuesday + hour, host=BOB))
        except BookingConflictError as exc:
            for conflict in exc.conflicts:
                until_then = f"{conflict.end.astimezone(BERLIN):%H:%M}"
                print(
                    f"refused for {conflict.host_id}: {conflict.source} meeting "
                    f"{local(conflict.start)}-{until_then}"
                )
        print(f"{len(fake.meetings())} meetings in Zoom; none made for the refused booking")


if __name__ == "__main__":
    main()
