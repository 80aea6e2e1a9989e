"""``python -m zoomlink`` runs the command-line interface."""

from zoomlink.cli import main

raise SystemExit(main())
