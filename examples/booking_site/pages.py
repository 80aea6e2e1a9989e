"""The booking site's pages: plain server-rendered HTML with a little CSS.

Every value put into a page is escaped. ``form`` is what each app adds inside its forms (a
Django CSRF token; nothing for FastAPI, whose demo has no cookie-based forms to protect beyond
the sign-in cookie).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from zoomlink import (
    ConferencingChoice,
    ConnectedUser,
    Connection,
    ConnectionStatus,
    EventType,
    MeetingRecord,
    Slot,
)

from .data import LOCATIONS, SiteBooking, User

STYLE = """
body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222;
line-height:1.45}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ddd}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}a{color:#0b5cad}
section{border:1px solid #e3e3e3;border-radius:6px;padding:.4em 1em 1em;margin:1em 0}
.message{background:#eef6ff;border:1px solid #b6d4fe;padding:.6em 1em;border-radius:6px}
.error{background:#fff1f0;border-color:#f5c2c0}
form.inline{display:inline}button{padding:.35em .9em;margin:.2em .3em .2em 0;cursor:pointer}
table{border-collapse:collapse}td,th{padding:.25em .8em .25em 0;text-align:left}
label{display:block;margin:.25em 0}.slots label{display:inline-block;width:11em}
.muted{color:#666}
"""


def _when(moment: datetime) -> str:
    return f"{moment:%a %d %b %Y, %H:%M} ({moment.tzname()})"


def layout(
    title: str, body: str, *, user: User | None = None, message: str = "", error: bool = False
) -> str:
    """A whole page, with a message on top (an error one in red)."""
    who = (
        f'Signed in as {escape(user.name)} · <a href="/settings">Settings</a>'
        if user
        else '<a href="/">Sign in</a>'
    )
    kind = "message error" if error else "message"
    notice = f'<p class="{kind}" id="message">{escape(message)}</p>\n' if message else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} · Acme Bookings</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body>\n<header><a href="/"><strong>Acme Bookings</strong></a><span>{who}</span>'
        f"</header>\n<h1>{escape(title)}</h1>\n{notice}{body}</body>\n</html>\n"
    )


def _button(action: str, label: str, form: str, **fields: str) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )
    return (
        f'<form class="inline" method="post" action="{escape(action)}">{form}{hidden}'
        f"<button>{escape(label)}</button></form>"
    )


def home(users: Sequence[User], event_types: Sequence[EventType], form: str) -> str:
    """Sign in as one of the demo's users, or book with one of them."""
    rows = "".join(
        f"<tr><td>{escape(user.name)}</td><td>{escape(user.role)}</td>"
        f"<td>{_button('/signin', 'Sign in', form, user_id=user.id)}</td><td>"
        + " ".join(
            f'<a href="/book/{escape(user.id)}/{escape(kind.id)}">Book: {escape(kind.title)}</a>'
            for kind in event_types
        )
        + "</td></tr>\n"
        for user in users
    )
    body = (
        "<p>This demo has no passwords: sign in as a host to set up Zoom, "
        "or book a time with one as a client.</p>\n"
        f"<table>\n<tr><th>Host</th><th>Role</th><th></th><th>Booking pages</th></tr>\n{rows}"
        "</table>\n"
    )
    return layout("Welcome", body)


def _connection_row(connection: Connection, form: str) -> str:
    email = f" <strong>{escape(connection.zoom_email)}</strong>" if connection.zoom_email else ""
    row = f"<p>{escape(connection.kind.capitalize())} Zoom account{email} — "
    if connection.status == "needs_reconnect":
        start = "/zoom/connect" if connection.kind == "personal" else "/zoom/connect/organization"
        row += f'needs reconnecting. <a href="{start}" class="reconnect">Reconnect Zoom</a> '
    else:
        row += f"{escape(connection.status)} "
    disconnect = _button("/settings/disconnect", "Disconnect", form, connection_id=connection.id)
    return row + disconnect + "</p>\n"


def settings(
    user: User,
    *,
    personal: Connection | None,
    organization: Connection | None,
    connected_users: Sequence[ConnectedUser] | None,
    default: ConferencingChoice | None,
    event_types: Sequence[tuple[EventType, str]],
    message: str,
    form: str,
    error: bool = False,
) -> str:
    """The user's settings: Zoom connections, default conferencing, event types."""
    zoom = (
        _connection_row(personal, form)
        if personal
        else '<p>Not connected. <a href="/zoom/connect" id="connect-zoom">Connect Zoom</a></p>\n'
    )
    choice = default or "builtin"
    other: ConferencingChoice = "builtin" if choice == "zoom" else "zoom"
    names = {"zoom": "Zoom", "builtin": "the site's built-in calls"}
    zoom += (
        f"<p>Default conferencing: <strong>{names[choice]}</strong> "
        + _button("/settings/default", f"Make {names[other]} my default", form, choice=other)
        + "</p>\n"
    )
    body = f'<section id="zoom"><h2>Your Zoom</h2>\n{zoom}</section>\n'
    if connected_users is not None:
        org = (
            _connection_row(organization, form)
            if organization
            else '<p>Not connected. <a href="/zoom/connect/organization">Connect the '
            "organisation's Zoom account</a> (a Zoom account owner or admin completes it)</p>\n"
        )
        rows = "".join(
            f"<tr><td>{escape(row.user_id)}</td><td>{'yes' if row.available else 'no'}</td>"
            f"<td>{escape(row.via or '')}</td>"
            f"<td>{_STATUS_WORDS[row.status] if row.status else ''}</td>"
            f"<td class='muted'>{escape(row.detail)}</td></tr>\n"
            for row in connected_users
        )
        body += (
            f'<section id="organization"><h2>Organisation Zoom</h2>\n{org}'
            "<table><tr><th>Member</th><th>Zoom available</th><th>Via</th><th>Status</th>"
            f"<th>Details</th></tr>\n{rows}</table></section>\n"
        )
    kinds = ""
    for event_type, where in event_types:
        options = "".join(
            f'<option value="{value}"{" selected" if value == event_type.location else ""}>'
            f"{value}</option>"
            for value in LOCATIONS
        )
        kinds += (
            f'<p><a href="/book/{escape(user.id)}/{escape(event_type.id)}">'
            f"{escape(event_type.title)}</a> — bookings get: <strong>{escape(where)}</strong>"
            f'<form class="inline" method="post" action="/settings/event-types/'
            f'{escape(event_type.id)}">{form} Location <select name="location">{options}'
            "</select> <button>Save</button></form></p>\n"
        )
    body += f'<section id="event-types"><h2>Event types</h2>\n{kinds}</section>\n'
    return layout("Settings", body, user=user, message=message, error=error)


# A connection's status as the members table shows it (ConnectedUser.status is a code).
_STATUS_WORDS: dict[ConnectionStatus, str] = {
    "active": "active",
    "needs_reconnect": "needs reconnecting",
    "disconnected": "disconnected",
}


def _slot_choices(slots: Sequence[Slot], chosen: datetime | None = None) -> str:
    if not slots:
        return "<p>No free times in the next days.</p>\n"
    labels = "".join(
        f'<label><input type="radio" name="start" value="{slot.start.isoformat()}"'
        f"{' checked' if slot.start == chosen or (chosen is None and index == 0) else ''}> "
        f"{slot.start:%a %d %b %H:%M}</label>"
        for index, slot in enumerate(slots)
    )
    return f'<div class="slots">{labels}</div>\n'


def booking_page(
    host: User,
    event_type: EventType,
    slots: Sequence[Slot],
    *,
    message: str,
    form: str,
    error: bool = False,
    name: str = "",
    email: str = "",
    chosen: datetime | None = None,
) -> str:
    """Pick a free time and book it."""
    body = (
        f"<p>With {escape(host.name)}. Times are in {escape(host.time_zone)}.</p>\n"
        f'<form method="post" id="book">{form}\n{_slot_choices(slots, chosen)}'
        f'<label>Your name <input name="name" value="{escape(name)}" required></label>\n'
        f'<label>Your e-mail <input name="email" type="email" value="{escape(email)}" '
        "required></label>\n<button>Book</button></form>\n"
    )
    return layout(event_type.title, body, message=message, error=error)


def confirmation(
    booking: SiteBooking,
    host: User,
    event_type: EventType,
    record: MeetingRecord | None,
    slots: Sequence[Slot],
    *,
    message: str,
    form: str,
    error: bool = False,
) -> str:
    """The booking, its Zoom meeting, and reschedule and cancel."""
    where = "<p>No Zoom meeting for this booking.</p>\n"
    if record is not None and record.join_url and record.state == "scheduled":
        where = (
            f'<p>Zoom: <a href="{escape(record.join_url)}" id="join-url">'
            f"{escape(record.join_url)}</a><br>Meeting ID {record.meeting_id}, passcode "
            f"{escape(record.password or '')}</p>\n"
        )
    status = "Cancelled" if booking.cancelled else "Confirmed"
    body = (
        f'<p id="status"><strong>{status}</strong>: {escape(event_type.title)} with '
        f"{escape(host.name)} for {escape(booking.client_name)}, "
        f'<span id="when">{escape(_when(booking.start))}</span>.</p>\n{where}'
    )
    if not booking.cancelled:
        path = f"/bookings/{escape(booking.id)}"
        body += (
            f'<section><h2>Reschedule</h2><form method="post" action="{path}/reschedule" '
            f'id="reschedule">{form}\n{_slot_choices(slots)}<button>Move the booking</button>'
            f"</form></section>\n<section><h2>Cancel</h2>"
            + _button(f"{path}/cancel", "Cancel the booking", form)
            + "</section>\n"
        )
    return layout("Your booking", body, message=message, error=error)


def problem(title: str, message: str) -> str:
    """A page for something that is not there."""
    return layout(title, f'<p><a href="/">Home</a></p>\n<p class="muted">{escape(message)}</p>\n')
