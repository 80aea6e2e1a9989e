"""A real CalDAV server for the tests: Radicale, started as a subprocess on 127.0.0.1.

The server runs on a free port with its storage in a temporary folder and plain htpasswd users.
It is started once per session (``tests/conftest.py``); each test makes calendars of its own
with :meth:`Radicale.new_calendars`. Failing to start raises: a test that needs a CalDAV server
must not turn green by skipping.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
from caldav.collection import Calendar
from caldav.davclient import DAVClient

from zoomlink.calendars import CalDAVCalendar

__all__ = ["PASSWORD", "USER", "Radicale", "running_radicale"]

USER = "alice"
PASSWORD = "radicale-test-password"
START_TIMEOUT = 30.0


@attrs.frozen
class Radicale:
    """A running Radicale: its base URL and a signed-in caldav client."""

    url: str
    client: DAVClient

    def calendar(self, path: str, *, time_zone: str = "UTC") -> CalDAVCalendar:
        """The CalDAVCalendar at ``path`` under the user's home (it may not exist)."""
        return CalDAVCalendar(
            url=f"{self.url}{USER}/{path}/",
            username=USER,
            password=PASSWORD,
            time_zone=time_zone,
            timeout=10,
        )

    def new_calendars(
        self, owners: Iterable[tuple[str, str]], *, time_zone: str = "UTC"
    ) -> dict[tuple[str, str], CalDAVCalendar]:
        """A fresh, empty calendar for each ``(tenant, owner_id)``, made with MKCALENDAR."""
        prefix = uuid.uuid4().hex[:10]
        made = {}
        for tenant, owner in owners:
            calendar = self.calendar(f"{prefix}-{tenant}-{owner}", time_zone=time_zone)
            response = self.client.mkcalendar(calendar.url)
            if response.status != 201:
                raise RuntimeError(f"MKCALENDAR {calendar.url} answered {response.status}")
            made[(tenant, owner)] = calendar
        return made

    def add_event(self, calendar: CalDAVCalendar, ics: str) -> None:
        """Put an event on the calendar as its owner would, with the caldav client."""
        Calendar(client=self.client, url=calendar.url).add_event(ics)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Radicale exited with {process.returncode}: {log.read_text(errors='replace')}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Radicale did not listen on port {port} within {START_TIMEOUT} s")


@contextmanager
def running_radicale(base_dir: Path) -> Iterator[Radicale]:
    """Start Radicale with its storage and users under ``base_dir``; stop it on exit."""
    port = _free_port()
    users = base_dir / "users"
    users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    config = base_dir / "config"
    config.write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {users}
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = {base_dir / "collections"}
[rights]
type = owner_only
[logging]
level = warning
""",
        encoding="utf-8",
    )
    log = base_dir / "radicale.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, port, log)
        url = f"http://127.0.0.1:{port}/"
        client = DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False)
        try:
            yield Radicale(url, client)
        finally:
            client.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
