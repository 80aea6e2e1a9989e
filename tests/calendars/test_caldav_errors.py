"""The CalDAV backends' failures are typed zoomlink errors that name what was wrong and never
carry the password; their configuration is checked up front."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import zoomlink.calendars
from tests.radicale import PASSWORD, Radicale
from zoomlink import (
    CalendarAuthError,
    CalendarDataError,
    CalendarError,
    CalendarNotFoundError,
    CalendarUnavailableError,
    ConfigurationError,
)
from zoomlink.calendars import AsyncCalDAVCalendarBackend, CalDAVCalendar, CalDAVCalendarBackend
from zoomlink.testing.contracts._sync.calendar_backend import T0, make_event

OWNER = ("t1", "u1")


@pytest.fixture
def backends() -> Iterator[list[CalDAVCalendarBackend]]:
    """Backends a test makes, closed after it."""
    made: list[CalDAVCalendarBackend] = []
    yield made
    for backend in made:
        backend.close()


def backend_for(
    made: list[CalDAVCalendarBackend], calendar: CalDAVCalendar
) -> CalDAVCalendarBackend:
    """A backend that maps the contract's owner u1 to ``calendar``."""
    backend = CalDAVCalendarBackend({OWNER: calendar})
    made.append(backend)
    return backend


def assert_fails_with(
    backend: CalDAVCalendarBackend, error: type[CalendarError], secret: str
) -> list[CalendarError]:
    """Each of put, remove and events raises ``error``; none of them shows ``secret``."""
    raised: list[CalendarError] = []
    calls: list[Callable[[], object]] = [
        lambda: backend.put_event(make_event()),
        lambda: backend.remove_event("t1", "u1", "b1"),
        lambda: backend.events("t1", "u1", start=T0),
    ]
    for call in calls:
        with pytest.raises(error) as caught:
            call()
        assert secret not in str(caught.value)
        assert secret not in repr(caught.value)
        assert caught.value.__cause__ is None or secret not in str(caught.value.__cause__)
        raised.append(caught.value)
    return raised


def test_an_unreachable_server_is_calendar_unavailable(
    backends: list[CalDAVCalendarBackend],
) -> None:
    """Nothing listening at the URL: CalendarUnavailableError naming the URL, not the password."""
    calendar = _unreachable()
    raised = assert_fails_with(
        backend_for(backends, calendar), CalendarUnavailableError, "s3cret-pw"
    )
    for error in raised:
        assert error.url == calendar.url
        assert calendar.url in str(error)


def test_a_wrong_password_is_an_auth_error(
    radicale: Radicale, backends: list[CalDAVCalendarBackend]
) -> None:
    """A password the server refuses: CalendarAuthError with the user name and 401, no password."""
    [good] = radicale.new_calendars([OWNER]).values()
    wrong = CalDAVCalendar(url=good.url, username="alice", password="not-the-password")
    for error in assert_fails_with(
        backend_for(backends, wrong), CalendarAuthError, "not-the-password"
    ):
        assert error.status == 401
        assert "'alice'" in str(error)


def test_a_missing_calendar_is_calendar_not_found(
    radicale: Radicale, backends: list[CalDAVCalendarBackend]
) -> None:
    """A URL with no calendar behind it: CalendarNotFoundError for writes, removes and reads."""
    missing = radicale.calendar("no-such-calendar")
    for error in assert_fails_with(backend_for(backends, missing), CalendarNotFoundError, PASSWORD):
        assert error.url == missing.url
        assert "no calendar at" in str(error)


def test_an_unreadable_event_is_a_data_error(
    radicale: Radicale, backends: list[CalDAVCalendarBackend]
) -> None:
    """An event on the calendar that claims to be zoomlink's but is malformed: CalendarDataError
    naming the resource at fault."""
    [calendar] = radicale.new_calendars([OWNER]).values()
    radicale.add_event(
        calendar,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//host//app//EN\r\nBEGIN:VEVENT\r\n"
        "UID:tampered\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:20260302T090000Z\r\n"
        "DTEND:20260302T100000Z\r\nX-ZOOMLINK-TENANT:t1\r\nX-ZOOMLINK-OWNER:u1\r\n"
        "X-ZOOMLINK-BOOKING:b1\r\nX-ZOOMLINK-MEETING:not-a-number\r\n"
        "X-ZOOMLINK-TIME-ZONE:UTC\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    with pytest.raises(CalendarDataError, match="not iCalendar zoomlink can read") as caught:
        backend_for(backends, calendar).events("t1", "u1")
    assert caught.value.url.startswith(calendar.url)
    assert caught.value.url.endswith(".ics")


def test_a_user_without_a_calendar_has_no_events(radicale: Radicale) -> None:
    """A mapping that gives None for a user: nothing is written, nothing is busy."""
    backend = CalDAVCalendarBackend(lambda tenant, owner_id: None)
    backend.put_event(make_event())
    assert backend.events("t1", "u1") == []
    assert backend.remove_event("t1", "u1", "b1") is False
    assert repr(backend) == "CalDAVCalendarBackend(clients=0)"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param(
            {"url": "https://bob:pw@dav.example.com/cal/"},
            "must not carry a user name",
            id="credentials-in-url",
        ),
        pytest.param({"url": "dav.example.com/cal/"}, "must be an http", id="no-scheme"),
        pytest.param({"url": "https://dav.example.com/cal"}, "ending in '/'", id="no-slash"),
        pytest.param(
            {"url": "https://dav.example.com/cal/", "time_zone": "Mars/Base"},
            "IANA time zone",
            id="bad-zone",
        ),
    ],
)
def test_a_bad_calendar_setting_is_a_configuration_error(
    settings: dict[str, str], message: str
) -> None:
    """CalDAVCalendar refuses a URL it cannot use safely, or an unknown time zone."""
    with pytest.raises(ConfigurationError, match=message) as caught:
        CalDAVCalendar(**settings)  # type: ignore[arg-type]
    assert "pw@" not in str(caught.value)


def test_the_password_is_not_in_the_repr() -> None:
    """A CalDAVCalendar's repr shows its URL and user, never its password."""
    calendar = CalDAVCalendar(
        url="https://dav.example.com/cal/", username="bob", password="hunter2"
    )
    assert "hunter2" not in repr(calendar)
    assert "bob" in repr(calendar)


def test_calendars_must_be_a_mapping_or_a_callable() -> None:
    """Anything but a mapping or a callable for ``calendars`` is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="as a mapping or a callable; got str"):
        CalDAVCalendarBackend("https://dav.example.com/cal/")  # type: ignore[arg-type]


def test_without_the_extra_the_caldav_names_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the caldav library missing, asking for a CalDAV name raises ConfigurationError
    saying which extra to install."""
    monkeypatch.delattr(zoomlink.calendars, "CalDAVCalendarBackend", raising=False)
    for module in ("zoomlink._sync._caldav_calendar", "zoomlink._caldav"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    for module in [name for name in sys.modules if name.split(".")[0] == "caldav"]:
        monkeypatch.setitem(sys.modules, module, None)  # what an import finds for a missing one
    with pytest.raises(ConfigurationError, match=r"pip install 'zoomlink\[caldav\]'"):
        zoomlink.calendars.CalDAVCalendarBackend  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        zoomlink.calendars.Nope  # noqa: B018


def _unreachable() -> CalDAVCalendar:
    """A calendar on a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return CalDAVCalendar(
        url=f"http://127.0.0.1:{port}/alice/work/",
        username="alice",
        password="s3cret-pw",
        timeout=2,
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("unreachable", CalendarUnavailableError),
        ("wrong-password", CalendarAuthError),
        ("missing", CalendarNotFoundError),
    ],
)
async def test_the_async_backend_fails_the_same_way(
    radicale: Radicale, kind: str, error: type[CalendarError]
) -> None:
    """The async backend raises the same typed errors as the sync one, without the password."""
    if kind == "unreachable":
        calendar = _unreachable()
    elif kind == "wrong-password":
        [good] = radicale.new_calendars([OWNER]).values()
        calendar = CalDAVCalendar(url=good.url, username="alice", password="s3cret-pw")
    else:
        calendar = radicale.calendar("no-such-calendar")
    backend = AsyncCalDAVCalendarBackend({OWNER: calendar})
    try:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: backend.put_event(make_event()),
            lambda: backend.remove_event("t1", "u1", "b1"),
            lambda: backend.events("t1", "u1", start=T0),
        ]
        for call in calls:
            with pytest.raises(error) as caught:
                await call()
            assert caught.value.url == calendar.url
            assert calendar.password is not None
            assert calendar.password not in str(caught.value)
    finally:
        await backend.aclose()


class _NotXML(BaseHTTPRequestHandler):
    """A server that answers every REPORT with a 207 whose body is not XML."""

    def do_REPORT(self) -> None:
        """Answer 207 with a body no XML parser reads."""
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<multistatus this is not xml"
        self.send_response(207)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


def test_an_answer_that_is_not_xml_is_a_data_error(backends: list[CalDAVCalendarBackend]) -> None:
    """A server that answers the REPORT with something other than XML: CalendarDataError."""
    server = HTTPServer(("127.0.0.1", 0), _NotXML)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        calendar = CalDAVCalendar(url=f"http://127.0.0.1:{server.server_port}/cal/")
        with pytest.raises(CalendarDataError, match="is not XML zoomlink can read") as caught:
            backend_for(backends, calendar).events("t1", "u1", start=T0)
        assert caught.value.url == calendar.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
