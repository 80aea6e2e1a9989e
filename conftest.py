"""pytest collects the fenced blocks of README.md and docs/*.md as tests (tests/doc_blocks)."""

from tests.doc_blocks import pytest_collect_file, pytest_configure

__all__ = ["pytest_collect_file", "pytest_configure"]
