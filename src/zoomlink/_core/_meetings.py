"""Zoom's meetings endpoints: create, get, update, delete and list, with Zoom's field rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from zoomlink._core._http import ZoomRequest, ZoomResponse, bearer, decode_json, response_error
from zoomlink._core._users import user_path
from zoomlink.errors import InvalidInputError
from zoomlink.models import Endpoints, Meeting, MeetingFields, MeetingPage, Occurrence

LIST_PAGE_MAX = 300


def zoom_time(when: datetime, what: str = "start") -> str:
    """``when`` as Zoom's UTC form ``YYYY-MM-DDTHH:MM:SSZ``; naive datetimes are refused."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidInputError(
            f"{what} must be timezone-aware, got naive {when.isoformat()}: "
            "zoomlink never guesses a time zone"
        )
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_zoom_time(value: str) -> datetime:
    """A Zoom ``start_time`` (UTC with ``Z``, or with an offset) as an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def meeting_json(fields: MeetingFields) -> dict[str, Any]:
    """The JSON body for ``fields``: only what is set, times in Zoom's UTC form."""
    body: dict[str, Any] = {}
    if fields.topic is not None:
        body["topic"] = fields.topic
    if fields.start is not None:
        body["start_time"] = zoom_time(fields.start)
    if fields.duration_minutes is not None:
        body["duration"] = fields.duration_minutes
    if fields.timezone is not None:
        body["timezone"] = fields.timezone
    if fields.agenda is not None:
        body["agenda"] = fields.agenda
    if fields.password is not None:
        body["password"] = fields.password
    if fields.settings is not None:
        body["settings"] = dict(fields.settings)
    if fields.recurrence is not None:
        body["recurrence"] = dict(fields.recurrence)
    return body


def _meeting_url(endpoints: Endpoints, meeting_id: int) -> str:
    return f"{endpoints.api_base_url}/v2/meetings/{int(meeting_id)}"


def _occurrence_params(occurrence_id: str | None) -> tuple[tuple[str, str], ...]:
    return (("occurrence_id", occurrence_id),) if occurrence_id else ()


def build_create_meeting(
    endpoints: Endpoints, token: str, fields: MeetingFields, *, user: str = "me"
) -> ZoomRequest:
    """``POST /v2/users/{user}/meetings``: a scheduled meeting (type 8 with a recurrence)."""
    if fields.start is None or fields.duration_minutes is None:
        raise InvalidInputError("a scheduled meeting needs a start and a duration")
    body = meeting_json(fields)
    body["type"] = 8 if fields.recurrence is not None else 2
    return ZoomRequest(
        method="POST",
        url=f"{endpoints.api_base_url}/v2/users/{user_path(user)}/meetings",
        route="meetings.create",
        headers=bearer(token),
        json=body,
        secrets=(token,),
    )


def build_get_meeting(
    endpoints: Endpoints, token: str, meeting_id: int, *, occurrence_id: str | None = None
) -> ZoomRequest:
    """``GET /v2/meetings/{id}``."""
    return ZoomRequest(
        method="GET",
        url=_meeting_url(endpoints, meeting_id),
        route="meetings.get",
        headers=bearer(token),
        params=_occurrence_params(occurrence_id),
        secrets=(token,),
    )


def build_update_meeting(
    endpoints: Endpoints,
    token: str,
    meeting_id: int,
    fields: MeetingFields,
    *,
    occurrence_id: str | None = None,
) -> ZoomRequest:
    """``PATCH /v2/meetings/{id}``: only the fields that are set are sent."""
    return ZoomRequest(
        method="PATCH",
        url=_meeting_url(endpoints, meeting_id),
        route="meetings.update",
        headers=bearer(token),
        params=_occurrence_params(occurrence_id),
        json=meeting_json(fields),
        secrets=(token,),
    )


def build_delete_meeting(
    endpoints: Endpoints,
    token: str,
    meeting_id: int,
    *,
    occurrence_id: str | None = None,
    notify_host: bool = False,
) -> ZoomRequest:
    """``DELETE /v2/meetings/{id}``; Zoom e-mails the host only when ``notify_host``."""
    params = (
        *_occurrence_params(occurrence_id),
        ("schedule_for_reminder", "true" if notify_host else "false"),
    )
    return ZoomRequest(
        method="DELETE",
        url=_meeting_url(endpoints, meeting_id),
        route="meetings.delete",
        headers=bearer(token),
        params=params,
        secrets=(token,),
    )


def build_list_meetings(
    endpoints: Endpoints,
    token: str,
    *,
    user: str = "me",
    type: str = "upcoming",
    page_size: int = LIST_PAGE_MAX,
    next_page_token: str = "",
) -> ZoomRequest:
    """``GET /v2/users/{user}/meetings``: one page."""
    if not 1 <= page_size <= LIST_PAGE_MAX:
        raise InvalidInputError(f"page_size must be 1 to {LIST_PAGE_MAX}, got {page_size}")
    params: tuple[tuple[str, str], ...] = (("type", type), ("page_size", str(page_size)))
    if next_page_token:
        params = (*params, ("next_page_token", next_page_token))
    return ZoomRequest(
        method="GET",
        url=f"{endpoints.api_base_url}/v2/users/{user_path(user)}/meetings",
        route="meetings.list",
        headers=bearer(token),
        params=params,
        secrets=(token,),
    )


def meeting_from_json(data: Mapping[str, Any]) -> Meeting:
    """A :class:`Meeting` from Zoom's meeting JSON; raises ``KeyError``/``ValueError`` if it
    lacks what Zoom documents."""
    meeting_id = data["id"]
    if isinstance(meeting_id, bool) or not isinstance(meeting_id, (int, str)):
        raise ValueError("id")
    start_time = data.get("start_time")
    occurrences = tuple(
        Occurrence(
            occurrence_id=str(item["occurrence_id"]),
            start=parse_zoom_time(str(item["start_time"])),
            duration_minutes=int(item.get("duration") or data.get("duration") or 0),
            status=str(item.get("status") or "available"),
        )
        for item in data.get("occurrences") or ()
    )
    return Meeting(
        id=int(meeting_id),
        topic=str(data.get("topic") or ""),
        type=int(data.get("type") or 2),
        start=parse_zoom_time(start_time) if isinstance(start_time, str) and start_time else None,
        duration_minutes=int(data.get("duration") or 0),
        timezone=str(data.get("timezone") or ""),
        join_url=str(data["join_url"]),
        password=str(data.get("password") or ""),
        start_url=str(data.get("start_url") or ""),
        agenda=str(data.get("agenda") or ""),
        host_id=str(data.get("host_id") or ""),
        uuid=str(data.get("uuid") or ""),
        occurrences=occurrences,
    )


def decode_meeting(request: ZoomRequest, response: ZoomResponse, now: datetime) -> Meeting:
    """The meeting in a successful create or get answer."""
    data: Any = decode_json(request, response, now)
    if not isinstance(data, dict):
        raise response_error(request, response, "a JSON object")
    try:
        return meeting_from_json(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise response_error(request, response, f"a readable meeting ({exc})") from None


def decode_no_content(request: ZoomRequest, response: ZoomResponse, now: datetime) -> None:
    """Check an answer that carries no body (Zoom's 204 on update and delete)."""
    decode_json(request, response, now)


def decode_meeting_page(request: ZoomRequest, response: ZoomResponse, now: datetime) -> MeetingPage:
    """The meetings and paging token of one list answer."""
    data: Any = decode_json(request, response, now)
    if not isinstance(data, dict) or not isinstance(data.get("meetings", []), list):
        raise response_error(request, response, "a meetings list")
    try:
        meetings = tuple(meeting_from_json(item) for item in data.get("meetings", []))
    except (KeyError, ValueError, TypeError) as exc:
        raise response_error(request, response, f"readable meetings ({exc})") from None
    return MeetingPage(
        meetings=meetings,
        next_page_token=str(data.get("next_page_token") or ""),
        total_records=int(data.get("total_records") or len(meetings)),
    )
