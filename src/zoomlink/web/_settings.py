"""One zoomlink client per web process, built from Django's settings or the environment.

Every web app needs the same few values: its Zoom app's credentials, the redirect URL, the
webhook Secret Token, the keys that seal tokens, where the tokens are stored, and — in tests and
demos — where Zoom is. :class:`WebSettings` reads them from a mapping (Django's
``settings.ZOOMLINK``) or from ``ZOOMLINK_*`` environment variables, and builds the client.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from zoomlink.errors import ConfigurationError
from zoomlink.keyring import Keyring
from zoomlink.models import Endpoints, ZoomApp

if TYPE_CHECKING:
    from zoomlink import AsyncTokenStore, AsyncZoomLink, TokenStore, ZoomLink

__all__ = ["WebSettings"]

ENV_PREFIX = "ZOOMLINK_"

# Each setting, and what it is, for the error that names a missing one.
REQUIRED = {
    "CLIENT_ID": "the Client ID of your user-managed Zoom app",
    "CLIENT_SECRET": "the Client Secret of your user-managed Zoom app",
    "REDIRECT_URI": "the OAuth redirect URL registered for the app (your callback view's URL)",
}
OPTIONAL = {
    "WEBHOOK_SECRET": "the app's webhook Secret Token",
    "ADMIN_CLIENT_ID": "the Client ID of an admin-managed app, for organisation connections",
    "ADMIN_CLIENT_SECRET": "the Client Secret of the admin-managed app",
    "KEYRING": "the keys that seal tokens at rest, 'key_id:key' pairs, newest first",
    "STORE": "where tokens live: a SQLite file path or a postgresql:// DSN (memory if unset)",
    "ZOOM_URL": "one base URL serving Zoom's OAuth and API (the fake Zoom's), for tests",
    "RECONNECT_URL": "the app's page for reconnecting Zoom, sent in 'Action required' notices",
}
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _optional(value: str | None) -> str | None:
    return value or None


@attrs.frozen
class WebSettings:
    """What a web app tells zoomlink, read once at start-up.

    Build one with :meth:`from_mapping` (Django: ``settings.ZOOMLINK``) or :meth:`from_env`
    (``ZOOMLINK_CLIENT_ID`` …), then :meth:`zoomlink` or :meth:`async_zoomlink` for the
    process's client. Secrets never appear in the repr.

    Attributes:
        client_id: The user-managed app's Client ID (``CLIENT_ID``).
        client_secret: Its Client Secret (``CLIENT_SECRET``).
        redirect_uri: The redirect URL registered for the app(s) (``REDIRECT_URI``).
        webhook_secret: The webhook Secret Token (``WEBHOOK_SECRET``); webhooks are refused
            without it.
        admin_client_id: An admin-managed app's Client ID, for organisation connections
            (``ADMIN_CLIENT_ID``).
        admin_client_secret: Its Client Secret (``ADMIN_CLIENT_SECRET``).
        keyring: ``key_id:key`` pairs, newest first (``KEYRING``); required with a store.
        store: A SQLite file path or a ``postgresql://`` DSN (``STORE``); memory if unset.
        zoom_url: One base URL for Zoom's OAuth and API, such as the fake Zoom's
            (``ZOOM_URL``); Zoom's own if unset.
        reconnect_url: The app's page for reconnecting Zoom (``RECONNECT_URL``).
    """

    client_id: str
    client_secret: str = attrs.field(repr=False)
    redirect_uri: str
    webhook_secret: str | None = attrs.field(default=None, repr=False)
    admin_client_id: str | None = None
    admin_client_secret: str | None = attrs.field(default=None, repr=False)
    keyring: str | None = attrs.field(default=None, repr=False)
    store: str | None = attrs.field(default=None, repr=False)  # a DSN may carry a password
    zoom_url: str | None = None
    reconnect_url: str | None = None

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, object], *, source: str = "settings.ZOOMLINK"
    ) -> WebSettings:
        """Settings from a mapping of the names above in capitals (``CLIENT_ID`` …).

        Raises:
            ConfigurationError: A required setting is missing or empty, a name is unknown (a
                typo would otherwise be ignored), or a value is not a string; the message
                names the setting and ``source``, never a value.
        """
        unknown = sorted(set(values) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            known = ", ".join([*REQUIRED, *OPTIONAL])
            raise ConfigurationError(f"{source} has unknown settings {unknown}; known: {known}")
        strings: dict[str, str] = {}
        for name, value in values.items():
            if value is None:
                continue
            if not isinstance(value, str):
                raise ConfigurationError(
                    f"{source}[{name!r}] must be a string, not {type(value).__name__}"
                )
            strings[name] = value
        return cls._build(strings, lambda name: f"{source}[{name!r}]")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebSettings:
        """Settings from ``ZOOMLINK_CLIENT_ID``, ``ZOOMLINK_CLIENT_SECRET``,
        ``ZOOMLINK_REDIRECT_URI``, ``ZOOMLINK_WEBHOOK_SECRET``, ``ZOOMLINK_KEYRING``,
        ``ZOOMLINK_STORE``, ``ZOOMLINK_ZOOM_URL`` … (``os.environ`` unless given).

        Raises:
            ConfigurationError: A required variable is unset or empty; the message names it.
        """
        env = os.environ if environ is None else environ
        strings = {
            name: env[ENV_PREFIX + name]
            for name in [*REQUIRED, *OPTIONAL]
            if env.get(ENV_PREFIX + name)
        }
        return cls._build(strings, lambda name: f"the environment variable {ENV_PREFIX}{name}")

    @classmethod
    def _build(cls, values: dict[str, str], describe: Callable[[str], str]) -> WebSettings:
        for name, meaning in REQUIRED.items():
            if not values.get(name, "").strip():
                raise ConfigurationError(f"{describe(name)} is not set: it is {meaning}")
        if bool(values.get("ADMIN_CLIENT_ID")) != bool(values.get("ADMIN_CLIENT_SECRET")):
            raise ConfigurationError(
                f"{describe('ADMIN_CLIENT_ID')} and {describe('ADMIN_CLIENT_SECRET')} go "
                "together: set both for organisation connections, or neither"
            )
        if values.get("STORE") and not values.get("KEYRING"):
            raise ConfigurationError(
                f"{describe('KEYRING')} is not set: a store needs keys to seal tokens with "
                "(make one with zoomlink.Keyring.generate_key())"
            )
        settings = cls(
            client_id=values["CLIENT_ID"].strip(),
            client_secret=values["CLIENT_SECRET"].strip(),
            redirect_uri=values["REDIRECT_URI"].strip(),
            webhook_secret=_optional(values.get("WEBHOOK_SECRET")),
            admin_client_id=_optional(values.get("ADMIN_CLIENT_ID")),
            admin_client_secret=_optional(values.get("ADMIN_CLIENT_SECRET")),
            keyring=_optional(values.get("KEYRING")),
            store=_optional(values.get("STORE")),
            zoom_url=_optional(values.get("ZOOM_URL")),
            reconnect_url=_optional(values.get("RECONNECT_URL")),
        )
        settings.apps()  # a bad redirect URL is refused now, not at the first connect
        return settings

    def apps(self) -> tuple[ZoomApp, ...]:
        """The Zoom apps: the user-managed one, and the admin-managed one when configured."""
        user = ZoomApp(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            webhook_secret=self.webhook_secret or "",
        )
        if not (self.admin_client_id and self.admin_client_secret):
            return (user,)
        admin = ZoomApp(
            client_id=self.admin_client_id,
            client_secret=self.admin_client_secret,
            redirect_uri=self.redirect_uri,
            kind="account",
            webhook_secret=self.webhook_secret or "",
        )
        return (user, admin)

    def endpoints(self) -> Endpoints | None:
        """Zoom's base URLs: one for both when ``zoom_url`` is set, else Zoom's own."""
        return Endpoints.single(self.zoom_url) if self.zoom_url else None

    def keys(self) -> Keyring | None:
        """The keyring, or None (an ephemeral key then serves the memory store)."""
        return Keyring.from_string(self.keyring) if self.keyring else None

    def sync_store(self) -> TokenStore | None:
        """The store for :class:`~zoomlink.ZoomLink`, or None for memory."""
        if not self.store:
            return None
        if self.store.startswith(_POSTGRES_SCHEMES):
            from zoomlink.stores.postgres import PostgresTokenStore

            return PostgresTokenStore(self.store)
        from zoomlink.stores import SQLiteTokenStore

        return SQLiteTokenStore(self.store)

    def async_store(self) -> AsyncTokenStore | None:
        """The store for :class:`~zoomlink.AsyncZoomLink`, or None for memory."""
        if not self.store:
            return None
        if self.store.startswith(_POSTGRES_SCHEMES):
            from zoomlink.stores.postgres import AsyncPostgresTokenStore

            return AsyncPostgresTokenStore(self.store)
        from zoomlink.stores import AsyncSQLiteTokenStore

        return AsyncSQLiteTokenStore(self.store)

    def zoomlink(self, **options: Any) -> ZoomLink:
        """A :class:`~zoomlink.ZoomLink` for these settings; ``options`` go to its constructor
        (``notifications=``, ``calendar=``, ``clock=`` …)."""
        from zoomlink import ZoomLink

        return ZoomLink(
            *self.apps(),
            store=self.sync_store(),
            keyring=self.keys(),
            endpoints=self.endpoints(),
            reconnect_url=self.reconnect_url,
            **options,
        )

    def async_zoomlink(self, **options: Any) -> AsyncZoomLink:
        """An :class:`~zoomlink.AsyncZoomLink` for these settings; ``options`` as for
        :meth:`zoomlink`."""
        from zoomlink import AsyncZoomLink

        return AsyncZoomLink(
            *self.apps(),
            store=self.async_store(),
            keyring=self.keys(),
            endpoints=self.endpoints(),
            reconnect_url=self.reconnect_url,
            **options,
        )
