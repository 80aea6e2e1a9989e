"""Every benchmark in one command, and a report of every figure next to its target.

Runs each script of ``benchmarks/`` one after another (each with ``--json``), then writes a
Markdown report: the machine (CPUs, memory, OS, Python, the load average before and after, as a
loaded machine skews every time), the date, the versions (zoomlink, httpx, psycopg, SQLite, the
PostgreSQL server), and for each script its figures with their spread and target, followed by
the table the script printed. One PostgreSQL server serves every script:
``ZOOMLINK_TEST_POSTGRES_DSN`` when set, else one started by ``scripts/postgres_server.py``.

    python benchmarks/run.py [--out PATH] [--quick] [--note TEXT]

Without ``--quick`` the report goes to ``benchmarks/REPORT.md`` (the committed one). With
``--quick`` every script runs its tiny sizes, whose figures mean nothing, so the report goes to
a temporary file (or ``--out``) and never over the committed one. ``--note`` adds a line to the
report's header (what else the machine was doing, say); a note that the machine was loaded is
added by itself when the load average is at or above the CPU count as the run begins. Warning
options given to Python (``python -W error benchmarks/run.py``) are passed on to every script.
Exits 1 when a script failed; the report says which and shows its output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import attrs
from _support import ROOT, Figure, postgres

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
DSN_ENV = "ZOOMLINK_TEST_POSTGRES_DSN"
PACKAGES = ("zoomlink", "httpx", "psycopg", "attrs", "cryptography", "zoomus")


def scripts() -> list[Path]:
    """The benchmark scripts: every ``*.py`` here but this one and the shared ``_support``."""
    return [path for path in sorted(HERE.glob("[!_]*.py")) if path.name != Path(__file__).name]


@attrs.frozen
class Outcome:
    """What one script did: its figures, what it printed, and how long it took."""

    script: str
    returncode: int
    seconds: float
    output: str
    figures: list[Figure]


def run_script(script: Path, quick: bool, env: dict[str, str], folder: Path) -> Outcome:
    """Run one benchmark, its figures written to a JSON file in ``folder``."""
    figures_path = folder / f"{script.stem}.json"
    warnings = [f"-W{option}" for option in sys.warnoptions]
    command = [sys.executable, *warnings, str(script), "--json", str(figures_path)]
    if quick:
        command.append("--quick")
    print(f"running {script.name} …", flush=True)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own scripts, with this Python
        command, capture_output=True, text=True, check=False, cwd=ROOT, env=env
    )
    seconds = time.perf_counter() - started
    figures = []
    if result.returncode == 0 and figures_path.exists():
        rows = json.loads(figures_path.read_text(encoding="utf-8"))
        figures = [
            Figure(**{**row, "spread": tuple(row["spread"]) if row["spread"] else None})
            for row in rows
        ]
    output = result.stdout + (f"\n[stderr]\n{result.stderr}" if result.stderr.strip() else "")
    return Outcome(script.name, result.returncode, seconds, output, figures)


# -- the machine and the versions ------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{total / 2**30:.1f} GiB"


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def loaded() -> bool:
    """Whether the machine is busy with other work: more runnable tasks than CPUs."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:
        return False


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _postgres_version(dsn: str | None) -> str:
    if dsn is None:
        return "not used (none could be started)"
    try:
        import psycopg

        with psycopg.connect(dsn) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"
    return str(row[0]) if row else "unknown"


def machine_rows(load_before: str, load_after: str) -> list[tuple[str, str]]:
    return [
        ("CPUs", f"{os.cpu_count()} x {_cpu_model()}"),
        ("memory", _memory()),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("load average before", load_before),
        ("load average after", load_after),
    ]


def version_rows(dsn: str | None) -> list[tuple[str, str]]:
    rows = [(package, _version(package)) for package in PACKAGES]
    rows.append(("SQLite", sqlite3.sqlite_version))
    rows.append(("PostgreSQL server", _postgres_version(dsn)))
    return rows


# -- the report ------------------------------------------------------------------------------------


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def figure_row(figure: Figure) -> str:
    spread = "-" if figure.spread is None else " to ".join(_number(v) for v in figure.spread)
    met = figure.met()
    verdict = "-" if met is None else ("ok" if met else "MISSED")
    cells = [
        figure.name,
        _number(figure.value),
        figure.unit,
        spread,
        figure.target or "-",
        verdict,
    ]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def report(
    outcomes: Sequence[Outcome],
    quick: bool,
    started: datetime,
    machine: list[tuple[str, str]],
    versions: list[tuple[str, str]],
    notes: Sequence[str] = (),
) -> str:
    lines = ["# zoomlink benchmark report", ""]
    if quick:
        lines += [
            "**Quick mode: tiny sizes, to prove the benchmarks run; the figures mean nothing.**",
            "",
        ]
    lines += [f"**{note}**\n" for note in notes]
    lines += [
        f"Run on {started:%Y-%m-%d %H:%M} UTC with `python benchmarks/run.py"
        f"{' --quick' if quick else ''}`. Every figure is a ratio or count measured side by "
        "side in the same run (the medians of interleaved runs, with the lowest and highest as "
        "the spread), or a time shown for context. Times depend on the machine and on what "
        "else ran on it: see the load average below.",
        "",
        "| machine | |",
        "| --- | --- |",
        *(f"| {name} | {_cell(value)} |" for name, value in machine),
        "",
        "| version | |",
        "| --- | --- |",
        *(f"| {name} | {_cell(value)} |" for name, value in versions),
        "",
    ]
    missed = [
        f"{outcome.script}: {figure.name}"
        for outcome in outcomes
        for figure in outcome.figures
        if figure.met() is False
    ]
    failed = [outcome.script for outcome in outcomes if outcome.returncode != 0]
    lines.append(f"Targets missed: {len(missed)}" + (f" ({'; '.join(missed)})" if missed else ""))
    lines.append(f"Scripts failed: {len(failed)}" + (f" ({', '.join(failed)})" if failed else ""))
    for outcome in outcomes:
        status = "" if outcome.returncode == 0 else f", FAILED (exit {outcome.returncode})"
        lines += [
            "",
            f"## {outcome.script}",
            "",
            f"{outcome.seconds:.1f} s{status}",
            "",
            "| figure | value | unit | spread | target | |",
            "| --- | ---: | --- | --- | --- | --- |",
            *(figure_row(figure) for figure in outcome.figures),
            "",
            "```text",
            outcome.output.rstrip(),
            "```",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run every benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, help="where to write the report (default benchmarks/REPORT.md)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a line for the report's header (repeatable)"
    )
    arguments = parser.parse_args()
    # Stopped with SIGTERM: unwind, so the running script and the PostgreSQL server end too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out: Path | None = arguments.out
    notes: list[str] = arguments.note
    quick: bool = arguments.quick
    if quick and (out is None or out.resolve() == REPORT):
        # Meaningless quick figures never replace the committed report.
        out = Path(tempfile.mkdtemp(prefix="zoomlink-bench-")) / "REPORT.md"
    out = out or REPORT
    started = datetime.now(timezone.utc)
    load_before = _load()
    if loaded():
        notes.append(
            "The machine was loaded by other work when the run began (a load average at or "
            "above its CPU count): times are slower and noisier than on an idle machine; the "
            "ratios of runs made side by side suffer less."
        )
    with tempfile.TemporaryDirectory() as folder, postgres(Path(folder)) as dsn:
        env = {**os.environ, **({DSN_ENV: dsn} if dsn else {})}
        outcomes = [run_script(script, quick, env, Path(folder)) for script in scripts()]
        versions = version_rows(dsn)
    machine = machine_rows(load_before, _load())
    text = report(outcomes, quick, started, machine, versions, notes)
    out.write_text(text, encoding="utf-8")
    print(f"report written to {out}")
    failed = [outcome for outcome in outcomes if outcome.returncode != 0]
    for outcome in failed:
        print(f"{outcome.script} failed (exit {outcome.returncode}):\n{outcome.output}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
