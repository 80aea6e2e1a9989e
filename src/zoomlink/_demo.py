"""``zoomlink demo``: the whole story of a booking site's Zoom, told against the embedded fake.

Olivia connects her own Zoom account; Adam, an app admin, connects the organisation, through
which Mia hosts. Jane books Olivia: one meeting, two messages, a calendar event. A second
booking at that time is refused; the booking moves, then is cancelled. Bookings go round robin,
to two hosts at once and weekly. Olivia disconnects (revoked, purged, proven), and the Zoom
admin uninstalls the organisation's app: Zoom's signed webhook purges that connection too.

Every request goes over zoomlink's real HTTP layer to the fake through an in-process transport,
and the store is a SQLite file in a temporary folder, so the demo needs no network and no Zoom
account. Each step checks what it shows; the demo exits 0 only if every step behaved.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import attrs
import httpx

from zoomlink import (
    Actor,
    Booking,
    BookingConflictError,
    EventType,
    Keyring,
    Participant,
    WebhookHandler,
    ZoomApp,
    ZoomLink,
)
from zoomlink.calendars import MemoryCalendarBackend
from zoomlink.notify import MemoryNotificationSink
from zoomlink.stores import SQLiteTokenStore
from zoomlink.testing import FakeClock, FakeZoom

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "demo-webhook-secret"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 16, 8, 0, tzinfo=timezone.utc)  # 09:00 in Berlin: the same story
HOUR = timedelta(hours=1)
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
OLIVIA = Participant(
    name="Olivia Owner", time_zone="Europe/Berlin", email="owner@example.com", user_id="olivia"
)
MIA = Participant(
    name="Mia Member", time_zone="Europe/Berlin", email="member@example.com", user_id="mia"
)
JANE = Participant(name="Jane Doe", time_zone="America/New_York", email="jane@example.net")


class Story:
    """Prints the numbered steps, and checks that each behaved."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.steps = 0
        self.failed: list[str] = []

    def step(self, title: str) -> None:
        self.steps += 1
        self.say(f"\n{self.steps}. {title}")

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def check(self, behaved: bool, what: str) -> None:
        """Say ``what`` with its verdict; a step that misbehaved fails the demo."""
        self.say(f"   {'ok' if behaved else 'FAILED'}: {what}")
        if not behaved:
            self.failed.append(f"step {self.steps}: {what}")


def run_demo(out: TextIO, *, fake: FakeZoom | None = None) -> int:
    """Tell the story to ``out``; 0 if every step behaved, else 1.

    ``fake`` is the fake Zoom to tell it against (by default :func:`demo_fake`: seeded, its
    clock on a fixed Monday, webhooks signed with :data:`WEBHOOK_SECRET` and kept)."""
    story = Story(out)
    fake = fake or demo_fake()
    story.say("zoomlink demo: a booking site's Zoom, against the embedded fake Zoom")
    with _zoomlink(fake) as (zoom, sink, calendar):
        try:
            _tell(story, fake, zoom, sink, calendar)
        except Exception as exc:  # a step that broke off: the story ends there, failed
            story.check(False, f"the step ended with {type(exc).__name__}: {exc}")
    calls = Counter(entry.route for entry in fake.journal)
    story.say(
        "\nRequests the fake Zoom received: " + ", ".join(f"{r} x{n}" for r, n in calls.items())
    )
    if story.failed:
        story.say(f"\n{len(story.failed)} check(s) failed:\n  " + "\n  ".join(story.failed))
        return 1
    story.say(f"\nEvery one of the {story.steps} steps behaved.")
    return 0


def demo_fake() -> FakeZoom:
    """The demo's fake Zoom: seeded, on a fixed Monday, its webhooks signed and kept."""
    fake = FakeZoom(
        clock=FakeClock(MONDAY),
        webhook_secret=WEBHOOK_SECRET,
        webhook_callback=lambda headers, body: None,  # kept in fake.webhook_deliveries
    )
    fake.seed(FakeZoom.default_seed())
    return fake


@contextmanager
def _zoomlink(
    fake: FakeZoom,
) -> Iterator[tuple[ZoomLink, MemoryNotificationSink, MemoryCalendarBackend]]:
    """A ZoomLink for the seed's personal and organisation apps, on a SQLite store in a
    temporary folder, with a sink and a calendar that keep what they are given."""
    apps = {app["kind"]: app for app in FakeZoom.default_seed()["apps"]}
    personal, organisation = (
        ZoomApp(
            client_id=apps[kind]["client_id"],
            client_secret=apps[kind]["client_secret"],
            redirect_uri=REDIRECT_URI,
            webhook_secret=WEBHOOK_SECRET,
            kind=kind,
        )
        for kind in ("user", "account")
    )
    sink, calendar = MemoryNotificationSink(), MemoryCalendarBackend()
    with (
        tempfile.TemporaryDirectory() as folder,
        SQLiteTokenStore(Path(folder) / "zoomlink.db") as store,
        httpx.Client(transport=httpx.MockTransport(fake)) as client,
        ZoomLink(
            personal,
            organisation,
            store=store,
            keyring=Keyring.from_string(f"k1:{Keyring.generate_key()}"),
            http_client=client,
            clock=fake.clock,
            notifications=sink,
            calendar=calendar,
            reconnect_url="https://app.example.com/settings/zoom",
        ) as zoom,
    ):
        yield zoom, sink, calendar


def _tell(
    story: Story,
    fake: FakeZoom,
    zoom: ZoomLink,
    sink: MemoryNotificationSink,
    calendar: MemoryCalendarBackend,
) -> None:
    step, say, check = story.step, story.say, story.check

    step("Olivia connects her own Zoom account (OAuth with PKCE S256 and a signed state)")
    url = zoom.personal_connect_url("olivia")
    say(f"   consent page: {url.split('?')[0]}")
    olivia = zoom.complete_connect(fake.approve(url, "u_owner"), user_id="olivia")
    say(f"   connected {olivia.zoom_email}, {olivia.zoom_role} of {olivia.zoom_account_id}")
    check(olivia.status == "active", "her connection is active")

    step("Adam, an app admin, connects the organisation; Mia has no Zoom connection of her own")
    url = zoom.organization_connect_url(Actor("adam", role="admin"))
    organisation = zoom.complete_connect(fake.approve(url, "u_admin"), user_id="adam")
    say(f"   organisation connected by Zoom {organisation.zoom_role} {organisation.zoom_email}")
    for person in (OLIVIA, MIA):
        assert person.user_id is not None
        host = zoom.resolve_host(person.user_id, email=person.email)
        say(f"   {person.name} hosts through the {host.via} connection, as {host.zoom_user}")
    mia = zoom.resolve_host("mia", email=MIA.email)
    check(mia.via == "organization", "Mia's meetings are made through the organisation")

    tuesday = datetime(2026, 3, 17, 10, 0, tzinfo=BERLIN)
    booking = _booking("bk_jane", tuesday, OLIVIA)
    step("Jane books a consultation with Olivia: one meeting, two messages, a calendar event")
    outcome = zoom.schedule(booking)
    say(f"   {outcome.action} meeting {outcome.meeting_id}: {outcome.join_url}")
    told = [m for m in sink.sent if m.booking_id == booking.id]
    for message in told:
        say(f"   told the {message.role} ({message.address}): {message.subject}")
    events = calendar.events("default", "olivia")
    for event in events:
        say(f"   on Olivia's calendar: {_local(event.start)}, {event.location}")
    [made] = fake.meetings("u_owner")
    start_url = str(made["start_url"])
    check(outcome.action == "created", "one Zoom meeting for the booking")
    check(sorted(str(m.role) for m in told) == ["client", "host"], "client and host told")
    check(
        all(start_url not in m.text for m in told if m.role == "client"),
        "the client's message carries the join link, never the host's start link",
    )
    check(len(events) == 1, "the event is on the host's calendar")
    check(zoom.schedule(booking).action == "existing", "a retried request makes no second meeting")

    step("Another client asks for the same time: refused, nothing made in Zoom")
    try:
        zoom.schedule(_booking("bk_late", tuesday, OLIVIA))
        refused = False
    except BookingConflictError as error:
        refused = True
        for conflict in error.conflicts:
            say(f"   overlaps a {conflict.source} meeting from {_local(conflict.start)}")
    check(refused and len(fake.meetings("u_owner")) == 1, "the overlapping booking is refused")

    step("The booking moves an hour later: the same meeting and link, the calendar follows")
    moved = zoom.reschedule(attrs.evolve(booking, start=tuesday + HOUR, end=tuesday + 2 * HOUR))
    [event] = calendar.events("default", "olivia")
    say(f"   {moved.action} meeting {moved.meeting_id}; calendar now {_local(event.start)}")
    check(
        moved.meeting_id == outcome.meeting_id and moved.join_url == outcome.join_url,
        "same meeting, same link",
    )

    step("The booking is cancelled: the meeting is deleted and the event removed")
    cancelled = zoom.cancel(booking)
    say(f"   {cancelled.action}; {len(fake.meetings('u_owner'))} meetings left for Olivia")
    check(
        fake.meetings("u_owner") == [] and calendar.events("default", "olivia") == [],
        "nothing left in Zoom or on the calendar",
    )

    step("Round robin over Olivia and Mia: two bookings at the same time go to both")
    chosen = []
    for booking_id in ("rr_1", "rr_2"):
        picked = zoom.schedule_round_robin(_booking(booking_id, tuesday, OLIVIA), [OLIVIA, MIA])
        host_id = picked.record.host_id if picked.record is not None else "?"
        chosen.append(host_id)
        say(f"   {booking_id} at {_local(tuesday)} goes to {host_id}")
        fake.advance(60)
    check(sorted(chosen) == ["mia", "olivia"], "each host gets one, none is double-booked")

    step("A collective booking: Olivia hosts, Mia is the alternative host")
    wednesday = tuesday + timedelta(days=1)
    team = zoom.schedule(_booking("team_1", wednesday, OLIVIA, co_hosts=(MIA,)))
    [meeting] = [m for m in fake.meetings() if m["id"] == team.meeting_id]
    alternative = meeting["settings"]["alternative_hosts"]
    owners = sorted(e.owner_id for e in calendar.all_events() if e.booking_id == "team_1")
    say(f"   {team.action}; alternative host {alternative}; events for {', '.join(owners)}")
    check(alternative == MIA.email and owners == ["mia", "olivia"], "both hosts have it")

    step("A weekly booking: one recurring Zoom meeting, one event per occurrence")
    weekly = zoom.schedule(
        _booking("weekly_1", tuesday + 7 * HOUR, MIA, recurrence="FREQ=WEEKLY;COUNT=4")
    )
    occurrences = weekly.record.occurrences if weekly.record is not None else ()
    say(f"   {weekly.action}; " + ", ".join(_local(o.start) for o in occurrences))
    mias = [e for e in calendar.events("default", "mia") if e.booking_id == "weekly_1"]
    check(len(occurrences) == 4 and len(mias) == 4, "four occurrences, four events")

    step("Olivia disconnects: revoked at Zoom, her Zoom data purged, and the proof")
    handler = WebhookHandler(zoom)
    seen = len(fake.webhook_deliveries)
    report = zoom.disconnect(olivia.id, actor=Actor("olivia"))
    removed = ", ".join(f"{n} {kind}" for kind, n in report.removed.items() if n)
    proof = zoom.find_zoom_data(olivia.id, values=["u_owner", "owner@example.com"])
    say(f"   {report.connection.status}; purged {removed}")
    say(f"   proof check: {'nothing left' if proof.clean else proof.findings}")
    check(report.connection.purge == "done" and proof.clean, "no Zoom value of hers is left")
    echoes = _deliver(story, fake, handler, seen)
    check(
        echoes == [200] and sink.sent[-1].kind != "action_required", "Zoom's echo raises no alarm"
    )

    step("The Zoom admin uninstalls the organisation's app: Zoom's signed webhook purges it")
    seen, before = len(fake.webhook_deliveries), len(sink.sent)
    fake.uninstall("u_admin", organisation.client_id)
    answers = _deliver(story, fake, handler, seen)
    after = zoom.connection(organisation.id)
    proof = zoom.find_zoom_data(organisation.id, values=["u_admin", "admin@example.com"])
    notices = [f"{n.recipient_id}: {n.subject}" for n in sink.sent[before:]]
    say(f"   organisation connection {after.status}, purge {after.purge}; told {notices}")
    check(
        answers == [200] and after.purge == "done" and proof.clean,
        "the webhook was verified and the connection purged",
    )
    check(notices == ["adam: Action required: reconnect Zoom"], "Adam is asked to reconnect")


def _deliver(story: Story, fake: FakeZoom, handler: WebhookHandler, seen: int) -> list[int]:
    """Hand the webhooks Zoom sent since the first ``seen`` to the app's endpoint."""
    statuses = []
    for delivery in fake.webhook_deliveries[seen:]:
        answer = handler.handle(delivery.headers, delivery.body)
        body = answer.json()
        story.say(
            f"   Zoom's signed {body.get('event')} webhook: {answer.status}, {body.get('result')}"
        )
        statuses.append(answer.status)
    return statuses


def _booking(
    booking_id: str,
    start: datetime,
    host: Participant,
    *,
    co_hosts: tuple[Participant, ...] = (),
    recurrence: str | None = None,
) -> Booking:
    return Booking(
        id=booking_id,
        event_type=CONSULT,
        host=host,
        clients=[JANE],
        start=start,
        end=start + HOUR,
        title=f"Consultation with {JANE.name}",
        co_hosts=co_hosts,
        recurrence=recurrence,
    )


def _local(when: datetime | None) -> str:
    if when is None:
        return "(no fixed time)"
    return when.astimezone(BERLIN).strftime("%a %d %b %H:%M Berlin")
