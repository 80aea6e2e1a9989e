"""The example booking site's whole path, driven through a framework's test client.

Both example apps (FastAPI and Django) serve the same pages at the same URLs, so one scenario
drives either: each test gives it a :class:`Visitor` over its framework's test client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

import attrs

from zoomlink.testing import FakeZoom

SITE_URL = "http://testserver"
Webhook = tuple[dict[str, str], bytes]


@attrs.frozen
class Page:
    """What the site answered."""

    status: int
    text: str
    location: str = ""


class Visitor(Protocol):
    """One browser on the site: its cookies persist between requests."""

    def get(self, path: str) -> Page: ...

    def post(self, path: str, data: dict[str, str]) -> Page: ...

    def post_webhook(self, path: str, body: bytes, headers: dict[str, str]) -> Page: ...


def path_of(url: str) -> str:
    """The path and query of a URL, as a test client takes it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def field_values(page: Page, name: str) -> list[str]:
    """The values of the form inputs called ``name`` (slots, connection ids)."""
    return re.findall(rf'name="{name}" value="([^"]*)"', page.text)


def follow(visitor: Visitor, page: Page) -> Page:
    """The page a redirect leads to."""
    assert page.status in (302, 303), (page.status, page.text[:500])
    return visitor.get(path_of(page.location))


def connect(visitor: Visitor, fake: FakeZoom, start: str, zoom_user: str) -> Page:
    """Press a connect link, sign in on the fake Zoom's consent page and Authorize; returns
    the site's callback answer (not followed)."""
    to_zoom = visitor.get(start)
    assert to_zoom.status == 302, to_zoom.text[:500]
    callback = fake.approve(to_zoom.location, zoom_user)
    assert callback.startswith(f"{SITE_URL}/zoom/callback?")
    return visitor.get(path_of(callback))


def zoom_meetings(fake: FakeZoom) -> list[datetime]:
    """The start times of the meetings in the fake Zoom."""
    return sorted(
        datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
        for meeting in fake.meetings()
    )


def whole_path(
    visitor: Visitor, fake: FakeZoom, webhooks: list[Webhook], other: Callable[[], Visitor]
) -> None:
    """Connect, book, a refused double booking, reschedule, cancel, disconnect, uninstall."""
    home = visitor.get("/")
    assert home.status == 200
    assert "Olivia Owner" in home.text

    # Olivia signs in and connects her own Zoom account on Zoom's consent page.
    settings = follow(visitor, visitor.post("/signin", {"user_id": "olivia"}))
    assert "Not connected" in settings.text
    callback = connect(visitor, fake, "/zoom/connect", "u_owner")
    assert callback.location.endswith("/settings?zoom=connected")
    settings = follow(visitor, callback)
    assert "Zoom is connected." in settings.text
    assert "owner@example.com" in settings.text

    # "consult" follows her default conferencing, the site's built-in calls until she picks Zoom;
    # "intro" is set to Zoom, and can be switched.
    assert _location(settings, "Consultation") == "builtin"
    settings = follow(visitor, visitor.post("/settings/default", {"choice": "zoom"}))
    assert "default conferencing is saved" in settings.text
    assert _location(settings, "Consultation") == "zoom"
    settings = follow(visitor, visitor.post("/settings/event-types/intro", {"location": "none"}))
    assert _location(settings, "Intro call") == "none"
    settings = follow(visitor, visitor.post("/settings/event-types/intro", {"location": "zoom"}))
    assert _location(settings, "Intro call") == "zoom"

    # The same callback again (a replayed state) is a readable 400 page, not a traceback.
    first_query = fake.approve(visitor.get("/zoom/connect").location, "u_owner")
    assert visitor.get(path_of(first_query)).status == 303
    replayed = visitor.get(path_of(first_query))
    assert replayed.status == 400
    assert "already used" in replayed.text
    assert "Traceback" not in replayed.text
    forged = visitor.get("/zoom/callback?code=abc&state=forged")
    assert forged.status == 400
    assert "not one this site made" in forged.text

    # As the organisation's owner she connects its Zoom account too; Max is served by it.
    org = follow(visitor, connect(visitor, fake, "/zoom/connect/organization", "u_owner"))
    assert "Zoom is connected." in org.text
    assert re.search(r"<td>max</td><td>yes</td><td>organization</td><td>active</td>", org.text)
    max_visitor = other()
    max_visitor.post("/signin", {"user_id": "max"})
    refused = max_visitor.get("/zoom/connect/organization")
    assert refused.status == 403
    assert "owners and admins" in refused.text

    # A client books the first free time: one Zoom meeting, its link on the confirmation.
    slots = field_values(visitor.get("/book/olivia/intro"), "start")
    assert len(slots) >= 3
    form = {"start": slots[0], "name": "Carl", "email": "carl@example.net"}
    booked = visitor.post("/book/olivia/intro", form)
    booking = path_of(booked.location).split("?")[0]
    confirmation = follow(visitor, booked)
    assert "Booked!" in confirmation.text
    assert 'id="join-url"' in confirmation.text
    assert zoom_meetings(fake) == [datetime.fromisoformat(slots[0])]

    # Another client who picked the same time on a page loaded earlier is refused, readably.
    same = visitor.post("/book/olivia/intro", {**form, "name": "Dora", "email": "d@example.net"})
    assert same.status == 409
    assert "Sorry, that time is no longer free" in same.text
    assert len(fake.meetings()) == 1

    # Carl moves the booking: the same meeting moves.
    moved = follow(visitor, visitor.post(f"{booking}/reschedule", {"start": slots[2]}))
    assert "The booking was moved" in moved.text
    assert zoom_meetings(fake) == [datetime.fromisoformat(slots[2])]

    # Carl cancels: the meeting is deleted in Zoom.
    cancelled = follow(visitor, visitor.post(f"{booking}/cancel", {}))
    assert "Cancelled" in cancelled.text
    assert 'id="join-url"' not in cancelled.text
    assert fake.meetings() == []

    # Olivia disconnects her Zoom: the links of her bookings are no longer shown.
    again = path_of(visitor.post("/book/olivia/intro", {**form, "start": slots[1]}).location)
    assert 'id="join-url"' in visitor.get(again).text
    personal_id = field_values(visitor.get("/settings"), "connection_id")[0]
    after = follow(visitor, visitor.post("/settings/disconnect", {"connection_id": personal_id}))
    assert "Zoom is disconnected" in after.text
    assert re.search(r'<section id="zoom">.*Not connected', after.text, re.DOTALL)
    assert 'id="join-url"' not in visitor.get(again).text

    # The organisation's Zoom owner removes the app in Zoom: Zoom's webhook reaches the site,
    # and the organisation's connection no longer serves anyone.
    webhooks.clear()
    fake.uninstall("u_owner", "fake-admin-app")
    (headers, body) = next(hook for hook in webhooks if b"app_deauthorized" in hook[1])
    answer = visitor.post_webhook("/zoom/webhooks", body, headers)
    assert answer.status == 200
    assert "purged 1 connection" in answer.text
    settings = visitor.get("/settings")
    assert not re.search(r"<td>max</td><td>yes</td>", settings.text)
    assert re.search(r"<td>max</td><td>no</td>", settings.text)


def _location(settings: Page, event_type: str) -> str:
    """Where the settings page says bookings of ``event_type`` take place now."""
    found = re.search(rf"{event_type} \(30 min\)</a> — bookings get: <strong>(\w+)<", settings.text)
    assert found, settings.text
    return found.group(1)


def refuses_bad_input(visitor: Visitor) -> None:
    """Unknown hosts and event types are 404 pages; a start that is no time is a 400."""
    assert visitor.get("/book/olivia/no-such-type").status == 404
    assert visitor.get("/book/nobody/intro").status == 404
    form = {"start": "tomorrow", "name": "Carl", "email": "carl@example.net"}
    assert visitor.post("/book/olivia/intro", form).status == 400
