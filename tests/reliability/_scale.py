"""How big the reliability suite runs: bounded by default, scaled up for the long run by
``ZOOMLINK_RELIABILITY_SCALE`` (10 gives 3,000 soak operations and ten times the examples)."""

from __future__ import annotations

import os

SCALE = max(1, int(os.environ.get("ZOOMLINK_RELIABILITY_SCALE", "1")))
SOAK_OPERATIONS = int(os.environ.get("ZOOMLINK_SOAK_OPERATIONS", str(300 * SCALE)))
EXAMPLES = 12 * SCALE  # hypothesis examples per hostile-input test
