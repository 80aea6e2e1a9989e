#!/usr/bin/env python3
"""A headless Chromium and its WebDriver for the browser tests, installed by the project itself.

The browser tests drive Chromium through Selenium and ``chromedriver``. Both binaries are looked
up on PATH and in Debian's places; :func:`install_browser` installs Debian's ``chromium`` and
``chromium-driver`` packages when they are missing and the caller is root. Selenium is always
given the driver's path, so it never tries to download a driver of its own.

    python scripts/browser.py    # make sure both are present, print their paths

Importable as well: ``tests/web/browser.py`` loads this file by path. Standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Browser", "find_browser", "install_browser", "main"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
DEBIAN_PACKAGES = ("chromium", "chromium-driver")


@dataclass(frozen=True)
class Browser:
    """Where the browser and its driver are."""

    binary: Path
    driver: Path


def _which(names: tuple[str, ...]) -> Path | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/bin:/usr/lib/chromium")
        if found:
            return Path(found)
    return None


def find_browser() -> Browser | None:
    """Chromium and chromedriver, or None when either is missing."""
    binary, driver = _which(BROWSER_NAMES), _which(DRIVER_NAMES)
    if binary is None or driver is None:
        return None
    return Browser(binary=binary, driver=driver)


def install_browser() -> Browser:
    """Return Chromium and chromedriver, installing Debian's packages first if needed.

    Installing needs root and apt-get; otherwise a RuntimeError says what to install.
    """
    found = find_browser()
    if found is not None:
        return found
    apt_get = shutil.which("apt-get")
    if os.geteuid() != 0 or apt_get is None:
        raise RuntimeError(
            "Chromium and chromedriver were not found on PATH, and they can only be installed "
            "automatically as root on Debian/Ubuntu. Install them (e.g. `sudo apt-get install "
            "chromium chromium-driver`) or put both on PATH."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a concurrent apt or dpkg (another test worker) instead of failing on its lock.
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    print("browser: installing Debian's chromium and chromium-driver", file=sys.stderr)
    for command in (
        [apt_get, *lock, "update"],
        [apt_get, *lock, "install", "-y", "--no-install-recommends", *DEBIAN_PACKAGES],
    ):
        # The command is apt-get's own path and fixed arguments.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise RuntimeError(
                f"{' '.join(command)} failed with exit status {result.returncode}:\n{tail}"
            )
    found = find_browser()
    if found is None:
        raise RuntimeError("apt-get installed chromium, but chromium or chromedriver is not found")
    return found


def main() -> int:
    """Make sure the browser is present and print where it is."""
    try:
        browser = install_browser()
    except RuntimeError as exc:
        print(f"browser: {exc}", file=sys.stderr)
        return 1
    print(f"browser {browser.binary}\ndriver {browser.driver}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
