# This file is generated from src/zoomlink/testing/contracts/_async/_examples.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""The values the token store contract stores and reads back: a grant, a link, an attempt,
pending work and meeting records, each a small variation away; and a race helper.

Written once with async stores in mind; scripts/unasync.py generates the version for threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial

import attrs

from zoomlink import (
    TokenStore,
    ConnectAttempt,
    Grant,
    Link,
    StaleRecordError,
)
from zoomlink.booking import MeetingOccurrence, MeetingRecord
from zoomlink.outbox import PendingWork
from zoomlink.testing.contracts._concurrent import gather_threads

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
INDIA = timezone(timedelta(hours=5, minutes=30))
# Zoom's meeting IDs are 10 to 11 digits: more than a 32-bit integer holds.
MEETING_ID = 87_654_321_098


def make_grant(grant_id: str = "app:zu1", **changes: object) -> Grant:
    """A grant as zoomlink stores one (its tokens are opaque sealed strings to a store)."""
    client_id, _, zoom_user_id = grant_id.partition(":")
    grant = Grant(
        id=grant_id,
        client_id=client_id,
        app_kind="user",
        zoom_user_id=zoom_user_id,
        zoom_email=f"{zoom_user_id}@example.com",
        zoom_account_id="acct1",
        zoom_role="member",
        scopes=("meeting:write:meeting", "user:read:user"),
        api_url="https://api.zoom.us",
        sealed_access_token=f"zl1:k1:access-{grant_id}",
        sealed_refresh_token=f"zl1:k1:refresh-{grant_id}",
        expires_at=T0 + timedelta(hours=1),
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(grant, **changes)  # type: ignore[arg-type]


def make_link(link_id: str = "l1", **changes: object) -> Link:
    """A personal link of app user ``u1`` to grant ``app:zu1``."""
    link = Link(
        id=link_id,
        tenant="t1",
        kind="personal",
        owner_id="u1",
        grant_id="app:zu1",
        connected_by="u1",
        created_at=T0,
    )
    return attrs.evolve(link, **changes)  # type: ignore[arg-type]


def make_attempt(attempt_id: str = "a1", **changes: object) -> ConnectAttempt:
    """A personal connect started by ``u1``, valid for ten minutes."""
    attempt = ConnectAttempt(
        id=attempt_id,
        tenant="t1",
        kind="personal",
        user_id="u1",
        client_id="app",
        sealed_verifier="zl1:k1:verifier",
        created_at=T0,
        expires_at=T0 + timedelta(minutes=10),
    )
    return attrs.evolve(attempt, **changes)  # type: ignore[arg-type]


def make_work(work_id: str = "w1", **changes: object) -> PendingWork:
    """A booking's pending work as zoomlink keeps it (the booking JSON is opaque to a store)."""
    work = PendingWork(
        id=work_id,
        tenant="t1",
        booking_id=f"b-{work_id}",
        intent="schedule",
        booking='{"id": "b1", "title": "Consultation \u00e9"}',
        options='{"allow_overlap": false}',
        not_before=T0 + timedelta(minutes=1),
        attempts=0,
        last_error="ZoomServerError: Zoom answered 503",
        created_at=T0,
        updated_at=T0.astimezone(INDIA),
    )
    return attrs.evolve(work, **changes)  # type: ignore[arg-type]


def make_record(record_id: str = "t1:b1", **changes: object) -> MeetingRecord:
    """A scheduled half-hour meeting of host ``u1`` for booking ``b1`` of tenant ``t1``."""
    tenant, _, booking_id = record_id.partition(":")
    record = MeetingRecord(
        id=record_id,
        tenant=tenant,
        booking_id=booking_id,
        host_id="u1",
        event_type_id="intro",
        connection_id="l1",
        zoom_user="me",
        quota_user="zu1",
        marker="[zl:b1]",
        state="scheduled",
        meeting_id=MEETING_ID,
        join_url=f"https://zoom.us/j/{MEETING_ID}?pwd=abc",
        password="Xy7-q'9",
        topic="Intro call",
        start=T0 + timedelta(days=1),
        end=T0 + timedelta(days=1, minutes=30),
        timezone="Europe/Berlin",
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(record, **changes)  # type: ignore[arg-type]


def make_recurring_record(record_id: str = "t1:b1", **changes: object) -> MeetingRecord:
    """A weekly half-hour meeting of three occurrences, the second moved and the third
    cancelled; its times are given in India's time zone, with microseconds."""
    first = datetime(2026, 3, 2, 15, 30, 0, 123456, tzinfo=INDIA)
    occurrences = (
        MeetingOccurrence(
            occurrence_id="1772445600000",
            start=first,
            end=first + timedelta(minutes=30),
            state="scheduled",
        ),
        MeetingOccurrence(
            occurrence_id="1773050400000",
            start=first + timedelta(days=7, hours=2),
            end=first + timedelta(days=7, hours=2, minutes=30),
            state="scheduled",
        ),
        MeetingOccurrence(
            occurrence_id="1773655200000",
            start=first + timedelta(days=14),
            end=first + timedelta(days=14, minutes=30),
            state="cancelled",
        ),
    )
    record = make_record(
        record_id,
        start=first,
        end=first + timedelta(minutes=30),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        occurrences=occurrences,
    )
    return attrs.evolve(record, **changes)  # type: ignore[arg-type]


def count_winners(
    stores: tuple[TokenStore, TokenStore],
    update: Callable[[TokenStore, int], None],
) -> int:
    """Run eight compare-and-swap updates at once, alternating stores: how many succeeded."""

    def attempt(index: int) -> bool:
        try:
            update(stores[index % 2], index)
        except StaleRecordError:
            return False
        return True

    results = gather_threads(partial(attempt, index) for index in range(8))
    return results.count(True)
