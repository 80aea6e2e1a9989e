"""The keyring: the keys that seal tokens at rest and sign OAuth ``state`` values.

Every token a store keeps is sealed with AES-256-GCM (authenticated encryption from
``cryptography``) and bound to the record and field it belongs to, so a sealed value copied into
another row does not open. A sealed value names its key: rotate by putting a new key first —
new writes use it, older keys still open what they sealed — and drop an old key once
:meth:`zoomlink.ZoomLink.reseal_tokens` has rewritten everything under the new one.

Keys are configured as ``"key_id:base64url-key,older_id:older-key"`` (new first), typically from
an environment variable::

    keyring = Keyring.from_string(os.environ["ZOOMLINK_KEYS"])

``Keyring.generate_key()`` makes a fresh key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zoomlink.errors import KeyringError

__all__ = ["Keyring"]

_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_PREFIX = "zl1"
_NONCE_BYTES = 12
_KEY_BYTES = 32


def _decode_key(key_id: str, encoded: str | bytes) -> bytes:
    if isinstance(encoded, bytes):
        raw = encoded
    else:
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            raise KeyringError(f"key {key_id!r} is not valid base64url", key_id=key_id) from None
    if len(raw) != _KEY_BYTES:
        raise KeyringError(
            f"key {key_id!r} must be {_KEY_BYTES} bytes (AES-256), got {len(raw)}",
            key_id=key_id,
        )
    return raw


class Keyring:
    """Named AES-256 keys; the first seals new values, every one opens what it sealed.

    Args:
        keys: ``(key_id, key)`` pairs, newest first. A key is 32 raw bytes or their base64url.

    Raises:
        KeyringError: For no keys, a malformed key id, a key of the wrong size, or a repeated id.
    """

    def __init__(self, keys: Iterable[tuple[str, str | bytes]]) -> None:
        self._keys: dict[str, AESGCM] = {}
        self._signing: dict[str, bytes] = {}
        for key_id, encoded in keys:
            if not _KEY_ID.fullmatch(key_id):
                raise KeyringError(
                    f"key id {key_id!r} must be 1-32 letters, digits, '_' or '-'", key_id=key_id
                )
            if key_id in self._keys:
                raise KeyringError(f"key id {key_id!r} appears twice", key_id=key_id)
            raw = _decode_key(key_id, encoded)
            self._keys[key_id] = AESGCM(raw)
            # A separate key for signing, so one key is never used for two purposes.
            self._signing[key_id] = hmac.new(raw, b"zoomlink state signing", "sha256").digest()
        if not self._keys:
            raise KeyringError("the keyring needs at least one key to seal tokens with")
        self.primary_key_id: str = next(iter(self._keys))
        """The key new values are sealed with."""

    @classmethod
    def from_string(cls, spec: str) -> Keyring:
        """A keyring from ``"id:key,older_id:older_key"`` (newest first).

        Raises:
            KeyringError: For an empty or malformed string (the message never echoes a key).
        """
        if not isinstance(spec, str):
            raise KeyringError(f"a keyring is read from a string, not {type(spec).__name__}")
        pairs: list[tuple[str, str]] = []
        for index, item in enumerate(part.strip() for part in spec.split(",")):
            key_id, sep, key = item.partition(":")
            if not sep or not key_id or not key:
                raise KeyringError(
                    f"keyring entry {index + 1} must look like 'key_id:base64url-key'"
                )
            pairs.append((key_id.strip(), key.strip()))
        return cls(pairs)

    @classmethod
    def from_env(cls, variable: str = "ZOOMLINK_KEYS") -> Keyring:
        """A keyring from an environment variable holding :meth:`from_string`'s format.

        Raises:
            KeyringError: When the variable is unset or empty, or malformed.
        """
        spec = os.environ.get(variable, "")
        if not spec.strip():
            raise KeyringError(
                f"no token encryption key: set {variable} to 'key_id:key' "
                "(make a key with zoomlink.Keyring.generate_key())"
            )
        return cls.from_string(spec)

    @classmethod
    def ephemeral(cls) -> Keyring:
        """A keyring with one random key that lives as long as this object (memory stores)."""
        return cls([("ephemeral", secrets.token_bytes(_KEY_BYTES))])

    @staticmethod
    def generate_key() -> str:
        """A new random 256-bit key, base64url-encoded."""
        return base64.urlsafe_b64encode(secrets.token_bytes(_KEY_BYTES)).decode("ascii").rstrip("=")

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id, newest first."""
        return tuple(self._keys)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={self.key_ids!r})"

    # -- sealing --------------------------------------------------------------------------

    def seal(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` with the primary key, bound to ``context`` (record and field)."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._keys[self.primary_key_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{_PREFIX}:{self.primary_key_id}:{body}"

    def open(self, sealed: str, *, context: str) -> str:
        """Decrypt a value :meth:`seal` made for the same ``context``.

        Raises:
            KeyringError: When the value is not a sealed value, names a key the keyring lacks,
                or does not open with that key (the key changed, or the value was tampered with
                or moved to another record).
        """
        key_id = self.key_id_of(sealed)
        aead = self._keys.get(key_id)
        if aead is None:
            raise KeyringError(
                f"a stored token was sealed with key {key_id!r}, which the keyring lacks "
                f"(it has {', '.join(self._keys)}); add the old key back to open it",
                key_id=key_id,
            )
        body = sealed.split(":", 2)[2]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8"))
        except (binascii.Error, ValueError, InvalidTag):
            raise KeyringError(
                f"a stored token does not open with key {key_id!r}: the key was changed, or "
                f"the stored value was altered or moved ({context})",
                key_id=key_id,
            ) from None
        return plain.decode("utf-8")

    def key_id_of(self, sealed: str) -> str:
        """The id of the key that sealed ``sealed``.

        Raises:
            KeyringError: When ``sealed`` is not a sealed value at all (for example plaintext).
        """
        parts = sealed.split(":", 2)
        if len(parts) != 3 or parts[0] != _PREFIX or not _KEY_ID.fullmatch(parts[1]):
            raise KeyringError("a stored token is not a sealed value (was it stored in clear?)")
        return parts[1]

    def needs_reseal(self, sealed: str) -> bool:
        """Whether ``sealed`` was made with a key other than the primary one."""
        return self.key_id_of(sealed) != self.primary_key_id

    # -- signing --------------------------------------------------------------------------

    def sign(self, message: str) -> str:
        """``key_id.signature`` over ``message``: HMAC-SHA256 under the primary key."""
        return f"{self.primary_key_id}.{self._mac(self.primary_key_id, message)}"

    def verify(self, message: str, signature: str) -> bool:
        """Whether ``signature`` (from :meth:`sign`, with any key of the ring) fits ``message``."""
        key_id, _, mac = signature.partition(".")
        if key_id not in self._signing or not mac:
            return False
        return hmac.compare_digest(self._mac(key_id, message), mac)

    def _mac(self, key_id: str, message: str) -> str:
        digest = hmac.new(self._signing[key_id], message.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
