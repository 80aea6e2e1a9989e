"""What every database store keeps, column by column: the value objects' fields, in order.

A field added to a model without a migration then fails loudly in SQL ("no such column")
instead of being dropped silently.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from zoomlink.booking import MeetingRecord
from zoomlink.models import ConnectAttempt, Grant, Link
from zoomlink.outbox import PendingWork

GRANT_COLUMNS = tuple(field.name for field in attrs.fields(Grant))
LINK_COLUMNS = tuple(field.name for field in attrs.fields(Link))
ATTEMPT_COLUMNS = tuple(field.name for field in attrs.fields(ConnectAttempt))
RECORD_COLUMNS = tuple(field.name for field in attrs.fields(MeetingRecord))
WORK_COLUMNS = tuple(field.name for field in attrs.fields(PendingWork))
# The columns holding aware datetimes (kept in UTC).
TIMES = frozenset(
    {
        "expires_at",
        "created_at",
        "updated_at",
        "disconnected_at",
        "uninstalled_at",
        "start",
        "end",
        "not_before",
    }
)
# The columns holding tuples of strings.
LISTS = frozenset({"scopes", "calendars"})
# Quota counts are forgotten this long after they expire (measured against the expiry of the
# quota being counted: a store has no clock). Quota names carry their day, so old ones are inert.
QUOTA_GRACE = timedelta(days=2)
