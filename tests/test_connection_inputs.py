"""Bad configuration and bad input around connections get clear, typed errors."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_APP, USER_APP
from zoomlink import (
    Actor,
    ConfigurationError,
    InvalidInputError,
    Keyring,
    KeyringError,
    Member,
    ZoomLink,
)
from zoomlink.stores import MemoryTokenStore


def test_two_apps_of_one_kind_are_refused() -> None:
    """Passing two user-managed apps is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="two 'user' apps"):
        ZoomLink(USER_APP, USER_APP)


def test_no_app_is_refused() -> None:
    """A ZoomLink without any app is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="at least one"):
        ZoomLink()


@pytest.mark.parametrize(
    "options",
    [{"link_policy": "anything"}, {"disconnect_policy": "everyone"}],
    ids=["link", "disconnect"],
)
def test_unknown_policies_are_refused(options: dict[str, str]) -> None:
    """An unknown link or disconnect policy is a ConfigurationError naming the choices."""
    with pytest.raises(ConfigurationError, match="must be"):
        ZoomLink(USER_APP, **options)  # type: ignore[arg-type]


def test_connect_without_the_right_app_is_a_configuration_error() -> None:
    """Starting an organisation connect without an admin-managed app says which app is missing."""
    with ZoomLink(USER_APP) as zoom, pytest.raises(ConfigurationError, match="admin-managed"):
        zoom.organization_connect_url(Actor("boss", "owner"))
    with ZoomLink(ADMIN_APP) as zoom, pytest.raises(ConfigurationError, match="user-managed"):
        zoom.personal_connect_url("alice")


def test_blank_user_ids_are_refused() -> None:
    """A blank app user ID is an InvalidInputError, and nothing is stored."""
    store = MemoryTokenStore()
    with ZoomLink(USER_APP, store=store, keyring=Keyring.ephemeral()) as zoom:
        with pytest.raises(InvalidInputError):
            zoom.personal_connect_url("")
        with pytest.raises(InvalidInputError):
            Actor(" ")
        with pytest.raises(InvalidInputError):
            Member("")
        with pytest.raises(InvalidInputError):
            Actor("boss", "king")  # type: ignore[arg-type]
    assert store.take_attempt("anything") is None


def test_callback_of_the_wrong_type_is_refused() -> None:
    """A callback that is neither a URL, a query string nor a mapping is an InvalidInputError."""
    with ZoomLink(USER_APP) as zoom, pytest.raises(InvalidInputError, match="callback"):
        zoom.complete_connect(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "entry 1"),
        ("k1", "entry 1"),
        ("k1:c2hvcnQ", "32 bytes"),
        ("k1:@@@@", "base64url"),
        ("bad id!:" + Keyring.generate_key(), "key id"),
        (f"k1:{Keyring.generate_key()},k1:{Keyring.generate_key()}", "twice"),
    ],
)
def test_malformed_keyrings_are_refused(spec: str, message: str) -> None:
    """A malformed keyring string is a KeyringError that never echoes the key."""
    with pytest.raises(KeyringError, match=message) as caught:
        Keyring.from_string(spec)
    assert "c2hvcnQ" not in str(caught.value)


def test_missing_key_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unset key variable is a KeyringError that says how to make a key."""
    monkeypatch.delenv("ZOOMLINK_KEYS", raising=False)
    with pytest.raises(KeyringError, match="generate_key"):
        Keyring.from_env()


def test_sealed_values_are_bound_to_their_place() -> None:
    """A sealed token opens only for the record and field it was sealed for, and not at all
    once altered."""
    keyring = Keyring.ephemeral()
    sealed = keyring.seal("secret-token", context="grant-1:access")
    assert keyring.open(sealed, context="grant-1:access") == "secret-token"
    with pytest.raises(KeyringError, match="moved"):
        keyring.open(sealed, context="grant-2:access")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(KeyringError):
        keyring.open(tampered, context="grant-1:access")
    with pytest.raises(KeyringError, match="not a sealed value"):
        keyring.open("secret-token", context="grant-1:access")
    assert "secret-token" not in sealed
