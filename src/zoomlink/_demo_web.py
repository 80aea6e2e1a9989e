"""``zoomlink demo --web``: the FastAPI example site, served against the fake Zoom.

The site is an example, not part of the installed package: it is served from the source
checkout in the current folder (the one ``pip install .`` was run from), with FastAPI, uvicorn
and python-multipart installed beside zoomlink.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import TextIO

NEEDED = ("fastapi", "uvicorn", "multipart")


def serve_demo_site(port: int, out: TextIO) -> int:
    """Serve ``examples/fastapi_app`` on 127.0.0.1:``port`` with its own fake Zoom until
    interrupted, printing the URLs; 2 (and why) when it cannot be served from here."""
    root = Path.cwd()
    if not (root / "examples" / "fastapi_app" / "__main__.py").is_file():
        print(
            "zoomlink demo --web serves the FastAPI example of a zoomlink source checkout: "
            "run it from the checkout's root folder.",
            file=out,
        )
        return 2
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"zoomlink demo --web needs {', '.join(missing)}: "
            'pip install fastapi uvicorn python-multipart (or pip install -e ".[dev]")',
            file=out,
        )
        return 2
    sys.path.insert(0, str(root))
    site = importlib.import_module("examples.fastapi_app.__main__")
    site.main(["--port", str(port)])
    return 0
