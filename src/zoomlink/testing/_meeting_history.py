"""A meeting's past and its invitation: ``GET /past_meetings/{id}``, ``PUT .../status``,
``GET /meetings/{id}/invitation``.

The fake has no Zoom clients joining, so "held" follows the clock: an instance of a meeting
counts as held once its scheduled end has passed (as if the host started it on time and let
it run), or once ``PUT /meetings/{id}/status`` ``{"action": "end"}`` ended it while it was
scheduled to be running. Until then ``GET /past_meetings/{id}`` answers 404 code 3001, as
Zoom does for a meeting that has not taken place.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ._directory import Directory
from ._errors import api_error
from ._meetings_state import Meeting
from ._timefmt import format_utc


def end_now(meeting: Meeting, now: datetime) -> None:
    """``action: end``: the instance scheduled to be running now ends now (else no change)."""
    for start, end in meeting.windows():
        if start <= now < end and (start, end) not in meeting.ended_early:
            meeting.ended_early[(start, end)] = now
            return


def held_instances(meeting: Meeting, now: datetime) -> list[tuple[datetime, datetime]]:
    """(start, end) of each instance held by `now`, oldest first."""
    held = []
    for start, end in meeting.windows():
        ended = meeting.ended_early.get((start, end), end)
        if ended <= now:
            held.append((start, ended))
    return held


def past_meeting_json(
    meeting: Meeting, directory: Directory, now: datetime, ref: str
) -> dict[str, object]:
    """The latest held instance as ``GET /past_meetings/{meetingId}`` shows it (else 404)."""
    held = held_instances(meeting, now)
    if not held:
        raise api_error(404, 3001, f"Meeting does not exist: {ref}.")
    start, end = held[-1]
    host = directory.users[meeting.host_id]
    minutes = int((end - start) / timedelta(minutes=1))
    return {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "type": meeting.type,
        "topic": meeting.topic,
        "user_name": f"{host.first_name} {host.last_name}".strip() or host.email,
        "user_email": host.email,
        "start_time": format_utc(start),
        "end_time": format_utc(end),
        "duration": minutes,
        "total_minutes": minutes,
        "participants_count": 1,
        "dept": "",
        "source": "Zoom",
    }


def invitation_json(meeting: Meeting, directory: Directory, now: datetime) -> dict[str, object]:
    """``GET /meetings/{id}/invitation``: Zoom's invitation text (the sample's layout)."""
    host = directory.users[meeting.host_id]
    name = f"{host.first_name} {host.last_name}".strip() or host.email
    number = str(meeting.id)
    spaced = f"{number[:3]} {number[3:-4]} {number[-4:]}"
    lines = [f"{name} is inviting you to a scheduled Zoom meeting.", "", f"Topic: {meeting.topic}"]
    start = meeting.shown_start(now)
    if start is not None:
        local = start.astimezone(ZoneInfo(meeting.timezone))
        lines.append(f"Time: {local:%b %d, %Y %I:%M %p} {meeting.timezone}")
    lines += ["", "Join Zoom Meeting", meeting.join_url(), "", f"Meeting ID: {spaced}"]
    if meeting.password:
        lines.append(f"Passcode: {meeting.password}")
    return {"invitation": "\r\n".join(lines) + "\r\n", "sip_links": []}
