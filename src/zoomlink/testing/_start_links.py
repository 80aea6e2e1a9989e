"""Start links: the host's ``start_url``, whose ``zak`` expires two hours after it is issued.

Zoom: "The start_url will expire 2 hours after the creation of the meeting. If you want to
get an updated value for the expired start_url you can retrieve it by making a call to the
Get a Meeting API" (devforum.zoom.us/t/start-url-expiration-time-in-create-meeting-api/60314);
"valid for 2 hours for regular users and 90 days for API users" (devforum.zoom.us/t/meeting-
api-start-url-expiration/99578; the Meetings OpenAPI's ``start_url`` description). Every
answer that shows a ``start_url`` (create, GET) carries a freshly issued one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import attrs

from ._ids import IdSource
from ._jwt import zak_token

START_LINK_LIFETIME = timedelta(hours=2)
_BASE = "https://us05web.zoom.us/s/"


@attrs.frozen
class _Issued:
    meeting_id: int
    expires_at: datetime


class StartLinkError(ValueError):
    """A start link that does not start its meeting: `reason` is ``expired`` or ``unknown``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class StartLinks:
    """Every ``zak`` issued, with the meeting it starts and when it expires."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self._key = ids.secret("zak-key", 32).encode("ascii")
        self._issued: dict[str, _Issued] = {}
        self._latest: dict[int, str] = {}

    def issue(self, meeting_id: int, host_id: str, account_id: str, now: datetime) -> str:
        """A new start URL for the meeting, good for two hours."""
        zak = zak_token(
            self._ids,
            self._key,
            user_id=host_id,
            account_id=account_id,
            issued=now,
            ttl=START_LINK_LIFETIME,
        )
        self._issued[zak] = _Issued(meeting_id, now + START_LINK_LIFETIME)
        url = self._latest[meeting_id] = f"{_BASE}{meeting_id}?zak={zak}"
        return url

    def latest(self, meeting_id: int, host_id: str, account_id: str, now: datetime) -> str:
        """The start URL issued last for the meeting (a new one if none was)."""
        found = self._latest.get(meeting_id)
        return found if found is not None else self.issue(meeting_id, host_id, account_id, now)

    def open(self, url: str, now: datetime) -> int:
        """The meeting a start URL starts, if it still may (else `StartLinkError`)."""
        parts = urlsplit(url)
        zak = parse_qs(parts.query).get("zak", [""])[0]
        issued = self._issued.get(zak)
        if issued is None or parts.path.rsplit("/", 1)[-1] != str(issued.meeting_id):
            raise StartLinkError("this is not a start link the fake issued", "unknown")
        if now >= issued.expires_at:
            raise StartLinkError(
                f"this start link expired at {issued.expires_at.isoformat()}; "
                f"GET /v2/meetings/{issued.meeting_id} gives a fresh one",
                "expired",
            )
        return issued.meeting_id
