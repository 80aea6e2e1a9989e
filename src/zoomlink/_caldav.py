"""What the CalDAV backends share: the calendar a user maps to, the caldav clients, the
calendar-query they send, and how the server's failures become zoomlink errors.

Importing this module needs the ``caldav`` extra; :mod:`zoomlink.calendars` imports it only
when a CalDAV name is asked for, and turns a missing extra into a ConfigurationError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TypeAlias
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from caldav.async_davclient import AsyncDAVClient
from caldav.davclient import DAVClient
from caldav.elements import cdav, dav
from caldav.elements.base import BaseElement
from caldav.lib import error as caldav_errors

from zoomlink.errors import (
    CalendarAuthError,
    CalendarDataError,
    CalendarError,
    CalendarNotFoundError,
    CalendarUnavailableError,
    ConfigurationError,
)

__all__ = [
    "AsyncDAVClient",
    "CalDAVCalendar",
    "CalendarMap",
    "DAVClient",
    "calendar_lookup",
    "calendar_query",
    "exists_query",
    "failures_named",
    "object_url",
    "raise_for_status",
]

ICS_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}
XML_HEADERS = {"Content-Type": "application/xml; charset=utf-8"}
PROPFIND_HEADERS = {**XML_HEADERS, "Depth": "0"}


def _calendar_url(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """An absolute http(s) URL of a collection, with no credentials in it."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"CalDAVCalendar.url must be an http(s) URL, got {value!r}")
    if parts.username is not None or parts.password is not None:
        # The URL appears in errors and logs; the password must not.
        raise ConfigurationError(
            "CalDAVCalendar.url must not carry a user name or password; "
            "give them as username= and password="
        )
    if not value.endswith("/"):
        raise ConfigurationError(
            f"CalDAVCalendar.url must name the calendar collection, ending in '/': {value!r}"
        )


def _zone_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """A time zone name the IANA database knows."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"CalDAVCalendar.time_zone must be an IANA time zone name, got {value!r}"
        ) from None


@attrs.frozen(kw_only=True)
class CalDAVCalendar:
    """One app user's calendar on a CalDAV server, and how to sign in to it.

    Attributes:
        url: The calendar collection's URL, ending in ``/`` (for example
            ``https://cloud.example.com/remote.php/dav/calendars/alice/personal/``).
        username: The user name to sign in with (HTTP Basic or Digest, as the server asks).
        password: The password, often an app password; never shown in reprs or errors.
        time_zone: The IANA time zone all-day and floating events on this calendar are read
            in (the user's own); ``UTC`` by default.
        timeout: Seconds to wait for the server on each request.
    """

    url: str = attrs.field(validator=_calendar_url)
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    time_zone: str = attrs.field(default="UTC", validator=_zone_name)
    timeout: int = 10

    @property
    def zone(self) -> ZoneInfo:
        """:attr:`time_zone` as a ZoneInfo."""
        return ZoneInfo(self.time_zone)


CalendarMap: TypeAlias = (
    "Callable[[str, str], CalDAVCalendar | None] | Mapping[tuple[str, str], CalDAVCalendar]"
)


def calendar_lookup(calendars: CalendarMap) -> Callable[[str, str], CalDAVCalendar | None]:
    """``(tenant, owner_id) -> calendar`` from a mapping or a callable (None: no calendar)."""
    if isinstance(calendars, Mapping):
        table = dict(calendars)
        return lambda tenant, owner_id: table.get((tenant, owner_id))
    if callable(calendars):
        return calendars
    raise ConfigurationError(
        "calendars must map (tenant, owner_id) to a CalDAVCalendar, as a mapping or a callable; "
        f"got {type(calendars).__name__}"
    )


def object_url(calendar: CalDAVCalendar, uid: str) -> str:
    """Where the event with ``uid`` lives on the calendar: a name derived from the uid alone,
    so a put replaces and a remove finds it without asking the server first."""
    digest = hashlib.sha256(uid.encode("utf-8")).hexdigest()[:40]
    return urljoin(calendar.url, f"zoomlink-{digest}.ics")


def calendar_query(start: datetime | None, end: datetime | None) -> str:
    """A calendar-query REPORT body (RFC 4791 7.8) asking for every VEVENT object that has
    time in ``[start, end)``, with its data; no time-range when neither bound is given."""
    events: BaseElement = cdav.CompFilter("VEVENT")
    if start is not None or end is not None:
        events += cdav.TimeRange(start, end)
    properties = dav.Prop() + dav.GetEtag() + cdav.CalendarData()
    query = (
        cdav.CalendarQuery()
        + properties
        + (cdav.Filter() + (cdav.CompFilter("VCALENDAR") + events))
    )
    return str(query)


def exists_query() -> str:
    """A PROPFIND body asking only for the resource type: does the collection exist?"""
    return str(dav.Propfind() + (dav.Prop() + dav.ResourceType()))


@contextmanager
def failures_named(calendar: CalDAVCalendar, doing: str) -> Iterator[None]:
    """Turn what the caldav client raises while ``doing`` something on ``calendar`` into a
    zoomlink CalendarError naming the calendar URL (the client's own messages may quote
    request details, so only the exception's kind is kept)."""
    url = calendar.url
    try:
        yield
    except CalendarError:
        raise
    except caldav_errors.AuthorizationError as failure:
        status = _status_of(failure)
        raise CalendarAuthError(
            f"{doing}: the CalDAV server refused user {calendar.username!r} on {url} "
            f"({status or 'no answer'}); check the user name and (app) password",
            url=url,
            status=status,
        ) from None
    except caldav_errors.NotFoundError:
        raise CalendarNotFoundError(f"{doing}: no calendar at {url}", url=url, status=404) from None
    except caldav_errors.DAVError as failure:
        status = _status_of(failure)
        raise CalendarError(
            f"{doing}: the CalDAV server at {url} failed ({type(failure).__name__}, "
            f"status {status})",
            url=url,
            status=status,
        ) from None
    except SyntaxError as failure:  # lxml's parse errors, on an answer that is not XML
        raise CalendarDataError(
            f"{doing}: the answer from {url} is not XML zoomlink can read "
            f"({type(failure).__name__})",
            url=url,
        ) from None
    except OSError as failure:
        # The HTTP layer's connection errors and timeouts are OSErrors.
        raise CalendarUnavailableError(
            f"{doing}: the CalDAV server at {url} could not be reached ({type(failure).__name__})",
            url=url,
        ) from None


def raise_for_status(calendar: CalDAVCalendar, doing: str, status: int) -> None:
    """Raise the CalendarError for a status the caller did not expect."""
    url = calendar.url
    if status in (404, 409, 410):
        # 409: a PUT whose parent collection does not exist (RFC 4918 9.7.1).
        raise CalendarNotFoundError(f"{doing}: no calendar at {url}", url=url, status=status)
    if status in (401, 403):
        raise CalendarAuthError(
            f"{doing}: the CalDAV server refused user {calendar.username!r} on {url} ({status})",
            url=url,
            status=status,
        )
    if status in (400, 412, 415, 422):
        raise CalendarDataError(
            f"{doing}: the CalDAV server at {url} refused the event as malformed ({status})",
            url=url,
            status=status,
        )
    raise CalendarError(
        f"{doing}: the CalDAV server at {url} answered {status}", url=url, status=status
    )


def _status_of(failure: caldav_errors.DAVError) -> int | None:
    status = getattr(failure, "status", None)
    return status if isinstance(status, int) else None
