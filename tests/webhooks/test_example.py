"""examples/webhooks_starlette.py runs end to end against the fake Zoom."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhooks_starlette.py"


def test_the_starlette_webhooks_example_runs() -> None:
    """The example validates the URL, processes each event once and refuses a forgery."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert 'url validation: 200 {"plainToken":"qgg8vlvZRS6UYooatFL8Aw"' in out
    assert 'meeting.created: 200 {"status":"processed"' in out
    assert 'meeting.deleted: 200 {"status":"processed"' in out
    assert 'meeting.deleted again: 200 {"status":"duplicate"}' in out
    assert 'forged: 401 {"error":"signature mismatch"}' in out
    assert 'app_deauthorized: 200 {"status":"processed"' in out
    assert "olivia's connection: needs_reconnect" in out
