"""The plugin's zoom_cassette fixture in a host's own test suite: the example records, replays
its committed cassette with no network, and refuses to reach Zoom without one."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "test_recorded_zoom.py"
CASSETTE = Path("cassettes") / "test_recorded_zoom" / "test_a_booking_gets_a_meeting.yaml"


def _pytest(folder: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """A separate pytest run of the example in `folder`, with no Zoom credentials in its
    environment and only the recorder settings given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "ZOOMLINK_"))}
    env.update(environ)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            EXAMPLE.name,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=folder,
        env=env,
    )


def _host_suite(folder: Path) -> None:
    """A host's test folder: the example and a pytest configuration of its own."""
    shutil.copy(EXAMPLE, folder)
    (folder / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n", encoding="utf-8"
    )


def test_the_example_replays_its_committed_cassette() -> None:
    """examples/test_recorded_zoom.py passes from its cassette alone (the CI case)."""
    result = _pytest(EXAMPLE.parent)
    assert "1 passed" in result.stdout, result.stdout + result.stderr


def test_a_host_suite_records_once_then_replays_unchanged(tmp_path: Path) -> None:
    """A recording run writes the cassette beside the test, without the app's credentials or
    any token; the next run replays it without touching it."""
    _host_suite(tmp_path)
    recorded = _pytest(tmp_path, ZOOMLINK_RECORD_MODE="once")
    assert "1 passed" in recorded.stdout, recorded.stdout + recorded.stderr
    text = (tmp_path / CASSETTE).read_text(encoding="utf-8")
    basic = base64.b64encode(b"fake-s2s-app:fake-s2s-secret").decode()
    assert "fake-s2s-secret" not in text
    assert basic not in text
    assert re.findall(r'"access_token":"([^"]*)"', text) == ["<ACCESS_TOKEN>"]
    assert re.findall(r"zak=([^&\"']*)", text) == ["%3CZAK%3E"] * 2
    replayed = _pytest(tmp_path)
    assert "1 passed" in replayed.stdout, replayed.stdout + replayed.stderr
    assert (tmp_path / CASSETTE).read_text(encoding="utf-8") == text


def test_playback_without_a_cassette_fails_instead_of_calling_zoom(tmp_path: Path) -> None:
    """With no cassette and no record mode, the first request fails: nothing reaches Zoom."""
    _host_suite(tmp_path)
    result = _pytest(tmp_path)
    assert "1 failed" in result.stdout
    assert "CannotOverwriteExistingCassetteException" in result.stdout
    assert not (tmp_path / CASSETTE).exists()
