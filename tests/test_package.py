"""The package's shape: its public names, its import direction, its generated code."""

from __future__ import annotations

import ast
import graphlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

import zoomlink

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "zoomlink"

# Lower layers never import higher ones (DESIGN.md: errors <- models <- protocols <- _core <-
# _async (-> _sync) <- __init__). The command line and demo sit on top.
LAYERS: dict[str, int] = {
    "zoomlink.errors": 0,
    "zoomlink.models": 1,
    "zoomlink._models": 1,  # the modules behind zoomlink.models, one idea each
    "zoomlink.booking": 1,
    "zoomlink.invites": 1,
    "zoomlink.availability": 1,
    "zoomlink.webhooks": 1,
    "zoomlink.purge": 1,
    "zoomlink.outbox": 1,
    "zoomlink.protocols": 2,
    "zoomlink.clocks": 2,
    "zoomlink.keyring": 2,
    "zoomlink._version": 2,
    "zoomlink._core": 3,
    "zoomlink._async": 4,
    "zoomlink._sync": 4,
    "zoomlink._locks": 4,
    "zoomlink._resolutions": 4,  # context shared by the async and sync orchestration
    "zoomlink._precedence": 3,  # which store call goes first: orchestration and stores share it
    "zoomlink.stores._async": 4,  # the stores written once, used by the orchestration
    "zoomlink.stores._sync": 4,
    "zoomlink.stores._postgres_sql": 3,  # statements and rows, shared by the two PostgreSQL twins
    "zoomlink.stores._postgres_locks": 4,  # advisory locks, a hand-written pair the twins use
    "zoomlink._smtp": 4,
    "zoomlink._caldav": 4,
    "zoomlink": 5,
    "zoomlink.stores": 5,
    "zoomlink.notify": 5,
    "zoomlink.calendars": 5,
    "zoomlink.web": 5,
    "zoomlink.cli": 6,
    "zoomlink._demo": 6,
    "zoomlink._worker": 6,
    "zoomlink.__main__": 6,
}
# Modules the sans-I/O core must never touch.
IO_MODULES = {"httpx", "socket", "time", "asyncio", "threading", "sqlite3", "ssl", "urllib.request"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for prefix, layer in LAYERS.items():
        matches = module == prefix or module.startswith(prefix + ".")
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), layer)
    return None if best is None else best[1]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


SOURCES = sorted(SRC.rglob("*.py"))


def test_public_names_are_complete_and_sorted() -> None:
    """__all__ lists every public name of the package, sorted case-insensitively."""
    public = {
        name
        for name in dir(zoomlink)
        if not name.startswith("_") and not isinstance(getattr(zoomlink, name), type(zoomlink))
    }
    assert sorted(public | {"__version__"}, key=str.lower) == zoomlink.__all__


def test_public_classes_present_themselves_as_zoomlink() -> None:
    """Public classes report their module as ``zoomlink``, as users import them."""
    classes = [
        getattr(zoomlink, n) for n in zoomlink.__all__ if isinstance(getattr(zoomlink, n), type)
    ]
    assert classes
    assert {c.__module__ for c in classes} == {"zoomlink"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_one_way(path: Path) -> None:
    """A module imports only from its own layer or below; _async and _sync never meet."""
    module = _module_name(path)
    imports = [
        name for name in _imports(path) if name == "zoomlink" or name.startswith("zoomlink.")
    ]
    if module.startswith("zoomlink.testing.contracts"):
        # Contract suites test stores through zoomlink's public names only.
        private = [n for n in imports if n.split(".")[1:2] and n.split(".")[1].startswith("_")]
        assert private == [], f"{module} imports private zoomlink modules"
        return
    if module.startswith("zoomlink.testing"):
        # The fake speaks only Zoom's wire format: it must not share the client's code.
        assert [n for n in imports if not n.startswith("zoomlink.testing")] == []
        return
    layer = _layer(module)
    assert layer is not None, f"{module} has no layer in LAYERS"
    for name in imports:
        if name.startswith("zoomlink.testing"):
            assert layer == 6, f"{module} imports the fake Zoom"
            continue
        target = _layer(name)
        assert target is not None, f"{module} imports {name}, which has no layer"
        assert target <= layer, f"{module} (layer {layer}) imports {name} (layer {target})"
        pair = {
            module.split(".")[1] if "." in module else "",
            name.split(".")[1] if "." in name else "",
        }
        assert pair != {"_async", "_sync"}, f"{module} imports {name}"


def test_orchestration_modules_import_each_other_one_way() -> None:
    """The _async modules form no import cycle: the booking lifecycle composes its steps,
    locks and records, which never reach back to it (nor to the facade)."""
    graph = {
        _module_name(path): {name for name in _imports(path) if name.startswith("zoomlink._async.")}
        for path in sorted((SRC / "_async").glob("*.py"))
    }
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


@pytest.mark.parametrize(
    "path", sorted((SRC / "_core").rglob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_core_does_no_io(path: Path) -> None:
    """The sans-I/O core imports no network, clock, sleep, thread or database module."""
    assert {name.split(".")[0] for name in _imports(path)} & IO_MODULES == set()


def test_package_ships_py_typed() -> None:
    """The package marks itself as typed (PEP 561)."""
    assert (SRC / "py.typed").is_file()


def test_generated_sync_code_is_up_to_date() -> None:
    """The committed _sync code is exactly what scripts/unasync.py generates from _async."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:console|bash|sh)\n(.*?)```", readme, re.DOTALL)
    commands = [
        line.removeprefix("$ ").strip() for b in blocks for line in b.splitlines() if line.strip()
    ]
    test_commands = [c for c in commands if "nox" in c]
    assert len(test_commands) == 1
    assert test_commands[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def _name(requirement: str) -> str:
    """The normalised project name at the start of a requirement or constraint line (PEP 503)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _pinned() -> set[str]:
    """The projects constraints/dev.txt pins to one version (for some Python at least)."""
    lines = (ROOT / "constraints" / "dev.txt").read_text(encoding="utf-8").splitlines()
    return {_name(line) for line in lines if "==" in line and not line.startswith((" ", "#"))}


def test_test_command_installs_the_pinned_toolchain() -> None:
    """The README's test command installs with constraints/dev.txt, and the file exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -c constraints/dev.txt -e ".[dev]"' in readme
    assert _pinned()


def test_every_dependency_of_the_dev_install_is_pinned() -> None:
    """Each requirement a dev install asks for directly has a pinned version in the constraints
    (a dependency added to pyproject without refreshing the pins fails here)."""
    requirements = importlib.metadata.requires("zoomlink") or []
    wanted = {_name(r) for r in requirements if "extra ==" not in r or "'dev'" in r}
    wanted.discard("zoomlink")
    assert wanted - _pinned() == set(), "run `python3 -m nox -s lock`"


def test_runtime_dependencies_are_ranges_not_pins() -> None:
    """Users never inherit the project's pins: the library's own dependencies are ranges."""
    requirements = importlib.metadata.requires("zoomlink") or []
    runtime = [r for r in requirements if "extra ==" not in r]
    assert runtime
    assert [r for r in runtime if "==" in r] == []
