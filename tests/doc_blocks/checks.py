"""Blocks that are compared with the real thing rather than run.

- ``% checked-by: NAME ARGS`` on the line before a fence hands the block to ``CHECKS[NAME]``:
  ``signature zoomlink.X`` compares a signature shown with the real one, ``layers`` the layer
  diagram with the layers the import test enforces.
- ``{literalinclude}``: the file exists and its ``:pyobject:``, ``:start-at:``, ``:start-after:``,
  ``:end-at:`` and ``:end-before:`` are found in it.
- ``{eval-rst}``: every object an ``auto...`` directive documents can be imported.
- ``{toctree}``: it lists every page in docs/, each once, and only pages that exist.
"""

from __future__ import annotations

import ast
import collections.abc
import importlib
import inspect
import json
import re
import tempfile
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _import(dotted: str) -> Any:
    """The object a dotted name names: a module, or an attribute of one."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute)
        return found
    raise AssertionError(f"cannot import {dotted}")


def _annotation(text: str, names: dict[str, Any]) -> object:
    return eval(text, {**vars(typing), **vars(collections.abc), **names})  # the docs' own


def check_signature(source: str, dotted: str) -> None:
    """The signature shown (``Name(params)``) is the object's real one: the same parameters,
    kinds, defaults and (where shown) types."""
    target = _import(dotted)
    shown = ast.parse(f"def f{source[source.index('(') :].strip()}: ...").body[0]
    assert isinstance(shown, ast.FunctionDef)
    real = inspect.signature(target, eval_str=True)
    function = inspect.unwrap(
        getattr(target, "__init__", target) if isinstance(target, type) else target
    )
    names: dict[str, Any] = getattr(function, "__globals__", {})
    arguments = shown.args
    kinds = [
        *((a, inspect.Parameter.POSITIONAL_ONLY) for a in arguments.posonlyargs),
        *((a, inspect.Parameter.POSITIONAL_OR_KEYWORD) for a in arguments.args),
        *((a, inspect.Parameter.KEYWORD_ONLY) for a in arguments.kwonlyargs),
    ]
    positional = len(arguments.posonlyargs) + len(arguments.args)
    defaults = [*[None] * (positional - len(arguments.defaults)), *arguments.defaults]
    defaults = [*defaults, *arguments.kw_defaults]
    assert [a.arg for a, _ in kinds] == list(real.parameters), "the parameters differ"
    for (argument, kind), default in zip(kinds, defaults, strict=True):
        parameter = real.parameters[argument.arg]
        assert parameter.kind == kind, f"{argument.arg} is {parameter.kind.description}"
        if default is None:
            assert parameter.default is inspect.Parameter.empty, f"{argument.arg} has a default"
        else:
            assert ast.literal_eval(default) == parameter.default, f"{argument.arg}'s default"
        if argument.annotation is not None:
            shown_type = _annotation(ast.unparse(argument.annotation), names)
            assert shown_type == parameter.annotation, f"{argument.arg}: {parameter.annotation}"


def check_layers(source: str) -> None:
    """Each layer of the diagram sits on the ones to its left, as the import test has it."""
    from tests.test_package import LAYERS

    groups = [re.findall(r"\w+", group) for group in source.strip().split("<-")]
    numbers = []
    for group in groups:
        layers = {
            LAYERS["zoomlink" if name == "zoomlink" else f"zoomlink.{name}"] for name in group
        }
        assert len(layers) == 1, f"{group} are not one layer"
        numbers.append(layers.pop())
    assert numbers == sorted(set(numbers)), f"the layers go {numbers}"


def check_page(source: str) -> None:
    """The block is a page of its own whose blocks all pass (an example of hidden setup)."""
    from tests.doc_blocks import DOCS

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example.md"
        path.write_text(source, encoding="utf-8")
        document = DOCS.parse(path)
        page = document.namespace["docs"]
        page.start()
        try:
            examples = list(document.examples())
            assert examples, "the page has no blocks"
            for example in examples:
                example.evaluate()
        finally:
            page.finish(document.namespace)


CHECKS: dict[str, Callable[..., None]] = {
    "signature": check_signature,
    "layers": check_layers,
    "page": check_page,
}


def check_literalinclude(page: Path, argument: str, options: dict[str, str]) -> None:
    """The included file exists, and every part of it the options name is in it."""
    # MyST reads quoted option values as YAML strings; double quotes escape as in JSON.
    options = {
        key: json.loads(value) if value.startswith('"') else value for key, value in options.items()
    }
    path = (page.parent / argument).resolve()
    assert path.is_file(), f"no file {argument}"
    text = path.read_text(encoding="utf-8")
    if "pyobject" in options:
        names = {
            node.name
            for node in ast.parse(text).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        assert options["pyobject"] in names, f"{argument} has no {options['pyobject']}"
    for option in ("start-at", "start-after", "end-at", "end-before"):
        if option in options:
            assert options[option] in text, f"{argument} has no {options[option]!r}"


def check_eval_rst(source: str) -> None:
    """Every object an autodoc directive documents can be imported."""
    targets = re.findall(r"^\s*\.\. auto\w+:: (\S+)", source, re.MULTILINE)
    assert targets, "no autodoc directive"
    for dotted in targets:
        _import(dotted)


def check_toctree(page: Path, source: str) -> None:
    """The tree lists every other page of the folder once, and nothing else."""
    entries = [line.strip() for line in source.splitlines() if line.strip()]
    entries = [entry for entry in entries if not entry.startswith(":")]
    pages = sorted(path.stem for path in page.parent.glob("*.md") if path != page)
    assert sorted(entries) == pages, f"listed {sorted(entries)}, the pages are {pages}"
