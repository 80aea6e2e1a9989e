"""How zoomlink is set up: the Zoom app's credentials, where Zoom lives, how calls are retried."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

import attrs

from zoomlink.errors import ConfigurationError

AppKind = Literal["user", "account", "s2s"]
"""A Zoom app's type: user-managed OAuth, admin-managed (account-level) OAuth, Server-to-Server."""


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"base URL must be an absolute http(s) URL, got {value!r}")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base URL must not carry a query or fragment, got {value!r}")
    return value.rstrip("/")


@attrs.frozen(kw_only=True)
class Endpoints:
    """Where Zoom lives: its OAuth host and its API host.

    The defaults are Zoom's; tests point both at the fake Zoom's socket.
    """

    oauth_base_url: str = attrs.field(default="https://zoom.us", converter=_base_url)
    api_base_url: str = attrs.field(default="https://api.zoom.us", converter=_base_url)

    @classmethod
    def single(cls, base_url: str) -> Endpoints:
        """Both OAuth and API under one base URL, as the fake Zoom serves them over a socket."""
        return cls(oauth_base_url=base_url, api_base_url=base_url)


ZoomPlan = Literal["free", "pro", "business"]
"""A Zoom account plan, which sets the account's per-second rate limits."""


def _at_least_one(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"{attribute.name} must be a whole number of 1 or more, got {value!r}"
        )


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigurationError(f"{attribute.name} must be a non-negative number, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How zoomlink retries calls to Zoom that failed for a passing reason.

    Per-second 429s are always waited out (Zoom refused them, so nothing happened). Transient
    5xx answers and network failures are retried only for requests that are safe to repeat
    (GET, PATCH, DELETE); a meeting create is never repeated blindly: zoomlink first looks for
    the meeting by its booking marker.

    Attributes:
        attempts: Tries per request, the first included.
        backoff: Seconds before the first retry; doubled for each further one.
        max_backoff: The longest pause between tries.
        max_wait: The longest ``Retry-After`` zoomlink waits out; a longer one raises.
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=8.0, validator=_non_negative)
    max_wait: float = attrs.field(default=30.0, validator=_non_negative)

    def pause(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (retry - 1)))


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise ConfigurationError(
            f"ZoomApp.{attribute.name} must be a string, got {type(value).__name__}"
        )
    if not value or not value.strip():
        raise ConfigurationError(f"ZoomApp.{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class ZoomApp:
    """A Zoom app's credentials, from the Zoom App Marketplace build page.

    Attributes:
        client_id: The app's client ID.
        client_secret: The app's client secret (never shown in reprs).
        redirect_uri: The OAuth redirect URL registered for the app (OAuth apps only).
        kind: ``"user"`` (user-managed), ``"account"`` (admin-managed) or ``"s2s"``.
        account_id: The Zoom account of a Server-to-Server app.
        webhook_secret: The app's webhook Secret Token (Features → Access), which signs the
            events Zoom sends it; needed to receive them (never shown in reprs).
    """

    client_id: str = attrs.field(validator=_non_empty)
    client_secret: str = attrs.field(validator=_non_empty, repr=False)
    redirect_uri: str = ""
    kind: AppKind = "user"
    account_id: str | None = None
    webhook_secret: str = attrs.field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("redirect_uri", "kind", "webhook_secret"):
            if not isinstance(getattr(self, name), str):
                raise ConfigurationError(f"ZoomApp.{name} must be a string")
        if self.account_id is not None and not isinstance(self.account_id, str):
            raise ConfigurationError("ZoomApp.account_id must be a string")
        if self.kind not in ("user", "account", "s2s"):
            raise ConfigurationError(
                f"ZoomApp.kind must be user, account or s2s, not {self.kind!r}"
            )
        if self.kind == "s2s" and not self.account_id:
            raise ConfigurationError("a Server-to-Server ZoomApp needs its account_id")
        if self.kind != "s2s":
            parts = urlsplit(self.redirect_uri)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigurationError(
                    f"an OAuth ZoomApp needs an absolute http(s) redirect_uri, "
                    f"got {self.redirect_uri!r}"
                )
