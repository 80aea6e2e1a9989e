"""WebSettings: the web app's Zoom settings from a mapping (Django) or the environment, a clear
error naming what is missing, and the client built from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zoomlink import ConfigurationError, Endpoints, Keyring
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore
from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore
from zoomlink.web import WebSettings

SECRET = "s3cret-client-value"
BASE = {
    "CLIENT_ID": "client-id",
    "CLIENT_SECRET": SECRET,
    "REDIRECT_URI": "https://booking.example/zoom/callback",
}


def test_missing_setting_in_a_mapping_is_named() -> None:
    """A required setting left out of settings.ZOOMLINK is named, with what it is."""
    with pytest.raises(ConfigurationError, match=r"settings.ZOOMLINK\['REDIRECT_URI'\] is not set"):
        WebSettings.from_mapping({"CLIENT_ID": "id", "CLIENT_SECRET": SECRET})


def test_missing_environment_variable_is_named() -> None:
    """A required environment variable that is unset or empty is named."""
    env = {"ZOOMLINK_CLIENT_ID": "id", "ZOOMLINK_CLIENT_SECRET": "", "ZOOMLINK_REDIRECT_URI": "x"}
    with pytest.raises(ConfigurationError, match="ZOOMLINK_CLIENT_SECRET is not set"):
        WebSettings.from_env(env)


def test_unknown_setting_is_refused() -> None:
    """A misspelt setting is refused rather than ignored."""
    with pytest.raises(ConfigurationError, match=r"unknown settings \['WEBHOOK_SECRT'\]"):
        WebSettings.from_mapping({**BASE, "WEBHOOK_SECRT": "x"})


def test_a_value_that_is_not_text_is_refused() -> None:
    """A setting given as something other than a string is refused, naming it."""
    with pytest.raises(ConfigurationError, match=r"\['CLIENT_ID'\] must be a string, not int"):
        WebSettings.from_mapping({**BASE, "CLIENT_ID": 42})


def test_a_store_needs_a_keyring() -> None:
    """A store without keys to seal tokens with is refused, naming the keyring setting."""
    with pytest.raises(ConfigurationError, match=r"\['KEYRING'\] is not set"):
        WebSettings.from_mapping({**BASE, "STORE": "/tmp/zoomlink.db"})


def test_admin_app_needs_both_halves() -> None:
    """An admin-managed app's client ID without its secret is refused."""
    with pytest.raises(ConfigurationError, match="go together"):
        WebSettings.from_mapping({**BASE, "ADMIN_CLIENT_ID": "admin"})


def test_bad_redirect_url_is_refused_at_start_up() -> None:
    """A redirect URL that is not absolute http(s) is refused when the settings are read."""
    with pytest.raises(ConfigurationError, match="absolute http"):
        WebSettings.from_mapping({**BASE, "REDIRECT_URI": "/zoom/callback"})


def test_secrets_stay_out_of_repr_and_errors() -> None:
    """Neither the repr nor an error message shows a secret value."""
    settings = WebSettings.from_mapping({**BASE, "WEBHOOK_SECRET": "hook-secret"})
    assert SECRET not in repr(settings)
    assert "hook-secret" not in repr(settings)
    with pytest.raises(ConfigurationError) as caught:
        WebSettings.from_mapping({**BASE, "REDIRECT_URI": ""})
    assert SECRET not in str(caught.value)


def test_environment_settings_build_both_apps() -> None:
    """From the environment come the user-managed app and, when set, the admin-managed one."""
    env = {f"ZOOMLINK_{name}": value for name, value in BASE.items()}
    env |= {"ZOOMLINK_ADMIN_CLIENT_ID": "admin", "ZOOMLINK_ADMIN_CLIENT_SECRET": "admin-secret"}
    env |= {"ZOOMLINK_WEBHOOK_SECRET": "hook", "UNRELATED": "ignored"}
    user, admin = WebSettings.from_env(env).apps()
    assert (user.client_id, user.kind, user.webhook_secret) == ("client-id", "user", "hook")
    assert (admin.client_id, admin.kind) == ("admin", "account")
    assert admin.redirect_uri == user.redirect_uri == BASE["REDIRECT_URI"]


def test_sqlite_path_gives_sqlite_stores(tmp_path: Path) -> None:
    """A file path as STORE gives the SQLite store, sync and async, with the keyring given."""
    key = f"k1:{Keyring.generate_key()}"
    path = str(tmp_path / "tokens.db")
    settings = WebSettings.from_mapping({**BASE, "STORE": path, "KEYRING": key})
    link = settings.zoomlink()
    try:
        assert isinstance(link.store, SQLiteTokenStore)
        assert link.keyring.key_ids == ("k1",)
    finally:
        link.close()
    assert isinstance(settings.async_store(), AsyncSQLiteTokenStore)


def test_postgres_dsn_gives_postgres_stores() -> None:
    """A postgresql:// DSN as STORE gives the PostgreSQL store (nothing is connected yet)."""
    key = f"k1:{Keyring.generate_key()}"
    dsn = "postgresql://app:pw@127.0.0.1:1/bookings"
    settings = WebSettings.from_mapping({**BASE, "STORE": dsn, "KEYRING": key})
    assert isinstance(settings.sync_store(), PostgresTokenStore)
    assert isinstance(settings.async_store(), AsyncPostgresTokenStore)
    assert "pw" not in repr(settings)


def test_zoom_url_points_both_endpoints_at_one_base() -> None:
    """ZOOM_URL (the fake Zoom's) serves both OAuth and the API; unset means Zoom's own."""
    settings = WebSettings.from_mapping({**BASE, "ZOOM_URL": "http://127.0.0.1:8765"})
    assert settings.endpoints() == Endpoints.single("http://127.0.0.1:8765")
    assert WebSettings.from_mapping(BASE).endpoints() is None


def test_frameworks_are_imported_only_when_used() -> None:
    """zoomlink.web and its Django and Starlette modules import without either framework."""
    code = (
        "import sys\n"
        "for name in ('django', 'starlette', 'fastapi', 'flask'):\n"
        "    sys.modules[name] = None  # importing it now fails\n"
        "import zoomlink.web, zoomlink.web.django, zoomlink.web.starlette\n"
        "zoomlink.web.starlette.ZoomRoutes(user_id=lambda request: None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
