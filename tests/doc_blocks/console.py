"""``console`` blocks: each ``$`` command runs, or is checked where running it cannot be a test.

- ``zoomlink demo`` and ``python -c ...`` run and must exit 0; output shown under a command must
  be what it prints first.
- Servers (``zoomlink fake-zoom``, ``zoomlink worker``, ``python -m examples.<site>``) start,
  must come up and answer, and are stopped (SIGTERM) when the block ends; a port the docs name
  is swapped for a free one on 127.0.0.1 throughout the block.
- ``grep`` is a check the docs ask for: it must find nothing.
- ``pip install`` names only the project, its extras and its dev dependencies, and files that
  exist; ``nox`` only sessions of noxfile.py; ``pytest`` only paths that exist and registered
  markers; ``python script.py`` only scripts that exist. ``cd`` and ``export`` apply to the rest
  of the block; every variable set is one that zoomlink, its tests or examples, or the page read.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import attrs
import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.doc_blocks.page import ROOT, DocPage

TIMEOUT = 120.0  # seconds for a command that runs to its end
START_TIMEOUT = 30.0  # seconds for a server to come up
PLACEHOLDERS = ("...", "…")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
CONFIG: list[pytest.Config] = []  # the run's, from pytest_configure


@attrs.frozen
class Command:
    """One ``$`` line (with its continuation lines) and the output shown under it."""

    line: int  # in the page
    text: str
    output: tuple[str, ...]


def commands(source: str, first_line: int) -> list[Command]:
    """The commands of a console block whose first line is the page's ``first_line``."""
    found: list[Command] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        if not text.startswith("$ "):
            raise AssertionError(f"line {first_line + index}: output shown before any command")
        start = index
        text = text[2:]
        while text.endswith("\\"):
            index += 1
            text = text[:-1] + " " + lines[index].strip()
        index += 1
        output = []
        while index < len(lines) and not lines[index].strip().startswith("$ "):
            output.append(lines[index].strip())
            index += 1
        found.append(Command(first_line + start, text, tuple(line for line in output if line)))
    return found


@attrs.define
class Shell:
    """What the commands of one block share: the folder, the variables, the ports swapped and
    the servers still running."""

    page: DocPage
    cwd: Path
    env: dict[str, str]
    servers: ExitStack
    ports: dict[str, str] = attrs.field(factory=dict)

    def swap(self, text: str) -> str:
        for named, free in self.ports.items():
            text = re.sub(rf"(?<=[:= ]){named}\b", free, text)
        return text


def run_block(page: DocPage, source: str, first_line: int) -> None:
    """Run or check every command of the block, in order."""
    with ExitStack() as servers:
        shell = Shell(page, page.console_cwd, dict(os.environ), servers)
        for command in commands(source, first_line):
            try:
                _run_line(shell, command)
            except AssertionError as exc:
                raise AssertionError(f"line {command.line}: $ {command.text}\n{exc}") from None


def _run_line(shell: Shell, command: Command) -> None:
    words = shlex.split(shell.swap(command.text), comments=True)
    while words:
        simple = words[: words.index("&&")] if "&&" in words else words
        words = words[len(simple) + 1 :]
        _run_simple(shell, simple, command)


def _run_simple(shell: Shell, words: list[str], command: Command) -> None:
    env = dict(shell.env)
    if words[:1] == ["env"]:
        while len(words) > 2 and words[1] == "-u":
            env.pop(words[2], None)
            words = [words[0], *words[3:]]
        words = words[1:]
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        _check_read(shell.page, name)
        env[name] = value
    program, args = words[0], words[1:]
    if program == "cd":
        shell.cwd = (shell.cwd / args[0]).resolve()
        assert shell.cwd.is_dir(), f"no folder {shell.cwd}"
    elif program == "export":
        for assignment in args:
            name, _, value = assignment.partition("=")
            _check_read(shell.page, name)
            shell.env[name] = value
    elif program == "grep":
        _grep_finds_nothing(shell, words, env)
    elif program == "zoomlink":
        _zoomlink(shell, args, env, command)
    elif program == "pip":
        _check_pip(shell, args)
    elif program in ("python", "python3"):
        _python(shell, args, env, command)
    else:
        raise AssertionError(f"no handler for {program!r} in tests/doc_blocks/console.py")


def _python(shell: Shell, args: list[str], env: dict[str, str], command: Command) -> None:
    if args[:1] == ["-c"]:
        _expect_output(shell, _run(shell, [sys.executable, *args], env), command)
    elif args[:2] == ["-m", "pip"]:
        _check_pip(shell, args[2:])
    elif args[:2] == ["-m", "nox"]:
        _check_nox(args[2:])
    elif args[:2] == ["-m", "pytest"]:
        _check_pytest(shell, args[2:])
    elif args[:1] == ["-m"] and args[1].startswith("examples."):
        _serve_site(shell, [sys.executable, *args], env)
    elif args and args[0].endswith(".py"):
        assert (shell.cwd / args[0]).is_file(), f"no script {args[0]}"
    else:
        raise AssertionError(f"no handler for python {' '.join(args)}")


def _zoomlink(shell: Shell, args: list[str], env: dict[str, str], command: Command) -> None:
    argv = [sys.executable, "-m", "zoomlink", *args]
    if args[:1] == ["demo"] and "--web" not in args:
        _expect_output(shell, _run(shell, argv, env), command)
    elif args[:1] == ["fake-zoom"]:
        first = _start(shell, _with_free_port(shell, argv), env)
        _expect_output(shell, first, command)
        assert httpx.get(f"{first.strip()}/_fake/time", timeout=5).status_code == 200
    elif args[:1] == ["worker"]:
        first = _start(shell, argv, env)
        assert first.startswith("zoomlink worker: running"), first
    else:
        raise AssertionError(f"no handler for zoomlink {' '.join(args)}")


# Commands that run.


def _run(shell: Shell, argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        argv, cwd=shell.cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    return done.stdout


def _expect_output(shell: Shell, printed: str, command: Command) -> None:
    """The output the docs show under a command is the first that it prints."""
    shown = [shell.swap(line) for line in command.output]
    lines = printed.splitlines()[: len(shown)]
    assert lines == shown, f"printed {lines}, the docs show {shown}"


def _grep_finds_nothing(shell: Shell, words: list[str], env: dict[str, str]) -> None:
    """A grep in the docs is a check that must find nothing (exit 1, no output)."""
    line = " ".join(shlex.quote(word) for word in words)
    done = subprocess.run(
        ["bash", "-c", line], cwd=shell.cwd, env=env, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (1, ""), f"grep found:\n{done.stdout}{done.stderr}"


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _with_free_port(shell: Shell, argv: list[str]) -> list[str]:
    """The command on a free port: the one it names is swapped for the rest of the block."""
    if "--port" in argv:
        at = argv.index("--port") + 1
        shell.ports[argv[at]] = free = _free_port()
        return [*argv[:at], free, *argv[at + 1 :]]
    return [*argv, "--port", _free_port()]


def _start(shell: Shell, argv: list[str], env: dict[str, str]) -> str:
    """Start a server until the block ends; the first line it prints."""
    process = shell.servers.enter_context(_running(argv, shell.cwd, env))
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first, f"{argv} printed nothing"
    return first


@contextmanager
def _running(argv: list[str], cwd: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=10)
        finally:
            process.kill()
            assert process.stdout is not None
            rest = process.stdout.read()
            process.stdout.close()
        assert code in (0, -signal.SIGTERM), f"{argv} ended with {code}:\n{rest}"


def _serve_site(shell: Shell, argv: list[str], env: dict[str, str]) -> None:
    """An example site comes up and serves its home page."""
    argv = _with_free_port(shell, argv)
    # Without ZOOMLINK_* variables the example sites start their own fake Zoom.
    env = {name: value for name, value in env.items() if not name.startswith("ZOOMLINK_")}
    process = shell.servers.enter_context(_running(argv, shell.cwd, env))
    url = f"http://127.0.0.1:{argv[-1]}/"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            assert httpx.get(url, timeout=2).status_code == 200
            return
        except httpx.TransportError:
            assert process.poll() is None, f"{argv} ended with {process.returncode}"
            assert time.monotonic() < deadline, f"{url} did not answer in {START_TIMEOUT} s"
            time.sleep(0.1)


# Commands that are checked.


def _requirements() -> list[Requirement]:
    return [Requirement(line) for line in importlib.metadata.requires("zoomlink") or []]


def _extras() -> set[str]:
    return set(importlib.metadata.metadata("zoomlink").get_all("Provides-Extra") or [])


def _dev() -> set[str]:
    return {
        canonicalize_name(requirement.name)
        for requirement in _requirements()
        if requirement.marker is not None and requirement.marker.evaluate({"extra": "dev"})
    }


def _check_pip(shell: Shell, args: list[str]) -> None:
    """``pip install`` names the project (here or by name), its extras, the dev dependencies
    and files that exist."""
    assert args[:1] == ["install"], f"pip {args[:1]}: only installs are documented"
    project = "zoomlink"
    words = iter(args[1:])
    for word in words:
        if word in ("-c", "-r"):
            path = next(words)
            assert (shell.cwd / path).is_file(), f"no file {path}"
            continue
        if word == "-e":
            word = next(words)
        requirement = Requirement(f"{project}{word[1:]}" if word.startswith(".") else word)
        if word.startswith("."):
            assert (shell.cwd / "pyproject.toml").is_file(), f"{shell.cwd} is no checkout"
        name = canonicalize_name(requirement.name)
        if name == project:
            unknown = requirement.extras - set(_extras())
            assert not unknown, f"pyproject.toml has no extra {sorted(unknown)}"
        else:
            assert name in _dev(), f"{name} is not a dev dependency, so no test uses it"


@functools.cache
def _nox_sessions() -> frozenset[str]:
    """The sessions ``nox --list`` shows, selected by default or not."""
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return frozenset(re.findall(r"^[*-] (\S+) ->", listed.stdout, re.MULTILINE))


def _check_nox(args: list[str]) -> None:
    """Every session named is one of noxfile.py's (``pythons`` names all its versions)."""
    sessions = _nox_sessions()
    assert sessions, "nox lists no session"
    words = iter(args[: args.index("--")] if "--" in args else args)
    for word in words:
        if word in ("-s", "--session", "--sessions"):
            name = next(words)
            known = name in sessions or any(s.startswith(f"{name}-") for s in sessions)
            assert known, f"noxfile.py has no session {name!r}"
        elif word not in ("-l", "--list") and not word.startswith("--default-venv-backend"):
            raise AssertionError(f"nox {word}: not a documented option")


def _check_pytest(shell: Shell, args: list[str]) -> None:
    """Every path named exists and every marker is registered."""
    markers = {line.partition(":")[0] for line in CONFIG[-1].getini("markers")}
    words = iter(args)
    for word in words:
        if word == "-m":
            named = set(re.findall(r"\w+", next(words))) - {"and", "or", "not"}
            assert named <= markers, f"unregistered markers {sorted(named - markers)}"
        elif word == "-k":
            next(words)
        elif not word.startswith("-"):
            assert (shell.cwd / word.partition("::")[0]).exists(), f"no test path {word}"


@functools.cache
def _read_names() -> frozenset[str]:
    """Upper-case names in zoomlink, its tests and examples: the variables something reads."""
    names: set[str] = set()
    for folder in ("src", "tests", "examples"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(Path(__file__).parent):
                continue  # the harness and its tests name variables only as examples
            names.update(re.findall(r"\b[A-Z][A-Z0-9_]+\b", path.read_text(encoding="utf-8")))
    return frozenset(names)


def _check_read(page: DocPage, name: str) -> None:
    """A variable the docs set is one that zoomlink, its tests or examples, or a Python block
    of the page read."""
    python_blocks = "".join(re.findall(r"```python\n(.*?)```", page.path.read_text(), re.S))
    assert name in _read_names() or name in python_blocks, f"nothing reads {name}"
