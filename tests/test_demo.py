"""The demo and the examples run end to end against the embedded fake Zoom."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from zoomlink._demo import demo_fake, run_demo

ROOT = Path(__file__).resolve().parent.parent


def _python(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_demo_tells_the_whole_story() -> None:
    """The demo walks through every seed story and every step checks out."""
    out = io.StringIO()
    assert run_demo(out) == 0
    text = out.getvalue()
    assert "FAILED" not in text
    assert text.count("   ok: ") == 17
    for line in (
        "connected owner@example.com, owner of acct_demo",
        "Mia Member hosts through the organization connection, as member@example.com",
        "told the client (jane@example.net): Booked: Consultation with Jane Doe",
        "overlaps a zoom meeting from Tue 17 Mar 10:00 Berlin",
        "rr_2 at Tue 17 Mar 10:00 Berlin goes to mia",
        "proof check: nothing left",
        "Zoom's signed app_deauthorized webhook: 200, purged 1 connection(s)",
        "Every one of the 11 steps behaved.",
    ):
        assert line in text


def test_demo_fails_when_a_step_misbehaves() -> None:
    """A Zoom that refuses to make meetings makes the demo say which step failed and exit 1."""
    fake = demo_fake()
    fake.inject("meetings.create", status=400, body={"code": 300, "message": "No."}, times=99)
    out = io.StringIO()
    assert run_demo(out, fake=fake) == 1
    assert "FAILED: the step ended with ZoomValidationError" in out.getvalue()
    assert "1 check(s) failed:\n  step 3:" in out.getvalue()


def test_demo_command_exits_cleanly() -> None:
    """`zoomlink demo` (as python -m zoomlink demo) exits 0 and prints the story."""
    assert "Every one of the 11 steps behaved." in _python("-m", "zoomlink", "demo").stdout


def test_first_meeting_example_runs() -> None:
    """examples/first_meeting.py runs against the fake Zoom over a socket."""
    result = _python(str(ROOT / "examples" / "first_meeting.py"))
    assert "moved, then cancelled" in result.stdout


def test_email_invitations_example_runs() -> None:
    """examples/email_invitations.py mails both people a REQUEST, a later REQUEST and a CANCEL
    through a local SMTP server, with the host's template for the booking."""
    out = _python(str(ROOT / "examples" / "email_invitations.py")).stdout
    assert out.count("undelivered []") == 3
    assert "to carol@example.net: Your booking: Consultation with Carol" in out
    assert out.count(" REQUEST uid=") == 4
    assert out.count(" CANCEL uid=") == 2
    sequences = [
        int(line.split("sequence=")[1].split()[0])
        for line in out.splitlines()
        if "sequence=" in line
    ]
    assert sequences == sorted(sequences)
    assert sequences[0] < sequences[2] < sequences[4]


def test_booking_lifecycle_example_runs() -> None:
    """examples/booking_lifecycle.py schedules, moves and cancels one booking's meeting."""
    out = _python(str(ROOT / "examples" / "booking_lifecycle.py")).stdout
    assert "Zoom event types: ['consult']" in out
    assert "created: meeting " in out
    assert "to carol@example.net (client): Booked: Consultation with Carol" in out
    assert "updated: same link https://" in out
    assert "host starts meeting " in out
    assert "deleted; 0 meetings left in Zoom" in out
    assert ", cancelled" in out


def test_team_bookings_example_runs() -> None:
    """examples/team_bookings.py finds free slots, books for a team and refuses busy time."""
    out = _python(str(ROOT / "examples" / "team_bookings.py")).stdout
    assert "free Tue 17 Mar 10:00: alice\n" in out
    assert "free for both: Tue 17 Mar 09:00, Tue 17 Mar 11:00, Tue 17 Mar 12:00" in out
    assert "round robin rr_1 at Tue 17 Mar 09:00: alice" in out
    assert "round robin rr_2 at Tue 17 Mar 11:00: bob" in out
    assert "alternative host admin@example.com" in out
    assert "told alice@example.com, bob@example.com, carol@example.net" in out
    assert "weekly: created, one Zoom meeting of type 8" in out
    assert "Thu 26 Mar 17:00 (16:00 UTC)" in out
    assert "Thu 02 Apr 17:00 (15:00 UTC)" in out
    assert "now Fri 27 Mar 17:00: scheduled" in out
    assert "now Thu 02 Apr 17:00: cancelled" in out
    assert "refused for bob: zoom meeting Tue 17 Mar 10:00-11:00" in out
    assert "5 meetings in Zoom" in out


def test_connect_accounts_example_runs() -> None:
    """examples/connect_accounts.py connects, resolves, breaks and reconnects as it says."""
    out = _python(str(ROOT / "examples" / "connect_accounts.py")).stdout
    assert "olivia connected as owner@example.com (active)" in out
    assert "mia: hosted via organization connection, as member@example.com" in out
    assert "view: guest   unavailable" in out
    assert "notice to olivia: Action required: reconnect Zoom" in out
    assert "olivia reconnected: active" in out
    assert "olivia is hosted via the organization connection" in out


def test_regions_and_scopes_example_runs() -> None:
    """examples/regions_and_scopes.py follows a European api_url and names a missing scope."""
    out = _python(str(ROOT / "examples" / "regions_and_scopes.py")).stdout
    assert "elsa's grant remembers api_url https://api-eu.zoom.us" in out
    assert "her calls go to api-eu.zoom.us" in out
    assert "Zoom refused: missing scopes meeting:write:meeting:admin" in out


def test_readme_example_runs() -> None:
    """The Python example in the README runs as printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    assert blocks
    for block in blocks:
        code = block.split("```", 1)[0]
        assert "https://" in _python("-c", code).stdout


def test_plugin_fixtures_serve_a_host_test_suite() -> None:
    """A separate pytest run gets the fake_zoom fixtures from the installed plugin alone."""
    example = str(ROOT / "examples" / "test_with_fake_zoom.py")
    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", example)
    result = _python(*pytest_args, cwd=ROOT / "examples")
    assert "2 passed" in result.stdout


def test_disconnect_and_uninstall_example_runs() -> None:
    """examples/disconnect_and_uninstall.py purges on disconnect and on uninstall, provably."""
    out = _python(str(ROOT / "examples" / "disconnect_and_uninstall.py")).stdout
    assert "purged: {'tokens': 2, 'zoom_accounts': 1, 'meetings': 1" in out
    assert out.count("proof check clean: True") == 2
    assert "the booking still moves: detached, no Zoom link: None" in out
    assert "'result': 'purged 1 connection(s)'" in out
    assert "connection needs_reconnect: the Zoom app was uninstalled" in out
    assert "told mia: Action required: reconnect Zoom" in out


def test_zoom_outage_example_runs() -> None:
    """examples/zoom_outage.py accepts bookings while Zoom is down and makes the one still
    wanted once it is back, telling client and host then."""
    out = _python(str(ROOT / "examples" / "zoom_outage.py")).stdout
    assert "bk_1: pending, to be tried from" in out
    assert "cancelled during the outage: none" in out
    assert "messages sent so far: 0" in out
    assert "run_pending: done ['bk_1'], kept []" in out
    assert "bk_1: existing, https://" in out
    assert "meetings in Zoom: 1" in out
    assert "told client carol@example.net: Booked: Consultation" in out
    assert "told host alice@example.com: Booked: Consultation" in out
