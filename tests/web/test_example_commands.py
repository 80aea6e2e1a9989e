"""The example sites start as their docs say (``python -m examples.fastapi_app`` and
``python -m examples.django_app``), each with the fake Zoom in its own process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _running(module: str, port: int, *args: str) -> Iterator[subprocess.Popen[str]]:
    """The example's command, running until the block ends."""
    command = [sys.executable, "-m", module, *args, "--port", str(port)]
    # Without ZOOMLINK_* variables the examples start their own fake Zoom.
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZOOMLINK_")}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def _wait_for(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_fastapi_example_serves_and_connects_to_its_fake_zoom() -> None:
    """The FastAPI example serves its pages, and its connect link leads to the fake Zoom it
    started."""
    port = _free_port()
    with _running("examples.fastapi_app", port) as process:
        site = f"http://127.0.0.1:{port}"
        assert _wait_for(f"{site}/", process).status_code == 200
        assert process.stdout is not None
        zoom_url = re.sub(r"^fake Zoom at ", "", process.stdout.readline().strip())
        with httpx.Client(base_url=site) as browser:
            browser.post("/signin", data={"user_id": "olivia"})
            to_zoom = browser.get("/zoom/connect")
        assert to_zoom.status_code == 302
        assert to_zoom.headers["location"].startswith(f"{zoom_url}/oauth/authorize?")


def test_zoomlink_demo_web_serves_the_fastapi_example() -> None:
    """``zoomlink demo --web`` run from the checkout serves the FastAPI example against its
    own fake Zoom and prints both URLs."""
    port = _free_port()
    with _running("zoomlink", port, "demo", "--web") as process:
        site = f"http://127.0.0.1:{port}"
        assert "Olivia" in _wait_for(f"{site}/", process).text
        assert process.stdout is not None
        printed = [process.stdout.readline().strip() for _ in range(2)]
    assert printed[0].startswith("fake Zoom at http://127.0.0.1:")
    assert printed[1] == f"the site at {site}"


def test_zoomlink_demo_web_says_where_it_runs(tmp_path: Path) -> None:
    """Outside a source checkout, ``zoomlink demo --web`` exits 2 and says where to run it."""
    result = subprocess.run(
        [sys.executable, "-m", "zoomlink", "demo", "--web"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "run it from the checkout's root folder" in result.stdout


def test_django_example_serves_its_pages() -> None:
    """The Django example's development server serves its pages, with CSRF-protected forms."""
    port = _free_port()
    with _running("examples.django_app", port) as process:
        home = _wait_for(f"http://127.0.0.1:{port}/", process)
        assert home.status_code == 200
        assert 'name="csrfmiddlewaretoken"' in home.text
        booking = httpx.get(f"http://127.0.0.1:{port}/book/olivia/intro")
        assert booking.status_code == 200
