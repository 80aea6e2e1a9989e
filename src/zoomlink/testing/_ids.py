"""Identifiers, tokens and passcodes: deterministic with a seed, random without."""

from __future__ import annotations

import base64
import random
import secrets
import string

_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


class IdSource:
    """Makes the fake's ids; one independent random stream per kind of id.

    With a seed every stream is deterministic, and issuing a token never shifts the next
    meeting id. Without one, ids come from a randomly seeded generator and secrets (tokens,
    codes) from `secrets`.
    """

    def __init__(self, seed: int | None) -> None:
        self._seed = seed
        self._streams: dict[str, random.Random] = {}

    def rng(self, purpose: str) -> random.Random:
        """The random stream for one purpose."""
        stream = self._streams.get(purpose)
        if stream is None:
            stream = (
                random.Random() if self._seed is None else random.Random(f"{self._seed}:{purpose}")
            )
            self._streams[purpose] = stream
        return stream

    def secret(self, purpose: str, n_bytes: int = 32) -> str:
        """An unguessable URL-safe string (token, code, consent id)."""
        if self._seed is None:
            return secrets.token_urlsafe(n_bytes)
        raw = self.rng(purpose).randbytes(n_bytes)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def zoom_id(self, purpose: str = "user") -> str:
        """A 22-character id like Zoom's user and account ids."""
        rng = self.rng(purpose)
        return "".join(rng.choice(_ID_ALPHABET) for _ in range(22))

    def meeting_id(self) -> int:
        """A meeting number of 10 or 11 digits."""
        return self.rng("meeting").randint(10**9, 10**11 - 1)

    def uuid(self) -> str:
        """A meeting instance uuid: base64 of 16 bytes (it may contain ``/`` and ``+``)."""
        return base64.b64encode(self.rng("uuid").randbytes(16)).decode("ascii")

    def uuid_text(self, purpose: str) -> str:
        """A random UUID in its 36-character text form (a token's ``kid`` or ``jti``)."""
        value = self.hex(32, purpose)
        return f"{value[:8]}-{value[8:12]}-4{value[13:16]}-a{value[17:20]}-{value[20:]}"

    def digits(self, count: int, purpose: str = "digits") -> str:
        """`count` decimal digits, the first not zero."""
        rng = self.rng(purpose)
        return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(count - 1))

    def hex(self, n_chars: int, purpose: str = "hex") -> str:
        """`n_chars` lowercase hex digits."""
        rng = self.rng(purpose)
        return "".join(rng.choice("0123456789abcdef") for _ in range(n_chars))

    def chars(self, alphabet: str, count: int, purpose: str) -> str:
        """`count` characters drawn from `alphabet`."""
        rng = self.rng(purpose)
        return "".join(rng.choice(alphabet) for _ in range(count))
