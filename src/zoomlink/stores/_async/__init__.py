"""The stores written once as async code, whose sync twins scripts/unasync.py generates."""
