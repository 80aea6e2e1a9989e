"""examples/caldav_calendar.py runs, on a Radicale it starts and on a calendar it is given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.radicale import Radicale

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "caldav_calendar.py"
STORY = """\
free: 09:00, 09:30, 10:00, 10:30, 12:00, 12:30
refused 11:30: calendar event dentist-example
created at 10:00; Alice's calendar:
  10:00-10:30 Consultation with Carol (booking bk_2001)
  11:00-12:00 Dentist (Alice's own)
moved to 12:00; Alice's calendar:
  11:00-12:00 Dentist (Alice's own)
  12:00-12:30 Consultation with Carol (booking bk_2001)
cancelled; Alice's calendar:
  11:00-12:00 Dentist (Alice's own)
"""


def run_example(*args: str) -> str:
    """The example's output; it must exit 0."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_example_books_around_the_hosts_events_on_its_own_radicale() -> None:
    """Started without a URL, the example runs its own Radicale and tells the whole story:
    free slots skip the busy event, not the free one; the booking is written, moved, removed."""
    assert run_example() == STORY


def test_the_example_uses_a_calendar_it_is_given_and_leaves_it_as_it_was(
    radicale: Radicale,
) -> None:
    """Given a calendar URL and credentials, the example tells the same story there and
    removes what it added."""
    [calendar] = radicale.new_calendars([("default", "alice")]).values()
    assert calendar.password is not None
    args = ["--url", calendar.url, "--username", "alice", "--password", calendar.password]
    assert run_example(*args) == STORY
    response = radicale.client.request(calendar.url, "PROPFIND", "", {"Depth": "1"})
    assert ".ics" not in response.raw
