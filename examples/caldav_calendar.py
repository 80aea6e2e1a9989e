"""Bookings on a CalDAV calendar: zoomlink puts the host's booking events there, and the events
the host made there themselves are busy time for conflicts and free slots.

Runs against the embedded fake Zoom and a real CalDAV server: a throwaway Radicale it starts
itself (``pip install 'zoomlink[caldav]' radicale``), or an existing calendar you name. The
calendar must exist; the example leaves it as it found it.

    python examples/caldav_calendar.py
    python examples/caldav_calendar.py --url https://dav.example.com/alice/test/ \\
        --username alice --password APP_PASSWORD
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from caldav.calendarobjectresource import CalendarObjectResource
from caldav.collection import Calendar
from caldav.davclient import DAVClient

from zoomlink import (
    Booking,
    BookingConflictError,
    EventType,
    Participant,
    ZoomApp,
    ZoomLink,
)
from zoomlink.calendars import CalDAVCalendar, CalDAVCalendarBackend
from zoomlink.testing import FakeZoom

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)
BERLIN = ZoneInfo("Europe/Berlin")
ALICE = Participant(
    name="Alice", time_zone="Europe/Berlin", email="alice@example.com", user_id="alice"
)
CONSULT = EventType(id="consult", title="Consultation", location="zoom")


@contextmanager
def throwaway_radicale() -> Iterator[CalDAVCalendar]:
    """Start Radicale on a free local port with one user and one empty calendar."""
    with tempfile.TemporaryDirectory() as folder, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        users = Path(folder, "users")
        users.write_text("alice:example-password\n", encoding="utf-8")
        server = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [
                *(sys.executable, "-m", "radicale", "--hosts", f"127.0.0.1:{port}"),
                *("--auth-type", "htpasswd", "--auth-htpasswd-filename", str(users)),
                *("--auth-htpasswd-encryption", "plain", "--auth-delay", "0"),
                *("--storage-filesystem-folder", str(Path(folder, "collections"))),
                *("--rights-type", "owner_only", "--logging-level", "error"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/alice/bookings/"
            for _ in range(100):  # up to ten seconds to start
                try:
                    httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            with DAVClient(url=url, username="alice", password="example-password") as client:
                client.mkcalendar(url)
            yield CalDAVCalendar(
                url=url, username="alice", password="example-password", time_zone="Europe/Berlin"
            )
        finally:
            server.terminate()
            server.wait()


def add_own_event(
    calendar: CalDAVCalendar, uid: str, title: str, start: datetime, extra: str = ""
) -> None:
    """The host adds an event in their calendar app (here: with the caldav client)."""
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//calendar app//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{title}\r\n"
        f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}\r\nDURATION:PT1H\r\n{extra}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with DAVClient(
        url=calendar.url, username=calendar.username, password=calendar.password
    ) as client:
        Calendar(client=client, url=calendar.url).add_event(ics)


def remove_own_events(calendar: CalDAVCalendar, uids: list[str]) -> None:
    """Leave the calendar as it was: remove the events the example added as the host."""
    with DAVClient(
        url=calendar.url, username=calendar.username, password=calendar.password
    ) as client:
        for uid in uids:
            event = Calendar(client=client, url=calendar.url).get_event_by_uid(uid)
            assert isinstance(event, CalendarObjectResource)  # a sync client answers at once
            event.delete()


def show(calendar: CalDAVCalendarBackend, day: datetime) -> None:
    """Print Alice's events of the day, as zoomlink reads them."""
    for event in calendar.events("default", "alice", start=day, end=day + timedelta(days=1)):
        whose = f"booking {event.booking_id}" if event.booking_id else "Alice's own"
        start, end = event.start.astimezone(BERLIN), event.end.astimezone(BERLIN)
        print(f"  {start:%H:%M}-{end:%H:%M} {event.title} ({whose})")


def run(target: CalDAVCalendar) -> None:
    """Book around Alice's own events on her CalDAV calendar."""
    fake = FakeZoom()
    fake.seed(FakeZoom.default_seed())
    day = (fake.now() + timedelta(days=3)).astimezone(BERLIN)
    day = day.replace(hour=0, minute=0, second=0, microsecond=0)
    # Alice's busy dentist visit at 11:00, and a reminder she marked "free" at 10:00.
    add_own_event(target, "dentist-example", "Dentist", day.replace(hour=11))
    add_own_event(
        target, "focus-example", "Focus time", day.replace(hour=10), "TRANSP:TRANSPARENT\r\n"
    )
    with ExitStack() as cleanup:
        cleanup.callback(remove_own_events, target, ["dentist-example", "focus-example"])
        calendar = cleanup.enter_context(CalDAVCalendarBackend({("default", "alice"): target}))
        zoom = ZoomLink(
            APP,
            http_client=httpx.Client(transport=httpx.MockTransport(fake)),
            clock=fake.clock,
            calendar=calendar,
        )
        cleanup.callback(zoom.close)
        zoom.complete_connect(
            fake.approve(zoom.personal_connect_url("alice"), "u_owner"), user_id="alice"
        )

        slots = zoom.free_slots(
            [ALICE],
            start=day.replace(hour=9),
            end=day.replace(hour=13),
            duration=timedelta(minutes=30),
            time_zone="Europe/Berlin",
        )
        print("free:", ", ".join(f"{slot.start:%H:%M}" for slot in slots))

        def booking(start: datetime) -> Booking:
            return Booking(
                id="bk_2001",
                event_type=CONSULT,
                host=ALICE,
                clients=[
                    Participant(name="Carol", time_zone="Europe/Berlin", email="carol@example.net")
                ],
                start=start,
                end=start + timedelta(minutes=30),
                title="Consultation with Carol",
            )

        try:
            zoom.schedule(booking(day.replace(hour=11, minute=30)))
        except BookingConflictError as refused:
            for conflict in refused.conflicts:
                print(f"refused 11:30: {conflict.source} event {conflict.event_uid}")
        outcome = zoom.schedule(booking(day.replace(hour=10)))
        print(f"{outcome.action} at 10:00; Alice's calendar:")
        show(calendar, day)
        zoom.reschedule(booking(day.replace(hour=12)))
        print("moved to 12:00; Alice's calendar:")
        show(calendar, day)
        zoom.cancel(booking(day.replace(hour=12)))
        print("cancelled; Alice's calendar:")
        show(calendar, day)


def main(argv: list[str] | None = None) -> None:
    """Use the calendar named on the command line, or a throwaway Radicale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an existing calendar collection's URL, ending in /")
    parser.add_argument("--username")
    parser.add_argument("--password")
    options = parser.parse_args(argv)
    if options.url:
        run(
            CalDAVCalendar(
                url=options.url,
                username=options.username,
                password=options.password,
                time_zone="Europe/Berlin",
            )
        )
        return
    with throwaway_radicale() as calendar:
        run(calendar)


if __name__ == "__main__":
    main()
