"""Sphinx configuration for zoomlink's documentation."""

from __future__ import annotations

import zoomlink

project = "zoomlink"
author = "The zoomlink developers"
copyright = "2026, The zoomlink developers"
release = zoomlink.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_fidelity_*.md"]  # fidelity rows, merged into fake-fidelity.md
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The docs are built offline, so other projects' inventories are not fetched: references to
# their types are left as plain text rather than reported as broken.
nitpick_ignore_regex = [
    ("py:class", r"(httpx|attrs|datetime|collections\.abc|typing|typing_extensions|types)\..*"),
    ("py:class", r"(contextlib|os|logging|psycopg|psycopg_pool|pathlib)\..*"),
    ("py:func", r"asyncio\..*"),
    ("py:class", r"(Any|Mapping|Sequence|Literal|AsyncIterator|Iterator|TracebackType)"),
    ("py:class", r"(Unpack|Pairs|Attribute|datetime|timedelta|WebhookCallback|App)"),
    ("py:obj", r"(httpx|datetime|typing)\..*"),
    ("py:exc", r"(ValueError|KeyError)"),
    # Literal aliases, documented as data on the API page; and type variables.
    ("py:class", r"(AppKind|AppRole|ZoomRole|ConnectionKind|ConnectionStatus|GrantStatus)"),
    ("py:class", r"(LinkPolicy|DisconnectPolicy|NotificationKind|T|zoomlink\..*\.T)"),
    ("py:class", r"(AbstractContextManager|AbstractAsyncContextManager|PathLike|Path)"),
]

html_theme = "alabaster"
html_title = "zoomlink"
