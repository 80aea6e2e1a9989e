"""The harness that runs the docs' blocks: it leaves no block out, and its checks can fail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sybil.example import SybilFailure

from tests.doc_blocks import DOCS, console
from tests.doc_blocks.checks import check_signature
from tests.doc_blocks.page import ROOT, DocPage, NetworkRefused

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HIDDEN = re.compile(r"^\s*(%|<!--)\s*invisible-code-block", re.MULTILINE)


@pytest.fixture
def page() -> Iterator[DocPage]:
    """A docs page, started as its blocks find it, finished afterwards."""
    started = DocPage(ROOT / "docs" / "index.md")
    started.start()
    yield started
    started.finish({})


def test_a_block_in_an_unknown_language_fails_naming_its_page_and_line(tmp_path: Path) -> None:
    """A fenced block no parser claims is a failing test whose message names page and line."""
    path = tmp_path / "page.md"
    path.write_text("# A page\n\n```python\nx = 1\n```\n\n```rust\nfn main() {}\n```\n")
    document = DOCS.parse(path)
    python, rust = document.examples()
    python.evaluate()
    with pytest.raises(SybilFailure, match=rf"{path}:7: no parser claims this ```rust block"):
        rust.evaluate()


def test_readme_and_every_page_of_the_docs_are_collected() -> None:
    """pytest collects README.md and every page of docs/, and no other Markdown file."""
    assert all(DOCS.should_parse(path) for path in PAGES)
    assert not DOCS.should_parse(ROOT / "benchmarks" / "REPORT.md")


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_hidden_setup_is_a_comment_to_myst(path: Path) -> None:
    """Every hidden block is a MyST comment (an HTML one in README.md): readers never see it
    (a markdown block may show how one is written)."""
    tokens = create_md_parser(MdParserConfig(), RendererHTML).parse(path.read_text())
    hidden = ("myst_line_comment", "html_block")
    shown = [token for token in tokens if token.type not in hidden and token.info != "markdown"]
    for token in shown:
        children = [child for child in token.children or [] if child.type != "code_inline"]
        texts = [child.content for child in children] if token.children else [token.content]
        assert not [text for text in texts if HIDDEN.search(text)], token.map


def test_a_signature_that_differs_from_the_real_one_fails() -> None:
    """The signature check refuses a missing parameter and a wrong type."""
    with pytest.raises(AssertionError, match="the parameters differ"):
        check_signature("FakeZoom(*, clock: FakeClock | None = None)", "zoomlink.testing.FakeZoom")
    shown = "FakeZoom(*, clock: int = None, seed=None, webhook_url=None, webhook_secret=None, webhook_callback=None)"
    with pytest.raises(AssertionError, match="clock"):
        check_signature(shown, "zoomlink.testing.FakeZoom")


@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        ('$ pip install "zoomlink[nope]"', "no extra"),
        ("$ python3 -m pip install leftpad", "not a dev dependency"),
        ("$ python3 -m nox -s nope", "no session"),
        ("$ python3 -m pytest -m nope tests", "unregistered markers"),
        ("$ python3 -m pytest tests/nope.py", "no test path"),
        ("$ export ZOOMLINK_NOPE=1", "nothing reads"),
        ("$ python3 -c 'print(1)'\n2", "the docs show"),
        ("$ frobnicate --all", "no handler"),
    ],
)
def test_console_commands_that_are_wrong_fail(page: DocPage, command: str, refusal: str) -> None:
    """A console block naming what the project does not have, or showing other output, fails."""
    with pytest.raises(AssertionError, match=refusal):
        console.run_block(page, command, 1)


def test_a_grep_that_finds_something_fails(page: DocPage) -> None:
    """A grep the docs ask to find nothing fails when it finds something."""
    page.console_cwd = ROOT / "examples"
    with pytest.raises(AssertionError, match="grep found"):
        console.run_block(page, "$ grep -rn -e acct_demo cassettes/", 1)


def test_blocks_reach_zoom_as_the_fake_and_nothing_else(page: DocPage) -> None:
    """While a page runs, zoom.us is its fake Zoom and every other host is refused."""
    assert httpx.get("https://api.zoom.us/v2/users/me").status_code == 401
    assert page.fake.calls()
    with pytest.raises(NetworkRefused):
        httpx.get("https://example.com/")
