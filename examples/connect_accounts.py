"""Connect Zoom accounts the way a booking application does, against the fake Zoom.

Personal and organisation connections, who hosts whose meetings, the connected-users view, a
connection Zoom stops honouring (and the "Action required" notice), and reconnecting — with
tokens sealed in a SQLite store:

    python examples/connect_accounts.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from zoomlink import Actor, Keyring, Member, NeedsReconnectError, ZoomApp, ZoomLink
from zoomlink.notify import MemoryNotificationSink
from zoomlink.stores import SQLiteTokenStore
from zoomlink.testing import FakeClock, FakeZoom

REDIRECT = "http://127.0.0.1:8000/zoom/callback"
PERSONAL_APP = ZoomApp(
    client_id="fake-user-app", client_secret="fake-user-secret", redirect_uri=REDIRECT
)
ORG_APP = ZoomApp(
    client_id="fake-admin-app",
    client_secret="fake-admin-secret",
    redirect_uri=REDIRECT,
    kind="account",
)


def main(fake: FakeZoom, directory: Path) -> None:
    """The whole connection story, printed step by step."""
    notices = MemoryNotificationSink()
    store = SQLiteTokenStore(directory / "zoomlink.sqlite3")
    zoom = ZoomLink(
        PERSONAL_APP,
        ORG_APP,
        store=store,
        keyring=Keyring.from_string(f"k1:{Keyring.generate_key()}"),
        notifications=notices,
        reconnect_url="https://app.example.com/settings/zoom",
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake,
    )

    # Olivia connects her own Zoom account: consent page, then the callback view.
    url = zoom.personal_connect_url("olivia")
    callback = fake.approve(url, "u_owner")  # she signs in to Zoom and clicks Authorize
    personal = zoom.complete_connect(callback, user_id="olivia")
    print(f"olivia connected as {personal.zoom_email} ({personal.status})")

    # An app admin connects the organisation; the Zoom admin completes the handed-over link.
    url = zoom.organization_connect_url(Actor("adam", role="admin"))
    org = zoom.complete_connect(fake.approve(url, "u_admin"), user_id="adam")
    print(f"organisation connected by {org.zoom_email} (Zoom {org.zoom_role})")

    # Who hosts whose meetings: personal first, the organisation's for everyone else.
    for user_id, email in (("olivia", "owner@example.com"), ("mia", "member@example.com")):
        host = zoom.resolve_host(user_id, email=email)
        print(f"{user_id}: hosted via {host.via} connection, as {host.zoom_user}")

    members = [
        Member("olivia", "owner@example.com"),
        Member("mia", "member@example.com"),
        Member("guest", "guest@example.com"),
    ]
    for row in zoom.connected_users(members):
        state = "available" if row.available else f"unavailable ({row.detail})"
        print(f"view: {row.user_id:7} {state}, via {row.via}, status {row.status}")

    # Olivia removes the app in Zoom. Her next use finds out, once, and tells her.
    fake.uninstall("u_owner", "fake-user-app")
    fake.advance(3600)
    try:
        zoom.access_token(personal.id)
    except NeedsReconnectError as error:
        print(f"olivia's connection needs reconnecting: {error.reason}")
    [notice] = notices.sent
    print(f"notice to {notice.recipient_id}: {notice.subject} -> {notice.action_url}")

    # She reconnects; service is back.
    url = zoom.personal_connect_url("olivia")
    again = zoom.complete_connect(fake.approve(url, "u_owner"), user_id="olivia")
    print(f"olivia reconnected: {again.status}")

    # Only she may disconnect her connection.
    zoom.disconnect(again.id, actor=Actor("olivia"))
    host = zoom.resolve_host("olivia", email="owner@example.com")
    print(f"after disconnecting, olivia is hosted via the {host.via} connection")
    zoom.close()
    store.close()


if __name__ == "__main__":
    fake = FakeZoom(clock=FakeClock())
    fake.seed(FakeZoom.default_seed())
    with tempfile.TemporaryDirectory() as tmp:
        main(fake, Path(tmp))
