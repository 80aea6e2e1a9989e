# This file is generated from src/zoomlink/stores/_async/__init__.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""The stores written once as async code, whose sync twins scripts/unasync.py generates."""
