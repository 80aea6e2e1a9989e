"""The project's scripts (``scripts/*.py``), imported by path: ``scripts`` is not a package."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["load_script"]

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@functools.cache
def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module, loaded once, under a name of our own in sys.modules
    (``zoomlink_scripts_<name>``) so it cannot shadow a package."""
    path = SCRIPTS / f"{name}.py"
    module_name = f"zoomlink_scripts_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before running it, as a normal import would be (dataclasses and pickle look
    # modules up there).
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
