"""Checks shared by every kind of value object: a time must carry its time zone.

zoomlink never guesses a time zone, so a naive time is refused wherever a value holds one. Checks
that serve a single kind of value (a base URL, a meeting field's length) sit beside it instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from zoomlink.errors import InvalidInputError


def require_aware(instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}"
        )


def aware_or_none(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidInputError(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}: "
            "zoomlink never guesses a time zone"
        )
