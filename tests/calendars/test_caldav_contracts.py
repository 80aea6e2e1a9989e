"""The CalDAV calendar backends keep the calendar contract against a real Radicale, sync and
async."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.radicale import Radicale
from zoomlink.calendars import AsyncCalDAVCalendarBackend, CalDAVCalendarBackend
from zoomlink.testing.contracts import AsyncCalendarBackendContract, CalendarBackendContract

# The calendars the contract writes to.
OWNERS = [("t1", "u1"), ("t1", "u2"), ("t2", "u1"), ("t2", "u2")]


class TestCalDAVCalendarBackend(CalendarBackendContract):
    """CalDAVCalendarBackend keeps the contract on Radicale."""

    @pytest.fixture
    def calendar(self, radicale: Radicale) -> Iterator[CalDAVCalendarBackend]:
        """A backend over fresh Radicale calendars, one per owner."""
        with CalDAVCalendarBackend(radicale.new_calendars(OWNERS)) as backend:
            yield backend


class TestAsyncCalDAVCalendarBackend(AsyncCalendarBackendContract):
    """AsyncCalDAVCalendarBackend keeps the contract on Radicale."""

    @pytest_asyncio.fixture
    async def calendar(self, radicale: Radicale) -> AsyncIterator[AsyncCalDAVCalendarBackend]:
        """A backend over fresh Radicale calendars, one per owner."""
        async with AsyncCalDAVCalendarBackend(radicale.new_calendars(OWNERS)) as backend:
            yield backend
