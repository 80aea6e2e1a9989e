"""Running the example sites against the fake Zoom, on this machine.

The fake Zoom is seeded with its demo users (Olivia is an account owner, Max a member) and
with the site's two Zoom apps, whose redirect URL and webhook URL point at the site.
"""

from __future__ import annotations

from typing import Any

from zoomlink import Keyring
from zoomlink.testing import FakeZoom
from zoomlink.web import WebSettings

WEBHOOK_SECRET = "demo-webhook-secret"  # the fake signs its webhooks with it
USER_APP = ("fake-user-app", "fake-user-secret")
ADMIN_APP = ("fake-admin-app", "fake-admin-secret")


def seed(site_url: str, *, webhooks: bool = True) -> dict[str, Any]:
    """The fake's demo data, with the apps sending the browser (and, with ``webhooks``, their
    webhooks) to ``site_url``."""
    data = FakeZoom.default_seed()
    for app in data["apps"]:
        if app["kind"] != "s2s":
            app["redirect_uris"] = [f"{site_url}/zoom/callback"]
            app["webhook_secret"] = WEBHOOK_SECRET
            if webhooks:
                app["webhook_url"] = f"{site_url}/zoom/webhooks"
                # Only the uninstall: the fake delivers a meeting's webhooks before it answers
                # the request that changed the meeting, while zoomlink still holds that
                # booking's lock, so their handler would wait out the delivery's timeout.
                # Zoom itself answers first.
                app["events"] = ["app_deauthorized"]
    return data


def settings(site_url: str, zoom_url: str | None, *, store: str | None = None) -> WebSettings:
    """The site's settings for the fake Zoom at ``zoom_url`` (None: Zoom's own URLs, for a
    fake reached in process)."""
    return WebSettings(
        client_id=USER_APP[0],
        client_secret=USER_APP[1],
        redirect_uri=f"{site_url}/zoom/callback",
        webhook_secret=WEBHOOK_SECRET,
        admin_client_id=ADMIN_APP[0],
        admin_client_secret=ADMIN_APP[1],
        keyring=f"demo:{Keyring.generate_key()}" if store else None,
        store=store,
        zoom_url=zoom_url,
        reconnect_url=f"{site_url}/settings",
    )


def environment(site_url: str, zoom_url: str) -> dict[str, str]:
    """The same settings as ``ZOOMLINK_*`` environment variables."""
    return {
        "ZOOMLINK_CLIENT_ID": USER_APP[0],
        "ZOOMLINK_CLIENT_SECRET": USER_APP[1],
        "ZOOMLINK_REDIRECT_URI": f"{site_url}/zoom/callback",
        "ZOOMLINK_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "ZOOMLINK_ADMIN_CLIENT_ID": ADMIN_APP[0],
        "ZOOMLINK_ADMIN_CLIENT_SECRET": ADMIN_APP[1],
        "ZOOMLINK_ZOOM_URL": zoom_url,
        "ZOOMLINK_RECONNECT_URL": f"{site_url}/settings",
    }
