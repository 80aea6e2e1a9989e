"""Every fenced block of README.md and docs/*.md is a test, collected by Sybil.

The root ``conftest.py`` hands pytest :data:`pytest_collect_file`, so each block is a test whose
id names its page and line (``docs/quickstart.md::line:17,column:1``). The blocks of a page run
in order in one namespace, so fragments build on the blocks before them; ``docs`` in that
namespace is the page's :class:`~tests.doc_blocks.page.DocPage`.

- ``python`` blocks run (``>>>`` ones as doctests); so do hidden setup blocks, written as MyST
  comments (``% invisible-code-block: python``, or an HTML comment in README.md).
- ``console`` blocks: :mod:`tests.doc_blocks.console`.
- ``% checked-by: ...`` blocks, ``{literalinclude}``, ``{eval-rst}`` and ``{toctree}``:
  :mod:`tests.doc_blocks.checks`.
- Any other fenced block fails: no block goes untested.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer
from sybil.parsers.myst import CodeBlockParser, PythonCodeBlockParser
from sybil.parsers.myst.lexers import DirectiveLexer
from sybil.typing import Parser

from tests.doc_blocks import checks, console
from tests.doc_blocks.page import ROOT, DocPage

CHECKED = re.compile(
    r"^% checked-by: (?P<name>\w+)(?P<arguments>[^\n]*)\n"
    r"(?P<fence>`{3,})[^\n]*\n(?P<source>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
ANY_FENCE = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE),
    mapping={"info": "info", "source": "source"},
)


class PageDocument(Document):
    """A page, whose namespace holds its :class:`DocPage` as ``docs``."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self.namespace["docs"] = DocPage(Path(path))


class PrintingEvaluator(PythonEvaluator):
    """Runs a Python block and keeps what it printed as ``docs.out``, for hidden checks."""

    def __call__(self, example: Example) -> None:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                super().__call__(example)
        finally:
            example.namespace["docs"].out = printed.getvalue()
            sys.stdout.write(printed.getvalue())


class PythonBlocks(PythonCodeBlockParser):
    """``python`` blocks, visible or hidden, run in the page's namespace."""

    def __init__(self) -> None:
        super().__init__()
        self.codeblock_parser = CodeBlockParser("python", PrintingEvaluator())


def _claimed(document: Document, region: Region) -> bool:
    return any(
        region.start < other.end and other.start < region.end for _, other in document.regions
    )


def unclaimed(parser: Parser) -> Parser:
    """The parser's regions that no parser before it claimed."""

    def parse(document: Document) -> Iterator[Region]:
        for region in parser(document):
            if not _claimed(document, region):
                yield region

    return parse


def checked_blocks(document: Document) -> Iterator[Region]:
    """Blocks after ``% checked-by: NAME ARGS``: compared with the real thing by that check."""
    for found in CHECKED.finditer(document.text):
        check = checks.CHECKS.get(found["name"])
        assert check is not None, f"{document.path}: no check named {found['name']!r}"
        arguments = found["arguments"].split()

        def evaluate(
            example: Example, check: Callable[..., None] = check, arguments: list[str] = arguments
        ) -> None:
            check(example.parsed, *arguments)

        yield Region(found.start(), found.end(), found["source"], evaluate)


def console_evaluator(example: Example) -> None:
    """A console block's commands run, or are checked (tests/doc_blocks/console.py)."""
    page: DocPage = example.namespace["docs"]
    console.run_block(page, example.parsed, example.line + 1)


def directive(name: str, check: Callable[[Path, dict[str, Any]], None]) -> Parser:
    """A parser of the MyST directive ``name``, whose blocks ``check`` verifies."""
    lexer = DirectiveLexer(directive=re.escape(name))

    def parse(document: Document) -> Iterable[Region]:
        for lexed in lexer(document):
            yield Region(lexed.start, lexed.end, lexed.lexemes, evaluate)

    def evaluate(example: Example) -> None:
        check(Path(example.path), example.parsed)

    return parse


def unknown_blocks(document: Document) -> Iterator[Region]:
    """Every fenced block no other parser claimed: a test that fails, naming page and line."""
    for region in list(ANY_FENCE(document)):
        if not _claimed(document, region):
            yield Region(region.start, region.end, region.lexemes["info"], _unknown)


def _unknown(example: Example) -> str:
    page = Path(example.path)
    where = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
    return (
        f"{where}:{example.line}: no parser claims this ```{example.parsed} block; give it a "
        "language the docs' tests run (python, console), a `% checked-by:` check, or a parser "
        "in tests/doc_blocks (docs/development.md)"
    )


PARSERS: list[Parser] = [
    checked_blocks,
    unclaimed(PythonBlocks()),
    unclaimed(CodeBlockParser("console", console_evaluator)),
    directive(
        "literalinclude",
        lambda page, lexed: checks.check_literalinclude(page, lexed["arguments"], lexed["options"]),
    ),
    directive("eval-rst", lambda page, lexed: checks.check_eval_rst(lexed["source"])),
    directive("toctree", lambda page, lexed: checks.check_toctree(page, lexed["source"])),
    unknown_blocks,
]


class DocsSybil(Sybil):
    """README.md and the pages of docs/, nothing else."""

    def should_parse(self, path: Path) -> bool:
        return path == ROOT / "README.md" or (path.parent == ROOT / "docs" and path.suffix == ".md")


DOCS = DocsSybil(
    PARSERS,
    path=str(ROOT),
    setup=lambda namespace: namespace["docs"].start(),
    teardown=lambda namespace: namespace["docs"].finish(namespace),
    document_types={".md": PageDocument},
)
pytest_collect_file = DOCS.pytest()


def pytest_configure(config: pytest.Config) -> None:
    """Keep the run's configuration: console blocks check markers against it."""
    console.CONFIG.append(config)
