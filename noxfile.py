"""The project's gates, one nox session each; ``nox`` with no arguments runs them all.

Sessions run in the current environment by default, which keeps CI to a single install::

    python3 -m pip install -c constraints/dev.txt -e ".[dev]" && python3 -m nox

The toolchain comes from ``constraints/dev.txt``: versions of every tool and library the gates
have passed with, so a fresh machine runs the gates with what the project tested rather than
whatever was released this morning. Pass ``--default-venv-backend venv`` for isolated
environments: each session then installs the project itself, with the same pins.

Sessions outside the default set:

- ``latest``: every gate in a new environment with the newest releases of everything, no pins,
  to find drift on purpose rather than by surprise;
- ``lock``: refresh ``constraints/dev.txt`` to today's newest releases (then run the gates);
- ``pythons``: the test suite on each supported Python installed on this machine.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.error_on_missing_interpreters = True
# No interpreter downloads: the machine's own Pythons, or none.
nox.options.download_python = "never"
nox.options.sessions = ["unasync", "lint", "typecheck", "docs", "tests"]

ROOT = Path(__file__).resolve().parent
CONSTRAINTS = "constraints/dev.txt"
# Every Python the package supports (pyproject's requires-python, and its classifiers).
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
CONSTRAINTS_HEADER = """\
# The development toolchain at the versions the gates last passed with, for every supported
# Python: pip install -c constraints/dev.txt -e ".[dev]". Only the gates use these pins; the
# library's own dependencies stay ranges in pyproject.toml. Refresh: python3 -m nox -s lock,
# then run the gates (docs/development.md).
"""


def _install(session: nox.Session, *, pinned: bool = True) -> str:
    """Install the project into an isolated session; returns the Python to run tools with.

    Tools run as modules of that Python, so they are found even where pip's script directory
    is not on PATH. ``pinned=False`` takes the newest releases instead of the constraints.
    """
    if session.venv_backend == "none":
        return sys.executable
    if pinned:
        session.install("-c", CONSTRAINTS, "-e", ".[dev]")
    else:
        session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[dev]")
    return "python"


def _run_tests(session: nox.Session, python: str) -> None:
    session.run(python, "-m", "pytest", "-W", "error", *session.posargs)


def _run_typecheck(session: nox.Session, python: str) -> None:
    session.run(
        python,
        "-m",
        "mypy",
        "--strict",
        "src",
        "tests",
        "scripts",
        "examples",
        "benchmarks",
        "noxfile.py",
        "conftest.py",
    )


def _run_lint(session: nox.Session, python: str) -> None:
    session.run(python, "-m", "ruff", "check", ".")
    session.run(python, "-m", "ruff", "format", "--check", ".")


def _run_docs(session: nox.Session, python: str) -> None:
    session.run(
        python, "-m", "sphinx", "-W", "-n", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )


def _run_unasync(session: nox.Session, python: str) -> None:
    session.run(python, "scripts/unasync.py", "--check")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, warnings as errors (benchmarks run in their quick mode too)."""
    _run_tests(session, _install(session))


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, the tests, the scripts, examples and benchmarks."""
    _run_typecheck(session, _install(session))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's lint rules and formatting."""
    _run_lint(session, _install(session))


@nox.session
def docs(session: nox.Session) -> None:
    """The Sphinx documentation, every warning and broken reference an error."""
    _run_docs(session, _install(session))


@nox.session
def unasync(session: nox.Session) -> None:
    """The generated sync code matches the async code it comes from."""
    _run_unasync(session, sys.executable)


@nox.session(venv_backend="venv", default=False)
def latest(session: nox.Session) -> None:
    """Every gate against the newest release of every dependency and tool, ignoring the pins."""
    python = _install(session, pinned=False)
    session.run(python, "-m", "pip", "list", "--format=freeze", silent=False)
    for gate in (_run_unasync, _run_lint, _run_typecheck, _run_docs, _run_tests):
        gate(session, python)


@nox.session(venv_backend="venv", default=False)
def lock(session: nox.Session) -> None:
    """Refresh constraints/dev.txt: the newest releases that fit pyproject, for every Python.

    One universal resolution (uv's) covers every supported Python, with environment markers
    where versions differ. Afterwards, reinstall with the README's test command and run ``nox``.
    """
    session.install("uv")
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--extra",
        "dev",
        "--universal",
        "--python-version",
        SUPPORTED_PYTHONS[0],
        "--upgrade",
        "--custom-compile-command",
        "python3 -m nox -s lock",
        "--output-file",
        CONSTRAINTS,
        "--quiet",
    )
    path = ROOT / CONSTRAINTS
    path.write_text(CONSTRAINTS_HEADER + path.read_text(encoding="utf-8"), encoding="utf-8")


def _interpreter(version: str) -> str | None:
    """A working ``python<version>`` on this machine, or None.

    PATH comes first; pyenv's per-version folders are looked in too, because pyenv's shims
    answer for a version only when it is selected.
    """
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    major, minor = version.split(".")
    check = f"import sys, venv; sys.exit(sys.version_info[:2] != ({major}, {minor}))"
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            # The candidates are this machine's own interpreters, found above.
            result = subprocess.run(  # noqa: S603
                [candidate, "-c", check], capture_output=True, check=False
            )
            if result.returncode == 0:
                return candidate
    return None


def _installed_pythons() -> list[str]:
    """The supported versions installed here, each findable by nox as ``python<version>``.

    A version found outside PATH gets a link in .nox/interpreters, which goes first on PATH.
    """
    links = ROOT / ".nox" / "interpreters"
    found = []
    for version in SUPPORTED_PYTHONS:
        path = _interpreter(version)
        if path is None:
            continue
        found.append(version)
        if path != shutil.which(f"python{version}"):
            links.mkdir(parents=True, exist_ok=True)
            link = links / f"python{version}"
            link.unlink(missing_ok=True)
            link.symlink_to(path)
    if links.is_dir():
        os.environ["PATH"] = f"{links}{os.pathsep}{os.environ['PATH']}"
    return found


@nox.session(python=_installed_pythons(), venv_backend="venv", default=False)
def pythons(session: nox.Session) -> None:
    """The test suite on each supported Python installed here, with the pinned toolchain."""
    _run_tests(session, _install(session))
