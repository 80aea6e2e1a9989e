#!/usr/bin/env python3
"""Generate the sync twins of zoomlink's async code.

Orchestration is written once, as async code under ``_async/`` directories; this script writes
the matching ``_sync/`` files by plain text substitution (the approach of httpcore and hishel).
The generated files are committed and never edited by hand.

    python scripts/unasync.py          # regenerate
    python scripts/unasync.py --check  # fail if any generated file is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (async directory, sync directory) pairs.
DIRECTORIES = [
    ("src/zoomlink/_async", "src/zoomlink/_sync"),
    ("src/zoomlink/stores/_async", "src/zoomlink/stores/_sync"),
    ("tests/_async", "tests/_sync"),
    ("src/zoomlink/testing/contracts/_async", "src/zoomlink/testing/contracts/_sync"),
]

# Phrases that differ in meaning, not just in keywords; swapped before the generic rules.
PHRASES = [
    ("asyncio hosts (FastAPI, Starlette, aiohttp …)", "threaded hosts (Django, Flask …)"),
    ("The sync twin", "The async twin"),
    ("an async context manager", "a context manager"),
    ("an async iterator", "an iterator"),
    ("AbstractAsyncContextManager", "AbstractContextManager"),
]

# Generic rules, applied in order.
RULES = [
    (r"\bAsync([A-Z][A-Za-z0-9_]*)", r"\1"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"__aiter__", "__iter__"),
    (r"__anext__", "__next__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\basyncio\.sleep\b", "time.sleep"),
    (r"\basynccontextmanager\b", "contextmanager"),
    (r"^import asyncio$", "import time"),
    (r"^ *@pytest\.mark\.asyncio\n", ""),
    (r"\bpytest_asyncio\.fixture\b", "pytest.fixture"),
    (r"^import pytest_asyncio\n", ""),
    (r"\b_async\b", "_sync"),
    (r"^(from collections\.abc import (?:\w+, )*)Awaitable, ", r"\1"),
    (r"\bAwaitable\[(\w+)\]", r"\1"),
    (r"\bgather_async\b", "gather_threads"),
]

HEADER = (
    "# This file is generated from {source} by scripts/unasync.py.\n"
    "# Do not edit it: edit the async original and run the script.\n"
)


def unasync_text(text: str, used: set[int]) -> str:
    """The sync twin of one async source text; records which rules applied in ``used``."""
    for index, (async_phrase, sync_phrase) in enumerate(PHRASES):
        placeholder = f"\x00{index}\x00"
        if async_phrase in text or sync_phrase in text:
            used.add(-1 - index)
        text = text.replace(sync_phrase, placeholder).replace(async_phrase, sync_phrase)
        text = text.replace(placeholder, async_phrase)
    for index, (pattern, replacement) in enumerate(RULES):
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count:
            used.add(index)
    return text


def generate() -> dict[Path, str]:
    """Every sync file's expected text, keyed by path."""
    outputs: dict[Path, str] = {}
    used: set[int] = set()
    for async_dir, sync_dir in DIRECTORIES:
        source_root = ROOT / async_dir
        if not source_root.is_dir():
            continue
        for source in sorted(source_root.rglob("*.py")):
            relative = source.relative_to(source_root)
            header = HEADER.format(source=f"{async_dir}/{relative.as_posix()}")
            body = unasync_text(source.read_text(encoding="utf-8"), used)
            outputs[ROOT / sync_dir / relative] = header + body
    unused = [RULES[i][0] for i in range(len(RULES)) if i not in used]
    unused += [PHRASES[i][0] for i in range(len(PHRASES)) if -1 - i not in used]
    if unused:
        # A rule that never fires is either dead or a sign that a file went missing.
        print("unasync: rules never used: " + ", ".join(unused), file=sys.stderr)
    return outputs


def stale_files(outputs: dict[Path, str]) -> list[Path]:
    """Generated files that differ from what they should be, or should not exist."""
    stale = [
        path
        for path, text in outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    for _, sync_dir in DIRECTORIES:
        sync_root = ROOT / sync_dir
        if sync_root.is_dir():
            stale += [p for p in sorted(sync_root.rglob("*.py")) if p not in outputs]
    return stale


def main(argv: list[str] | None = None) -> int:
    """Regenerate, or with ``--check`` report out-of-date files and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    args = parser.parse_args(argv)
    outputs = generate()
    stale = stale_files(outputs)
    if args.check:
        for path in stale:
            print(f"unasync: out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        if path in outputs:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outputs[path], encoding="utf-8")
            print(f"unasync: wrote {path.relative_to(ROOT)}")
        else:
            path.unlink()
            print(f"unasync: removed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
