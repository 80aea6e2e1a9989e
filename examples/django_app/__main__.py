"""Serve the Django example against the fake Zoom: ``python -m examples.django_app``.

The fake Zoom runs in this process on a loopback port, seeded with its demo users and with the
site's Zoom apps; the site runs on http://127.0.0.1:8000 (``--port`` to change) with Django's
development server. Open it, sign in as Olivia, connect Zoom (the fake's consent page), and
book from the booking pages. With ``ZOOMLINK_CLIENT_ID`` set, Zoom itself is used instead.
"""

from __future__ import annotations

import argparse
import os

from zoomlink.testing import FakeZoom

from ..booking_site import demo


def main() -> None:
    """Start the fake Zoom and Django's development server until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args().port
    site_url = f"http://127.0.0.1:{port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_app.settings")
    from django.core.management import execute_from_command_line

    command = ["manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    if "ZOOMLINK_CLIENT_ID" in os.environ:  # Zoom itself, as the variables say
        execute_from_command_line(command)
        return
    fake = FakeZoom()
    fake.seed(demo.seed(site_url))
    with fake.serve() as zoom:
        os.environ.update(demo.environment(site_url, zoom.url))
        print(f"fake Zoom at {zoom.url}", flush=True)
        execute_from_command_line(command)


if __name__ == "__main__":
    main()
