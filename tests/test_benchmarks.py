"""Every benchmark still runs: each script in benchmarks/, in its quick mode.

A benchmark nobody runs rots; this runs each one with tiny sizes (a few seconds) and fails if it
errors. The figures themselves are printed for people, never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import DSN_ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted((ROOT / "benchmarks").glob("[!_]*.py"))  # _support.py is not one


def test_benchmarks_are_found() -> None:
    """The benchmarks folder holds the scripts the parametrized test below runs."""
    assert {script.stem for script in BENCHMARKS} >= {"availability", "bookings"}


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda script: script.stem)
def test_benchmark_runs_in_quick_mode(script: Path, postgres_dsn: str) -> None:
    """The benchmark runs to the end with --quick, warnings as errors, and prints its figures."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env={**os.environ, DSN_ENV_VAR: postgres_dsn},  # the suite's server, not one more
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Quick mode: tiny sizes"), result.stdout
    assert len(result.stdout.splitlines()) > 3, result.stdout
