"""Fixtures for the wire-format conformance suite of ``zoomlink.testing.FakeZoom``.

Every test drives the fake only through HTTP: Zoom's own routes (``/oauth/*``, ``/v2/*``) and the
fake's documented control routes (``/_fake/*``). The ``zoom`` fixture runs each test three times:
in process (``httpx.MockTransport``), over a loopback socket (``fake.serve()``) and against the
``python -m zoomlink fake-zoom`` command.

The helpers live beside it, one idea each: ``_seed`` (the accounts, users and apps every test
starts from), ``_client`` (the HTTP-only client, OAuth included), ``_pages`` (the consent page
read as forms) and ``_hooks`` (the webhook receiver).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.fake_zoom._client import Mode, Tokens, Zoom
from tests.fake_zoom._hooks import HookReceiver
from tests.fake_zoom._seed import DEMO_APPS, DEMO_USERS, WEBHOOK_SECRET, build_seed

CLI_START_TIMEOUT = 30.0


# --------------------------------------------------------------------------------------------
# Fixtures.
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def hooks() -> Iterator[HookReceiver]:
    """The session's webhook receiver."""
    receiver = HookReceiver()
    yield receiver
    receiver.close()


@dataclass
class CliServer:
    """A ``python -m zoomlink fake-zoom`` process."""

    process: subprocess.Popen[str]
    url: str
    stdout_rest: list[str]
    pump: threading.Thread

    def stop(self) -> None:
        """Terminate the process and release its pipe."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.pump.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _start_cli(argv: Sequence[str], log: Path) -> CliServer:
    with log.open("w") as stderr:
        process = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    lines: queue.Queue[str] = queue.Queue()
    rest: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        first = True
        for line in process.stdout:
            if first:
                lines.put(line)
                first = False
            else:
                rest.append(line)
        if first:
            lines.put("")

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        first_line = lines.get(timeout=CLI_START_TIMEOUT).strip()
    except queue.Empty:
        first_line = ""
    server = CliServer(process, first_line.rstrip("/"), rest, thread)
    if not first_line.startswith("http://127.0.0.1:"):
        server.stop()
        raise AssertionError(f"unexpected first line {first_line!r}; stderr: {log.read_text()}")
    return server


@pytest.fixture(scope="session")
def cli_server(
    hooks: HookReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliServer]:
    """One fake-zoom process for the session, seeded from a file."""
    directory = tmp_path_factory.mktemp("fake_zoom_cli")
    seed_file = directory / "seed.json"
    seed_file.write_text(json.dumps(build_seed(hooks.base)))
    server = _start_cli(
        [
            sys.executable,
            "-m",
            "zoomlink",
            "fake-zoom",
            "--port",
            "0",
            "--seed",
            str(seed_file),
            "--webhook-url",
            hooks.url("default"),
            "--webhook-secret",
            WEBHOOK_SECRET,
        ],
        directory / "stderr.log",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    """``fake-zoom --port 0`` with no seed file: the demo data of ``default_seed()``."""
    directory = tmp_path_factory.mktemp("fake_zoom_demo")
    server = _start_cli(
        [sys.executable, "-m", "zoomlink", "fake-zoom", "--port", "0"], directory / "stderr.log"
    )
    yield server
    server.stop()


@pytest.fixture
def demo_zoom(demo_cli: CliServer, hooks: HookReceiver) -> Iterator[Zoom]:
    """A handle on the demo-seeded CLI fake (its users and apps are the documented demo ones)."""
    with httpx.Client(timeout=30.0) as http:
        yield Zoom(
            "cli",
            http,
            demo_cli.url,
            demo_cli.url,
            hooks,
            {},
            users=DEMO_USERS,
            apps=DEMO_APPS,
        )


@pytest.fixture(params=["inprocess", "socket", "cli"])
def zoom(request: pytest.FixtureRequest, hooks: HookReceiver) -> Iterator[Zoom]:
    """The fake, reached in one of the three ways, freshly reset and seeded."""
    mode: Mode = request.param
    seed = build_seed(hooks.base)
    if mode == "cli":
        server: CliServer = request.getfixturevalue("cli_server")
        assert server.process.poll() is None, "the fake-zoom process died"
        with httpx.Client(timeout=30.0) as http:
            handle = Zoom(mode, http, server.url, server.url, hooks, seed)
            handle.prepare()
            yield handle
        return

    from zoomlink.testing import FakeClock, FakeZoom

    fake = FakeZoom(
        clock=FakeClock(), webhook_url=hooks.url("default"), webhook_secret=WEBHOOK_SECRET
    )
    if mode == "inprocess":
        with httpx.Client(transport=httpx.MockTransport(fake), timeout=30.0) as http:
            handle = Zoom(mode, http, "https://zoom.us", "https://api.zoom.us", hooks, seed)
            handle.prepare()
            yield handle
        return
    with fake.serve() as served, httpx.Client(timeout=30.0) as http:
        url = served.url.rstrip("/")
        assert url.startswith("http://127.0.0.1:"), url
        handle = Zoom(mode, http, url, url, hooks, seed)
        handle.prepare()
        yield handle


@pytest.fixture
def owner_tokens(zoom: Zoom) -> Tokens:
    """The Pro owner connected through the user-managed app."""
    return zoom.connect(zoom.app("user"), zoom.user("owner"))


@pytest.fixture
def s2s(zoom: Zoom) -> Tokens:
    """An S2S token for the Pro account."""
    return zoom.s2s_token(zoom.app("s2s"))
