"""What several benchmarks share: the fake Zoom's user-managed app, a PostgreSQL server, and
the figures each writes for ``benchmarks/run.py``.

Not a benchmark itself (the leading underscore keeps it out of the quick-mode test).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import operator
import os
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs

from zoomlink import Booking, EventType, Participant, ZoomApp, ZoomLink
from zoomlink.testing import FakeZoom

ROOT = Path(__file__).resolve().parent.parent
APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[str | None]:
    """A PostgreSQL DSN: ``ZOOMLINK_TEST_POSTGRES_DSN`` when set, else a throwaway server
    started by ``scripts/postgres_server.py`` under ``folder``; None when none can be had."""
    dsn = os.environ.get("ZOOMLINK_TEST_POSTGRES_DSN")
    if dsn:
        yield dsn
        return
    spec = importlib.util.spec_from_file_location(
        "zoomlink_bench_postgres", ROOT / "scripts" / "postgres_server.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        bin_dir = module.install_binaries()
    except RuntimeError as exc:
        print(f"(PostgreSQL left out: {exc})")
        yield None
        return
    with module.PostgresServer(folder / "postgres", bin_dir=bin_dir) as server:
        yield server.dsn


# -- figures, machine-readable ---------------------------------------------------------------------

TARGET_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}


@attrs.frozen
class Figure:
    """One figure of a benchmark, as ``benchmarks/run.py`` collects it.

    ``target`` is an operator and a number (``"<= 1"``, ``">= 0.7"``), or None when the figure
    is shown for context; ``spread`` is the lowest and highest of the runs behind ``value``
    (None for a count that does not vary).
    """

    name: str
    value: float
    unit: str
    target: str | None = None
    spread: tuple[float, float] | None = None

    def met(self) -> bool | None:
        """Whether the value meets the target; None when there is no target."""
        return target_met(self.value, self.target)


def target_met(value: float, target: str | None) -> bool | None:
    """Whether ``value`` meets ``target`` (``"<= 1.1"``); None without a target."""
    if target is None:
        return None
    symbol, _, number = target.partition(" ")
    return TARGET_OPERATORS[symbol](value, float(number))


def median_spread(values: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """The median of side-by-side runs, and their lowest and highest."""
    return statistics.median(values), (min(values), max(values))


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json PATH``: also write the figures there, for ``benchmarks/run.py``."""
    parser.add_argument(
        "--json", metavar="PATH", help="also write the figures to PATH as a JSON list"
    )


def write_figures(path: str | None, figures: Iterable[Figure]) -> None:
    """Write ``figures`` to ``path`` (when given) as a list of objects."""
    if path is None:
        return
    rows = [attrs.asdict(figure) for figure in figures]
    Path(path).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


# -- hosts and bookings on a fake Zoom -------------------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CONSULT = EventType(id="consult", title="Consultation", location="zoom")
CLIENT = Participant(name="Carol", time_zone="America/New_York", email="carol@example.net")
HALF_HOUR = timedelta(minutes=30)


def connect_hosts(
    link: ZoomLink, fake: FakeZoom, count: int
) -> tuple[list[Participant], list[str]]:
    """``count`` member Zoom users of the default seed's account, each connected by its own
    app user: the hosts, and their connection ids."""
    hosts, connections = [], []
    for number in range(count):
        fake.add_user(
            f"host{number}@example.com", account_id="acct_demo", role="member", user_id=f"u{number}"
        )
        url = link.personal_connect_url(f"host{number}")
        redirect = fake.approve(url, f"u{number}")
        connections.append(link.complete_connect(redirect, user_id=f"host{number}").id)
        hosts.append(
            Participant(
                name=f"Host {number}",
                time_zone="Europe/Berlin",
                email=f"host{number}@example.com",
                user_id=f"host{number}",
            )
        )
    return hosts, connections


def next_day(link: ZoomLink, fake: FakeZoom, connections: Iterable[str]) -> None:
    """A new UTC day at Zoom (fresh daily quotas), every token refreshed (outside a timing)."""
    fake.advance(timedelta(days=1))
    for connection_id in connections:
        link.access_token(connection_id)


def half_hours(
    hosts: Sequence[Participant], label: str, count: int, first: datetime
) -> list[Booking]:
    """``count`` bookings of half an hour, round robin over ``hosts``, one after another for
    each host from ``first``."""
    return [
        Booking(
            id=f"{label}-{number}",
            event_type=CONSULT,
            host=hosts[number % len(hosts)],
            clients=(CLIENT,),
            start=first + HALF_HOUR * (number // len(hosts)),
            end=first + HALF_HOUR * (number // len(hosts) + 1),
            title="Consultation",
        )
        for number in range(count)
    ]
