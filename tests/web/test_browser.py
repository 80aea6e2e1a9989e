"""The FastAPI example in a real headless Chromium: served by uvicorn on 127.0.0.1 against the
socket fake Zoom, clicked through like a person, with a screenshot at each step.

Screenshots go to ``.ci/artifacts/screenshots`` (or ``$ZOOMLINK_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from examples.booking_site import demo
from examples.fastapi_app import create_app
from tests.web.browser import headless_chromium
from zoomlink.testing import FakeClock, FakeZoom, FakeZoomServer

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("ZOOMLINK_SCREENSHOTS", ROOT / ".ci" / "artifacts" / "screenshots"))


class Site:
    """The FastAPI example served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, listener: socket.socket, zoom_url: str) -> None:
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        app = create_app(settings=demo.settings(self.url, zoom_url))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [listener]}, daemon=True
        )

    def __enter__(self) -> Site:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def world() -> Iterator[tuple[FakeZoom, FakeZoomServer, Site]]:
    """The socket fake Zoom (its webhooks going to the site) and the site, both running."""
    listener = socket.create_server(("127.0.0.1", 0))
    site_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    fake = FakeZoom(clock=FakeClock(frozen=False))
    fake.seed(demo.seed(site_url))
    with fake.serve() as zoom, Site(listener, zoom.url) as site:
        yield fake, zoom, site


@pytest.fixture
def chrome() -> Iterator[webdriver.Chrome]:
    """Headless Chromium (installed by scripts/browser.py if missing)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with headless_chromium() as browser:
        yield browser


def _gone(element: WebElement) -> bool:
    """Whether ``element`` left the document (its page was replaced). Chromium sometimes says so
    with a plain WebDriverException instead of a stale-element one, mid-navigation."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


class Person:
    """Someone clicking through the site, with a screenshot after each step."""

    def __init__(self, chrome: webdriver.Chrome, site: Site) -> None:
        self.chrome = chrome
        self.site = site
        self.shots = 0

    def shot(self, name: str) -> None:
        self.shots += 1
        self.chrome.save_screenshot(str(SHOTS / f"{self.shots:02d}-{name}.png"))

    def _navigate(self, element: WebElement) -> None:
        """Click something that loads a page, and wait until the new page is there."""
        old = self.chrome.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.chrome, 10).until(lambda _: _gone(old))

    def click(self, css: str) -> None:
        self._navigate(self.chrome.find_element(By.CSS_SELECTOR, css))

    def button(self, label: str) -> None:
        self._navigate(self.chrome.find_element(By.XPATH, f'//button[normalize-space()="{label}"]'))

    def button_in_row(self, cell: str) -> None:
        self._navigate(self.chrome.find_element(By.XPATH, f'//tr[td="{cell}"]//button'))

    def open(self, path: str) -> None:
        self.chrome.get(self.site.url + path)

    def message(self) -> str:
        return self.chrome.find_element(By.ID, "message").text

    def text(self) -> str:
        return self.chrome.find_element(By.TAG_NAME, "body").text

    def approve_on_zoom(self, zoom_user: str) -> None:
        """On the fake Zoom's consent page: pick the user and press Authorize."""
        assert "Authorize app" in self.chrome.title
        self.chrome.find_element(By.CSS_SELECTOR, f'input[value="{zoom_user}"]').click()
        self.shot("zoom-consent")
        self.button("Authorize")


def test_a_person_books_through_the_fastapi_app_in_chromium(
    chrome: webdriver.Chrome, world: tuple[FakeZoom, FakeZoomServer, Site]
) -> None:
    """Connect on Zoom's consent page, book, a refused double booking, reschedule, cancel,
    disconnect, and an uninstall on Zoom's side all work in a real browser."""
    fake, zoom, site = world
    person = Person(chrome, site)

    person.open("/")
    person.shot("home")
    person.button_in_row("Olivia Owner")
    assert "Not connected" in person.text()
    person.shot("settings")

    person.click("#connect-zoom")
    person.approve_on_zoom("u_owner")
    assert person.message() == "Zoom is connected."
    assert "owner@example.com" in person.text()
    person.shot("connected")

    # Two clients open the booking page; the first books the first free time.
    person.open("/book/olivia/intro")
    first_tab = chrome.current_window_handle
    chrome.switch_to.new_window("tab")
    person.open("/book/olivia/intro")
    second_tab = chrome.current_window_handle
    chrome.switch_to.window(first_tab)
    chosen = chrome.find_element(By.CSS_SELECTOR, 'input[name="start"]:checked')
    start = datetime.fromisoformat(chosen.get_attribute("value") or "")
    chrome.find_element(By.NAME, "name").send_keys("Carl")
    chrome.find_element(By.NAME, "email").send_keys("carl@example.net")
    person.shot("booking-page")
    person.button("Book")
    assert person.message().startswith("Booked!")
    (meeting,) = fake.meetings()
    assert chrome.find_element(By.ID, "join-url").text == meeting["join_url"]
    person.shot("booked")

    # The second client, on the page loaded before, picks the same time: refused, readably.
    chrome.switch_to.window(second_tab)
    chrome.find_element(By.NAME, "name").send_keys("Dora")
    chrome.find_element(By.NAME, "email").send_keys("dora@example.net")
    person.button("Book")
    assert "Sorry, that time is no longer free" in person.message()
    assert len(fake.meetings()) == 1
    person.shot("double-booking-refused")
    chrome.close()
    chrome.switch_to.window(first_tab)

    # Carl moves the booking to another offered time, then cancels it.
    offered = chrome.find_elements(By.CSS_SELECTOR, '#reschedule input[name="start"]')
    offered[2].click()
    new_start = datetime.fromisoformat(offered[2].get_attribute("value") or "")
    assert new_start != start
    person.button("Move the booking")
    assert person.message().startswith("The booking was moved")
    (meeting,) = fake.meetings()
    assert datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00")) == new_start
    person.shot("rescheduled")
    person.button("Cancel the booking")
    assert person.message().startswith("The booking was cancelled")
    assert fake.meetings() == []
    person.shot("cancelled")

    # Olivia disconnects Zoom on her settings page, and connects it again.
    person.open("/settings")
    person.button("Disconnect")
    assert person.message().startswith("Zoom is disconnected")
    person.shot("disconnected")
    person.click("#connect-zoom")
    person.approve_on_zoom("u_owner")
    assert person.message() == "Zoom is connected."

    # She removes the app in Zoom itself: Zoom tells the site, which shows it at once.
    answer = httpx.post(
        f"{zoom.url}/_fake/users/u_owner/uninstall", json={"client_id": demo.USER_APP[0]}
    )
    assert answer.status_code == 204
    delivered = [d for d in fake.webhook_deliveries if d.event == "app_deauthorized"]
    assert delivered[-1].url == f"{site.url}/zoom/webhooks"
    assert delivered[-1].status == 200
    person.open("/settings")
    zoom_section = person.chrome.find_element(By.ID, "zoom").text
    assert "owner@example.com" not in zoom_section
    assert "needs reconnecting. Reconnect Zoom" in zoom_section
    members = person.chrome.find_element(By.ID, "organization").text
    assert "Status Details" in members  # every column of the members table is named
    assert "olivia no personal needs reconnecting" in members  # words, not status codes
    person.shot("uninstalled-in-zoom")
