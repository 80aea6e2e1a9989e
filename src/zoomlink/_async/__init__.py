"""Orchestration, written once as async code; ``zoomlink._sync`` is generated from it."""
