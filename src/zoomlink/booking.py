"""The booking side: what a host application tells zoomlink, and what zoomlink keeps.

A :class:`Booking` is checked when it is built — aware times, ``end`` after ``start`` by whole
minutes, known IANA time zones, fields within Zoom's limits — so a bad one fails with an
:class:`~zoomlink.InvalidBookingError` before anything is sent or stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from zoomlink.errors import InvalidBookingError
from zoomlink.models import AGENDA_MAX, DEFAULT_TENANT, PASSWORD_MAX, TOPIC_MAX, Channel

__all__ = [
    "Booking",
    "BookingAction",
    "BookingOutcome",
    "CalendarEvent",
    "Channel",
    "ConferencingChoice",
    "EventType",
    "InZoom",
    "LocationSetting",
    "MeetingOccurrence",
    "MeetingRecord",
    "MeetingSettings",
    "MeetingState",
    "OccurrenceState",
    "Participant",
]

LocationSetting = Literal["zoom", "builtin", "none", "default"]
"""An event type's location: ``zoom``, the host app's ``builtin`` calls, ``none`` (in person,
phone …) or ``default`` (the host user's default conferencing)."""

ConferencingChoice = Literal["zoom", "builtin"]
"""What a user's default conferencing can be set to."""

MeetingState = Literal["pending", "scheduled", "cancelled", "detached"]
"""A meeting record's state: ``pending`` while Zoom's answer is not yet recorded (a crash
leaves it so, and the next call reconciles it), ``scheduled``, ``cancelled``, or ``detached``:
its Zoom details were purged when its connection was disconnected or the app uninstalled, and
the booking goes on without Zoom (zoomlink never calls Zoom for it again)."""

InZoom = Literal["as_booked", "changed", "deleted"]
"""What Zoom's webhooks said happened to a scheduled booking's meeting in Zoom itself:
``as_booked`` (nothing, or only zoomlink's own changes), ``changed`` (its host moved or edited
it in Zoom) or ``deleted`` (its host deleted it in Zoom)."""

OccurrenceState = Literal["scheduled", "cancelled"]
"""One occurrence of a recurring booking's meeting: ``scheduled`` or ``cancelled``."""

BookingAction = Literal[
    "created",
    "existing",
    "reconciled",
    "updated",
    "recreated",
    "deleted",
    "already_gone",
    "detached",
    "pending",
    "superseded",
    "none",
]
"""What a schedule, reschedule or cancel did:

* ``created`` — a new Zoom meeting;
* ``existing`` — the booking already had its meeting (a repeated call); nothing sent;
* ``reconciled`` — an earlier, interrupted attempt had created it; found by its marker;
* ``updated`` — the meeting was moved (one PATCH);
* ``recreated`` — the meeting had been deleted in Zoom, so a new one (new link) was made;
* ``deleted`` — the meeting was deleted;
* ``already_gone`` — Zoom no longer had it, so cancelling had nothing to delete;
* ``detached`` — the booking's Zoom details were purged (its connection was disconnected or
  the app uninstalled): its times, messages and calendar events were updated without Zoom;
* ``pending`` — Zoom could not take it now (down, rate-limited, or the host's daily quota
  spent) and the call was made with ``defer=True``: the work is kept in the store and
  :meth:`~zoomlink.ZoomLink.run_pending` finishes it from ``retry_at`` on;
* ``superseded`` — pending work that a newer call for the booking replaced while it was due;
  nothing was done;
* ``none`` — nothing to do: the booking is not a Zoom booking, or had no meeting to cancel.
"""

NAME_MAX = 200
ID_MAX = 200
RULE_MAX = 500
# Zoom gives a meeting at most this many alternative hosts; collective bookings stay below it.
CO_HOSTS_MAX = 20
ANSWER_MAX = 1000
# Room kept at the start of Zoom's agenda for the booking marker and a blank line.
MARKER_ROOM = 40
DESCRIPTION_MAX = AGENDA_MAX - MARKER_ROOM
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _fail(field: str, message: str) -> InvalidBookingError:
    return InvalidBookingError(f"{field}: {message}", field=field)


def _text(limit: int, *, blank: bool = False) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise _fail(attribute.name, f"must be a string, got {type(value).__name__}")
        if not blank and not value.strip():
            raise _fail(attribute.name, "must not be blank")
        if len(value) > limit:
            raise _fail(attribute.name, f"is {len(value)} characters; at most {limit} fit")

    return check


def _optional_text(limit: int) -> Any:
    inner = _text(limit)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def check_time_zone(name: object, field: str = "time_zone") -> str:
    """``name`` if it is a known IANA time zone; :class:`InvalidBookingError` otherwise."""
    if not isinstance(name, str) or not name:
        raise _fail(field, f"must be an IANA time zone name, got {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise _fail(field, f"{name[:60]!r} is not a known IANA time zone") from None
    return name


def _kind(attribute: attrs.Attribute[Any], value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise _fail(attribute.name, f"must be a {kind.__name__}, got {type(value).__name__}")


def _time_zone(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_time_zone(value, attribute.name)


def _aware(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    if not isinstance(value, datetime):
        raise _fail(attribute.name, f"must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise _fail(
            attribute.name,
            f"must be timezone-aware, got naive {value.isoformat()}; "
            "zoomlink never guesses a time zone",
        )


def _one_of(*allowed: object) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in allowed:
            choices = ", ".join(repr(item) for item in allowed)
            raise _fail(attribute.name, f"must be one of {choices}, got {value!r}")

    return check


def _optional_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise _fail(attribute.name, f"must be True, False or None, got {value!r}")


@attrs.frozen(kw_only=True)
class MeetingSettings:
    """Zoom meeting settings for an event type's meetings.

    ``None`` leaves a setting to the host's own Zoom settings, which is the default for all.

    Attributes:
        waiting_room: Hold participants in a waiting room.
        join_before_host: Let participants join before the host (Zoom turns it off when the
            waiting room is on).
        auto_recording: ``none``, ``local`` or ``cloud``.
        passcode: A fixed passcode (at most 10 characters; it must meet the host's Zoom
            passcode rules). ``None`` lets Zoom generate one when the host's settings ask.
    """

    waiting_room: bool | None = attrs.field(default=None, validator=_optional_bool)
    join_before_host: bool | None = attrs.field(default=None, validator=_optional_bool)
    auto_recording: Literal["none", "local", "cloud"] | None = attrs.field(
        default=None, validator=_one_of(None, "none", "local", "cloud")
    )
    passcode: str | None = attrs.field(
        default=None, repr=False, validator=_optional_text(PASSWORD_MAX)
    )

    def zoom_settings(self) -> dict[str, Any]:
        """The ``settings`` object for Zoom: only what is set."""
        settings: dict[str, Any] = {}
        if self.waiting_room is not None:
            settings["waiting_room"] = self.waiting_room
        if self.join_before_host is not None:
            settings["join_before_host"] = self.join_before_host
        if self.auto_recording is not None:
            settings["auto_recording"] = self.auto_recording
        return settings


@attrs.frozen(kw_only=True)
class EventType:
    """A kind of booking the host app offers, with its location setting.

    Attributes:
        id: The host app's id for it.
        title: Its name, for lists.
        location: ``zoom``, ``builtin``, ``none``, or ``default`` (the host user's default
            conferencing, decided when a booking is made).
        settings: Zoom meeting settings for its meetings.
    """

    id: str = attrs.field(validator=_text(ID_MAX))
    title: str = attrs.field(default="", validator=_text(NAME_MAX, blank=True))
    location: LocationSetting = attrs.field(
        default="default", validator=_one_of("zoom", "builtin", "none", "default")
    )
    settings: MeetingSettings = attrs.field(factory=MeetingSettings)


@attrs.frozen(kw_only=True)
class Participant:
    """Someone taking part in a booking: the host or a client.

    Attributes:
        name: Their name as shown in messages.
        time_zone: Their IANA time zone: messages show times in it.
        email: Their e-mail address (required for the ``email`` channel).
        phone: Their phone number in E.164 form, ``+`` and digits (required for ``sms``).
        channel: ``email`` or ``sms``: how they are told.
        user_id: Their app user id, when they are a user of the host app (the host always is):
            their calendar then gets the event.
    """

    name: str = attrs.field(validator=_text(NAME_MAX))
    time_zone: str = attrs.field(validator=_time_zone)
    email: str | None = attrs.field(default=None, validator=_optional_text(NAME_MAX))
    phone: str | None = attrs.field(default=None, validator=_optional_text(16))
    channel: Channel = attrs.field(default="email", validator=_one_of("email", "sms"))
    user_id: str | None = attrs.field(default=None, validator=_optional_text(ID_MAX))

    def __attrs_post_init__(self) -> None:
        if self.email is not None and not _EMAIL.fullmatch(self.email):
            raise _fail("email", f"{self.email!r} is not an e-mail address")
        if self.phone is not None and not _PHONE.fullmatch(self.phone):
            raise _fail("phone", f"{self.phone!r} is not an E.164 number like +4915123456789")
        if self.channel == "email" and self.email is None:
            raise _fail("email", f"{self.name} is to be told by e-mail but has no address")
        if self.channel == "sms" and self.phone is None:
            raise _fail("phone", f"{self.name} is to be told by SMS but has no phone number")

    @property
    def address(self) -> str:
        """The e-mail address or phone number their messages go to, by channel."""
        address = self.email if self.channel == "email" else self.phone
        assert address is not None  # checked on construction
        return address


def _answers(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((question, answer) for question, answer in items)


def _check_answers(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[tuple[object, object], ...]
) -> None:
    for question, answer in value:
        if not isinstance(question, str) or not isinstance(answer, str):
            raise _fail("answers", "questions and answers must be strings")
        if not question.strip():
            raise _fail("answers", "a question must not be blank")
        if len(question) > ANSWER_MAX or len(answer) > ANSWER_MAX:
            raise _fail("answers", f"{question[:40]!r}: at most {ANSWER_MAX} characters fit")


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two aware datetimes. Python subtracts datetimes sharing a tzinfo by
    their wall clocks, which is wrong across a daylight-saving switch; UTC is not."""
    return end.astimezone(timezone.utc) - start.astimezone(timezone.utc)


def _participants(value: Iterable[Participant]) -> tuple[Participant, ...]:
    if isinstance(value, (str, bytes, Participant)) or not isinstance(value, Iterable):
        raise InvalidBookingError(
            f"participants must be a list of Participants, got {type(value).__name__}",
            field="clients",
        )
    people = tuple(value)
    for person in people:
        if not isinstance(person, Participant):
            raise InvalidBookingError(
                f"participants must be Participants, got {type(person).__name__}",
                field="clients",
            )
    return people


def _recurrence(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise _fail("recurrence", "must be an RRULE text such as 'FREQ=WEEKLY;COUNT=4'")
    if len(value) > RULE_MAX:
        raise _fail("recurrence", f"at most {RULE_MAX} characters fit")


@attrs.frozen(kw_only=True)
class Booking:
    """An online booking as the host app has it.

    Attributes:
        id: The host app's booking id; one Zoom meeting per id and tenant.
        event_type: What kind of booking it is, with its location setting.
        host: The host (an app user: ``user_id`` is required).
        clients: Who booked: one or more participants.
        start: When it starts (timezone-aware).
        end: When it ends (timezone-aware, after ``start`` by whole minutes).
        title: The meeting topic (at most 200 characters).
        description: Text for the meeting's agenda.
        answers: What the client entered on the booking form, as (question, answer) pairs.
        tenant: The organisation (tenant) it belongs to.
        co_hosts: Further hosts of a collective booking (app users, like ``host``): every one
            must be free, and all of them are told and get the calendar event. The meeting is
            on ``host``'s connection; co-hosts in the same Zoom account become its alternative
            hosts, the others are invited.
        recurrence: For a recurring booking, its rule as iCalendar RRULE text (for instance
            ``"FREQ=WEEKLY;BYDAY=MO;COUNT=6"``); ``start`` and ``end`` are its first
            occurrence, and the rule is read on the host's wall clock.

    Raises:
        InvalidBookingError: For naive or reversed times, durations that are not whole minutes,
            unknown time zones, a host or co-host without ``user_id``, no clients, a co-host
            listed twice, or over-long fields.
    """

    id: str = attrs.field(validator=_text(ID_MAX))
    event_type: EventType = attrs.field(validator=lambda i, a, v: _kind(a, v, EventType))
    host: Participant = attrs.field(validator=lambda i, a, v: _kind(a, v, Participant))
    clients: tuple[Participant, ...] = attrs.field(converter=_participants)
    start: datetime = attrs.field(validator=_aware)
    end: datetime = attrs.field(validator=_aware)
    title: str = attrs.field(validator=_text(TOPIC_MAX))
    description: str = attrs.field(default="", validator=_text(DESCRIPTION_MAX, blank=True))
    answers: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_answers, validator=_check_answers
    )
    tenant: str = attrs.field(default=DEFAULT_TENANT, validator=_text(ID_MAX))
    co_hosts: tuple[Participant, ...] = attrs.field(default=(), converter=_participants)
    recurrence: str | None = attrs.field(default=None, validator=_recurrence)

    def __attrs_post_init__(self) -> None:
        if self.host.user_id is None:
            raise _fail("host.user_id", "the host must be an app user (give its user_id)")
        hosts = [self.host.user_id]
        for co_host in self.co_hosts:
            if co_host.user_id is None:
                raise _fail("co_hosts", f"co-host {co_host.name} must be an app user (user_id)")
            if co_host.user_id in hosts:
                raise _fail("co_hosts", f"{co_host.user_id!r} is listed as a host twice")
            hosts.append(co_host.user_id)
        if len(self.co_hosts) > CO_HOSTS_MAX:
            raise _fail("co_hosts", f"at most {CO_HOSTS_MAX} co-hosts fit on one meeting")
        if not self.clients:
            raise _fail("clients", "a booking needs at least one client")
        length = _elapsed(self.start, self.end)
        if length <= timedelta(0):
            raise _fail(
                "end",
                f"must be after start ({self.end.isoformat()} <= {self.start.isoformat()})",
            )
        if length % timedelta(minutes=1):
            raise _fail("end", f"the booking lasts {length}; Zoom takes whole minutes")

    @property
    def host_id(self) -> str:
        """The host's app user id."""
        assert self.host.user_id is not None  # checked on construction
        return self.host.user_id

    @property
    def duration_minutes(self) -> int:
        """The real length in whole minutes (right across daylight-saving switches)."""
        return _elapsed(self.start, self.end) // timedelta(minutes=1)

    @property
    def host_ids(self) -> tuple[str, ...]:
        """The app user ids of the host and every co-host, host first."""
        return (self.host_id, *(str(co_host.user_id) for co_host in self.co_hosts))


@attrs.frozen(kw_only=True)
class MeetingOccurrence:
    """One occurrence of a recurring booking's meeting.

    Attributes:
        occurrence_id: Zoom's occurrence id (its original start in epoch milliseconds).
        start: When it starts now (UTC).
        end: When it ends now (UTC).
        state: ``scheduled`` or ``cancelled``.
    """

    occurrence_id: str
    start: datetime = attrs.field(validator=_aware)
    end: datetime = attrs.field(validator=_aware)
    state: OccurrenceState = "scheduled"


@attrs.frozen(kw_only=True)
class MeetingRecord:
    """What zoomlink made for one booking, as kept in the store.

    Attributes:
        id: The record's id (the tenant and booking id).
        tenant: The tenant.
        booking_id: The host app's booking id.
        host_id: The host's app user id.
        event_type_id: The booking's event type.
        connection_id: The connection the meeting lives on.
        zoom_user: Whom the meeting was scheduled for: ``me`` or the member's e-mail.
        quota_user: The Zoom user whose daily create/update quota the meeting uses.
        marker: The short booking marker at the start of the meeting's agenda.
        state: ``pending``, ``scheduled`` or ``cancelled``.
        meeting_id: Zoom's meeting ID (``None`` while pending).
        join_url: The participants' link.
        password: The meeting passcode.
        topic: The meeting topic.
        start: The start as last sent to Zoom (UTC).
        end: The end as last sent to Zoom (UTC).
        timezone: The host's IANA time zone given to Zoom.
        recreated: How often the meeting had vanished from Zoom and was made again.
        announced: Whether the participants were told (and calendars written) for the
            current state; an interrupted call finishes the job on retry.
        created_at: When the record was first written.
        updated_at: When it last changed.
        version: Bumped on every write (compare-and-swap).
        recurrence: The RRULE text of a recurring booking's meeting (empty for one meeting).
        occurrences: A recurring meeting's occurrences, each with its own times and state.
        in_zoom: Whether the meeting was changed or deleted in Zoom by its host since
            zoomlink last wrote it (``as_booked``, ``changed``, ``deleted``).
        calendars: The app users whose calendars hold the booking's events.
    """

    id: str
    tenant: str
    booking_id: str
    host_id: str
    event_type_id: str
    connection_id: str
    zoom_user: str
    quota_user: str
    marker: str
    state: MeetingState
    meeting_id: int | None = None
    join_url: str = ""
    password: str = attrs.field(default="", repr=False)
    topic: str = ""
    start: datetime = attrs.field(validator=_aware)
    end: datetime = attrs.field(validator=_aware)
    timezone: str = ""
    recreated: int = 0
    announced: bool = False
    created_at: datetime = attrs.field(validator=_aware)
    updated_at: datetime = attrs.field(validator=_aware)
    version: int = 1
    recurrence: str = ""
    occurrences: tuple[MeetingOccurrence, ...] = ()
    in_zoom: InZoom = "as_booked"
    calendars: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class BookingOutcome:
    """What :meth:`~zoomlink.ZoomLink.schedule`, ``reschedule`` or ``cancel`` did.

    Attributes:
        booking_id: The booking.
        action: What happened (see :data:`BookingAction`).
        location: Where the booking takes place: ``zoom``, ``builtin`` or ``none``.
        record: The booking's meeting record after the call (``None`` when it has none).
        undelivered: Recipients (addresses) whose message or calendar event could not be
            delivered; the next call for the booking tries them again.
        retry_at: For ``pending``: when the kept work is due (the next 00:00 UTC for a spent
            daily quota, Zoom's Retry-After for a rate limit).
    """

    booking_id: str
    action: BookingAction
    location: Literal["zoom", "builtin", "none"]
    record: MeetingRecord | None = None
    undelivered: tuple[str, ...] = ()
    retry_at: datetime | None = None

    @property
    def join_url(self) -> str | None:
        """The participants' link, when there is a live meeting."""
        live = self._live()
        return live.join_url if live else None

    @property
    def meeting_id(self) -> int | None:
        """Zoom's meeting ID, when there is a live meeting."""
        live = self._live()
        return live.meeting_id if live else None

    @property
    def password(self) -> str | None:
        """The meeting passcode, when there is a live meeting."""
        live = self._live()
        return live.password if live else None

    def _live(self) -> MeetingRecord | None:
        if self.record is not None and self.record.state == "scheduled":
            return self.record
        return None


@attrs.frozen(kw_only=True)
class CalendarEvent:
    """One booking's event on one app user's calendar.

    Attributes:
        uid: Stable per booking (the same on every calendar), so updates replace it.
        tenant: The tenant.
        owner_id: The app user whose calendar holds it.
        booking_id: The booking.
        title: The event's title.
        start: When it starts.
        end: When it ends.
        time_zone: The owner's IANA time zone.
        location: The join URL.
        description: Join URL, meeting ID and passcode, in words.
        meeting_id: Zoom's meeting ID.
    """

    uid: str
    tenant: str
    owner_id: str
    booking_id: str
    title: str
    start: datetime = attrs.field(validator=_aware)
    end: datetime = attrs.field(validator=_aware)
    time_zone: str
    location: str
    description: str
    meeting_id: int
