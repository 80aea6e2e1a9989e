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
exclude_patterns = ["_build"]
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
    ("py:class", r"(contextlib|os|logging|psycopg|psycopg_pool|pathlib|ssl)\..*"),
    ("py:func", r"asyncio\..*"),
    ("py:class", r"(Any|Mapping|Sequence|Literal|AsyncIterator|Iterator|TracebackType)"),
    ("py:class", r"(Unpack|Pairs|Attribute|datetime|timedelta|WebhookCallback|App)"),
    ("py:obj", r"(httpx|datetime|typing)\..*"),
    ("py:exc", r"(ValueError|KeyError)"),
    # Literal aliases, documented as data on the API page; and type variables.
    ("py:class", r"(AppKind|AppRole|ZoomRole|ConnectionKind|ConnectionStatus|GrantStatus)"),
    ("py:class", r"(LinkPolicy|DisconnectPolicy|NotificationKind|T|zoomlink\..*\.T)"),
    ("py:class", r"(AbstractContextManager|AbstractAsyncContextManager|PathLike|Path)"),
    # The notification sinks' settings: a Literal of TLS modes and an address lookup callable,
    # both described in the sinks' docstrings.
    ("py:class", r"(Security|Lookup)"),
    # The CalDAV backends' ``calendars`` argument: a mapping or a callable, as their docs say.
    ("py:class", r"(CalendarMap|zoneinfo\.ZoneInfo)"),
    ("py:class", r"vcr\..*"),
]

# Furo: a maintained theme with a light and a dark scheme, readable on phones, and a sidebar
# that shows the whole table of contents.
html_theme = "furo"
html_title = "zoomlink"
html_theme_options = {
    "navigation_with_keys": True,
    "sidebar_hide_name": False,
    "top_of_page_buttons": [],
    "light_css_variables": {"color-brand-primary": "#0b5cff", "color-brand-content": "#0b5cff"},
    "dark_css_variables": {"color-brand-primary": "#6e9bff", "color-brand-content": "#6e9bff"},
}
