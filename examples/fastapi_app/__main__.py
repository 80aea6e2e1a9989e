"""Serve the FastAPI example against the fake Zoom: ``python -m examples.fastapi_app``.

The fake Zoom runs in this process on a loopback port, seeded with its demo users and with the
site's Zoom apps; the site runs on http://127.0.0.1:8000 (``--port`` to change). Open it, sign
in as Olivia, connect Zoom (the fake's consent page), and book from the booking pages. With
``ZOOMLINK_CLIENT_ID`` set, the ``ZOOMLINK_*`` variables are used instead, and no fake.
"""

from __future__ import annotations

import argparse
import os
import socket
from collections.abc import Sequence

import uvicorn

from zoomlink.testing import FakeZoom

from ..booking_site import demo
from . import create_app


def main(argv: Sequence[str] | None = None) -> None:
    """Start the fake Zoom and serve the site until Ctrl-C (``argv``: the command's
    arguments, ``sys.argv``'s by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args(argv).port
    listener = socket.create_server(("127.0.0.1", port))
    if "ZOOMLINK_CLIENT_ID" in os.environ:  # Zoom itself, as the variables say
        uvicorn.Server(uvicorn.Config(create_app(), log_level="warning")).run(sockets=[listener])
        return
    site_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    fake = FakeZoom()
    fake.seed(demo.seed(site_url))
    with fake.serve() as zoom:
        print(f"fake Zoom at {zoom.url}\nthe site at {site_url}", flush=True)
        app = create_app(settings=demo.settings(site_url, zoom.url))
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listener])


if __name__ == "__main__":
    main()
