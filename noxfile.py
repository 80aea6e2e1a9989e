"""The project's gates, one nox session each; ``nox`` with no arguments runs them all.

Sessions run in the current environment by default (``pip install -e ".[dev]"`` once, then
``nox``), which keeps CI to a single install. Pass ``--default-venv-backend venv`` for isolated
environments: each session then installs the project itself.
"""

from __future__ import annotations

import sys

import nox

nox.options.default_venv_backend = "none"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["unasync", "lint", "typecheck", "docs", "tests"]


def _install(session: nox.Session) -> str:
    """Install the project into an isolated session; returns the Python to run tools with.

    Tools run as modules of that Python, so they are found even where pip's script directory
    is not on PATH.
    """
    if session.venv_backend == "none":
        return sys.executable
    session.install("-e", ".[dev]")
    return "python"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, warnings as errors."""
    python = _install(session)
    session.run(python, "-m", "pytest", "-W", "error", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, the tests, the scripts and the examples."""
    python = _install(session)
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
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's lint rules and formatting."""
    python = _install(session)
    session.run(python, "-m", "ruff", "check", ".")
    session.run(python, "-m", "ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """The Sphinx documentation, every warning and broken reference an error."""
    python = _install(session)
    session.run(
        python, "-m", "sphinx", "-W", "-n", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session
def unasync(session: nox.Session) -> None:
    """The generated sync code matches the async code it comes from."""
    session.run(sys.executable, "scripts/unasync.py", "--check")
