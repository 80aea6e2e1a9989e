"""A headless Chromium for the browser tests, driven by Selenium through Debian's chromedriver.

``scripts/browser.py`` finds Chromium and chromedriver, or installs Debian's packages when they
are missing (as root). Selenium is handed both paths, so it never looks for or downloads a
driver itself. Failing to get a browser raises: the browser test must not turn green by
skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.scripts import load_script

__all__ = ["headless_chromium"]


@contextmanager
def headless_chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium, installed first if missing; quit on exit. Raises RuntimeError when
    no browser can be had."""
    found = load_script("browser").install_browser()
    binary, driver = Path(found.binary), Path(found.driver)
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1000,1300",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=str(driver)))
    try:
        chrome.set_page_load_timeout(20)
        yield chrome
    finally:
        chrome.quit()
