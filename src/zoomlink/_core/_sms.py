"""SMS segment maths (3GPP TS 23.038 / 23.040): how many parts a text is sent as.

A text of GSM-7 characters takes 160 septets in one SMS, or 153 per part once split (the
concatenation header takes the rest); the extension characters (``^{}\\[~]|€`` and form feed)
take two septets, and an escape pair is never split across parts. Any other character makes
the whole text UCS-2: 70 UTF-16 units in one SMS, 67 per part, a surrogate pair never split.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Encoding = Literal["gsm7", "ucs2"]

# The GSM 03.38 default alphabet, in code order (ESC at 0x1B left out), and its extension.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# (one SMS, one part of a split SMS), in the encoding's units
LIMITS: dict[Encoding, tuple[int, int]] = {"gsm7": (160, 153), "ucs2": (70, 67)}

MAX_SEGMENTS = 2
"""Booking messages by SMS stay within this many parts."""


def encoding(text: str) -> Encoding:
    """``gsm7`` when every character is in the GSM 7-bit alphabet or its extension."""
    gsm = GSM7_BASIC | GSM7_EXTENSION
    return "gsm7" if all(char in gsm for char in text) else "ucs2"


def char_units(char: str, scheme: Encoding) -> int:
    """What one character takes: septets in GSM-7, UTF-16 code units in UCS-2."""
    if scheme == "gsm7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str) -> int:
    """The text's length in its encoding's units."""
    scheme = encoding(text)
    return sum(char_units(char, scheme) for char in text)


def segments(text: str) -> int:
    """How many SMS parts ``text`` is sent as (0 for the empty text)."""
    scheme = encoding(text)
    single, part = LIMITS[scheme]
    total = units(text)
    if total <= single:
        return 1 if text else 0
    count, used = 1, 0
    for char in text:
        size = char_units(char, scheme)
        if used + size > part:  # a character's units never straddle two parts
            count, used = count + 1, 0
        used += size
    return count


def first_that_fits(candidates: Iterable[str], max_segments: int = MAX_SEGMENTS) -> str:
    """The first candidate sent in at most ``max_segments`` parts, else the last one."""
    text = ""
    for text in candidates:
        if segments(text) <= max_segments:
            return text
    return text
