#!/usr/bin/env python3
"""A throwaway PostgreSQL server on 127.0.0.1 for the test suite, started by the project itself.

The server's binaries (``initdb``, ``pg_ctl``) are looked up on PATH and in Debian's
``/usr/lib/postgresql/*/bin``; :func:`install_binaries` installs Debian's ``postgresql`` package
when they are missing and the caller is root. :class:`PostgresServer` creates a fresh cluster,
starts it on a free loopback port with durability switched off (tests need speed, not crash
safety), creates the database ``zoomlink_test`` and removes everything again on stop.

    python scripts/postgres_server.py                 # start, print the DSN, run until Ctrl-C
    python scripts/postgres_server.py --install-only  # only make sure the binaries are present

Importable as well: ``tests/postgres.py`` loads this file by path. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import NoReturn
from urllib.parse import quote

__all__ = [
    "DATABASE",
    "PostgresServer",
    "find_binaries",
    "install_binaries",
    "main",
]

DATABASE = "zoomlink_test"
HOST = "127.0.0.1"

# initdb, pg_ctl and postgres refuse to run as root; as root, they run as one of these.
DEBIAN_USER = "postgres"
FALLBACK_USER = "zoomlink-pg"

# Binaries a usable bin directory must hold; initdb finds postgres next to itself.
REQUIRED = ("initdb", "pg_ctl", "postgres")

# The longest Unix socket path is 107 bytes; keep a margin for ".s.PGSQL.<port>".
MAX_SOCKET_DIR = 90

# Settings for a disposable cluster: nothing here needs to survive a crash.
SETTINGS = {
    "listen_addresses": HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


def _has_binaries(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in REQUIRED)


def _version_key(directory: Path) -> tuple[int, ...]:
    # "/usr/lib/postgresql/15/bin" -> (15,); "9.6" -> (9, 6); anything else sorts last.
    try:
        return tuple(int(part) for part in directory.parent.name.split("."))
    except ValueError:
        return ()


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (and ``postgres``), or None.

    PATH comes first, so a deliberately chosen installation wins; then Debian's
    ``/usr/lib/postgresql/<version>/bin``, newest version first. Symlinks on PATH are resolved,
    because Debian links only some binaries into shared directories (``psql`` to a wrapper).
    """
    initdb = shutil.which("initdb")
    if initdb is not None:
        directory = Path(initdb).resolve().parent
        if _has_binaries(directory):
            return directory
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for directory in candidates:
        if _has_binaries(directory):
            return directory
    return None


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def install_binaries() -> Path:
    """Return the PostgreSQL bin directory, installing Debian's ``postgresql`` first if needed.

    Installing needs root and apt-get; otherwise a RuntimeError says what to install. The
    package's default cluster is not created, so no server is left running on port 5432.
    """
    found = find_binaries()
    if found is not None:
        return found
    apt_get = shutil.which("apt-get")
    if os.geteuid() != 0 or apt_get is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl) were found neither on PATH nor in "
            "/usr/lib/postgresql/*/bin, and they can only be installed automatically as root "
            "on Debian/Ubuntu. Install the PostgreSQL server (e.g. `sudo apt-get install "
            "postgresql`, `brew install postgresql`) or put its bin directory on PATH."
        )
    # postgresql-common reads this directory: without the setting, the package would create a
    # "main" cluster and, where services may start, leave it running on port 5432.
    conf_dir = Path("/etc/postgresql-common/createcluster.d")
    conf_dir.mkdir(parents=True, exist_ok=True)
    (conf_dir / "zoomlink-no-main-cluster.conf").write_text("create_main_cluster = false\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a concurrent apt or dpkg (another test worker) instead of failing on its lock.
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    print("postgres_server: installing Debian's postgresql package", file=sys.stderr)
    for command in (
        [apt_get, *lock, "update"],
        [apt_get, *lock, "install", "-y", "--no-install-recommends", "postgresql"],
    ):
        result = _run(command, env=env)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed with exit status {result.returncode}:\n"
                f"{_tail(result.stdout)}"
            )
    found = find_binaries()
    if found is None:
        raise RuntimeError(
            "apt-get installed postgresql, but initdb and pg_ctl are still not found on PATH "
            "or in /usr/lib/postgresql/*/bin"
        )
    return found


def _run(
    command: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    user: pwd.struct_passwd | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, stdout and stderr together as text, as ``user`` when given."""
    return subprocess.run(  # noqa: S603 - fixed argument lists, no shell
        [str(part) for part in command],
        env=env,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        user=None if user is None else user.pw_uid,
        group=None if user is None else user.pw_gid,
        # Drop root's supplementary groups too, not only its uid and gid.
        extra_groups=None if user is None else [],
    )


def _service_user() -> pwd.struct_passwd:
    """The unprivileged user the server runs as when we are root; created if missing."""
    for name in (DEBIAN_USER, FALLBACK_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    useradd = shutil.which("useradd")
    if useradd is None:
        raise RuntimeError(
            f"PostgreSQL refuses to run as root, and neither the user {DEBIAN_USER!r} nor "
            f"{FALLBACK_USER!r} exists nor can be created (useradd not found)"
        )
    result = _run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            FALLBACK_USER,
        ]
    )
    try:
        # Look up even after a failure: a parallel test worker may have created it first.
        return pwd.getpwnam(FALLBACK_USER)
    except KeyError:
        raise RuntimeError(
            f"could not create the system user {FALLBACK_USER!r} to run PostgreSQL as "
            f"(PostgreSQL refuses to run as root):\n{_tail(result.stdout)}"
        ) from None


def _free_port() -> int:
    # The kernel picks a free port; there is a small window before postgres binds it, which
    # start() covers by retrying on "Address already in use".
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _locale(env: Mapping[str, str]) -> str:
    """C.UTF-8 where the system has it (byte order, but upper() knows non-ASCII), else C."""
    locale_bin = shutil.which("locale")
    if locale_bin is not None:
        available = _run([locale_bin, "-a"], env=env).stdout.split()
        for name in ("C.UTF-8", "C.utf8"):
            if name in available:
                return name
    return "C"


def _conf_value(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class PostgresServer:
    """A disposable PostgreSQL cluster listening on 127.0.0.1 only, as a context manager.

    ``with PostgresServer() as server: connect(server.dsn)``. Everything lives in a fresh
    directory under ``base_dir`` (default: a new temporary directory), removed by :meth:`stop`.
    As root, the server runs as the ``postgres`` user (or a created ``zoomlink-pg`` system user);
    if that user cannot reach ``base_dir`` (pytest's 0700 temporary directories), the cluster is
    put in a fresh directory under the system's temporary directory instead.
    """

    def __init__(
        self,
        base_dir: Path | None = None,
        *,
        bin_dir: Path | None = None,
        database: str = DATABASE,
        user: str = "postgres",
        start_timeout: float = 30.0,
    ) -> None:
        found = bin_dir if bin_dir is not None else find_binaries()
        if found is None:
            raise RuntimeError(
                "PostgreSQL binaries (initdb, pg_ctl) not found; run "
                "`python scripts/postgres_server.py --install-only` (as root on Debian) or "
                "install the PostgreSQL server"
            )
        self.bin_dir = found
        self.base_dir = base_dir
        self.database = database
        self.user = user
        self.start_timeout = start_timeout
        self.host = HOST
        self.port: int | None = None
        self.directory: Path | None = None
        self._socket_dir: Path | None = None
        self._runner: pwd.struct_passwd | None = None
        self._env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        # English messages, so that "Address already in use" can be recognised in the log.
        self._env["LC_ALL"] = "C"

    # Paths inside the server's directory.

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory (PGDATA)."""
        return self._directory() / "data"

    @property
    def log_file(self) -> Path:
        """The server's log, as written by ``pg_ctl -l``."""
        return self._directory() / "server.log"

    @property
    def socket_dir(self) -> Path:
        """The directory of the server's Unix socket."""
        if self._socket_dir is None:
            raise RuntimeError("the PostgreSQL server is not started")
        return self._socket_dir

    @property
    def dsn(self) -> str:
        """A libpq connection URL: ``postgresql://USER@127.0.0.1:PORT/zoomlink_test``."""
        if self.port is None:
            raise RuntimeError("the PostgreSQL server is not started")
        return f"postgresql://{quote(self.user, safe='')}@{self.host}:{self.port}/{self.database}"

    def _directory(self) -> Path:
        if self.directory is None:
            raise RuntimeError("the PostgreSQL server is not started")
        return self.directory

    # Life cycle.

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Create the cluster, start the server, wait for it and create the database.

        Raises RuntimeError, with the tail of the command's output or the server's log, when a
        step fails or the server does not accept connections within ``start_timeout`` seconds;
        whatever was created is removed again.
        """
        if self.directory is not None:
            raise RuntimeError("the PostgreSQL server is already started")
        try:
            self._prepare_directories()
            self._initdb()
            self._start_server()
            self._wait_until_ready()
            self._create_database()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server at once (``pg_ctl stop -m immediate``) and remove its files.

        Safe to call more than once, and after a failed start.
        """
        if self.directory is None:
            return
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            try:
                result = self._pg(
                    "pg_ctl", "stop", "-D", self.data_dir, "-m", "immediate", "-w", "-t", "30"
                )
                stopped = result.returncode == 0
            except subprocess.TimeoutExpired:
                stopped = False
            if not stopped:
                self._kill_postmaster(pid_file)
        shutil.rmtree(self.directory, ignore_errors=True)
        if self._socket_dir is not None and not self._socket_dir.is_relative_to(self.directory):
            shutil.rmtree(self._socket_dir, ignore_errors=True)
        self.directory = self._socket_dir = None
        self.port = None

    # Steps.

    def _prepare_directories(self) -> None:
        self._runner = _service_user() if os.geteuid() == 0 else None
        if self.base_dir is not None:
            self.base_dir.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix="zoomlink-postgres-", dir=self.base_dir))
        self.directory = directory
        if self._runner is not None:
            self._chown(directory)
            if not self._reachable(directory):
                # The service user cannot traverse base_dir's parents: use the temporary
                # directory (sticky and world-accessible) rather than loosen someone's modes.
                shutil.rmtree(directory)
                directory = Path(tempfile.mkdtemp(prefix="zoomlink-postgres-"))
                self.directory = directory
                self._chown(directory)
        socket_dir = directory / "socket"
        if len(str(socket_dir)) > MAX_SOCKET_DIR:
            # Deep base directories would overflow the socket path limit.
            socket_dir = Path(tempfile.mkdtemp(prefix="zoomlink-pgsock-"))
        else:
            socket_dir.mkdir(mode=0o700)
        self._socket_dir = socket_dir
        if self._runner is not None:
            self._chown(socket_dir)

    def _chown(self, path: Path) -> None:
        assert self._runner is not None
        os.chown(path, self._runner.pw_uid, self._runner.pw_gid)

    def _reachable(self, directory: Path) -> bool:
        test = shutil.which("test")
        if test is None:
            return True  # cannot tell; initdb will say so if not
        # Searchable by the user means every parent directory is, too.
        return self._run_as_runner([test, "-x", directory]).returncode == 0

    def _initdb(self) -> None:
        self._check(
            "initdb",
            self._pg(
                "initdb",
                "--pgdata",
                self.data_dir,
                "--username",
                self.user,
                "--auth-local=trust",
                "--auth-host=trust",
                "--encoding=UTF8",
                f"--locale={_locale(self._env)}",
                "--no-sync",
            ),
        )
        settings = {**SETTINGS, "unix_socket_directories": str(self.socket_dir)}
        lines = [f"{name} = {_conf_value(value)}" for name, value in settings.items()]
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# Added by scripts/postgres_server.py for tests.\n")
            conf.write("\n".join(lines) + "\n")

    def _start_server(self) -> None:
        for attempt in range(3):
            port = _free_port()
            log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
            result = self._pg(
                "pg_ctl",
                "start",
                "-D",
                self.data_dir,
                "-l",
                self.log_file,
                "-o",
                f"-p {port}",
                "-w",
                "-t",
                str(max(1, round(self.start_timeout))),
            )
            if result.returncode == 0:
                self.port = port
                return
            log = self._log_text()[log_start:]
            # Someone took the port between _free_port() and postgres binding it: pick another.
            if "Address already in use" in log and attempt < 2:
                continue
            raise RuntimeError(
                f"PostgreSQL did not start (pg_ctl exit status {result.returncode}):\n"
                f"{_tail(result.stdout)}\n--- server log {self.log_file} ---\n{_tail(log)}"
            )

    def _wait_until_ready(self) -> None:
        # pg_ctl -w already waited for the postmaster; this confirms TCP on 127.0.0.1 works.
        assert self.port is not None
        deadline = time.monotonic() + self.start_timeout
        while not self._accepts_connections():
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"PostgreSQL does not accept connections on {self.host}:{self.port} "
                    f"after {self.start_timeout:g} s:\n"
                    f"--- server log {self.log_file} ---\n{_tail(self._log_text())}"
                )
            time.sleep(0.05)

    def _accepts_connections(self) -> bool:
        assert self.port is not None
        if (self.bin_dir / "pg_isready").exists():
            # A real startup packet: a bare TCP connect would log "incomplete startup packet".
            result = self._pg(
                "pg_isready",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--username",
                self.user,
                "--dbname",
                "postgres",
                "--timeout",
                "2",
            )
            return result.returncode == 0
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def _create_database(self) -> None:
        assert self.port is not None
        connection = ["--host", self.host, "--port", str(self.port), "--username", self.user]
        if (self.bin_dir / "createdb").exists():
            result = self._pg("createdb", *connection, self.database)
        else:
            statement = f'CREATE DATABASE "{self.database.replace(chr(34), chr(34) * 2)}"'
            options = ["--dbname", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement]
            result = self._pg("psql", *connection, *options)
        self._check(f"creating the database {self.database!r}", result)

    # Helpers.

    def _pg(self, program: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        """Run one of the bin directory's programs as the server's user."""
        timeout = self.start_timeout + 30
        return self._run_as_runner([self.bin_dir / program, *args], timeout=timeout)

    def _run_as_runner(
        self, command: Sequence[str | Path], timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        # cwd: the service user may not be allowed into ours, which initdb complains about.
        return _run(command, env=self._env, user=self._runner, cwd=self.directory, timeout=timeout)

    def _check(self, what: str, result: subprocess.CompletedProcess[str]) -> None:
        if result.returncode != 0:
            raise RuntimeError(
                f"{what} failed with exit status {result.returncode}:\n{_tail(result.stdout)}\n"
                f"--- server log {self.log_file} ---\n{_tail(self._log_text())}"
            )

    def _log_text(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def _kill_postmaster(self, pid_file: Path) -> None:
        # pg_ctl could not stop it (e.g. it timed out): do not leave a stray server behind,
        # but kill only a process that is this cluster's postmaster, never a reused pid.
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pid_file.read_text().splitlines()[0])
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if os.fsencode(self.data_dir) in command_line:
                os.kill(pid, signal.SIGKILL)


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: start a server and print its DSN, or only install the binaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--install-only",
        action="store_true",
        help="only make sure the PostgreSQL binaries are installed, and print their directory",
    )
    parser.add_argument(
        "--base-dir",
        type=Path,
        default=None,
        help="directory to create the cluster in (default: a new temporary directory)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for the server to start"
    )
    args = parser.parse_args(argv)
    bin_dir = install_binaries()
    if args.install_only:
        print(bin_dir)
        return 0
    # SIGTERM and SIGHUP end the server like Ctrl-C does; SIGINT is set too, because a
    # background job (``... &``) starts with it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    server = PostgresServer(args.base_dir, bin_dir=bin_dir, start_timeout=args.timeout)
    try:
        server.start()
        print(server.dsn, flush=True)
        print("postgres_server: running; Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
