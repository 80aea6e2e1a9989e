# This file is generated from src/zoomlink/_async/__init__.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Orchestration, written once as async code; ``zoomlink._sync`` is generated from it."""
