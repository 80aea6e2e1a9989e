"""Meetings and their occurrences: creating, changing, deleting, showing and listing them."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from ._directory import Directory
from ._errors import invalid_parameter, meeting_not_found
from ._ids import IdSource
from ._meeting_input import (
    check_fields,
    generate_password,
    meeting_settings_for,
    now_floor,
    raise_for,
    split_alternative_hosts,
)
from ._paging import Pager, PageRequest
from ._records import FakeUser
from ._recurrence import Errors, expand
from ._start_links import StartLinks
from ._timefmt import epoch_ms, format_utc

LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")
LIST_AGENDA_MAX = 250
EXPIRES_AFTER = timedelta(days=30)
LIST_HORIZON = timedelta(days=183)
DEFAULT_DURATION = 60


@attrs.define
class Occurrence:
    """One occurrence of a recurring meeting; its id is the epoch ms of its original start."""

    occurrence_id: str
    start_time: datetime
    duration: int
    deleted: bool = False

    def end(self) -> datetime:
        """When the occurrence ends."""
        return self.start_time + timedelta(minutes=self.duration)


@attrs.define
class Meeting:
    """A meeting as Zoom stores it; `start_time` is UTC (None for type 3)."""

    id: int
    uuid: str
    host_id: str
    host_email: str
    account_id: str
    topic: str
    type: int
    start_time: datetime | None
    duration: int
    timezone: str
    agenda: str
    password: str = attrs.field(repr=False)
    encrypted_password: str = attrs.field(repr=False)
    numeric_password: str = attrs.field(repr=False)
    embed_password: bool
    created_at: datetime
    settings: dict[str, Any]
    recurrence: dict[str, Any] | None
    occurrences: list[Occurrence]
    pre_schedule: bool = False
    tracking_fields: list[dict[str, str]] = attrs.Factory(list)
    # Instances ended early by ``PUT /meetings/{id}/status``: (start, scheduled end) -> ended.
    ended_early: dict[tuple[datetime, datetime], datetime] = attrs.Factory(dict)
    status: str = "waiting"
    started_at: datetime | None = None
    assistant_id: str = ""

    def live_occurrences(self) -> list[Occurrence]:
        """Occurrences not deleted."""
        return [o for o in self.occurrences if not o.deleted]

    def windows(self) -> list[tuple[datetime, datetime]]:
        """(start, end) of each time the meeting happens; none for type 3."""
        if self.type == 8:
            return [(o.start_time, o.end()) for o in self.live_occurrences()]
        if self.start_time is None:
            return []
        return [(self.start_time, self.start_time + timedelta(minutes=self.duration))]

    def shown_start(self, now: datetime) -> datetime | None:
        """The start time shown: a recurring meeting shows its next occurrence."""
        windows = self.windows()
        if self.type != 8 or not windows:
            return self.start_time
        upcoming = [start for start, end in windows if end > now]
        return upcoming[0] if upcoming else windows[-1][0]

    def join_url(self) -> str:
        """The participants' link (with the passcode embedded, if the host allows it)."""
        url = f"https://us05web.zoom.us/j/{self.id}"
        return (
            f"{url}?pwd={self.encrypted_password}" if self.password and self.embed_password else url
        )


class MeetingStore:
    """All meetings, keyed by meeting number; `directory` says who may be an alternative host."""

    def __init__(self, ids: IdSource, directory: Directory) -> None:
        self._ids = ids
        self._directory = directory
        self.meetings: dict[int, Meeting] = {}
        self._pager = Pager(ids)
        self.start_links = StartLinks(ids)

    def create(
        self,
        host: FakeUser,
        host_settings: Mapping[str, Any],
        body: Mapping[str, Any],
        now: datetime,
    ) -> Meeting:
        """A new meeting for `host` from a create body (400 code 300 when invalid)."""
        errors: Errors = []
        schedule = host_settings["schedule_meeting"]
        rules = host_settings["meeting_security"]["meeting_password_requirement"]
        required = bool(schedule["require_password_for_scheduled_meetings"])
        fields = check_fields(
            body,
            zone_name=host.timezone,
            password_rules=rules,
            password_required=required,
            errors=errors,
        )
        kind = fields.get("type", 2)
        if kind == 8 and body.get("recurrence") is None:
            errors.append(("recurrence", "Required for a recurring meeting with a fixed time."))
        raise_for(errors)
        self._check_alternative_hosts(host, fields)
        start: datetime | None = fields.get("start_time")
        if kind == 2 and start is None:
            kind = 1  # Zoom: a scheduled meeting without a start time becomes an instant one
        if kind == 1 or (kind == 8 and start is None):
            start = now_floor(now)
        if kind == 3:
            start = None
        password = fields.get("password")
        if password is None:
            wants_default = body.get("default_password", True)
            generate = wants_default and (
                required or schedule["default_password_for_scheduled_meetings"]
            )
            password = generate_password(self._ids, rules) if generate else ""
        settings = meeting_settings_for(host_settings)
        settings.update(fields.get("settings", {}))
        if settings["waiting_room"]:
            settings["join_before_host"] = False
        meeting_id = self._ids.meeting_id()
        while meeting_id in self.meetings:
            meeting_id = self._ids.meeting_id()
        meeting = Meeting(
            id=meeting_id,
            uuid=self._ids.uuid(),
            host_id=host.id,
            host_email=host.email,
            account_id=host.account_id,
            topic=fields.get("topic", "Zoom meeting"),
            type=kind,
            start_time=start,
            duration=fields.get("duration", DEFAULT_DURATION),
            timezone=fields.get("timezone", host.timezone),
            agenda=fields.get("agenda", ""),
            password=password,
            encrypted_password=self._ids.chars(_ALNUM, 32, "encrypted"),
            numeric_password=self._ids.digits(10, "numeric_password"),
            embed_password=bool(host_settings["meeting_security"]["embed_password_in_join_link"]),
            created_at=now_floor(now),
            settings=settings,
            recurrence=fields.get("recurrence") if kind in (3, 8) else None,
            occurrences=[],
            pre_schedule=fields.get("pre_schedule", False),
            tracking_fields=fields.get("tracking_fields", []),
        )
        self._schedule_occurrences(meeting)
        self.meetings[meeting.id] = meeting
        return meeting

    def by_uuid(self, ref: str) -> Meeting:
        """The meeting with this instance uuid, or else this number (404 code 3001)."""
        found = next((m for m in self.meetings.values() if m.uuid == ref), None)
        return found if found is not None else self.get(ref)

    def get(self, meeting_id: int | str) -> Meeting:
        """The meeting, else 404 code 3001."""
        try:
            number = int(meeting_id)
        except ValueError:
            raise meeting_not_found(meeting_id) from None
        meeting = self.meetings.get(number)
        if meeting is None:
            raise meeting_not_found(meeting_id)
        return meeting

    def occurrence(self, meeting: Meeting, occurrence_id: str) -> Occurrence:
        """A live occurrence, else 400 code 300 "Invalid parameter: occurrence_id."."""
        found = next(
            (o for o in meeting.live_occurrences() if o.occurrence_id == occurrence_id), None
        )
        if found is None:
            raise invalid_parameter("occurrence_id")
        return found

    def update(
        self,
        meeting: Meeting,
        body: Mapping[str, Any],
        occurrence_id: str | None,
        host_settings: Mapping[str, Any],
        now: datetime,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Apply a PATCH body; returns the changed fields (new, old) as the wire shows them.

        A ``start_time`` in the past is ignored, as Zoom documents.
        """
        errors: Errors = []
        security = host_settings["meeting_security"]
        fields = check_fields(
            body,
            zone_name=meeting.timezone,
            password_rules=security["meeting_password_requirement"],
            password_required=bool(
                host_settings["schedule_meeting"]["require_password_for_scheduled_meetings"]
            ),
            errors=errors,
        )
        needs_recurrence = fields.get("type") == 8 and meeting.recurrence is None
        if needs_recurrence and body.get("recurrence") is None:
            errors.append(("recurrence", "Required for a recurring meeting with a fixed time."))
        raise_for(errors)
        self._check_alternative_hosts(self._directory.users[meeting.host_id], fields)
        if fields.get("start_time") is not None and fields["start_time"] < now:
            del fields["start_time"]
        if occurrence_id is not None:
            return self._update_occurrence(meeting, occurrence_id, fields)
        before = self.render(meeting, now)
        for key in (
            "topic",
            "agenda",
            "duration",
            "timezone",
            "type",
            "start_time",
            "password",
            "tracking_fields",
        ):
            if key in fields:
                setattr(meeting, key, fields[key])
        if "password" in fields:
            meeting.encrypted_password = self._ids.chars(_ALNUM, 32, "encrypted")
        if "recurrence" in fields:
            meeting.recurrence = fields["recurrence"]
        if "settings" in fields:
            meeting.settings.update(fields["settings"])
            if meeting.settings["waiting_room"]:
                meeting.settings["join_before_host"] = False
        if meeting.type in (1, 2):
            meeting.recurrence = None
        if meeting.type == 3:
            meeting.start_time = None
        elif meeting.start_time is None:
            meeting.start_time = now_floor(now)
        timing = {"start_time", "duration", "timezone", "recurrence", "type"}
        if timing & fields.keys():
            self._schedule_occurrences(meeting)
        after = self.render(meeting, now)
        new: dict[str, Any] = {"id": meeting.id}
        old: dict[str, Any] = {"id": meeting.id}
        for key, value in after.items():
            if key == "settings":
                changed = {k: v for k, v in value.items() if before["settings"].get(k) != v}
                if changed:
                    new["settings"] = changed
                    old["settings"] = {k: before["settings"].get(k) for k in changed}
            elif before.get(key) != value and key not in ("occurrences", "join_url", "start_url"):
                new[key] = value
                old[key] = before.get(key)
        return new, old

    def _check_alternative_hosts(self, host: FakeUser, fields: dict[str, Any]) -> None:
        """Normalise ``alternative_hosts`` to a ``;``-joined list, else 400 code 1114 if one
        may not be an alternative host of `host` (an empty string clears the list)."""
        settings = fields.get("settings", {})
        if "alternative_hosts" in settings:
            refs = split_alternative_hosts(settings["alternative_hosts"])
            settings["alternative_hosts"] = ";".join(self._directory.alternative_hosts(host, refs))

    def _update_occurrence(
        self, meeting: Meeting, occurrence_id: str, fields: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        occurrence = self.occurrence(meeting, occurrence_id)
        before = _occurrence_json(occurrence)
        if "start_time" in fields:
            occurrence.start_time = fields["start_time"]
        if "duration" in fields:
            occurrence.duration = fields["duration"]
        meeting.occurrences.sort(key=lambda o: o.start_time)
        new = {"id": meeting.id, "occurrences": [_occurrence_json(occurrence)]}
        return new, {"id": meeting.id, "occurrences": [before]}

    def delete(self, meeting: Meeting, occurrence_id: str | None) -> Occurrence | None:
        """Delete the meeting, or only one occurrence of it (returned)."""
        if occurrence_id is None:
            del self.meetings[meeting.id]
            return None
        occurrence = self.occurrence(meeting, occurrence_id)
        occurrence.deleted = True
        return occurrence

    def delete_hosted_by(self, user_id: str) -> None:
        """Forget every meeting of a deleted user."""
        for meeting_id in [m.id for m in self.meetings.values() if m.host_id == user_id]:
            del self.meetings[meeting_id]

    def render(
        self,
        meeting: Meeting,
        now: datetime,
        *,
        occurrence_id: str | None = None,
        show_previous: bool = False,
        fresh_start_url: bool = False,
    ) -> dict[str, Any]:
        """The meeting as ``GET /v2/meetings/{id}`` shows it; its ``start_url`` is the one
        issued last unless `fresh_start_url` asks for a new one (as Zoom's GET gives)."""
        start = meeting.shown_start(now)
        duration = meeting.duration
        if occurrence_id is not None:
            occurrence = self.occurrence(meeting, occurrence_id)
            start, duration = occurrence.start_time, occurrence.duration
        body: dict[str, Any] = {
            "uuid": meeting.uuid,
            "id": meeting.id,
            "host_id": meeting.host_id,
            "host_email": meeting.host_email,
            "assistant_id": meeting.assistant_id,
            "topic": meeting.topic,
            "type": meeting.type,
            "status": meeting.status,
        }
        if start is not None:
            body["start_time"] = format_utc(start)
        body.update(
            duration=duration,
            timezone=meeting.timezone,
            agenda=meeting.agenda,
            created_at=format_utc(meeting.created_at),
            start_url=(self.start_links.issue if fresh_start_url else self.start_links.latest)(
                meeting.id, meeting.host_id, meeting.account_id, now
            ),
            join_url=meeting.join_url(),
            password=meeting.password,
        )
        if meeting.password:
            body.update(
                h323_password=meeting.numeric_password,
                pstn_password=meeting.numeric_password,
                encrypted_password=meeting.encrypted_password,
            )
        body.update(settings=copy.deepcopy(meeting.settings), pre_schedule=meeting.pre_schedule)
        if meeting.tracking_fields:
            body["tracking_fields"] = [dict(f, visible=True) for f in meeting.tracking_fields]
        body["creation_source"] = "open_api"
        if meeting.recurrence is not None:
            body["recurrence"] = dict(meeting.recurrence)
        if meeting.type == 8:
            body["occurrences"] = [
                _occurrence_json(o)
                for o in meeting.live_occurrences()
                if show_previous or o.end() > now or o.occurrence_id == occurrence_id
            ]
        return body

    def summary(self, meeting: Meeting, now: datetime) -> dict[str, Any]:
        """The meeting as ``GET /v2/users/{id}/meetings`` lists it."""
        body: dict[str, Any] = {
            "uuid": meeting.uuid,
            "id": meeting.id,
            "host_id": meeting.host_id,
            "topic": meeting.topic,
            "type": meeting.type,
        }
        start = meeting.shown_start(now)
        if start is not None:
            body["start_time"] = format_utc(start)
        body.update(
            duration=meeting.duration,
            timezone=meeting.timezone,
            agenda=meeting.agenda[:LIST_AGENDA_MAX],
            created_at=format_utc(meeting.created_at),
            join_url=meeting.join_url(),
        )
        return body

    def list_page(
        self, user_id: str, list_type: str, request: PageRequest, now: datetime
    ) -> dict[str, Any]:
        """One page of a user's meetings (the list type already checked)."""
        matching = self.listed(user_id, list_type, now)
        page, fields = self._pager.page((user_id, list_type), matching, request, now)
        return {**fields, "meetings": [self.summary(m, now) for m in page]}

    def listed(self, user_id: str, list_type: str, now: datetime) -> list[Meeting]:
        """A user's meetings in a list of this type, in start order."""
        return sorted(
            (
                m
                for m in self.meetings.values()
                if m.host_id == user_id and _listed(m, list_type, now)
            ),
            key=lambda m: (m.shown_start(now) or m.created_at, m.id),
        )

    def _schedule_occurrences(self, meeting: Meeting) -> None:
        if meeting.type != 8 or meeting.recurrence is None or meeting.start_time is None:
            meeting.occurrences = []
            return
        starts = expand(meeting.recurrence, meeting.start_time, ZoneInfo(meeting.timezone))
        meeting.occurrences = [
            Occurrence(str(epoch_ms(start)), start, meeting.duration) for start in starts
        ]


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _occurrence_json(occurrence: Occurrence) -> dict[str, Any]:
    return {
        "occurrence_id": occurrence.occurrence_id,
        "start_time": format_utc(occurrence.start_time),
        "duration": occurrence.duration,
        "status": "available",
    }


def _listed(meeting: Meeting, list_type: str, now: datetime) -> bool:
    """Whether `meeting` belongs in a list of this type (instant meetings never do)."""
    if meeting.type == 1 or list_type == "live":
        return False
    windows = meeting.windows()
    if meeting.type == 3:
        return list_type in ("scheduled", "upcoming", "upcoming_meetings")
    if not windows:
        return False
    if list_type == "scheduled":
        return windows[-1][0] + EXPIRES_AFTER > now
    if list_type == "previous_meetings":
        return any(now - LIST_HORIZON < end <= now for _, end in windows)
    return any(end > now and start < now + LIST_HORIZON for start, end in windows)
