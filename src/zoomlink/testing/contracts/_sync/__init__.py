# This file is generated from src/zoomlink/testing/contracts/_async/__init__.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
