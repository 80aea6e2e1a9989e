"""The project's one settings module (``DJANGO_SETTINGS_MODULE=examples.django_app.settings``).

The site keeps no data in a database (its bookings live in memory, zoomlink's tokens in its own
store), so no apps, sessions or database are configured.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "examples.django_app.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
DATABASES: dict[str, object] = {}
USE_TZ = True
TIME_ZONE = "UTC"

# zoomlink.web.django builds the process's ZoomLink from this (unset values are left out).
ZOOMLINK = {
    name: os.environ.get(f"ZOOMLINK_{name}")
    for name in (
        "CLIENT_ID",
        "CLIENT_SECRET",
        "REDIRECT_URI",
        "WEBHOOK_SECRET",
        "ADMIN_CLIENT_ID",
        "ADMIN_CLIENT_SECRET",
        "KEYRING",
        "STORE",
        "ZOOM_URL",
        "RECONNECT_URL",
    )
}
