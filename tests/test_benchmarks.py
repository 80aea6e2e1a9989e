"""Every benchmark still runs, and ``benchmarks/run.py`` reports all their figures.

A benchmark nobody runs rots; ``run.py --quick`` runs each script of benchmarks/ with tiny sizes
(seconds each, warnings as errors) and writes its report; these tests read that report. The
figures themselves are for people, never asserted: only that each is there, as a number.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import DSN_ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "run.py"
COMMITTED_REPORT = ROOT / "benchmarks" / "REPORT.md"
# Every script but the runner; _support.py and _replay.py are not benchmarks.
BENCHMARKS = sorted(path for path in (ROOT / "benchmarks").glob("[!_]*.py") if path != RUNNER)
QUICK_BANNER = "Quick mode: tiny sizes"


def _sections(report: str) -> dict[str, str]:
    """The report's sections, by script name."""
    parts = re.split(r"^## ", report, flags=re.MULTILINE)[1:]
    return {part.split("\n", 1)[0].strip(): part for part in parts}


def _figure_rows(section: str) -> list[list[str]]:
    """The cells of each figure row of a section's table (header and rule left out)."""
    rows = []
    table = section.split("```text", 1)[0]  # what the script printed comes after it
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith(("| figure ", "| --- ")):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


@pytest.fixture(scope="module")
def quick_report(postgres_dsn: str) -> tuple[str, str]:
    """What ``python -W error benchmarks/run.py --quick`` printed and the report it wrote."""
    before = COMMITTED_REPORT.read_bytes() if COMMITTED_REPORT.exists() else None
    result = subprocess.run(
        [sys.executable, "-W", "error", str(RUNNER), "--quick"],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        cwd=ROOT,
        env={**os.environ, DSN_ENV_VAR: postgres_dsn},  # the suite's server, not one more
    )
    assert result.returncode == 0, result.stdout + result.stderr
    after = COMMITTED_REPORT.read_bytes() if COMMITTED_REPORT.exists() else None
    assert after == before, "a quick run never writes over the committed report"
    written = re.search(r"^report written to (.+)$", result.stdout, flags=re.MULTILINE)
    assert written is not None, result.stdout
    path = Path(written.group(1))
    assert path.resolve() != COMMITTED_REPORT.resolve()
    report = path.read_text(encoding="utf-8")
    shutil.rmtree(path.parent)
    return result.stdout, report


def test_benchmarks_are_found() -> None:
    """The benchmarks folder holds the scripts the report is expected to cover."""
    assert {script.stem for script in BENCHMARKS} >= {
        "availability",
        "bookings",
        "booking_cpu",
        "fleet_pacing",
        "footprint",
        "scale",
        "stores",
    }


def test_quick_report_says_what_ran_where(quick_report: tuple[str, str]) -> None:
    """The quick report is marked as such and names the machine, the versions and no failure."""
    _, report = quick_report
    assert report.startswith("# zoomlink benchmark report\n"), report[:200]
    assert "**Quick mode" in report
    for row in ("| CPUs |", "| memory |", "| OS |", "| Python |", "| load average before |"):
        assert row in report
    for row in ("| zoomlink |", "| httpx |", "| psycopg |", "| SQLite |", "| PostgreSQL server |"):
        assert row in report
    assert "Scripts failed: 0" in report
    assert "PostgreSQL server | not used" not in report, "the suite's server was used"


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda script: script.stem)
def test_report_holds_each_benchmarks_figures(quick_report: tuple[str, str], script: Path) -> None:
    """Each benchmark ran in quick mode and its figures are in the report, each a number."""
    _, report = quick_report
    sections = _sections(report)
    assert script.name in sections, sorted(sections)
    section = sections[script.name]
    assert f"```text\n{QUICK_BANNER}" in section, section
    rows = _figure_rows(section)
    assert rows, section
    for name, value, unit, _spread, target, verdict in rows:
        assert name, rows
        assert unit, rows
        float(value.replace(",", ""))
        assert verdict in ("-", "ok", "MISSED")
        assert (target == "-") == (verdict == "-"), rows


def _runner(monkeypatch: pytest.MonkeyPatch) -> Any:
    """benchmarks/run.py as a module (it imports its neighbours, as a script does)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("zoomlink_bench_run", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_marks_missed_targets_and_failed_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A figure off its target is marked MISSED and counted; a script that failed is named; a
    note heads the report."""
    run = _runner(monkeypatch)
    figure = sys.modules["_support"].Figure
    figures = [
        figure("kept up", 0.9, "x", ">= 0.7", (0.8, 1.0)),
        figure("fell behind", 0.5, "x", ">= 0.7", (0.4, 0.6)),
        figure("for context", 12.5, "ms"),
    ]
    outcomes = [
        run.Outcome("good.py", 0, 1.0, "a table", figures),
        run.Outcome("broken.py", 1, 0.5, "Traceback", []),
    ]
    text = run.report(
        outcomes,
        False,
        datetime.now(timezone.utc),
        [("CPUs", "2")],
        [("zoomlink", "0")],
        ["Other work shared the machine."],
    )
    assert "\n**Other work shared the machine.**\n" in text.split("\n## ", 1)[0]
    assert "Targets missed: 1 (good.py: fell behind)" in text
    assert "Scripts failed: 1 (broken.py)" in text
    assert "FAILED (exit 1)" in _sections(text)["broken.py"]
    rows = _figure_rows(_sections(text)["good.py"])
    assert [(row[0], row[3], row[5]) for row in rows] == [
        ("kept up", "0.8 to 1", "ok"),
        ("fell behind", "0.4 to 0.6", "MISSED"),
        ("for context", "-", "-"),
    ]
